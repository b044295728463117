"""Recurrent layers: ``RNN``, ``LSTM`` and ``GRU``, and their one-step forms ``RNNCell``,
``LSTMCell`` and ``GRUCell``, with PyTorch's parameters, layouts and equations.

All six share one small core. A layer of a recurrent network reads a sequence x_1 .. x_L and
carries a state from step to step; each step is a *cell*:

    RNN:   h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)        (or relu: ``nonlinearity``)

    LSTM:  [i, f, g, o] = x W_ih^T + b_ih + h W_hh^T + b_hh    (four blocks of ``hidden_size``)
           i, f, o = sigmoid(i), sigmoid(f), sigmoid(o);  g = tanh(g)
           c' = f * c + i * g;  h' = o * tanh(c')

    GRU:   [r_x, z_x, n_x] = x W_ih^T + b_ih;  [r_h, z_h, n_h] = h W_hh^T + b_hh
           r = sigmoid(r_x + r_h);  z = sigmoid(z_x + z_h)
           n = tanh(n_x + r * n_h)           (r scales W_hn h + b_hn, as PyTorch)
           h' = (1 - z) * n + z * h

The input's share x W_ih^T + b_ih of every step is one matrix product over the whole sequence
(it does not depend on the state); only h W_hh^T is computed step by step. Everything is built
from recorded ops (``linear``, slices, ``sigmoid``, ``tanh``, ``stack``), so backpropagation
through time is the engine's ordinary backward over the unrolled steps: nothing here has a
gradient formula of its own.

Parameters, as PyTorch names and shapes them (so ``state_dict()`` keys are PyTorch's and weights
load from a torch model): for layer k and direction (``_reverse`` for the backward one of a
bidirectional network), ``weight_ih_l{k}`` (G * hidden, in), ``weight_hh_l{k}`` (G * hidden,
hidden), ``bias_ih_l{k}`` and ``bias_hh_l{k}`` (G * hidden,), with G = 1 (RNN), 4 (LSTM, blocks
i, f, g, o) or 3 (GRU, blocks r, z, n). Layer 0 reads ``input_size`` features, later layers
``hidden_size`` (twice that when bidirectional). Every parameter starts uniform in
(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), drawn from the library generator.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import autograd

from .. import functional as F
from .. import init
from ..devices import check_device, floating_dtype
from ..functional.checks import as_tensor, check_size
from ..functional.contiguous import permute_contiguous
from ..module import Module
from ..parameter import Parameter

State = tuple[Any, ...]  # (h,) or, for an LSTM, (h, c)


def rnn_cell(xw: Any, state: State, w_hh: Any, b_hh: Any, nonlinearity: str = "tanh") -> State:
    """One RNN step from the input's share ``xw`` = x W_ih^T + b_ih:
    h' = tanh(xw + h W_hh^T + b_hh) (relu instead with ``nonlinearity="relu"``)."""
    pre = xw + F.linear(state[0], w_hh, b_hh)
    return (pre.tanh() if nonlinearity == "tanh" else pre.relu(),)


def lstm_cell(xw: Any, state: State, w_hh: Any, b_hh: Any) -> State:
    """One LSTM step: gates = xw + h W_hh^T + b_hh in blocks i, f, g, o;
    c' = sigmoid(f) * c + sigmoid(i) * tanh(g), h' = sigmoid(o) * tanh(c')."""
    h, c = state
    gates = xw + F.linear(h, w_hh, b_hh)
    n = h.shape[-1]
    i = gates[..., :n].sigmoid()
    f = gates[..., n : 2 * n].sigmoid()
    g = gates[..., 2 * n : 3 * n].tanh()
    o = gates[..., 3 * n :].sigmoid()
    c = f * c + i * g
    return o * c.tanh(), c


def gru_cell(xw: Any, state: State, w_hh: Any, b_hh: Any) -> State:
    """One GRU step: r = sigmoid(r_x + r_h), z = sigmoid(z_x + z_h),
    n = tanh(n_x + r * n_h), h' = (1 - z) * n + z * h, where [r_x, z_x, n_x] = xw and
    [r_h, z_h, n_h] = h W_hh^T + b_hh."""
    (h,) = state
    hw = F.linear(h, w_hh, b_hh)
    n = h.shape[-1]
    r = (xw[..., :n] + hw[..., :n]).sigmoid()
    z = (xw[..., n : 2 * n] + hw[..., n : 2 * n]).sigmoid()
    candidate = (xw[..., 2 * n :] + r * hw[..., 2 * n :]).tanh()
    return ((1 - z) * candidate + z * h,)


GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def _check_nonlinearity(owner: str, nonlinearity: str) -> str:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{owner}: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    return nonlinearity


