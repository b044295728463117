"""A differential fuzzer: random expression graphs run in backproplab and in PyTorch (float64).

Each case draws (with hypothesis) one to three leaf tensors of random shapes -- ranks 0 to 4,
sizes 0 to 3, so empty and size-1 axes are common -- and then 2 to 8 ops, each applied to an
existing node (inputs are reused freely) plus whatever fresh leaves or constants it needs
(broadcasting partners, weights, targets). Every op of every family in ``autograd.ops`` and every
``nn.functional`` function is in the table, axis arguments are spelled the NumPy way
(``axis=``, ``keepdims=``) or the PyTorch way (``dim=``, ``keepdim=``) at random.

The same graph is built in both libraries, and compared:

- the values of every node;
- first derivatives: d(sum(w * out))/d(leaf) for a fixed random w;
- second derivatives: the Hessian-vector product d(sum_leaf v_leaf . grad_leaf)/d(leaf).

Both libraries raising on the same op counts as agreement (that op is skipped); one raising
alone, or any value or derivative differing beyond float64 rounding, is a mismatch, reported with
the whole graph so it can be replayed. ``KNOWN`` lists the documented divergences (backproplab
raising a clear error where PyTorch returns NaN with a warning), which are counted, not failed.

Profiles: ``check(cases)`` runs from the test suite (a bounded number of cases) and from
``python -m tests.differential.fuzzer --cases N`` (``make fuzz``), which prints the counts.
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd as ag
import nn.functional as F

TF = torch.nn.functional
RTOL, ATOL = 1e-7, 1e-9


class DoesNotFitError(Exception):
    """The op cannot apply to the drawn node (shapes, dtypes): draw another."""


@dataclass
class Node:
    ours: Any
    theirs: Any
    label: str

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.theirs.shape)


@dataclass
class Graph:
    """The graph being built: leaves (both libraries' versions) and a readable program."""

    draw: Any
    leaves: list[Node] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(0))

    def values(self, shape: tuple[int, ...], kind: str = "normal") -> np.ndarray:
        seed = self.draw(st.integers(0, 2**32 - 1))
        rng = np.random.default_rng(seed)
        if kind == "unit":
            return rng.uniform(0.05, 0.95, shape)
        if kind == "positive":
            return rng.uniform(0.5, 2.0, shape)
        # Normal values, with a chance of exact repeats (ties) and of exact zeros.
        data = rng.standard_normal(shape)
        if data.size and self.draw(st.booleans()):
            data = np.round(data * 2) / 2
        return data

    def leaf(self, shape: tuple[int, ...], kind: str = "normal", grad: bool = True) -> Node:
        data = self.values(shape, kind)
        ours = ag.tensor(data, requires_grad=grad)
        theirs = torch.tensor(data, requires_grad=grad)
        node = Node(ours, theirs, f"leaf{len(self.leaves)}")
        self.lines.append(f"{node.label} = {kind} {shape}{'' if grad else ' (constant)'}")
        if grad:
            self.leaves.append(node)
        return node

    def const_int(self, shape: tuple[int, ...], high: int) -> tuple[np.ndarray, Any]:
        seed = self.draw(st.integers(0, 2**32 - 1))
        data = np.random.default_rng(seed).integers(0, max(high, 1), shape)
        return data, torch.tensor(data)

    def shape(self, rank: int | None = None, low: int = 0) -> tuple[int, ...]:
        if rank is None:
            rank = self.draw(st.integers(0, 3))
        return tuple(self.draw(st.lists(st.integers(low, 3), min_size=rank, max_size=rank)))

    def pick(self, options: Any) -> Any:
        return self.draw(st.sampled_from(list(options)))

    def flag(self) -> bool:
        return self.draw(st.booleans())

    def partner(self, shape: tuple[int, ...]) -> Node:
        """A fresh leaf whose shape broadcasts with ``shape`` (fewer axes, or 1s)."""
        drop = self.draw(st.integers(0, len(shape)))
        kept = [1 if self.flag() else s for s in shape[drop:]]
        return self.leaf(tuple(kept))

    def axis(self, ndim: int) -> int:
        if ndim == 0:
            raise DoesNotFitError
        return self.draw(st.integers(-ndim, ndim - 1))


def reduce_kwargs(g: Graph, ndim: int, allow_none: bool = True, multi: bool = True):
    """Axis arguments for a reduction, spelled the NumPy or the PyTorch way; returns
    (our kwargs, torch kwargs, description)."""
    keep = g.flag()
    if allow_none and (ndim == 0 or g.flag()):
        axis: Any = None
    elif multi and ndim > 1 and g.flag():
        axis = tuple(sorted(g.draw(st.sets(st.integers(0, ndim - 1), min_size=1, max_size=ndim))))
    else:
        axis = g.axis(ndim)
    torch_spelling = g.flag()
    ours = {"dim": axis, "keepdim": keep} if torch_spelling else {"axis": axis, "keepdims": keep}
    if axis is not None:
        theirs = {"dim": axis, "keepdim": keep}
    elif keep and ndim:
        theirs = {"dim": tuple(range(ndim)), "keepdim": True}
    else:
        theirs = {}  # torch's own spelling of "over everything"
    return ours, theirs, str(ours)


# ----------------------------------------------------------------------------------------------
# The op table: name -> (family, builder). A builder takes the graph and one input node and
# returns (ours, theirs, text) for the new node, or raises DoesNotFitError.

OPS: dict[str, tuple[str, Callable[[Graph, Node], tuple[Any, Any, str]]]] = {}


def op(name: str, family: str):
    def register(builder):
        OPS[name] = (family, builder)
        return builder

    return register


def _unary(name, family, ours, theirs, domain=None):
    """An elementwise op; ``domain`` maps the input into the op's domain first (both sides)."""

    def builder(g, x):
        a, b = x.ours, x.theirs
        if domain == "positive":
            a, b = a * a + 0.5, b * b + 0.5
        elif domain == "unit":
            a, b = ag.tanh(a) * 0.9, torch.tanh(b) * 0.9
        elif domain == "above_one":
            a, b = a * a + 1.1, b * b + 1.1
        return (lambda: ours(a)), (lambda: theirs(b)), f"{name}({x.label})"

    OPS[name] = (family, builder)


