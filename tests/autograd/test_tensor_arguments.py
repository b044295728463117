"""Every argument of every autograd function and Tensor method that can be a Tensor is recorded,
refused, or a constant by nature -- never silently dropped.

An argument that requires grad must either receive its true gradient (checked against central
differences) or make the call raise "<fn>: not differentiable with respect to argument '<arg>'"
(autograd/arguments.py) while grad mode is on, as PyTorch does. The third verdict is for
arguments whose values the result cannot depend on differentiably: integer and bool results
(comparisons, indices, counts: derivative zero almost everywhere, as in PyTorch), results that
read only an argument's shape and dtype, and explicit copies out of the graph (which warn).

``test_every_argument_is_audited`` enumerates the ``autograd`` namespace, the torch-style
functions behind it, ``autograd.functional`` and every Tensor method, parameter by parameter, so
a new function or parameter cannot skip the audit. Ops declared on a ``Function`` class record
every positional input by construction (``Function.apply`` links each Tensor input); their
keyword options must be structural (``axis``, ``keepdims``).
"""

from __future__ import annotations

import inspect
import re
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd.registry import ENTRIES, OPERATORS
from autograd.torch_writes import IN_PLACE

RNG = np.random.default_rng(0)


def _t(*shape, low=None, high=None):
    if low is None:
        return ag.tensor(RNG.standard_normal(shape))
    return ag.tensor(RNG.uniform(low, high, shape))


def _buf(n=3):
    return ag.zeros(n, dtype=np.float64)


X, Y, S, M = _t(3), _t(3), _t(), _t(3, 3)
POS = _t(3, low=0.5, high=1.5)
MASK = ag.tensor([True, False, True])
IDX = ag.tensor([2, 0, 1])
SAMPLE = ag.tensor(np.array([0.1, 0.4, 0.45, 0.9, 0.95]))


# PyTorch's in-place math methods that take no operand (autograd/torch_writes.py)
UNARY_IN_PLACE = [n for n in IN_PLACE if n not in ("pow", "addcmul", "addcdiv", "lerp")]

ONE = ag.tensor(1.0, requires_grad=True)  # makes a recorded result that is not the argument


def _setitem(value, recorded=False):
    out = _buf() + (ONE if recorded else 1.0)
    out[0] = value
    return out


def _inplace(method, value, *args, recorded=True):
    out = _buf() + (ONE if recorded else 1.0)
    return getattr(out, method)(value, *args)


def _vjp_v(v):
    return ag.functional.vjp(lambda a: a**3, X, v, create_graph=True)[1]


