"""``autograd.save`` / ``autograd.load``: checkpoints that are safe to open.

A checkpoint holds arrays, not modules (``model.state_dict()``, ``optimizer.state_dict()``, plain
dicts of arrays and numbers), so it lives below ``nn``; ``nn.save`` and ``nn.load`` are these same
two functions. The file is an ordinary ``.npz`` archive. Opening it never unpickles anything
(``np.load(..., allow_pickle=False)``), so a downloaded file cannot run code.

Encoding. The archive holds one JSON header, stored as UTF-8 bytes in the member
``__backproplab__``, plus one member per array. The header describes the whole object tree:

- ``null``, ``true``/``false``, integers, floats (including NaN and +-Infinity) and strings are
  written as the JSON values themselves;
- containers and arrays are JSON objects with one tag, so they never look like a scalar:
  ``{"dict": [[key, value], ...], "ordered": bool}`` (keys keep their type and order),
  ``{"list": [...]}``, ``{"tuple": [...]}``, ``{"array": member}``, ``{"scalar": member}``
  (a NumPy scalar such as ``np.float32(0.9)``), and
  ``{"tensor": member, "requires_grad": bool}``, plus ``"parameter": true`` for a tensor of a
  registered subclass (see ``register_tensor_subclass``; ``nn`` registers ``nn.Parameter``).

Array members are named by their path with ``/`` between levels, e.g. ``model/fc1.weight`` or
``optimizer/state/0/exp_avg`` (``%`` and ``/`` inside a key are escaped as ``%25`` and ``%2F``),
so ``np.load(path).files`` is readable; the header alone decides the structure, which keeps the
dots of state-dict keys unambiguous.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

import numpy as np

from .tensor import Tensor

__all__ = ["load", "register_tensor_subclass", "save"]

HEADER = "__backproplab__"
FORMAT = "backproplab-checkpoint"
VERSION = 1
_ARRAY_KINDS = "biufcUS"  # numeric, bool and fixed-width strings: never pickled

# Header flag -> Tensor subclass, filled by the packages that define the subclasses (autograd
# knows none of them): a flagged tensor is rebuilt as that class, never as a class the file names.
_SUBCLASSES: dict[str, type[Tensor]] = {}


def register_tensor_subclass(flag: str, cls: type[Tensor]) -> None:
    """Let checkpoints keep tensors of class ``cls``: ``save`` marks them with ``flag`` in the
    header and ``load`` rebuilds them as ``cls(array, requires_grad=...)``.

    ``nn`` registers ``nn.Parameter`` as ``"parameter"``. A file with a flag that no imported
    package registered loads those tensors as plain ``Tensor``s, same data and requires_grad.
    """
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError(f"register_tensor_subclass: {cls!r} is not a Tensor subclass")
    if flag in ("tensor", "requires_grad") or _SUBCLASSES.get(flag, cls) is not cls:
        raise ValueError(f"register_tensor_subclass: the flag {flag!r} is taken")
    _SUBCLASSES[flag] = cls


class _Encoder:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def _member(self, path: list[str], array: np.ndarray) -> str:
        if array.dtype.kind not in _ARRAY_KINDS:
            raise TypeError(
                f"save: the array at {'/'.join(path) or '<root>'} has dtype {array.dtype}, "
                "which would need pickling; only numeric, bool and string arrays can be saved"
            )
        name = "/".join(p.replace("%", "%25").replace("/", "%2F") for p in path) or "value"
        base, n = name, 1
        while name in self.arrays or name == HEADER:
            name, n = f"{base}#{n}", n + 1
        self.arrays[name] = array
        return name

    def key(self, key: Any, path: list[str]) -> Any:
        if key is None or isinstance(key, bool | int | float | str):
            return key
        if isinstance(key, tuple):
            return {"tuple": [self.key(k, path) for k in key]}
        raise TypeError(
            f"save: dict key {key!r} at {'/'.join(path) or '<root>'} has type "
            f"{type(key).__name__}; keys must be str, int, float, bool, None or tuple"
        )

    def node(self, obj: Any, path: list[str]) -> Any:
        if obj is None or isinstance(obj, bool | int | float | str):
            return obj
        if isinstance(obj, dict):
            items = [[self.key(k, path), self.node(v, [*path, str(k)])] for k, v in obj.items()]
            return {"dict": items, "ordered": isinstance(obj, OrderedDict)}
        if isinstance(obj, list | tuple):
            tag = "list" if isinstance(obj, list) else "tuple"
            return {tag: [self.node(v, [*path, str(i)]) for i, v in enumerate(obj)]}
        if isinstance(obj, Tensor):
            entry = {
                "tensor": self._member(path, np.asarray(obj._data)),
                "requires_grad": bool(obj.requires_grad),
            }
            for flag, cls in _SUBCLASSES.items():
                if isinstance(obj, cls):
                    entry[flag] = True
            return entry
        if isinstance(obj, np.ndarray):
            return {"array": self._member(path, obj)}
        if isinstance(obj, np.generic):
            return {"scalar": self._member(path, np.asarray(obj))}
        hint = " (save model.state_dict(), not the model)" if hasattr(obj, "state_dict") else ""
        raise TypeError(
            f"save: cannot save {type(obj).__name__} at {'/'.join(path) or '<root>'}{hint}"
        )


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it, so put it straight back
    os.umask(mask)
    return mask


def save(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` (nested dicts, lists, tuples of arrays, Tensors, numbers, strings, None)
    to ``path`` as a ``.npz`` checkpoint; ``load(path)`` rebuilds it exactly. Typically
    ``autograd.save(model.state_dict(), "model.npz")`` (``nn.save`` is the same function).

    The file is written to a hidden temporary file beside ``path`` (``.<name>.<random>.tmp``),
    flushed to the disk (fsync) and only then renamed over ``path``, so a crash or an
    interrupted save never leaves a truncated checkpoint under ``path``. An exception removes
    the temporary file; one left by a killed process is removed by the next save to the same
    path once it is an hour old. ``path`` is used as given (no ``.npz`` is appended).
    """
    import json  # (here, not at the top: see load)
    import tempfile

    enc = _Encoder()
    tree = enc.node(obj, [])
    header = json.dumps({"format": FORMAT, "version": VERSION, "tree": tree})
    arrays = {HEADER: np.frombuffer(header.encode("utf-8"), dtype=np.uint8), **enc.arrays}
    path = os.fspath(path)
    folder, name = os.path.split(path)
    folder = folder or "."
    _remove_stale_temporaries(folder, name)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=_TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            entries: dict[str, Any] = arrays  # (each name becomes a member of the archive)
            np.savez(f, **entries)
            f.flush()
            os.fsync(f.fileno())  # the data is on the disk before the name points at it
        # mkstemp creates the file private (0600); give it the permissions open() would have.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    _sync_folder(folder)


