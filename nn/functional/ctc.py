"""Connectionist Temporal Classification loss (Graves et al., 2006), as PyTorch defines it.

For one sample with per-frame log-probabilities lp[t, c] (t < T) and a target l_1 .. l_S, the
*extended* target l' = (blank, l_1, blank, l_2, ..., l_S, blank) has 2 S + 1 states. An
alignment visits one state per frame, starting in state 0 or 1 and ending in one of the last
two; from state s it may stay, move to s + 1, or skip to s + 2 when l'_{s+2} differs from l'_s
(never over a blank between two equal labels). The loss is -log of the total probability of
all alignments, computed with the forward (alpha) recursion in log space:

    alpha_0 = (lp[0, l'_0], lp[0, l'_1], -inf, ...)
    alpha_t(s) = logsumexp(alpha_{t-1}(s), alpha_{t-1}(s-1), alpha_{t-1}(s-2) if skip) + lp[t, l'_s]
    loss = -logsumexp(alpha_{T-1}(2S), alpha_{T-1}(2S-1))

The backward (beta) recursion runs the same steps from the end; alpha_t(s) beta_t(s) / p(t, s)
is the probability that an alignment is in state s at frame t, so that

    d loss / d lp[t, c] = -sum_{s: l'_s = c} exp(alpha_t(s) + beta_t(s) - lp[t, c] + loss).

(PyTorch's gradient adds exp(lp[t, c]) to this, which is what log_softmax's backward cancels:
through a log_softmax the two agree; on log_probs directly, this one is the true derivative.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd

from .checks import as_tensor, check_floating, check_reduction

_NEG_INF = -np.inf


def _logsumexp3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """log(exp a + exp b + exp c) elementwise, -inf when all three are -inf."""
    top = np.maximum(np.maximum(a, b), c)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.exp(a - safe) + np.exp(b - safe) + np.exp(c - safe))


def _shift(a: np.ndarray, by: int) -> np.ndarray:
    """a moved ``by`` states to the right along the last axis, -inf shifted in."""
    out = np.full_like(a, _NEG_INF)
    out[..., by:] = a[..., :-by]
    return out


class _Lattice:
    """The extended targets of a batch and the forward and backward recursions over them."""

    def __init__(self, targets: list[np.ndarray], input_lengths: np.ndarray, blank: int) -> None:
        n = len(targets)
        longest = max((len(t) for t in targets), default=0)
        states = 2 * longest + 1
        self.ext = np.full((n, states), blank, dtype=np.int64)
        for i, t in enumerate(targets):
            self.ext[i, 1 : 2 * len(t) : 2] = t
        self.count = np.array([2 * len(t) + 1 for t in targets], dtype=np.int64)
        self.skip = np.zeros((n, states), dtype=bool)
        self.skip[:, 2:] = self.ext[:, 2:] != self.ext[:, :-2]
        self.inside = np.arange(states) < self.count[:, None]  # the sample's own states
        self.lengths = input_lengths

    def emissions(self, lp: np.ndarray) -> np.ndarray:
        """E[t, n, s] = lp[t, n, l'_s], -inf outside each sample's states."""
        e = lp[:, np.arange(lp.shape[1])[:, None], self.ext]
        return np.where(self.inside, e, _NEG_INF)

    def alpha(self, e: np.ndarray) -> np.ndarray:
        """log alpha[t, n, s]: all prefixes of alignments that are in state s at frame t
        (frames past a sample's length are computed too, and never read)."""
        steps, n, states = e.shape
        alpha = np.full(e.shape, _NEG_INF, dtype=e.dtype)
        if steps == 0:
            return alpha
        alpha[0, :, :2] = e[0, :, :2]
        for t in range(1, steps):
            a = alpha[t - 1]
            skipped = np.where(self.skip, _shift(a, 2), _NEG_INF)
            alpha[t] = _logsumexp3(a, _shift(a, 1), skipped) + e[t]
        return alpha

    def beta(self, e: np.ndarray) -> np.ndarray:
        """log beta[t, n, s]: all suffixes from state s at frame t to the end of sample n's
        frames, emission at t included (-inf for the frames past the sample's length)."""
        steps, n, states = e.shape
        beta = np.full(e.shape, _NEG_INF, dtype=e.dtype)
        last = self.count - 1
        # skip into s + 2 is allowed when state s + 2 allows a skip from s
        skip_from = np.zeros_like(self.skip)
        skip_from[:, :-2] = self.skip[:, 2:]
        for t in range(steps - 1, -1, -1):
            ending = self.lengths - 1 == t  # samples whose last frame is t
            later = self.lengths - 1 > t
            if t + 1 < steps:
                b = beta[t + 1]
                ahead2 = np.full_like(b, _NEG_INF)
                ahead2[:, :-2] = b[:, 2:]
                ahead1 = np.full_like(b, _NEG_INF)
                ahead1[:, :-1] = b[:, 1:]
                step = _logsumexp3(b, ahead1, np.where(skip_from, ahead2, _NEG_INF)) + e[t]
                beta[t] = np.where(later[:, None], step, _NEG_INF)
            for i in np.flatnonzero(ending):
                beta[t, i, last[i]] = e[t, i, last[i]]
                if last[i] >= 1:
                    beta[t, i, last[i] - 1] = e[t, i, last[i] - 1]
        return beta

    def log_likelihood(self, alpha: np.ndarray) -> np.ndarray:
        """log p(target | input) per sample, from alpha at each sample's last frame."""
        n = alpha.shape[1]
        out = np.full(n, _NEG_INF, dtype=alpha.dtype)
        for i in range(n):
            t, last = self.lengths[i] - 1, self.count[i] - 1
            if t < 0:  # no frames: only the empty target has an alignment
                out[i] = 0.0 if last == 0 else _NEG_INF
                continue
            end = alpha[t, i, last]
            before = alpha[t, i, last - 1] if last >= 1 else _NEG_INF
            out[i] = np.logaddexp(end, before)
        return out


def _loss_gradient(lp: np.ndarray, lattice: _Lattice, zero_infinity: bool) -> np.ndarray:
    """d loss_n / d lp[t, n, c] for every sample n, as a (T, N, C) array."""
    e = lattice.emissions(lp)
    alpha, beta = lattice.alpha(e), lattice.beta(e)
    nll = -lattice.log_likelihood(alpha)
    with np.errstate(invalid="ignore", over="ignore"):
        occupancy = np.exp(alpha + beta - e + nll[None, :, None])  # NaN for an infinite loss
    occupancy = np.where(np.isfinite(e), occupancy, 0.0)
    t_index = np.arange(lp.shape[0])[:, None, None]
    occupancy = np.where(t_index < lattice.lengths[None, :, None], occupancy, 0.0)
    onehot = lattice.ext[:, :, None] == np.arange(lp.shape[2])  # (N, S', C)
    grad = -np.einsum("tns,nsc->tnc", occupancy, onehot.astype(lp.dtype))
    if zero_infinity:
        grad[:, ~np.isfinite(nll)] = 0.0
    return grad


class CTCLossFunction(autograd.Function):
    """Per-sample CTC losses -log p(target_n | log_probs[:, n]) of log_probs (T, N, C): the
    alpha recursion forward, alpha and beta backward (see the module docstring)."""

    name = "ctc_loss"
    target = "labels"  # the target labels, padded with the blank (drawn as the loss's target)

    @staticmethod
    def forward(
        ctx: Any, lp: np.ndarray, lattice: Any = None, zero_infinity: bool = False
    ) -> np.ndarray:
        alpha = lattice.alpha(lattice.emissions(lp))
        loss = -lattice.log_likelihood(alpha)
        if zero_infinity:
            loss = np.where(np.isinf(loss), 0.0, loss).astype(lp.dtype)
        ctx.save_for_backward(lp)
        ctx.lattice = lattice
        ctx.labels = lattice.ext[:, 1::2]
        ctx.zero_infinity = zero_infinity
        return loss.astype(lp.dtype)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (lp,) = ctx.saved_tensors
        if isinstance(grad, autograd.Tensor):  # create_graph: the gradient as a recorded op
            slope = CTCGradientFunction.apply(
                lp, lattice=ctx.lattice, zero_infinity=ctx.zero_infinity
            )
            return slope * grad.reshape(1, -1, 1)
        return _loss_gradient(lp, ctx.lattice, ctx.zero_infinity) * grad[None, :, None]


class CTCGradientFunction(autograd.Function):
    """d loss_n / d log_probs, recorded so that ``create_graph=True`` works for a first
    derivative; its own derivative (the CTC Hessian) is not implemented and raises."""

    name = "ctc_loss_backward"

    @staticmethod
    def forward(
        ctx: Any, lp: np.ndarray, lattice: Any = None, zero_infinity: bool = False
    ) -> np.ndarray:
        return _loss_gradient(lp, lattice, zero_infinity)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        raise NotImplementedError(
            "ctc_loss: second derivatives are not implemented; differentiate the loss once"
        )


def _lengths(fn: str, name: str, value: Any, batch: int | None) -> np.ndarray:
    data = value._data if isinstance(value, autograd.Tensor) else np.asarray(value)
    if data.dtype.kind not in "iu":
        raise TypeError(f"{fn}: {name} must hold integers, got dtype {data.dtype}")
    if batch is None:  # an unbatched input: one length
        if data.size != 1:
            raise ValueError(f"{fn}: {name} must be one length for an unbatched input, got {data}")
        return data.reshape(1).astype(np.int64)
    if data.shape != (batch,):
        raise ValueError(f"{fn}: {name} must have shape ({batch},), one per sample, got {data}")
    return data.astype(np.int64)


def _split_targets(
    fn: str, targets: np.ndarray, lengths: np.ndarray, batched: bool
) -> list[np.ndarray]:
    if targets.ndim == 2 and batched:
        if targets.shape[0] != len(lengths):
            raise ValueError(
                f"{fn}: padded targets must have one row per sample, got shape {targets.shape} "
                f"for {len(lengths)} samples"
            )
        if lengths.size and lengths.max() > targets.shape[1]:
            raise ValueError(
                f"{fn}: target_lengths up to {lengths.max()} exceed the padded targets' "
                f"length {targets.shape[1]}"
            )
        return [targets[i, :k] for i, k in enumerate(lengths)]
    if targets.ndim != 1:
        raise ValueError(
            f"{fn}: targets must be (N, S) padded or 1-D concatenated, got shape {targets.shape}"
        )
    if targets.shape[0] != lengths.sum():
        raise ValueError(
            f"{fn}: concatenated targets must hold sum(target_lengths) = {lengths.sum()} labels, "
            f"got {targets.shape[0]}"
        )
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    return [targets[bounds[i] : bounds[i + 1]] for i in range(len(lengths))]


def ctc_loss(
    log_probs: Any,
    targets: Any,
    input_lengths: Any,
    target_lengths: Any,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> autograd.Tensor:
    """CTC loss of per-frame log-probabilities ``log_probs`` (T, N, C), or (T, C) for one
    sample (e.g. from ``log_softmax``), against label sequences without alignment:
    loss_n = -log sum over alignments of prod_t p(t, state) (see the module docstring).

    ``targets``: (N, S) padded, or 1-D with the N targets concatenated; ``input_lengths``
    (frames used per sample, at most T) and ``target_lengths``: one integer per sample.
    ``reduction='mean'`` divides each loss by its target length (at least 1) and averages over
    the batch, as PyTorch does; 'sum' and 'none' as usual. A target that no alignment fits
    (input too short) has loss inf; ``zero_infinity=True`` makes it 0 with gradient 0.
    Only ``log_probs`` is differentiated (the rest are integers). A target may not contain
    the blank (PyTorch's documentation forbids it; its kernel returns a meaningless number).
    """
    fn = "ctc_loss"
    check_reduction(fn, reduction)
    lp = as_tensor(log_probs)
    check_floating(fn, "log_probs", lp)
    if lp.ndim not in (2, 3):
        raise ValueError(f"{fn}: log_probs must be (T, N, C) or (T, C), got shape {lp.shape}")
    batched = lp.ndim == 3
    steps, classes = lp.shape[0], lp.shape[-1]
    batch = lp.shape[1] if batched else None
    if not 0 <= blank < classes:
        raise ValueError(f"{fn}: blank must be in [0, {classes}), the classes, got {blank}")
    t_lengths = _lengths(fn, "target_lengths", target_lengths, batch)
    i_lengths = _lengths(fn, "input_lengths", input_lengths, batch)
    if i_lengths.size and (i_lengths.min() < 0 or i_lengths.max() > steps):
        raise ValueError(f"{fn}: input_lengths must be in [0, {steps}] (T), got {i_lengths}")
    if t_lengths.size and t_lengths.min() < 0:
        raise ValueError(f"{fn}: target_lengths must be >= 0, got {t_lengths}")
    raw = targets._data if isinstance(targets, autograd.Tensor) else np.asarray(targets)
    if raw.dtype.kind == "f" and np.all(raw == np.round(raw)):
        raw = raw.astype(np.int64)  # PyTorch accepts whole numbers held as floats
    if raw.dtype.kind not in "iu":
        raise TypeError(f"{fn}: targets must hold class indices (integers), got {raw.dtype}")
    pieces = _split_targets(fn, raw, t_lengths, batched)
    for piece in pieces:
        if piece.size and (piece.min() < 0 or piece.max() >= classes):
            bad = piece[(piece < 0) | (piece >= classes)][0]
            raise ValueError(f"{fn}: target label {bad} is out of range for {classes} classes")
        if (piece == blank).any():
            # No alignment spells a blank, so such a target has probability 0; PyTorch's
            # lattice returns a finite number for it that is the loss of nothing.
            raise ValueError(
                f"{fn}: a target contains the blank label {blank}; targets hold the other "
                "classes only (pad a padded target beyond its length, where it is not read)"
            )
    lattice = _Lattice(pieces, i_lengths, int(blank))
    x = lp if batched else lp.reshape(steps, 1, classes)
    losses = CTCLossFunction.apply(x, lattice=lattice, zero_infinity=bool(zero_infinity))
    if reduction == "none":
        return losses if batched else losses.reshape(())
    if reduction == "sum":
        return losses.sum()
    per_label = losses / np.maximum(t_lengths, 1).astype(lp.dtype)
    return per_label.mean()
