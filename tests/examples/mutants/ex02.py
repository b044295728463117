"""Exercise 2's wrong and correct solutions for the mutation suite.

The chain rule: Mul, Add and Tanh as ``autograd.Function``.

What ``wrong`` and ``right`` register: see the ``mutants`` package.
"""

from __future__ import annotations

import numpy as np

import autograd

from .common import ARGUMENT, DTYPE, LARGE, LINE, SAVED, right, wrong

# == ex02_mul ====================================================================================


class MulInPlace(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a.copy(), b.copy())
        a *= b  # into the argument
        return a

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * a


class MulOverwritesSaved(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        b *= grad  # the saved input, overwritten
        a *= grad
        return b, a


class MulDot(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return np.dot(grad, b), np.dot(grad, a)


class MulFloat32(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad * b).astype(np.float32), (grad * a).astype(np.float32)


class MulCopyPaste(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * b


wrong("ex02_mul", ARGUMENT)(MulInPlace)
wrong("ex02_mul", SAVED)(MulOverwritesSaved)
wrong("ex02_mul", r"shape")(MulDot)
wrong("ex02_mul", DTYPE)(MulFloat32)
wrong("ex02_mul", r"b\.grad")(MulCopyPaste)


@right("ex02_mul")
class MulAttributes(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.a, ctx.b = a, b
        return np.multiply(a, b)

    @staticmethod
    def backward(ctx, grad):
        return np.multiply(ctx.b, grad), np.multiply(ctx.a, grad)


@right("ex02_mul")
class MulCopies(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a.copy(), b.copy())
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        grad_a = b.copy()
        grad_a *= grad
        return grad_a, a * grad


@right("ex02_mul")
class MulSavedProduct(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        out = np.empty_like(a)
        np.multiply(a, b, out=out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return b * grad, a * grad


# == ex02_add ====================================================================================


class AddInPlace(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        a += b
        return a

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class AddSummed(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad.sum(), grad.sum()


class AddNone(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class AddUnsaved(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return np.ones_like(a) * grad, np.ones_like(b) * grad  # noqa: F821


class AddFloat32(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return (a + b).astype(np.float32)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


wrong("ex02_add", ARGUMENT)(AddInPlace)
wrong("ex02_add", r"shape")(AddSummed)
wrong("ex02_add", r"b\.grad")(AddNone)
wrong("ex02_add", LINE)(AddUnsaved)
wrong("ex02_add", DTYPE)(AddFloat32)


@right("ex02_add")
class AddNumpy(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return np.add(a, b)

    @staticmethod
    def backward(ctx, grad):
        return grad.copy(), grad.copy()


@right("ex02_add")
class AddOnes(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a + b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return np.ones_like(a) * grad, grad * np.ones_like(b)


@right("ex02_add")
class AddScaled(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return b + a

    @staticmethod
    def backward(ctx, grad):
        return 1.0 * grad, grad + 0.0


# == ex02_tanh ===================================================================================


class TanhFromExp(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y**2)


class TanhOverwritesSaved(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        y **= 2  # the saved output, overwritten
        return grad * (1 - y)


class TanhIntoInput(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x, out=x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y**2)


class TanhTwice(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - np.tanh(y) ** 2)


class TanhFloat32(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x.astype(np.float32))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y**2)


wrong("ex02_tanh", LARGE)(TanhFromExp)
wrong("ex02_tanh", SAVED)(TanhOverwritesSaved)
wrong("ex02_tanh", ARGUMENT)(TanhIntoInput)
wrong("ex02_tanh", r"x\.grad|backward")(TanhTwice)
wrong("ex02_tanh", DTYPE)(TanhFloat32)


@right("ex02_tanh")
class TanhSavesInput(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.tanh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (1 - np.tanh(x) ** 2)


@right("ex02_tanh")
class TanhCoshSquared(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return np.tanh(x)

    @staticmethod
    def backward(ctx, grad):
        with np.errstate(over="ignore"):
            return grad / np.cosh(ctx.x) ** 2


@right("ex02_tanh")
class TanhStableExp(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        with np.errstate(over="ignore"):
            y = 1.0 - 2.0 / (np.exp(2.0 * x) + 1.0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - grad * y * y
