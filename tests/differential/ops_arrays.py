"""The fuzzer's array ops: reductions (both spellings of the axis arguments), cumulative ops,
shapes, joining, tiling, reordering, indexing and contractions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

import autograd as ag

from .graph import OPS, TF, DoesNotFitError, op, reduce_kwargs

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
    "norm",
    lambda a, k: ag.norm(a, **_numpy(k)),
    lambda b, k: torch.linalg.vector_norm(b, **k),
    multi=False,  # np.linalg.norm takes one axis or two (a matrix norm), never three
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
    # (PyTorch's view refuses to copy: only where the data is one row-major block)
    spelled = g.pick(["reshape", "view"]) if x.ours.is_contiguous() else "reshape"
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


# ----- PyTorch's index-accumulate family, fused products, order statistics ---------------------


@op("scatter_add", "indexing")
def _scatter_add(g, x):
    if not x.shape or 0 in x.shape:
        raise DoesNotFitError
    axis = g.axis(len(x.shape))
    ours_index, index = g.const_int(x.shape, x.shape[axis])
    src = g.leaf(x.shape)
    which = g.pick(["scatter_add", "index_add"])
    if which == "index_add":
        rows = ours_index.reshape(-1)[: x.shape[axis]]
        shape = list(x.shape)
        shape[axis] = rows.size
        src = g.leaf(tuple(shape))
        alpha = g.pick([1.0, -0.5])
        return (
            (lambda: ag.index_add(x.ours, axis, rows, src.ours, alpha=alpha)),
            (lambda: torch.index_add(x.theirs, axis, torch.tensor(rows), src.theirs, alpha=alpha)),
            f"index_add({axis}, {rows.tolist()}, {src.label}, alpha={alpha})",
        )
    return (
        (lambda: x.ours.scatter_add(axis, ours_index, src.ours)),
        (lambda: x.theirs.scatter_add(axis, index, src.theirs)),
        f"scatter_add({axis}, {src.label})",
    )


def _distinct_along(x, axis):
    # Selections among tied values may pick either (PyTorch's sort is not stable): no ties.
    data = np.moveaxis(np.asarray(x.ours.detach().numpy()), axis, -1).reshape(-1, x.shape[axis])
    if any(np.unique(row).size < row.size for row in data):
        raise DoesNotFitError


@op("median_dim", "reductions")
def _median_dim(g, x):
    if not x.shape or 0 in x.shape:
        raise DoesNotFitError
    axis = g.axis(len(x.shape))
    _distinct_along(x, axis)
    keep = g.flag()
    which = g.pick(["median", "kthvalue", "cummax", "cummin", "quantile"])
    if which == "kthvalue":
        k = g.draw(st.integers(1, x.shape[axis]))
        return (
            (lambda: ag.kthvalue(x.ours, k, axis, keep).values),
            (lambda: torch.kthvalue(x.theirs, k, axis, keep).values),
            f"kthvalue({k}, {axis}, {keep})",
        )
    if which in ("cummax", "cummin"):
        return (
            (lambda: getattr(ag, which)(x.ours, axis).values),
            (lambda: getattr(torch, which)(x.theirs, axis).values),
            f"{which}({axis})",
        )
    if which == "quantile":
        q = g.pick([0.0, 0.3, 0.5, 1.0])
        how = g.pick(["linear", "lower", "higher", "nearest", "midpoint"])
        return (
            (lambda: ag.quantile(x.ours, q, dim=axis, keepdim=keep, interpolation=how)),
            (lambda: torch.quantile(x.theirs, q, dim=axis, keepdim=keep, interpolation=how)),
            f"quantile({q}, {axis}, {keep}, {how})",
        )
    return (
        (lambda: x.ours.median(axis, keep).values),
        (lambda: x.theirs.median(axis, keep).values),
        f"median({axis}, {keep})",
    )


@op("fused_products", "linalg")
def _fused_products(g, x):
    if len(x.shape) != 2:
        raise DoesNotFitError
    n, m = x.shape
    which = g.pick(["addmm", "kron", "cdist", "addr"])
    if which == "addmm":
        w, bias = g.leaf((m, 2)), g.leaf((2,))
        return (
            (lambda: ag.addmm(bias.ours, x.ours, w.ours, beta=0.5, alpha=2.0)),
            (lambda: torch.addmm(bias.theirs, x.theirs, w.theirs, beta=0.5, alpha=2.0)),
            f"addmm({bias.label}, {w.label})",
        )
    if which == "kron":
        y = g.leaf(g.shape(2))
        return (
            (lambda: ag.kron(x.ours, y.ours)),
            (lambda: torch.kron(x.theirs, y.theirs)),
            f"kron({y.label})",
        )
    if which == "addr":
        u, v = g.leaf((n,)), g.leaf((m,))
        return (
            (lambda: ag.addr(x.ours, u.ours, v.ours, alpha=-1.0)),
            (lambda: torch.addr(x.theirs, u.theirs, v.theirs, alpha=-1.0)),
            f"addr({u.label}, {v.label})",
        )
    if 0 in x.shape:
        raise DoesNotFitError
    y = g.leaf((2, m), kind="unit")  # (distances away from 0: no kink on the path)
    p = g.pick([1.0, 2.0, 3.0])
    return (
        (lambda: ag.cdist(x.ours, y.ours, p=p)),
        (lambda: torch.cdist(x.theirs, y.theirs, p=p)),
        f"cdist({y.label}, p={p})",
    )