# (function, argument, value, call): ``call(value)`` passes ``value`` as that argument, and the
# gradient of the result with respect to it is gradchecked.
RECORDED = [
    # linear algebra and special functions (tests/autograd/ops: test_solving.py, ...)
    ("logcumsumexp", "x", X, lambda a: ag.logcumsumexp(a, 0)),
    ("matrix_power", "a", M, lambda a: ag.matrix_power(a, 3)),
    ("slogdet", "a", M, lambda a: ag.slogdet(a + 3 * np.eye(3)).logabsdet),
    ("logdet", "a", M, lambda a: ag.logdet(a @ a.T + np.eye(3))),
    ("solve_numpy", "a", M, lambda a: np.linalg.solve(a + 3 * np.eye(3), Y)),
    ("solve_numpy", "b", X, lambda b: np.linalg.solve(M + 3 * np.eye(3), b)),
    ("qr", "a", M, lambda a: ag.qr(a).R),
    ("eigh", "a", M, lambda a: np.linalg.eigh(a + a.T).eigenvalues),
    ("svd", "a", M, lambda a: np.linalg.svd(a).S),
    ("polygamma", "x", POS, lambda a: ag.polygamma(1, a)),
    ("tensor_polygamma", "x", POS, lambda a: a.polygamma(1)),
    ("mvlgamma", "x", POS, lambda a: ag.mvlgamma(a + 2, 2)),
    ("logit", "x", POS, lambda a: ag.logit(a / 2, eps=0.3)),
    ("nan_to_num", "x", X, lambda a: ag.nan_to_num(a)),
    # creation: a fill value or bound that requires grad is recorded (the result is linear in it)
    ("full", "fill_value", S, lambda a: ag.full((2, 3), a)),
    ("full_like", "fill_value", S, lambda a: ag.full_like(X, a)),
    ("Tensor.new_full", "fill_value", S, lambda a: X.new_full((2,), a)),
    ("linspace", "start", S, lambda a: ag.linspace(a, 2.0, 4, dtype=np.float64)),
    ("linspace", "stop", S, lambda a: ag.linspace(-1.0, a, 4, dtype=np.float64)),
    ("as_tensor", "value", X, lambda a: ag.as_tensor(a)),
    # PyTorch's ops that unwrap an argument
    ("masked_fill", "x", X, lambda a: ag.masked_fill(a, MASK, 0.5)),
    ("masked_fill", "value", S, lambda a: ag.masked_fill(X, MASK, a)),
    ("Tensor.scatter", "self", X, lambda a: a.scatter(0, ag.tensor([2, 0]), Y[:2])),
    ("Tensor.scatter", "src", X, lambda a: _buf().scatter(0, IDX, a)),
    ("Tensor.scatter", "value", S, lambda a: _buf().scatter(0, ag.tensor([1]), value=a)),
    ("histogram", "weight", POS, lambda a: ag.histogram(SAMPLE[:3], 2, weight=a).hist),
    (
        "histogram",
        "weight (density)",
        POS,
        lambda a: ag.histogram(SAMPLE[:3], 2, weight=a, density=True).hist,
    ),
    # equal bins over x's own range: the edges and a density follow x's min and max
    ("histogram", "x (edges)", X, lambda a: ag.histogram(a, 2).bin_edges),
    ("histogram", "x (density)", X, lambda a: ag.histogram(a, 2, density=True).hist),
    ("mv", "a", M, lambda a: ag.mv(a, X)),
    ("diag", "x", X, lambda a: ag.diag(a, -1)),
    ("mv", "vec", X, lambda a: ag.mv(M, a)),
    ("repeat_interleave", "x", X, lambda a: ag.repeat_interleave(a, IDX, dim=0)),
    ("softmax", "x", M, lambda a: ag.softmax(a, 1)),
    ("log_softmax", "x", M, lambda a: ag.log_softmax(a, 0)),
    ("DoubleTensor", "args", X, ag.DoubleTensor),  # a tensor of its dtype: that tensor itself
    ("tril", "x", M, ag.tril),
    ("triu", "x", M, lambda a: ag.triu(a, 1)),
    ("split", "x", X, lambda a: ag.split(a, 2)[1]),
    ("chunk", "x", X, lambda a: ag.chunk(a, 2)[0]),
    ("tensor_norm", "x", X, lambda a: a.norm()),
    ("topk", "x", X, lambda a: ag.topk(a, 2).values),
    ("gather", "x", M, lambda a: ag.gather(a, 1, ag.tensor([[0], [2], [1]]))),
    ("round", "x", X, lambda a: ag.round(a, decimals=1)),
    ("select", "x", M, lambda a: ag.select(a, 1, 2)),
    # shapes, joins, contractions, indexing (composed of recorded ops)
    ("positive", "a", X, lambda a: +a),
    ("conjugate", "a", X, ag.conjugate),
    ("reshape", "x", X, lambda a: ag.reshape(a, 1, 3)),
    ("transpose", "x", M, ag.transpose),
    ("transpose_two", "x", M, lambda a: a.transpose(dim0=0, dim1=1)),
    ("permute", "x", M, lambda a: ag.permute(a, 1, 0)),
    ("t", "x", M, ag.t),
    ("swapaxes", "x", M, lambda a: ag.swapaxes(a, 0, 1)),
    ("flatten", "x", M, ag.flatten),
    ("squeeze", "x", X, lambda a: ag.squeeze(a.reshape(1, 3))),
    ("expand_dims", "x", X, lambda a: ag.expand_dims(a, 0)),
    ("broadcast_to", "x", X, lambda a: ag.broadcast_to(a, (2, 3))),
    ("astype", "x", X, lambda a: ag.astype(a, np.float64)),
    ("to", "x", X, lambda a: a.to(dtype=np.float64)),
    ("double", "x", X, lambda a: a.double()),
    ("moveaxis", "x", M, lambda a: ag.moveaxis(a, 0, 1)),
    ("ravel", "x", M, ag.ravel),
    ("atleast_1d", "arrays", S, ag.atleast_1d),
    ("atleast_2d", "arrays", X, ag.atleast_2d),
    ("atleast_3d", "arrays", X, ag.atleast_3d),
    ("einsum", "args", X, lambda a: ag.einsum("i,i->i", a, Y)),
    ("vecdot", "a", X, lambda a: ag.vecdot(a, Y)),
    ("vecdot", "b", X, lambda a: ag.vecdot(Y, a)),
    ("matvec", "a", M, lambda a: ag.matvec(a, Y)),
    ("matvec", "v", X, lambda a: ag.matvec(M, a)),
    ("vecmat", "v", X, lambda a: ag.vecmat(a, M)),
    ("vecmat", "a", M, lambda a: ag.vecmat(Y, a)),
    ("concatenate", "tensors", X, lambda a: ag.concatenate([a, Y])),
    ("stack", "tensors", X, lambda a: ag.stack([Y, a])),
    ("diff", "x", X, ag.diff),
    ("diff", "prepend", S, lambda a: ag.diff(X, prepend=a)),
    ("diff", "append", S, lambda a: ag.diff(X, append=a)),
    ("getitem", "x", X, lambda a: a[1:]),
    ("take", "x", X, lambda a: ag.take(a, IDX)),
    ("take_along_axis", "x", X, lambda a: ag.take_along_axis(a, IDX, axis=0)),
    ("diagonal", "x", M, ag.diagonal),
    ("clip", "x", X, lambda a: ag.clip(a, -0.5, 0.5)),
    ("clip", "a_min", X, lambda a: ag.clip(Y, a_min=a)),
    ("clip", "a_max", X, lambda a: ag.clip(Y, a_max=a)),
    ("clip", "min", X, lambda a: ag.clip(Y, min=a)),
    ("clip", "max", X, lambda a: ag.clip(Y, max=a)),
    ("where", "a", X, lambda a: ag.where(MASK, a, Y)),
    ("where", "b", X, lambda a: ag.where(MASK, Y, a)),
    ("matmul", "a", M, lambda a: a @ Y),
    ("matmul", "b", X, lambda a: M @ a),
    ("dot", "a", X, lambda a: ag.dot(a, Y)),
    ("dot", "b", X, lambda a: ag.dot(Y, a)),
    ("tensordot", "a", M, lambda a: ag.tensordot(a, M, 1)),
    ("tensordot", "b", M, lambda a: ag.tensordot(M, a, 1)),
    ("outer", "a", X, lambda a: ag.outer(a, Y)),
    ("outer", "b", X, lambda a: ag.outer(Y, a)),
    ("matrix_trace", "x", M, ag.matrix_trace),
    ("norm", "x", X, ag.norm),
    ("ldexp", "x", X, lambda a: ag.ldexp(a, ag.tensor([1, 2, 3]))),
    ("max", "x", X, ag.max),
    ("min", "x", X, ag.min),
    ("max_with_indices", "x", M, lambda a: a.max(dim=1).values),
    ("min_with_indices", "x", M, lambda a: a.min(dim=1).values),
    ("var", "x", X, ag.var),
    ("var", "ddof", S, lambda a: ag.var(X, ddof=a)),
    ("std", "x", X, ag.std),
    ("var_corrected", "x", M, lambda a: a.var(dim=1)),
    ("var_corrected", "correction", S, lambda a: X.var(dim=0, correction=a)),
    ("std_corrected", "x", M, lambda a: a.std(dim=1)),
    ("roll", "x", X, lambda a: ag.roll(a, 1)),
    ("sort", "x", X, ag.sort),
    ("sort_with_indices", "x", X, lambda a: a.sort(descending=True).values),
    ("_pytorch_norm", "x", M, lambda a: ag.norm(a, p=3)),
    ("repeat", "x", X, lambda a: ag.repeat(a, 2)),
    ("repeat_tiled", "x", X, lambda a: TORCH_STYLE["repeat_tiled"](a, 2, 1)),
    ("tile", "x", X, lambda a: ag.tile(a, 2)),
    ("pad", "x", X, lambda a: ag.pad(a, 1)),
    # Tensor methods that are not ops of their own
    ("Tensor.view_as", "self", X, lambda a: a.view_as(M[0:1])),
    ("Tensor.expand", "self", X, lambda a: a.expand(2, 3)),
    ("Tensor.expand_as", "self", X, lambda a: a.expand_as(M)),
    ("Tensor.type", "self", X, lambda a: a.type(np.float64)),
    ("Tensor.type_as", "self", X, lambda a: a.type_as(Y)),
    ("Tensor.where", "self", X, lambda a: a.where(MASK, Y)),
    ("Tensor.where", "other", X, lambda a: Y.where(MASK, a)),
    ("Tensor.index_select", "self", X, lambda a: a.index_select(0, IDX)),
    ("Tensor.narrow", "self", X, lambda a: a.narrow(0, 1, 2)),
    *[
        (name, arg, value, call)
        for names, arg, value, call in [
            (("amax", "Tensor.amax"), "self", M, lambda a: a.amax(dim=1)),
            (("amin", "Tensor.amin"), "self", M, lambda a: a.amin()),
            (("rsqrt", "Tensor.rsqrt"), "self", X * X + 1.0, lambda a: a.rsqrt()),
            (("bmm", "Tensor.bmm"), "self", M, lambda a: a[None].bmm(M.T[None])),
            (("bmm", "Tensor.bmm"), "mat2", M, lambda a: M[None].bmm(a.T[None])),
        ]
        for name in names
    ],
    ("Tensor.clamp_min", "self", X, lambda a: a.clamp_min(0.1)),
    ("Tensor.clamp_min", "min", S, lambda a: X.clamp_min(a)),
    ("Tensor.clamp_max", "self", X, lambda a: a.clamp_max(0.1)),
    ("Tensor.clamp_max", "max", S, lambda a: X.clamp_max(a)),
    ("Tensor.true_divide", "self", X, lambda a: a.true_divide(2.0)),
    ("Tensor.true_divide", "other", X * X + 1.0, lambda a: X.true_divide(a)),
    ("Tensor.reshape_as", "self", X, lambda a: a.reshape_as(M[0:1])),
    ("Tensor.masked_select", "self", X, lambda a: a.masked_select(MASK)),
    ("view", "x", X, lambda a: a.view(1, 3)),
    ("unbind", "x", M, lambda a: a.unbind(1)[2]),
    ("Tensor.contiguous", "self", X, lambda a: a.contiguous()),
    ("Tensor.cpu", "self", X, lambda a: a.cpu()),
    # in place into a recorded result: its history moves (autograd/rebase.py)
    ("Tensor.__setitem__", "value (into a recorded result)", S, lambda a: _setitem(a, True)),
    *[
        (f"Tensor.{m}", "other (into a recorded result)", v, lambda a, m=m: _inplace(m, a))
        for m, v in [("__iadd__", X), ("__isub__", X), ("__imul__", X), ("__itruediv__", POS)]
    ],
    ("Tensor.add_", "other (into a recorded result)", X, lambda a: _inplace("add_", a, 2.0)),
    ("Tensor.add_", "alpha (into a recorded result)", S, lambda a: _inplace("add_", Y, a)),
    ("Tensor.sub_", "other (into a recorded result)", X, lambda a: _inplace("sub_", a)),
    ("Tensor.sub_", "alpha (into a recorded result)", S, lambda a: _inplace("sub_", Y, a)),
    ("Tensor.mul_", "other (into a recorded result)", X, lambda a: _inplace("mul_", a)),
    ("Tensor.div_", "other (into a recorded result)", POS, lambda a: _inplace("div_", a)),
    # written into a tensor without history (a fresh buffer): it gets the history, as in
    # PyTorch (autograd/rebase.py; refused where something outside its views holds its memory)
    ("Tensor.__setitem__", "value (into a leaf)", S, _setitem),
    *[
        (f"Tensor.{m}", "other (into a leaf)", v, lambda a, m=m: _inplace(m, a, recorded=False))
        for m, v in [
            ("__iadd__", X),
            ("__isub__", X),
            ("__imul__", X),
            ("__itruediv__", POS),
            ("add_", X),
            ("sub_", X),
            ("mul_", X),
            ("div_", POS),
        ]
    ],
    ("Tensor.scatter_", "src", X, lambda a: _buf().scatter_(0, IDX, a)),
    ("Tensor.scatter_", "value", S, lambda a: _buf().scatter_(0, IDX, value=a)),
    ("Tensor.masked_fill_", "value", S, lambda a: _buf().masked_fill_(MASK, a)),
    ("Tensor.fill", "value", S, lambda a: (lambda b: b.fill(a) or b)(_buf())),
    ("Tensor.fill_", "value", S, lambda a: _buf().fill_(a)),
    ("Tensor.copy_", "source", X, lambda a: _buf().copy_(a)),
    ("Tensor.pow_", "args (exponent)", S, lambda a: _inplace("pow_", a * 0 + 2.0)),
    ("Tensor.addcmul_", "args (tensor1)", X, lambda a: _inplace("addcmul_", a, Y)),
    ("Tensor.addcdiv_", "args (tensor2)", POS, lambda a: _inplace("addcdiv_", Y, a)),
    ("Tensor.lerp_", "args (end)", X, lambda a: _inplace("lerp_", a, 0.25)),
    ("Tensor.add", "self", X, lambda a: a.add(Y, alpha=2.0)),
    ("Tensor.add", "other", X, lambda a: Y.add(a, alpha=2.0)),
    ("Tensor.add", "alpha", S, lambda a: Y.add(X, alpha=a)),
    ("Tensor.subtract", "self", X, lambda a: a.sub(Y)),
    ("Tensor.subtract", "other", X, lambda a: Y.subtract(a, alpha=0.5)),
    ("Tensor.subtract", "alpha", S, lambda a: Y.sub(X, alpha=a)),
    ("Tensor.addcmul", "self", X, lambda a: a.addcmul(Y, X)),
    ("Tensor.addcmul", "tensor1", X, lambda a: Y.addcmul(a, X, value=2.0)),
    ("Tensor.addcmul", "tensor2", X, lambda a: Y.addcmul(X, a)),
    ("Tensor.addcmul", "value", S, lambda a: Y.addcmul(X, X, value=a)),
    ("Tensor.addcdiv", "self", X, lambda a: a.addcdiv(Y, POS)),
    ("Tensor.addcdiv", "tensor1", X, lambda a: Y.addcdiv(a, POS)),
    ("Tensor.addcdiv", "tensor2", POS, lambda a: Y.addcdiv(X, a)),
    ("Tensor.addcdiv", "value", S, lambda a: Y.addcdiv(X, POS, value=a)),
    ("Tensor.lerp", "self", X, lambda a: a.lerp(Y, 0.25)),
    ("Tensor.lerp", "end", X, lambda a: Y.lerp(a, 0.25)),
    ("Tensor.lerp", "weight", X, lambda a: Y.lerp(X, a)),
    ("Tensor.clamp_", "min", X, lambda a: _buf().clamp_(min=a)),
    ("Tensor.clamp_", "max", X, lambda a: _buf().clamp_(max=a)),
    # autograd.functional: v is recorded when the result is (create_graph=True), as in PyTorch
    ("vjp", "v", X, _vjp_v),
]