def _step(mode: str, nonlinearity: str) -> Any:
    if mode == "LSTM":
        return lstm_cell
    if mode == "GRU":
        return gru_cell
    return lambda xw, state, w_hh, b_hh: rnn_cell(xw, state, w_hh, b_hh, nonlinearity)


def _reset_uniform(module: Module, hidden_size: int) -> None:
    """PyTorch's initialisation of every recurrent parameter: U(-1/sqrt(H), 1/sqrt(H)), drawn
    in registration order."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


def _check_dtype(owner: str, what: str, t: autograd.Tensor, dtype: np.dtype) -> None:
    if t.dtype != dtype:
        raise TypeError(
            f"{owner}: {what} dtype {t.dtype} differs from the parameters' dtype {dtype}; "
            "convert one (e.g. model.double() or x.float())"
        )


class RNNBase(Module):
    """The multi-layer recurrent network behind ``RNN``, ``LSTM`` and ``GRU`` (see the module
    docstring for the equations and parameters)."""

    mode = "RNN"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        owner = type(self).__name__
        self.input_size = check_size(owner, "input_size", input_size)
        self.hidden_size = check_size(owner, "hidden_size", hidden_size)
        self.num_layers = check_size(owner, "num_layers", num_layers)
        self.nonlinearity = _check_nonlinearity(owner, nonlinearity)
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, int | float)
            or not (0 <= dropout <= 1)
        ):
            raise ValueError(f"{owner}: dropout must be a number in [0, 1], got {dropout!r}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                f"{owner}: dropout={dropout} acts between layers, so with num_layers=1 it "
                "does nothing",
                UserWarning,
                stacklevel=2,
            )
        self.bias = bool(bias)
        self.batch_first = bool(batch_first)
        self.dropout = float(dropout)
        self.bidirectional = bool(bidirectional)
        check_device(device, owner)
        dtype = floating_dtype(dtype, owner)
        gates = GATES[self.mode] * hidden_size
        directions = 2 if bidirectional else 1
        self._weight_names: list[tuple[str, ...]] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes: dict[str, tuple[int, ...]] = {
                    f"weight_ih{suffix}": (gates, layer_input),
                    f"weight_hh{suffix}": (gates, hidden_size),
                }
                if bias:
                    shapes[f"bias_ih{suffix}"] = (gates,)
                    shapes[f"bias_hh{suffix}"] = (gates,)
                for name, shape in shapes.items():
                    setattr(self, name, Parameter(np.empty(shape, dtype=dtype)))
                self._weight_names.append(tuple(shapes))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        _reset_uniform(self, self.hidden_size)

    def flatten_parameters(self) -> None:
        """PyTorch packs the weights for cuDNN here; on the CPU there is nothing to do."""

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters per layer and direction: [[w_ih, w_hh, b_ih, b_hh], ...]."""
        return [[getattr(self, name) for name in names] for names in self._weight_names]

    def _weights(self, k: int) -> tuple[Any, Any, Any, Any]:
        w = [getattr(self, name) for name in self._weight_names[k]]
        return (w[0], w[1], w[2], w[3]) if self.bias else (w[0], w[1], None, None)

    def _initial_state(self, hx: Any, batch: int | None, dtype: np.dtype) -> State:
        """The state tensors, each (num_layers * directions, N, hidden) (N = 1 unbatched)."""
        owner = type(self).__name__
        parts = 2 if self.mode == "LSTM" else 1
        shape = (self.num_layers * (2 if self.bidirectional else 1), batch or 1, self.hidden_size)
        if hx is None:
            zeros = autograd.zeros(shape, dtype=dtype)
            return (zeros,) * parts
        given = tuple(hx) if parts == 2 else (hx,)
        if parts == 2 and len(given) != 2:
            raise TypeError(f"{owner}: hx must be a pair (h_0, c_0), got {len(given)} items")
        expected = shape if batch is not None else (shape[0], shape[2])
        state = []
        for name, value in zip(("h_0", "c_0"), given, strict=False):
            value = as_tensor(value)
            if value.shape != expected:
                raise ValueError(
                    f"{owner}: {name} must have shape {expected} (num_layers * directions, "
                    f"{'batch, ' if batch is not None else ''}hidden_size), got {value.shape}"
                )
            _check_dtype(owner, name, value, dtype)
            state.append(value if batch is not None else value.reshape(shape))
        return tuple(state)

    def forward(self, input: Any, hx: Any = None) -> tuple[autograd.Tensor, Any]:
        """``output, h_n`` (``output, (h_n, c_n)`` for an LSTM). ``input`` is (L, N, in), or
        (N, L, in) with ``batch_first``, or unbatched (L, in); ``hx`` (optional, zeros by
        default) is h_0, or (h_0, c_0) for an LSTM, each (num_layers * directions, N, hidden)
        ((num_layers * directions, hidden) unbatched). ``output`` holds the last layer's h_t
        for every t (both directions concatenated when bidirectional); h_n and c_n the final
        state of every layer and direction.

        ``input`` may be a ``PackedSequence`` (nn.utils.rnn): each sequence then stops at its
        own length (the state stops changing after its last step; the backward direction starts
        at it), and ``output`` is a PackedSequence of the same layout, as in PyTorch."""
        owner = type(self).__name__
        from ..utils.rnn import PackedSequence

        if isinstance(input, PackedSequence):
            return self._packed(input, hx)
        x = as_tensor(input)
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{owner}: input must be (L, N, {self.input_size}) "
                f"{'(batch_first: (N, L, ...)) ' if self.batch_first else ''}or unbatched "
                f"(L, {self.input_size}), got shape {x.shape}"
            )
        dtype = self.weight_ih_l0.dtype
        _check_dtype(owner, "input", x, dtype)
        batched = x.ndim == 3
        if not batched:
            x = x.reshape(x.shape[0], 1, x.shape[1])
        elif self.batch_first:
            x = x.swapaxes(0, 1)
        length = x.shape[0]
        if length == 0:
            raise ValueError(f"{owner}: the input sequence is empty (length 0)")
        state = self._initial_state(hx, x.shape[1] if batched else None, dtype)
        output, final = self._layers(x, state)
        if self.batch_first and batched:  # contiguous, as PyTorch's (out.view(n, -1) works)
            output = permute_contiguous(output, (1, 0, 2))
        if not batched:
            output = output.reshape(length, output.shape[-1])
            final = tuple(s.reshape(s.shape[0], s.shape[2]) for s in final)
        return output, (final if self.mode == "LSTM" else final[0])

    def _packed(self, packed: Any, hx: Any) -> tuple[Any, Any]:
        """``forward`` on a PackedSequence: its padded form, run with each sequence's length,
        packed again in the input's layout. hx and h_n are in the batch's original order."""
        from ..utils.rnn import PackedSequence, _layout, _order, pad_packed_sequence

        owner = type(self).__name__
        x, lengths = pad_packed_sequence(packed)  # (L, N, in), original order
        if x.shape[-1] != self.input_size:
            raise ValueError(
                f"{owner}: the packed data must have {self.input_size} features, got shape "
                f"{packed.data.shape}"
            )
        dtype = self.weight_ih_l0.dtype
        _check_dtype(owner, "input", x, dtype)
        state = self._initial_state(hx, x.shape[1], dtype)
        output, final = self._layers(x, state, lengths.numpy())
        steps, batch = _layout(packed.batch_sizes.numpy(), _order(packed))
        data = output[steps, batch]
        out = PackedSequence(
            data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices
        )
        return out, (final if self.mode == "LSTM" else final[0])

    def _layers(
        self, x: autograd.Tensor, state: State, lengths: Any = None
    ) -> tuple[autograd.Tensor, State]:
        """Run every layer and direction over the time-major sequence ``x`` (L, N, in); with
        ``lengths`` (one per sequence), sequence n keeps its state from step lengths[n] on
        (the outputs there are not used)."""
        step = _step(self.mode, self.nonlinearity)
        directions = 2 if self.bidirectional else 1
        length = x.shape[0]
        finals: list[list[Any]] = [[] for _ in state]
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                w_ih, w_hh, b_ih, b_hh = self._weights(k)
                xw = F.linear(x, w_ih, b_ih)  # every step's x W_ih^T + b_ih at once
                carried = tuple(s[k] for s in state)
                hidden: list[Any] = [None] * length
                for t in reversed(range(length)) if direction else range(length):
                    new = step(xw[t], carried, w_hh, b_hh)
                    if lengths is not None:  # a packed batch: past its end, a sequence waits
                        alive = (t < lengths)[:, None]
                        new = tuple(autograd.where(alive, n, c) for n, c in zip(new, carried))
                    carried = new
                    hidden[t] = carried[0]
                outputs.append(autograd.stack(hidden, axis=0))
                for final, value in zip(finals, carried, strict=True):
                    final.append(value)
            x = outputs[0] if directions == 1 else autograd.concatenate(outputs, axis=-1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, tuple(autograd.stack(final, axis=0) for final in finals)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.nonlinearity != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


class RNN(RNNBase):
    """Elman RNN over a sequence: h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh)
    (``nonlinearity="relu"``: relu instead of tanh), stacked ``num_layers`` deep, optionally
    bidirectional, with dropout between layers in training. ``forward(input, h_0=None)``
    returns ``output, h_n``; parameters and arguments as PyTorch's ``nn.RNN`` (see
    ``nn.layers.recurrent``)."""

    mode = "RNN"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            nonlinearity=nonlinearity,
            device=device,
            dtype=dtype,
        )


