"""Reading a ``.npz`` archive that may be hostile: sizes are checked before anything is read.

A ``.npz`` file is a zip archive of ``.npy`` members, and each member starts with a small header
giving its dtype and shape. ``np.load`` trusts both: a 1 MiB archive of compressed zeros
expands to 1 GiB, and a member whose header claims 8 PiB makes NumPy try to allocate it. Here
every member's header is read first and its size (shape x item size) checked against what is
left of a byte budget and against the size the zip directory records, and only then is the
member read, into an array of exactly that size. Nothing is ever unpickled: object dtypes are
refused from the header alone.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from typing import Any, cast

import numpy as np

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first local header, or an empty zip
NPY_MAGIC = b"\x93NUMPY"
_HEADER_LIMIT = 10_000  # bytes of one member's .npy header (NumPy's own default limit)
# What zipfile and zlib raise on damaged bytes: a corrupt stream, a version or compression
# method it does not know (NotImplementedError), an "encrypted" flag (RuntimeError).
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


class ArchiveError(ValueError):
    """The archive or one of its members is damaged, refused, or over the budget."""


def describe_start(start: bytes) -> str:
    """What a file that is not a zip archive looks like, from its first bytes (for the error:
    a plain ``.npy``, a pickle, or unknown bytes; never advice to unpickle)."""
    if start.startswith(NPY_MAGIC):
        return "it is a plain .npy array, not a checkpoint archive"
    if start[:1] == b"\x80" and len(start) > 1 and start[1:2] in b"\x02\x03\x04\x05":
        return (
            "it looks like a pickle file (pickle.dump or an old torch.save); backproplab "
            "never unpickles files, since unpickling can run code"
        )
    return "it is not a zip archive (a checkpoint is a .npz file, which starts with 'PK')"


class Budget:
    """Bytes that reading may still allocate; ``take`` raises once a member would exceed it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def take(self, nbytes: int, what: str) -> None:
        if nbytes > self.left:
            raise ArchiveError(
                f"{what} needs {nbytes:,} bytes, more than the {self.left:,} left of the "
                f"{self.limit:,}-byte budget (pass max_bytes= to load a larger checkpoint you "
                "trust)"
            )
        self.left -= nbytes


def read_member(archive: zipfile.ZipFile, name: str, budget: Budget) -> np.ndarray:
    """The array stored as member ``name`` (without ``.npy``), its size checked first."""
    try:
        return _read(archive, name, budget)
    except _DAMAGE as e:
        raise ArchiveError(f"member {name!r} is damaged ({e})") from None


def _read(archive: zipfile.ZipFile, name: str, budget: Budget) -> np.ndarray:
    info = archive.getinfo(name + ".npy")
    # ZipFile.open gives a ZipExtFile, a BufferedIOBase with readinto (typeshed says IO[bytes]).
    with cast(io.BufferedIOBase, archive.open(info)) as f:
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(
                    f, max_header_size=_HEADER_LIMIT
                )
            elif version in ((2, 0), (3, 0)):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(
                    f, max_header_size=_HEADER_LIMIT
                )
            else:
                raise ValueError(f"unknown .npy format version {version}")
        except (ValueError, TypeError, SyntaxError, EOFError) as e:
            raise ArchiveError(f"member {name!r} has a damaged .npy header ({e})") from None
        if dtype.hasobject:
            raise ArchiveError(f"member {name!r} holds Python objects (pickled data)")
        count = math.prod(shape)  # Python ints: a claimed 8 PiB is just a big number here
        nbytes = count * dtype.itemsize
        start = f.tell()
        if start + nbytes != info.file_size:
            raise ArchiveError(
                f"member {name!r} claims shape {shape} of {dtype} ({nbytes:,} bytes) but the "
                f"archive stores {max(info.file_size - start, 0):,} bytes for it"
            )
        budget.take(nbytes, f"member {name!r} (shape {shape}, {dtype})")
        flat = np.empty(count, dtype=dtype)
        view = flat.view(np.uint8).data if nbytes else memoryview(b"")
        done = 0
        while done < nbytes:
            got = f.readinto(view[done:])
            if not got:
                raise ArchiveError(f"member {name!r} is truncated")
            done += got
    return flat.reshape(shape, order="F" if fortran else "C")


def member_names(archive: zipfile.ZipFile) -> list[str]:
    """The names of the archive's ``.npy`` members, without the suffix (as ``np.load``)."""
    return [n[:-4] if n.endswith(".npy") else n for n in archive.namelist()]


def open_archive(path: str) -> Any:
    """``zipfile.ZipFile(path)``, or ArchiveError saying what the file is instead."""
    with open(path, "rb") as f:
        start = f.read(8)
    if not start.startswith(ZIP_MAGIC):
        raise ArchiveError(describe_start(start))
    try:
        return zipfile.ZipFile(path)
    except (*_DAMAGE, ValueError) as e:
        raise ArchiveError(f"damaged zip archive ({e})") from None
