"""``Embedding``: a learnable lookup table of vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .. import functional as F
from .. import init
from ..devices import check_device, floating_dtype
from ..functional.checks import check_size
from ..module import Module
from ..parameter import Parameter


class Embedding(Module):
    """y[..., :] = weight[indices[...], :], weight of shape (num_embeddings, embedding_dim)
    drawn from N(0, 1) (PyTorch's default). Rows looked up several times in one batch
    accumulate all their gradients.

    ``padding_idx`` (as PyTorch; negative counts from the end): that row starts at zero and
    receives no gradient, so it stays whatever it is set to (a "no token" vector).
    ``max_norm``: each looked-up row whose ``norm_type``-norm exceeds it is first rescaled in
    place to that norm; ``scale_grad_by_freq`` divides each row's gradient by the count of its
    index in the batch (see ``F.embedding``). ``sparse=True`` gives the same gradient, dense.
    ``_weight`` is a starting table and ``_freeze`` makes it a constant (PyTorch's arguments
    behind ``from_pretrained``). ``dtype`` defaults to float32; ``device`` must be the CPU."""

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.num_embeddings = check_size("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = check_size("Embedding", "embedding_dim", embedding_dim)
        self.padding_idx = _padding_idx("Embedding", padding_idx, self.num_embeddings)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        check_device(device, "Embedding")
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            self.weight = Parameter(np.empty(shape, dtype=floating_dtype(dtype, "Embedding")))
            self.reset_parameters()
        else:
            self.weight = Parameter(_table("Embedding", _weight, shape, dtype))
        self.weight.requires_grad = not _freeze

    def reset_parameters(self) -> None:
        """Re-draw the table from N(0, 1); the padding row, if any, is set to zero."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            autograd.versions.write(self.weight, 0, self.padding_idx)

    def forward(self, indices: Any) -> autograd.Tensor:
        return F.embedding(
            indices, self.weight, self.padding_idx, self.max_norm, self.norm_type,
            self.scale_grad_by_freq, self.sparse,
        )  # fmt: skip

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding whose table is a copy of the 2-D ``embeddings`` (e.g. GloVe vectors);
        ``freeze=True`` (the default) keeps it constant (``weight.requires_grad = False``)."""
        table = _table("Embedding.from_pretrained", embeddings, None, None)
        return cls(
            table.shape[0], table.shape[1], padding_idx, max_norm, norm_type,
            scale_grad_by_freq, sparse, _weight=table, _freeze=freeze,
        )  # fmt: skip

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += ", scale_grad_by_freq=True"
        return text + (", sparse=True" if self.sparse else "")


def _padding_idx(owner: str, padding_idx: Any, num_embeddings: int) -> int | None:
    """``padding_idx`` in [0, num_embeddings) (a negative one counts from the end), or None."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, int | np.integer):
        raise TypeError(f"{owner}: padding_idx must be an int, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"{owner}: padding_idx {padding_idx} is out of range for {num_embeddings} embeddings"
        )
    return int(padding_idx) % num_embeddings


def _table(owner: str, table: Any, shape: tuple[int, int] | None, dtype: Any) -> np.ndarray:
    """A copy of a given embedding table: 2-D (of ``shape`` if given), floating, in ``dtype``
    (default: its own)."""
    array = np.array(table._data if isinstance(table, autograd.Tensor) else table)
    if array.ndim != 2 or (shape is not None and array.shape != shape):
        want = "2-D" if shape is None else f"of shape {shape}"
        raise ValueError(f"{owner}: the table must be {want}, got shape {array.shape}")
    return array.astype(floating_dtype(array.dtype if dtype is None else dtype, owner))


class EmbeddingBag(Module):
    """A table of ``num_embeddings`` vectors of size ``embedding_dim`` (``weight``, drawn from
    N(0, 1) as PyTorch), looked up in bags and reduced to one vector per bag::

        sum:  out[b] = sum_{i in bag b} s_i * weight[input[i]]     (s_i: per_sample_weights)
        mean: out[b] = mean_{i in bag b} weight[input[i]]          (the default)
        max:  out[b, d] = max_{i in bag b} weight[input[i], d]

    ``forward(input, offsets=None, per_sample_weights=None)``: a 2-D ``input`` (B, N) is B bags
    of N indices; a 1-D ``input`` is cut into bags at ``offsets`` (``include_last_offset``:
    offsets also holds the end). ``padding_idx``: that row starts at zero, is left out of every
    bag and is never trained. See ``F.embedding_bag`` (the same as ``Embedding`` then a
    reduction, without the (B, N, embedding_dim) intermediate in sum and mean modes).
    ``max_norm`` rescales the rows a bag reads in place first, ``scale_grad_by_freq`` divides
    each entry's gradient by its index's count (see ``F.embedding_bag``); ``sparse=True`` gives
    the same gradient, dense.
    ``_weight`` is a starting table (PyTorch's argument behind ``from_pretrained``); ``dtype``
    defaults to float32; ``device`` must be the CPU.
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        _weight: Any = None,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        owner = "EmbeddingBag"
        self.num_embeddings = check_size(owner, "num_embeddings", num_embeddings)
        self.embedding_dim = check_size(owner, "embedding_dim", embedding_dim)
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"{owner}: mode must be 'sum', 'mean' or 'max', got {mode!r}")
        padding_idx = _padding_idx(owner, padding_idx, self.num_embeddings)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        self.mode, self.include_last_offset = mode, include_last_offset
        self.padding_idx = padding_idx
        check_device(device, owner)
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            self.weight = Parameter(np.empty(shape, dtype=floating_dtype(dtype, owner)))
            self.reset_parameters()
        else:
            self.weight = Parameter(_table(owner, _weight, shape, dtype))

    def reset_parameters(self) -> None:
        """Re-draw the table from N(0, 1); the padding row, if any, is set to zero."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            autograd.versions.write(self.weight, 0, self.padding_idx)

    def forward(
        self, input: Any, offsets: Any = None, per_sample_weights: Any = None
    ) -> autograd.Tensor:
        return F.embedding_bag(
            input,
            self.weight,
            offsets,
            max_norm=self.max_norm,
            norm_type=self.norm_type,
            scale_grad_by_freq=self.scale_grad_by_freq,
            mode=self.mode,
            sparse=self.sparse,
            per_sample_weights=per_sample_weights,
            include_last_offset=self.include_last_offset,
            padding_idx=self.padding_idx,
        )

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
    ) -> EmbeddingBag:
        """An EmbeddingBag whose table is a copy of the 2-D ``embeddings``; ``freeze=True``
        (the default) makes it a constant (``weight.requires_grad = False``)."""
        table = _table("EmbeddingBag.from_pretrained", embeddings, None, None)
        bag = cls(
            table.shape[0],
            table.shape[1],
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            mode=mode,
            sparse=sparse,
            _weight=table,
            include_last_offset=include_last_offset,
            padding_idx=padding_idx,
        )
        bag.weight.requires_grad = not freeze
        return bag

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += ", scale_grad_by_freq=True"
        text += f", mode={self.mode!r}"
        return text if self.padding_idx is None else f"{text}, padding_idx={self.padding_idx}"