class LSTM(RNNBase):
    """Long short-term memory over a sequence: per step, gates [i, f, g, o] = x_t W_ih^T + b_ih
    + h W_hh^T + b_hh, c_t = sigmoid(f) * c_(t-1) + sigmoid(i) * tanh(g),
    h_t = sigmoid(o) * tanh(c_t). ``forward(input, (h_0, c_0)=None)`` returns
    ``output, (h_n, c_n)``; parameters and arguments as PyTorch's ``nn.LSTM`` (``proj_size``
    is not supported)."""

    mode = "LSTM"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if proj_size != 0:
            raise NotImplementedError("LSTM: proj_size is not supported; leave it 0")
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device=device,
            dtype=dtype,
        )


class GRU(RNNBase):
    """Gated recurrent unit over a sequence: r = sigmoid(r_x + r_h), z = sigmoid(z_x + z_h),
    n = tanh(n_x + r * n_h), h_t = (1 - z) * n + z * h_(t-1), with [r_x, z_x, n_x] =
    x_t W_ih^T + b_ih and [r_h, z_h, n_h] = h_(t-1) W_hh^T + b_hh. ``forward(input, h_0=None)``
    returns ``output, h_n``; parameters and arguments as PyTorch's ``nn.GRU``."""

    mode = "GRU"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device=device,
            dtype=dtype,
        )