for _name, _o, _t, _d in [
    ("neg", lambda a: -a, lambda b: -b, None),
    ("exp", lambda a: ag.exp(a), torch.exp, None),
    ("expm1", np.expm1, torch.expm1, None),
    ("exp2", ag.exp2, torch.exp2, None),
    ("log", np.log, torch.log, "positive"),
    ("log1p", ag.log1p, torch.log1p, "positive"),
    ("log2", ag.log2, torch.log2, "positive"),
    ("log10", ag.log10, torch.log10, "positive"),
    ("sqrt", lambda a: a.sqrt(), torch.sqrt, "positive"),
    ("cbrt", ag.cbrt, lambda b: torch.sign(b) * b.abs() ** (1 / 3), "positive"),
    ("square", ag.square, torch.square, None),
    ("reciprocal", ag.reciprocal, torch.reciprocal, "positive"),
    ("sin", np.sin, torch.sin, None),
    ("cos", ag.cos, torch.cos, None),
    ("tan", ag.tan, torch.tan, "unit"),
    ("arcsin", ag.arcsin, torch.asin, "unit"),
    ("arccos", ag.arccos, torch.acos, "unit"),
    ("arctan", ag.arctan, torch.atan, None),
    ("deg2rad", ag.deg2rad, torch.deg2rad, None),
    ("rad2deg", ag.rad2deg, torch.rad2deg, None),
    ("sinh", ag.sinh, torch.sinh, None),
    ("cosh", ag.cosh, torch.cosh, None),
    ("tanh", lambda a: a.tanh(), torch.tanh, None),
    ("arcsinh", ag.arcsinh, torch.asinh, None),
    ("arccosh", ag.arccosh, torch.acosh, "above_one"),
    ("arctanh", ag.arctanh, torch.atanh, "unit"),
    ("abs", abs, torch.abs, None),
    ("fabs", np.fabs, torch.abs, None),
    ("relu", lambda a: a.relu(), torch.relu, None),
    ("sigmoid", lambda a: a.sigmoid(), torch.sigmoid, None),
]:
    _family = {
        "neg": "arithmetic",
        "square": "powers",
        "sqrt": "powers",
        "cbrt": "powers",
        "reciprocal": "powers",
        "abs": "piecewise",
        "fabs": "piecewise",
        "relu": "piecewise",
        "sigmoid": "exponential",
    }.get(_name)
    if _family is None:
        _family = (
            "trigonometric"
            if _name in ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "deg2rad", "rad2deg")
            else "hyperbolic"
            if _name.startswith(("sinh", "cosh", "tanh", "arcs", "arcc", "arct"))
            else "exponential"
        )
    _unary(_name, _family, _o, _t, _d)


def _binary(name, family, ours, theirs, domain=None):
    def builder(g, x):
        y = g.partner(x.shape) if g.flag() or len(g.nodes) < 2 else g.pick(g.nodes)
        try:
            np.broadcast_shapes(x.shape, y.shape)
        except ValueError:
            y = g.partner(x.shape)
        a, b, c, d = x.ours, x.theirs, y.ours, y.theirs
        if domain == "positive_base":
            a, b = a * a + 0.5, b * b + 0.5
        elif domain == "nonzero":
            c, d = c * c + 0.5, d * d + 0.5
        swap = g.flag() and domain is None
        if swap:
            a, b, c, d = c, d, a, b
        first, second = (y.label, x.label) if swap else (x.label, y.label)
        return (lambda: ours(a, c)), (lambda: theirs(b, d)), f"{name}({first}, {second})"

    OPS[name] = (family, builder)


for _name, _fam, _o, _t, _d in [
    ("add", "arithmetic", lambda a, b: a + b, torch.add, None),
    ("subtract", "arithmetic", np.subtract, torch.sub, None),
    ("multiply", "arithmetic", lambda a, b: a * b, torch.mul, None),
    ("divide", "arithmetic", lambda a, b: a / b, torch.div, "nonzero"),
    ("power", "arithmetic", lambda a, b: a**b, torch.pow, "positive_base"),
    ("float_power", "powers", ag.float_power, torch.float_power, "positive_base"),
    ("maximum", "piecewise", ag.maximum, torch.maximum, None),
    ("minimum", "piecewise", np.minimum, torch.minimum, None),
    ("fmax", "piecewise", ag.fmax, torch.fmax, None),
    ("fmin", "piecewise", ag.fmin, torch.fmin, None),
    ("copysign", "piecewise", ag.copysign, torch.copysign, None),
    # (Kept off the origin, where the second derivative is undefined: PyTorch gives NaN there
    # and backproplab 0; the first derivative, 0 in both, has its own test.)
    ("arctan2", "trigonometric", ag.arctan2, torch.atan2, "nonzero"),
    ("hypot", "trigonometric", ag.hypot, torch.hypot, None),
    ("logaddexp", "exponential", ag.logaddexp, torch.logaddexp, None),
    ("logaddexp2", "exponential", ag.logaddexp2, torch.logaddexp2, None),
]:
    _binary(_name, _fam, _o, _t, _d)


@op("where", "piecewise")
def _where(g, x):
    y = g.partner(x.shape)
    cond = g.values(np.broadcast_shapes(x.shape, y.shape)) > 0
    return (
        (lambda: ag.where(cond, x.ours, y.ours)),
        (lambda: torch.where(torch.tensor(cond), x.theirs, y.theirs)),
        f"where(cond, {x.label}, {y.label})",
    )


@op("clip", "piecewise")
def _clip(g, x):
    lo = float(g.pick([-1.0, -0.5, 0.0]))
    hi = float(g.pick([0.0, 0.5, 1.0]))
    if g.flag():  # Tensor bounds that require grad
        low, high = g.partner(x.shape), g.partner(x.shape)
        return (
            (lambda: ag.clip(x.ours, low.ours, high.ours)),
            (lambda: torch.clamp(x.theirs, low.theirs, high.theirs)),
            f"clip({x.label}, {low.label}, {high.label})",
        )
    spelled = g.pick(["clip", "clamp_min", "clamp"])
    if spelled == "clip":
        return (
            (lambda: np.clip(x.ours, lo, hi)),
            (lambda: torch.clamp(x.theirs, lo, hi)),
            f"clip({lo}, {hi})",
        )
    if spelled == "clamp_min":
        return (
            (lambda: x.ours.clamp(min=lo)),
            (lambda: torch.clamp(x.theirs, min=lo)),
            f"clamp(min={lo})",
        )
    return (lambda: x.ours.clamp(lo, hi)), (lambda: x.theirs.clamp(lo, hi)), f"clamp({lo}, {hi})"


# ----- reductions -------------------------------------------------------------------------------


def _reduction(name, ours_fn, torch_fn, need_values=False, allow_none=True, multi=True):
    def builder(g, x):
        if need_values and 0 in x.shape:
            raise DoesNotFitError
        ours_kw, theirs_kw, text = reduce_kwargs(g, len(x.shape), allow_none, multi)
        return (
            (lambda: ours_fn(x.ours, ours_kw)),
            (lambda: torch_fn(x.theirs, theirs_kw)),
            f"{name}({text})",
        )

    OPS[name] = ("reductions", builder)


