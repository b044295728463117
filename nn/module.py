"""``Module``: the base class of every layer and model.

A module owns three registries, filled by plain attribute assignment in ``__init__``:
parameters (``nn.Parameter``), buffers (``register_buffer``: state that is saved but not trained,
such as BatchNorm's running statistics) and sub-modules. Names follow PyTorch, so
``state_dict()`` keys (``"0.weight"``, ``"bn.running_mean"``) match the equivalent torch model.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

import autograd
from autograd.compile.protocol import track as _track

from . import devices as _devices
from . import state_dict as _state
from .parameter import Parameter
from .state_dict import IncompatibleKeys

_call_in_scope = autograd.scope.call  # looked up once, not on every module call


def _name(name: str, value: Any) -> None:
    """Name registered tensors by their path (``0.weight``), as drawings show them: a tensor when
    it is registered, and again with a prefix when its module is (a name the user chose stays)."""
    if isinstance(value, Module):
        tensors: list[tuple[str, str, autograd.Tensor]]
        tensors = [(f"{name}.{path}", path, t) for path, t in value.named_parameters()]
        tensors += [(f"{name}.{path}", path, t) for path, t in value.named_buffers()]
    else:
        tensors = [(name, name, value)] if isinstance(value, autograd.Tensor) else []
    for path, local, tensor in tensors:
        if tensor.name is None or tensor.name == local or tensor.name.endswith("." + local):
            tensor.name = path


def _as_buffer(owner: str, name: str, value: Any) -> autograd.Tensor | None:
    """Buffers are stored as Tensors that never require grad (like PyTorch's)."""
    if value is None or isinstance(value, autograd.Tensor):
        return value
    if isinstance(value, np.ndarray | np.generic | int | float | bool):
        return autograd.Tensor(np.array(value))
    raise TypeError(
        f"{owner}.register_buffer: buffer {name!r} must be a Tensor, a NumPy array or None, "
        f"got {type(value).__name__}"
    )


def _locate(error: Exception, module: Module) -> None:
    """Say in ``error``'s message which sub-module it came from, e.g.
    ``in model.2 (Linear(in_features=8, ...)): linear: input shape ...``.

    Called by every ``Module.__call__`` the error passes through, innermost first. The first
    one only remembers its module and the original message on the error (a module called on
    its own adds nothing: the caller knows what it called); each enclosing one then writes the
    path from itself down to that module, so the outermost call, the model the user called,
    leaves the full path. Only runs when an error is raised, so it may search.
    """
    origin = getattr(error, "_module_origin", None)
    if origin is None:
        text = error.args[0] if len(error.args) == 1 else None
        # (An exception type without a __dict__ cannot be marked: it stays as it is.)
        with contextlib.suppress(AttributeError):
            origin = (module, text if isinstance(text, str) else None)
            setattr(error, "_module_origin", origin)  # noqa: B010 - an attribute of ours on any exception
        return
    failing, text = origin
    if text is None or failing is module:
        return
    for path, sub in module.named_modules():
        if sub is failing:
            shown = repr(failing)
            if "\n" in shown:  # a container: its type is enough, the tree would drown the error
                shown = f"{type(failing).__name__}(...)"
            error.args = (f"in model.{path} ({shown}): {text}",)
            return


class Module:
    """Base class for layers and models; subclasses set attributes and define ``forward``.

    ``module(x)`` calls ``module.forward(x)``. Example::

        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(2, 16)
                self.fc2 = nn.Linear(16, 1)

            def forward(self, x):
                return self.fc2(self.fc1(x).relu())

    Registered values are also stored as ordinary attributes, so reading ``self.fc1`` in
    ``forward`` costs one dict lookup (no ``__getattr__`` detour) on the training hot path.
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, autograd.Tensor | None]
    _modules: dict[str, Module | None]
    _non_persistent: set[str]

    def __init__(self) -> None:
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_modules"] = {}
        d["_non_persistent"] = set()
        _track(self)  # so a compiled step that reaches this module indirectly still sees it

    # ------------------------------------------------------------------ attribute registration

    def _not_initialised(self, name: str) -> str:
        cls = type(self).__name__
        return (
            f"{cls}: attribute {name!r} used before Module.__init__() ran; "
            f"call super().__init__() first thing in {cls}.__init__"
        )

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if params is None:
            raise RuntimeError(self._not_initialised(name))
        modules, buffers = d["_modules"], d["_buffers"]
        # Re-assigning keeps the entry's place (dict order = registration order, as PyTorch).
        if isinstance(value, Parameter):
            self._unregister(name, keep=params)
            params[name] = value
            _name(name, value)
        elif isinstance(value, Module):
            self._unregister(name, keep=modules)
            modules[name] = value
            _name(name, value)
        elif name in params or name in modules:
            if value is not None:
                kind = "parameter" if name in params else "sub-module"
                want = "nn.Parameter" if name in params else "nn.Module"
                raise TypeError(
                    f"{type(self).__name__}: cannot assign {type(value).__name__} to {kind} "
                    f"{name!r} (expected {want} or None)"
                )
            (params if name in params else modules)[name] = None
        elif name in buffers:
            value = _as_buffer(type(self).__name__, name, value)
            buffers[name] = value
            _name(name, value)
        object.__setattr__(self, name, value)

    def _unregister(self, name: str, keep: dict[str, Any] | None = None) -> None:
        d = self.__dict__
        for registry in (d["_parameters"], d["_modules"], d["_buffers"]):
            if registry is not keep:
                registry.pop(name, None)
        d["_non_persistent"].discard(name)

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup failed.
        if "_parameters" not in self.__dict__:
            raise AttributeError(self._not_initialised(name))
        raise AttributeError(f"'{type(self).__name__}' module has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        if "_parameters" in self.__dict__:
            self._unregister(name)
        object.__delattr__(self, name)

    def _check_new_name(self, method: str, name: Any, registry: dict[str, Any]) -> None:
        cls = type(self).__name__
        if "_parameters" not in self.__dict__:
            raise RuntimeError(self._not_initialised(str(name)))
        if not isinstance(name, str) or not name or "." in name:
            raise ValueError(
                f"{cls}.{method}: name must be a non-empty str without '.', got {name!r}"
            )
        if hasattr(self, name) and name not in registry:
            raise KeyError(f"{cls}.{method}: attribute {name!r} already exists")

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """Register state that is not trained (``.requires_grad`` stays False) but belongs in
        ``state_dict()`` (unless ``persistent=False``); arrays are wrapped in a ``Tensor``."""
        self._check_new_name("register_buffer", name, self._buffers)
        self._unregister(name)
        value = _as_buffer(type(self).__name__, name, tensor)
        self._buffers[name] = value
        _name(name, value)
        if not persistent:
            self._non_persistent.add(name)
        object.__setattr__(self, name, value)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or a ``None`` placeholder) under ``name``."""
        self._register("register_parameter", name, param, self._parameters, Parameter)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` (or ``None``) as a child called ``name``."""
        self._register("add_module", name, module, self._modules, Module)

    def _register(
        self, method: str, name: str, value: Any, registry: dict[str, Any], kind: type
    ) -> None:
        # The checks and bookkeeping shared by register_parameter and add_module.
        self._check_new_name(method, name, registry)
        if value is not None and not isinstance(value, kind):
            raise TypeError(
                f"{type(self).__name__}.{method}: {name!r} must be an nn.{kind.__name__} "
                f"or None, got {type(value).__name__}"
            )
        self._unregister(name)
        registry[name] = value
        object.__setattr__(self, name, value)
        _name(name, value)

    register_module = add_module

    # ------------------------------------------------------------------------------ forward

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the module's output; every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__}.forward is not implemented")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Ops recorded inside are stamped with this module, so that
        # ``autograd.draw_graph(loss, group_modules=model)`` can draw one cluster per call
        # (under no_grad it is just the call). A function rather than a ``with autograd.scope``
        # block: cheaper, and a small model makes several module calls per step.
        # A ValueError or TypeError (a shape or dtype check) raised inside gets the path of the
        # innermost module it came from; a try costs nothing until something is raised.
        try:
            return _call_in_scope(self, self.forward, args, kwargs)
        except (ValueError, TypeError) as error:
            _locate(error, self)
            raise

    # ---------------------------------------------------------------------------- traversal

    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """Yield ``(dotted_name, module)`` for this module (name ``""``) and every descendant,
        parent before children, each module once unless ``remove_duplicate=False``."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                sub = f"{prefix}.{name}" if prefix else name
                yield from child.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """Yield this module and all its descendants (each once)."""
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, child)`` for the direct sub-modules (each once)."""
        seen: set[int] = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Module]:
        """Yield the direct sub-modules."""
        for _, child in self.named_children():
            yield child

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        mods = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        for mod_prefix, module in mods:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(dotted_name, parameter)`` in registration order; a parameter shared by two
        modules is yielded once (under its first name)."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Yield every learnable parameter once (what an optimizer needs)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, autograd.Tensor]]:
        """Yield ``(dotted_name, buffer)`` for every registered, non-None buffer."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[autograd.Tensor]:
        """Yield every non-None buffer once."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def num_parameters(self, trainable_only: bool = False) -> int:
        """Total number of scalar weights, ``sum(p.size)`` over unique parameters."""
        return sum(p.size for p in self.parameters() if p.requires_grad or not trainable_only)

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module (children first, as PyTorch) and then on ``self``;
        e.g. ``model.apply(init_weights)``. Returns ``self``."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def __compile_state__(self) -> Any:
        """What a step captured by ``autograd.compile`` depends on here: the parameters and
        buffers (inputs), every module's training flag and registered members (guards)."""
        from .compile_state import module_state

        return module_state(self)

    # ----------------------------------------------------------------------- training state

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``True``) or evaluation mode on this module and all descendants.
        Dropout and BatchNorm behave differently in the two modes. Returns ``self``."""
        if not isinstance(mode, bool):
            raise TypeError(f"{type(self).__name__}.train: mode must be a bool, got {mode!r}")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode, same as ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (``False``) or unfreeze every parameter. Returns ``self``."""
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget accumulated gradients: ``p.grad = None`` (default) or fill them with zeros."""
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p._grad is not None:
                p._grad[...] = 0

    def to(
        self, *args: Any, device: Any = None, dtype: Any = None, non_blocking: bool = False
    ) -> Module:
        """Cast floating parameters and buffers to a floating ``dtype`` (those whose dtype
        changes lose their gradients), called as PyTorch's ``model.to(...)`` is: ``to(dtype)``,
        ``to(device)``, ``to(device, dtype)``, ``to(tensor)`` (its dtype), ``device=``/``dtype=``.

        Dtypes are NumPy's (``np.float64``, ``"float64"``; ``model.double()`` for gradcheck).
        The device must be the CPU (``"cpu"``, or None): that is a no-op, and any other device
        raises ValueError (see ``nn.devices``). ``non_blocking`` is accepted and ignored.
        Returns ``self``.
        """
        where = f"{type(self).__name__}.to"
        if len(args) > 2:
            raise TypeError(f"{where}: takes at most a device and a dtype, got {len(args)} args")
        for arg in args:
            if isinstance(arg, autograd.Tensor | np.ndarray):
                arg = arg.dtype
            elif not _devices.is_dtype(arg):
                if device is not None:
                    raise TypeError(f"{where}: got two devices, {device!r} and {arg!r}")
                device = arg
                continue
            if dtype is not None:
                raise TypeError(f"{where}: got two dtypes, {dtype!r} and {arg!r}")
            dtype = arg
        _devices.check_device(device, where)
        if dtype is not None:
            self._cast(_devices.floating_dtype(dtype, where))
        return self

    def _cast(self, dtype: np.dtype) -> None:
        for t in [*self.parameters(), *self.buffers()]:
            if t._data.dtype.kind == "f" and t._data.dtype != dtype:
                t._data = t._data.astype(dtype)
                t.grad = None

    def cpu(self) -> Module:
        """PyTorch's move to the CPU: backproplab always computes there, so it returns
        ``self`` unchanged."""
        return self

    def cuda(self, device: Any = None) -> Module:
        """Refused: backproplab runs on the CPU only, so this raises ValueError (PyTorch code
        that checks ``torch.cuda.is_available()`` first never calls it)."""
        target = f"cuda:{device}" if isinstance(device, int) else "cuda"
        _devices.check_device(target, f"{type(self).__name__}.cuda")
        return self

    def double(self) -> Module:
        """Cast floating parameters and buffers to float64."""
        return self.to(np.float64)

    def float(self) -> Module:
        """Cast floating parameters and buffers to float32."""
        return self.to(np.float32)

    # --------------------------------------------------------------------------- state dict

    def state_dict(self) -> OrderedDict[str, autograd.Tensor]:
        """Return an ordered dict ``dotted_name -> Tensor`` of every parameter and persistent
        buffer (detached, sharing the model's memory, as PyTorch's), with the keys PyTorch uses
        for the equivalent model."""
        return _state.state_dict(self)

    def load_state_dict(self, state_dict: Any, strict: bool = True) -> IncompatibleKeys:
        """Copy arrays (or Tensors) from ``state_dict`` into the parameters and buffers.

        Everything is checked before anything is written, so a failed load leaves the model
        unchanged: a key whose shape differs always raises; with ``strict=True`` missing or
        unexpected keys raise too (with ``strict=False`` they are returned). Values are cast
        to each parameter's dtype; parameters keep their identity, so an optimizer built on
        them stays valid.
        """
        return _state.load_state_dict(self, state_dict, strict)

    # --------------------------------------------------------------------------------- repr

    def extra_repr(self) -> str:
        """The text inside this module's parentheses in ``repr`` (layers override it)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, child in self._modules.items():
            text = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {text}")
        head = type(self).__name__ + "("
        if not lines:
            return head + ")"
        if len(lines) == 1 and not self._modules:
            return head + lines[0] + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"
