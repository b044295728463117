"""Contractions: Einstein summation, ``einsum("ij,jk->ik", a, b)``, and products it spells,
NumPy's vector products vecdot, matvec and vecmat.

The subscripts are first rewritten into one explicit form with a letter for every axis (an
ellipsis becomes letters nobody uses), so that forward and backward read the same spelling.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..conversion import as_tensor
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .shape import moveaxis

LETTERS = string.ascii_letters


class Einsum(Function):
    """y = einsum(subscripts, *operands): for each output index, the sum over all other indices
    of the product of the operands' entries.

    y is linear in each operand, so dL/d(operand k) is again an einsum: dL/dy times the other
    operands, summed onto operand k's indices. An index only operand k has (summed away inside
    it) adds a factor of ones, so the gradient is constant along it; an index operand k repeats
    (its diagonal, as in "ii->i") adds an identity matrix, so only the diagonal receives
    gradient.
    """

    @staticmethod
    def forward(ctx: Any, *operands: Any, subscripts: str = "", optimize: Any = False) -> Any:
        inputs, output = explicit_subscripts(subscripts, [np.shape(a) for a in operands])
        ctx.terms, ctx.output_term, ctx.optimize = inputs, output, optimize
        ctx.save_for_backward(*operands)
        return np.einsum(f"{','.join(inputs)}->{output}", *operands, optimize=optimize)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        operands = ctx.saved_tensors
        return tuple(
            operand_gradient(ctx, grad, operands, k) if need else None
            for k, need in enumerate(ctx.needs_input_grad)
        )


def operand_gradient(ctx: Any, grad: Any, operands: tuple, k: int) -> Any:
    """dL/d(operand k): einsum of dL/dy with the other operands onto operand k's indices."""
    terms = [ctx.output_term] + [s for j, s in enumerate(ctx.terms) if j != k]
    factors = [grad] + [a for j, a in enumerate(operands) if j != k]
    elsewhere = set("".join(terms))
    fresh = unused_letters(ctx.terms, ctx.output_term)
    target, seen = "", set()
    for letter, size in zip(ctx.terms[k], np.shape(operands[k])):
        if letter in seen:  # a repeated index: only the diagonal fed y
            new = next(fresh)
            terms.append(letter + new)
            factors.append(np.eye(size, dtype=bool))
            target += new
            continue
        seen.add(letter)
        target += letter
        if letter not in elsewhere:  # summed inside operand k only: every entry counted once
            terms.append(letter)
            factors.append(np.ones(size, dtype=bool))
    return np.einsum(f"{','.join(terms)}->{target}", *factors, optimize=ctx.optimize)


def unused_letters(inputs: list[str], output: str) -> Iterator[str]:
    """Letters that appear in none of the subscripts, in order."""
    used = set("".join(inputs) + output)
    return (letter for letter in LETTERS if letter not in used)


def explicit_subscripts(subscripts: str, shapes: list[tuple]) -> tuple[list[str], str]:
    """``subscripts`` as one term of letters per operand and an output term: an ellipsis
    replaced by letters of its own (right-aligned, as the axes it stands for broadcast), and
    the output NumPy infers in implicit mode (the ellipsis, then the letters used once, sorted)
    written out."""
    spec = subscripts.replace(" ", "")
    lhs, arrow, output = spec.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(shapes):
        raise ValueError(f"einsum: {len(inputs)} subscript terms for {len(shapes)} operands")
    for term in [*inputs, output]:
        if term.count("...") > 1 or not set(term.replace("...", "")) <= set(LETTERS):
            raise ValueError(f"einsum: invalid subscripts {subscripts!r}")
    spans = [len(shape) - len(term.replace("...", "")) for term, shape in zip(inputs, shapes)]
    for term, shape, span in zip(inputs, shapes, spans):
        if span < 0 or (span > 0 and "..." not in term):
            raise ValueError(
                f"einsum: subscripts {term!r} do not match an operand of shape {shape}"
            )
    fresh = unused_letters(inputs, output)
    ellipsis = "".join(next(fresh) for _ in range(max(spans, default=0)))
    inputs = [
        term.replace("...", ellipsis[len(ellipsis) - span :]) for term, span in zip(inputs, spans)
    ]
    if not arrow:
        counts = Counter("".join(inputs))
        singles = sorted(c for c, n in counts.items() if n == 1 and c not in ellipsis)
        return inputs, ellipsis + "".join(singles)
    if ellipsis and "..." not in output:
        raise ValueError(
            "einsum: output has more dimensions than subscripts given in einstein sum, but no "
            "'...' ellipsis provided to broadcast the extra dimensions."
        )
    return inputs, output.replace("...", ellipsis)


