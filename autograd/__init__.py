"""autograd: tensors that record their computation, and reverse-mode differentiation.

Backpropagation lives here: ``Tensor.backward()`` fills in ``.grad`` on the leaves.
Using those gradients to move parameters (gradient descent) is ``optim``'s job.

The tensor operations (``autograd.exp``, ``autograd.sum``, ``autograd.concatenate``, ...) are not
listed here: each is declared once next to its ``Function`` in ``autograd/ops``, and that
declaration exports it, makes it a Tensor method and routes NumPy's function to it
(see ``autograd.registry``).

Note: the unrelated PyPI package "autograd" (HIPS) uses the same import name; install only one of
the two in an environment.
"""

from .tensor import Tensor, as_tensor  # noqa: I001  (first: the modules below build on it)
from . import ops as _ops  # noqa: F401  (declares every op)
from . import versions
from .anomaly import detect_anomaly
from .creation import arange, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .function import Function, Node
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .gradients import grad
from .graph import Graph, draw_graph, scope, trace, trace_backward
from .random import get_generator, manual_seed
from .registry import exports as _exports
from .registry import install_methods as _install_methods
from .runtime import get_num_threads, set_num_threads

_install_methods(Tensor)
_ops_exported = _exports()

__all__ = [
    "Function",
    "GradcheckError",
    "Graph",
    "Node",
    "Tensor",
    "arange",
    "as_tensor",
    "detect_anomaly",
    "draw_graph",
    "enable_grad",
    "get_generator",
    "get_num_threads",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "manual_seed",
    "no_grad",
    "ones",
    "ones_like",
    "rand",
    "randn",
    "scope",
    "set_num_threads",
    "tensor",
    "trace",
    "trace_backward",
    "versions",
    "zeros",
    "zeros_like",
]
if _clash := set(__all__) & set(_ops_exported):  # an op must not hide another public name
    raise RuntimeError(f"autograd: ops declared under names already taken: {sorted(_clash)}")
globals().update(_ops_exported)
__all__ += sorted(_ops_exported)