_reduction("sum", lambda a, k: a.sum(**k), lambda b, k: b.sum(**k))
_reduction("mean", lambda a, k: np.mean(a, **_numpy(k)), lambda b, k: b.mean(**k))
_reduction("amax", lambda a, k: np.max(a, **_numpy(k)), lambda b, k: b.amax(**_all(b, k)), True)
_reduction("amin", lambda a, k: a.min(**_numpy(k)), lambda b, k: b.amin(**_all(b, k)), True)
_reduction(
    "logsumexp",
    lambda a, k: ag.logsumexp(a, **_numpy(k)),
    lambda b, k: torch.logsumexp(b, **_all(b, k)),
)
_reduction("prod", lambda a, k: a.prod(**_one_axis(k)), lambda b, k: _torch_prod(b, k), multi=False)
_reduction("var", lambda a, k: np.var(a, **_numpy(k)), lambda b, k: b.var(correction=0, **k), True)
_reduction(
    "std_corrected",
    lambda a, k: a.std(correction=1, **_torchy(k)),
    lambda b, k: b.std(correction=1, **k),
    True,
)
_reduction(
    "norm", lambda a, k: ag.norm(a, **_numpy(k)), lambda b, k: torch.linalg.vector_norm(b, **k)
)


def _numpy(k):
    return {"axis": k.get("axis", k.get("dim")), "keepdims": k.get("keepdims", k.get("keepdim"))}


def _torchy(k):
    return {"dim": k.get("axis", k.get("dim")), "keepdim": k.get("keepdims", k.get("keepdim"))}


def _one_axis(k):
    k = _numpy(k)
    return k


def _all(b, k):
    """torch kwargs that name the dims even for "all of them" (amax, logsumexp require it)."""
    if "dim" in k:
        return k
    return {**k, "dim": tuple(range(b.ndim))} if b.ndim else {"dim": 0}


def _torch_prod(b, k):
    dim = k.get("dim")
    if dim is None or isinstance(dim, tuple):
        out = b.prod()
        return out.reshape((1,) * b.ndim) if k.get("keepdim") else out
    return b.prod(dim=dim, keepdim=k["keepdim"])


@op("max_dim", "reductions")
def _max_dim(g, x):
    if not x.shape or 0 in x.shape:
        raise DoesNotFitError
    axis, keep = g.axis(len(x.shape)), g.flag()
    which = g.pick(["max", "min"])
    return (
        (lambda: getattr(x.ours, which)(dim=axis, keepdim=keep)),
        (lambda: getattr(x.theirs, which)(dim=axis, keepdim=keep)),
        f"{which}(dim={axis}, keepdim={keep})",
    )


@op("cumsum", "cumulative")
def _cumsum(g, x):
    axis = g.axis(len(x.shape))
    which = g.pick(["cumsum", "cumprod"])
    spelled = {"dim": axis} if g.flag() else {"axis": axis}
    return (
        (lambda: getattr(ag, which)(x.ours, **spelled)),
        (lambda: getattr(torch, which)(x.theirs, dim=axis)),
        f"{which}({spelled})",
    )


@op("diff", "cumulative")
def _diff(g, x):
    axis = g.axis(len(x.shape))
    return (
        (lambda: ag.diff(x.ours, axis=axis)),
        (lambda: torch.diff(x.theirs, dim=axis)),
        f"diff(axis={axis})",
    )


# ----- shapes, joining, tiling, reordering, indexing ---------------------------------------------


