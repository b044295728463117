"""Exercise 2: the chain rule, op by op: mul, add and tanh as autograd.Functions."""

from __future__ import annotations

import numpy as np

import autograd

from .core import Exercise, Mistake, as_array, changed


def _tensor(values, dtype=np.float64):
    return autograd.tensor(np.array(values, dtype=dtype), requires_grad=True)


def _apply_case(inputs, upstream, dtype=np.float64):
    """Forward, then backward twice (retain_graph=True) with an upstream gradient that is not
    all ones (so a backward that ignores ``grad`` shows). Observes the output, each input's
    gradient, the invariants: forward left its arguments unchanged, and a second backward gave
    the same gradients (backward left the saved arrays unchanged)."""
    names = ["a", "b"] if len(inputs) == 2 else ["x"]

    def case(op):
        tensors = [_tensor(v, dtype) for v in inputs]
        before = {n: np.array(v, dtype=dtype) for n, v in zip(names, inputs, strict=True)}
        out = op.apply(*tensors)
        forward = as_array(out)
        now = {n: np.array(np.asarray(t.data)) for n, t in zip(names, tensors, strict=True)}
        weights = np.array(upstream, dtype=dtype)
        loss = (out * weights).sum()
        loss.backward(retain_graph=True)
        first = [as_array(t.grad) for t in tensors]
        for t in tensors:
            t.grad = None
        loss.backward()
        second = [as_array(t.grad) for t in tensors]
        observed = {"forward": forward}
        observed.update({f"{n}.grad": g for n, g in zip(names, first, strict=True)})
        observed["arguments changed in place"] = changed(before, now)
        observed["a second backward (retain_graph=True) minus the first"] = [
            _largest_change(f, s) for f, s in zip(first, second, strict=True)
        ]
        return observed

    return case


# Taken at import, before a notebook's cells run.
_subtract, _isfinite, _abs = np.subtract, np.isfinite, np.abs


def _largest_change(first, second):
    """The largest difference between two gradients of the same input, over their finite
    entries (0 when they cannot be compared: a wrong gradient is reported elsewhere)."""
    arrays = all(isinstance(v, np.ndarray) and v.dtype.kind in "biuf" for v in (first, second))
    if not arrays or first.shape != second.shape:
        return 0.0
    finite = _isfinite(first) & _isfinite(second)
    return float(_abs(_subtract(second, first))[finite].max(initial=0.0))


def binary_case(a, b, upstream, dtype=np.float64):
    return _apply_case([a, b], upstream, dtype)


def unary_case(x, upstream, dtype=np.float64):
    return _apply_case([x], upstream, dtype)


RNG = np.random.default_rng(2)
A23, B23, U23 = (RNG.standard_normal((2, 3)).round(2) for _ in range(3))

BINARY_CASES = {
    "a = [1, -2, 3], b = [4, 0.5, -1], upstream gradient [1, 2, -1]": binary_case(
        [1.0, -2.0, 3.0], [4.0, 0.5, -1.0], [1.0, 2.0, -1.0]
    ),
    "2x3 inputs with a random upstream gradient": binary_case(A23, B23, U23),
    "2x3 float32 inputs (the results keep float32)": binary_case(A23, B23, U23, np.float32),
    "inputs of size 1e150 and 1e-150": binary_case([1e150, -3e150], [2e-150, 5e-151], [1.0, -2.0]),
}

UNARY_CASES = {
    "x = [-2, -0.5, 0, 1, 3], upstream gradient [1, -1, 2, 0.5, 1]": unary_case(
        [-2.0, -0.5, 0.0, 1.0, 3.0], [1.0, -1.0, 2.0, 0.5, 1.0]
    ),
    "2x3 input with a random upstream gradient": unary_case(A23, U23),
    "2x3 float32 input (the results keep float32)": unary_case(A23, U23, np.float32),
    "large inputs x = [-1000, -400, 20, 400, 1000]": unary_case(
        [-1000.0, -400.0, 20.0, 400.0, 1000.0], [1.0, 2.0, 3.0, 4.0, 5.0]
    ),
}


# -- the references: the library's own ops behind the student's interface ---------------------


class Mul(autograd.Function):
    """y = a * b;  dL/da = grad * b,  dL/db = grad * a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        # The library's product, differentiated by the library: the reference is its result.
        ta, tb = _tensor(a, a.dtype), _tensor(b, b.dtype)
        (ta * tb * grad).sum().backward()
        return np.asarray(ta.grad), np.asarray(tb.grad)


class Add(autograd.Function):
    """y = a + b;  dL/da = grad,  dL/db = grad."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a + b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ta, tb = _tensor(a, a.dtype), _tensor(b, b.dtype)
        ((ta + tb) * grad).sum().backward()
        return np.asarray(ta.grad), np.asarray(tb.grad)