_TEMP_SUFFIX = ".tmp"
_STALE_SECONDS = 3600.0  # no save takes this long: a temporary this old was left by a crash


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Remove ``.<name>.*.tmp`` files in ``folder`` older than an hour: what a save to the same
    path left behind when its process was killed (no exception handler ran)."""
    import time

    prefix = f".{name}."
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(prefix)]
    except OSError:
        return
    now = time.time()
    for entry in entries:
        if not entry.name.endswith(_TEMP_SUFFIX) or len(entry.name) != len(prefix) + 12:
            continue  # mkstemp's random part is 8 characters: only names it could make
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat().st_mtime > (
                _STALE_SECONDS
            ):
                os.remove(entry.path)
        except OSError:
            pass  # another save removed it, or it is not ours to remove


def _sync_folder(folder: str) -> None:
    """fsync the folder, so that the rename itself survives a crash (POSIX; a no-op where
    folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _BadFileError(ValueError):
    """A file that is not a valid checkpoint (raised as is, never re-wrapped)."""


class _Decoder:
    def __init__(self, archive: Any, path: str, budget: Any, names: list[str]) -> None:
        self.archive = archive
        self.path = path
        self.budget = budget
        self.names = set(names)
        self.used: set[str] = set()
        self.depth = 0

    def fail(self, why: str) -> _BadFileError:
        return _BadFileError(f"load: {self.path} is not a valid backproplab checkpoint: {why}")

    def array(self, name: Any) -> np.ndarray:
        from .archive import ArchiveError, read_member

        if not isinstance(name, str) or name not in self.names or name == HEADER:
            raise self.fail(f"the header names a missing array member {name!r}")
        if name in self.used:  # two entries sharing one member would count it twice
            raise self.fail(f"the header names the member {name!r} twice")
        self.used.add(name)
        try:
            arr = read_member(self.archive, name, self.budget)  # sizes checked before reading
        except ArchiveError as e:
            raise self.fail(str(e)) from None
        if arr.dtype.kind not in _ARRAY_KINDS:
            raise self.fail(f"member {name!r} has dtype {arr.dtype}")
        return arr

    def node(self, node: Any) -> Any:
        if node is None or isinstance(node, bool | int | float | str):
            return node
        if not isinstance(node, dict):
            raise self.fail(f"unexpected header entry {node!r}")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise self.fail(f"the header nests deeper than {MAX_DEPTH} levels")
            return self._container(node)
        finally:
            self.depth -= 1

    def _container(self, node: dict) -> Any:
        if "dict" in node:
            pairs = [(self.key(k), self.node(v)) for k, v in self._pairs(node["dict"])]
            return OrderedDict(pairs) if node.get("ordered") else dict(pairs)
        if "list" in node:
            return [self.node(v) for v in self._items(node["list"])]
        if "tuple" in node:
            return tuple(self.node(v) for v in self._items(node["tuple"]))
        if "array" in node:
            return self.array(node["array"])
        if "scalar" in node:
            return self.array(node["scalar"])[()]
        if "tensor" in node:
            data = self.array(node["tensor"])
            grad = bool(node.get("requires_grad", False))
            for flag, cls in _SUBCLASSES.items():
                if node.get(flag) is True:
                    return cls(data, requires_grad=grad)
            return Tensor(data, requires_grad=grad)
        raise self.fail(f"unknown header entry {sorted(node)}")

    def key(self, key: Any) -> Any:
        if isinstance(key, dict) and "tuple" in key:
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise self.fail(f"the header nests deeper than {MAX_DEPTH} levels")
                return tuple(self.key(k) for k in self._items(key["tuple"]))
            finally:
                self.depth -= 1
        if key is None or isinstance(key, bool | int | float | str):
            return key
        raise self.fail(f"bad dict key {key!r}")

    def _items(self, items: Any) -> list[Any]:
        if not isinstance(items, list):
            raise self.fail(f"expected a list in the header, got {items!r}")
        return items

    def _pairs(self, items: Any) -> list[Any]:
        pairs = self._items(items)
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise self.fail("dict entries must be [key, value] pairs")
        return pairs


DEFAULT_BUDGET = 256 * 2**20  # bytes a load may allocate at least (see load)
MAX_HEADER_BYTES = 16 * 2**20  # a header this large would describe millions of arrays
MAX_DEPTH = 100  # nesting of dicts, lists and tuples in the header


def load(
    path: str | os.PathLike[str],
    map_location: Any = None,
    *,
    weights_only: bool | None = None,
    max_bytes: int | None = None,
) -> Any:
    """Read a checkpoint written by ``save`` and return the same structure; typically
    ``model.load_state_dict(autograd.load("model.npz"))`` (``nn.load`` is the same function).

    Safe to call on a file from anywhere. Nothing is unpickled: a file holding pickled objects
    (object arrays, or a pickle file), a plain ``.npy``/``.npz`` without our header, random
    bytes, or a damaged archive raises ``ValueError``. Nothing is read before its size is
    checked: each array's size (from its own header) must match the archive's record, and all
    of them together must fit ``max_bytes``, by default 256 MiB or 4 times the file's size,
    whichever is larger (a checkpoint written by ``save`` is not compressed, so its arrays take
    about its own size; a small file that would expand to gigabytes is refused). Pass a larger
    ``max_bytes`` to load a bigger checkpoint you trust. The header may nest at most 100 levels.

    PyTorch's keywords are accepted so that ``torch.load(path, map_location=device,
    weights_only=True)`` runs as written: ``map_location`` changes nothing (everything is on the
    CPU; a device name other than the CPU's is refused), and ``weights_only=True`` is how every
    load works here (a checkpoint holds data, never code). ``weights_only=False``, which lets
    PyTorch unpickle whole models, is refused: save ``model.state_dict()`` and load it into a
    model you build.
    """
    if weights_only is False:
        raise ValueError(
            "load: weights_only=False (unpickling whole objects) is not supported: a checkpoint "
            "here holds tensors, numbers and strings only; save model.state_dict() and load it "
            "with model.load_state_dict(autograd.load(path))"
        )
    if isinstance(map_location, str):  # a dict or a function remaps devices: all are the CPU
        from .devices import check_device

        check_device(map_location, "load")
    # Imported on first use: most sessions never touch a checkpoint, and these modules (with
    # save's json and tempfile) cost ~9 ms of every `import autograd` otherwise.
    import json
    import zipfile

    from .archive import ArchiveError, Budget, member_names, open_archive, read_member

    path = os.fspath(path)
    size = os.path.getsize(path)  # (FileNotFoundError for a missing file, as open() raises)
    budget = Budget(max(DEFAULT_BUDGET, 4 * size) if max_bytes is None else int(max_bytes))
    try:
        archive = open_archive(path)
    except ArchiveError as e:
        raise ValueError(f"load: {path} is not a safe backproplab checkpoint: {e}") from None
    with archive:
        names = member_names(archive)
        dec = _Decoder(archive, path, budget, names)
        if HEADER not in names:
            hint = (
                " (it looks like a PyTorch file: load it with torch.load)"
                if any(n.endswith("data.pkl") for n in names)
                else ""
            )
            raise dec.fail(f"it has no {HEADER!r} header member{hint}")
        try:
            raw = read_member(archive, HEADER, Budget(min(MAX_HEADER_BYTES, budget.left)))
            if raw.dtype != np.uint8:
                raise dec.fail("the header is not stored as bytes")
            header = json.loads(raw.tobytes().decode("utf-8"))
        except _BadFileError:
            raise
        except RecursionError:
            raise dec.fail(f"the header nests deeper than {MAX_DEPTH} levels") from None
        except (ValueError, zipfile.BadZipFile, OSError, EOFError) as e:
            raise dec.fail(f"unreadable header ({e})") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise dec.fail("the header does not identify the format")
        if header.get("version") != VERSION:
            raise dec.fail(f"unsupported version {header.get('version')!r}")
        try:
            result = dec.node(header.get("tree"))
        except _BadFileError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise dec.fail(f"damaged archive ({e})") from None
        except (TypeError, ValueError) as e:  # e.g. a flagged integer tensor requiring grad
            raise dec.fail(str(e)) from None
        extra = sorted(set(names) - dec.used - {HEADER})
        if extra:
            raise dec.fail(f"members not described by the header: {extra}")
    return result
