"""autograd: tensors that record their computation, and reverse-mode differentiation.

Backpropagation lives here: ``Tensor.backward()`` fills in ``.grad`` on the leaves.
Using those gradients to move parameters (gradient descent) is ``optim``'s job.

Note: the unrelated PyPI package "autograd" (HIPS) uses the same import name; install only one of
the two in an environment.
"""

from .anomaly import detect_anomaly
from .creation import arange, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .engine import grad
from .function import Function, Node
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .random import get_generator, manual_seed
from .routines import (
    abs,
    add,
    argmax,
    argmin,
    as_tensor,
    broadcast_to,
    clip,
    concatenate,
    cos,
    divide,
    exp,
    expand_dims,
    flatten,
    log,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    multiply,
    negative,
    power,
    relu,
    reshape,
    sigmoid,
    sin,
    sqrt,
    squeeze,
    stack,
    std,
    subtract,
    sum,
    swapaxes,
    tanh,
    transpose,
    var,
    where,
)
from .tensor import Tensor

__all__ = [
    "Function", "GradcheckError", "Node", "Tensor", "abs", "add", "arange", "argmax", "argmin",
    "as_tensor", "broadcast_to", "clip", "concatenate", "cos", "detect_anomaly", "divide",
    "enable_grad", "exp", "expand_dims", "flatten", "get_generator", "grad", "gradcheck",
    "gradgradcheck", "is_grad_enabled", "log", "logsumexp", "manual_seed", "matmul", "max",
    "maximum", "mean", "min", "minimum", "multiply", "negative", "no_grad", "ones", "ones_like",
    "power", "rand", "randn", "relu", "reshape", "sigmoid", "sin", "sqrt", "squeeze", "stack",
    "std", "subtract", "sum", "swapaxes", "tanh", "tensor", "transpose", "var", "where",
    "zeros", "zeros_like",
]
