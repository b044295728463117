"""The fuzzer's building blocks: a graph built in both libraries at once, the op table it draws
from (``OPS``, filled by the ``ops_*`` modules), and the comparison of two results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

import autograd as ag

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
    nan_outputs: int = 0
    torch_failed: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def summary(self) -> str:
        missing = sorted(set(OPS) - set(self.ops))
        families = {family for family, _ in OPS.values()}
        return (
            f"{self.cases} cases, {sum(self.ops.values())} op applications, "
            f"{len(self.ops)}/{len(OPS)} ops in {len(self.families)}/{len(families)} families "
            f"covered, {self.second_order} second-order comparisons, "
            f"{sum(self.both_raised.values())} ops refused by both, "
            f"{sum(self.known.values())} known divergences, "
            f"{sum(self.torch_failed.values())} second derivatives PyTorch could not take, "
            f"{self.kinks} where PyTorch's is NaN at a kink, "
            f"{self.nan_outputs} outputs all NaN (not differentiated), "
            f"{self.seconds:.1f} s" + (f"; never drawn: {missing}" if missing else "")
        )


STATS = Stats()