# Casts to a lower precision, recorded (gradchecked above at float64): the gradient of a sum is 1.
CASTS = [
    ("half", lambda a: a.half()),
    ("float", lambda a: a.float()),
    ("Tensor.type", lambda a: a.type(np.float32)),
]


# (function, argument, value, call): refused while grad mode is on; the same value detached, or
# under no_grad, is used as a constant.
REFUSED = [
    ("logit", "eps", S, lambda a: ag.logit(POS / 2, eps=a * 0 + 0.1)),
    ("nan_to_num", "nan", S, lambda a: ag.nan_to_num(X, nan=a)),
    ("nan_to_num", "posinf", S, lambda a: ag.nan_to_num(X, posinf=a)),
    ("nan_to_num", "neginf", S, lambda a: ag.nan_to_num(X, neginf=a)),
    ("arange", "start", S, lambda a: ag.arange(a - 3.0, 2.0)),
    ("arange", "stop", S, lambda a: ag.arange(-3.0, a)),
    ("arange", "step", S, lambda a: ag.arange(0.0, 2.0, a * 0 + 0.5)),
    ("normal", "mean", X, lambda a: ag.normal(a, 1.0)),
    ("normal", "std", POS, lambda a: ag.normal(0.0, a)),
    ("histogram", "bins", SAMPLE, lambda a: ag.histogram(X, a)),
    ("histogram", "range", S, lambda a: ag.histogram(X, 2, range=(a - 3.0, 3.0))),
    ("unique", "x", X, ag.unique),
    ("norm", "ord", S, lambda a: ag.norm(X, ord=a * 0 + 1)),
    ("tensor_norm", "p", S, lambda a: X.norm(p=a * 0 + 1)),
    ("_pytorch_norm", "p", S, lambda a: ag.norm(X, p=a * 0 + 1)),
    ("std", "ddof", S, lambda a: ag.std(X, ddof=a * 0 + 1)),
    ("std_corrected", "correction", S, lambda a: X.std(dim=0, correction=a * 0 + 1)),
    ("pad", "constant_values", S, lambda a: ag.pad(X, 1, constant_values=a)),
    ("roll", "shift", S, lambda a: ag.roll(X, a * 0 + 1)),
    ("round", "decimals", S, lambda a: ag.round(X, decimals=a * 0 + 1)),
    ("Tensor.normal_", "mean", S, lambda a: _buf().normal_(a)),
    ("Tensor.normal_", "std", POS, lambda a: _buf().normal_(0.0, a[0])),
    ("Tensor.uniform_", "a", S, lambda a: _buf().uniform_(a - 5.0, 5.0)),
    ("Tensor.uniform_", "b", S, lambda a: _buf().uniform_(-5.0, a + 5.0)),
]

