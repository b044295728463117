"""autograd.special, PyTorch's torch.special: every name exists with torch's signature, gives
torch's values and gradients, and records its op."""

import math

import numpy as np
import pytest

import autograd as ag

S = ag.special
RNG = np.random.default_rng(9)
X = RNG.uniform(-3, 3, (3, 4))
POSITIVE = RNG.uniform(0.2, 4, (3, 4))
PROBABILITY = RNG.uniform(0.02, 0.98, (3, 4))

# (name, inputs, keyword arguments): one call of each function of the namespace
CALLS = [
    ("erf", (X,), {}),
    ("erfc", (X,), {}),
    ("erfcx", (X,), {}),
    ("erfinv", (PROBABILITY * 2 - 1,), {}),
    ("expit", (X,), {}),
    ("logit", (PROBABILITY,), {}),
    ("logit", (PROBABILITY,), {"eps": 0.1}),
    ("xlogy", (X, POSITIVE), {}),
    ("xlog1py", (X, POSITIVE), {}),
    ("gammaln", (POSITIVE,), {}),
    ("digamma", (POSITIVE,), {}),
    ("psi", (POSITIVE,), {}),
    ("polygamma", (2, POSITIVE), {}),
    ("multigammaln", (POSITIVE + 1, 2), {}),
    ("sinc", (X,), {}),
    ("entr", (POSITIVE,), {}),
    ("ndtr", (X,), {}),
    ("log_ndtr", (X,), {}),
    ("ndtri", (PROBABILITY,), {}),
    ("i0", (X,), {}),
    ("i1", (X,), {}),
    ("i0e", (X,), {}),
    ("i1e", (X,), {}),
    ("logsumexp", (X, 1), {}),
    ("logsumexp", (X, (0, 1)), {"keepdim": True}),
    ("softmax", (X, 0), {}),
    ("log_softmax", (X, -1), {}),
    ("log1p", (POSITIVE,), {}),
    ("expm1", (X,), {}),
    ("exp2", (X,), {}),
    ("round", (X * 10,), {}),
    ("round", (X,), {"decimals": 2}),
]


def test_every_name_is_called_here():
    assert {name for name, _, _ in CALLS} == set(S.__all__)


@pytest.mark.parametrize("name, args, kwargs", CALLS, ids=[c[0] for c in CALLS])
def test_gradients_to_second_order(name, args, kwargs):
    fn = getattr(S, name)
    tensors = [i for i, a in enumerate(args) if isinstance(a, np.ndarray)]

    def call(*xs):
        full = list(args)
        for i, x in zip(tensors, xs):
            full[i] = x
        return fn(*full, **kwargs)

    inputs = [ag.tensor(args[i], requires_grad=True) for i in tensors]
    assert call(*inputs).grad_fn is not None
    assert ag.gradcheck(call, inputs)
    if name not in ("round",):
        assert ag.gradgradcheck(call, inputs)


def test_against_torch():
    torch = pytest.importorskip("torch")
    for name, args, kwargs in CALLS:
        ours_in = [
            ag.tensor(a, requires_grad=True) if isinstance(a, np.ndarray) else a for a in args
        ]
        theirs_in = [
            torch.tensor(a, requires_grad=True) if isinstance(a, np.ndarray) else a for a in args
        ]
        out = getattr(S, name)(*ours_in, **kwargs)
        ref = getattr(torch.special, name)(*theirs_in, **kwargs)
        np.testing.assert_allclose(
            out.numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-14, err_msg=name
        )
        w = RNG.standard_normal(out.shape)
        (out * ag.tensor(w)).sum().backward()
        (ref * torch.tensor(w)).sum().backward()
        for a, b in zip(ours_in, theirs_in):
            if isinstance(a, ag.Tensor):
                # (PyTorch's polygamma(n >= 1) is accurate to about 1e-9: digamma's gradient)
                np.testing.assert_allclose(
                    a.grad.numpy(), b.grad.numpy(), rtol=1e-8, atol=1e-12, err_msg=name
                )


def test_the_top_level_and_tensor_spellings():
    x = ag.tensor(POSITIVE, requires_grad=True)
    for top, method in [
        (ag.lgamma, "lgamma"),
        (ag.digamma, "digamma"),
        (ag.erfinv, None),
        (ag.erfc, "erfc"),
        (ag.sinc, "sinc"),
        (ag.i0, "i0"),
        (ag.frac, "frac"),
        (ag.sgn, "sgn"),
        (ag.nan_to_num, "nan_to_num"),
    ]:
        arg = x / 5 if top is ag.erfinv else x
        value = top(arg)
        if method:
            np.testing.assert_array_equal(getattr(arg, method)().numpy(), value.numpy())
    np.testing.assert_array_equal(x.polygamma(2).numpy(), ag.polygamma(2, x).numpy())
    np.testing.assert_array_equal(x.atan2(x + 1).numpy(), ag.arctan2(x, x + 1).numpy())
    np.testing.assert_array_equal(x.xlogy(x).numpy(), ag.xlogy(x, x).numpy())
    np.testing.assert_array_equal(x.logit(0.1).numpy(), S.logit(x, eps=0.1).numpy())
    assert math.isclose(
        ag.mvlgamma(ag.tensor([3.0]), 2).item(), S.multigammaln(ag.tensor([3.0]), 2).item()
    )
    assert S.psi is S.digamma
