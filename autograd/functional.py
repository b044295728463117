"""``autograd.functional``: derivatives of a whole function, as PyTorch's
``torch.autograd.functional`` computes them.

For ``f`` taking tensors ``x`` (one, or a tuple) and returning tensors ``y``:

- ``vjp(f, x, v)``  = v^T J, one reverse pass (what ``backward`` computes);
- ``jvp(f, x, v)``  = J v, by the *double-vjp* construction below;
- ``jacobian(f, x)`` = J, one reverse pass per output element (row by row);
- ``hessian(f, x)``  = the Jacobian of the gradient of a scalar ``f``;
- ``vhp(f, x, v)``  = v^T H and ``hvp(f, x, v)`` = H v, two passes each, no H formed.

Everything is built on :func:`autograd.grad` with ``create_graph=True``: the engine has reverse
mode only, and a forward-mode derivative is two reverse ones. For u a dummy vector,
g(u) = u^T J is linear in u, so its gradient with respect to u, taken against v, is
d(g(u) . v)/du = J v. This costs two backward passes where true forward mode would cost one
forward pass, but it needs no second set of derivative formulas -- each op's single backward
serves both modes, which is the lesson of the construction.

Conventions (PyTorch's): ``inputs`` is a Tensor or a tuple of Tensors and results follow the
same structure; ``v`` may be None only when it has a single element. With
``create_graph=False`` results are detached; with ``create_graph=True`` they are recorded, so
they can be differentiated again, and reach the original inputs where those require grad.
An input the outputs do not depend on gets a zero derivative, or a RuntimeError when
``strict=True``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from .grad_mode import enable_grad
from .gradients import grad
from .ops.joining import stack
from .tensor import Tensor

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]

Tensors = Tensor | tuple[Tensor, ...]
F = TypeVar("F", bound=Callable[..., Any])


def _grad_mode_on(function: F) -> F:
    """Run ``function`` with grad mode on, as PyTorch's functional API does: its derivatives are
    taken by recording ``func``, so under the caller's ``no_grad`` they would silently be zero."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        with enable_grad():
            return function(*args, **kwargs)

    return call  # type: ignore[return-value]