# Constants by nature: (function, argument, value, call, why). ``why`` is one of
#   "integers": the result holds integers or bools (derivative 0 almost everywhere, as PyTorch);
#   "piecewise constant": a float result that only jumps (counts, rounding to a step);
#   "shape": only the argument's shape and dtype are read (the test changes its values);
#   "copy": an explicit copy out of the graph, which warns (PyTorch's torch.tensor(t) too);
#   "in place target": the tensor written in place, refused if it requires grad (inplace.py).
CONSTANT = [
    *[
        (name, arg, X, call, "integers")
        for name, arg, call in [
            ("less", "a", lambda a: a < Y),
            ("less", "b", lambda a: ag.less(Y, a)),
            ("less_equal", "a", lambda a: a <= Y),
            ("less_equal", "b", lambda a: ag.less_equal(Y, a)),
            ("greater", "a", lambda a: a > Y),
            ("greater", "b", lambda a: ag.greater(Y, a)),
            ("greater_equal", "a", lambda a: a >= Y),
            ("greater_equal", "b", lambda a: ag.greater_equal(Y, a)),
            ("equal", "a", lambda a: a == Y),
            ("equal", "b", lambda a: ag.equal(Y, a)),
            ("array_equal", "a", lambda a: ag.array_equal(a, Y)),
            ("array_equal", "b", lambda a: ag.array_equal(Y, a)),
            ("not_equal", "a", lambda a: a != Y),
            ("not_equal", "b", lambda a: ag.not_equal(Y, a)),
            ("logical_and", "a", lambda a: ag.logical_and(a, Y)),
            ("logical_and", "b", lambda a: ag.logical_and(Y, a)),
            ("logical_or", "a", lambda a: ag.logical_or(a, Y)),
            ("logical_or", "b", lambda a: ag.logical_or(Y, a)),
            ("logical_xor", "a", lambda a: ag.logical_xor(a, Y)),
            ("logical_xor", "b", lambda a: ag.logical_xor(Y, a)),
            ("logical_not", "a", ag.logical_not),
            ("all", "x", ag.all),
            ("any", "x", ag.any),
            ("bool", "x", lambda a: a.bool()),
            ("long", "x", lambda a: a.long()),
            ("short", "x", lambda a: a.short()),
            ("char", "x", lambda a: a.char()),
            ("byte", "x", lambda a: (a * a).byte()),
            ("int", "x", lambda a: a.int()),
            ("argmax", "x", ag.argmax),
            ("argmin", "x", ag.argmin),
            ("isfinite", "x", ag.isfinite),
            ("isnan", "x", ag.isnan),
            ("isinf", "x", ag.isinf),
            ("isclose", "a", lambda a: ag.isclose(a, Y)),
            ("isclose", "b", lambda a: ag.isclose(Y, a)),
            ("isclose", "rtol", lambda a: ag.isclose(Y, Y, rtol=a[0])),
            ("isclose", "atol", lambda a: ag.isclose(Y, Y, atol=a[0])),
            ("allclose", "a", lambda a: ag.allclose(a, Y)),
            ("allclose", "b", lambda a: ag.allclose(Y, a)),
            ("allclose", "rtol", lambda a: ag.allclose(Y, Y, rtol=a[0])),
            ("allclose", "atol", lambda a: ag.allclose(Y, Y, atol=a[0])),
            ("nonzero", "x", ag.nonzero),
            ("_nonzero_rows", "x", lambda a: ag.nonzero(a, as_tuple=False)),
            ("argsort", "x", ag.argsort),
            ("multinomial", "input", lambda a: ag.multinomial(a * a, 2)),
            ("Tensor.eq", "self", lambda a: a.eq(Y)),
            ("Tensor.eq", "other", lambda a: Y.eq(a)),
            ("Tensor.ne", "self", lambda a: a.ne(Y)),
            ("Tensor.ne", "other", lambda a: Y.ne(a)),
            ("Tensor.lt", "self", lambda a: a.lt(Y)),
            ("Tensor.lt", "other", lambda a: Y.lt(a)),
            ("Tensor.le", "self", lambda a: a.le(Y)),
            ("Tensor.le", "other", lambda a: Y.le(a)),
            ("Tensor.gt", "self", lambda a: a.gt(Y)),
            ("Tensor.gt", "other", lambda a: Y.gt(a)),
            ("Tensor.ge", "self", lambda a: a.ge(Y)),
            ("Tensor.ge", "other", lambda a: Y.ge(a)),
            ("Tensor.is_contiguous", "self", lambda a: a.is_contiguous()),
            ("Tensor.nelement", "self", lambda a: a.nelement()),
            ("Tensor.numel", "self", lambda a: a.numel()),
            ("Tensor.dim", "self", lambda a: a.dim()),
            ("Tensor.__len__", "self", len),
        ]
    ],
    ("histc", "x", X, lambda a: ag.histc(a, 3), "piecewise constant"),
    ("Tensor.stride", "self", X, lambda a: a.stride(), "shape"),
    ("Tensor.element_size", "self", X, lambda a: a.element_size(), "shape"),
    ("numel", "x", X, ag.numel, "shape"),
    ("Tensor.storage_offset", "self", X, lambda a: a[1:].storage_offset(), "shape"),
    ("Tensor.unsqueeze_", "self", X, lambda a: a.unsqueeze_(0), "in place target"),
    ("Tensor.squeeze_", "self", X, lambda a: a.unsqueeze(0).squeeze_(), "in place target"),
    ("histogram", "x (counts)", X, lambda a: ag.histogram(a, 2).hist, "piecewise constant"),
    (
        "bernoulli",
        "input",
        POS * 0.5,
        lambda a: ag.bernoulli(a, generator=ag.Generator().manual_seed(1)),
        "piecewise constant",
    ),
    (
        "bernoulli",
        "p",
        S,
        lambda a: ag.bernoulli(POS * 0.5, p=a * 0 + 0.5, generator=ag.Generator().manual_seed(1)),
        "piecewise constant",
    ),
    ("where", "cond", X, lambda a: ag.where(a, Y, X), "piecewise constant"),  # used as bools
    ("Tensor.where", "condition", X, lambda a: Y.where(a, X), "piecewise constant"),
    ("histc", "min", S, lambda a: ag.histc(X, 3, min=a - 3.0, max=3.0), "piecewise constant"),
    ("histc", "max", S, lambda a: ag.histc(X, 3, min=-3.0, max=a + 3.0), "piecewise constant"),
    *[
        (name, arg, X, call, "shape")
        for name, arg, call in [
            ("zeros_like", "t", ag.zeros_like),
            ("empty_like", "t", lambda a: ag.empty_like(a).shape),
            ("ones_like", "t", ag.ones_like),
            ("full_like", "t", lambda a: ag.full_like(a, 2.0)),
            ("rand_like", "t", lambda a: ag.rand_like(a, generator=ag.Generator().manual_seed(1))),
            (
                "randn_like",
                "t",
                lambda a: ag.randn_like(a, generator=ag.Generator().manual_seed(1)),
            ),
            ("Tensor.new_zeros", "self", lambda a: a.new_zeros(2)),
            ("Tensor.new_ones", "self", lambda a: a.new_ones(2)),
            ("Tensor.new_empty", "self", lambda a: a.new_empty(2).shape),
            ("Tensor.new_full", "self", lambda a: a.new_full((2,), 1.5)),
            ("Tensor.new_tensor", "self", lambda a: a.new_tensor([1.0, 2.0])),
            ("Tensor.type_as", "other", lambda a: Y.type_as(a)),
            ("Tensor.view_as", "other", lambda a: Y.view_as(a)),
            ("Tensor.expand_as", "other", lambda a: S.expand_as(a)),
            ("to", "args", lambda a: Y.to(a)),  # a Tensor as target: its dtype
        ]
    ],
    ("tensor", "data", X, ag.tensor, "copy"),
    ("tensor", "data (a list of tensors)", X, lambda a: ag.tensor([a[0], a[1]]), "copy"),
    ("DoubleTensor", "args (a list of tensors)", X, lambda a: ag.DoubleTensor([a[0]]), "copy"),
    ("Tensor.new_tensor", "data", X, lambda a: Y.new_tensor(a), "copy"),
    *[
        (f"Tensor.{name}", "self", X, call, "in place target")
        for name, call in [
            ("__iadd__", lambda a: a.__iadd__(1.0)),
            ("__isub__", lambda a: a.__isub__(1.0)),
            ("__imul__", lambda a: a.__imul__(2.0)),
            ("__itruediv__", lambda a: a.__itruediv__(2.0)),
            ("__setitem__", lambda a: a.__setitem__(0, 1.0)),
            ("add_", lambda a: a.add_(1.0)),
            ("sub_", lambda a: a.sub_(1.0)),
            ("mul_", lambda a: a.mul_(2.0)),
            ("div_", lambda a: a.div_(2.0)),
            ("fill_", lambda a: a.fill_(1.0)),
            ("fill", lambda a: a.fill(1.0)),
            ("zero_", lambda a: a.zero_()),
            ("copy_", lambda a: a.copy_(Y)),
            ("clamp_", lambda a: a.clamp_(0.0)),
            ("masked_fill_", lambda a: a.masked_fill_(MASK, 0.0)),
            ("scatter_", lambda a: a.scatter_(0, IDX, Y)),
            ("normal_", lambda a: a.normal_()),
            ("uniform_", lambda a: a.uniform_()),
            ("pow_", lambda a: a.pow_(2)),
            ("addcmul_", lambda a: a.addcmul_(Y, Y)),
            ("addcdiv_", lambda a: a.addcdiv_(Y, POS)),
            ("lerp_", lambda a: a.lerp_(Y, 0.5)),
            *[
                (f"{name}_", lambda a, name=name: getattr(a, f"{name}_")())
                for name in UNARY_IN_PLACE
                if name not in ("tril", "triu")
            ],
            ("tril_", lambda a: a.reshape(1, 3).tril_()),  # (a view of the leaf: 2-D)
            ("triu_", lambda a: a.reshape(1, 3).triu_()),
        ]
    ],
]

