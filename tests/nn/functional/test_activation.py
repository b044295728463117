"""F.softmax and F.log_softmax as one fused op each: values by hand, rows of -inf, float64
first, second and third derivatives along every axis, and (with torch) PyTorch's outputs and
gradients to 1e-9, masked entries included."""

import math

import numpy as np
import pytest

import autograd
from nn import functional as F
from nn.functional.activation import LogSoftmaxFunction, SoftmaxFunction

FUNCTIONS = {"softmax": F.softmax, "log_softmax": F.log_softmax}


def leaf(*shape, seed=0, dtype=np.float64):
    data = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return autograd.Tensor(data, requires_grad=True)


def test_each_is_one_node():
    x = leaf(2, 3)
    assert F.softmax(x, dim=-1).grad_fn.fn is SoftmaxFunction
    assert F.log_softmax(x, dim=-1).grad_fn.fn is LogSoftmaxFunction
    assert F.softmax(x, dim=-1).grad_fn.inputs == (x,)


def test_values_and_gradients_by_hand():
    x = autograd.Tensor(np.log(np.array([[1.0, 2.0, 5.0]])), requires_grad=True)
    y = F.softmax(x, dim=1)
    np.testing.assert_allclose(y.data, [[0.125, 0.25, 0.625]], rtol=1e-15)
    # dL/dx = y * (g - sum(g y)) with g = (1, 0, 0): y * ((1, 0, 0) - 0.125)
    y.backward(np.array([[1.0, 0.0, 0.0]]))
    np.testing.assert_allclose(x.grad, [[0.125 * 0.875, -0.25 * 0.125, -0.625 * 0.125]])
    x.grad = None
    z = F.log_softmax(x, dim=1)
    np.testing.assert_allclose(z.data, np.log([[0.125, 0.25, 0.625]]), rtol=1e-15)
    # dL/dx = g - softmax * sum(g) with g = (1, 1, 0): (1, 1, 0) - 2 y
    z.backward(np.array([[1.0, 1.0, 0.0]]))
    np.testing.assert_allclose(x.grad, [[0.75, 0.5, -1.25]], rtol=1e-15)


def test_large_logits_and_rows_of_minus_inf():
    x = np.array([[1000.0, -1000.0, 0.0], [-np.inf, 0.0, 1.0], [-np.inf, -np.inf, -np.inf]])
    with np.errstate(invalid="ignore"):
        y, z = F.softmax(x, dim=1).data, F.log_softmax(x, dim=1).data
    np.testing.assert_allclose(y[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(z[0], [0.0, -2000.0, -1000.0])
    e = np.exp([0.0, 1.0]) / np.exp([0.0, 1.0]).sum()
    np.testing.assert_allclose(y[1], [0.0, *e], rtol=1e-15)
    np.testing.assert_allclose(z[1], [-np.inf, *np.log(e)], rtol=1e-15)
    assert np.isnan(y[2]).all() and np.isnan(z[2]).all()  # nothing to normalise, as PyTorch


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize(
    ("shape", "axis"), [((5,), 0), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1), ((2, 3, 40), -1)]
)
def test_first_second_and_third_derivatives(name, shape, axis):
    x = leaf(*shape)
    fn = lambda x: FUNCTIONS[name](x, dim=axis)  # noqa: E731
    assert autograd.gradcheck(fn, [x])
    assert autograd.gradgradcheck(fn, [x])
    if x.size <= 24:
        assert autograd.gradgradcheck(fn, [x], order=3)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_derivatives_with_masked_entries(name):
    # -inf entries (an attention mask) get weight 0 and gradient 0; the rest are checked.
    mask = np.where(np.tri(4, 5, dtype=bool), 0.0, -np.inf)
    x = leaf(2, 4, 5)
    fn = lambda x: FUNCTIONS[name](x + mask, dim=-1)  # noqa: E731
    if name == "log_softmax":  # log 0 = -inf at the masked entries: leave them out
        fn = lambda x: autograd.where(np.isfinite(mask), F.log_softmax(x + mask, dim=-1), 0.0)  # noqa: E731
    with np.errstate(invalid="ignore"):
        assert autograd.gradcheck(fn, [x])
        assert autograd.gradgradcheck(fn, [x])
    F.softmax(x + mask, dim=-1).sum().backward()
    np.testing.assert_array_equal(x.grad[..., ~np.isfinite(mask)], 0.0)


def test_float32_stays_float32_and_dtype_casts_first():
    x = leaf(256, 14, 14, dtype=np.float32)
    y = F.softmax(x, dim=-1)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data.sum(axis=-1), 1.0, rtol=1e-6)
    y.sum().backward()
    assert x.grad.dtype == np.float32
    assert F.log_softmax(x, dim=-1, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize(("shape", "axis"), [((3, 4), -1), ((2, 3, 4), 1), ((64, 4, 14, 14), -1)])
def test_matches_torch_in_float64(name, shape, axis):
    torch = pytest.importorskip("torch")
    x = leaf(*shape)
    if len(shape) == 4:  # a causal mask, as in attention
        x.data[..., ~np.tri(14, dtype=bool)] = -np.inf
    tx = torch.tensor(x.numpy(), requires_grad=True)
    ours = FUNCTIONS[name](x, dim=axis)
    theirs = getattr(torch, name)(tx, dim=axis)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-9, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(shape)
    ours.backward(g)
    theirs.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-9, atol=1e-12)


