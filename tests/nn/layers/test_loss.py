"""nn/layers/loss.py: the loss modules compute what their functions compute and keep their
weights as buffers."""

import warnings

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F


def t(values, dtype=np.float64, requires_grad=False):
    return autograd.Tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)


def test_loss_modules_match_functions_and_keep_weight_buffers():
    x = t([[0.3, -1.2, 2.0], [0.1, 0.4, -0.5]])
    y = np.array([2, 0])
    w = np.array([1.0, 2.0, 3.0])
    module = nn.CrossEntropyLoss(weight=w, label_smoothing=0.1, reduction="sum")
    assert module(x, y).item() == pytest.approx(
        F.cross_entropy(x, y, w, reduction="sum", label_smoothing=0.1).item()
    )
    assert list(module.state_dict()) == ["weight"]
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"
    p = t([[0.2, 0.7]])
    target = t([[0.0, 1.0]])
    pairs = [
        (nn.MSELoss(), F.mse_loss),
        (nn.L1Loss(), F.l1_loss),
        (nn.HuberLoss(delta=0.1), lambda a, b: F.huber_loss(a, b, delta=0.1)),
        (nn.SmoothL1Loss(beta=0.1), lambda a, b: F.smooth_l1_loss(a, b, beta=0.1)),
        (nn.BCELoss(), F.binary_cross_entropy),
        (
            nn.BCEWithLogitsLoss(pos_weight=np.array([2.0, 2.0])),
            lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=np.array([2.0, 2.0])),
        ),
    ]
    for module, fn in pairs:
        assert module(p, target).item() == pytest.approx(fn(p, target).item())
    logp = F.log_softmax(x)
    assert nn.NLLLoss()(logp, y).item() == pytest.approx(F.cross_entropy(x, y).item())


def test_new_loss_modules_match_their_functions():
    rng = np.random.default_rng(0)
    x, y = t(rng.standard_normal((4, 3))), t(rng.standard_normal((4, 3)))
    signs = np.where(rng.random((4, 3)) < 0.5, -1.0, 1.0)
    logp = F.log_softmax(x, dim=1)
    probs = F.softmax(y, dim=1)
    classes = np.array([0, 2, 1, 1])
    pairs = [
        (
            nn.KLDivLoss(reduction="batchmean"),
            lambda: F.kl_div(logp, probs, reduction="batchmean"),
            (logp, probs),
        ),
        (
            nn.KLDivLoss(reduction="sum", log_target=True),
            lambda: F.kl_div(logp, F.log_softmax(y, dim=1), reduction="sum", log_target=True),
            (logp, F.log_softmax(y, dim=1)),
        ),
        (
            nn.PoissonNLLLoss(log_input=False, full=True),
            lambda: F.poisson_nll_loss(x.exp(), y.abs() * 3, False, True),
            (x.exp(), y.abs() * 3),
        ),
        (
            nn.GaussianNLLLoss(full=True, eps=0.1),
            lambda: F.gaussian_nll_loss(x, y, x.exp(), full=True, eps=0.1),
            (x, y, x.exp()),
        ),
        (
            nn.MarginRankingLoss(margin=0.3),
            lambda: F.margin_ranking_loss(x, y, signs, 0.3),
            (x, y, signs),
        ),
        (
            nn.HingeEmbeddingLoss(reduction="sum"),
            lambda: F.hinge_embedding_loss(x, signs, 1.0, reduction="sum"),
            (x, signs),
        ),
        (
            nn.CosineEmbeddingLoss(0.2),
            lambda: F.cosine_embedding_loss(x, y, signs[:, 0], 0.2),
            (x, y, signs[:, 0]),
        ),
        (
            nn.TripletMarginLoss(2.0, 1.0, swap=True),
            lambda: F.triplet_margin_loss(x, y, -y, 2.0, 1.0, swap=True),
            (x, y, -y),
        ),
        (nn.SoftMarginLoss(), lambda: F.soft_margin_loss(x, signs), (x, signs)),
        (
            nn.MultiLabelSoftMarginLoss(weight=np.array([1.0, 2.0, 3.0])),
            lambda: F.multilabel_soft_margin_loss(x, probs, np.array([1.0, 2.0, 3.0])),
            (x, probs),
        ),
        (
            nn.MultiMarginLoss(p=2, margin=0.5, weight=np.array([1.0, 2.0, 3.0])),
            lambda: F.multi_margin_loss(x, classes, 2, 0.5, np.array([1.0, 2.0, 3.0])),
            (x, classes),
        ),
        (
            nn.MultiLabelMarginLoss(reduction="none"),
            lambda: F.multilabel_margin_loss(x, np.array([[0, -1, 0]] * 4), reduction="none"),
            (x, np.array([[0, -1, 0]] * 4)),
        ),
    ]
    for module, function, args in pairs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            np.testing.assert_allclose(module(*args).numpy(), function().numpy())
    assert list(pairs[9][0].state_dict()) == ["weight"]  # class weights are buffers
    assert list(nn.MultiMarginLoss().state_dict()) == []
    assert nn.HingeEmbeddingLoss().margin == 1.0 and nn.MarginRankingLoss().margin == 0.0
    assert repr(nn.KLDivLoss(reduction="batchmean")) == "KLDivLoss(reduction='batchmean')"


