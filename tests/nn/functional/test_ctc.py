"""nn/functional/ctc.py: the CTC loss against a brute-force sum over every alignment, against
central differences, and against PyTorch through log_softmax (values and gradients; padded and
concatenated targets, one sample, another blank, impossible targets, zero_infinity)."""

import itertools

import numpy as np
import pytest

import autograd
from nn import functional as F

RNG = np.random.default_rng(0)


def log_softmax(z):
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def collapse(path, blank):
    """The label sequence an alignment spells: merge repeats, then drop blanks."""
    merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return [c for c in merged if c != blank]


def brute_force(lp, target, blank=0):
    """-log of the summed probability of every path over T frames that spells ``target``."""
    steps, classes = lp.shape
    total = 0.0
    for path in itertools.product(range(classes), repeat=steps):
        if collapse(path, blank) == list(target):
            total += np.exp(sum(lp[t, c] for t, c in enumerate(path)))
    return -np.log(total)


@pytest.mark.parametrize(
    "target, blank", [([1, 2], 0), ([1, 1], 0), ([2], 0), ([], 0), ([0, 1], 2), ([1, 0, 1], 2)]
)
def test_ctc_loss_is_the_sum_over_alignments(target, blank):
    lp = log_softmax(RNG.standard_normal((4, 3)))
    loss = F.ctc_loss(lp, np.array(target, dtype=np.int64), 4, len(target), blank, "sum")
    assert loss.item() == pytest.approx(brute_force(lp, target, blank), rel=1e-10)


def test_ctc_loss_reductions_by_hand():
    lp = log_softmax(RNG.standard_normal((4, 2, 3)))
    targets = np.array([[1, 2], [2, 0]])
    lengths = np.array([2, 1])
    each = F.ctc_loss(lp, targets, np.array([4, 3]), lengths, reduction="none").numpy()
    expected = [brute_force(lp[:, 0], [1, 2]), brute_force(lp[:3, 1], [2])]
    np.testing.assert_allclose(each, expected, rtol=1e-10)
    total = F.ctc_loss(lp, targets, np.array([4, 3]), lengths, reduction="sum")
    assert total.item() == pytest.approx(sum(expected))
    mean = F.ctc_loss(lp, targets, np.array([4, 3]), lengths)  # each / its length, averaged
    assert mean.item() == pytest.approx((expected[0] / 2 + expected[1] / 1) / 2)
    concatenated = F.ctc_loss(lp, np.array([1, 2, 2]), np.array([4, 3]), lengths, reduction="none")
    np.testing.assert_allclose(concatenated.numpy(), each)


def test_ctc_loss_of_an_impossible_target_is_infinite_or_zeroed():
    lp = autograd.Tensor(log_softmax(RNG.standard_normal((3, 2, 3))), requires_grad=True)
    targets, lengths = np.array([[1, 1], [1, 2]]), np.array([2, 2])
    # [1, 1] needs a blank between the two 1s: 3 frames, but the first sample has only 2
    losses = F.ctc_loss(lp, targets, np.array([2, 3]), lengths, reduction="none")
    assert np.isinf(losses.numpy()[0]) and np.isfinite(losses.numpy()[1])
    zeroed = F.ctc_loss(lp, targets, np.array([2, 3]), lengths, zero_infinity=True)
    assert zeroed.item() == pytest.approx(losses.numpy()[1] / 2 / 2)
    zeroed.backward()
    assert not lp.grad.numpy()[:, 0].any()  # no gradient from the zeroed sample
    assert lp.grad.numpy()[:, 1].any()
    empty = F.ctc_loss(lp, targets, np.array([0, 3]), np.array([0, 2]), reduction="none")
    assert empty.numpy()[0] == 0.0  # no frames, empty target: probability 1


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_ctc_loss_gradcheck(reduction):
    lp = autograd.Tensor(log_softmax(RNG.standard_normal((5, 3, 4))), requires_grad=True)
    targets, lengths = np.array([[1, 2, 2], [3, 0, 0], [1, 3, 0]]), np.array([3, 1, 2])
    inputs = np.array([5, 3, 4])
    assert autograd.gradcheck(
        lambda x: F.ctc_loss(x, targets, inputs, lengths, reduction=reduction), [lp]
    )
    # through a log_softmax of logits, as models call it
    logits = autograd.Tensor(RNG.standard_normal((5, 3, 4)), requires_grad=True)
    assert autograd.gradcheck(
        lambda z: F.ctc_loss(
            F.log_softmax(z, dim=2), targets, inputs, lengths, reduction=reduction
        ),
        [logits],
    )


def test_ctc_loss_first_derivative_under_create_graph_and_no_second():
    lp = autograd.Tensor(log_softmax(RNG.standard_normal((4, 1, 3))), requires_grad=True)
    loss = F.ctc_loss(lp, np.array([[1, 2]]), np.array([4]), np.array([2]))
    (g,) = autograd.grad(loss, [lp], create_graph=True)
    loss.backward()
    np.testing.assert_allclose(g.numpy(), lp.grad.numpy())
    with pytest.raises(NotImplementedError, match="ctc_loss: second derivatives"):
        g.sum().backward()