@op("reshape", "shape")
def _reshape(g, x):
    size = math.prod(x.shape)
    shapes = [(size,), (1, size), (size, 1)]
    if size and size % 2 == 0:
        shapes.append((2, size // 2))
    shape = g.pick(shapes)
    spelled = g.pick(["reshape", "view"])
    return (
        (lambda: getattr(x.ours, spelled)(*shape)),
        (lambda: x.theirs.reshape(shape)),
        f"{spelled}{shape}",
    )


@op("transpose", "shape")
def _transpose(g, x):
    n = len(x.shape)
    perm = tuple(g.draw(st.permutations(range(n))))
    if g.flag():
        return (
            (lambda: np.transpose(x.ours, perm)),
            (lambda: x.theirs.permute(perm)),
            f"transpose{perm}",
        )
    return (lambda: x.ours.permute(*perm)), (lambda: x.theirs.permute(perm)), f"permute{perm}"


@op("swapaxes", "shape")
def _swapaxes(g, x):
    n = len(x.shape)
    if n < 2:
        raise DoesNotFitError
    a, b = g.axis(n), g.axis(n)
    return (lambda: x.ours.swapaxes(a, b)), (lambda: x.theirs.swapaxes(a, b)), f"swapaxes({a}, {b})"


@op("squeeze_unsqueeze", "shape")
def _squeeze(g, x):
    n = len(x.shape)
    if g.flag():
        axis = g.draw(st.integers(-n - 1, n))
        spelled = g.pick(["unsqueeze", "expand_dims"])
        if spelled == "unsqueeze":
            return (lambda: x.ours.unsqueeze(axis)), (lambda: x.theirs.unsqueeze(axis)), spelled
        return (lambda: ag.expand_dims(x.ours, axis)), (lambda: x.theirs.unsqueeze(axis)), spelled
    ones = [i for i, s in enumerate(x.shape) if s == 1]
    if not ones:
        return (lambda: x.ours.squeeze()), (lambda: x.theirs.squeeze()), "squeeze()"
    axis = g.pick(ones)
    return (lambda: x.ours.squeeze(axis)), (lambda: x.theirs.squeeze(axis)), f"squeeze({axis})"


@op("flatten", "shape")
def _flatten(g, x):
    which = g.pick(["flatten", "ravel"])
    return (lambda: getattr(x.ours, which)()), (lambda: x.theirs.flatten()), f"{which}()"


@op("broadcast_to", "shape")
def _broadcast_to(g, x):
    shape = (g.draw(st.integers(0, 2)), *x.shape)
    return (
        (lambda: ag.broadcast_to(x.ours, shape)),
        (lambda: x.theirs.broadcast_to(shape)),
        f"broadcast_to{shape}",
    )


@op("moveaxis", "shape")
def _moveaxis(g, x):
    n = len(x.shape)
    a, b = g.axis(n), g.axis(n)
    return (
        (lambda: ag.moveaxis(x.ours, a, b)),
        (lambda: torch.movedim(x.theirs, a, b)),
        f"moveaxis({a}, {b})",
    )


@op("concatenate", "joining")
def _concatenate(g, x):
    n = len(x.shape)
    axis = g.axis(n)
    other_shape = list(x.shape)
    other_shape[axis] = g.draw(st.integers(0, 2))
    y = g.pick([x, g.leaf(tuple(other_shape))]) if g.flag() else g.leaf(tuple(other_shape))
    if g.flag():
        ours = lambda: ag.concatenate([x.ours, y.ours], axis=axis)  # noqa: E731
    else:
        ours = lambda: ag.cat([x.ours, y.ours], dim=axis)  # noqa: E731
    return ours, (lambda: torch.cat([x.theirs, y.theirs], dim=axis)), f"concatenate({axis})"


@op("stack", "joining")
def _stack(g, x):
    axis = g.draw(st.integers(-len(x.shape) - 1, len(x.shape)))
    y = x if g.flag() else g.leaf(x.shape)
    return (
        (lambda: ag.stack([x.ours, y.ours], axis=axis)),
        (lambda: torch.stack([x.theirs, y.theirs], dim=axis)),
        f"stack([{x.label}, {y.label}], {axis})",
    )


@op("tile", "tiling")
def _tile(g, x):
    reps = tuple(g.draw(st.lists(st.integers(1, 2), min_size=1, max_size=3)))
    return (lambda: ag.tile(x.ours, reps)), (lambda: torch.tile(x.theirs, reps)), f"tile({reps})"


@op("repeat", "tiling")
def _repeat(g, x):
    axis = g.axis(len(x.shape))
    times = g.draw(st.integers(0, 2))
    return (
        (lambda: ag.repeat(x.ours, times, axis=axis)),
        (lambda: torch.repeat_interleave(x.theirs, times, dim=axis)),
        f"repeat({times}, axis={axis})",
    )


@op("pad", "tiling")
def _pad(g, x):
    if not x.shape:
        raise DoesNotFitError
    before, after = g.draw(st.integers(0, 2)), g.draw(st.integers(0, 2))
    width = [(0, 0)] * (len(x.shape) - 1) + [(before, after)]
    return (
        (lambda: ag.pad(x.ours, width)),
        (lambda: TF.pad(x.theirs, (before, after))),
        f"pad(last, {before}, {after})",
    )


@op("flip", "reorder")
def _flip(g, x):
    axis = g.axis(len(x.shape))
    return (
        (lambda: ag.flip(x.ours, axis=axis)),
        (lambda: torch.flip(x.theirs, (axis,))),
        f"flip({axis})",
    )


@op("roll", "reorder")
def _roll(g, x):
    axis = g.axis(len(x.shape))
    shift = g.draw(st.integers(-3, 3))
    return (
        (lambda: ag.roll(x.ours, shift, axis=axis)),
        (lambda: torch.roll(x.theirs, shift, dims=axis)),
        f"roll({shift}, {axis})",
    )


@op("sort", "reorder")
def _sort(g, x):
    axis = g.axis(len(x.shape))
    # Ties: both libraries give each output the gradient of the element it came from, but may
    # order equal elements differently, so the input is made tie-free first.
    a = x.ours + ag.tensor(_ramp(x.shape))
    b = x.theirs + torch.tensor(_ramp(x.shape))
    return (
        (lambda: ag.sort(a, axis=axis)),
        (lambda: torch.sort(b, dim=axis, stable=True).values),
        f"sort({axis})",
    )


def _ramp(shape):
    return np.arange(math.prod(shape), dtype=np.float64).reshape(shape) * 1e-3


@op("getitem", "indexing")
def _getitem(g, x):
    if not x.shape:
        raise DoesNotFitError
    n = x.shape[0]
    kind = g.pick(["slice", "int", "array", "mask", "empty_list", "ellipsis"])
    if kind == "slice":
        index: Any = slice(g.draw(st.integers(-3, 3)), g.draw(st.integers(-3, 3)))
    elif kind == "int":
        if not n:
            raise DoesNotFitError
        index = g.draw(st.integers(-n, n - 1))
    elif kind == "array":
        index = np.array(g.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=4))) if n else []
        index = np.asarray(index, dtype=np.int64)
    elif kind == "mask":
        index = g.values((n,)) > 0
    elif kind == "empty_list":
        return (lambda: x.ours[[]]), (lambda: x.theirs[[]]), "[[]]"
    else:
        return (lambda: x.ours[..., :1]), (lambda: x.theirs[..., :1]), "[..., :1]"
    theirs_index = torch.tensor(index) if isinstance(index, np.ndarray) else index
    return (lambda: x.ours[index]), (lambda: x.theirs[theirs_index]), f"[{index!r}]"


@op("take_along_axis", "indexing")
def _take_along_axis(g, x):
    if not x.shape:
        raise DoesNotFitError
    axis = g.axis(len(x.shape))
    if x.shape[axis] == 0:
        raise DoesNotFitError
    data, index = g.const_int(x.shape, x.shape[axis])
    return (
        (lambda: ag.take_along_axis(x.ours, data, axis=axis)),
        (lambda: torch.take_along_dim(x.theirs, index, dim=axis)),
        f"take_along_axis({axis})",
    )


@op("diagonal", "indexing")
def _diagonal(g, x):
    if len(x.shape) < 2:
        raise DoesNotFitError
    offset = g.draw(st.integers(-1, 1))
    which = g.pick(["diagonal", "trace"])
    if which == "trace":
        if len(x.shape) != 2:
            raise DoesNotFitError
        return (
            (lambda: ag.matrix_trace(x.ours, offset)),
            (lambda: torch.diagonal(x.theirs, offset).sum()),
            "trace",
        )
    return (
        (lambda: ag.diagonal(x.ours, offset)),
        (lambda: torch.diagonal(x.theirs, offset)),
        f"diagonal({offset})",
    )


# ----- contractions ------------------------------------------------------------------------------


@op("matmul", "linalg")
def _matmul(g, x):
    if not x.shape:
        raise DoesNotFitError
    k = x.shape[-1]
    w = g.leaf(g.pick([(k,), (k, g.draw(st.integers(0, 3)))]))
    left = g.flag() and len(x.shape) >= 1
    if left:
        return (lambda: x.ours @ w.ours), (lambda: x.theirs @ w.theirs), f"{x.label} @ {w.label}"
    return (
        (lambda: ag.matmul(x.ours, w.ours)),
        (lambda: torch.matmul(x.theirs, w.theirs)),
        f"matmul({w.label})",
    )


@op("dot", "linalg")
def _dot(g, x):
    if len(x.shape) != 1:
        raise DoesNotFitError
    y = x if g.flag() else g.leaf(x.shape)
    return (
        (lambda: ag.dot(x.ours, y.ours)),
        (lambda: torch.dot(x.theirs, y.theirs)),
        f"dot({y.label})",
    )


