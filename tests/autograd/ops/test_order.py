"""median, nanmedian, kthvalue, mode, quantile, nanquantile, cummax, cummin, aminmax: values,
indices and gradients against torch (where installed) and gradcheck; NumPy's meaning of
autograd.median kept."""

import numpy as np
import pytest

import autograd as ag

RNG = np.random.default_rng(11)
NAN = np.nan


def leaf(array):
    return ag.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def distinct(*shape):
    # distinct values: the selected element (and so the gradient) is unique
    return leaf(RNG.permutation(np.prod(shape)).reshape(shape) + RNG.uniform(0, 0.5, shape))


TIES = [[3.0, 1.0, 2.0, 2.0], [5.0, 5.0, 1.0, 5.0], [0.0, -1.0, 0.0, 4.0]]
DISTINCT = [[3.0, 1.0, 2.5, 2.0], [5.0, 5.5, 1.0, 4.0], [0.0, -1.0, 0.5, 4.0]]
WITH_NAN = [[1.0, NAN, 3.0, 2.0], [4.0, 2.0, 8.0, 6.0], [NAN, NAN, NAN, 1.0]]

# (name, ours(x), torch's(t, x), x)
CASES = [
    ("median all", lambda x: x.median(), lambda t, x: x.median(), TIES),
    ("median dim", lambda x: x.median(1), lambda t, x: x.median(1), TIES),
    ("median dim keepdim", lambda x: ag.median(x, dim=0, keepdim=True),
     lambda t, x: t.median(x, dim=0, keepdim=True), TIES),
    ("median nan", lambda x: x.median(dim=1), lambda t, x: x.median(dim=1), WITH_NAN),
    ("median nan all", lambda x: x.median(), lambda t, x: x.median(), WITH_NAN),
    ("nanmedian dim", lambda x: x.nanmedian(1), lambda t, x: x.nanmedian(1), WITH_NAN),
    ("nanmedian all", lambda x: ag.nanmedian(x, dim=None) if False else x.nanmedian(),
     lambda t, x: x.nanmedian(), WITH_NAN),
    # (which of tied values kthvalue returns is PyTorch's partial sort's choice: distinct here)
    ("kthvalue", lambda x: ag.kthvalue(x, 2, 1), lambda t, x: t.kthvalue(x, 2, 1), DISTINCT),
    ("kthvalue dim 0 keepdim", lambda x: x.kthvalue(3, 0, True),
     lambda t, x: x.kthvalue(3, 0, True), DISTINCT),
    ("mode", lambda x: x.mode(1), lambda t, x: x.mode(1), TIES),
    ("mode dim 0", lambda x: ag.mode(x, 0, keepdim=True), lambda t, x: t.mode(x, 0, True), TIES),
    ("cummax", lambda x: ag.cummax(x, 1), lambda t, x: t.cummax(x, 1), TIES),
    ("cummin dim 0", lambda x: x.cummin(0), lambda t, x: x.cummin(0), TIES),
    *[
        (f"quantile {how}",
         lambda x, h=how: ag.quantile(x, [0.1, 0.5, 0.9], dim=1, interpolation=h),
         lambda t, x, h=how: t.quantile(x, t.tensor([0.1, 0.5, 0.9], dtype=t.float64), dim=1,
                                        interpolation=h), TIES)
        for how in ("linear", "lower", "higher", "nearest", "midpoint")
    ],
    ("quantile all", lambda x: x.quantile(0.3), lambda t, x: x.quantile(0.3), TIES),
    ("quantile keepdim", lambda x: x.quantile(0.75, dim=0, keepdim=True),
     lambda t, x: x.quantile(0.75, dim=0, keepdim=True), TIES),
    ("quantile nan", lambda x: ag.quantile(x, 0.4, dim=1), lambda t, x: t.quantile(x, 0.4, dim=1),
     WITH_NAN),
    ("nanquantile", lambda x: ag.nanquantile(x, [0.25, 0.6], dim=1),
     lambda t, x: t.nanquantile(x, t.tensor([0.25, 0.6], dtype=t.float64), dim=1), WITH_NAN),
    ("nanquantile all keepdim", lambda x: x.nanquantile(0.5, keepdim=True),
     lambda t, x: x.nanquantile(0.5, keepdim=True), WITH_NAN),
]  # fmt: skip


def _parts(result):
    return tuple(result) if isinstance(result, tuple) else (result,)


@pytest.mark.parametrize("name, ours, theirs, data", CASES, ids=[c[0] for c in CASES])
def test_values_indices_and_gradients_match_torch(name, ours, theirs, data):
    torch = pytest.importorskip("torch")
    x = leaf(data)
    t = torch.tensor(x.numpy(), requires_grad=True)
    got, expected = _parts(ours(x)), _parts(theirs(torch, t))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.shape == tuple(e.shape), name
        np.testing.assert_allclose(g.numpy(), e.detach().numpy(), atol=1e-12)
        assert g.dtype == np.dtype(str(e.dtype).removeprefix("torch."))
    weights = RNG.standard_normal(got[0].shape)
    keep = ~np.isnan(got[0].numpy())  # (a NaN result's gradient is not compared)
    (got[0] * ag.tensor(np.where(keep, weights, 0))).sum().backward()
    (expected[0] * torch.tensor(np.where(keep, weights, 0))).sum().backward()
    np.testing.assert_allclose(np.nan_to_num(x.grad.numpy()), np.nan_to_num(t.grad.numpy()))


