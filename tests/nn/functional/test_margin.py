"""nn/functional/margin.py: the margin and ranking losses by hand, at their kinks, against
central differences, and against PyTorch (values and gradients of every input PyTorch
differentiates, every reduction, float64), with the errors for bad shapes and labels."""

import numpy as np
import pytest

import autograd
from nn import functional as F

RNG = np.random.default_rng(0)
REDUCTIONS = ["none", "mean", "sum"]


def leaf(data):
    return autograd.Tensor(np.array(data, dtype=np.float64), requires_grad=True)


def signs(*shape):
    return np.where(RNG.random(shape) < 0.5, -1.0, 1.0)


def _against_torch(ours, theirs, arrays, differentiable):
    """Compare values, and the gradients of a random weighting of the outputs."""
    torch = pytest.importorskip("torch")
    mine = [
        autograd.Tensor(a, requires_grad=d) if d is not None else autograd.Tensor(a)
        for a, d in zip(arrays, differentiable)
    ]
    others = [torch.tensor(a, requires_grad=bool(d)) for a, d in zip(arrays, differentiable)]
    out, ref = ours(*mine), theirs(*others)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = RNG.standard_normal(ref.shape)
    (out * autograd.Tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    for m, o, d in zip(mine, others, differentiable):
        if d:
            np.testing.assert_allclose(m.grad.numpy(), o.grad.numpy(), rtol=1e-9, atol=1e-12)


# ----- by hand --------------------------------------------------------------------------------


def test_margin_ranking_loss_by_hand_and_at_the_kink():
    x1, x2, y = leaf([1.0, 2.0, 0.5]), leaf([1.0, 1.0, 1.0]), leaf([1.0, -1.0, 1.0])
    loss = F.margin_ranking_loss(x1, x2, y, reduction="none")  # max(0, -y (x1 - x2))
    np.testing.assert_array_equal(loss.numpy(), [0.0, 1.0, 0.5])
    loss.sum().backward()
    # At the kink (z = 0, the first pair) the gradient passes, as PyTorch's clamp_min does
    np.testing.assert_array_equal(x1.grad.numpy(), [-1.0, 1.0, -1.0])
    np.testing.assert_array_equal(x2.grad.numpy(), [1.0, -1.0, 1.0])
    np.testing.assert_array_equal(y.grad.numpy(), [0.0, -1.0, 0.5])  # -(x1 - x2)


def test_hinge_embedding_loss_by_hand():
    x = leaf([0.5, 1.0, 2.0, -0.5, 0.3])
    y = np.array([1.0, -1.0, -1.0, -1.0, 0.0])  # 0 is neither label: both terms count
    loss = F.hinge_embedding_loss(x, y, reduction="none")
    np.testing.assert_allclose(loss.numpy(), [0.5, 0.0, 0.0, 1.5, 1.0])
    loss.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, -1.0, 0.0, -1.0, 0.0])


def test_soft_margin_loss_is_finite_where_the_direct_formula_overflows():
    x = leaf([0.5, -1.0, 800.0])
    loss = F.soft_margin_loss(x, np.array([1.0, -1.0, -1.0]), reduction="none")
    np.testing.assert_allclose(loss.numpy(), [np.log1p(np.exp(-0.5)), np.log1p(np.exp(-1.0)), 800])
    loss.sum().backward()
    sig = 1 / (1 + np.exp([0.5, 1.0]))
    np.testing.assert_allclose(x.grad.numpy(), [-sig[0], sig[1], 1.0])


def test_multi_margin_loss_by_hand_counts_only_positive_hinges():
    x = leaf([[1.0, 0.0, 2.0]])
    loss = F.multi_margin_loss(x, np.array([0]), reduction="sum")
    # z_j = 1 - x_0 + x_j: 0 for j = 1 (not counted), 2 for j = 2
    assert loss.item() == pytest.approx(2 / 3)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [[-1 / 3, 0.0, 1 / 3]])
    squared = F.multi_margin_loss(x, np.array([0]), p=2, weight=np.array([3.0, 1.0, 1.0]))
    assert squared.item() == pytest.approx(3 * 4 / 3)  # w_y z^2 / C


