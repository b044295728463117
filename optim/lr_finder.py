"""The learning-rate range test: find a good learning rate in one short run.

Train for ``num_steps`` mini-batches while the learning rate grows exponentially from
``start_lr`` to ``end_lr``, and record the loss after each step. At tiny rates the loss barely
moves, at good rates it falls fast, at too-large rates it blows up. A good learning rate sits
where the loss falls fastest, well before the blow-up (Smith, "Cyclical Learning Rates for
Training Neural Networks", 2017). The parameters and the optimizer are put back as they were
afterwards, so the real training starts from the same point.

The training itself (forward, loss, backward) is the caller's closure, as for
``optimizer.step(closure)``: ``optim`` moves parameters and never builds a graph.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import versions

from .optimizer import Optimizer


@dataclass
class LRRangeTestResult:
    """What ``lr_range_test`` measured.

    ``lrs[i]`` is the learning rate of step i, ``losses[i]`` the smoothed loss after it and
    ``raw_losses[i]`` the mini-batch loss itself. ``min_loss_lr`` is the lr where the smoothed
    loss is lowest; ``steepest_lr`` the lr where it falls fastest per unit of log(lr) before
    that minimum (None if fewer than 3 points precede it). ``suggested_lr`` applies ``rule``
    ("min/10": ``min_loss_lr / 10``; "steepest": ``steepest_lr``, falling back to min/10) and
    ``method`` names the rule actually used. ``diverged`` says whether the run stopped early
    because the loss blew up.
    """

    lrs: np.ndarray
    losses: np.ndarray
    raw_losses: np.ndarray
    suggested_lr: float
    method: str
    min_loss_lr: float
    steepest_lr: float | None
    diverged: bool

    def __getitem__(self, key: str) -> Any:
        """Dict-style access, ``result["suggested_lr"]``, for code written against a dict."""
        if key not in self.__dataclass_fields__:
            raise KeyError(f"LRRangeTestResult has no field {key!r}")
        return getattr(self, key)

    def plot(self, ax: Any = None, log_x: bool = True) -> Any:
        """Draw the smoothed loss against the learning rate (log axis) with the suggested lr
        marked; return the matplotlib Axes. matplotlib is imported only here."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        ax.plot(self.lrs, self.raw_losses, color="0.75", lw=1, label="mini-batch loss")
        ax.plot(self.lrs, self.losses, color="C0", lw=2, label="smoothed loss")
        ax.plot(
            self.min_loss_lr,
            np.nanmin(self.losses),
            "o",
            color="C0",
            label=f"lowest smoothed loss, lr = {self.min_loss_lr:.2g}",
        )
        ax.axvline(
            self.suggested_lr,
            color="C3",
            ls="--",
            label=f"suggested lr = {self.suggested_lr:.2g} ({self.method})",
        )
        if log_x:
            ax.set_xscale("log")
        # Show the whole useful range, from the starting loss down to the lowest loss seen,
        # and clip the divergent tail, which would otherwise squash the curve.
        values = np.r_[self.raw_losses, self.losses]
        values = values[np.isfinite(values)]
        if values.size:
            top = float(np.nanmax([self.raw_losses[0], self.losses[0]]))
            low = float(values.min())
            span = max(top - low, 1e-3 * abs(top), 1e-12)
            ax.set_ylim(low - 0.05 * span, top + 0.25 * span)
        ax.set_xlabel("learning rate")
        ax.set_ylabel("loss")
        ax.legend(fontsize="small")
        return ax


def _check_args(
    start_lr: float, end_lr: float, num_steps: int, smooth: float, diverge_factor: float
) -> None:
    where = "lr_range_test"
    if not (isinstance(start_lr, int | float) and start_lr > 0 and math.isfinite(start_lr)):
        raise ValueError(f"{where}: start_lr must be a positive number, got {start_lr!r}")
    if not (isinstance(end_lr, int | float) and end_lr > start_lr and math.isfinite(end_lr)):
        raise ValueError(f"{where}: end_lr must be a number > start_lr={start_lr}, got {end_lr!r}")
    if isinstance(num_steps, bool) or not isinstance(num_steps, int | np.integer) or num_steps < 2:
        raise ValueError(f"{where}: num_steps must be an int >= 2, got {num_steps!r}")
    if not (isinstance(smooth, int | float) and 0 < smooth <= 1):
        raise ValueError(f"{where}: smooth must be in (0, 1] (1 = no smoothing), got {smooth!r}")
    if not (isinstance(diverge_factor, int | float) and diverge_factor > 1):
        raise ValueError(f"{where}: diverge_factor must be > 1, got {diverge_factor!r}")