def test_ctc_loss_keeps_float32():
    lp = autograd.Tensor(log_softmax(RNG.standard_normal((4, 2, 3))).astype(np.float32))
    lp.requires_grad_()
    loss = F.ctc_loss(lp, np.array([[1, 2], [2, 0]]), [4, 4], [2, 1])
    assert loss.dtype == np.float32
    loss.backward()
    assert lp.grad.dtype == np.float32


def test_ctc_loss_errors():
    lp = log_softmax(RNG.standard_normal((4, 2, 3)))
    targets = np.array([[1, 2], [2, 1]])
    with pytest.raises(ValueError, match=r"ctc_loss: input_lengths must be in \[0, 4\]"):
        F.ctc_loss(lp, targets, [5, 4], [2, 2])
    with pytest.raises(ValueError, match="ctc_loss: target_lengths up to 3 exceed"):
        F.ctc_loss(lp, targets, [4, 4], [3, 2])
    with pytest.raises(ValueError, match=r"ctc_loss: input_lengths must have shape \(2,\)"):
        F.ctc_loss(lp, targets, [4], [2, 2])
    with pytest.raises(ValueError, match="ctc_loss: target label 3 is out of range for 3"):
        F.ctc_loss(lp, np.array([[1, 3], [2, 1]]), [4, 4], [2, 2])
    with pytest.raises(ValueError, match="ctc_loss: a target contains the blank label 0"):
        F.ctc_loss(lp, np.array([[1, 0], [2, 1]]), [4, 4], [2, 2])
    F.ctc_loss(lp, np.array([[1, 0], [2, 1]]), [4, 4], [1, 2])  # padding is not read
    with pytest.raises(ValueError, match="ctc_loss: blank must be in"):
        F.ctc_loss(lp, targets, [4, 4], [2, 2], blank=3)
    with pytest.raises(ValueError, match="concatenated targets must hold sum"):
        F.ctc_loss(lp, np.array([1, 2]), [4, 4], [2, 1])
    with pytest.raises(ValueError, match=r"log_probs must be \(T, N, C\) or \(T, C\)"):
        F.ctc_loss(lp[0, 0], targets, [4, 4], [2, 2])
    with pytest.raises(TypeError, match="ctc_loss: input_lengths must hold integers"):
        F.ctc_loss(lp, targets, [4.0, 4.0], [2, 2])
    with pytest.raises(ValueError, match="ctc_loss: reduction must be"):
        F.ctc_loss(lp, targets, [4, 4], [2, 2], reduction="batchmean")


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_loss_against_torch(reduction, zero_infinity):
    torch = pytest.importorskip("torch")
    T, N, C = 7, 4, 5
    z = RNG.standard_normal((T, N, C))
    # repeated labels, an empty target, and a target too long for its input (infinite loss,
    # zeroed with zero_infinity); padding (beyond each length) may hold any value
    targets = np.array([[1, 2, 2, 3], [3, 0, 0, 0], [4, 4, 4, 4], [2, 3, 1, 0]])
    inputs, lengths = np.array([7, 5, 6, 4]), np.array([4, 0, 4, 3])
    cases = [(targets, 0), (np.where(targets == 4, 0, targets), 4)]
    for tg, blank in cases:
        if zero_infinity is False and reduction != "none":
            inputs = np.array([7, 5, 7, 4])  # every loss finite
        ours = autograd.Tensor(z, requires_grad=True)
        theirs = torch.tensor(z, requires_grad=True)
        out = F.ctc_loss(
            F.log_softmax(ours, dim=2), tg, inputs, lengths, blank, reduction, zero_infinity
        )
        ref = torch.nn.functional.ctc_loss(
            theirs.log_softmax(2),
            torch.tensor(tg),
            torch.tensor(inputs),
            torch.tensor(lengths),
            blank,
            reduction,
            zero_infinity,
        )
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-10)
        if np.isfinite(ref.detach().numpy()).all():
            w = RNG.standard_normal(ref.shape)
            (out * autograd.Tensor(w)).sum().backward()
            (ref * torch.tensor(w)).sum().backward()
            np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), atol=1e-12)
    # one unbatched sample, and concatenated targets
    one = F.ctc_loss(F.log_softmax(autograd.Tensor(z[:, 0]), dim=1), targets[0], 7, 4)
    ref = torch.nn.functional.ctc_loss(
        torch.tensor(z[:, 0]).log_softmax(1), torch.tensor(targets[0]), torch.tensor(7),
        torch.tensor(4),
    )  # fmt: skip
    assert one.shape == () and one.item() == pytest.approx(ref.item(), rel=1e-10)
    flat = np.concatenate([targets[i, :k] for i, k in enumerate(lengths)])
    ours = F.ctc_loss(
        F.log_softmax(autograd.Tensor(z), dim=2), flat, [7, 7, 7, 7], lengths, reduction="none"
    )
    ref = torch.nn.functional.ctc_loss(
        torch.tensor(z).log_softmax(2), torch.tensor(flat), (7, 7, 7, 7), tuple(lengths),
        reduction="none",
    )  # fmt: skip
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-10)


def test_ctc_loss_is_one_node_that_draws_its_labels():
    lp = autograd.Tensor(log_softmax(RNG.standard_normal((4, 2, 3))), requires_grad=True)
    loss = F.ctc_loss(lp, np.array([[1, 2], [2, 0]]), [4, 3], [2, 1], reduction="none")
    assert loss.grad_fn.fn.name == "ctc_loss"
    assert "labels" in autograd.draw_graph(loss).source