@op("tensordot", "linalg")
def _tensordot(g, x):
    n = len(x.shape)
    count = g.draw(st.integers(0, min(n, 2)))
    w = g.leaf(x.shape[n - count :] + g.shape(1))
    return (
        (lambda: ag.tensordot(x.ours, w.ours, axes=count)),
        (lambda: torch.tensordot(x.theirs, w.theirs, dims=count)),
        f"tensordot({w.label}, {count})",
    )


@op("outer", "linalg")
def _outer(g, x):
    y = g.leaf(g.shape(1))
    return (
        (lambda: ag.outer(x.ours, y.ours)),
        (lambda: torch.outer(x.theirs.flatten(), y.theirs)),
        f"outer({y.label})",
    )


@op("einsum", "contractions")
def _einsum(g, x):
    if len(x.shape) != 2:
        raise DoesNotFitError
    y = g.leaf((x.shape[1], g.draw(st.integers(0, 3))))
    spec = g.pick(["ij,jk->ik", "ij,jk->ki", "ij,jk->", "ij,jk->j"])
    return (
        (lambda: ag.einsum(spec, x.ours, y.ours)),
        (lambda: torch.einsum(spec, x.theirs, y.theirs)),
        f"einsum({spec!r}, {y.label})",
    )


@op("vecdot", "contractions")
def _vecdot(g, x):
    if not x.shape:
        raise DoesNotFitError
    # (NumPy's vecdot needs equal vector axes on both sides, where PyTorch's broadcasts them.)
    y = g.leaf(x.shape[-1:]) if g.flag() else x
    return (
        (lambda: ag.vecdot(x.ours, y.ours)),
        (lambda: torch.linalg.vecdot(x.theirs, y.theirs)),
        f"vecdot({y.label})",
    )


# ----- nn.functional -----------------------------------------------------------------------------


def _axis_kw(g, axis):
    return {"dim": axis} if g.flag() else {"axis": axis}


@op("softmax", "nn.functional")
def _softmax(g, x):
    axis = g.axis(len(x.shape))
    which = g.pick(["softmax", "log_softmax"])
    spelled = _axis_kw(g, axis)
    return (
        (lambda: getattr(F, which)(x.ours, **spelled)),
        (lambda: getattr(TF, which)(x.theirs, dim=axis)),
        f"{which}({spelled})",
    )


@op("activations", "nn.functional")
def _activations(g, x):
    which = g.pick(["relu", "leaky_relu", "gelu", "gelu_tanh", "sigmoid", "tanh", "erf"])
    if which == "leaky_relu":
        slope = g.pick([0.01, 0.2])
        return (
            (lambda: F.leaky_relu(x.ours, slope)),
            (lambda: TF.leaky_relu(x.theirs, slope)),
            f"leaky_relu({slope})",
        )
    if which == "gelu_tanh":
        return (
            (lambda: F.gelu(x.ours, approximate="tanh")),
            (lambda: TF.gelu(x.theirs, approximate="tanh")),
            "gelu(tanh)",
        )
    if which == "erf":
        return (lambda: F.erf(x.ours)), (lambda: torch.erf(x.theirs)), "erf"
    theirs = getattr(TF, which, None) or getattr(torch, which)
    return (lambda: getattr(F, which)(x.ours)), (lambda: theirs(x.theirs)), which


@op("dropout", "nn.functional")
def _dropout(g, x):
    p, training = g.pick([(0.0, True), (0.5, False), (1.0, True)])
    return (
        (lambda: F.dropout(x.ours, p, training=training)),
        (lambda: TF.dropout(x.theirs, p, training=training)),
        f"dropout({p}, training={training})",
    )


@op("linear", "nn.functional")
def _linear(g, x):
    if not x.shape:
        raise DoesNotFitError
    out = g.draw(st.integers(0, 3))
    w = g.leaf((out, x.shape[-1]))
    b = g.leaf((out,)) if g.flag() else None
    return (
        (lambda: F.linear(x.ours, w.ours, None if b is None else b.ours)),
        (lambda: TF.linear(x.theirs, w.theirs, None if b is None else b.theirs)),
        f"linear({w.label}, {b and b.label})",
    )


@op("embedding", "nn.functional")
def _embedding(g, x):
    if len(x.shape) != 2 or x.shape[0] == 0:
        raise DoesNotFitError
    data, index = g.const_int(g.shape(g.draw(st.integers(0, 2))), x.shape[0])
    return (
        (lambda: F.embedding(data, x.ours)),
        (lambda: TF.embedding(index, x.theirs)),
        f"embedding({x.label})",
    )


@op("one_hot", "nn.functional")
def _one_hot(g, x):
    if not x.shape or x.shape[-1] == 0:
        raise DoesNotFitError
    data, index = g.const_int(x.shape[:-1], x.shape[-1])
    classes = x.shape[-1]
    return (
        (lambda: x.ours * F.one_hot(ag.tensor(data), classes).astype(np.float64)),
        (lambda: x.theirs * TF.one_hot(index, classes).double()),
        "* one_hot",
    )


def _as_image(g, x):
    """x as (N, C, H, W): x itself if 4-D, else a fresh image leaf."""
    if len(x.shape) == 4:
        return x
    return g.leaf((g.draw(st.integers(0, 2)), g.draw(st.integers(1, 2)), 3, 3))


@op("conv2d", "nn.functional")
def _conv2d(g, x):
    x = _as_image(g, x)
    n, c, h, w = x.shape
    if c == 0:
        raise DoesNotFitError
    k = g.draw(st.integers(1, 2))
    stride, padding = g.draw(st.integers(1, 2)), g.draw(st.integers(0, 1))
    if h + 2 * padding < k or w + 2 * padding < k:
        raise DoesNotFitError
    weight = g.leaf((g.draw(st.integers(1, 2)), c, k, k))
    bias = g.leaf((weight.shape[0],)) if g.flag() else None
    return (
        (lambda: F.conv2d(x.ours, weight.ours, bias and bias.ours, stride=stride, padding=padding)),
        (
            lambda: TF.conv2d(
                x.theirs, weight.theirs, bias and bias.theirs, stride=stride, padding=padding
            )
        ),
        f"conv2d({x.label}, {weight.label}, stride={stride}, padding={padding})",
    )


