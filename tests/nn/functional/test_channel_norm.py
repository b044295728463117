"""nn/functional/channel_norm.py: group_norm, instance_norm (with PyTorch's running-statistics
update) and local_response_norm -- values by hand, float64 gradients (first and second), and
(with torch) PyTorch's values and gradients on several option sets."""

import numpy as np
import pytest

import autograd
from nn import functional as F


def leaf(*shape, seed=0):
    return autograd.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


def against_torch(ours, theirs, *arrays, rtol=1e-10, atol=1e-12):
    """Values and gradients (of a random weighting of the output) of ours and torch's."""
    torch = pytest.importorskip("torch")
    mine = [autograd.tensor(a, requires_grad=True) for a in arrays]
    them = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = ours(*mine), theirs(*them)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=rtol, atol=atol)
    w = np.random.default_rng(9).standard_normal(ty.shape)
    (y * autograd.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    for a, ta in zip(mine, them, strict=True):
        np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=rtol, atol=atol)


def test_group_norm_by_hand():
    # One sample, 4 channels of 1 value, 2 groups: (1, 3) and (2, 6) each become (-1, 1).
    x = autograd.tensor(np.array([[[1.0], [3.0], [2.0], [6.0]]]))
    y = F.group_norm(x, 2, eps=0.0)
    np.testing.assert_allclose(y.numpy().ravel(), [-1.0, 1.0, -1.0, 1.0])
    w, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 0.0, 1.0, 1.0])
    y = F.group_norm(x, 2, w, b, eps=0.0)
    np.testing.assert_allclose(y.numpy().ravel(), [-1.0, 2.0, -2.0, 5.0])


@pytest.mark.parametrize("groups", [1, 2, 6])
@pytest.mark.parametrize("shape", [(3, 6), (2, 6, 5), (2, 6, 3, 2)])
def test_group_norm_matches_torch(groups, shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal(shape), rng.standard_normal(6), rng.standard_normal(6)
    against_torch(
        lambda x, w, b: F.group_norm(x, groups, w, b, eps=1e-3),
        lambda x, w, b: torch.nn.functional.group_norm(x, groups, w, b, eps=1e-3),
        x,
        w,
        b,
    )


def test_group_norm_gradients_first_and_second():
    x, w, b = leaf(2, 4, 3), leaf(4, seed=1), leaf(4, seed=2)
    fn = lambda x, w, b: F.group_norm(x, 2, w, b)  # noqa: E731
    assert autograd.gradcheck(fn, [x, w, b])
    assert autograd.gradgradcheck(fn, [x, w, b])


def test_group_norm_refuses_bad_arguments():
    x = autograd.tensor(np.zeros((2, 6, 3)))
    with pytest.raises(ValueError, match=r"group_norm: num_groups=4 must divide .* \(2, 6, 3\)"):
        F.group_norm(x, 4)
    with pytest.raises(ValueError, match=r"group_norm: weight must have shape \(6,\)"):
        F.group_norm(x, 2, np.ones(3))
    with pytest.raises(ValueError, match="group_norm: input must be"):
        F.group_norm(autograd.tensor(np.zeros(6)), 2)


@pytest.mark.parametrize("shape", [(2, 3, 5), (2, 3, 4, 2)])
@pytest.mark.parametrize("affine", [False, True])
def test_instance_norm_matches_torch(shape, affine):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal(shape), rng.standard_normal(3), rng.standard_normal(3)
    if affine:
        against_torch(
            lambda x, w, b: F.instance_norm(x, weight=w, bias=b, eps=1e-3),
            lambda x, w, b: torch.nn.functional.instance_norm(x, weight=w, bias=b, eps=1e-3),
            x,
            w,
            b,
        )
    else:
        against_torch(F.instance_norm, torch.nn.functional.instance_norm, x)


def test_instance_norm_each_channel_of_each_sample_has_mean_0_and_variance_1():
    y = F.instance_norm(leaf(3, 2, 50), eps=0.0).numpy()
    np.testing.assert_allclose(y.mean(axis=2), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=2), 1.0, rtol=1e-12)