def check(fn, *inputs):
    assert autograd.gradcheck(fn, list(inputs))


@pytest.mark.parametrize(
    "fn",
    [
        F.relu,
        F.tanh,
        F.sigmoid,
        F.erf,
        lambda x: F.leaky_relu(x, 0.2),
        F.gelu,
        lambda x: F.gelu(x, approximate="tanh"),
        lambda x: F.softmax(x, axis=0),
        F.softmax,
        lambda x: F.log_softmax(x, axis=0),
        F.log_softmax,
    ],
    ids=[
        "relu",
        "tanh",
        "sigmoid",
        "erf",
        "leaky",
        "gelu",
        "gelu_tanh",
        "softmax0",
        "softmax",
        "log_softmax0",
        "log_softmax",
    ],
)
def test_activation_grads(fn):
    x = leaf(3, 4)
    x.data[np.abs(x.data) < 1e-3] = 0.5  # keep away from the kinks of relu / leaky_relu
    check(fn, x)


# PyTorch's other activations: values and gradients against torch, away from and at the kinks.
TORCH_FAMILY = [
    ("elu", {"alpha": 0.7}),
    ("selu", {}),
    ("celu", {"alpha": 1.5}),
    ("silu", {}),
    ("mish", {}),
    ("softplus", {"beta": 2.0, "threshold": 5.0}),
    ("hardtanh", {"min_val": -0.5, "max_val": 2.0}),
    ("relu6", {}),
    ("logsigmoid", {}),
    ("softsign", {}),
    ("hardsigmoid", {}),
    ("hardswish", {}),
    ("softmin", {"dim": 1}),
]
FAMILY_X = np.concatenate(
    [np.random.default_rng(3).normal(0, 4, size=(4, 6)), [[0.0, -3.0, 3.0, 6.0, -0.5, 2.0]]]
)