def sublist_subscripts(args: tuple) -> tuple[str, list[Any]]:
    """NumPy's interleaved form einsum(a, [0, 1], b, [1, 2], [0, 2]) as a subscripts string
    and the operands."""
    operands, lists = list(args[0::2]), list(args[1::2])
    output = operands.pop() if len(args) % 2 else None  # a last, unpaired sublist

    def letters(sublist: Any) -> str:
        return "".join("..." if s is Ellipsis else LETTERS[int(s)] for s in sublist)

    spec = ",".join(letters(s) for s in lists)
    return (spec if output is None else f"{spec}->{letters(output)}"), operands


@op(numpy=np.einsum, method=False)
def einsum(*args: Any, optimize: Any = False) -> Tensor:
    """Einstein summation, as np.einsum: ``einsum("ij,jk->ik", a, b)`` is a @ b,
    ``einsum("ii", a)`` the trace, ``einsum("...i,...i->...", a, b)`` batched dot products;
    NumPy's interleaved form ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` works too.
    y is linear in each operand, and each operand's gradient is another einsum."""
    if not args:
        raise ValueError("einsum: no subscripts given")
    if isinstance(args[0], str):
        subscripts, operands = args[0], list(args[1:])
    else:
        subscripts, operands = sublist_subscripts(args)
    return Einsum.apply(*operands, subscripts=subscripts, optimize=optimize)


def core_sizes(name: str, a: Tensor, b: Tensor, axis_a: int, axis_b: int) -> None:
    """Raise ValueError, naming ``name``, unless the two core axes have the same length."""
    if min(a.ndim, b.ndim) == 0 or a.shape[axis_a] != b.shape[axis_b]:
        raise ValueError(f"{name}: core dimensions of shapes {a.shape} and {b.shape} do not match")


@op(numpy=getattr(np, "vecdot", ()), method=False)
def vecdot(a: Any, b: Any, axis: int = -1) -> Tensor:
    """Dot products of the vectors along ``axis``, y[...] = sum_i a[..., i] b[..., i] (the
    other axes broadcast), as np.vecdot for real arrays."""
    a, b = as_tensor(a), as_tensor(b)
    core_sizes("vecdot", a, b, axis, axis)
    return einsum("...i,...i->...", moveaxis(a, axis, -1), moveaxis(b, axis, -1))


@op(numpy=getattr(np, "matvec", ()), method=False)
def matvec(a: Any, v: Any) -> Tensor:
    """Matrix times vector, y[..., i] = sum_j a[..., i, j] v[..., j] (batch axes broadcast),
    as np.matvec."""
    a, v = as_tensor(a), as_tensor(v)
    core_sizes("matvec", a, v, -1, -1)
    return einsum("...ij,...j->...i", a, v)


@op(numpy=getattr(np, "vecmat", ()), method=False)
def vecmat(v: Any, a: Any) -> Tensor:
    """Vector times matrix, y[..., i] = sum_j v[..., j] a[..., j, i] (batch axes broadcast),
    as np.vecmat for real arrays."""
    v, a = as_tensor(v), as_tensor(a)
    core_sizes("vecmat", v, a, -1, -2 if a.ndim >= 2 else -1)
    return einsum("...j,...ji->...i", v, a)