def test_instance_norm_running_statistics_as_pytorch_computes_them():
    # Batch average of per-instance means and of unbiased per-instance variances.
    x = np.random.default_rng(3).standard_normal((4, 2, 6))
    mean, var = np.full(2, 0.5), np.full(2, 2.0)
    F.instance_norm(autograd.tensor(x), mean, var, momentum=0.25)
    np.testing.assert_allclose(mean, 0.75 * 0.5 + 0.25 * x.mean(axis=2).mean(axis=0))
    np.testing.assert_allclose(var, 0.75 * 2.0 + 0.25 * x.var(axis=2, ddof=1).mean(axis=0))
    # use_input_stats=False: the running statistics normalise, and nothing moves.
    y = F.instance_norm(autograd.tensor(x), mean, var, use_input_stats=False, eps=0.0)
    np.testing.assert_allclose(y.numpy(), (x - mean[:, None]) / np.sqrt(var[:, None]))
    torch = pytest.importorskip("torch")
    t_mean, t_var = torch.full((2,), 0.5, dtype=torch.float64), torch.full((2,), 2.0).double()
    torch.nn.functional.instance_norm(torch.tensor(x), t_mean, t_var, momentum=0.25)
    np.testing.assert_allclose(t_mean.numpy(), 0.75 * 0.5 + 0.25 * x.mean(axis=2).mean(axis=0))
    np.testing.assert_allclose(t_var.numpy(), 0.75 * 2.0 + 0.25 * x.var(axis=2, ddof=1).mean(0))


def test_instance_norm_gradients_and_refusals():
    x, w, b = leaf(2, 3, 4), leaf(3, seed=1), leaf(3, seed=2)
    fn = lambda x, w, b: F.instance_norm(x, weight=w, bias=b)  # noqa: E731
    assert autograd.gradcheck(fn, [x, w, b])
    assert autograd.gradgradcheck(fn, [x, w, b])
    with pytest.raises(ValueError, match=r"instance_norm: expected more than 1 spatial element"):
        F.instance_norm(np.zeros((2, 3, 1)))
    with pytest.raises(ValueError, match="instance_norm: use_input_stats=False needs"):
        F.instance_norm(np.zeros((2, 3, 4)), use_input_stats=False)
    with pytest.raises(ValueError, match=r"instance_norm: running_mean must have shape \(3,\)"):
        F.instance_norm(np.zeros((2, 3, 4)), np.zeros(2), np.ones(2))
    with pytest.raises(RuntimeError, match="instance_norm: not differentiable .* 'running_mean'"):
        F.instance_norm(x, leaf(3), np.ones(3))


def test_local_response_norm_by_hand():
    # 3 channels of one value, size 2: the window of channel c is (c - 1, c); alpha/size = 1/2.
    x = np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1)
    y = F.local_response_norm(x, 2, alpha=1.0, beta=1.0, k=1.0).numpy().ravel()
    np.testing.assert_allclose(y, [1 / (1 + 1 / 2), 2 / (1 + 5 / 2), 3 / (1 + 13 / 2)])


@pytest.mark.parametrize("size", [1, 2, 3, 5])
@pytest.mark.parametrize("shape", [(2, 4, 3), (2, 4, 3, 2), (1, 3, 2, 2, 2)])
def test_local_response_norm_matches_torch(size, shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(4).standard_normal(shape)
    against_torch(
        lambda x: F.local_response_norm(x, size, alpha=0.3, beta=0.6, k=1.5),
        lambda x: torch.nn.functional.local_response_norm(x, size, alpha=0.3, beta=0.6, k=1.5),
        x,
    )


def test_local_response_norm_gradients_and_refusals():
    assert autograd.gradcheck(lambda x: F.local_response_norm(x, 3, 0.5), [leaf(2, 4, 3)])
    assert autograd.gradgradcheck(lambda x: F.local_response_norm(x, 2, 0.5), [leaf(1, 3, 2)])
    with pytest.raises(ValueError, match=r"local_response_norm: .* 3 or more .* \(2, 4\)"):
        F.local_response_norm(np.zeros((2, 4)), 2)
    with pytest.raises(ValueError, match="local_response_norm: size must be a positive int"):
        F.local_response_norm(np.zeros((2, 4, 3)), 0)
