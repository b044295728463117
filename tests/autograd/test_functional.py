"""autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp against central differences,
hand-derived values and (where installed) torch.autograd.functional."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import functional as AF

RNG = np.random.default_rng(7)
A = RNG.standard_normal(3)
B = RNG.standard_normal((2, 3))


def two_outputs(x, y):
    """y0 = tanh(sum_j x_j y_ij) (shape (2,)), y1 = sum x^3."""
    return (x * y).sum(axis=1).tanh(), (x**3).sum()


def scalar(x, y):
    """f = sum_i tanh(sum_j x_j y_ij)^2 + sum x^3: a scalar with a non-trivial Hessian."""
    return ((x * y).sum(axis=1).tanh() ** 2).sum() + (x**3).sum()


def numeric_jacobian(f, arrays, k, i, eps=1e-6):
    """d f(...)[k] / d arrays[i] by central differences, shaped out.shape + in.shape."""

    def value(args):
        out = f(*[autograd.tensor(a) for a in args])
        return (out[k] if isinstance(out, tuple) else out).numpy()

    base = value(arrays)
    jac = np.zeros(base.shape + arrays[i].shape)
    for index in np.ndindex(arrays[i].shape):
        plus = [a.copy() for a in arrays]
        minus = [a.copy() for a in arrays]
        plus[i][index] += eps
        minus[i][index] -= eps
        jac[(...,) + index] = (value(plus) - value(minus)) / (2 * eps)
    return jac


def tensors(*arrays):
    return tuple(autograd.tensor(a) for a in arrays)


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_jacobian_matches_central_differences_for_tuple_inputs_and_outputs(strategy):
    jac = AF.jacobian(two_outputs, tensors(A, B), vectorize=True, strategy=strategy)
    for k in range(2):
        for i in range(2):
            expected = numeric_jacobian(two_outputs, [A, B], k, i)
            assert jac[k][i].shape == expected.shape
            np.testing.assert_allclose(jac[k][i].numpy(), expected, atol=1e-7)


def test_jacobian_of_a_single_tensor_is_one_tensor_with_hand_derived_values():
    # d(x^2)/dx = diag(2x)
    jac = AF.jacobian(lambda x: x**2, autograd.tensor(A))
    assert isinstance(jac, autograd.Tensor) and jac.shape == (3, 3)
    np.testing.assert_allclose(jac.numpy(), np.diag(2 * A))


def test_forward_mode_needs_vectorize_as_in_pytorch():
    with pytest.raises(NotImplementedError, match="vectorize=True"):
        AF.jacobian(lambda x: x**2, autograd.tensor(A), strategy="forward-mode")


def test_hessian_matches_differences_of_the_gradient():
    hess = AF.hessian(scalar, tensors(A, B))

    def gradient(x, y):
        return autograd.grad(scalar(x, y), [x, y])

    for i in range(2):
        for j in range(2):

            def grad_i(*args, i=i):
                xs = [
                    autograd.tensor(a, requires_grad=True)
                    for a in (args[0].numpy(), args[1].numpy())
                ]
                return gradient(*xs)[i]

            expected = numeric_jacobian(grad_i, [A, B], 0, j)
            np.testing.assert_allclose(hess[i][j].numpy(), expected, atol=1e-6)


def test_hessian_of_a_quadratic_is_its_matrix():
    # f = x^T M x / 2 with M symmetric: H = M exactly
    m = RNG.standard_normal((3, 3))
    m = m + m.T
    hess = AF.hessian(lambda x: (x @ autograd.tensor(m) @ x) / 2, autograd.tensor(A))
    np.testing.assert_allclose(hess.numpy(), m, atol=1e-12)


def test_vjp_and_jvp_are_products_with_the_jacobian():
    jac = AF.jacobian(lambda x, y: two_outputs(x, y)[0], tensors(A, B))
    u = RNG.standard_normal(2)
    v = (RNG.standard_normal(3), RNG.standard_normal((2, 3)))
    out, vjp = AF.vjp(lambda x, y: two_outputs(x, y)[0], tensors(A, B), autograd.tensor(u))
    np.testing.assert_allclose(out.numpy(), np.tanh((A * B).sum(axis=1)))
    for i in range(2):
        np.testing.assert_allclose(vjp[i].numpy(), np.tensordot(u, jac[i].numpy(), axes=1))
    _, jvp = AF.jvp(lambda x, y: two_outputs(x, y)[0], tensors(A, B), tensors(*v))
    expected = sum(np.tensordot(jac[i].numpy(), v[i], axes=v[i].ndim) for i in range(2))
    np.testing.assert_allclose(jvp.numpy(), expected, atol=1e-12)


def test_hvp_and_vhp_are_products_with_the_hessian():
    hess = AF.hessian(scalar, tensors(A, B))
    v = (RNG.standard_normal(3), RNG.standard_normal((2, 3)))
    for product in (AF.hvp, AF.vhp):
        out, result = product(scalar, tensors(A, B), tensors(*v))
        np.testing.assert_allclose(out.numpy(), scalar(*tensors(A, B)).numpy())
        for i in range(2):
            expected = sum(np.tensordot(hess[i][j].numpy(), v[j], axes=v[j].ndim) for j in range(2))
            np.testing.assert_allclose(result[i].numpy(), expected, atol=1e-12)


def test_results_are_detached_unless_create_graph():
    x = autograd.tensor(A, requires_grad=True)
    out, vjp = AF.vjp(lambda z: (z**3).sum(), x)
    assert not out.requires_grad and not vjp.requires_grad
    assert x.grad is None


def test_create_graph_reaches_the_original_inputs():
    # d/dx sum(3 x^2) = 6 x, through vjp and through jvp's double-vjp construction
    x = autograd.tensor(A, requires_grad=True)
    _, vjp = AF.vjp(lambda z: (z**3).sum(), x, create_graph=True)
    vjp.sum().backward()
    np.testing.assert_allclose(x.grad, 6 * A)
    y = autograd.tensor(A, requires_grad=True)
    _, jvp = AF.jvp(lambda z: z**3, y, autograd.tensor(np.ones(3)), create_graph=True)
    jvp.sum().backward()
    np.testing.assert_allclose(y.grad, 6 * A)


def test_an_unused_input_gets_zeros_or_raises_when_strict():
    def f(x, y):
        return (x * 2).sum()

    _, vjp = AF.vjp(f, tensors(A, A))
    np.testing.assert_array_equal(vjp[1].numpy(), np.zeros(3))
    for product in (AF.vjp, AF.jvp, AF.vhp, AF.hvp):
        kwargs = {} if product is AF.vjp else {"v": tensors(np.ones(3), np.ones(3))}
        with pytest.raises(RuntimeError, match="independent of input 1"):
            product(f, tensors(A, A), strict=True, **kwargs)


def test_strict_hessian_refuses_a_linear_function():
    with pytest.raises(RuntimeError, match="does not depend on the inputs"):
        AF.hessian(lambda x: (x * 2).sum(), autograd.tensor(A), strict=True)


def test_bad_arguments_are_named():
    x = autograd.tensor(A)
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.vjp(lambda z: z * 2, x)
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.jvp(lambda z: z * 2, x)
    with pytest.raises(RuntimeError, match=r"v\[0\] has shape \(2,\).*shape \(3,\)"):
        AF.vjp(lambda z: z * 2, x, autograd.tensor(np.ones(2)))
    with pytest.raises(TypeError, match="must be a Tensor or a tuple of Tensors, got list"):
        AF.vjp(lambda z: z.sum(), [x])
    with pytest.raises(TypeError, match="outputs of the user-provided function"):
        AF.vjp(lambda z: 3, x)
    with pytest.raises(RuntimeError, match="single element, got shape"):
        AF.hessian(lambda z: z * 2, x)
    with pytest.raises(TypeError, match="floating"):
        AF.jacobian(lambda z: z, autograd.tensor([1, 2]))


def test_a_single_element_v_may_be_omitted():
    _, vjp = AF.vjp(lambda z: (z**2).sum(), autograd.tensor(A))
    np.testing.assert_allclose(vjp.numpy(), 2 * A)
    _, jvp = AF.jvp(lambda z: z**2 * autograd.tensor(A), autograd.tensor(np.array([3.0])))
    np.testing.assert_allclose(jvp.numpy(), 6 * A)


def test_every_function_matches_torch():
    torch = pytest.importorskip("torch")
    TF = torch.autograd.functional

    def t_two_outputs(x, y):
        return (x * y).sum(dim=1).tanh(), (x**3).sum()

    def t_scalar(x, y):
        return ((x * y).sum(dim=1).tanh() ** 2).sum() + (x**3).sum()

    ours_in, theirs_in = tensors(A, B), (torch.tensor(A), torch.tensor(B))
    v = (RNG.standard_normal(3), RNG.standard_normal((2, 3)))
    u = (RNG.standard_normal(2), np.float64(0.5))

    def same(ours, theirs):
        if isinstance(theirs, tuple):
            assert isinstance(ours, tuple) and len(ours) == len(theirs)
            for a, b in zip(ours, theirs):
                same(a, b)
        else:
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)

    same(AF.jacobian(two_outputs, ours_in), TF.jacobian(t_two_outputs, theirs_in))
    same(AF.hessian(scalar, ours_in), TF.hessian(t_scalar, theirs_in))
    same(
        AF.vjp(two_outputs, ours_in, tensors(*u)),
        TF.vjp(t_two_outputs, theirs_in, tuple(torch.tensor(a) for a in u)),
    )
    same(
        AF.jvp(two_outputs, ours_in, tensors(*v)),
        TF.jvp(t_two_outputs, theirs_in, tuple(torch.tensor(a) for a in v)),
    )
    for ours, theirs in ((AF.hvp, TF.hvp), (AF.vhp, TF.vhp)):
        same(
            ours(scalar, ours_in, tensors(*v)),
            theirs(t_scalar, theirs_in, tuple(torch.tensor(a) for a in v)),
        )


def test_derivatives_under_the_callers_no_grad_are_the_true_ones():
    # They are taken by recording func: grad mode is switched on inside, as PyTorch does.
    x = autograd.tensor(np.array([1.0, 2.0, 3.0]))
    with autograd.no_grad():
        _, product = AF.vjp(lambda a: a**3, x, autograd.tensor(np.ones(3)))
        hessian = AF.hessian(lambda a: (a**3).sum(), x)
    np.testing.assert_allclose(product.numpy(), 3 * x.numpy() ** 2)
    np.testing.assert_allclose(hessian.numpy(), np.diag(6 * x.numpy()))
