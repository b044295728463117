"""F.embedding_bag: bags from offsets or rows, the three reductions, padding, per-sample
weights, gradients (gradcheck, and PyTorch's where torch is installed), and the errors."""

import numpy as np
import pytest

import autograd
from nn import functional as F

# Row r of this table is (r, 10 r): every bag's result can be read off by hand.
TABLE = np.stack([np.arange(6.0), 10 * np.arange(6.0)], axis=1)
INPUT = np.array([1, 2, 4, 4, 3, 2])


def test_the_three_modes_by_hand_with_an_empty_bag():
    offsets = [0, 3, 3]  # bags [1, 2, 4], [], [4, 3, 2]
    np.testing.assert_array_equal(
        F.embedding_bag(INPUT, TABLE, offsets, mode="sum").numpy(), [[7, 70], [0, 0], [9, 90]]
    )
    np.testing.assert_allclose(
        F.embedding_bag(INPUT, TABLE, offsets).numpy(), [[7 / 3, 70 / 3], [0, 0], [3, 30]]
    )
    np.testing.assert_array_equal(
        F.embedding_bag(INPUT, TABLE, offsets, mode="max").numpy(), [[4, 40], [0, 0], [4, 40]]
    )
    # a 2-D input is one bag per row; include_last_offset: offsets also hold the end
    two_d = F.embedding_bag(INPUT.reshape(2, 3), TABLE, mode="sum")
    np.testing.assert_array_equal(two_d.numpy(), [[7, 70], [9, 90]])
    last = F.embedding_bag(INPUT, TABLE, [0, 2, 6], mode="sum", include_last_offset=True)
    np.testing.assert_array_equal(last.numpy(), [[3, 30], [13, 130]])
    assert F.embedding_bag(INPUT, TABLE.astype(np.float32), [0]).dtype == np.float32


def test_padding_is_left_out_of_the_bag_and_gets_no_gradient():
    w = autograd.Tensor(TABLE.copy(), requires_grad=True)
    out = F.embedding_bag(INPUT, w, [0, 3], padding_idx=4)  # bags [1, 2], [3, 2]
    np.testing.assert_allclose(out.numpy(), [[1.5, 15], [2.5, 25]])
    out.sum().backward()
    np.testing.assert_allclose(w.grad.numpy()[:, 0], [0, 0.5, 1, 0.5, 0, 0])
    only_padding = F.embedding_bag(np.array([[4, 4]]), TABLE, mode="max", padding_idx=-2)
    np.testing.assert_array_equal(only_padding.numpy(), [[0, 0]])


def test_per_sample_weights_scale_each_entry_in_sum_mode():
    s = autograd.Tensor(np.array([1.0, -1, 2, 0.5, 0, 3]), requires_grad=True)
    out = F.embedding_bag(INPUT, TABLE, [0, 3], mode="sum", per_sample_weights=s)
    np.testing.assert_allclose(out.numpy()[:, 0], [1 - 2 + 8, 2 + 0 + 6])
    out[:, 0].sum().backward()
    np.testing.assert_array_equal(s.grad.numpy(), INPUT)  # d out / d s_i = weight[input[i]]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_gradcheck(mode):
    rng = np.random.default_rng(0)
    w = autograd.Tensor(rng.standard_normal((6, 3)), requires_grad=True)
    inputs = [w]
    options = dict(mode=mode, padding_idx=5)
    if mode == "sum":
        inputs.append(autograd.Tensor(rng.standard_normal(8), requires_grad=True))
    idx = np.array([0, 5, 3, 3, 1, 2, 0, 4])

    def bags(w, s=None):
        return F.embedding_bag(idx, w, [0, 3, 3, 6], per_sample_weights=s, **options)

    assert autograd.gradcheck(bags, inputs)
    if mode == "sum":
        assert autograd.gradgradcheck(bags, inputs)


def test_scale_grad_by_freq_divides_each_entrys_gradient_by_its_index_count():
    # INPUT = [1, 2, 4, 4, 3, 2]: 2 and 4 occur twice, 1 and 3 once; values are unchanged
    w = autograd.Tensor(TABLE.copy(), requires_grad=True)
    out = F.embedding_bag(INPUT, w, [0, 3], mode="sum", scale_grad_by_freq=True)
    np.testing.assert_array_equal(out.numpy(), [[7, 70], [9, 90]])
    (out[:, 0] * np.array([1.0, 10.0])).sum().backward()
    # row 2: (1 + 10) / 2; row 4: (1 + 10) / 2; row 1: 1; row 3: 10
    np.testing.assert_allclose(w.grad.numpy()[:, 0], [0, 1, 5.5, 10, 5.5, 0])
    s = autograd.Tensor(np.ones(6), requires_grad=True)

    def scaled(w, s):
        return F.embedding_bag(INPUT, w, [0, 2], mode="sum", per_sample_weights=s,
                               scale_grad_by_freq=True)  # fmt: skip

    # The gradient is scaled on purpose: central differences see the unscaled one, so only
    # the per-sample weights (not scaled) are gradchecked.
    assert autograd.gradcheck(lambda s: scaled(autograd.Tensor(TABLE), s), [s])