def _min_and_steepest(
    lrs: np.ndarray, losses: np.ndarray, where: str
) -> tuple[float, float | None]:
    """``(lr at the minimum loss, lr of the most negative d loss / d log(lr) before it)``."""
    finite = np.isfinite(losses)
    if not finite.any():
        raise ValueError(f"{where}: every loss is NaN or Inf; lower start_lr")
    best = int(np.argmin(np.where(finite, losses, np.inf)))
    if best < 2:
        return float(lrs[best]), None
    # Central differences in log(lr): the lr grid is geometric, so this is the natural axis.
    slope = np.gradient(losses[: best + 1], np.log(lrs[: best + 1]))
    return float(lrs[best]), float(lrs[int(np.argmin(slope))])


def _check_rule(where: str, rule: str) -> None:
    if rule not in ("min/10", "steepest"):
        raise ValueError(f"{where}: rule must be 'min/10' or 'steepest', got {rule!r}")


def _apply_rule(min_lr: float, steepest: float | None, rule: str) -> tuple[float, str]:
    """``(lr, method)`` that ``rule`` picks from the two candidates (see ``suggest_lr``)."""
    if rule == "steepest" and steepest is not None:
        return steepest, "steepest"
    return min_lr / 10, "min/10"


def suggest_lr(lrs: Any, losses: Any, rule: str = "min/10") -> tuple[float, str]:
    """Pick a learning rate from a range-test curve; return ``(lr, method)``.

    Only the curve up to its minimum counts (after it the loss rises).

    - ``rule="min/10"`` (default): a tenth of the lr at the minimum loss. At the minimum the
      lr is already close to unstable, and the smoothing's lag puts the minimum a little late,
      so one order of magnitude below it is a safe, fast rate.
    - ``rule="steepest"``: the lr where the loss falls fastest, i.e. the most negative
      ``d loss / d log(lr)`` (central differences, ``np.gradient``). Sensitive to noise in the
      curve; with fewer than 3 points before the minimum it falls back to "min/10".

    In our measurements on digits (MLP, SGD / momentum / Adam, 5 seeds), "min/10" trained
    well every time, while "steepest" sometimes picked a rate that diverged.
    """
    _check_rule("suggest_lr", rule)
    lrs = np.asarray(lrs, dtype=np.float64)
    losses = np.asarray(losses, dtype=np.float64)
    if lrs.shape != losses.shape or lrs.ndim != 1 or lrs.size == 0:
        raise ValueError(
            f"suggest_lr: lrs and losses must be 1-D of the same non-zero length, "
            f"got shapes {lrs.shape} and {losses.shape}"
        )
    return _apply_rule(*_min_and_steepest(lrs, losses, "suggest_lr"), rule)