# PyTorch's index-accumulate family, fused products and order statistics (autograd/ops/
# accumulate.py, products.py, order.py, counting.py): values placed or selected are recorded.
COLUMNS = ag.tensor([[0, 1, 2], [2, 2, 0]])  # a scatter index for M, with repeats
ONE_ROW = ag.tensor([1])
RECORDED += [
    ("scatter_add", "x", M, lambda a: ag.scatter_add(a, 0, COLUMNS, M)),
    ("scatter_add", "src", M, lambda a: ag.scatter_add(M, 0, COLUMNS, a)),
    ("scatter_reduce", "x", M, lambda a: ag.scatter_reduce(a, 0, COLUMNS, M, "amax")),
    ("scatter_reduce", "src", M, lambda a: ag.scatter_reduce(M, 0, COLUMNS, a, "prod")),
    ("index_add", "x", M, lambda a: ag.index_add(a, 0, IDX, M)),
    ("index_add", "source", M, lambda a: ag.index_add(M, 0, IDX, a, alpha=2.0)),
    ("index_copy", "x", M, lambda a: ag.index_copy(a, 0, ONE_ROW, M[:1])),
    ("index_copy", "source", M, lambda a: ag.index_copy(M, 1, IDX, a)),
    ("index_fill", "x", M, lambda a: ag.index_fill(a, 1, ONE_ROW, 0.5)),
    ("index_fill", "value", S, lambda a: ag.index_fill(M, 1, IDX[:2], a)),
    ("masked_scatter", "x", X, lambda a: ag.masked_scatter(a, MASK, Y)),
    ("masked_scatter", "source", X, lambda a: ag.masked_scatter(Y, MASK, a)),
    ("index_put", "x", M, lambda a: ag.index_put(a, (IDX[:2],), Y)),
    ("index_put", "values", X, lambda a: ag.index_put(M, (IDX, IDX), a, accumulate=True)),
    ("take_along_dim", "x", M, lambda a: ag.take_along_dim(a, ag.tensor([[0], [2], [1]]), 1)),
    ("torch_put", "x", X, lambda a: ag.put(a, IDX[:2], Y[:2], accumulate=False)),
    ("torch_put", "source", X, lambda a: ag.put(Y, IDX, a, accumulate=True)),
    ("put", "values", X, lambda a: (lambda b: ag.put(b, IDX, a) or b)(_buf())),
    *[
        (f"Tensor.{name}", f"args ({what})", value, call)
        for name, what, value, call in [
            ("scatter_add_", "src", M, lambda a: (M + ONE).scatter_add_(0, COLUMNS, a)),
            ("scatter_reduce_", "src", M,
             lambda a: (M + ONE).scatter_reduce_(0, COLUMNS, a, "mean")),
            ("index_add_", "source", M, lambda a: (M + ONE).index_add_(0, IDX, a)),
            ("index_copy_", "source", M, lambda a: (M + ONE).index_copy_(0, IDX, a)),
            ("index_fill_", "value", S, lambda a: (M + ONE).index_fill_(0, IDX, a)),
            ("masked_scatter_", "source", X, lambda a: _buf().masked_scatter_(MASK, a)),
            ("put_", "source", X, lambda a: _buf().put_(IDX, a)),
            ("index_put_", "values", X, lambda a: (M + ONE).index_put_((IDX, IDX), a)),
        ]
    ],
    ("bincount", "weights", X, lambda a: ag.bincount(IDX, a, minlength=4)),
    ("trapezoid", "y", X, lambda a: ag.trapezoid(a, Y)),
    ("trapezoid", "x", X, lambda a: ag.trapz(Y, a)),
    ("cumulative_trapezoid", "y", X, lambda a: ag.cumulative_trapezoid(a)),
    ("cumulative_trapezoid", "x", X, lambda a: ag.cumulative_trapezoid(Y, a)),
    ("_torch_tensordot", "a", M, lambda a: ag.tensordot(a, M, dims=1)),
    ("_torch_tensordot", "b", M, lambda a: ag.tensordot(M, a, dims=1)),
    ("median", "x", X, ag.median),
    ("_torch_median", "x", M, lambda a: ag.median(a, dim=1).values),
    ("nanmedian", "x", X, ag.nanmedian),
    ("_torch_nanmedian", "x", M, lambda a: ag.nanmedian(a, dim=0).values),
    ("Tensor.median", "self", X, lambda a: a.median()),
    ("Tensor.nanmedian", "self", M, lambda a: a.nanmedian(1).values),
    ("kthvalue", "x", X, lambda a: ag.kthvalue(a, 2).values),
    ("mode", "x", X, lambda a: ag.mode(a).values),
    ("quantile", "x", M, lambda a: ag.quantile(a, [0.3, 0.6], dim=1)),
    ("nanquantile", "x", M, lambda a: ag.nanquantile(a, 0.3)),
    ("cummax", "x", M, lambda a: ag.cummax(a, 1).values),
    ("cummin", "x", M, lambda a: ag.cummin(a, 0).values),
    ("aminmax", "x", M, lambda a: ag.aminmax(a, dim=0).max),
    ("rot90", "x", M, ag.rot90),
    ("Tensor.unfold", "self", X, lambda a: a.unfold(0, 2, 1)),
    ("kron", "a", X, lambda a: ag.kron(a, M)),
    ("kron", "b", M, lambda a: ag.kron(X, a)),
    ("cross", "a", X, lambda a: ag.cross(a, Y)),
    ("cross", "b", X, lambda a: ag.cross(Y, a)),
    ("_torch_cross", "a", M, lambda a: ag.cross(a, M, dim=0)),
    ("_torch_cross", "b", M, lambda a: ag.cross(M, a, dim=1)),
    ("cdist", "x1", M, lambda a: ag.cdist(a, M[:2])),
    ("cdist", "x2", M, lambda a: ag.cdist(M[:2], a, p=1.5)),
    ("chain_matmul", "matrices", M, lambda a: ag.chain_matmul(M, a, M)),
    *[
        (name, arg, value, call)
        for name, arg, value, call in [
            ("addmm", "input", X, lambda a: ag.addmm(a, M, M)),
            ("addmm", "mat1", M, lambda a: ag.addmm(X, a, M, beta=0.5)),
            ("addmm", "mat2", M, lambda a: ag.addmm(X, M, a, alpha=2.0)),
            ("addmv", "input", X, lambda a: ag.addmv(a, M, Y)),
            ("addmv", "mat", M, lambda a: ag.addmv(X, a, Y)),
            ("addmv", "vec", X, lambda a: ag.addmv(Y, M, a)),
            ("addbmm", "input", M, lambda a: ag.addbmm(a, M[None], M[None])),
            ("addbmm", "batch1", M, lambda a: ag.addbmm(M, a[None], M[None])),
            ("addbmm", "batch2", M, lambda a: ag.addbmm(M, M[None], a[None])),
            ("baddbmm", "input", M, lambda a: ag.baddbmm(a, M[None], M[None])),
            ("baddbmm", "batch1", M, lambda a: ag.baddbmm(M, a[None], M[None])),
            ("baddbmm", "batch2", M, lambda a: ag.baddbmm(M, M[None], a[None])),
            ("addr", "input", M, lambda a: ag.addr(a, X, Y)),
            ("addr", "vec1", X, lambda a: ag.addr(M, a, Y)),
            ("addr", "vec2", X, lambda a: ag.addr(M, Y, a)),
            ("addcmul", "input", X, lambda a: ag.addcmul(a, X, Y)),
            ("addcmul", "tensor1", X, lambda a: ag.addcmul(Y, a, X)),
            ("addcmul", "tensor2", X, lambda a: ag.addcmul(Y, X, a)),
            ("addcmul", "value", S, lambda a: ag.addcmul(Y, X, X, value=a)),
            ("addcdiv", "input", X, lambda a: ag.addcdiv(a, X, POS)),
            ("addcdiv", "tensor1", X, lambda a: ag.addcdiv(Y, a, POS)),
            ("addcdiv", "tensor2", POS, lambda a: ag.addcdiv(Y, X, a)),
            ("addcdiv", "value", S, lambda a: ag.addcdiv(Y, X, POS, value=a)),
        ]
    ],
]  # fmt: skip