# ----- structure: a Tensor or a tuple of Tensors -----------------------------------------------
def _as_tuple(value: Any, what: str, caller: str) -> tuple[bool, tuple[Tensor, ...]]:
    """(whether ``value`` was a tuple, ``value`` as a tuple), checking every element is a Tensor."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for item in items:
        if not isinstance(item, Tensor):
            got = type(value if not is_tuple else item).__name__
            raise TypeError(
                f"{caller}: the {what} must be a Tensor or a tuple of Tensors, got {got}"
            )
    return is_tuple, items


def _shaped_like(is_tuple: bool, items: tuple) -> Any:
    return items if is_tuple else items[0]


def _prepare_inputs(inputs: tuple[Tensor, ...], create_graph: bool, caller: str) -> tuple:
    """Tensors to differentiate with respect to. Under ``create_graph`` an input that requires
    grad is passed through a recorded identity, so derivatives reach it; otherwise a detached
    leaf stands in for it."""
    prepared = []
    for i, tensor in enumerate(inputs):
        if tensor.dtype.kind != "f":
            raise TypeError(f"{caller}: input {i} has dtype {tensor.dtype}; it must be floating")
        if create_graph and tensor.requires_grad:
            prepared.append(tensor.reshape(tensor.shape))
        else:
            prepared.append(Tensor(tensor.detach(), requires_grad=True))
    return tuple(prepared)


def _call(func: Callable, inputs: tuple[Tensor, ...], caller: str) -> tuple[bool, tuple]:
    return _as_tuple(func(*inputs), "outputs of the user-provided function", caller)


def _check_vectors(
    v: Any, like: tuple[Tensor, ...], is_tuple: bool, what: str, caller: str
) -> tuple[Tensor, ...]:
    """``v`` as a tuple of arrays shaped like ``like``; None allowed only for one element."""
    if v is None:
        if len(like) != 1 or like[0].numpy().size != 1:
            raise RuntimeError(
                f"{caller}: v can only be None if the {what} is a single Tensor with a single "
                "element"
            )
        return (Tensor(np.ones(like[0].shape, dtype=like[0].dtype)),)
    if is_tuple and not isinstance(v, tuple):
        raise TypeError(f"{caller}: v must be a tuple of Tensors, like the {what}")
    items = v if isinstance(v, tuple) else (v,)
    if len(items) != len(like):
        raise RuntimeError(f"{caller}: v has {len(items)} elements, the {what} has {len(like)}")
    vectors = []
    for i, (vector, tensor) in enumerate(zip(items, like)):
        vector = vector if isinstance(vector, Tensor) else Tensor(np.asarray(vector))
        if vector.shape != tensor.shape:
            raise RuntimeError(
                f"{caller}: v[{i}] has shape {tuple(vector.shape)}, the {what}'s element "
                f"{i} has shape {tuple(tensor.shape)}"
            )
        vectors.append(vector)
    return tuple(vectors)


def _finish(tensors: tuple, create_graph: bool) -> tuple:
    """Detach results unless they are to be differentiated again."""
    if create_graph:
        return tensors
    return tuple(t.detach() if isinstance(t, Tensor) else t for t in tensors)


# ----- the reverse pass all of them share ------------------------------------------------------
def _vjp(
    outputs: tuple[Tensor, ...],
    inputs: tuple[Tensor, ...],
    vectors: tuple[Tensor, ...],
    create_graph: bool,
    strict: bool,
    caller: str,
    message: str = "The output of the user-provided function is independent of input {i}",
) -> tuple[Tensor, ...]:
    """sum_k vectors[k]^T d(outputs[k])/d(inputs[i]) for each i; zeros for an unused input
    (RuntimeError under ``strict``)."""
    used = [(o, v) for o, v in zip(outputs, vectors) if o.requires_grad]
    if used:
        found = grad(
            [o for o, _ in used],
            list(inputs),
            grad_outputs=[v if create_graph else v.numpy() for _, v in used],
            retain_graph=True,
            create_graph=create_graph,
            allow_unused=True,
        )
    else:
        found = (None,) * len(inputs)
    results = []
    for i, (value, tensor) in enumerate(zip(found, inputs)):
        if value is None:
            if strict:
                raise RuntimeError(f"{caller}: {message.format(i=i)}; not allowed with strict=True")
            value = Tensor(np.zeros(tensor.shape, dtype=tensor.dtype))
        results.append(value)
    return tuple(results)


def _double_vjp(
    ys: tuple[Tensor, ...],
    xs: tuple[Tensor, ...],
    vectors: tuple[Tensor, ...],
    create_graph: bool,
    strict: bool,
    caller: str,
) -> tuple[Tensor, ...]:
    """J v for J = d ys / d xs, one result per y, by the double-vjp construction: with u a dummy
    shaped like ys, g(u) = u^T J is recorded, and d(g(u) . v)/du = J v."""
    dummies = tuple(
        Tensor(np.zeros(y.shape, dtype=y.dtype), requires_grad=y.dtype.kind == "f") for y in ys
    )
    u_j = _vjp(ys, xs, dummies, True, strict, caller)
    linear = [(g, vec) for g, vec in zip(u_j, vectors) if g.requires_grad]  # J's non-zero parts
    found = (
        grad(
            [g for g, _ in linear],
            list(dummies),
            grad_outputs=[vec if create_graph else vec.numpy() for _, vec in linear],
            create_graph=create_graph,
            allow_unused=True,
        )
        if linear
        else (None,) * len(dummies)
    )
    return tuple(
        value if value is not None else Tensor(np.zeros(y.shape, dtype=y.dtype))
        for value, y in zip(found, ys)
    )


def _check_depends(results: tuple, strict: bool, caller: str, message: str) -> None:
    if strict:
        for i, value in enumerate(results):
            if not value.requires_grad:
                raise RuntimeError(f"{caller}: {message.format(i=i)}; not allowed with strict=True")


# ----- the public functions --------------------------------------------------------------------
@_grad_mode_on
def vjp(
    func: Callable[..., Tensors],
    inputs: Tensors,
    v: Tensors | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Tensors, Tensors]:
    """Return ``(func(*inputs), v^T J)``: the vector-Jacobian product, J = d func / d inputs.

    ``v`` has the outputs' structure and shapes (None for a single one-element output); the
    product has the inputs' structure and shapes.
    """
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
    x = _prepare_inputs(inputs, create_graph, "vjp")
    outputs_tuple, outputs = _call(func, x, "vjp")
    vectors = _check_vectors(
        v, outputs, outputs_tuple, "output of the user-provided function", "vjp"
    )
    result = _vjp(outputs, x, vectors, create_graph, strict, "vjp")
    if create_graph:
        _check_depends(
            result,
            strict,
            "vjp",
            "the jacobian of the user-provided function is independent of input {i}",
        )
    return (
        _shaped_like(outputs_tuple, _finish(outputs, create_graph)),
        _shaped_like(inputs_tuple, _finish(result, create_graph)),
    )


@_grad_mode_on
def jvp(
    func: Callable[..., Tensors],
    inputs: Tensors,
    v: Tensors | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Tensors, Tensors]:
    """Return ``(func(*inputs), J v)``: the Jacobian-vector product (a directional derivative).

    Computed by the double-vjp construction: with u a dummy vector shaped like the outputs,
    g(u) = u^T J is recorded, and d(g(u) . v)/du = J v.
    """
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    vectors = _check_vectors(v, inputs, inputs_tuple, "input to the user-provided function", "jvp")
    x = _prepare_inputs(inputs, create_graph, "jvp")
    outputs_tuple, outputs = _call(func, x, "jvp")
    result = _double_vjp(outputs, x, vectors, create_graph, strict, "jvp")
    if create_graph:
        _check_depends(
            result,
            strict,
            "jvp",
            "the jacobian of the user-provided function is independent of input {i}",
        )
    return (
        _shaped_like(outputs_tuple, _finish(outputs, create_graph)),
        _shaped_like(outputs_tuple, _finish(result, create_graph)),
    )


@_grad_mode_on
def jacobian(
    func: Callable[..., Tensors],
    inputs: Tensors,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """Return J with ``J[k][i] = d outputs[k] / d inputs[i]``, of shape
    ``outputs[k].shape + inputs[i].shape``.

    Nesting follows PyTorch: a single output and a single input give one Tensor; a tuple on
    either side adds one level of tuples (outputs outside, inputs inside). ``strategy`` is
    "reverse-mode" (one vjp per output element) or "forward-mode" (one jvp per input element;
    PyTorch requires ``vectorize=True`` for it, so this does too). ``vectorize`` changes only
    speed in PyTorch; here every row is computed in turn, with the same values.
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(
            f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}"
        )
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError(
            "jacobian: strategy='forward-mode' needs vectorize=True (as in PyTorch)"
        )
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    x = _prepare_inputs(inputs, create_graph, "jacobian")
    outputs_tuple, outputs = _call(func, x, "jacobian")
    if strategy == "forward-mode":
        blocks = _jacobian_by_columns(func, inputs, outputs, create_graph, strict)
    else:
        blocks = _jacobian_by_rows(outputs, x, create_graph, strict)
    nested = tuple(_shaped_like(inputs_tuple, row) for row in blocks)
    return _shaped_like(outputs_tuple, nested)


