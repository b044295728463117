"""L-BFGS: a quasi-Newton method that builds its step from the last few gradient changes.

It needs the loss at several points per step, so ``step`` takes a ``closure`` that clears the
gradients, recomputes the loss, calls ``backward`` and returns the loss (as PyTorch's LBFGS,
used by PyTorch's time-sequence-prediction example and its neural style transfer tutorial)::

    def closure():
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        return loss

    optimizer.step(closure)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import autograd
from autograd import versions

from .checks import check_nonnegative
from .optimizer import Optimizer


class LBFGS(Optimizer):
    r"""L-BFGS as PyTorch computes it (fixed step, no line search). One ``step(closure)`` runs
    up to ``max_iter`` iterations on the flattened parameters ``x`` with gradient ``g``:

        d = -g                                       (first iteration ever)
        d = -H g                                     (later: two-loop recursion over the last
                                                      ``history_size`` pairs s = t d,
                                                      y = g_new - g_old with y.s > 1e-10,
                                                      starting from H0 = (y.s) / (y.y))
        t = lr * min(1, 1 / sum|g|)  (first iteration ever), else t = lr
        x = x + t d, then the closure is evaluated again

    stopping early when max|g| <= tolerance_grad, when g.d > -tolerance_change, when
    max|t d| or the change of the loss is below ``tolerance_change``, or after ``max_eval``
    closure calls (default ``max_iter * 5 // 4``). Returns the loss of the first closure call.
    ``line_search_fn="strong_wolfe"`` is not available (a clear error).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        if line_search_fn is not None:
            raise NotImplementedError(
                f"LBFGS: line_search_fn={line_search_fn!r} is not available; use the default "
                "fixed step (line_search_fn=None)"
            )
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_iter * 5 // 4 if max_eval is None else max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": None,
        }
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS: takes one parameter group (as PyTorch's)")
        self._params = self.param_groups[0]["params"]

    def validate(self, group: dict[str, Any]) -> None:
        for name in ("lr", "tolerance_grad", "tolerance_change"):
            check_nonnegative("LBFGS", name, group[name])
        for name in ("max_iter", "max_eval", "history_size"):
            if int(group[name]) < 1:
                raise ValueError(f"LBFGS: {name} must be at least 1, got {group[name]}")

    def _restore(self, where: str, index: int, key: str, value: Any, p: Any) -> Any:
        # LBFGS keeps its state under the first parameter, over all parameters flattened:
        # counts, numbers, flat vectors and lists of them (PyTorch's layout).
        from .state_io import as_list, to_python

        size = sum(q._data.size for q in self._params)
        dtype = self._params[0]._data.dtype

        def flat(v: Any) -> np.ndarray:
            array = np.array(v, dtype=dtype)
            if array.shape != (size,):
                raise ValueError(
                    f"{where}: state '{key}' has shape {array.shape}, expected ({size},)"
                )
            return array

        if key in ("func_evals", "n_iter"):
            return int(to_python(value))
        if key in ("d", "prev_flat_grad"):
            return None if value is None else flat(value)
        if key in ("old_dirs", "old_stps"):
            return [flat(v) for v in as_list(value, f"{where}: {key}")]
        if key == "ro":
            return [float(to_python(v)) for v in as_list(value, f"{where}: {key}")]
        return None if value is None else float(to_python(value))  # t, H_diag, prev_loss

    def _flat_grad(self) -> np.ndarray:
        return np.concatenate(
            [
                (np.zeros(p._data.size, p._data.dtype) if p._grad is None else p._grad.ravel())
                for p in self._params
            ]
        )

    def _add(self, step: Any, direction: np.ndarray) -> None:
        offset = 0
        for p in self._params:
            n = p._data.size
            p._data += step * direction[offset : offset + n].reshape(p._data.shape)
            offset += n
        versions.bump(*(p._data for p in self._params))

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One L-BFGS step (several closure calls); returns the first loss."""
        if closure is None:
            raise TypeError(
                "LBFGS.step: needs a closure that clears the gradients, computes the loss, "
                "calls backward() and returns the loss"
            )
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        history = group["history_size"]
        state = self.state.setdefault(self._params[0], {"func_evals": 0, "n_iter": 0})

        with autograd.enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if np.abs(flat_grad).max() <= tol_grad:
            return orig_loss

        # (Any: absent before the first iteration, set by it.)
        d: Any = state.get("d")
        t: Any = state.get("t")
        old_dirs: Any = state.get("old_dirs")
        old_stps: Any = state.get("old_stps")
        ro: Any = state.get("ro")
        h_diag: Any = state.get("H_diag")
        prev_flat_grad: Any = state.get("prev_flat_grad")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d, old_dirs, old_stps, ro, h_diag = -flat_grad, [], [], [], 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:  # keep the pair only where the curvature is positive
                    if len(old_dirs) == history:
                        old_dirs.pop(0), old_stps.pop(0), ro.pop(0)
                    old_dirs.append(y), old_stps.append(s), ro.append(1.0 / ys)
                    h_diag = ys / y.dot(y)
                alphas = [None] * len(old_dirs)
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    alphas[i] = old_stps[i].dot(q) * ro[i]
                    q = q - alphas[i] * old_dirs[i]
                d = r = q * h_diag
                for i in range(len(old_dirs)):
                    beta = old_dirs[i].dot(r) * ro[i]
                    r += (alphas[i] - beta) * old_stps[i]  # (d is r: updated with it)
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            if flat_grad.dot(d) > -tol_change:  # not a descent direction
                break
            self._add(t, d)
            stop = False
            if n_iter != max_iter:
                with autograd.enable_grad():
                    loss = float(closure())
                flat_grad = self._flat_grad()
                stop = bool(np.abs(flat_grad).max() <= tol_grad)
                evals += 1
                state["func_evals"] += 1
            if n_iter == max_iter or evals >= max_eval or stop:
                break
            if np.abs(d * t).max() <= tol_change or abs(loss - prev_loss) < tol_change:
                break

        state.update(
            d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=h_diag,
            prev_flat_grad=prev_flat_grad, prev_loss=prev_loss,
        )  # fmt: skip
        return orig_loss