REFUSED += [
    ("index_add", "alpha", S, lambda a: ag.index_add(M, 0, IDX, M, alpha=a)),
    ("unique_consecutive", "x", X, ag.unique_consecutive),
    ("trapezoid", "dx", S, lambda a: ag.trapezoid(Y, dx=a)),
    ("cumulative_trapezoid", "dx", S, lambda a: ag.cumulative_trapezoid(Y, dx=a)),
    ("quantile", "q", S, lambda a: ag.quantile(X, a * 0 + 0.5)),
    ("nanquantile", "q", S, lambda a: ag.nanquantile(X, a * 0 + 0.5)),
    ("cdist", "p", S, lambda a: ag.cdist(M, M, p=a * 0 + 2.0)),
    *[
        (name, which, S, lambda a, name=name, which=which, args=args: getattr(ag, name)(
            *args, **{which: a}))
        for name, args in [
            ("addmm", (X, M, M)), ("addmv", (X, M, Y)), ("addbmm", (M, M[None], M[None])),
            ("baddbmm", (M, M[None], M[None])), ("addr", (M, X, Y)),
        ]
        for which in ("beta", "alpha")
    ],
]  # fmt: skip

CONSTANT += [
    ("searchsorted", "sorted_sequence", X, lambda a: ag.searchsorted(a, Y), "integers"),
    ("searchsorted", "values", X, lambda a: ag.searchsorted(POS, a), "integers"),
    ("bucketize", "x", X, lambda a: ag.bucketize(a, POS), "integers"),
    ("bucketize", "boundaries", X, lambda a: ag.bucketize(Y, a), "integers"),
    ("count_nonzero", "x", X, ag.count_nonzero, "integers"),
    ("isin", "elements", X, lambda a: ag.isin(a, Y), "integers"),
    ("isin", "test_elements", X, lambda a: ag.isin(Y, a), "integers"),
    *[
        (
            name if name == "put" else f"Tensor.{name}",
            "x" if name == "put" else "self",
            value,
            call,
            "in place target",
        )
        for name, value, call in [
            ("scatter_add_", M, lambda a: a.scatter_add_(0, COLUMNS, M)),
            ("scatter_reduce_", M, lambda a: a.scatter_reduce_(0, COLUMNS, M, "sum")),
            ("index_add_", M, lambda a: a.index_add_(0, IDX, M)),
            ("index_copy_", M, lambda a: a.index_copy_(0, IDX, M)),
            ("index_fill_", M, lambda a: a.index_fill_(0, IDX, 1.0)),
            ("masked_scatter_", X, lambda a: a.masked_scatter_(MASK, Y)),
            ("put_", X, lambda a: a.put_(IDX, Y)),
            ("index_put_", X, lambda a: a.index_put_((IDX,), Y)),
            ("put", X, lambda a: ag.put(a, IDX, Y)),
        ]
    ],
]

# Parameters that name structure, never values: ints, bools, strings, dtypes, shapes, devices.
# An integer Tensor cannot require grad; a float Tensor given as an index is refused by NumPy's
# index conversion (Tensor.__index__), as the probe below shows for a few.
STRUCTURAL = {
    "axis", "axes", "axis1", "axis2", "dim", "dims", "dim0", "dim1", "start_dim", "end_dim",
    "keepdims", "keepdim", "dtype", "device", "requires_grad", "name", "generator", "shape",
    "size", "sizes", "source", "destination", "n", "m", "num", "num_samples", "replacement",
    "order", "kind", "stable", "descending", "largest", "sorted", "k", "chunks", "diagonal",
    "offset", "index", "indices", "mask", "split_size_or_sections", "reps", "repeats",
    "pad_width", "mode", "optimize", "subscripts", "density", "return_inverse",
    "return_counts", "as_tuple", "equal_nan", "memory_format", "reduce", "options", "kwargs",
    "unbiased", "spec", "func", "create_graph", "strict", "upper", "UPLO", "full_matrices",
}  # fmt: skip