def test_multilabel_margin_loss_by_hand():
    x = leaf([0.1, 0.5, 0.3, 0.9])
    # classes 1 and 3 listed (the list ends at -1; the 0 after it does not count)
    loss = F.multilabel_margin_loss(x, np.array([1, 3, -1, 0]))
    pairs = [(1, 0), (1, 2), (3, 0), (3, 2)]
    expected = sum(max(0.0, 1 - (x.numpy()[j] - x.numpy()[i])) for j, i in pairs) / 4
    assert loss.item() == pytest.approx(expected)
    duplicate = F.multilabel_margin_loss(x, np.array([1, 1, -1, 0]))  # counted twice
    single = F.multilabel_margin_loss(x, np.array([1, -1, 0, 0]))
    assert duplicate.item() == pytest.approx(2 * single.item())


def test_cosine_embedding_loss_by_hand():
    a, b = leaf([[1.0, 0.0], [1.0, 1.0]]), leaf([[0.0, 1.0], [1.0, 1.0]])
    loss = F.cosine_embedding_loss(a, b, np.array([1.0, -1.0]), margin=0.5, reduction="none")
    np.testing.assert_allclose(loss.numpy(), [1.0, 0.5], rtol=1e-10)  # 1 - 0; max(0, 1 - 0.5)
    one = F.cosine_embedding_loss(a[0], b[0], np.array(-1.0))  # a pair of vectors, 0-d label
    assert one.item() == 0.0


def test_triplet_margin_loss_by_hand_and_swap():
    a, p, n = leaf([[0.0, 0.0]]), leaf([[3.0, 0.0]]), leaf([[0.0, 4.0]])
    loss = F.triplet_margin_loss(a, p, n, margin=1.0, eps=0.0)
    assert loss.item() == pytest.approx(max(0.0, 3 + 1 - 4))
    swapped = F.triplet_margin_loss(a, p, n, margin=1.0, eps=0.0, swap=True)
    assert swapped.item() == pytest.approx(3 + 1 - min(4, 5))
    near = leaf([[0.0, 2.0]])  # d(p, n) = sqrt(13) < d(a, n)? no: d(a, n) = 2 is smaller
    close = F.triplet_margin_loss(a, p, near, margin=1.0, eps=0.0, swap=True)
    assert close.item() == pytest.approx(3 + 1 - 2)


# ----- gradcheck ------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck_of_every_margin_loss(reduction):
    # (values keep every hinge away from its kink, where central differences disagree)
    x1 = leaf(RNG.standard_normal((4, 3)))
    x2 = leaf(x1.numpy() + RNG.choice([-1, 1], (4, 3)) * RNG.uniform(0.3, 1.0, (4, 3)))
    y = leaf(signs(4, 3))
    r = reduction
    assert autograd.gradcheck(
        lambda a, b, t: F.margin_ranking_loss(a, b, t, reduction=r), [x1, x2, y]
    )
    labels = signs(4, 3)
    assert autograd.gradcheck(lambda a: F.hinge_embedding_loss(a, labels, 0.3, reduction=r), [x1])
    assert autograd.gradcheck(lambda a: F.soft_margin_loss(a, labels, reduction=r), [x1])
    w = leaf(RNG.uniform(0.5, 2.0, 3))
    t = leaf(RNG.uniform(0, 1, (4, 3)))
    assert autograd.gradcheck(
        lambda a, b, c: F.multilabel_soft_margin_loss(a, b, c, reduction=r), [x1, t, w]
    )
    pairs = signs(4)
    assert autograd.gradcheck(
        lambda a, b: F.cosine_embedding_loss(a, b, pairs, -0.9, reduction=r), [x1, x2]
    )
    n = leaf(RNG.standard_normal((4, 3)) * 3)
    for p in (1, 2, 3):
        for swap in (False, True):
            assert autograd.gradcheck(
                lambda a, b, c, p=p, swap=swap: F.triplet_margin_loss(
                    a, b, c, margin=5.0, p=p, swap=swap, reduction=r
                ),
                [x1, x2, n],
            )
    classes = np.array([0, 2, 1, 2])
    for p in (1, 2):
        assert autograd.gradcheck(
            lambda a, p=p: F.multi_margin_loss(a, classes, p, 0.7, w.detach(), reduction=r),
            [x1],
        )
    listed = np.array([[0, -1, 2], [2, 1, -1], [1, -1, -1], [-1, 0, 0]])
    assert autograd.gradcheck(lambda a: F.multilabel_margin_loss(a, listed, reduction=r), [x1])