@op("max_pool2d", "nn.functional")
def _max_pool2d(g, x):
    x = _as_image(g, x)
    h, w = x.shape[2:]
    k = g.draw(st.integers(1, 2))
    padding = g.draw(st.integers(0, k // 2))
    if h + 2 * padding < k or w + 2 * padding < k:
        raise DoesNotFitError
    return (
        (lambda: F.max_pool2d(x.ours, k, padding=padding)),
        (lambda: TF.max_pool2d(x.theirs, k, padding=padding)),
        f"max_pool2d({x.label}, {k}, padding={padding})",
    )


@op("layer_norm", "nn.functional")
def _layer_norm(g, x):
    if not x.shape:
        raise DoesNotFitError
    count = g.draw(st.integers(1, min(2, len(x.shape))))
    shape = x.shape[len(x.shape) - count :]
    weight = g.leaf(shape) if g.flag() else None
    bias = g.leaf(shape) if g.flag() else None
    return (
        (lambda: F.layer_norm(x.ours, shape, weight and weight.ours, bias and bias.ours)),
        (lambda: TF.layer_norm(x.theirs, shape, weight and weight.theirs, bias and bias.theirs)),
        f"layer_norm({shape})",
    )


@op("batch_norm", "nn.functional")
def _batch_norm(g, x):
    if len(x.shape) < 2 or math.prod(x.shape) // max(x.shape[1], 1) <= 1:
        raise DoesNotFitError
    c = x.shape[1]
    weight = g.leaf((c,)) if g.flag() else None
    bias = g.leaf((c,)) if g.flag() else None
    training = g.flag()
    stats = g.values((c,)), g.values((c,), "positive")
    ours_stats = [s.copy() for s in stats]
    theirs_stats = [torch.tensor(s) for s in stats]

    def ours():
        return F.batch_norm(
            x.ours, *ours_stats, weight and weight.ours, bias and bias.ours, training=training
        )

    def theirs():
        out = TF.batch_norm(
            x.theirs, *theirs_stats, weight and weight.theirs, bias and bias.theirs,
            training=training,
        )  # fmt: skip
        for ours_stat, theirs_stat in zip(ours_stats, theirs_stats):  # the updated statistics
            compare("batch_norm running statistic", ours_stat, theirs_stat.numpy())
        return out

    return ours, theirs, f"batch_norm(training={training})"


def _classes(g, x):
    if len(x.shape) < 1 or len(x.shape) > 3 or x.shape[-1 if len(x.shape) == 1 else 1] == 0:
        raise DoesNotFitError
    return x.shape[0] if len(x.shape) == 1 else x.shape[1]


@op("cross_entropy", "nn.functional")
def _cross_entropy(g, x):
    classes = _classes(g, x)
    sample = () if len(x.shape) == 1 else (x.shape[0], *x.shape[2:])
    reduction = g.pick(["mean", "sum", "none"])
    kwargs: dict[str, Any] = {"reduction": reduction}
    if g.flag():
        kwargs["label_smoothing"] = g.pick([0.1, 0.5])
    weight = g.values((classes,), "positive") if g.flag() else None
    if g.flag():  # probabilities: a softmax of a leaf, so the target requires grad
        t = g.leaf(x.shape)
        axis = 0 if len(x.shape) == 1 else 1
        ours_target, theirs_target = F.softmax(t.ours, dim=axis), TF.softmax(t.theirs, dim=axis)
        if weight is not None and g.flag():
            w = g.leaf((classes,), "positive")
            kwargs_ours = {**kwargs, "weight": w.ours}
            kwargs_theirs = {**kwargs, "weight": w.theirs}
        else:
            kwargs_ours = {**kwargs, "weight": weight}
            kwargs_theirs = {**kwargs, "weight": None if weight is None else torch.tensor(weight)}
        return (
            (lambda: F.cross_entropy(x.ours, ours_target, **kwargs_ours)),
            (lambda: TF.cross_entropy(x.theirs, theirs_target, **kwargs_theirs)),
            f"cross_entropy(probabilities {t.label}, {kwargs})",
        )
    data, index = g.const_int(sample, classes)
    if g.flag() and data.size:
        data.reshape(-1)[0] = -100  # an ignored position
        index = torch.tensor(data)
    return (
        (lambda: F.cross_entropy(x.ours, data, weight=weight, **kwargs)),
        (
            lambda: TF.cross_entropy(
                x.theirs, index, weight=None if weight is None else torch.tensor(weight), **kwargs
            )
        ),
        f"cross_entropy(indices, weight={weight is not None}, {kwargs})",
    )


@op("nll_loss", "nn.functional")
def _nll_loss(g, x):
    if len(x.shape) != 2 or x.shape[1] == 0:
        raise DoesNotFitError
    data, index = g.const_int((x.shape[0],), x.shape[1])
    weight = g.values((x.shape[1],), "positive") if g.flag() else None
    reduction = g.pick(["mean", "sum", "none"])
    axis = 1
    return (
        (
            lambda: F.nll_loss(
                F.log_softmax(x.ours, dim=axis), data, weight=weight, reduction=reduction
            )
        ),
        (
            lambda: TF.nll_loss(
                TF.log_softmax(x.theirs, dim=axis),
                index,
                weight=None if weight is None else torch.tensor(weight),
                reduction=reduction,
            )
        ),
        f"nll_loss(log_softmax, weight={weight is not None}, {reduction})",
    )


@op("bce", "nn.functional")
def _bce(g, x):
    target = g.leaf(x.shape, "unit", grad=g.flag())
    weight = g.values(x.shape, "positive") if g.flag() else None
    reduction = g.pick(["mean", "sum", "none"])
    if g.flag():
        return (
            (lambda: F.binary_cross_entropy(x.ours.sigmoid(), target.ours, weight, reduction)),
            (
                lambda: TF.binary_cross_entropy(
                    x.theirs.sigmoid(),
                    target.theirs,
                    None if weight is None else torch.tensor(weight),
                    reduction=reduction,
                )
            ),
            f"binary_cross_entropy(sigmoid, {target.label}, {reduction})",
        )
    pos = g.values(x.shape[-1:], "positive") if g.flag() and x.shape else None
    return (
        (
            lambda: F.binary_cross_entropy_with_logits(
                x.ours, target.ours, weight, reduction=reduction, pos_weight=pos
            )
        ),
        (
            lambda: TF.binary_cross_entropy_with_logits(
                x.theirs,
                target.theirs,
                None if weight is None else torch.tensor(weight),
                reduction=reduction,
                pos_weight=None if pos is None else torch.tensor(pos),
            )
        ),
        f"bce_with_logits({target.label}, pos_weight={pos is not None}, {reduction})",
    )


@op("regression_losses", "nn.functional")
def _regression(g, x):
    y = g.leaf(x.shape) if g.flag() else x
    reduction = g.pick(["mean", "sum", "none"])
    which = g.pick(["mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss"])
    extra = {}
    if which == "huber_loss":
        extra = {"delta": g.pick([0.5, 1.0])}
    elif which == "smooth_l1_loss":
        extra = {"beta": g.pick([0.0, 0.5, 1.0])}
    return (
        (lambda: getattr(F, which)(x.ours, y.ours, reduction=reduction, **extra)),
        (lambda: getattr(TF, which)(x.theirs, y.theirs, reduction=reduction, **extra)),
        f"{which}({y.label}, {reduction}, {extra})",
    )


@op("attention", "nn.functional")
def _attention(g, x):
    if len(x.shape) != 3:
        raise DoesNotFitError
    n, length, e = x.shape
    s = g.draw(st.integers(0, 3))
    k = g.leaf((n, s, e))
    v = g.leaf((n, s, g.draw(st.integers(0, 3))))
    mask_kind = g.pick([None, "bool", "float", "causal"])
    ours_kw: dict[str, Any] = {}
    theirs_kw: dict[str, Any] = {}
    if mask_kind == "bool":
        mask = g.values((length, s)) > -0.5
        ours_kw["attn_mask"], theirs_kw["attn_mask"] = mask, torch.tensor(mask)
    elif mask_kind == "float":
        m = g.leaf((length, s))
        ours_kw["attn_mask"], theirs_kw["attn_mask"] = m.ours, m.theirs
    elif mask_kind == "causal":
        ours_kw["is_causal"] = theirs_kw["is_causal"] = True
    if g.flag():
        ours_kw["scale"] = theirs_kw["scale"] = 0.5
    return (
        (lambda: F.scaled_dot_product_attention(x.ours, k.ours, v.ours, **ours_kw)),
        (lambda: TF.scaled_dot_product_attention(x.theirs, k.theirs, v.theirs, **theirs_kw)),
        f"attention({k.label}, {v.label}, mask={mask_kind})",
    )


@op("multi_head_attention", "nn.functional")
def _multi_head_attention(g, x):
    if len(x.shape) != 3 or x.shape[2] not in (2, 4):
        raise DoesNotFitError
    length, n, e = x.shape  # sequence first, PyTorch's default layout
    heads = g.pick([1, 2])
    w_in, b_in = g.leaf((3 * e, e)), g.leaf((3 * e,))
    w_out, b_out = g.leaf((e, e)), g.leaf((e,))
    s = g.draw(st.integers(0, 3))
    kv = g.leaf((s, n, e))
    need = g.flag()
    pad = g.values((n, s)) > 0.8 if g.flag() else None

    def run(lib, q, kv_, wi, bi, wo, bo, mask):
        fn = F.multi_head_attention_forward if lib == "ours" else TF.multi_head_attention_forward
        return fn(
            q, kv_, kv_, e, heads, wi, bi, None, None, False, 0.0, wo, bo,
            training=False, key_padding_mask=mask, need_weights=need,
        )  # fmt: skip

    torch_pad = None if pad is None else torch.tensor(pad)
    return (
        lambda: run("ours", x.ours, kv.ours, w_in.ours, b_in.ours, w_out.ours, b_out.ours, pad)[0],
        lambda: run(
            "theirs", x.theirs, kv.theirs, w_in.theirs, b_in.theirs, w_out.theirs, b_out.theirs,
            torch_pad,
        )[0],
        f"multi_head_attention({kv.label}, heads={heads}, padding={pad is not None})",
    )  # fmt: skip


FAMILIES = sorted({family for family, _ in OPS.values()})
# Every function nn.functional exports, and the op names that exercise it.
FUNCTIONAL_COVERAGE = {
    "softmax": "softmax",
    "log_softmax": "softmax",
    "relu": "activations",
    "leaky_relu": "activations",
    "gelu": "activations",
    "sigmoid": "activations",
    "tanh": "activations",
    "erf": "activations",
    "dropout": "dropout",
    "linear": "linear",
    "embedding": "embedding",
    "one_hot": "one_hot",
    "conv2d": "conv2d",
    "max_pool2d": "max_pool2d",
    "layer_norm": "layer_norm",
    "batch_norm": "batch_norm",
    "cross_entropy": "cross_entropy",
    "nll_loss": "nll_loss",
    "binary_cross_entropy": "bce",
    "binary_cross_entropy_with_logits": "bce",
    "mse_loss": "regression_losses",
    "l1_loss": "regression_losses",
    "huber_loss": "regression_losses",
    "smooth_l1_loss": "regression_losses",
    "scaled_dot_product_attention": "attention",
    "multi_head_attention_forward": "multi_head_attention",
}

# Documented divergences: backproplab raises a clear error where PyTorch returns NaN with a
# warning (a variance with no degrees of freedom; batch_norm in training on one value per
# channel or none).
KNOWN = ("leaves no degrees of freedom", "expected more than 1 value per channel")


# ----------------------------------------------------------------------------------------------


class MismatchError(AssertionError):
    def __init__(self, what: str, ours: Any, theirs: Any) -> None:
        super().__init__(f"{what} differs:\n  ours:   {ours}\n  torch:  {theirs}")


def compare(what: str, ours: Any, theirs: Any, kinks: bool = False) -> None:
    """Raise MismatchError unless ``ours`` equals ``theirs`` to float64 rounding (NaN and Inf
    in the same places). With ``kinks`` (second derivatives), a NaN of PyTorch's where ours
    is finite is counted, not failed: both are at a point where the second derivative does not
    exist (|x| at 0, copysign(x, x)), and PyTorch's formulas happen to make 0 / 0 there."""
    a = np.asarray(ours.data if isinstance(ours, ag.Tensor) else ours, dtype=np.float64)
    if isinstance(theirs, torch.Tensor):  # (force: torch may hand back a lazy "ZeroTensor")
        theirs = theirs.detach().numpy(force=True)
    b = np.asarray(theirs)
    if kinks and a.shape == b.shape:
        nan_only_theirs = np.isnan(b) & np.isfinite(a)
        if nan_only_theirs.any():
            STATS.kinks += 1
            a = np.where(nan_only_theirs, np.nan, a)
    if a.shape != b.shape:
        raise MismatchError(f"{what} shape", a.shape, b.shape)
    scale = np.nanmax(np.abs(np.where(np.isfinite(b), b, 0)), initial=1.0)
    if not np.allclose(a, b, rtol=RTOL, atol=ATOL * scale, equal_nan=True):
        raise MismatchError(what, a, b)
    if (np.isnan(a) != np.isnan(b)).any() or (np.isinf(a) != np.isinf(b)).any():
        raise MismatchError(f"{what} (NaN/Inf positions)", a, b)


@dataclass
class Stats:
    cases: int = 0
    ops: Counter = field(default_factory=Counter)
    families: Counter = field(default_factory=Counter)
    both_raised: Counter = field(default_factory=Counter)
    known: Counter = field(default_factory=Counter)
    second_order: int = 0
    kinks: int = 0
    torch_failed: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def summary(self) -> str:
        missing = sorted(set(OPS) - set(self.ops))
        return (
            f"{self.cases} cases, {sum(self.ops.values())} op applications, "
            f"{len(self.ops)}/{len(OPS)} ops in {len(self.families)}/{len(FAMILIES)} families "
            f"covered, {self.second_order} second-order comparisons, "
            f"{sum(self.both_raised.values())} ops refused by both, "
            f"{sum(self.known.values())} known divergences, "
            f"{sum(self.torch_failed.values())} second derivatives PyTorch could not take, "
            f"{self.kinks} where PyTorch's is NaN at a kink, "
            f"{self.seconds:.1f} s" + (f"; never drawn: {missing}" if missing else "")
        )


STATS = Stats()


def _apply(g: Graph, name: str, x: Node) -> Node | None:
    family, builder = OPS[name]
    ours_fn, theirs_fn, text = builder(g, x)  # draws; raises DoesNotFitError if the op does not fit
    results, errors = [], []
    for fn in (ours_fn, theirs_fn):
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                results.append(fn())
                errors.append(None)
        except MismatchError:
            raise
        except Exception as error:  # noqa: BLE001  (compared below)
            results.append(None)
            errors.append(error)
    ours, theirs = results
    if errors[0] is not None or errors[1] is not None:
        if errors[0] is not None and errors[1] is not None:
            STATS.both_raised[name] += 1
            return None
        if errors[0] is not None and any(k in str(errors[0]) for k in KNOWN):
            STATS.known[name] += 1
            return None
        raise MismatchError(
            f"{text}: only one library raised",
            repr(errors[0]) if errors[0] else "a result",
            repr(errors[1]) if errors[1] else "a result",
        )
    if isinstance(theirs, tuple):  # max/min(dim=): (values, indices), which must agree too
        compare(f"indices of {text}", ours.indices.data, theirs.indices)
        ours, theirs = ours.values, theirs.values
    node = Node(ours, theirs, f"v{len(g.nodes)}")
    g.lines.append(f"{node.label} = {text}    # {name} on {x.label}")
    compare(f"value of {node.label} = {text}", node.ours, node.theirs)
    STATS.ops[name] += 1
    STATS.families[family] += 1
    return node


def _differentiate(g: Graph, out: Node) -> None:
    """First and second derivatives of sum(w * out) with respect to every leaf."""
    leaves = [leaf for leaf in g.leaves]
    if not leaves or not out.theirs.requires_grad:
        return
    w = g.values(out.shape)
    ours_loss = (out.ours * ag.tensor(w)).sum()
    theirs_loss = (out.theirs * torch.tensor(w)).sum()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if not ours_loss.requires_grad:
            raise MismatchError("requires_grad of the output", False, True)
        ours_grads = ag.grad(
            ours_loss, [leaf.ours for leaf in leaves], create_graph=True, allow_unused=True
        )
        theirs_grads = torch.autograd.grad(
            theirs_loss, [leaf.theirs for leaf in leaves], create_graph=True, allow_unused=True
        )
        for leaf, a, b in zip(leaves, ours_grads, theirs_grads):
            a = np.zeros(leaf.shape) if a is None else a
            b = torch.zeros(leaf.shape, dtype=torch.float64) if b is None else b
            compare(f"d/d{leaf.label}", a, b)
        vs = [g.values(leaf.shape) for leaf in leaves]
        ours_s = [
            (a * ag.tensor(v)).sum()
            for a, v in zip(ours_grads, vs)
            if a is not None and a.requires_grad
        ]
        theirs_s = [
            (b * torch.tensor(v)).sum()
            for b, v in zip(theirs_grads, vs)
            if b is not None and b.requires_grad
        ]
        if not theirs_s:
            return  # a linear graph in torch's eyes: its second derivative is zero
        try:
            theirs_second = torch.autograd.grad(
                sum(theirs_s), [leaf.theirs for leaf in leaves], allow_unused=True
            )
        except RuntimeError as error:  # PyTorch's own double backward failed: nothing to compare
            STATS.torch_failed[str(error)[:60]] += 1
            return
        if ours_s:
            ours_second = ag.grad(
                sum(ours_s[1:], ours_s[0]), [leaf.ours for leaf in leaves], allow_unused=True
            )
        else:
            ours_second = [None] * len(leaves)
        for leaf, a, b in zip(leaves, ours_second, theirs_second):
            a = np.zeros(leaf.shape) if a is None else a
            b = torch.zeros(leaf.shape, dtype=torch.float64) if b is None else b
            compare(f"second derivative d/d{leaf.label}", a, b, kinks=True)
        STATS.second_order += 1


def run_case(draw: Any, only: str | None = None) -> Graph:
    """Draw and check one graph (raises MismatchError on a difference)."""
    g = Graph(draw)
    for _ in range(draw(st.integers(1, 3))):
        g.nodes.append(g.leaf(g.shape(draw(st.integers(0, 4)))))
    steps = draw(st.integers(2, 8))
    names = sorted(OPS)
    try:
        for _ in range(steps):
            for _attempt in range(6):
                name = only if only is not None else draw(st.sampled_from(names))
                x = draw(st.sampled_from(g.nodes))
                try:
                    node = _apply(g, name, x)
                except DoesNotFitError:
                    continue
                if node is not None:
                    g.nodes.append(node)
                break
        _differentiate(g, g.nodes[-1])
    except (MismatchError, DoesNotFitError) as error:
        raise MismatchError("graph:\n    " + "\n    ".join(g.lines), str(error), "") from None
    except Exception as error:  # noqa: BLE001  (a crash while differentiating: show the graph)
        import traceback

        lines = "\n    ".join(g.lines)
        where = "".join(traceback.format_exc().splitlines(keepends=True)[-7:])
        raise MismatchError(f"graph:\n    {lines}", f"crash: {error!r}\n{where}", "") from error
    STATS.cases += 1
    return g


def check(cases: int, seed: int, only: str | None = None, shrink: bool = True) -> Stats:
    """Run ``cases`` random graphs (all built from op ``only`` if given) through hypothesis,
    reproducibly for a given ``seed``; raise MismatchError on the first difference, with the
    graph as a readable program (shrunk to a small one first, unless ``shrink`` is False:
    shrinking can take minutes)."""
    start = time.perf_counter()

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
        phases=None if shrink else [hypothesis.Phase.generate],
    )
    @given(st.data())
    def one(data):
        run_case(data.draw, only)

    hypothesis.seed(seed)(one)()
    STATS.seconds += time.perf_counter() - start
    return STATS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=None, help="default: a new random seed")
    args = parser.parse_args()
    seed = np.random.SeedSequence().entropy % 2**32 if args.seed is None else args.seed
    print(f"seed {seed} (rerun with --seed {seed})", flush=True)
    stats = check(args.cases, seed)
    print(stats.summary())
    for name, count in sorted(stats.ops.items()):
        print(f"  {name:24s} {count}")


if __name__ == "__main__":
    main()