@pytest.mark.parametrize("name, options", TORCH_FAMILY, ids=[n for n, _ in TORCH_FAMILY])
def test_torch_family_matches_torch_values_and_gradients(name, options):
    torch = pytest.importorskip("torch")
    x = autograd.tensor(FAMILY_X, requires_grad=True)
    weights = np.random.default_rng(4).normal(size=FAMILY_X.shape)
    y = getattr(F, name)(x, **options)
    (y * autograd.tensor(weights)).sum().backward()
    tx = torch.tensor(FAMILY_X, requires_grad=True)
    ty = getattr(torch.nn.functional, name)(tx, **options)
    (ty * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    # (1e-7: torch's hardsigmoid backward multiplies by a float32 1/6 even in float64)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("name, options", TORCH_FAMILY, ids=[n for n, _ in TORCH_FAMILY])
def test_torch_family_gradients_are_the_derivatives(name, options):
    x = autograd.tensor(np.random.default_rng(5).normal(0, 2, size=(3, 4)), requires_grad=True)
    autograd.gradcheck(lambda t: getattr(F, name)(t, **options), (x,))


def test_torch_family_never_overflows_into_nan_gradients():
    x = autograd.tensor([-1000.0, 0.0, 800.0], requires_grad=True)
    for name in ("elu", "selu", "celu", "softplus", "mish", "logsigmoid", "silu"):
        x.grad = None
        getattr(F, name)(x).sum().backward()
        assert np.isfinite(x.grad.numpy()).all(), name


_SELU = 1.0507009873554805 * 1.6732632423543772


@pytest.mark.parametrize(
    "name, options, slope_at_0, curvature_at_minus_half",
    [
        ("elu", {"alpha": 0.7}, 0.7, 0.7 * math.exp(-0.5)),
        ("selu", {}, _SELU, _SELU * math.exp(-0.5)),
        ("celu", {"alpha": 1.5}, 1.0, math.exp(-0.5 / 1.5) / 1.5),
    ],
)
def test_elu_family_takes_pytorchs_values_at_the_kink(
    name, options, slope_at_0, curvature_at_minus_half
):
    # At x = 0 PyTorch's first derivative is the left branch's (alpha, times selu's scale) and
    # its second derivative is 0; away from 0 both are the formula's (hand-derived here).
    fn = getattr(F, name)
    x = autograd.tensor([0.0, -0.5, 0.5], dtype=np.float64, requires_grad=True)
    (slope,) = autograd.grad(fn(x, **options).sum(), x, create_graph=True)
    (curvature,) = autograd.grad(slope.sum(), x)
    assert slope.numpy()[0] == pytest.approx(slope_at_0, rel=1e-15)
    np.testing.assert_allclose(curvature.numpy(), [0.0, curvature_at_minus_half, 0.0], rtol=1e-12)
    away = autograd.tensor([-0.5, 0.5, -2.0], dtype=np.float64, requires_grad=True)
    assert autograd.gradgradcheck(lambda t: fn(t, **options), [away])


def test_threshold_values_gradient_and_nan():
    x = autograd.tensor(np.array([-1.0, 0.5, 0.7, 2.0, np.nan]), requires_grad=True)
    y = F.threshold(x, 0.5, -3.0)  # 0.5 itself is not above the threshold
    np.testing.assert_array_equal(y.numpy(), [-3.0, -3.0, 0.7, 2.0, np.nan])
    y.backward(np.ones(5))
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 1.0, 1.0, 1.0])
    assert autograd.gradcheck(lambda t: F.threshold(t, 0.1, 2.0), [leaf(3, 4)])
    with pytest.raises(RuntimeError, match="threshold: not differentiable .* 'value'"):
        F.threshold(leaf(3), 0.0, autograd.tensor(1.0, requires_grad=True))


def test_threshold_in_place_and_against_torch():
    x = autograd.tensor(np.array([-1.0, 2.0]))
    assert F.threshold(x, 0.0, 5.0, inplace=True) is x
    np.testing.assert_array_equal(x.numpy(), [5.0, 2.0])
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(1).standard_normal((4, 5))
    ours = F.threshold(data, 0.2, -0.5).numpy()
    np.testing.assert_array_equal(
        ours, torch.nn.functional.threshold(torch.tensor(data), 0.2, -0.5)
    )


def test_glu_by_hand_gradients_and_refusals():
    x = autograd.tensor(np.array([[2.0, 3.0, 0.0, np.log(3.0)]]))
    # a = (2, 3), b = (0, log 3): sigmoid(b) = (1/2, 3/4).
    np.testing.assert_allclose(F.glu(x).numpy(), [[1.0, 2.25]])
    np.testing.assert_allclose(F.glu(x.reshape(2, 2), dim=0).numpy(), [[1.0, 2.25]])
    assert autograd.gradcheck(lambda t: F.glu(t, 1), [leaf(3, 4, 2)])
    assert autograd.gradgradcheck(lambda t: F.glu(t, axis=0), [leaf(2, 3)])
    with pytest.raises(
        ValueError,
        match=r"glu: the halved dimension must have an even size, got "
        r"size 3 at dim 1 of input shape \(2, 3\)",
    ):
        F.glu(np.zeros((2, 3)), 1)
    with pytest.raises(TypeError, match="glu: got both axis="):
        F.glu(np.zeros((2, 4)), dim=1, axis=1)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_glu_matches_torch(dim):
    torch = pytest.importorskip("torch")
    x = leaf(4, 6, 2, seed=3)
    tx = torch.tensor(x.numpy(), requires_grad=True)
    y, ty = F.glu(x, dim), torch.nn.functional.glu(tx, dim)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-14)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-14)