def test_new_loss_modules_check_their_options():
    with pytest.raises(ValueError, match="KLDivLoss: reduction must be"):
        nn.KLDivLoss(reduction="batch")
    with pytest.raises(ValueError, match="TripletMarginLoss: margin must be greater than 0"):
        nn.TripletMarginLoss(margin=0.0)
    with pytest.raises(ValueError, match="MultiMarginLoss: only p == 1 and p == 2"):
        nn.MultiMarginLoss(p=3)
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.SoftMarginLoss(size_average=False).reduction == "sum"
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert nn.PoissonNLLLoss(True, False, None, 1e-8, False).reduction == "none"


def test_new_loss_modules_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3))
    target = np.exp(rng.standard_normal((4, 3)))
    for ours, theirs in [
        (nn.KLDivLoss(reduction="batchmean"), torch.nn.KLDivLoss(reduction="batchmean")),
        (nn.PoissonNLLLoss(full=True), torch.nn.PoissonNLLLoss(full=True)),
        (nn.SoftMarginLoss(reduction="sum"), torch.nn.SoftMarginLoss(reduction="sum")),
        (nn.MultiLabelSoftMarginLoss(), torch.nn.MultiLabelSoftMarginLoss()),
    ]:
        a = autograd.Tensor(x, requires_grad=True)
        b = torch.tensor(x, requires_grad=True)
        ours(a, target).backward()
        theirs(b, torch.tensor(target)).backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10)


def test_ctc_loss_module_matches_its_function():
    rng = np.random.default_rng(2)
    lp = F.log_softmax(t(rng.standard_normal((5, 2, 4))), dim=2)
    targets, inputs, lengths = np.array([[1, 2], [3, 0]]), np.array([5, 4]), np.array([2, 1])
    module = nn.CTCLoss(blank=0, reduction="sum", zero_infinity=True)
    expected = F.ctc_loss(lp, targets, inputs, lengths, 0, "sum", True)
    assert module(lp, targets, inputs, lengths).item() == pytest.approx(expected.item())
    assert nn.CTCLoss().reduction == "mean" and list(nn.CTCLoss().state_dict()) == []


def test_triplet_margin_with_distance_loss_module():
    rng = np.random.default_rng(3)
    a, p, n = (t(rng.standard_normal((4, 3))) for _ in range(3))

    def distance(u, v):
        return 1 - F.cosine_similarity(u, v)

    module = nn.TripletMarginWithDistanceLoss(distance_function=distance, margin=0.5, swap=True)
    expected = F.triplet_margin_with_distance_loss(
        a, p, n, distance_function=distance, margin=0.5, swap=True
    )
    assert module(a, p, n).item() == pytest.approx(expected.item())
    default = nn.TripletMarginWithDistanceLoss(reduction="sum")(a, p, n)
    assert default.item() == pytest.approx(F.triplet_margin_loss(a, p, n, reduction="sum").item())
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        nn.TripletMarginWithDistanceLoss(margin=0)
