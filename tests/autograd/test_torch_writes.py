"""autograd/torch_writes.py: PyTorch's in-place math methods (``exp_``, ``addcmul_``, ...) give
torch's values and keep the gradient of a tensor with history; refusals as PyTorch's."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag

IN_PLACE_CASES = [
    ("exp_", ()),
    ("log_", ()),
    ("sqrt_", ()),
    ("abs_", ()),
    ("neg_", ()),
    ("relu_", ()),
    ("sigmoid_", ()),
    ("tanh_", ()),
    ("square_", ()),
    ("reciprocal_", ()),
    ("pow_", (3,)),
    ("addcmul_", ("t1", "t2")),
    ("addcdiv_", ("t1", "t2")),
    ("lerp_", ("t1", 0.25)),
    ("log2_", ()),
    ("erf_", ()),
    ("cosh_", ()),
    ("erfc_", ()),
    ("erfinv_", ()),  # (NaN beyond 1 on both sides)
    ("lgamma_", ()),
    ("digamma_", ()),
    ("sinc_", ()),
    ("frac_", ()),
    ("sgn_", ()),
    ("i0_", ()),
]


def _arguments(lib, args, data):
    made = {"t1": data[::-1].copy() - 1, "t2": data + 2}
    return [lib.tensor(made[a]) if isinstance(a, str) else a for a in args]


def test_in_place_math_matches_pytorch_and_keeps_the_gradient():
    torch = pytest.importorskip("torch")
    data = np.array([0.5, 1.5, 2.0, 3.0])
    for name, args in IN_PLACE_CASES:
        ours, theirs = ag.tensor(data.copy()), torch.tensor(data.copy())
        assert getattr(ours, name)(*_arguments(ag, args, data)) is ours
        getattr(theirs, name)(*_arguments(torch, args, data))
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, err_msg=name)
        # on a recorded result: its history moves, and the gradient is PyTorch's
        w = ag.tensor(data.copy(), requires_grad=True)
        wt = torch.tensor(data.copy(), requires_grad=True)
        y, yt = w * 1.5, wt * 1.5
        getattr(y, name)(*_arguments(ag, args, data))
        getattr(yt, name)(*_arguments(torch, args, data))
        (y * ag.tensor(data)).sum().backward()
        (yt * torch.tensor(data)).sum().backward()
        # (digamma's derivative, trigamma, is accurate to about 1e-9 in PyTorch)
        rtol = 1e-8 if name == "digamma_" else 1e-12
        theirs = wt.grad.numpy(force=True)  # (force: torch may hand back a lazy "ZeroTensor")
        np.testing.assert_allclose(w.grad.numpy(), theirs, rtol=rtol, err_msg=name)


def test_in_place_triangles_match_pytorch():
    torch = pytest.importorskip("torch")
    data = np.arange(12.0).reshape(3, 4)
    for name, args in (("tril_", ()), ("triu_", (1,)), ("tril_", (-1,))):
        ours, theirs = ag.tensor(data.copy()), torch.tensor(data.copy())
        getattr(ours, name)(*args), getattr(theirs, name)(*args)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_in_place_math_refusals():
    with pytest.raises(RuntimeError, match=r"exp_ on a tensor that requires grad"):
        ag.ones(2, requires_grad=True).exp_()
    with pytest.raises(RuntimeError, match=r"sqrt_: result type float32 can't be cast .* int64"):
        ag.tensor([1, 4]).sqrt_()
    with ag.no_grad():  # a parameter updated by hand
        p = ag.ones(2, requires_grad=True)
        p.mul_(2).sqrt_()
    np.testing.assert_allclose(p.numpy(), np.sqrt(2.0))


def test_adam_written_with_in_place_methods_is_pytorchs_step():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    start, grads = rng.normal(size=4), rng.normal(size=(3, 4))
    results = []
    for lib in (ag, torch):
        p = lib.tensor(start.copy(), requires_grad=True)
        exp_avg, exp_avg_sq = lib.zeros(4, dtype=lib.float64), lib.zeros(4, dtype=lib.float64)
        beta1, beta2, lr, eps = 0.9, 0.999, 0.01, 1e-8
        for step, g in enumerate(grads, start=1):
            grad = lib.tensor(g)
            with lib.no_grad():
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = (exp_avg_sq.sqrt() / math.sqrt(1 - beta2**step)).add_(eps)
                p.addcdiv_(exp_avg, denom, value=-lr / (1 - beta1**step))
        results.append(p.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)