GRADCHECK = [
    lambda x: x.median(),
    lambda x: x.median(0).values,
    lambda x: x.nanmedian(1).values,
    lambda x: ag.median(x, axis=1),  # NumPy's: the mean of the two middle values
    lambda x: ag.kthvalue(x, 2, 0).values,
    lambda x: ag.cummax(x, 1).values,
    lambda x: ag.cummin(x, 0).values,
    lambda x: ag.quantile(x, [0.2, 0.65], dim=0),
    lambda x: ag.quantile(x, 0.5, interpolation="midpoint"),
    lambda x: ag.aminmax(x, dim=1).max,
    lambda x: ag.aminmax(x).min,
]


@pytest.mark.parametrize("fn", GRADCHECK)
def test_gradients_pass_gradcheck(fn):
    assert ag.gradcheck(fn, [distinct(4, 3)])


def test_autograd_median_spelled_numpys_way_is_numpys():
    x = leaf([[1.0, 4.0, 2.0, 8.0]])
    assert ag.median(x).item() == 3.0 == np.median(x.numpy())
    np.testing.assert_array_equal(ag.median(x, axis=1).numpy(), [3.0])
    np.testing.assert_array_equal(np.median(x, axis=1).numpy(), [3.0])  # recorded dispatch
    assert ag.nanmedian(leaf([1.0, NAN, 3.0])).item() == 2.0
    assert x.median().item() == 2.0  # the method is PyTorch's: the lower middle value
    with ag.pytorch_meanings(True):
        assert ag.median(x).item() == 2.0
        values, indices = ag.median(x, 1)
        assert values.tolist() == [2.0] and indices.tolist() == [2]
    np.testing.assert_allclose(
        ag.quantile(x, 0.3, axis=1, method="lower").numpy(),
        np.quantile(x.numpy(), 0.3, axis=1, method="lower"),
    )


def test_median_gradient_goes_to_the_selected_element_only():
    x = leaf([2.0, 2.0, 2.0, 1.0])
    values, indices = x.median(0)
    values.backward()
    expected = np.zeros(4)
    expected[indices.item()] = 1.0
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_aminmax_matches_torch_with_ties():
    torch = pytest.importorskip("torch")
    x = leaf(TIES)
    t = torch.tensor(x.numpy(), requires_grad=True)
    ours, theirs = ag.aminmax(x, dim=1, keepdim=True), torch.aminmax(t, dim=1, keepdim=True)
    for g, e in zip(ours, theirs):
        np.testing.assert_array_equal(g.numpy(), e.detach().numpy())
    (ours.min * 2 + ours.max).sum().backward()
    (theirs.min * 2 + theirs.max).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())
    both = ag.aminmax(x)
    assert (both.min.item(), both.max.item()) == (-1.0, 5.0)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: ag.kthvalue(ag.ones(3), 4), IndexError,
         r"kthvalue: k=4 is out of range .* \(3,\)"),
        (lambda: ag.ones((2, 3)).median(2), IndexError, "median: dim 2 is out of range"),
        (lambda: ag.ones((2, 0)).median(1), IndexError, "median: cannot select from an empty"),
        (lambda: ag.quantile(ag.ones(3), 1.5), ValueError, r"quantile: q must be in \[0, 1\]"),
        (lambda: ag.quantile(ag.ones(3), 0.5, interpolation="cubic"), ValueError,
         "quantile: interpolation must be one of"),
        (lambda: ag.quantile(ag.tensor([1, 2]), 0.5), TypeError,
         "quantile: input must be a floating tensor"),
        (lambda: ag.quantile(ag.ones(3), ag.tensor(0.5, requires_grad=True)), RuntimeError,
         "quantile: not differentiable with respect to argument 'q'"),
    ],
)  # fmt: skip
def test_bad_input_errors(call, error, words):
    with pytest.raises(error, match=words):
        call()


@pytest.mark.parametrize("fn", GRADCHECK)
def test_second_derivatives_pass_gradgradcheck(fn):
    assert ag.gradgradcheck(lambda x: fn(x) ** 2, [distinct(4, 3)])


def test_mode_matches_torch_on_many_tied_rows():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for _ in range(40):
        a = rng.integers(0, 4, (int(rng.integers(1, 4)), int(rng.integers(1, 7)))).astype(float)
        dim = int(rng.integers(0, 2))
        ours, theirs = ag.mode(ag.tensor(a), dim), torch.mode(torch.tensor(a), dim)
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