def lr_range_test(
    optimizer: Optimizer,
    closure: Callable[[], Any],
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_steps: int = 100,
    smooth: float = 0.05,
    diverge_factor: float = 4.0,
    rule: str = "min/10",
) -> LRRangeTestResult:
    r"""Take ``num_steps`` optimizer steps with an exponentially growing learning rate and
    record the loss; then restore the parameters and the optimizer. Returns an
    ``LRRangeTestResult``.

    ``closure`` trains on one mini-batch, as for ``optimizer.step(closure)``: it clears the
    gradients, runs the forward pass and the loss, calls ``backward()`` and returns the loss
    (a scalar Tensor or a number). Step ``i = 0 .. num_steps-1`` sets every parameter group's
    lr to::

        lr_i = start_lr * (end_lr / start_lr) ** (i / (num_steps - 1))

    and runs ``loss_i = optimizer.step(closure)`` (the loss is the one before the update). The
    loss is smoothed with an exponential moving average (``smooth`` is the weight of the new
    value; the first value starts the average)::

        s_0 = loss_0,    s_i = smooth * loss_i + (1 - smooth) * s_{i-1}

    The run stops early, marked ``diverged``, once ``s_i > diverge_factor * min_j s_j`` (the
    loss must be positive, as every usual loss is) or the loss is NaN/Inf.
    ``suggested_lr`` follows ``rule`` (see ``suggest_lr``): by default a tenth of the lr at the
    smoothed loss's minimum ("min/10"); ``rule="steepest"`` takes the lr where the smoothed
    loss falls fastest. Both lrs are in the result.

    Afterwards, even if the closure raised, the optimizer's parameters (their ``.data``, in
    place, and their ``.grad``) and its state and hyperparameters (``optimizer.state_dict()``)
    are put back as they were. What else the closure changed stays changed: a model's buffers
    (BatchNorm's running statistics; save ``model.state_dict()`` before and load it after to
    undo those too) and train/eval mode, the batch iterator, and the library random generator
    (shuffling and dropout advance it). Example, one epoch::

        model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        batches = iter(loader)

        def closure():
            xb, yb = next(batches)
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            return loss

        result = optim.lr_range_test(opt, closure, start_lr=1e-4, end_lr=10,
                                     num_steps=len(loader))
        opt.param_groups[0]["lr"] = result.suggested_lr   # then train as usual

    For more steps than one epoch has, draw the batches from an endless iterator such as
    ``itertools.chain.from_iterable(itertools.repeat(loader))``, which starts (and reshuffles)
    a new epoch whenever one ends.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"lr_range_test(optimizer, closure, ...): optimizer must be an optim.Optimizer, got "
            f"{type(optimizer).__name__}; the closure runs the model (see the docstring)"
        )
    if not callable(closure):
        raise TypeError(
            f"lr_range_test: closure must be a function that trains one mini-batch and returns "
            f"the loss, got {type(closure).__name__}"
        )
    _check_args(start_lr, end_lr, num_steps, smooth, diverge_factor)
    _check_rule("lr_range_test", rule)
    params = [p for group in optimizer.param_groups for p in group["params"]]
    datas = [p._data.copy() for p in params]
    grads = [None if p._grad is None else p._grad.copy() for p in params]
    optim_state = optimizer.state_dict()  # copies arrays; hyperparameters are plain values
    lrs: list[float] = []
    raw: list[float] = []
    smoothed: list[float] = []
    diverged = False
    lowest = math.inf  # lowest smoothed loss so far
    ratio = end_lr / start_lr
    try:
        for i in range(num_steps):
            lr = start_lr * ratio ** (i / (num_steps - 1))
            for group in optimizer.param_groups:
                group["lr"] = lr
            value = _loss_value(optimizer.step(closure))
            lrs.append(lr)
            raw.append(value)
            if not math.isfinite(value):
                smoothed.append(value)
                diverged = True
                break
            s = value if not smoothed else smooth * value + (1 - smooth) * smoothed[-1]
            smoothed.append(s)
            lowest = min(lowest, s)
            if s > diverge_factor * lowest:
                diverged = True
                break
    finally:
        for p, data, grad in zip(params, datas, grads, strict=True):
            versions.write(p, data)
            p.grad = grad
        optimizer.load_state_dict(optim_state)
    lrs_arr, losses = np.array(lrs), np.array(smoothed)
    min_lr, steepest = _min_and_steepest(lrs_arr, losses, "lr_range_test")
    suggested, method = _apply_rule(min_lr, steepest, rule)
    return LRRangeTestResult(
        lrs=lrs_arr,
        losses=losses,
        raw_losses=np.array(raw),
        suggested_lr=suggested,
        method=method,
        min_loss_lr=min_lr,
        steepest_lr=steepest,
        diverged=diverged,
    )


def _loss_value(loss: Any) -> float:
    """The closure's loss as a Python float (a one-element Tensor or array, or a number)."""
    if loss is None:
        raise TypeError("lr_range_test: the closure returned None; it must return the loss")
    item = getattr(loss, "item", None)
    return float(item() if item is not None else loss)


__all__ = ["LRRangeTestResult", "lr_range_test", "suggest_lr"]