class RNNCellBase(Module):
    """One step of a recurrent layer (see ``RNNCell``, ``LSTMCell``, ``GRUCell``): parameters
    ``weight_ih`` (G * hidden, input), ``weight_hh`` (G * hidden, hidden), ``bias_ih`` and
    ``bias_hh`` (G * hidden,), initialised as the layers'."""

    mode = "RNN"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        owner = type(self).__name__
        self.input_size = check_size(owner, "input_size", input_size)
        self.hidden_size = check_size(owner, "hidden_size", hidden_size)
        self.nonlinearity = _check_nonlinearity(owner, nonlinearity)
        self.bias = bool(bias)
        check_device(device, owner)
        dtype = floating_dtype(dtype, owner)
        gates = GATES[self.mode] * hidden_size
        self.weight_ih = Parameter(np.empty((gates, input_size), dtype=dtype))
        self.weight_hh = Parameter(np.empty((gates, hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(np.empty(gates, dtype=dtype))
            self.bias_hh = Parameter(np.empty(gates, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        _reset_uniform(self, self.hidden_size)

    def forward(self, input: Any, hx: Any = None) -> Any:
        """h' (``(h', c')`` for an LSTMCell) from ``input`` (N, in) or unbatched (in,) and
        ``hx`` = h (an LSTMCell: (h, c)), each (N, hidden) or (hidden,); zeros by default."""
        owner = type(self).__name__
        x = as_tensor(input)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{owner}: input must be (N, {self.input_size}) or unbatched "
                f"({self.input_size},), got shape {x.shape}"
            )
        dtype = self.weight_ih.dtype
        _check_dtype(owner, "input", x, dtype)
        shape = (*x.shape[:-1], self.hidden_size)
        parts = 2 if self.mode == "LSTM" else 1
        if hx is None:
            state: State = (autograd.zeros(shape, dtype=dtype),) * parts
        else:
            given = tuple(hx) if parts == 2 else (hx,)
            if len(given) != parts:
                raise TypeError(f"{owner}: hx must be a pair (h, c), got {len(given)} items")
            state = tuple(as_tensor(s) for s in given)
            for name, s in zip(("h", "c"), state, strict=False):
                if s.shape != shape:
                    raise ValueError(
                        f"{owner}: {name} must have shape {shape} to fit input shape "
                        f"{x.shape}, got {s.shape}"
                    )
                _check_dtype(owner, name, s, dtype)
        xw = F.linear(x, self.weight_ih, self.bias_ih)
        out = _step(self.mode, self.nonlinearity)(xw, state, self.weight_hh, self.bias_hh)
        return out if self.mode == "LSTM" else out[0]

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        if self.nonlinearity != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (relu with ``nonlinearity="relu"``)."""

    mode = "RNN"


class LSTMCell(RNNCellBase):
    """One LSTM step: gates [i, f, g, o] = x W_ih^T + b_ih + h W_hh^T + b_hh,
    c' = sigmoid(f) * c + sigmoid(i) * tanh(g), h' = sigmoid(o) * tanh(c'); returns (h', c')."""

    mode = "LSTM"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, device=device, dtype=dtype)


class GRUCell(RNNCellBase):
    """One GRU step: r = sigmoid(r_x + r_h), z = sigmoid(z_x + z_h), n = tanh(n_x + r * n_h),
    h' = (1 - z) * n + z * h."""

    mode = "GRU"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, device=device, dtype=dtype)