def test_soft_margin_second_derivative():
    x = leaf(RNG.standard_normal(5))
    labels = signs(5)
    assert autograd.gradgradcheck(lambda a: F.soft_margin_loss(a, labels), [x])


# ----- against PyTorch ------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_ranking_and_hinge_against_torch(reduction):
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    x1, x2 = RNG.standard_normal((5, 2)), RNG.standard_normal((5, 2))
    x2[0, 0] = x1[0, 0]  # a pair at the kink (margin 0)
    y = signs(5, 2)
    for margin in (0.0, 0.4):
        _against_torch(
            lambda a, b, t, m=margin: F.margin_ranking_loss(a, b, t, m, reduction=reduction),
            lambda a, b, t, m=margin: TF.margin_ranking_loss(a, b, t, m, reduction=reduction),
            [x1, x2, y],
            [True, True, True],
        )
    _against_torch(  # broadcasting within the same number of dimensions
        lambda a, b, t: F.margin_ranking_loss(a, b, t, 0.1, reduction=reduction),
        lambda a, b, t: TF.margin_ranking_loss(a, b, t, 0.1, reduction=reduction),
        [x1, x2[:1], y[:, :1]],
        [True, True, True],
    )
    labels = y.copy()
    labels[1, 1] = 0.0  # neither label
    x = RNG.uniform(-1, 2, (5, 2))
    x[2, 0] = 1.0  # at the kink: margin - x = 0
    for margin in (1.0, 0.5):
        _against_torch(
            lambda a, t, m=margin: F.hinge_embedding_loss(a, t, m, reduction=reduction),
            lambda a, t, m=margin: TF.hinge_embedding_loss(a, t, m, reduction=reduction),
            [x, labels],
            [True, None],
        )
    _against_torch(
        lambda a, t: F.hinge_embedding_loss(a, t, reduction=reduction),
        lambda a, t: TF.hinge_embedding_loss(a, t, reduction=reduction),
        [x, labels[0]],
        [True, None],
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_losses_against_torch(reduction):
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    x = RNG.standard_normal((4, 3)) * 3
    _against_torch(
        lambda a, t: F.soft_margin_loss(a, t, reduction=reduction),
        lambda a, t: TF.soft_margin_loss(a, t, reduction=reduction),
        [x, signs(4, 3)],
        [True, None],
    )
    _against_torch(  # a target broadcast to the input's shape
        lambda a, t: F.soft_margin_loss(a, t, reduction=reduction),
        lambda a, t: TF.soft_margin_loss(a, t, reduction=reduction),
        [x, signs(3)],
        [True, None],
    )
    t = RNG.uniform(0, 1, (4, 3))
    for weight in (None, RNG.uniform(0.5, 2, 3)):
        if weight is None:
            _against_torch(
                lambda a, b: F.multilabel_soft_margin_loss(a, b, reduction=reduction),
                lambda a, b: TF.multilabel_soft_margin_loss(a, b, reduction=reduction),
                [x, t],
                [True, True],
            )
        else:
            _against_torch(
                lambda a, b, w: F.multilabel_soft_margin_loss(a, b, w, reduction=reduction),
                lambda a, b, w: TF.multilabel_soft_margin_loss(a, b, w, reduction=reduction),
                [x, t, weight],
                [True, True, True],
            )
    _against_torch(  # one sample of C classes; and (N, L, C) with the classes last
        lambda a, b: F.multilabel_soft_margin_loss(a, b, reduction=reduction),
        lambda a, b: TF.multilabel_soft_margin_loss(a, b, reduction=reduction),
        [x[0], t[0]],
        [True, True],
    )
    _against_torch(
        lambda a, b: F.multilabel_soft_margin_loss(a, b, reduction=reduction),
        lambda a, b: TF.multilabel_soft_margin_loss(a, b, reduction=reduction),
        [x.reshape(2, 2, 3), t.reshape(2, 2, 3)],
        [True, True],
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_embedding_loss_against_torch(reduction):
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    a, b = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 3))
    a[4] = 0.0  # a zero vector: PyTorch's 1e-12 keeps the cosine finite
    y = signs(5)
    y[3] = 0.0
    for margin in (0.0, -0.3, 0.5):
        _against_torch(
            lambda p, q, m=margin: F.cosine_embedding_loss(p, q, y, m, reduction=reduction),
            lambda p, q, m=margin: TF.cosine_embedding_loss(
                p, q, torch.tensor(y), m, reduction=reduction
            ),
            [a, b],
            [True, True],
        )
    _against_torch(
        lambda p, q: F.cosine_embedding_loss(p, q, np.array(-1.0), -1.0, reduction=reduction),
        lambda p, q: TF.cosine_embedding_loss(p, q, torch.tensor(-1.0), -1.0, reduction=reduction),
        [a[0], b[0]],
        [True, True],
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_triplet_margin_loss_against_torch(reduction):
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    a, p, n = (RNG.standard_normal((6, 4)) for _ in range(3))
    p[0] = a[0] + 0.01  # the positive near the anchor ...
    n[1] = p[1] + 0.05  # ... and a negative nearer the positive than the anchor: swap matters
    for norm in (1.0, 2.0, 3.0):
        for swap in (False, True):
            for eps in (1e-6, 0.1):
                _against_torch(
                    lambda u, v, w, k=norm, s=swap, e=eps: F.triplet_margin_loss(
                        u, v, w, 1.5, k, e, s, reduction=reduction
                    ),
                    lambda u, v, w, k=norm, s=swap, e=eps: TF.triplet_margin_loss(
                        u, v, w, 1.5, k, e, s, reduction=reduction
                    ),
                    [a, p, n],
                    [True, True, True],
                )
    _against_torch(  # one triplet of vectors; broadcasting a (1, D) positive
        lambda u, v, w: F.triplet_margin_loss(u, v, w, reduction=reduction),
        lambda u, v, w: TF.triplet_margin_loss(u, v, w, reduction=reduction),
        [a[0], p[0], n[0]],
        [True, True, True],
    )
    _against_torch(
        lambda u, v, w: F.triplet_margin_loss(u, v, w, reduction=reduction),
        lambda u, v, w: TF.triplet_margin_loss(u, v, w, reduction=reduction),
        [a, p[:1], n],
        [True, True, True],
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multi_class_margins_against_torch(reduction):
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    x = RNG.standard_normal((5, 4))
    y = np.array([3, 0, 1, 1, 2])
    x[1, 2] = x[1, 0] - 1.0  # a hinge exactly at its kink (z = 0): not counted
    weight = RNG.uniform(0.5, 2.0, 4)
    for p in (1, 2):
        for margin in (1.0, 0.3):
            for w in (None, weight):
                _against_torch(
                    lambda a, q=p, m=margin, w=w: F.multi_margin_loss(
                        a, y, q, m, w, reduction=reduction
                    ),
                    lambda a, q=p, m=margin, w=w: TF.multi_margin_loss(
                        a,
                        torch.tensor(y),
                        q,
                        m,
                        None if w is None else torch.tensor(w),
                        reduction=reduction,
                    ),
                    [x],
                    [True],
                )
    for target in (np.array(2), np.array([2])):  # one sample: a (C,) input
        _against_torch(
            lambda a, t=target: F.multi_margin_loss(a, t, reduction=reduction),
            lambda a, t=target: TF.multi_margin_loss(a, torch.tensor(t), reduction=reduction),
            [x[0]],
            [True],
        )
    listed = np.array([[3, 0, -1, 1], [1, 2, 3, 0], [2, 2, -1, -1], [-1, 1, 0, 0], [0, 1, 2, -1]])
    _against_torch(
        lambda a: F.multilabel_margin_loss(a, listed, reduction=reduction),
        lambda a: TF.multilabel_margin_loss(a, torch.tensor(listed), reduction=reduction),
        [x],
        [True],
    )
    _against_torch(
        lambda a: F.multilabel_margin_loss(a, listed[0], reduction=reduction),
        lambda a: TF.multilabel_margin_loss(a, torch.tensor(listed[0]), reduction=reduction),
        [x[0]],
        [True],
    )


# ----- errors ---------------------------------------------------------------------------------


def test_labels_and_weights_that_require_grad_are_refused():
    x = leaf(RNG.standard_normal((3, 2)))
    labels = leaf(signs(3, 2))
    for call in (
        lambda: F.hinge_embedding_loss(x, labels),
        lambda: F.soft_margin_loss(x, labels),
        lambda: F.cosine_embedding_loss(x, x, labels[:, 0]),
    ):
        with pytest.raises(
            RuntimeError, match="not differentiable with respect to argument 'target'"
        ):
            call()
    with pytest.raises(RuntimeError, match="multi_margin_loss: not differentiable .* 'weight'"):
        F.multi_margin_loss(x, np.array([0, 1, 0]), weight=leaf([1.0, 2.0]))


def test_bad_shapes_and_labels_are_clear_errors():
    x = RNG.standard_normal((3, 2))
    with pytest.raises(ValueError, match=r"margin_ranking_loss: .* shapes \(3, 2\), \(3,\)"):
        F.margin_ranking_loss(x, x[:, 0], x)
    with pytest.raises(ValueError, match=r"soft_margin_loss: target shape \(4, 3, 2\)"):
        F.soft_margin_loss(x, np.ones((4, 3, 2)))
    with pytest.raises(ValueError, match=r"hinge_embedding_loss: input shape \(3, 2\)"):
        F.hinge_embedding_loss(x, np.ones(3))
    with pytest.raises(ValueError, match="cosine_embedding_loss: a 1-D target"):
        F.cosine_embedding_loss(x, x[0], np.ones(3))
    with pytest.raises(ValueError, match="cosine_embedding_loss: target must be 0-D or 1-D"):
        F.cosine_embedding_loss(x, x, np.ones((3, 1)))
    with pytest.raises(ValueError, match="triplet_margin_loss: margin must be greater than 0"):
        F.triplet_margin_loss(x, x, x, margin=0.0)
    with pytest.raises(ValueError, match="triplet_margin_loss: anchor, positive and negative"):
        F.triplet_margin_loss(x, x[0], x)
    with pytest.raises(ValueError, match="only p == 1 and p == 2"):
        F.multi_margin_loss(x, np.array([0, 1, 0]), p=3)
    with pytest.raises(ValueError, match="multi_margin_loss: target class 2 is out of range"):
        F.multi_margin_loss(x, np.array([0, 2, 0]))
    with pytest.raises(ValueError, match=r"multi_margin_loss: target must hold .* got \(2,\)"):
        F.multi_margin_loss(x, np.array([0, 1]))
    with pytest.raises(TypeError, match="multi_margin_loss: target must hold class indices"):
        F.multi_margin_loss(x, np.array([0.0, 1.0, 0.0]))
    with pytest.raises(ValueError, match=r"multi_margin_loss: weight .* got \(3,\)"):
        F.multi_margin_loss(x, np.array([0, 1, 0]), weight=np.ones(3))
    with pytest.raises(ValueError, match="multilabel_margin_loss: target value 5 is out of range"):
        F.multilabel_margin_loss(x, np.array([[0, 5], [1, -1], [-1, 0]]))
    with pytest.raises(ValueError, match=r"multilabel_margin_loss: target shape \(3,\)"):
        F.multilabel_margin_loss(x, np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="multi_margin_loss: input must be"):
        F.multi_margin_loss(np.ones((2, 3, 4)), np.array([0, 1]))
    with pytest.raises(ValueError, match="multilabel_soft_margin_loss: input must have a class"):
        F.multilabel_soft_margin_loss(np.array(1.0), np.array(1.0))
    with pytest.raises(ValueError, match=r"multilabel_soft_margin_loss: .* weight \(3,\)"):
        F.multilabel_soft_margin_loss(x, x, np.ones(3))
    with pytest.raises(ValueError, match=r"triplet_margin_loss: .* positive \(3, 4\)"):
        F.triplet_margin_loss(x, np.ones((3, 4)), x)
    with pytest.raises(ValueError, match="hinge_embedding_loss: reduction must be"):
        F.hinge_embedding_loss(x, np.ones((3, 2)), reduction="avg")


def test_legacy_size_average_and_reduce():
    x, y = RNG.standard_normal(4), signs(4)
    with pytest.warns(UserWarning, match="reduction='sum'"):
        total = F.soft_margin_loss(x, y, size_average=False)
    assert total.item() == pytest.approx(F.soft_margin_loss(x, y, reduction="sum").item())
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert F.hinge_embedding_loss(x, y, 1.0, None, False).shape == (4,)


def test_second_derivatives_of_the_smooth_margin_losses():
    x1, x2 = leaf(RNG.standard_normal((3, 4))), leaf(RNG.standard_normal((3, 4)))
    t = leaf(RNG.uniform(0, 1, (3, 4)))
    assert autograd.gradgradcheck(lambda a, b: F.multilabel_soft_margin_loss(a, b), [x1, t])
    labels = np.array([1.0, -1.0, 1.0])
    assert autograd.gradgradcheck(
        lambda a, b: F.cosine_embedding_loss(a, b, labels, margin=-1.0), [x1, x2]
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_triplet_margin_with_distance_loss_against_torch(reduction):
    torch = pytest.importorskip("torch")
    TF = torch.nn.functional
    a, p, n = (RNG.standard_normal((5, 3)) for _ in range(3))
    n[0] = p[0] + 0.05  # swap matters for the first triplet
    for swap in (False, True):
        _against_torch(
            lambda u, v, w, s=swap: F.triplet_margin_with_distance_loss(
                u, v, w, swap=s, margin=2.0, reduction=reduction
            ),
            lambda u, v, w, s=swap: TF.triplet_margin_with_distance_loss(
                u, v, w, swap=s, margin=2.0, reduction=reduction
            ),
            [a, p, n],
            [True, True, True],
        )
        _against_torch(
            lambda u, v, w, s=swap: F.triplet_margin_with_distance_loss(
                u,
                v,
                w,
                distance_function=lambda x, y: 1 - F.cosine_similarity(x, y),
                swap=s,
                reduction=reduction,
            ),
            lambda u, v, w, s=swap: TF.triplet_margin_with_distance_loss(
                u,
                v,
                w,
                distance_function=lambda x, y: 1 - TF.cosine_similarity(x, y),
                swap=s,
                reduction=reduction,
            ),
            [a, p, n],
            [True, True, True],
        )
    with pytest.raises(ValueError, match="triplet_margin_with_distance_loss: margin must be"):
        F.triplet_margin_with_distance_loss(a, p, n, margin=-1.0)
    with pytest.raises(ValueError, match="anchor, positive and negative must have the same"):
        F.triplet_margin_with_distance_loss(a, p[0], n)


def test_float32_inputs_give_float32_losses_and_gradients():
    x = autograd.Tensor(RNG.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    other = RNG.standard_normal((3, 4))  # float64 arrays are taken in the input's dtype
    labels = signs(3, 4)
    losses = [
        F.margin_ranking_loss(x, other, labels),
        F.hinge_embedding_loss(x, labels),
        F.cosine_embedding_loss(x, other.astype(np.float32), labels[:, 0]),
        F.triplet_margin_loss(x, x * 2, -x),
        F.soft_margin_loss(x, labels),
        F.multilabel_soft_margin_loss(x, (other > 0), np.ones(4)),
        F.multi_margin_loss(x, np.array([0, 1, 3]), 2, weight=np.ones(4)),
        F.multilabel_margin_loss(x, np.array([[0, -1, 0, 0]] * 3)),
    ]
    for loss in losses:
        assert loss.dtype == np.float32
        x.grad = None
        loss.backward()
        assert x.grad.dtype == np.float32