# Not ops: their Tensor arguments are the graph to work on, not values in it (their results
# are gradients, checks, pictures, files, or modes; autograd.grad's grad_outputs is recorded
# under create_graph, tests/autograd/test_higher_order.py).
TOOLS = {
    "backward", "grad", "gradcheck", "gradgradcheck", "draw_graph", "trace", "trace_backward",
    "save", "load", "compile", "scope", "no_grad", "enable_grad", "detect_anomaly", "finfo",
    "iinfo", "inference_mode",
    "pytorch_meanings", "is_pytorch_meanings", "is_grad_enabled", "manual_seed",
    "get_generator", "get_num_threads", "set_num_threads", "get_default_device",
    "get_default_dtype", "set_default_device", "set_default_dtype", "set_printoptions",
    "check_device", "device", "Generator", "Function", "Node", "Graph", "GradcheckError",
    "Tensor", "from_numpy",  # ndarrays only
    "Tensor.backward",  # its gradient= is a value, not recorded (no create_graph), as PyTorch
    "jacobian", "hessian", "jvp", "hvp", "vhp",  # as vjp (below): recorded under create_graph
    # Tensor methods that return the tensor's own facts or hand it to Python or NumPy
    "Tensor.detach", "Tensor.detach_", "Tensor.retain_grad", "Tensor.requires_grad_",
    "Tensor.numpy", "Tensor.tolist", "Tensor.item", "Tensor.__float__", "Tensor.__int__",
    "Tensor.__index__", "Tensor.__bool__", "Tensor.__format__", "Tensor.__repr__",
    "Tensor.__iter__", "Tensor.__array__", "Tensor.__array_ufunc__",
    "Tensor.__array_function__",  # NumPy's dispatch: recorded or refused (numpy_protocol.py)
    "Tensor._get_grad", "Tensor._set_grad", "Tensor._make",
    "equal_whole", "Tensor.equal",  # PyTorch's torch.equal: one Python bool, no gradient
    "use_deterministic_algorithms", "set_grad_enabled",  # switches taking bools
}  # fmt: skip

# Arguments that take no Tensor value by design (explained once here).
NOT_VALUES = {
    ("randint", "low"): "integers",
    ("randint", "high"): "integers",
    ("randperm", "n"): "an integer",
    ("normal", "size"): "a shape",
    ("full", "shape"): "a shape",
    ("Tensor.new_full", "size"): "a shape",
    ("eye", "n"): "an integer",
    ("linspace", "num"): "an integer",
    ("Tensor.index_select", "index"): "integers",
    ("Tensor.scatter", "index"): "integers",
    ("Tensor.narrow", "start"): "an integer",
    ("repeat_interleave", "output_size"): "an integer",
    **{(f"Tensor.{name}_", "args"): "none: the op takes no operand" for name in UNARY_IN_PLACE},
    ("Tensor.narrow", "length"): "an integer",
    ("Tensor.reshape_as", "other"): "only its shape is read",
    ("Tensor.masked_select", "mask"): "booleans",
    ("histc", "bins"): "an integer",
    ("mvlgamma", "p"): "an integer",
    ("scatter_reduce", "include_self"): "a bool",
    ("torch_put", "accumulate"): "a bool",
    ("index_put", "accumulate"): "a bool",
    ("bincount", "x"): "non-negative integers",
    ("bincount", "minlength"): "an integer",
    ("searchsorted", "side"): "a string",
    ("searchsorted", "sorter"): "integers",
    ("searchsorted", "right"): "a bool",
    ("searchsorted", "out_int32"): "a bool",
    ("bucketize", "right"): "a bool",
    ("bucketize", "out_int32"): "a bool",
    ("isin", "assume_unique"): "a bool",
    ("isin", "invert"): "a bool",
    ("quantile", "interpolation"): "a string",
    ("quantile", "method"): "a string",
    ("nanquantile", "interpolation"): "a string",
    ("nanquantile", "method"): "a string",
    ("cdist", "compute_mode"): "a string (PyTorch's algorithm choice, ignored)",
    ("Tensor.unfold", "dimension"): "an integer",
    ("Tensor.unfold", "step"): "an integer",
    **{(f"Tensor.{name}", "self"): "the tensor written (audited above as an in-place target)"
       for name in ("scatter_add_", "scatter_reduce_", "index_add_", "index_copy_",
                    "index_fill_", "masked_scatter_", "put_", "index_put_")},
    # PyTorch's legacy constructors: one LegacyTensor.__new__, audited as DoubleTensor above
    **{
        (f"{kind}Tensor", "args"): "as DoubleTensor (a tensor of another dtype raises)"
        for kind in ("Bool", "Byte", "Char", "Short", "Int", "Long", "Half", "Float")
    },
    ("pad", "kwargs"): "constant_values (refused above) and reflect_type (a string)",
    ("to", "options"): "copy= and non_blocking= (bools)",
    **{(f"Tensor.new_{kind}", "_"): "PyTorch's layout= and pin_memory=" for kind in
       ("zeros", "ones", "empty")},
    **{(name, "inputs"): "the point the derivatives are taken at (recorded with create_graph)"
       for name in ("vjp",)},
    # Integers and bools only: a float Tensor (the only kind that requires grad) raises.
    **{(name, arg): "integers and bools only" for name, arg in [
        ("invert", "a"), ("bitwise_and", "a"), ("bitwise_and", "b"), ("bitwise_or", "a"),
        ("bitwise_or", "b"), ("bitwise_xor", "a"), ("bitwise_xor", "b")]},
}  # fmt: skip


@pytest.mark.parametrize("name, cast", CASTS, ids=[c[0] for c in CASTS])
def test_casts_record_their_input(name, cast):
    leaf = _leaf(X)
    cast(leaf).sum().backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), np.ones(3))


MESSAGE_NAMES = {  # the names users know them by
    "tensor_norm": "norm",
    "_pytorch_norm": "norm",
    "std_corrected": "std",
    "Tensor.__setitem__": "item assignment",
    "Tensor.__iadd__": "in-place +=",
    "Tensor.__isub__": "in-place -=",
    "Tensor.__imul__": "in-place *=",
    "Tensor.__itruediv__": "in-place /=",
}


def _leaf(value):
    return ag.tensor(value.numpy().copy(), requires_grad=True)


def _outputs(result):
    if isinstance(result, tuple):
        return [o for part in result for o in _outputs(part)]
    return [result]


@pytest.mark.parametrize(
    "name, argument, value, call", RECORDED, ids=[f"{c[0]}-{c[1]}" for c in RECORDED]
)
def test_tensor_argument_requiring_grad_gets_its_true_gradient(name, argument, value, call):
    leaf = _leaf(value)
    call(leaf).sum().backward()
    assert leaf.grad is not None, f"{name}: {argument} was dropped from the graph"
    assert ag.gradcheck(call, [_leaf(value)])


@pytest.mark.parametrize(
    "name, argument, value, call", REFUSED, ids=[f"{c[0]}-{c[1]}" for c in REFUSED]
)
def test_tensor_argument_that_is_not_differentiated_refuses_grad(name, argument, value, call):
    bare = MESSAGE_NAMES.get(name, name.removeprefix("Tensor."))
    bare, argument = re.escape(bare), argument.split()[0]
    with pytest.raises(RuntimeError, match=f"^{bare}: not differentiable .* '{argument}'"):
        call(_leaf(value))
    call(value)  # the same value as a constant works
    with ag.no_grad():
        call(_leaf(value))  # and so does one that requires grad where nothing is recorded


