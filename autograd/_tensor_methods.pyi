"""Written by ``python -m autograd.tensor_stub`` from the running library: do not edit.

The methods and attributes installed on ``Tensor`` (ops, operators, in-place methods, NumPy
protocols, PyTorch spellings), for IDEs and type checkers; see autograd/tensor_stub.py.
"""

import builtins
from collections.abc import Iterator
from typing import Any

import numpy as np

from .tensor import Tensor
from .torch_facade import Size

class TensorMethods:

    def backward(self, gradient: Any = None, retain_graph: builtins.bool | None = None, create_graph: builtins.bool = False, inputs: Any = None, hooks: Any = ()) -> None:
        """Backpropagate: add d(tensor)/d(leaf) to ``leaf.grad`` for every leaf requiring grad.

        ``gradient`` is dL/d(tensor); it may be omitted for a scalar (it is then 1). Without
        ``retain_graph=True`` the arrays saved for backward are freed afterwards. This is
        ``Tensor.backward`` (installed by autograd/__init__.py), ``tensor`` being the tensor.
        """

    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape (one axis may be -1); ``reshape(x, 2, 3)`` or a tuple.
        The result shares x's memory where NumPy can, and is a copy where it cannot.
        """

    def view(self, *shape: Any) -> Tensor:
        """PyTorch's ``view``: ``reshape`` that always shares x's memory (a write into one writes
        into the other), and raises, as PyTorch does, where the elements' layout would need a copy
        (after a transpose: use ``reshape``, or ``contiguous().view``).
        """

    def transpose(self, *axes: Any) -> Tensor:
        """Permute axes (reverse them when none are given), as ``ndarray.transpose``:
            ``transpose(x, (2, 0, 1))`` or ``x.transpose(2, 0, 1)``.

            Two axes given as two separate ints are PyTorch's spelling, which exchanges them
            (``x.transpose(0, 1)`` is the transpose of a matrix, not NumPy's identity permutation).

        Also takes PyTorch's dim= and keepdim=.

        Spelled the PyTorch way: PyTorch's transpose: exchange the two dimensions ``dim0`` and ``dim1``.
        """

    def permute(self, *dims: Any) -> Tensor:
        """The axes in the order ``dims`` (PyTorch's name; NumPy's ``transpose(x, dims)``)."""

    def t(self) -> Tensor:
        """The transpose of a matrix; a 0-d or 1-d tensor is returned as it is (PyTorch's ``t``)."""

    def swapaxes(self, axis1: builtins.int, axis2: builtins.int) -> Tensor:
        """Exchange two axes."""

    def swapdims(self, axis1: builtins.int, axis2: builtins.int) -> Tensor:
        """Exchange two axes."""

    def flatten(self, start_dim: builtins.int = 0, end_dim: builtins.int = -1) -> Tensor:
        """All elements in one axis (row-major), or with PyTorch's ``start_dim``/``end_dim`` the
        axes from ``start_dim`` to ``end_dim`` merged into one. A reshape: the data is shared with
        x where NumPy can (as PyTorch's flatten; ``ndarray.flatten`` always copies).
        """

    def squeeze(self, axis: Any = None) -> Tensor:
        """Remove axes of size 1 (all of them, or those in ``axis``, which must have size 1).

        Also takes PyTorch's dim= and keepdim=.
        """

    def expand_dims(self, axis: builtins.int | builtins.tuple[builtins.int, ...]) -> Tensor:
        """Insert axes of size 1 at ``axis`` positions of the result, as np.expand_dims.

        Also takes PyTorch's dim= and keepdim=.
        """

    def unsqueeze(self, axis: builtins.int | builtins.tuple[builtins.int, ...]) -> Tensor:
        """Insert axes of size 1 at ``axis`` positions of the result, as np.expand_dims.

        Also takes PyTorch's dim= and keepdim=.
        """

    def broadcast_to(self, shape: Any) -> Tensor:
        """x repeated along new or size-1 axes to ``shape``, as np.broadcast_to."""

    def astype(self, dtype: Any) -> Tensor:
        """Convert to ``dtype`` (differentiable between floating types; an integer or bool result
        is cut from the graph, as the derivative of rounding is zero).
        """

    def to(self, *args: Any, dtype: Any = None, device: Any = None, **options: Any) -> Tensor:
        """PyTorch's ``t.to(...)``: ``to(dtype)``, ``to(device)``, ``to(device, dtype)`` or
        ``to(other_tensor)`` (its dtype). The device must be the CPU; the dtype change is
        ``astype``. Options such as ``non_blocking`` and ``copy`` are accepted and ignored.
        """

    def half(self) -> Tensor:
        """PyTorch's ``t.half()``: ``astype(float16)``."""

    def float(self) -> Tensor:
        """PyTorch's ``t.float()``: ``astype(float32)``."""

    def double(self) -> Tensor:
        """PyTorch's ``t.double()``: ``astype(float64)``."""

    def long(self) -> Tensor:
        """PyTorch's ``t.long()``: ``astype(int64)``."""

    def int(self) -> Tensor:
        """PyTorch's ``t.int()``: ``astype(int32)``."""

    def short(self) -> Tensor:
        """PyTorch's ``t.short()``: ``astype(int16)``."""

    def char(self) -> Tensor:
        """PyTorch's ``t.char()``: ``astype(int8)``."""

    def byte(self) -> Tensor:
        """PyTorch's ``t.byte()``: ``astype(uint8)``."""

    def bool(self) -> Tensor:
        """PyTorch's ``t.bool()``: ``astype(bool)``."""

    def moveaxis(self, source: Any, destination: Any) -> Tensor:
        """Move axes ``source`` to positions ``destination``, the others keeping their order
        (a transpose; the gradient is transposed back).
        """

    def movedim(self, source: Any, destination: Any) -> Tensor:
        """Move axes ``source`` to positions ``destination``, the others keeping their order
        (a transpose; the gradient is transposed back).
        """

    def ravel(self, order: builtins.str = 'C') -> Tensor:
        """All elements in one axis, in row-major order: ``reshape(x, -1)``."""

    def __getitem__(self, index: Any) -> Tensor:
        """x[index] with NumPy indexing (``Tensor.__getitem__``)."""

    def take(self, indices: Any, axis: builtins.int | None = None, mode: builtins.str = 'raise') -> Tensor:
        """The elements at ``indices`` along ``axis`` (of the flattened array for None), as np.take:
            the result's shape is x's with that axis replaced by the indices' shape. ``mode`` "raise"
            (negative indices count from the end), "wrap" or "clip" treats out-of-range indices.

        Also takes PyTorch's dim= and keepdim=.
        """

    def diagonal(self, offset: builtins.int = 0, axis1: builtins.int = 0, axis2: builtins.int = 1) -> Tensor:
        """The diagonal x[..., i, i + offset] of the 2-D slices over ``axis1`` and ``axis2``, as a
        last axis: a view, as PyTorch's (writing into it writes into x).
        """

    def abs(self) -> Tensor:
        """y = |x|;  dy/dx = sign(x) (0 at x = 0, as PyTorch)."""

    def __abs__(self) -> Tensor:
        """y = |x|;  dy/dx = sign(x) (0 at x = 0, as PyTorch)."""

    def relu(self) -> Tensor:
        """y = max(x, 0);  dy/dx = 1 where x > 0, else 0, which is sign(y) since y >= 0
        (and NaN where x is NaN).
        """

    def maximum(self, b: Any) -> Tensor:
        """y = max(a, b) elementwise;  dy/da = 1 where a > b, 1/2 where a = b, else 0 (b likewise).
        Where a or b is NaN, y is NaN and both receive the whole gradient, as in PyTorch (so the
        NaN's own path carries it back to where it came from).
        """

    def minimum(self, b: Any) -> Tensor:
        """y = min(a, b) elementwise;  dy/da = 1 where a < b, 1/2 where a = b, else 0 (b likewise);
        NaN as ``maximum``.
        """

    def fmax(self, b: Any) -> Tensor:
        """y = max(a, b) elementwise, ignoring NaN (a NaN operand yields the other one);
        dy/da = 1 where a is picked (a >= b, or b is NaN), else 0, and dy/db = 1 - dy/da: a tie
        gives the whole gradient to a, as PyTorch's fmax (unlike ``maximum``, which splits it).
        """

    def fmin(self, b: Any) -> Tensor:
        """y = min(a, b) elementwise, ignoring NaN (a NaN operand yields the other one);
        dy/da = 1 where a is picked (a <= b, or b is NaN), else 0, and dy/db = 1 - dy/da: a tie
        gives the whole gradient to a, as PyTorch's fmin.
        """

    def copysign(self, b: Any) -> Tensor:
        """y = |a| with the sign of b (b = -0.0 counts as negative);
        dy/da = sign(a) sign(b) where a != 0, else 0;  dy/db = 0 (y jumps where b changes sign).
        """

    def remainder(self, b: Any) -> Tensor:
        """y = a - b floor(a / b), the remainder with the sign of b (Python's %);
        dy/da = 1, dy/db = -floor(a / b) (away from the jumps where a / b is an integer).
        """

    def __mod__(self, b: Any) -> Tensor:
        """y = a - b floor(a / b), the remainder with the sign of b (Python's %);
        dy/da = 1, dy/db = -floor(a / b) (away from the jumps where a / b is an integer).
        """

    def __rmod__(self, other: Any) -> Tensor:
        """remainder with the operands swapped: ``other <op> self``."""

    def fmod(self, b: Any) -> Tensor:
        """y = a - b trunc(a / b), the remainder with the sign of a (C's fmod);
        dy/da = 1, dy/db = -trunc(a / b) (away from the jumps where a / b is an integer).
        """

    def clip(self, a_min: Any = None, a_max: Any = None, *, min: Any = None, max: Any = None) -> Tensor:
        """min(max(x, low), high);  d/dx = 1 inside [low, high], else 0; Tensor bounds receive
        their gradients too (1 where they are the result, as PyTorch's clamp). The bounds are given
        positionally, or as NumPy's ``a_min``/``a_max`` or NumPy 2's and PyTorch's ``min``/``max``
        (``clamp`` is PyTorch's name); one of them may be None.
        """

    def clamp(self, a_min: Any = None, a_max: Any = None, *, min: Any = None, max: Any = None) -> Tensor:
        """min(max(x, low), high);  d/dx = 1 inside [low, high], else 0; Tensor bounds receive
        their gradients too (1 where they are the result, as PyTorch's clamp). The bounds are given
        positionally, or as NumPy's ``a_min``/``a_max`` or NumPy 2's and PyTorch's ``min``/``max``
        (``clamp`` is PyTorch's name); one of them may be None.
        """

    def scatter_add(self, dim: builtins.int, index: Any, src: Any) -> Tensor:
        """PyTorch's ``scatter_add``: y = x, with ``src[i, j]`` added to ``y[index[i, j], j]`` for
        dim 0 (and so on); repeated positions accumulate. dL/dx = dL/dy; ``dL/dsrc[i, j] =
        dL/dy[index[i, j], j]`` (``grad.gather(dim, index)``), 0 for src elements not read.
        """

    def scatter_reduce(self, dim: builtins.int, index: Any, src: Any, reduce: builtins.str, *, include_self: builtins.bool = True) -> Tensor:
        """PyTorch's ``scatter_reduce``: y[p] = reduce(x[p] (if ``include_self``), the src values
        scattered to p), for reduce "sum", "prod", "mean", "amax", "amin"; positions nothing is
        scattered to keep x. Gradients as PyTorch's: sum and mean are linear; amax and amin share
        dL/dy evenly among the values equal to the result; prod's is the product of the others.
        """

    def index_add(self, dim: builtins.int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
        """PyTorch's ``index_add``: y = x, with ``alpha * source[..., i, ...]`` added to
        ``y[..., index[i], ...]`` along ``dim``; repeated indices accumulate. dL/dx = dL/dy;
        dL/dsource[..., i, ...] = alpha * dL/dy[..., index[i], ...].
        """

    def index_copy(self, dim: builtins.int, index: Any, source: Any) -> Tensor:
        """PyTorch's ``index_copy``: y = x, with ``y[..., index[i], ...] = source[..., i, ...]``
        along ``dim``. dL/dx = dL/dy where nothing was copied, 0 elsewhere; dL/dsource[..., i, ...]
        = dL/dy[..., index[i], ...]. A repeated index keeps the last copy (refused when source
        requires grad).
        """

    def index_fill(self, dim: builtins.int, index: Any, value: Any) -> Tensor:
        """PyTorch's ``index_fill``: y = x with every element at ``index`` along ``dim`` set to
        ``value`` (a number, or a 0-d tensor, recorded: dL/dvalue = the sum of dL/dy there);
        dL/dx = dL/dy elsewhere. Negative indices count from the end.
        """

    def masked_scatter(self, mask: Any, source: Any) -> Tensor:
        """PyTorch's ``masked_scatter``: y = x, with the elements where ``mask`` (broadcast to x's
        shape) is true replaced by source's first elements in row-major order. dL/dx = dL/dy where
        the mask is false; dL/dsource = dL/dy at the masked places, in order (0 for the rest).
        """

    def take_along_dim(self, indices: Any, dim: builtins.int | None = None) -> Tensor:
        """PyTorch's ``take_along_dim``: ``y[..., j, ...] = x[..., indices[..., j, ...], ...]`` along
        ``dim``, x and indices broadcast against each other in the other dimensions; with dim None,
        both are flattened. Negative indices count from the end. dL/dx adds dL/dy back into the
        taken positions.
        """

    def put(self, indices: Any, values: Any, mode: builtins.str = 'raise') -> Tensor:
        """NumPy's ``ndarray.put``: ``x.flat[indices] = values``, in place (returns None;
            ``values`` repeated if shorter; ``mode`` "raise", "wrap" or "clip" for indices out of
            range), written as ``x.put_`` is, so x's history moves when it has one. PyTorch's ``put``
            returns a new tensor instead: that meaning with ``accumulate=`` or under
            ``pytorch_meanings`` (converted code). (``np.put(t, ...)`` itself is NumPy's write into the
            tensor, counted as an in-place change: autograd/numpy_protocol.py.)

        Also takes PyTorch's dim= and keepdim=.

        Spelled the PyTorch way: PyTorch's ``put`` (``x.put_`` in place): y = x flattened, with ``y[index[i]] =
            source[i]`` (or ``+=`` with ``accumulate``, where repeated indices add up), reshaped back;
            negative indices count from the end. The gradients are index_copy's (or index_add's).
        """

    def index_put(self, indices: Any, values: Any, accumulate: builtins.bool = False) -> Tensor:
        """PyTorch's ``index_put``: y = x with ``y[indices] = values`` (``indices`` a tuple of index
        tensors, one per leading dimension, as in ``x[i, j]``; values broadcast), or ``+=`` with
        ``accumulate``, where repeated positions add up. dL/dx = dL/dy where nothing was written
        (everywhere with ``accumulate``); dL/dvalues = dL/dy at the positions written. Without
        ``accumulate``, a position named twice keeps the last write (refused while values require
        grad, as ``index_copy``).
        """

    def __add__(self, b: Any) -> Tensor:
        """y = a + b, broadcasting as NumPy;  dy/da = 1, dy/db = 1."""

    def __radd__(self, other: Any) -> Tensor:
        """add with the operands swapped: ``other <op> self``."""

    def __sub__(self, b: Any) -> Tensor:
        """y = a - b, broadcasting as NumPy;  dy/da = 1, dy/db = -1."""

    def __rsub__(self, other: Any) -> Tensor:
        """subtract with the operands swapped: ``other <op> self``."""

    def negative(self) -> Tensor:
        """y = -a;  dy/da = -1."""

    def neg(self) -> Tensor:
        """y = -a;  dy/da = -1."""

    def __neg__(self) -> Tensor:
        """y = -a;  dy/da = -1."""

    def multiply(self, b: Any) -> Tensor:
        """y = a * b elementwise, broadcasting as NumPy;  dy/da = b, dy/db = a."""

    def mul(self, b: Any) -> Tensor:
        """y = a * b elementwise, broadcasting as NumPy;  dy/da = b, dy/db = a."""

    def __mul__(self, b: Any) -> Tensor:
        """y = a * b elementwise, broadcasting as NumPy;  dy/da = b, dy/db = a."""

    def __rmul__(self, other: Any) -> Tensor:
        """multiply with the operands swapped: ``other <op> self``."""

    def divide(self, b: Any) -> Tensor:
        """y = a / b elementwise (true division);  dy/da = 1 / b, dy/db = -a / b^2."""

    def div(self, b: Any) -> Tensor:
        """y = a / b elementwise (true division);  dy/da = 1 / b, dy/db = -a / b^2."""

    def __truediv__(self, b: Any) -> Tensor:
        """y = a / b elementwise (true division);  dy/da = 1 / b, dy/db = -a / b^2."""

    def __rtruediv__(self, other: Any) -> Tensor:
        """divide with the operands swapped: ``other <op> self``."""

    def power(self, b: Any) -> Tensor:
        """y = a ** b;  dy/da = b a^(b-1), dy/db = a^b ln a.

        As in PyTorch, dy/da = 0 where b = 0 (a^0 is constant, also at a = 0, where the formula
        gives 0 * 0^-1 = NaN), and dy/db = 0 where a = 0 and b >= 0 (the formula gives 0 * ln 0).
        """

    def pow(self, b: Any) -> Tensor:
        """y = a ** b;  dy/da = b a^(b-1), dy/db = a^b ln a.

        As in PyTorch, dy/da = 0 where b = 0 (a^0 is constant, also at a = 0, where the formula
        gives 0 * 0^-1 = NaN), and dy/db = 0 where a = 0 and b >= 0 (the formula gives 0 * ln 0).
        """

    def __pow__(self, b: Any) -> Tensor:
        """y = a ** b;  dy/da = b a^(b-1), dy/db = a^b ln a.

        As in PyTorch, dy/da = 0 where b = 0 (a^0 is constant, also at a = 0, where the formula
        gives 0 * 0^-1 = NaN), and dy/db = 0 where a = 0 and b >= 0 (the formula gives 0 * ln 0).
        """

    def __rpow__(self, other: Any) -> Tensor:
        """power with the operands swapped: ``other <op> self``."""

    def copy(self) -> Tensor:
        """y = a copy of x, still connected to x's graph (PyTorch's ``clone``; ``detach()`` makes
        a copy outside the graph);  dy/dx = 1.
        """

    def clone(self) -> Tensor:
        """y = a copy of x, still connected to x's graph (PyTorch's ``clone``; ``detach()`` makes
        a copy outside the graph);  dy/dx = 1.
        """

    def __pos__(self) -> Tensor:
        """+a: ``a`` itself (as a Tensor)."""

    def conjugate(self) -> Tensor:
        """The complex conjugate, which is ``a`` itself for the real tensors backproplab holds
        (np.conjugate, np.conj);  d/da = 1.
        """

    def conj(self) -> Tensor:
        """The complex conjugate, which is ``a`` itself for the real tensors backproplab holds
        (np.conjugate, np.conj);  d/da = 1.
        """

    def __lt__(self, b: Any) -> Tensor:
        """a < b elementwise, a boolean tensor."""

    def __le__(self, b: Any) -> Tensor:
        """a <= b elementwise, a boolean tensor."""

    def __gt__(self, b: Any) -> Tensor:
        """a > b elementwise, a boolean tensor."""

    def __ge__(self, b: Any) -> Tensor:
        """a >= b elementwise, a boolean tensor."""

    def __eq__(self, b: Any) -> Tensor:  # type: ignore[override]
        """a == b elementwise, a boolean tensor (NumPy's ``np.equal``; the ``==`` operator). Under
        ``autograd.pytorch_meanings`` the function means PyTorch's ``torch.equal``: one bool, True
        if the shapes and all elements are equal.
        """

    def __ne__(self, b: Any) -> Tensor:  # type: ignore[override]
        """a != b elementwise, a boolean tensor."""

    def __invert__(self) -> Tensor:
        """~a: logical not of a boolean tensor (``~mask``), bitwise not of an integer one."""

    def __and__(self, b: Any) -> Tensor:
        """a & b elementwise: logical and of boolean tensors (``mask & (x > 0)``), bitwise of integer
        ones.
        """

    def __rand__(self, other: Any) -> Tensor:
        """bitwise_and with the operands swapped: ``other <op> self``."""

    def __or__(self, b: Any) -> Tensor:
        """a | b elementwise: logical or of boolean tensors, bitwise of integer ones."""

    def __ror__(self, other: Any) -> Tensor:
        """bitwise_or with the operands swapped: ``other <op> self``."""

    def __xor__(self, b: Any) -> Tensor:
        """a ^ b elementwise: logical exclusive or of boolean tensors, bitwise of integer ones."""

    def __rxor__(self, other: Any) -> Tensor:
        """bitwise_xor with the operands swapped: ``other <op> self``."""

    def logical_and(self, b: Any) -> Tensor:
        """Elementwise "both are nonzero", a boolean tensor (any dtype)."""

    def logical_or(self, b: Any) -> Tensor:
        """Elementwise "either is nonzero", a boolean tensor (any dtype)."""

    def logical_xor(self, b: Any) -> Tensor:
        """Elementwise "exactly one is nonzero", a boolean tensor (any dtype)."""

    def logical_not(self) -> Tensor:
        """Elementwise "is zero", a boolean tensor (any dtype)."""

    def all(self, axis: Any = None, keepdims: builtins.bool = False) -> Tensor:
        """Whether every element (over ``axis``) is true, a boolean tensor.

        Also takes PyTorch's dim= and keepdim=.
        """

    def any(self, axis: Any = None, keepdims: builtins.bool = False) -> Tensor:
        """Whether some element (over ``axis``) is true, a boolean tensor.

        Also takes PyTorch's dim= and keepdim=.
        """

    def bincount(self, weights: Any = None, minlength: builtins.int = 0) -> Tensor:
        """PyTorch's ``bincount`` (NumPy's): y[b] = the number of times b occurs in the 1-D
        non-negative integer x (int64), or the sum of ``weights`` at those places; length
        max(x) + 1, at least ``minlength``. Weighted sums keep a floating weight's dtype (float64
        for integer weights), as PyTorch; recorded for weights: dL/dweights_i = dL/dy[x_i].
        """

    def searchsorted(self, values: Any, side: builtins.str | None = None, sorter: Any = None, *, right: builtins.bool = False, out_int32: builtins.bool = False) -> Tensor:
        """Where each of ``values`` would go in ``sorted_sequence`` to keep it sorted (int64, or
        int32 with ``out_int32``): the first index i with values <= s[i] (``side="left"``), or
        values < s[i] (``side="right"`` / ``right=True``), as PyTorch and NumPy. An N-D sequence
        searches each of its rows (its last dimension) for the matching row of values (PyTorch's
        rule); ``sorter`` holds the indices that sort each row. No gradient (integers).
        """

    def unique_consecutive(self, return_inverse: builtins.bool = False, return_counts: builtins.bool = False, dim: builtins.int | None = None) -> Tensor:
        """PyTorch's ``unique_consecutive``: x with each run of equal consecutive elements (of the
        flattened x, or equal slices along ``dim``) kept once; with ``return_inverse``, which run
        each element belongs to; with ``return_counts``, each run's length. No gradient: x is
        refused when it requires grad (as ``unique``).
        """

    def count_nonzero(self, axis: Any = None, keepdims: builtins.bool = False) -> Tensor:
        """The number of non-zero elements (of all, or along ``axis``), an int64 tensor, as PyTorch
            (``dim=``) and NumPy. No gradient.

        Also takes PyTorch's dim= and keepdim=.
        """

    def cumsum(self, axis: builtins.int | None = None) -> Tensor:
        """y_j = sum over k <= j of x_k along ``axis`` (of the flattened array for None);
            dL/dx_i = sum over j >= i of dL/dy_j.

        Also takes PyTorch's dim= and keepdim=.
        """

    def cumprod(self, axis: builtins.int | None = None) -> Tensor:
        """y_j = product over k <= j of x_k along ``axis`` (of the flattened array for None);
            dL/dx_i = sum over j >= i of dL/dy_j * (product over k <= j, k != i, of x_k).

            Where no x is zero that is (sum over j >= i of dL/dy_j y_j) / x_i. Otherwise backward builds,
            for each i, the running product of x with x_i replaced by 1: exact, at n times the memory.
            

        Also takes PyTorch's dim= and keepdim=.
        """

    def diff(self, n: builtins.int = 1, axis: builtins.int = -1, prepend: Any = None, append: Any = None) -> Tensor:
        """The n-th discrete difference along ``axis``: y_i = x_(i+1) - x_i, applied n times, after
            joining ``prepend`` and ``append`` (scalars are repeated over the other axes), as np.diff.

        Also takes PyTorch's dim= and keepdim=.
        """

    def logcumsumexp(self, axis: builtins.int) -> Tensor:
        """y_j = ln(sum over k <= j of exp(x_k)) along ``axis`` (PyTorch's ``logcumsumexp(x,
            dim)``), without overflow;  dL/dx_i = sum over j >= i of dL/dy_j exp(x_i - y_j).

        Also takes PyTorch's dim= and keepdim=.
        """

    def matmul(self, b: Any) -> Tensor:
        """Matrix product with np.matmul's rules: 1-D operands are promoted to a row (first) or a
        column (second) and the added axis removed again; leading axes broadcast as batches.
        """

    def mm(self, b: Any) -> Tensor:
        """Matrix product with np.matmul's rules: 1-D operands are promoted to a row (first) or a
        column (second) and the added axis removed again; leading axes broadcast as batches.
        """

    def __matmul__(self, b: Any) -> Tensor:
        """Matrix product with np.matmul's rules: 1-D operands are promoted to a row (first) or a
        column (second) and the added axis removed again; leading axes broadcast as batches.
        """

    def __rmatmul__(self, other: Any) -> Tensor:
        """matmul with the operands swapped: ``other <op> self``."""

    def dot(self, b: Any) -> Tensor:
        """np.dot: sum over the last axis of ``a`` and the second-to-last of ``b`` (its only axis
        when 1-D), dot(a, b)[i.., j.., m] = sum_k a[i.., k] b[j.., k, m]; a 0-d operand multiplies.
        For a ``b`` of at most two axes this is ``matmul``.
        """

    def outer(self, b: Any) -> Tensor:
        """The outer product y[i, j] = a_i b_j of the flattened operands;  d/da_i = sum_j g_ij b_j,
        d/db_j = sum_i g_ij a_i.
        """

    def ger(self, b: Any) -> Tensor:
        """The outer product y[i, j] = a_i b_j of the flattened operands;  d/da_i = sum_j g_ij b_j,
        d/db_j = sum_i g_ij a_i.
        """

    def trace(self, offset: builtins.int = 0, axis1: builtins.int = 0, axis2: builtins.int = 1) -> Tensor:
        """The sum of the diagonal x[..., i, i + offset] over ``axis1`` and ``axis2``: np.trace and
        ``Tensor.trace`` (``autograd.trace`` is the graph tracer); d/dx = 1 on that diagonal.
        """

    def inverse(self) -> Tensor:
        """Y = A^-1 (batched);  dL/dA = -Y^T G Y^T (from dY = -Y dA Y)."""

    def det(self) -> Tensor:
        """y = det A (batched);  dL/dA = g adj(A)^T = g det(A) A^-T (Jacobi's formula), which the
        backward computes from the SVD where A is singular, so the gradient there is exact too.
        """

    def slogdet(self) -> Tensor:
        """(sign, log|det A|) of a (batch of) square matrices: det A = sign * exp(logabsdet), without
        overflow. ``sign`` (-1, 0 or 1) is a constant; d logabsdet / dA = A^-T.
        """

    def logdet(self) -> Tensor:
        """log det A (PyTorch's ``torch.logdet``): NaN where det A < 0, -inf where it is 0;
        d/dA = A^-T.
        """

    def cholesky(self, upper: builtins.bool = False) -> Tensor:
        """L = cholesky(A): the lower-triangular L with A = L L^T, for symmetric positive-definite A
        (only A's lower triangle is read; ``upper=True`` returns U = L^T). With Phi(M) the lower
        triangle of M with its diagonal halved, dL = L Phi(L^-1 dA L^-T), so
        dL/dA = sym(L^-T Phi(L^T G) L^-1), sym(M) = (M + M^T) / 2: the symmetric gradient PyTorch
        returns (A is taken to be symmetric).
        """

    def matrix_power(self, n: builtins.int) -> Tensor:
        """A^n for an integer n by repeated squaring (n = 0: the identity; n < 0: (A^-1)^|n|), made
        of recorded products, so its gradient is theirs.
        """

    def qr(self, mode: builtins.str = 'reduced') -> Tensor:
        """The QR decomposition A = Q R (batched): mode "reduced" (Q (m, k), R (k, n), k = min(m,
        n)), "complete" (Q (m, m)) or "r" (R only; Q is empty). Differentiable for A of full rank
        (see ``QR``).
        """

    def xlogy(self, y: Any) -> Tensor:
        """z = x ln y, and 0 where x = 0 (unless y is NaN);  dz/dx = ln y (0 where x = 0 and
        y <= 0, as PyTorch), dz/dy = x / y.
        """

    def sinc(self) -> Tensor:
        """y = sin(pi x) / (pi x), 1 at x = 0 (the normalised sinc, as NumPy and PyTorch);
        dy/dx = (pi x cos(pi x) - sin(pi x)) / (pi x^2), and for |pi x| < 1/4 its Taylor series
        sum_k (-1)^k 2k pi^2k x^(2k-1) / (2k+1)! (the closed form cancels there), 0 at x = 0.
        """

    def frac(self) -> Tensor:
        """y = x - trunc(x), the fractional part (with x's sign);  dy/dx = 1."""

    def logit(self, eps: Any = None) -> Tensor:
        """y = ln(x / (1 - x)), x first clamped to [eps, 1 - eps] when ``eps`` is given (a number);
        dy/dx = 1 / (x (1 - x)), 0 where the clamp is active (see ``Logit``).
        """

    def nan_to_num(self, nan: Any = 0.0, posinf: Any = None, neginf: Any = None) -> Tensor:
        """y = x with NaN, +inf and -inf replaced by numbers (see ``NanToNum``);  dy/dx = 1 where x
        is finite, 0 where it was replaced.
        """

    def i0(self) -> Tensor:
        """y = I_0(x), the modified Bessel function of the first kind of order 0;  dy/dx = I_1(x)."""

    def exp(self) -> Tensor:
        """y = e^x;  dy/dx = e^x = y."""

    def log(self) -> Tensor:
        """y = ln x;  dy/dx = 1 / x."""

    def sqrt(self) -> Tensor:
        """y = sqrt(x);  dy/dx = 1 / (2 sqrt(x)) = 0.5 / y."""

    def sigmoid(self) -> Tensor:
        """y = 1 / (1 + e^-x);  dy/dx = y (1 - y)."""

    def log1p(self) -> Tensor:
        """y = ln(1 + x), accurate for small x;  dy/dx = 1 / (1 + x)."""

    def expm1(self) -> Tensor:
        """y = e^x - 1, accurate for small x;  dy/dx = e^x = y + 1."""

    def log2(self) -> Tensor:
        """y = log2 x = ln x / ln 2;  dy/dx = 1 / (x ln 2)."""

    def log10(self) -> Tensor:
        """y = log10 x = ln x / ln 10;  dy/dx = 1 / (x ln 10)."""

    def exp2(self) -> Tensor:
        """y = 2^x;  dy/dx = 2^x ln 2 = y ln 2."""

    def logaddexp(self, b: Any) -> Tensor:
        """y = ln(e^a + e^b), computed without overflow;  dy/da = e^(a - y), dy/db = e^(b - y)
        (the two weights of a softmax over {a, b}; they sum to 1).
        """

    def logaddexp2(self, b: Any) -> Tensor:
        """y = log2(2^a + 2^b), computed without overflow;  dy/da = 2^(a - y), dy/db = 2^(b - y)."""

    def lgamma(self) -> Tensor:
        """y = ln |Gamma(x)|;  dy/dx = psi(x) (digamma)."""

    def digamma(self) -> Tensor:
        """y = psi(x) = d ln Gamma(x) / dx;  dy/dx = psi'(x) (trigamma, ``polygamma(1, x)``)."""

    def polygamma(self, n: Any) -> Tensor:
        """PyTorch's ``x.polygamma(n)``: psi^(n)(x) (the tensor first, unlike ``polygamma(n, x)``)."""

    def mvlgamma(self, p: builtins.int) -> Tensor:
        """The multivariate log-gamma of dimension p: ln Gamma_p(x) = p (p - 1) / 4 ln pi +
        sum_{j=0}^{p-1} ln Gamma(x - j / 2), for x > (p - 1) / 2 (PyTorch raises otherwise);
        dy/dx = sum_j psi(x - j / 2).
        """

    def erf(self) -> Tensor:
        """y = erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt;  dy/dx = 2/sqrt(pi) * exp(-x^2)
        (differentiable any number of times).
        """

    def erfc(self) -> Tensor:
        """y = erfc(x) = 1 - erf(x), accurate in the right tail;  dy/dx = -2/sqrt(pi) exp(-x^2)."""

    def erfinv(self) -> Tensor:
        """y = erf^-1(x) for -1 <= x <= 1;  dy/dx = sqrt(pi)/2 exp(y^2)."""

    def sinh(self) -> Tensor:
        """y = sinh x = (e^x - e^-x) / 2;  dy/dx = cosh x."""

    def cosh(self) -> Tensor:
        """y = cosh x = (e^x + e^-x) / 2;  dy/dx = sinh x."""

    def tanh(self) -> Tensor:
        """y = tanh x;  dy/dx = 1 - y^2."""

    def arcsinh(self) -> Tensor:
        """y = arcsinh x = ln(x + sqrt(x^2 + 1));  dy/dx = 1 / sqrt(x^2 + 1)."""

    def arccosh(self) -> Tensor:
        """y = arccosh x = ln(x + sqrt(x^2 - 1)), for x >= 1;  dy/dx = 1 / sqrt(x^2 - 1)."""

    def arctanh(self) -> Tensor:
        """y = arctanh x = ln((1 + x) / (1 - x)) / 2, for -1 < x < 1;  dy/dx = 1 / (1 - x^2)."""

    def sum(self, axis: Any = None, keepdims: builtins.bool = False) -> Tensor:
        """y = sum of x over ``axis`` (all axes by default);
            dy/dx_i = 1 for every element i that was summed.

        Also takes PyTorch's dim= and keepdim=.
        """

    def mean(self, axis: Any = None, keepdims: builtins.bool = False) -> Tensor:
        """y = (1/n) sum of x over ``axis`` (all axes by default), the mean;  dy/dx_i = 1/n.

        Also takes PyTorch's dim= and keepdim=.
        """

    def prod(self, axis: Any = None, keepdims: builtins.bool = False) -> Tensor:
        """y = product of x over ``axis`` (all axes by default);
            dy/dx_i = the product of the other elements.

            That product is computed without dividing by x_i (as the running product of the elements
            before i times that of the elements after i), so it is exact where some elements are 0.
            

        Also takes PyTorch's dim= and keepdim=.
        """

    def logsumexp(self, axis: Any = None, keepdims: builtins.bool = False) -> Tensor:
        """y = log(sum(e^x)) over ``axis``, computed as m + log(sum(e^(x - m))) with m = max x;
            dy/dx_i = e^(x_i - y) (the softmax).

        Also takes PyTorch's dim= and keepdim=.
        """

    def max(self, axis: Any = None, keepdims: builtins.bool = False) -> Tensor:
        """Maximum over ``axis``; ties share the gradient evenly. ``max(a, b)`` with a tensor as
            second argument is PyTorch's elementwise maximum.

        Also takes PyTorch's dim= and keepdim=.

        Spelled the PyTorch way: PyTorch's ``max(x, dim=d)``: the maxima over ``d`` and where they are. As in PyTorch,
            the gradient goes to the returned index alone (ties do not share it).
        """

    def min(self, axis: Any = None, keepdims: builtins.bool = False) -> Tensor:
        """Minimum over ``axis``; ties share the gradient evenly. ``min(a, b)`` with a tensor as
            second argument is PyTorch's elementwise minimum.

        Also takes PyTorch's dim= and keepdim=.

        Spelled the PyTorch way: PyTorch's ``min(x, dim=d)``: the minima over ``d`` and where they are; the gradient
            goes to the returned index alone.
        """

    def var(self, axis: Any = None, ddof: builtins.float = 0, keepdims: builtins.bool = False) -> Tensor:
        """Variance sum((x - mean)^2) / (n - ddof) over ``axis`` (NumPy's default ddof=0).

        Also takes PyTorch's dim= and keepdim=.

        Spelled the PyTorch way: PyTorch's ``var(x, dim, correction=1, keepdim=False)``: sum((x - mean)^2) / (n - correction),
            the unbiased estimate unless ``correction=0`` (or ``unbiased=False``, which PyTorch also
            takes positionally: ``var(x, dim, unbiased, keepdim)``, ``var(x, unbiased)``).
        """

    def std(self, axis: Any = None, ddof: builtins.float = 0, keepdims: builtins.bool = False) -> Tensor:
        """Standard deviation sqrt(var(x, axis, ddof)) (NumPy's default ddof=0); its gradient is 0
            where the values are all equal (PyTorch's convention).

        Also takes PyTorch's dim= and keepdim=.

        Spelled the PyTorch way: PyTorch's ``std(x, dim, correction=1, keepdim=False)``: sqrt of ``var`` spelled the same
            way (unbiased by default; ``std(x, dim, unbiased, keepdim)`` and ``std(x, unbiased)`` too).
        """

    def argmax(self, axis: builtins.int | None = None, keepdims: builtins.bool = False) -> Tensor:
        """Index of the maximum (an integer tensor; piecewise constant, so no gradient).

        Also takes PyTorch's dim= and keepdim=.
        """

    def argmin(self, axis: builtins.int | None = None, keepdims: builtins.bool = False) -> Tensor:
        """Index of the minimum (an integer tensor; piecewise constant, so no gradient).

        Also takes PyTorch's dim= and keepdim=.
        """

    def kthvalue(self, k: builtins.int, dim: builtins.int = -1, keepdim: builtins.bool = False) -> Tensor:
        """PyTorch's ``kthvalue``: the k-th smallest element (k = 1 is the minimum) along ``dim`` and
        its index; the gradient goes to that element.
        """

    def mode(self, dim: builtins.int = -1, keepdim: builtins.bool = False) -> Tensor:
        """PyTorch's ``mode``: the most frequent value along ``dim`` (the smallest of equally
        frequent ones) and the index of its last occurrence; the gradient goes to that element.
        """

    def quantile(self, q: Any, axis: Any = None, keepdims: builtins.bool = False, *, interpolation: builtins.str = 'linear', method: builtins.str | None = None) -> Tensor:
        """The q-th quantiles along ``axis`` (of all elements for None), as PyTorch's ``quantile``
            and NumPy's: with n values sorted, position q (n - 1) between sorted values i and i + 1 is
            interpolated as ``interpolation`` (NumPy's ``method``) says: "linear" v_i + (q (n - 1) - i)
            (v_(i+1) - v_i), "lower", "higher", "nearest" (halves to even), "midpoint". A 1-D q puts its
            dimension first. NaN where the row holds one. The gradient flows to the sorted values used,
            with the interpolation's weights; q is a constant.

        Also takes PyTorch's dim= and keepdim=.
        """

    def nanquantile(self, q: Any, axis: Any = None, keepdims: builtins.bool = False, *, interpolation: builtins.str = 'linear', method: builtins.str | None = None) -> Tensor:
        """``quantile`` ignoring NaNs (NaN for a row of NaNs only), as PyTorch's ``nanquantile``
            and NumPy's.

        Also takes PyTorch's dim= and keepdim=.
        """

    def cummax(self, dim: builtins.int) -> Tensor:
        """PyTorch's ``cummax``: y_i = max(x_0..x_i) along ``dim`` and the index of that maximum (the
        last one among equals); the gradient of y_i goes to x at that index. A NaN stays.
        """

    def cummin(self, dim: builtins.int) -> Tensor:
        """PyTorch's ``cummin``: y_i = min(x_0..x_i) along ``dim`` and its index (the last among
        equals); the gradient of y_i goes to x at that index.
        """

    def aminmax(self, *, dim: builtins.int | None = None, keepdim: builtins.bool = False) -> Tensor:
        """PyTorch's ``aminmax``: (``amin``, ``amax``) of all elements or along ``dim``; tied
        extremes share the gradient evenly, as ``amin``/``amax``.
        """

    def square(self) -> Tensor:
        """y = x^2;  dy/dx = 2 x."""

    def reciprocal(self) -> Tensor:
        """y = 1 / x;  dy/dx = -1 / x^2 = -y^2."""

    def float_power(self, b: Any) -> Tensor:
        """y = a ** b computed in float64 (or wider);  dy/da = b a^(b-1), dy/db = a^b ln a, with
        ``power``'s conventions where a or b is 0. The gradients return in each input's dtype.
        """

    def addmm(self, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """PyTorch's ``addmm``: beta * input + alpha * (mat1 @ mat2), mat1 (n, m), mat2 (m, p), input
        broadcast to (n, p) (``nn.Linear``'s bias + x @ W.T).
        """

    def addmv(self, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """PyTorch's ``addmv``: beta * input + alpha * (mat @ vec), mat (n, m), vec (m,), input
        broadcast to (n,).
        """

    def addbmm(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """PyTorch's ``addbmm``: beta * input + alpha * sum_i batch1[i] @ batch2[i], batch1 (b, n, m),
        batch2 (b, m, p), input broadcast to (n, p).
        """

    def baddbmm(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """PyTorch's ``baddbmm``: beta * input + alpha * (batch1 @ batch2) batch by batch, batch1
        (b, n, m), batch2 (b, m, p), input broadcast to (b, n, p) (attention scores with a bias).
        """

    def addr(self, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """PyTorch's ``addr``: beta * input + alpha * outer(vec1, vec2), input broadcast to
        (len(vec1), len(vec2)).
        """

    def kron(self, b: Any) -> Tensor:
        """The Kronecker product: y[i * n + k, j * m + l] = a[i, j] b[k, l] (and likewise in any
        number of dimensions, the fewer-dimensional operand padded with leading 1s), as np.kron and
        torch.kron; recorded as a broadcast product and a reshape.
        """

    def cross(self, b: Any, axis: builtins.int = -1) -> Tensor:
        """The cross product of 3-vectors along ``axis`` (the last by default, as np.cross and
            ``torch.linalg.cross``): y = (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0), operands
            broadcast; recorded as products and differences. PyTorch's ``torch.cross(a, b)`` without
            ``dim`` takes the first dimension of length 3 instead: that meaning under
            ``pytorch_meanings`` (converted code) or with ``dim=``.

        Also takes PyTorch's dim= and keepdim=.

        Spelled the PyTorch way: PyTorch's ``torch.cross(a, b, dim=None)``: the cross product along ``dim``, which must have
            length 3; without ``dim``, along the first dimension of length 3 (PyTorch's rule, which it
            warns about: ``torch.linalg.cross`` and NumPy use the last). (The registry hands ``dim``
            over as ``axis``.)
        """

    def flip(self, axis: Any = None) -> Tensor:
        """y = x with the order of its elements reversed along ``axis`` (every axis for None);
            dL/dx = dL/dy reversed along the same axes.

        Also takes PyTorch's dim= and keepdim=.
        """

    def roll(self, shift: Any, axis: Any = None) -> Tensor:
        """Shift elements by ``shift`` places along ``axis``, wrapping around (the flattened array
            when axis is None), as np.roll.

        Also takes PyTorch's dim= and keepdim=.
        """

    def sort(self, axis: builtins.int = -1, descending: builtins.bool = False, stable: builtins.bool = False) -> Tensor:
        """PyTorch's ``sort(x, dim=-1, descending=False)`` (and ``x.sort(...)``): the sorted values
            and where they came from; the values are gathered from x, so their gradient flows back.

        Also takes PyTorch's dim= and keepdim=.
        """

    def rot90(self, k: builtins.int = 1, dims: Any = (0, 1), axes: Any = None) -> Tensor:
        """x rotated by 90 degrees ``k`` times in the plane of ``dims`` (NumPy's ``axes``), from the
        first towards the second, as torch.rot90 and np.rot90: a flip and a swap of the two axes,
        so dL/dx is dL/dy rotated back.
        """

    def softmax(self, axis: builtins.int, dtype: Any = None) -> Tensor:
        """softmax(x)_i = exp(x_i) / sum_j exp(x_j) along ``axis`` (PyTorch: ``t.softmax(dim)``),
            the row's maximum subtracted first so that large logits never overflow; ``dtype``, if
            given, is the dtype the input is cast to first. One fused op (``nn.functional.softmax``
            runs the same one, with a default axis of -1).

        Also takes PyTorch's dim= and keepdim=.
        """

    def log_softmax(self, axis: builtins.int, dtype: Any = None) -> Tensor:
        """log_softmax(x)_i = x_i - log(sum_j exp(x_j)) along ``axis`` (PyTorch:
            ``t.log_softmax(dim)``), the log-sum-exp taken stably (finite for logits of +-1000);
            ``dtype``, if given, is the dtype the input is cast to first. One fused op.

        Also takes PyTorch's dim= and keepdim=.
        """

    def repeat(self, repeats: Any, axis: builtins.int | None = None) -> Tensor:
        """Each element repeated ``repeats`` times (an int, or one count per element) along
            ``axis`` (of the flattened array for None), as np.repeat and ndarray.repeat;
            d/dx_i adds up the gradients of its copies. (PyTorch's Tensor.repeat is np.tile.)

        Also takes PyTorch's dim= and keepdim=.

        Spelled the PyTorch way: PyTorch's ``x.repeat(*sizes)``: x tiled ``sizes[i]`` times along axis i (leading axes
            added), which is ``np.tile(x, sizes)``; d/dx adds up the gradients of the blocks.
        """

    def tile(self, reps: Any) -> Tensor:
        """x repeated as a block ``reps`` times along each axis (leading axes added as needed), as
        np.tile and PyTorch's tile; d/dx adds up the gradients of the blocks.
        """

    def tril(self, diagonal: builtins.int = 0) -> Tensor:
        """The lower triangle of the last two axes: y[i, j] = x[i, j] where j <= i + diagonal, else
        0;  dy/dx = that same mask.
        """

    def triu(self, diagonal: builtins.int = 0) -> Tensor:
        """The upper triangle of the last two axes: y[i, j] = x[i, j] where j >= i + diagonal, else
        0;  dy/dx = that same mask.
        """

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        """PyTorch's ``masked_fill``: ``value`` where ``mask`` is true, x elsewhere (the mask
        broadcasts to x's shape);  dy/dx = not mask, dy/dvalue = mask (for a 0-d Tensor value).
        """

    def split(self, split_size_or_sections: Any, dim: builtins.int = 0) -> Tensor:
        """PyTorch's ``split``: pieces of ``split_size_or_sections`` elements along ``dim`` (the last
        one shorter if need be), or pieces of the listed sizes; each piece is a recorded slice.
        """

    def chunk(self, chunks: builtins.int, dim: builtins.int = 0) -> Tensor:
        """PyTorch's ``chunk``: ``chunks`` pieces along ``dim`` of ceil(length / chunks) elements
        (fewer pieces if the length runs out).
        """

    def norm(self, p: Any = 'fro', dim: Any = None, keepdim: builtins.bool = False, dtype: Any = None) -> Tensor:
        """PyTorch's ``Tensor.norm(p="fro", dim=None, keepdim=False)``: the p-norm of all elements
        (``dim=None``) or along ``dim``, as ``torch.norm`` (see ``linalg._pytorch_norm``).
        """

    def topk(self, k: builtins.int, dim: builtins.int = -1, largest: builtins.bool = True, sorted: builtins.bool = True) -> Tensor:
        """PyTorch's ``topk``: the ``k`` largest (or smallest) entries along ``dim`` and where they
        are, largest first; the values are gathered from x, so their gradient flows back there.
        """

    def gather(self, dim: builtins.int, index: Any) -> Tensor:
        """PyTorch's ``gather``: ``y[i, j] = x[index[i, j], j]`` for dim 0 (and so on), which is
        ``take_along_axis(x, index, axis=dim)``; the gradient adds back into the picked entries.
        """

    def floor(self) -> Tensor:
        """y = the largest integer <= x, elementwise;  dy/dx = 0."""

    def ceil(self) -> Tensor:
        """y = the smallest integer >= x, elementwise;  dy/dx = 0."""

    def trunc(self) -> Tensor:
        """y = x with its fractional part dropped (towards zero);  dy/dx = 0."""

    def sign(self) -> Tensor:
        """y = -1, 0 or 1 by the sign of x;  dy/dx = 0."""

    def sgn(self) -> Tensor:
        """y = -1, 0 or 1 by the sign of x;  dy/dx = 0."""

    def round(self, decimals: builtins.int = 0) -> Tensor:
        """x rounded to the nearest integer (halves to even), or to ``decimals`` places;
        dy/dx = 0.
        """

    def isfinite(self) -> Tensor:
        """True where x is neither infinite nor NaN (a bool tensor)."""

    def isnan(self) -> Tensor:
        """True where x is NaN (a bool tensor)."""

    def isinf(self) -> Tensor:
        """True where x is +inf or -inf (a bool tensor)."""

    def isclose(self, b: Any, rtol: builtins.float = 1e-05, atol: builtins.float = 1e-08, equal_nan: builtins.bool = False) -> Tensor:
        """|a - b| <= atol + rtol |b| elementwise (a bool tensor), as PyTorch and NumPy."""

    def allclose(self, b: Any, rtol: builtins.float = 1e-05, atol: builtins.float = 1e-08, equal_nan: builtins.bool = False) -> Tensor:
        """Whether ``isclose(a, b)`` holds everywhere (a Python bool)."""

    def histogram(self, bins: Any = 100, *, range: builtins.tuple[builtins.float, builtins.float] | None = None, weight: Any = None, density: builtins.bool = False) -> Tensor:
        """PyTorch's ``histogram``: counts of x's values in ``bins`` equal bins over ``range`` (x's
        min to max by default), or in the bins whose edges ``bins`` lists; with ``weight``, the sum
        of the weights of the values in each bin (over ``sum * bin width`` with ``density``).

        x may require grad (a histogram of activations in the middle of a graph): the counts only
        jump as x moves (derivative 0 almost everywhere, as ``histc``), but equal bins over x's own
        range have edges ``min + (max - min) k / bins``, recorded through x.min() and x.max(), and a
        density divides by their widths, so both carry x's true gradient. Recorded for ``weight`` (a
        bin's sum is linear in it: dL/dweight_i = dL/dhist at x_i's bin). Given edges or ``range``
        are refused when they require grad (PyTorch has no derivative for them either).
        """

    def histc(self, bins: builtins.int = 100, min: builtins.float = 0, max: builtins.float = 0) -> Tensor:
        """PyTorch's ``histc``: counts in ``bins`` equal bins from ``min`` to ``max`` (x's own min
        and max when both are 0); values outside are ignored; no gradient.
        """

    def nonzero(self) -> Tensor:
        """The indices of the non-zero entries, one int64 tensor per dimension, as np.nonzero and
            ndarray.nonzero; PyTorch's rows (n, ndim) when spelled with ``as_tuple=`` or under
            ``pytorch_meanings`` (converted code).

        Also takes PyTorch's dim= and keepdim=.

        Spelled the PyTorch way: PyTorch's ``nonzero``: the indices of the non-zero entries, one row per entry (shape
            (n, ndim), int64), or with ``as_tuple=True`` one index tensor per dimension.
        """

    def unique(self, sorted: builtins.bool = True, return_inverse: builtins.bool = False, return_counts: builtins.bool = False, dim: builtins.int | None = None) -> Tensor:
        """PyTorch's ``unique``: the distinct values, sorted (and, as asked, the index of each input
        value among them and how often each occurs). No gradient: x is refused when it requires grad
        (which of equal values a distinct value came from is not a derivative; PyTorch has none).
        """

    def argsort(self, dim: builtins.int = -1, descending: builtins.bool = False, stable: builtins.bool = False) -> Tensor:
        """Where each sorted value came from along ``dim`` (an integer tensor; no gradient)."""

    def select(self, dim: builtins.int, index: builtins.int) -> Tensor:
        """PyTorch's ``select``: the slice at ``index`` along ``dim`` (that dimension removed),
        ``x[:, index]`` for dim 1 -- a recorded view.
        """

    def unbind(self, dim: builtins.int = 0) -> Tensor:
        """PyTorch's ``unbind``: the slices along ``dim``, that dimension removed -- ``select(x, dim,
        i)`` for each i, each a recorded view.
        """

    def mv(self, vec: Any) -> Tensor:
        """PyTorch's ``mv``: the matrix-vector product y_i = sum_j a_ij vec_j for a 2-D a and a 1-D
        vec (``matmul`` restricted to those shapes).
        """

    def repeat_interleave(self, repeats: Any = None, dim: builtins.int | None = None, *, output_size: builtins.int | None = None) -> Tensor:
        """PyTorch's ``repeat_interleave``: each element repeated ``repeats`` times (an int, or one
        count per element along ``dim``) along ``dim`` -- of the flattened tensor for None -- which
        is NumPy's ``repeat``; d/dx adds up the gradients of the copies. With one argument,
        ``repeat_interleave(counts)`` is ``arange(len(counts))`` with entry i repeated counts[i]
        times (int64). ``output_size`` is only checked.
        """

    def diag(self, k: builtins.int = 0) -> Tensor:
        """A 1-D x as the ``k``-th diagonal of a square matrix (zeros elsewhere; k > 0 above the main
        diagonal), or the ``k``-th diagonal of a 2-D x as a vector: np.diag, and PyTorch's
        ``torch.diag(x, diagonal)``. Recorded: the matrix is x times the identity, padded, so
        dL/dx_i is dL/dy at x_i's place; the vector is ``diagonal``'s.
        """

    def sin(self) -> Tensor:
        """y = sin x;  dy/dx = cos x."""

    def cos(self) -> Tensor:
        """y = cos x;  dy/dx = -sin x."""

    def tan(self) -> Tensor:
        """y = tan x;  dy/dx = 1 / cos^2 x = 1 + y^2."""

    def arcsin(self) -> Tensor:
        """y = arcsin x in [-pi/2, pi/2], for -1 <= x <= 1;  dy/dx = 1 / sqrt(1 - x^2)."""

    def arccos(self) -> Tensor:
        """y = arccos x in [0, pi], for -1 <= x <= 1;  dy/dx = -1 / sqrt(1 - x^2)."""

    def arctan(self) -> Tensor:
        """y = arctan x in (-pi/2, pi/2);  dy/dx = 1 / (1 + x^2)."""

    def arctan2(self, b: Any) -> Tensor:
        """y = arctan2(a, b), the angle of the point (b, a) in (-pi, pi];  dy/da = b / (a^2 + b^2),
        dy/db = -a / (a^2 + b^2); at the origin (where a^2 + b^2 is 0) both are taken as 0, as
        PyTorch does (so ``arctan2(x, x)`` at x = 0 has gradient 0, not NaN).
        """

    def atan2(self, b: Any) -> Tensor:
        """y = arctan2(a, b), the angle of the point (b, a) in (-pi, pi];  dy/da = b / (a^2 + b^2),
        dy/db = -a / (a^2 + b^2); at the origin (where a^2 + b^2 is 0) both are taken as 0, as
        PyTorch does (so ``arctan2(x, x)`` at x = 0 has gradient 0, not NaN).
        """

    def hypot(self, b: Any) -> Tensor:
        """y = sqrt(a^2 + b^2), without overflow;  dy/da = a / y, dy/db = b / y
        (0 at the origin, the subgradient PyTorch's norm uses).
        """

    def deg2rad(self) -> Tensor:
        """y = x pi / 180 (degrees to radians, also np.radians);  dy/dx = pi / 180."""

    def rad2deg(self) -> Tensor:
        """y = x 180 / pi (radians to degrees, also np.degrees);  dy/dx = 180 / pi."""

    def __iadd__(self, other: Any) -> Any:
        ...

    def __isub__(self, other: Any) -> Any:
        ...

    def __imul__(self, other: Any) -> Any:
        ...

    def __itruediv__(self, other: Any) -> Any:
        ...

    def __setitem__(self, index: Any, value: Any) -> None:
        """``t[index] = value`` with NumPy indexing (``t[t < 0] = 0``): outside the graph, or
        recorded as in PyTorch (its history moves, see autograd/rebase.py).
        """

    def add_(self, other: Any, alpha: builtins.float = 1) -> Any:
        """PyTorch's in-place ``t += alpha * other``."""

    def sub_(self, other: Any, alpha: builtins.float = 1) -> Any:
        """PyTorch's in-place ``t -= alpha * other``."""

    def mul_(self, other: Any) -> Any:
        """PyTorch's in-place ``t *= other``."""

    def div_(self, other: Any) -> Any:
        """PyTorch's in-place ``t /= other``."""

    def fill_(self, value: Any) -> Any:
        """PyTorch's in-place fill: every element becomes ``value`` (dL/d(old) = 0; a
        0-d ``value`` that requires grad gets the sum of dL/dt).
        """

    def zero_(self) -> Any:
        """PyTorch's in-place ``fill_(0)``."""

    def copy_(self, source: Any) -> Any:
        """PyTorch's in-place copy: this tensor's values become ``source``'s (broadcast, cast to
        this tensor's dtype); dL/d(old) = 0, dL/d(source) = dL/dt (summed over broadcasting).
        """

    def clamp_(self, min: Any = None, max: Any = None) -> Any:
        """PyTorch's in-place clamp: values below ``min`` become ``min``, above ``max``, ``max``
        (recorded as ``clip``, with its derivative, when it must be).
        """

    def requires_grad_(self, requires_grad: builtins.bool = True) -> Any:
        """PyTorch's in-place switch: set ``requires_grad`` (leaves only) and return the tensor."""

    def detach_(self) -> Any:
        """PyTorch's in-place detach: this tensor becomes a leaf that does not require grad.
        Refused for a view made by a view op, as in PyTorch: a write through it afterwards would
        change its base's values with no trace in the base's history.
        """

    def __array_ufunc__(self, ufunc: Any, method: builtins.str, *inputs: Any, **kwargs: Any) -> Any:
        ...

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        ...

    def __array__(self, dtype: Any = None, copy: builtins.bool | None = None) -> np.ndarray:
        ...

    @property
    def shape(self) -> builtins.tuple[builtins.int, ...]:
        """The array's shape, as ``ndarray.shape``."""

    @property
    def ndim(self) -> builtins.int:
        """The number of axes, len(shape)."""

    @property
    def dtype(self) -> np.dtype:
        """The element type of the values (and of ``.grad``)."""

    @property
    def name(self) -> builtins.str | None:
        """A label shown by ``repr`` and ``draw_graph``."""
    @name.setter
    def name(self, value: builtins.str | None) -> None: ...

    @property
    def T(self) -> Any:
        """The transpose (axes reversed), as ``ndarray.T``."""

    def numpy(self) -> np.ndarray:
        """The underlying ndarray (shared, not copied)."""

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""

    def __len__(self) -> builtins.int:
        ...

    def __iter__(self) -> Iterator[Any]:
        ...

    def __bool__(self) -> builtins.bool:
        ...

    def __float__(self) -> builtins.float:
        ...

    def __int__(self) -> builtins.int:
        ...

    def __index__(self) -> builtins.int:
        """A one-element integer tensor as an index or slice bound (``xs[t]``, ``range(t)``)."""

    def __format__(self, spec: builtins.str) -> builtins.str:
        """A 0-d tensor formats as its number (``f"{loss:.4f}"``); others as ``str`` does, and
        refuse a format spec, as in PyTorch.
        """

    def __repr__(self) -> builtins.str:
        """Return repr(self)."""

    @property
    def data(self) -> Tensor:
        """This tensor's values as a Tensor that shares its memory, with no history and not
        requiring grad (PyTorch's ``.data``): ``p.data.add_(u)`` and ``p.data[0] = 1`` write into
        ``p`` and count as changes of ``p`` (a backward that saved the old values raises).
        ``.numpy()`` is the array itself. Assigning, ``t.data = u`` (a Tensor or an array), makes
        ``t`` hold ``u``'s memory instead.
        """
    @data.setter
    def data(self, value: Tensor) -> None: ...

    @property
    def grad(self) -> Tensor | None:
        """dL/d(self) accumulated by ``backward()``, or None: a Tensor of this tensor's shape
        and dtype that shares the gradient's memory and does not require grad (as PyTorch's;
        ``p.grad.zero_()`` works, ``p.grad.numpy()`` is the array). After
        ``backward(create_graph=True)`` it is the recorded gradient, differentiable again.
        Assigning checks the shape and converts to this tensor's dtype (a copy).
        """
    @grad.setter
    def grad(self, value: Tensor | None) -> None: ...

    @property
    def size(self) -> Size:
        """The number of elements, the product of shape (NumPy's attribute). Called, it is
        PyTorch's method: ``t.size()`` is the shape, ``t.size(d)`` the length of axis d.
        """

    def dim(self) -> builtins.int:
        """PyTorch's name for ``ndim``, the number of axes."""

    def numel(self) -> builtins.int:
        """PyTorch's name for ``size``, the number of elements."""

    def tolist(self) -> Any:
        """The values as (nested) Python lists of Python numbers."""

    def cpu(self) -> Any:
        """PyTorch's move to the CPU: the tensor itself (backproplab runs on the CPU)."""

    @property
    def device(self) -> builtins.str:
        """Where the data lives: always the CPU (``"cpu"``, with PyTorch's ``.type``)."""

    is_cuda: builtins.bool

    @property
    def _version(self) -> builtins.int:
        """How many times this tensor's memory was changed in place (see autograd.versions)."""

    def nelement(self) -> builtins.int:
        """PyTorch's older name for ``numel()``: the number of elements."""

    def contiguous(self, memory_format: Any = None) -> Tensor:
        """The tensor itself if its data is one C-ordered block, else a recorded copy that is, as
        PyTorch's (so that writing into ``t.T.contiguous()`` leaves ``t`` alone there too).
        """

    def is_contiguous(self, memory_format: Any = None) -> builtins.bool:
        """Whether the data is one C-ordered block of memory."""

    def stride(self, dim: builtins.int | None = None) -> Any:
        """PyTorch's ``stride``: how many elements to step in memory to move one place along each
        dimension (NumPy's byte ``strides`` over the item size), or along ``dim``. A transpose's
        strides are its base's reversed; a broadcast (``expand``) dimension's stride is 0.
        """

    def storage_offset(self) -> builtins.int:
        """PyTorch's ``storage_offset``: where the tensor's first element sits in the memory it
        shares with the tensor it is a view of, counted in elements (0 for a tensor that owns its
        memory; ``points[1]`` of a (3, 2) tensor starts at 2).
        """

    def element_size(self) -> builtins.int:
        """PyTorch's ``element_size``: the bytes one element takes (4 for float32; NumPy's
        ``itemsize``).
        """

    def unsqueeze_(self, dim: builtins.int) -> Tensor:
        """PyTorch's ``unsqueeze_``: the tensor itself, now with a dimension of size 1 inserted at
        ``dim`` (its memory unchanged). Refused for a tensor that requires grad.
        """

    def squeeze_(self, dim: Any = None) -> Tensor:
        """PyTorch's ``squeeze_``: the tensor itself without its dimensions of size 1 (only ``dim``,
        or the dims in a tuple, when given; a named dim of another size stays). Refused for a
        tensor that requires grad.
        """

    def type(self, dtype: Any = None) -> Any:
        """With no argument, the type's name as PyTorch spells it (``"torch.FloatTensor"``, so
        printed output matches); with a dtype, the tensor converted to it (``astype``).
        """

    def type_as(self, other: Tensor) -> Tensor:
        """The tensor converted to ``other``'s dtype."""

    def view_as(self, other: Tensor) -> Tensor:
        """``view(other.shape)``: the tensor's memory seen in ``other``'s shape."""

    def expand(self, *sizes: Any) -> Tensor:
        """PyTorch's ``expand``: broadcast to ``sizes`` (-1 keeps a dimension); a recorded
        ``broadcast_to``, whose gradient sums over the broadcast dimensions.
        """

    def expand_as(self, other: Tensor) -> Tensor:
        """``expand(other.shape)``."""

    def new_zeros(self, *size: Any, dtype: Any = None, requires_grad: builtins.bool = False, **_: Any) -> Any:
        """Zeros of ``size`` with this tensor's dtype (or ``dtype``)."""

    def new_ones(self, *size: Any, dtype: Any = None, requires_grad: builtins.bool = False, **_: Any) -> Any:
        """Ones of ``size`` with this tensor's dtype (or ``dtype``)."""

    def new_empty(self, *size: Any, dtype: Any = None, requires_grad: builtins.bool = False, **_: Any) -> Any:
        """A tensor of ``size`` with this tensor's dtype, its values not set."""

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, requires_grad: builtins.bool = False) -> Tensor:
        """``fill_value`` everywhere in a tensor of ``size`` with this tensor's dtype (recorded when
        ``fill_value`` is a Tensor that requires grad: dL/d(fill_value) = sum of dL/dy).
        """

    def new_tensor(self, data: Any, *, dtype: Any = None, requires_grad: builtins.bool = False) -> Any:
        """A copy of ``data`` as a tensor of this tensor's dtype (or ``dtype``), cut from the graph
        (a warning says so if ``data`` requires grad, as PyTorch's).
        """

    def eq(self, other: Any) -> Tensor:
        """``self == other`` elementwise, by PyTorch's name (a bool tensor)."""

    def bmm(self, mat2: Any) -> Tensor:
        """PyTorch's batched matrix product: ``self`` (b, n, m) times ``mat2`` (b, m, p) gives
        (b, n, p), out[i] = self[i] @ mat2[i] (``@`` itself, restricted to 3-D operands).
        """

    def amax(self, dim: Any = (), keepdim: builtins.bool = False) -> Tensor:
        """PyTorch's ``amax``: the maxima over ``dim`` (an int or a tuple; all axes by default),
        values only; tied maxima share the gradient evenly (as PyTorch's amax).
        """

    def amin(self, dim: Any = (), keepdim: builtins.bool = False) -> Tensor:
        """PyTorch's ``amin``: the minima over ``dim`` (all axes by default), values only."""

    def rsqrt(self) -> Tensor:
        """1 / sqrt(x), elementwise."""

    def clamp_min(self, min: Any) -> Tensor:
        """``clamp(min=min)``: max(x, min)."""

    def clamp_max(self, max: Any) -> Tensor:
        """``clamp(max=max)``: min(x, max)."""

    def true_divide(self, other: Any) -> Tensor:
        """``self / other`` (true division, floats out)."""

    def reshape_as(self, other: Any) -> Tensor:
        """``self.reshape(other.shape)``."""

    def masked_select(self, mask: Any) -> Tensor:
        """The elements of ``self`` where ``mask`` (broadcast with it) is True, as a 1-D tensor in
        row-major order; the gradient flows back to those elements.
        """

    def equal(self, other: Any) -> builtins.bool:
        """PyTorch's ``t.equal(other)``: True if ``other`` has this tensor's shape and elements (one
        bool; the elementwise comparison is ``t == other`` or ``t.eq(other)``).
        """

    def ne(self, other: Any) -> Tensor:
        """``self != other`` elementwise (a bool tensor)."""

    def lt(self, other: Any) -> Tensor:
        """``self < other`` elementwise (a bool tensor)."""

    def le(self, other: Any) -> Tensor:
        """``self <= other`` elementwise (a bool tensor)."""

    def gt(self, other: Any) -> Tensor:
        """``self > other`` elementwise (a bool tensor)."""

    def ge(self, other: Any) -> Tensor:
        """``self >= other`` elementwise (a bool tensor)."""

    def where(self, condition: Any, other: Any) -> Tensor:
        """PyTorch's ``x.where(condition, y)``: x where ``condition`` holds, else y."""

    def index_select(self, dim: builtins.int, index: Any) -> Tensor:
        """The entries at ``index`` (1-D) along ``dim``: ``take(x, index, axis=dim)``, recorded."""

    def narrow(self, dim: builtins.int, start: builtins.int, length: builtins.int) -> Tensor:
        """The slice ``start:start + length`` along ``dim`` (a recorded view)."""

    def normal_(self, mean: builtins.float = 0.0, std: builtins.float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples of N(mean, std^2), in place (dL/d(old) = 0)."""

    def uniform_(self, a: builtins.float = 0.0, b: builtins.float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples of the uniform distribution on [a, b), in place (dL/d(old) = 0)."""

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        """``value`` where ``mask`` is true, in place: ``t[mask] = value`` (the mask broadcast to
        the tensor's shape).
        """

    def fill(self, value: Any) -> None:
        """NumPy's ``ndarray.fill``: every element becomes ``value``, in place (``fill_`` is
        PyTorch's spelling, which returns the tensor).
        """

    def scatter_(self, dim: builtins.int, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None) -> Tensor:
        """PyTorch's ``scatter_``: ``self[index[i, j], j] = src[i, j]`` for dim 0 (and so on), in place;
        ``src`` may be a number (the one-hot idiom ``y.scatter_(1, labels.unsqueeze(1), 1.0)``).
        An item assignment: recorded when it must be (autograd/inplace.py's ``put``). With
        ``reduce="add"`` or ``"multiply"``, src is added or multiplied in instead (repeated
        positions accumulate): ``scatter_reduce_`` with "sum" or "prod".
        """

    def scatter(self, dim: builtins.int, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None) -> Tensor:
        """``scatter_`` on a copy: y = self, with ``y[index[i, j], j] = src[i, j]`` for dim 0.
        Recorded when self or src requires grad: dL/dself = dL/dy where nothing was written, 0
        elsewhere; dL/dsrc[i, j] = dL/dy at the position src[i, j] went to (PyTorch's
        ``grad.gather(dim, index)``). A position written twice is refused when src requires grad
        (which write wins has no derivative).
        """

    def add(self, other: Any, *, alpha: Any = 1) -> Tensor:
        """PyTorch's ``t.add(other, alpha=1)``: t + alpha * other (the ``+`` operator's op; the
        method is kept apart so that ``+`` itself stays one call).
        """

    def subtract(self, other: Any, *, alpha: Any = 1) -> Tensor:
        """PyTorch's ``t.sub(other, alpha=1)`` (also ``t.subtract``): t - alpha * other."""

    def sub(self, other: Any, *, alpha: Any = 1) -> Tensor:
        """PyTorch's ``t.sub(other, alpha=1)`` (also ``t.subtract``): t - alpha * other."""

    def addcmul(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        """PyTorch's ``addcmul``: self + value * tensor1 * tensor2 (recorded as those ops)."""

    def addcdiv(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        """PyTorch's ``addcdiv``: self + value * tensor1 / tensor2 (recorded as those ops)."""

    def lerp(self, end: Any, weight: Any) -> Tensor:
        """PyTorch's ``lerp``: self + weight * (end - self), the straight line from self to end."""

    def exp_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``exp_``: ``t.exp(...)`` written into t."""

    def log_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``log_``: ``t.log(...)`` written into t."""

    def sqrt_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``sqrt_``: ``t.sqrt(...)`` written into t."""

    def abs_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``abs_``: ``t.abs(...)`` written into t."""

    def neg_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``neg_``: ``t.neg(...)`` written into t."""

    def relu_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``relu_``: ``t.relu(...)`` written into t."""

    def sigmoid_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``sigmoid_``: ``t.sigmoid(...)`` written into t."""

    def tanh_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``tanh_``: ``t.tanh(...)`` written into t."""

    def square_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``square_``: ``t.square(...)`` written into t."""

    def floor_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``floor_``: ``t.floor(...)`` written into t."""

    def ceil_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``ceil_``: ``t.ceil(...)`` written into t."""

    def round_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``round_``: ``t.round(...)`` written into t."""

    def sign_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``sign_``: ``t.sign(...)`` written into t."""

    def reciprocal_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``reciprocal_``: ``t.reciprocal(...)`` written into t."""

    def pow_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``pow_``: ``t.pow(...)`` written into t."""

    def sin_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``sin_``: ``t.sin(...)`` written into t."""

    def cos_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``cos_``: ``t.cos(...)`` written into t."""

    def log1p_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``log1p_``: ``t.log1p(...)`` written into t."""

    def expm1_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``expm1_``: ``t.expm1(...)`` written into t."""

    def trunc_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``trunc_``: ``t.trunc(...)`` written into t."""

    def addcmul_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``addcmul_``: ``t.addcmul(...)`` written into t."""

    def addcdiv_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``addcdiv_``: ``t.addcdiv(...)`` written into t."""

    def lerp_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``lerp_``: ``t.lerp(...)`` written into t."""

    def tril_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``tril_``: ``t.tril(...)`` written into t."""

    def triu_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``triu_``: ``t.triu(...)`` written into t."""

    def log2_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``log2_``: ``t.log2(...)`` written into t."""

    def log10_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``log10_``: ``t.log10(...)`` written into t."""

    def erf_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``erf_``: ``t.erf(...)`` written into t."""

    def sinh_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``sinh_``: ``t.sinh(...)`` written into t."""

    def cosh_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``cosh_``: ``t.cosh(...)`` written into t."""

    def erfc_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``erfc_``: ``t.erfc(...)`` written into t."""

    def erfinv_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``erfinv_``: ``t.erfinv(...)`` written into t."""

    def lgamma_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``lgamma_``: ``t.lgamma(...)`` written into t."""

    def digamma_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``digamma_``: ``t.digamma(...)`` written into t."""

    def sinc_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``sinc_``: ``t.sinc(...)`` written into t."""

    def frac_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``frac_``: ``t.frac(...)`` written into t."""

    def sgn_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``sgn_``: ``t.sgn(...)`` written into t."""

    def i0_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``i0_``: ``t.i0(...)`` written into t."""

    def scatter_add_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``scatter_add_``: ``t.scatter_add(...)`` written into t."""

    def scatter_reduce_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``scatter_reduce_``: ``t.scatter_reduce(...)`` written into t."""

    def index_add_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``index_add_``: ``t.index_add(...)`` written into t."""

    def index_copy_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``index_copy_``: ``t.index_copy(...)`` written into t."""

    def index_fill_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``index_fill_``: ``t.index_fill(...)`` written into t."""

    def masked_scatter_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``masked_scatter_``: ``t.masked_scatter(...)`` written into t."""

    def index_put_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``index_put_``: ``t.index_put(...)`` written into t."""

    def put_(self, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's in-place ``put_``: ``t.put(...)`` written into t."""

    def median(self, dim: builtins.int | None = None, keepdim: builtins.bool = False) -> Any:
        """PyTorch's ``t.median(dim=None, keepdim=False)``: the lower of the two middle values (all
        elements: a 0-d tensor; along ``dim``: (values, indices)); the gradient goes to that element.
        (``autograd.median`` spelled the NumPy way is np.median, which averages them.)
        """

    def nanmedian(self, dim: builtins.int | None = None, keepdim: builtins.bool = False) -> Any:
        """PyTorch's ``t.nanmedian(dim=None, keepdim=False)``: ``t.median`` ignoring NaNs."""

    def unfold(self, dimension: builtins.int, size: builtins.int, step: builtins.int) -> Tensor:
        """PyTorch's ``t.unfold(dimension, size, step)``: the windows of ``size`` elements, ``step``
        apart, along ``dimension``, as a new last dimension (a view; see ``ops.indexing.unfold``).
        """