def test_pytorch_meanings_do_not_change_max_mode():
    with autograd.pytorch_meanings(True):
        out = F.embedding_bag(INPUT, TABLE, [0, 3], mode="max")
    np.testing.assert_array_equal(out.numpy(), [[4, 40], [4, 40]])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: F.embedding_bag(INPUT, TABLE, [1, 3]), ValueError, r"offsets\[0\] must be 0"),
        (lambda: F.embedding_bag(INPUT, TABLE, [0, 4, 2]), ValueError, "must not decrease"),
        (lambda: F.embedding_bag(INPUT, TABLE, [0, 7]), ValueError, r"offsets\[-1\] = 7"),
        (lambda: F.embedding_bag(INPUT, TABLE), ValueError, "needs offsets"),
        (lambda: F.embedding_bag(INPUT.reshape(2, 3), TABLE, [0, 1]), ValueError, r"\(2, 3\)"),
        (lambda: F.embedding_bag(INPUT, TABLE, [0.0]), TypeError, "offsets must hold integers"),
        (lambda: F.embedding_bag(INPUT * 2, TABLE, [0]), IndexError, "index 8 of input"),
        (lambda: F.embedding_bag(INPUT, TABLE, [0], mode="min"), ValueError, "mode must be"),
        (lambda: F.embedding_bag(INPUT, TABLE, [0], per_sample_weights=np.ones(6)),
         NotImplementedError, "only supported for mode='sum'"),
        (lambda: F.embedding_bag(INPUT, TABLE, [0], mode="sum", per_sample_weights=np.ones(5)),
         ValueError, r"per_sample_weights \(5,\) must have input's shape \(6,\)"),
        (lambda: F.embedding_bag(INPUT, TABLE, [0], mode="max", scale_grad_by_freq=True),
         ValueError, "max mode does not support scaling"),
    ],
)  # fmt: skip
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert str(info.value).startswith("embedding_bag: ")


CASES = [
    dict(mode="mean", offsets=[0, 2, 2, 7]),
    dict(mode="sum", offsets=[0, 4, 9], include_last_offset=True, padding_idx=2),
    dict(mode="max", offsets=[0, 1, 5], padding_idx=-1),
    dict(mode="sum", offsets=[0, 3, 3], per_sample_weights=True),
    dict(mode="mean", two_d=True, padding_idx=0),
    dict(mode="max", two_d=True),
    dict(mode="mean", offsets=[0, 2, 2, 7], scale_grad_by_freq=True, same_counts=True),
]


@pytest.mark.parametrize("case", CASES)
def test_matches_torch(case):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    options = dict(case)
    idx = np.array([1, 2, 4, 4, 3, 2, 6, 0, 5])
    if options.pop("same_counts", False):  # every index twice: PyTorch's CPU count is right
        idx = np.array([1, 2, 4, 4, 3, 2, 1, 3, 6, 6])  # (pytorch/pytorch#190063)
    if options.pop("two_d", False):
        idx = idx[:8].reshape(2, 4)
    weights = rng.standard_normal((7, 3))
    ours, theirs = dict(options), dict(options)
    for name in ("offsets",):
        if name in options:
            theirs[name] = torch.tensor(options[name])
    grads = []
    if options.get("per_sample_weights"):
        s = rng.standard_normal(idx.shape)
        ours["per_sample_weights"] = autograd.Tensor(s.copy(), requires_grad=True)
        theirs["per_sample_weights"] = torch.tensor(s.copy(), requires_grad=True)
        grads.append((ours["per_sample_weights"], theirs["per_sample_weights"]))
    w, t_w = autograd.Tensor(weights.copy(), requires_grad=True), torch.tensor(weights.copy())
    t_w.requires_grad_(True)
    out = F.embedding_bag(idx, w, **ours)
    t_out = torch.nn.functional.embedding_bag(torch.tensor(idx), t_w, **theirs)
    np.testing.assert_allclose(out.numpy(), t_out.detach().numpy(), rtol=1e-13, atol=1e-15)
    g = rng.standard_normal(out.shape)
    (out * g).sum().backward()
    (t_out * torch.tensor(g)).sum().backward()
    for mine, their in [(w, t_w), *grads]:
        np.testing.assert_allclose(mine.grad.numpy(), their.grad.numpy(), rtol=1e-13, atol=1e-15)


def test_max_mode_gives_a_tie_to_the_first_entry_of_the_bag_as_pytorch():
    # Rows 1 and 2 hold the same value: the gradient goes to whichever comes first in the bag.
    for bag, receiver in (([1, 2], 1), ([2, 1], 2), ([0, 2, 1], 2)):
        weight = autograd.tensor([[0.0], [0.5], [0.5]], dtype=autograd.float64, requires_grad=True)
        F.embedding_bag(autograd.tensor([bag]), weight, mode="max").sum().backward()
        expected = np.zeros((3, 1))
        expected[receiver] = 1.0
        np.testing.assert_array_equal(weight.grad.numpy(), expected)