def _stack(pieces: list[Tensor], shape: tuple[int, ...], dtype: Any) -> Tensor:
    """Stack per-element derivatives into one Tensor of ``shape`` (recorded if they are)."""
    if not pieces:
        return Tensor(np.zeros(shape, dtype=dtype))
    return stack(pieces).reshape(shape)


def _jacobian_by_rows(outputs: tuple, x: tuple, create_graph: bool, strict: bool) -> list:
    rows: list[list[list[Tensor]]] = [[[] for _ in x] for _ in outputs]
    for k, output in enumerate(outputs):
        for index in range(output.numpy().size):
            onehots = tuple(
                Tensor(np.zeros(o.shape, dtype=o.dtype)) if j != k else _onehot(o, index)
                for j, o in enumerate(outputs)
            )
            row = _vjp(
                (output,),
                x,
                (onehots[k],),
                create_graph,
                strict,
                "jacobian",
                f"output {k} is independent of input {{i}}",
            )
            for i, value in enumerate(row):
                rows[k][i].append(value)
    return [
        tuple(
            _finish((_stack(rows[k][i], output.shape + tensor.shape, tensor.dtype),), create_graph)[
                0
            ]
            for i, tensor in enumerate(x)
        )
        for k, output in enumerate(outputs)
    ]


