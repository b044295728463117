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

import importlib
from typing import TYPE_CHECKING, Any

# isort: off
from .tensor import Tensor  # first: every module below builds on it
from .conversion import as_tensor

# isort: on
from . import accelerator, amp, backends, cuda, distributed, functional, graph, versions
from . import engine as _engine
from . import function as _function
from . import function_details as _function_details
from . import inplace as _inplace
from . import numpy_protocol as _numpy_protocol
from . import ops as _ops  # noqa: F401  (declares every op)
from . import python_protocols as _python_protocols
from . import torch_facade as _torch_facade
from . import views as _views
from .anomaly import detect_anomaly
from .checkpoint import load, save
from .compile import compile
from .creation import (
    arange,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from .defaults import (
    get_default_device,
    get_default_dtype,
    set_default_device,
    set_default_dtype,
    set_printoptions,
)
from .devices import check_device, device
from .dtypes import (
    bfloat16,
    bool,
    contiguous_format,
    double,
    finfo,
    float,
    float16,
    float32,
    float64,
    half,
    iinfo,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    preserve_format,
    short,
    uint8,
)
from .function import Function, Node
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .grad_switch import set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .gradients import grad
from .graph import origins as _origins
from .graph import scope, trace, trace_backward

if TYPE_CHECKING:
    from .graph.draw import Graph, draw_graph
from .inference import inference_mode
from .legacy_tensors import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from .meanings import is_pytorch_meanings, pytorch_meanings
from .random import get_generator, manual_seed
from .registry import exports as _exports
from .registry import install_attributes as _install_attributes
from .registry import install_methods as _install_methods
from .runtime import (
    are_deterministic_algorithms_enabled,
    get_num_threads,
    is_deterministic_algorithms_warn_only_enabled,
    set_num_threads,
    use_deterministic_algorithms,
)
from .sampling import (
    Generator,
    bernoulli,
    multinomial,
    normal,
    rand_like,
    randn_like,
    randperm,
)
from .torch_methods import TorchMethods as _TorchMethods
from .torch_methods import amax, amin, bmm, rsqrt

# Tensor's methods beyond its core (tensor.py), installed from the modules that define them.
setattr(Tensor, "backward", _engine.backward)  # noqa: B010 - installed, as ops are
_install_methods(Tensor)  # every op's method and operators (autograd/ops)
_install_attributes(_inplace.InPlace, Tensor)
_function_details.UNRECORDED_HOOKS.append(_origins.note)  # drawings: where copies began
_install_attributes(_torch_facade.NodeSpellings, _function.Node)  # grad_fn.next_functions
_function_details.UNRECORDED_HOOKS.append(_views.note_unrecorded)  # views of leaves
_install_attributes(_numpy_protocol.NumpyProtocols, Tensor)
_install_attributes(_python_protocols.PythonProtocols, Tensor)
_install_attributes(_torch_facade.TorchSpellings, Tensor)
_torch_facade.install_lacking(Tensor)  # refusals with hints; never over a real method
_install_attributes(_TorchMethods, Tensor)
_ops_exported = _exports()

__all__ = [
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "DoubleTensor",
    "FloatTensor",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "ShortTensor",
    "Generator",
    "accelerator",
    "amax",
    "amin",
    "amp",
    "bmm",
    "rsqrt",
    "backends",
    "distributed",
    "get_default_device",
    "get_default_dtype",
    "multinomial",
    "normal",
    "rand_like",
    "randn_like",
    "randperm",
    "bernoulli",
    "set_default_device",
    "set_default_dtype",
    "set_grad_enabled",
    "set_printoptions",
    "Function",
    "GradcheckError",
    "Graph",
    "Node",
    "Tensor",
    "arange",
    "as_tensor",
    "bfloat16",
    "bool",
    "contiguous_format",
    "check_device",
    "compile",
    "cuda",
    "device",
    "empty",
    "eye",
    "from_numpy",
    "functional",
    "full",
    "full_like",
    "linspace",
    "load",
    "randint",
    "double",
    "float",
    "float16",
    "float32",
    "float64",
    "half",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "long",
    "short",
    "uint8",
    "detect_anomaly",
    "draw_graph",
    "enable_grad",
    "get_generator",
    "get_num_threads",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "is_pytorch_meanings",
    "manual_seed",
    "inference_mode",
    "preserve_format",
    "finfo",
    "iinfo",
    "no_grad",
    "ones",
    "ones_like",
    "pytorch_meanings",
    "rand",
    "randn",
    "save",
    "scope",
    "set_num_threads",
    "tensor",
    "trace",
    "trace_backward",
    "use_deterministic_algorithms",
    "are_deterministic_algorithms_enabled",
    "is_deterministic_algorithms_warn_only_enabled",
    "versions",
    "zeros",
    "zeros_like",
    "empty_like",
]
if _clash := set(__all__) & set(_ops_exported):  # an op must not hide another public name
    raise RuntimeError(f"autograd: ops declared under names already taken: {sorted(_clash)}")
globals().update(_ops_exported)
__all__ += sorted(_ops_exported)


# Loaded at first use (import time): PyTorch's namespaces torch.linalg and torch.special, and
# the drawing layer's names (autograd/graph/__init__.py's LAZY).
_LAZY_MODULES = ("linalg", "special")


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in ("Graph", "draw_graph"):
        value = globals()[name] = getattr(graph, name)
        return value
    raise _torch_facade.missing_module_attribute(name, __all__)