class Tanh(autograd.Function):
    """y = tanh(x);  dL/dx = grad * (1 - y^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.asarray(autograd.tanh(autograd.tensor(x)).data)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        tx = _tensor(x, x.dtype)
        (autograd.tanh(tx) * grad).sum().backward()
        return np.asarray(tx.grad)


# -- typical wrong implementations ------------------------------------------------------------


class MulSwapped(Mul):
    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * a, grad * b


class MulWithoutGrad(Mul):
    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return b, a


class MulOneGradient(Mul):
    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * a * b


class AddWithoutGrad(Add):
    @staticmethod
    def backward(ctx, grad):
        return np.ones_like(grad), np.ones_like(grad)


class AddSubtracts(Add):
    @staticmethod
    def backward(ctx, grad):
        return grad, -grad


class AddSplits(Add):
    @staticmethod
    def backward(ctx, grad):
        return grad / 2, grad / 2


class TanhOfInput(Tanh):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.tanh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (1 - x**2)


class TanhWithoutGrad(Tanh):
    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return 1 - y**2


class TanhCosh(Tanh):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.tanh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * np.cosh(x) ** 2


class TanhSquaredDifference(Tanh):
    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y) ** 2


EXERCISES = [
    Exercise(
        id="ex02_mul",
        title="Mul: forward and backward of a * b",
        name="Mul",
        reference=Mul,
        cases=BINARY_CASES,
        checked=(
            "forward and both gradients on 1-D and 2x3 inputs, float32 and float64, values of "
            "1e150 and 1e-150; arguments unchanged, a second backward giving the same "
            "gradients"
        ),
        mistakes=(
            Mistake(
                MulSwapped,
                "your gradient for a is grad * a, but d(a*b)/da = b: return (grad * b, grad * a)",
            ),
            Mistake(
                MulWithoutGrad,
                "your backward ignores the incoming gradient: the chain rule multiplies each "
                "local derivative by grad",
            ),
            Mistake(
                MulOneGradient,
                "your backward returns one gradient for two inputs: return a pair, one "
                "gradient per input of forward",
            ),
        ),
    ),
    Exercise(
        id="ex02_add",
        title="Add: forward and backward of a + b",
        name="Add",
        reference=Add,
        cases=BINARY_CASES,
        checked=(
            "forward and both gradients on 1-D and 2x3 inputs, float32 and float64, values of "
            "1e150 and 1e-150; arguments unchanged, a second backward giving the same "
            "gradients"
        ),
        mistakes=(
            Mistake(
                AddWithoutGrad,
                "your backward returns ones, ignoring the incoming gradient: d(a+b)/da = 1, so "
                "each input receives grad itself",
            ),
            Mistake(
                AddSubtracts,
                "your gradient for b has the wrong sign: d(a+b)/db = +1 (it is a - b whose "
                "gradient for b is -grad)",
            ),
            Mistake(
                AddSplits,
                "you split grad between the inputs, but each one receives all of it: "
                "d(a+b)/da = d(a+b)/db = 1",
            ),
        ),
    ),
    Exercise(
        id="ex02_tanh",
        title="Tanh: forward and backward of tanh(x)",
        name="Tanh",
        reference=Tanh,
        cases=UNARY_CASES,
        checked=(
            "forward and gradient on ordinary, float32 and large inputs (|x| up to 1000); the "
            "argument unchanged, a second backward giving the same gradient"
        ),
        mistakes=(
            Mistake(
                TanhOfInput,
                "your backward uses 1 - x^2, but d tanh(x)/dx = 1 - tanh(x)^2 = 1 - y^2: save "
                "the output y in forward and use it",
            ),
            Mistake(
                TanhWithoutGrad,
                "your backward ignores the incoming gradient: return grad * (1 - y^2)",
            ),
            Mistake(
                TanhCosh,
                "you multiplied by cosh(x)^2, but d tanh(x)/dx = 1 / cosh(x)^2 = 1 - tanh(x)^2",
            ),
            Mistake(
                TanhSquaredDifference,
                "(1 - y)^2 is not 1 - y^2: square y first, then subtract it from 1",
            ),
        ),
    ),
]