def _jacobian_by_columns(
    func: Callable, inputs: tuple, outputs: tuple, create_graph: bool, strict: bool
) -> list:
    columns: list[list[list[Tensor]]] = [[[] for _ in inputs] for _ in outputs]
    for i, tensor in enumerate(inputs):
        for index in range(tensor.numpy().size):
            direction = tuple(
                _onehot(t, index) if j == i else Tensor(np.zeros(t.shape, dtype=t.dtype))
                for j, t in enumerate(inputs)
            )
            _, column = jvp(func, inputs, direction, create_graph=create_graph, strict=strict)
            column = column if isinstance(column, tuple) else (column,)
            for k, value in enumerate(column):
                columns[k][i].append(value)
    blocks = []
    for k, output in enumerate(outputs):
        row = []
        for i, tensor in enumerate(inputs):
            # the columns run over the input's elements: stack them last, then move the axis
            stacked = _stack(columns[k][i], (tensor.numpy().size,) + output.shape, output.dtype)
            moved = stacked.transpose(*range(1, stacked.ndim), 0)
            row.append(moved.reshape(output.shape + tensor.shape))
        blocks.append(tuple(_finish(tuple(row), create_graph)))
    return blocks


def _onehot(like: Tensor, index: int) -> Tensor:
    array = np.zeros(like.shape, dtype=like.dtype)
    array.reshape(-1)[index] = 1
    return Tensor(array)


@_grad_mode_on
def hessian(
    func: Callable[..., Tensor],
    inputs: Tensors,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """Return ``H[i][j] = d^2 f / d inputs[i] d inputs[j]`` for a scalar ``f``, of shape
    ``inputs[i].shape + inputs[j].shape`` (one Tensor for a single input)."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*x: Tensor) -> Tensors:
        output = _scalar_output(func(*x), "hessian")
        gradients = _vjp(
            (output,), x, (Tensor(np.ones((), dtype=output.dtype)),), True, strict, "hessian"
        )
        _check_depends(gradients, strict, "hessian", HESSIAN_MESSAGE)
        return _shaped_like(inputs_tuple, gradients)

    given = inputs if inputs_tuple else inputs[0]
    return jacobian(gradient, given, create_graph, strict, vectorize, outer_jacobian_strategy)


def _scalar_output(output: Any, caller: str) -> Tensor:
    if isinstance(output, tuple) and len(output) == 1:
        output = output[0]
    if not isinstance(output, Tensor):
        raise TypeError(
            f"{caller}: the function must return a single Tensor, got {type(output).__name__}"
        )
    if output.numpy().size != 1:
        raise RuntimeError(
            f"{caller}: the function must return a Tensor with a single element, "
            f"got shape {tuple(output.shape)}"
        )
    return output.reshape(())


HESSIAN_MESSAGE = (
    "the gradient of the user-provided function with respect to input {i} does not depend on "
    "the inputs (a linear function, for example)"
)


@_grad_mode_on
def vhp(
    func: Callable[..., Tensor],
    inputs: Tensors,
    v: Tensors | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Tensor, Tensors]:
    """Return ``(func(*inputs), v^T H)`` for a scalar ``func``: the gradient of
    (grad f . v), two reverse passes, no Hessian formed."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
    vectors = _check_vectors(v, inputs, inputs_tuple, "input to the user-provided function", "vhp")
    x = _prepare_inputs(inputs, create_graph, "vhp")
    output = _scalar_output(func(*x), "vhp")
    gradient = _vjp((output,), x, (Tensor(np.ones((), dtype=output.dtype)),), True, strict, "vhp")
    _check_depends(gradient, strict, "vhp", HESSIAN_MESSAGE)
    result = _vjp(gradient, x, vectors, create_graph, strict, "vhp", HESSIAN_MESSAGE)
    return _finish((output,), create_graph)[0], _shaped_like(
        inputs_tuple, _finish(result, create_graph)
    )


@_grad_mode_on
def hvp(
    func: Callable[..., Tensor],
    inputs: Tensors,
    v: Tensors | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Tensor, Tensors]:
    """Return ``(func(*inputs), H v)`` for a scalar ``func``.

    By the double-vjp construction, as PyTorch does: with u a dummy vector, g(u) = u^T H is
    recorded and d(g(u) . v)/du = H v. For a twice continuously differentiable ``func``, H is
    symmetric and this equals :func:`vhp`.
    """
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hvp")
    vectors = _check_vectors(v, inputs, inputs_tuple, "input to the user-provided function", "hvp")
    x = _prepare_inputs(inputs, create_graph, "hvp")
    output = _scalar_output(func(*x), "hvp")
    gradient = _vjp((output,), x, (Tensor(np.ones((), dtype=output.dtype)),), True, strict, "hvp")
    _check_depends(gradient, strict, "hvp", HESSIAN_MESSAGE)
    result = _double_vjp(gradient, x, vectors, create_graph, False, "hvp")  # J = d(grad f)/dx = H
    return _finish((output,), create_graph)[0], _shaped_like(
        inputs_tuple, _finish(result, create_graph)
    )