@pytest.mark.parametrize(
    "name, argument, value, call, why", CONSTANT, ids=[f"{c[0]}-{c[1]}" for c in CONSTANT]
)
def test_tensor_argument_that_cannot_carry_a_gradient_is_a_constant(
    name, argument, value, call, why
):
    if why == "in place target":  # refused while it requires grad, written under no_grad
        with pytest.raises(RuntimeError, match="requires grad"):
            call(_leaf(value))
        with ag.no_grad():
            call(_leaf(value))
        return
    leaf = _leaf(value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call(leaf)
    assert [w for w in caught if "cut from the graph" in str(w.message)] or why != "copy"
    for out in _outputs(result):
        assert not getattr(out, "requires_grad", False), f"{name}: {argument} gave a graph"
        if why == "integers":
            kind = np.asarray(out.numpy() if isinstance(out, ag.Tensor) else out).dtype.kind
            assert kind in "biu", f"{name}: {argument} gave {kind} values"
    if why == "shape":  # other values of the same shape: the same result
        moved = _leaf(value * 2 + 1)
        for a, b in zip(_outputs(call(moved)), _outputs(result)):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_in_place_target_refusal_is_what_the_constant_cases_rely_on():
    with pytest.raises(RuntimeError, match="requires grad"):
        _leaf(X).add_(1.0)
    with ag.no_grad():
        assert _leaf(X).add_(1.0).requires_grad  # the idiom p -= lr * g, under no_grad


def test_float_tensor_as_a_structural_argument_is_refused():
    s = ag.tensor(1.0, requires_grad=True)
    for call in (
        lambda: ag.bitwise_and(s, MASK),
        lambda: ag.invert(s),
        lambda: ag.sum(X, axis=s),
        lambda: ag.take(X, s),
        lambda: X.narrow(0, s, 1),
        lambda: ag.eye(s),
        lambda: ag.repeat(X, s),
    ):
        with pytest.raises((TypeError, ValueError, IndexError)):
            call()


def _torch_style(entry):
    # The function a call spelled the PyTorch way runs (registry.either_spelling), if another.
    try:
        found = inspect.getclosurevars(entry.function).nonlocals
    except TypeError:
        return None
    torch_style = found.get("torch_style")
    return None if torch_style is found.get("numpy_style") else torch_style


TORCH_STYLE = {f.__name__: f for f in filter(None, map(_torch_style, ENTRIES.values()))}


def _callables():
    """(audit name, function, parameter names) for everything public that takes arguments."""
    method_names = set()
    for entry in ENTRIES.values():
        method_names |= {entry.method, *entry.aliases} - {None}
        if entry.operator:
            method_names |= set(OPERATORS[entry.operator]) - {None}
    found = []
    for entry in ENTRIES.values():
        found.append((entry.name, entry.function, entry.cls))
        torch_style = _torch_style(entry)
        if torch_style is not None:
            found.append((torch_style.__name__, torch_style, None))
    declared = set(ag._ops_exported)
    for name in ag.__all__:
        value = getattr(ag, name)
        if name not in declared and callable(value) and not isinstance(value, np.dtype):
            found.append((name, value, None))
    for name in dir(ag.functional):
        value = getattr(ag.functional, name)
        public = not name.startswith("_") and callable(value)
        if public and getattr(value, "__module__", "") == "autograd.functional":
            found.append((name, value, None))
    for name in dir(ag.Tensor):
        static = inspect.getattr_static(ag.Tensor, name)
        if name in method_names or isinstance(static, property) or not callable(static):
            continue
        if name.startswith("__") and name in vars(object):
            continue  # object's own (__eq__ and the like are ops, declared above)
        found.append((f"Tensor.{name}", getattr(ag.Tensor, name), None))
    return found


def _parameters(function):
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return []


def test_every_argument_is_audited():
    cases = RECORDED + REFUSED + CONSTANT + [(name, "x") for name, _ in CASTS]
    audited = {(c[0], c[1].split()[0]) for c in cases} | set(NOT_VALUES)
    missing = []
    for name, function, cls in _callables():
        if name in TOOLS:
            continue
        parameters = _parameters(function)
        if cls is not None:  # a Function class: every positional input is linked by apply
            forward = list(inspect.signature(cls.forward).parameters.values())[1:]
            options = [p.name for p in forward if p.default is not p.empty]
            missing += [(name, o) for o in options if o not in STRUCTURAL]
            continue
        for parameter in parameters:
            if parameter in STRUCTURAL and (name, parameter) not in audited:
                continue
            if (name, parameter) not in audited:
                missing.append((name, parameter))
    assert missing == []


def test_the_audit_names_only_real_functions_and_arguments():
    functions = {name: function for name, function, _ in _callables()}
    known = {name: _parameters(function) for name, function in functions.items()}
    for name, argument, *_ in RECORDED + REFUSED + CONSTANT:
        assert name in known, name
        bare = argument.split()[0]
        keywords = any(
            p.kind is p.VAR_KEYWORD for p in inspect.signature(functions[name]).parameters.values()
        )
        assert bare in known[name] or bare == "self" or keywords, (name, argument)


def _torch_cases(torch):
    def d(t):
        return torch.tensor(t.numpy())

    def setitem(buf, a):
        buf[0] = a
        return buf

    idx = torch.tensor(IDX.numpy())
    mask = torch.tensor(MASK.numpy())
    return [
        (
            lambda a: _buf().scatter(0, IDX, a),
            lambda a: torch.zeros(3).double().scatter(0, idx, a),
            X,
        ),
        (lambda a: ag.masked_fill(X, MASK, a), lambda a: d(X).masked_fill(mask, a), S),
        (lambda a: _setitem(a, True), lambda a: setitem(torch.zeros(3).double() + 1, a), S),
        (
            lambda a: _inplace("add_", a, 2.0),
            lambda a: (torch.zeros(3).double() + 1).add_(a, alpha=2.0),
            X,
        ),
        (lambda a: _inplace("__imul__", a), lambda a: (torch.zeros(3).double() + 1).mul_(a), X),
        (lambda a: ag.clip(Y, a_min=a), lambda a: d(Y).clamp(min=a), X),
    ]


def test_recorded_arguments_get_torchs_gradients():
    torch = pytest.importorskip("torch")
    weights = RNG.standard_normal(3)
    for ours, theirs, value in _torch_cases(torch):
        leaf = _leaf(value)
        (ours(leaf) * ag.tensor(weights[: ours(leaf).shape[-1]])).sum().backward()
        other = torch.tensor(value.numpy().copy(), requires_grad=True)
        out = theirs(other)
        (out * torch.tensor(weights[: out.shape[-1]])).sum().backward()
        np.testing.assert_allclose(leaf.grad.numpy(), other.grad.numpy(), atol=1e-12)


def test_weighted_histogram_has_numpys_values():
    weight = _leaf(POS)
    for density in (False, True):
        hist, edges = ag.histogram(SAMPLE, 3, weight=ag.tensor(np.ones(5)) * 0 + 1, density=density)
        expected = np.histogram(SAMPLE.numpy(), 3, density=density)
        np.testing.assert_allclose(hist.numpy(), expected[0])
        np.testing.assert_allclose(edges.numpy(), expected[1])
    hist = ag.histogram(SAMPLE[:3], 2, weight=weight).hist
    np.testing.assert_allclose(
        hist.numpy(), np.histogram(SAMPLE[:3].numpy(), 2, weights=POS.numpy())[0]
    )
