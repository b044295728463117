"""Shared helpers for the optim tests: parameters, step drivers, and reference update rules.

The reference rules restate each optimizer's documented math directly (fresh arrays, no
in-place tricks), so the tests compare the in-place implementation against the formula.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autograd
import optim


def param(values: Any) -> autograd.Tensor:
    """A float64 leaf that requires grad."""
    return autograd.Tensor(np.array(values, dtype=np.float64), requires_grad=True)


def run(opt: Any, p: autograd.Tensor, grads: Sequence[Any]) -> list[np.ndarray]:
    """Feed ``grads`` one per step into ``p.grad``; return ``p.data`` after each step."""
    history = []
    for g in grads:
        p.grad = np.array(g, dtype=p.data.dtype)
        opt.step()
        history.append(p.data.copy())
    return history


def run_with(
    opt: Any, params: Sequence[autograd.Tensor], grad_fn: Callable[[int], list[Any]], steps: int
) -> None:
    """Step ``opt`` ``steps`` times with ``params[i].grad = grad_fn(step)[i]``."""
    for t in range(steps):
        for p, g in zip(params, grad_fn(t), strict=True):
            p.grad = np.array(g, dtype=p.data.dtype)
        opt.step()


# -- reference update rules (one step, pure functions of arrays) ---------------------------------


def ref_sgd(p, g, s, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
            maximize=False):  # fmt: skip
    g = -g if maximize else g
    g = g + weight_decay * p
    if momentum != 0:
        s["buf"] = g if "buf" not in s else momentum * s["buf"] + (1 - dampening) * g
        g = g + momentum * s["buf"] if nesterov else s["buf"]
    return p - lr * g


def ref_adam(p, g, s, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
             maximize=False, decoupled=False):  # fmt: skip
    b1, b2 = betas
    t = s["t"] = s.get("t", 0) + 1
    g = -g if maximize else g
    if decoupled:
        p = p * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * p
    s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
    v = s["v"]
    if amsgrad:
        v = s["vmax"] = np.maximum(s.get("vmax", 0), v)
    m_hat = s["m"] / (1 - b1**t)
    return p - lr * m_hat / (np.sqrt(v) / math.sqrt(1 - b2**t) + eps)


def ref_rmsprop(p, g, s, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                centered=False, maximize=False):  # fmt: skip
    g = -g if maximize else g
    g = g + weight_decay * p
    s["v"] = alpha * s.get("v", 0) + (1 - alpha) * g * g
    if centered:
        s["a"] = alpha * s.get("a", 0) + (1 - alpha) * g
        denom = np.sqrt(s["v"] - s["a"] ** 2) + eps
    else:
        denom = np.sqrt(s["v"]) + eps
    if momentum > 0:
        s["b"] = momentum * s.get("b", 0) + g / denom
        return p - lr * s["b"]
    return p - lr * g / denom


def ref_adagrad(p, g, s, lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                eps=1e-10, maximize=False):  # fmt: skip
    t = s["t"] = s.get("t", 0) + 1
    g = -g if maximize else g
    g = g + weight_decay * p
    s["G"] = s.get("G", initial_accumulator_value) + g * g
    return p - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s["G"]) + eps)


def reference_run(rule: Callable[..., np.ndarray], p0: Any, grads: Sequence[Any], **hp: Any):
    """Apply a reference rule for ``len(grads)`` steps; return the parameter after each."""
    p, state, history = np.array(p0, dtype=np.float64), {}, []
    for g in grads:
        p = rule(p, np.array(g, dtype=np.float64), state, **hp)
        history.append(p)
    return history


# -- a stand-in for nn.save / nn.load: nested dicts flattened to dotted keys in an .npz --------


def npz_round_trip(tree: dict[str, Any]) -> dict[str, Any]:
    """Write ``tree`` to an in-memory .npz with dotted keys and read it back as nested dicts.

    Reproduces the type changes such a file causes: int keys become strings, numbers become
    0-d arrays, lists become arrays, and lists of dicts become dicts keyed "0", "1", ....
    """
    flat: dict[str, np.ndarray] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}{k}.", v)
        elif isinstance(value, (list, tuple)) and value and isinstance(value[0], dict):
            for i, v in enumerate(value):
                walk(f"{prefix}{i}.", v)
        else:
            flat[prefix[:-1]] = np.asarray(value)

    walk("", tree)
    buffer = io.BytesIO()
    np.savez(buffer, **flat)
    buffer.seek(0)
    out: dict[str, Any] = {}
    with np.load(buffer) as data:
        for key in data.files:
            node = out
            *parents, leaf = key.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = data[key]
    return out


# Epoch schedulers (tests/optim/lr_scheduler): the LRs they set, and closed forms to compare.
def lrs(make, n=20, lr=0.1, groups=1):
    """LRs of each group over ``n`` epochs (the value in force during epoch 0, 1, ...)."""
    opt = optim.SGD([{"params": [param([0.0])], "lr": lr * (g + 1)} for g in range(groups)])
    sched = make(opt)
    out = []
    for _ in range(n):
        assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
        out.append(sched.get_last_lr())
        sched.step()
    return np.array(out)


def close(got, expected):
    np.testing.assert_allclose(got, np.reshape(expected, np.shape(got)), rtol=1e-12, atol=0)


E = np.arange(20)  # the epochs lrs() steps through by default
