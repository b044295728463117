"""Exercise 13: backprop by hand through a 2-layer MLP with BatchNorm and cross-entropy.

The network, in training mode (batch statistics, biased variance), for x of shape (N, D)::

    h_pre = x @ W1.T + b1             mu = h_pre.mean(axis=0)          diff = h_pre - mu
    var = (diff**2).mean(axis=0)      inv_std = (var + eps) ** -0.5     h_norm = diff * inv_std
    h_bn = gamma * h_norm + beta      h = tanh(h_bn)                    logits = h @ W2.T + b2
    loss = mean over the batch of -log softmax(logits)[i, targets[i]]

The forward's reference is the library's ``F.batch_norm``; the backward ones are written by
hand in NumPy, equal to the library's autograd on every case (tests/examples/test_exercise13.py),
so that the student's gradients can be run under ``autograd.no_grad()``: autograd cannot write
them. The cases vary the batch size (2, where Bessel's correction doubles the variance, up to
64), the scale of the features (1e-3 to 1e3: eps matters for the smallest) and the dtype
(float32 and float64), and observe that no argument is changed in place.
"""

from __future__ import annotations

import numpy as np

import autograd
from nn import functional as F

from .core import (
    ATOL,
    Exercise,
    Mistake,
    Raised,
    as_array,
    changed,
    describe_difference,
    numeric,
)

EPS = 1e-5
# Taken at import, before a notebook's cells run: the cases' own forward pass does not change
# when a cell replaces a NumPy function.
_tanh, _exp, _log, _arange, _copy = np.tanh, np.exp, np.log, np.arange, np.copy
_abs, _max, _where, _zeros_like = np.abs, np.max, np.where, np.zeros_like
_no_grad = autograd.no_grad

# The gradients of ex13_backward, in the order backward computes them.
BACKWARD_ORDER = (
    "logits", "b2", "W2", "h", "h_bn", "beta", "gamma", "h_norm", "inv_std", "var", "diff",
    "mu", "h_pre", "b1", "W1", "x",
)  # fmt: skip
PARAMETERS = ("W1", "b1", "gamma", "beta", "W2", "b2")


def mlp_forward(params, x, targets, eps=EPS):
    """The forward pass of the exercise (NumPy, in the inputs' dtype): the loss and every
    intermediate array, by name (``x`` included)."""
    W1, b1, gamma, beta, W2, b2 = (params[k] for k in PARAMETERS)
    h_pre = x @ W1.T + b1
    mu = h_pre.mean(axis=0)
    diff = h_pre - mu
    var = (diff**2).mean(axis=0)
    inv_std = (var + x.dtype.type(eps)) ** x.dtype.type(-0.5)
    h_norm = diff * inv_std
    h_bn = gamma * h_norm + beta
    h = _tanh(h_bn)
    logits = h @ W2.T + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - _log(_exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[_arange(len(x)), targets].mean()
    cache = {
        "x": x, "h_pre": h_pre, "mu": mu, "diff": diff, "var": var, "inv_std": inv_std,
        "h_norm": h_norm, "h_bn": h_bn, "h": h, "logits": logits,
    }  # fmt: skip
    return loss, cache


def network(seed, n, scales=(1.0, 1.0, 1.0, 1.0, 1.0), dtype=np.float64, d=4, c=3):
    """Parameters, inputs and targets of one case: hidden feature j of h_pre has a standard
    deviation of about ``scales[j]`` and an offset of about the same size."""
    rng = np.random.default_rng(seed)
    scales = np.asarray(scales, dtype=np.float64)
    hidden = len(scales)
    x = rng.standard_normal((n, d))
    W1 = rng.standard_normal((hidden, d)) / np.sqrt(d) * scales[:, None]
    params = {
        "W1": W1,
        "b1": rng.standard_normal(hidden) * scales,
        "gamma": rng.uniform(0.5, 2.0, hidden),
        "beta": rng.standard_normal(hidden) * 0.5,
        "W2": rng.standard_normal((c, hidden)),
        "b2": rng.standard_normal(c) * 0.5,
    }
    targets = rng.integers(0, c, n)
    targets[: min(n, c)] = np.arange(min(n, c))  # every class present once the batch allows
    cast = {k: v.astype(dtype) for k, v in params.items()}
    return cast, x.astype(dtype), targets


# -- how a case observes, in float64 and in float32 ----------------------------------------------

# float32 results are compared with the student's own float64 results on the same numbers, to
# this fraction of each result's largest entry: float32 keeps ~7 digits, and a correct sum whose
# terms cancel (a gradient through BatchNorm) is not comparable digit by digit to another.
FLOAT32_AGREEMENT = 1e-4


def _results(result, names, what, changed_names):
    """The observation of a function returning ``len(names)`` arrays."""
    observed = {"arguments changed in place": changed_names}
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        size = f" of {len(result)} items" if isinstance(result, (tuple, list)) else ""
        return {"what it returns": f"a {type(result).__name__}{size}", **observed}
    arrays = {name: as_array(v) for name, v in zip(names, result, strict=True)}
    return {"what it returns": what, **arrays, **observed}


def _dtype_name(value):
    return str(value.dtype) if isinstance(value, np.ndarray) else type(value).__name__


def _far(mine, reference):
    """Whether a float32 result is further from the float64 one than float32 explains."""
    if not isinstance(mine, np.ndarray) or mine.shape != reference.shape:
        return True
    reference = reference.astype(np.float64)
    scale = float(_max(_abs(reference), initial=0.0))
    difference = _abs(mine.astype(np.float64) - reference)
    return not bool((difference <= FLOAT32_AGREEMENT * scale).all())


def in_dtype(run, given, dtype):
    """A case: ``run(fn, given)`` in float64; for float32, the same numbers (rounded to float32)
    are run in float64, whose results are compared with the reference, and in float32, whose
    results must be float32 and agree with the float64 ones (to FLOAT32_AGREEMENT)."""
    if dtype == np.float64:
        return lambda fn: run(fn, given)
    given32 = {k: v.astype(np.float32) if v.dtype.kind == "f" else v for k, v in given.items()}
    given64 = {k: v.astype(np.float64) if v.dtype.kind == "f" else v for k, v in given32.items()}

    def case(fn):
        observed = run(fn, given64)
        mine = run(fn, given32)
        names = [
            k for k, v in observed.items() if isinstance(v, np.ndarray) and v.dtype.kind == "f"
        ]
        changed_names = observed.pop("arguments changed in place")
        changed_names += [k for k in mine["arguments changed in place"] if k not in changed_names]
        observed["the dtypes of your results in float32"] = {
            k: _dtype_name(mine.get(k)) for k in names
        }
        observed["float32 results far from your float64 results"] = [
            k for k in names if _far(mine.get(k), observed[k])
        ]
        observed["arguments changed in place"] = changed_names
        return observed

    return case


# -- ex13_bn_forward: batchnorm_forward(h, gamma, beta, running_mean, running_var, momentum, eps)


def batchnorm_forward(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    """The reference: the library's batch_norm in training mode, on copies of the running
    statistics (which it updates in place)."""
    mean, var = np.array(running_mean), np.array(running_var)
    out = F.batch_norm(autograd.tensor(h), mean, var, gamma, beta, True, momentum, eps)
    return out.data, mean, var


def _bn_forward(h, gamma, beta, running_mean, running_var, momentum, eps, ddof=0, run_ddof=1,
                keep_old=False, axis=0):  # fmt: skip
    mu = h.mean(axis=axis, keepdims=True)
    var = h.var(axis=axis, ddof=ddof, keepdims=True)
    out = gamma * (h - mu) / np.sqrt(var + eps) + beta
    batch_var = h.var(axis=axis, ddof=run_ddof)
    w = momentum if not keep_old else 1 - momentum
    new_mean = (1 - w) * running_mean + w * h.mean(axis=axis)
    new_var = (1 - w) * running_var + w * batch_var
    return out, new_mean, new_var


def bn_forward_unbiased(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    return _bn_forward(h, gamma, beta, running_mean, running_var, momentum, eps, ddof=1)


def bn_forward_biased_running(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    return _bn_forward(h, gamma, beta, running_mean, running_var, momentum, eps, run_ddof=0)


def bn_forward_keras_momentum(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    return _bn_forward(h, gamma, beta, running_mean, running_var, momentum, eps, keep_old=True)


def bn_forward_over_features(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    return _bn_forward(h, gamma, beta, running_mean, running_var, momentum, eps, axis=1)


def bn_forward_case(seed, n, scales, dtype=np.float64, momentum=0.1):
    rng = np.random.default_rng(seed)
    scales = np.asarray(scales, dtype=np.float64)
    f = len(scales)
    h = (rng.standard_normal((n, f)) + rng.standard_normal(f)) * scales
    gamma, beta = rng.uniform(0.5, 2.0, f), rng.standard_normal(f)
    mean, var = rng.standard_normal(f) * scales, rng.uniform(0.5, 2.0, f) * scales**2
    given = {
        "h": h, "gamma": gamma, "beta": beta, "running_mean": mean, "running_var": var,
    }  # fmt: skip

    def run(fn, given):
        args = {k: _copy(v) for k, v in given.items()}
        # positionally, and eps left to its default (1e-5): the names are the student's
        result = fn(*args.values(), momentum)
        names = ("the output", "the new running_mean", "the new running_var")
        return _results(result, names, "3 arrays", changed(given, args))

    return in_dtype(run, given, dtype)


BN_FORWARD_SCALES = {
    "a batch of 3, features of scales 1e-3 to 1e3": [1e-3, 0.1, 1, 10, 1e3],
    "a batch of 2 (Bessel's correction doubles the variance)": [1, 2, 0.5],
    "a batch of 16 in float32 (and the same numbers in float64)": [0.5, 1, 2, 4],
    "a batch of 64, momentum 0.3": [1, 3],
}
BN_FORWARD_CASES = {
    name: bn_forward_case(seed, n, BN_FORWARD_SCALES[name], dtype, momentum)
    for seed, (name, n, dtype, momentum) in enumerate(
        zip(
            BN_FORWARD_SCALES,
            (3, 2, 16, 64),
            (np.float64, np.float64, np.float32, np.float64),
            (0.1, 0.1, 0.1, 0.3),
            strict=True,
        ),
        1,
    )
}

# -- ex13_backward: mlp_backward(params, cache, targets) -> every gradient, by name -------------


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _by_hand(params, cache, targets, per_batch=True, mean_path=True, var_path=True, ddof=0,
             transpose=False, keepdims=False):  # fmt: skip
    """The gradients written by hand, with switches for the catalogued mistakes."""
    c, n = cache, len(cache["x"])
    g = _KeptDims() if keepdims else {}
    d = _softmax(c["logits"])
    d[np.arange(n), targets] -= 1
    g["logits"] = d / n if per_batch else d
    g["b2"] = g["logits"].sum(axis=0)
    g["W2"] = c["h"].T @ g["logits"] if transpose else g["logits"].T @ c["h"]
    g["h"] = g["logits"] @ params["W2"]
    g["h_bn"] = g["h"] * (1 - c["h"] ** 2)
    g["beta"] = g["h_bn"].sum(axis=0)
    g["gamma"] = (g["h_bn"] * c["h_norm"]).sum(axis=0)
    g["h_norm"] = g["h_bn"] * params["gamma"]
    g["inv_std"] = (g["h_norm"] * c["diff"]).sum(axis=0)
    g["var"] = g["inv_std"] * -0.5 * c["inv_std"] ** 3
    g["diff"] = g["h_norm"] * c["inv_std"]
    if var_path:
        g["diff"] = g["diff"] + g["var"] * 2 * c["diff"] / (n - ddof)
    g["mu"] = -g["diff"].sum(axis=0)
    g["h_pre"] = g["diff"] + g["mu"] / n if mean_path else g["diff"]
    g["b1"] = g["h_pre"].sum(axis=0)
    g["W1"] = c["x"].T @ g["h_pre"] if transpose else g["h_pre"].T @ c["x"]
    g["x"] = g["h_pre"] @ params["W1"]
    return g


class _KeptDims(dict):
    """The gradients of (H,) and (C,) arrays, stored as they come out of sum(axis=0,
    keepdims=True): shape (1, H)."""

    def __setitem__(self, key, value):
        if key in ("b2", "beta", "gamma", "inv_std", "var", "mu", "b1"):
            value = np.reshape(value, (1, -1))
        super().__setitem__(key, value)


def mlp_backward(params, cache, targets):
    """The reference: every gradient written by hand in NumPy (equal to the library's autograd
    on every case: tests/examples/test_exercise13.py), so that the cases can run the code under
    ``no_grad``."""
    return _by_hand(params, cache, targets)


def backward_summed_loss(params, cache, targets):
    return _by_hand(params, cache, targets, per_batch=False)


def backward_without_mean_path(params, cache, targets):
    return _by_hand(params, cache, targets, mean_path=False)


def backward_without_variance_path(params, cache, targets):
    return _by_hand(params, cache, targets, var_path=False)


def backward_bessel(params, cache, targets):
    return _by_hand(params, cache, targets, ddof=1)


def backward_transposed_weights(params, cache, targets):
    return _by_hand(params, cache, targets, transpose=True)


def backward_keepdims(params, cache, targets):
    return _by_hand(params, cache, targets, keepdims=True)


def backward_case(seed, n, scales=(1.0, 1.0, 1.0, 1.0, 1.0), dtype=np.float64):
    params, x, targets = network(seed, n, scales)
    given = {**{f"params['{k}']": v for k, v in params.items()}, "x": x, "targets": targets}

    def run(fn, given):
        params = {k: given[f"params['{k}']"] for k in PARAMETERS}
        _, cache = mlp_forward(params, given["x"], given["targets"])
        before = {
            **{f"params['{k}']": v for k, v in params.items()},
            **{f"cache['{k}']": v for k, v in cache.items()},
            "targets": given["targets"],
        }
        args = {k: _copy(v) for k, v in before.items()}
        with _no_grad():  # the gradients are to be written by hand, not asked of autograd
            grads = fn(
                {k: args[f"params['{k}']"] for k in PARAMETERS},
                {k: args[f"cache['{k}']"] for k in cache},
                args["targets"],
            )
        observed = {"arguments changed in place": changed(before, args)}
        if not isinstance(grads, dict):
            what = f"a {type(grads).__name__}"
            return {"what it returns": what, **observed}
        missing = [k for k in BACKWARD_ORDER if k not in grads]
        if missing:
            return {
                "what it returns": "a dict",
                "names missing from the dict it returns": missing,
                **observed,
            }
        gradients = {f"gradient of {k}": as_array(grads[k]) for k in BACKWARD_ORDER}
        gradients["gradient of b1"] = _zero_if_rounding(
            gradients["gradient of b1"], gradients["gradient of h_pre"]
        )
        return {
            "what it returns": "a dict",
            "names missing from the dict it returns": [],
            **gradients,
            **observed,
        }

    return in_dtype(run, given, dtype)


def _zero_if_rounding(d_b1, d_h_pre):
    """d_b1 is exactly 0 (b1 shifts every row of h_pre alike, and the batch mean takes the
    shift away): entries below 1e-5 times the largest |d_h_pre| are rounding and count as 0,
    so that a correct float32 sum of rounding errors is not compared digit by digit."""
    try:
        scale = float(_max(_abs(d_h_pre)))
        if d_b1.dtype.kind != "f" or not scale > 0:
            return d_b1
        return _where(_abs(d_b1) <= 1e-5 * scale, _zeros_like(d_b1), d_b1)
    except (AttributeError, TypeError, ValueError):  # not an array: compared as it is
        return d_b1


BACKWARD_CASES = {
    "a batch of 2 (Bessel's correction doubles the variance)": backward_case(11, 2),
    "a batch of 3, hidden features of scales 1e-3 to 1e3": backward_case(
        12, 3, (1e-3, 0.1, 1.0, 10.0, 1e3)
    ),
    "a batch of 8": backward_case(13, 8),
    "a batch of 16 in float32 (and the same numbers in float64)": backward_case(
        14, 16, dtype=np.float32
    ),
}

# What each gradient depends on, for a message naming the first wrong one: hints, not the
# answers (the release ships this module to students).
HINTS = {
    "logits": "the loss is the mean over the batch of each row's cross-entropy (exercise 5)",
    "b2": "b2 is added to every row of logits, so its gradient sums over the rows",
    "W2": "W2 is stored (C, H) like nn.Linear's weight, and d_W2 has that shape: which product "
    "of d_logits and h gives it?",
    "h": "logits = h @ W2.T: which product of d_logits and W2 has the shape of h?",
    "h_bn": "h = tanh(h_bn) and tanh' = 1 - tanh^2, where the cache already holds the tanh",
    "beta": "beta is added to every row, so its gradient sums over the rows, to shape (H,)",
    "gamma": "gamma multiplies h_norm in every row, so its gradient sums over the rows, to "
    "shape (H,)",
    "h_norm": "h_bn = gamma * h_norm + beta",
    "inv_std": "inv_std multiplies every row of diff, so its gradient sums over the rows",
    "var": "inv_std = (var + eps) ** -0.5: the power rule brings -0.5 * (var + eps) ** -1.5",
    "diff": "diff reaches the loss through h_norm and through var = mean(diff**2) over the N "
    "rows (N, not N - 1): add both paths",
    "mu": "mu is subtracted from every row of h_pre",
    "h_pre": "h_pre reaches the loss through diff and through mu = h_pre.mean(axis=0): add "
    "both paths",
    "b1": "b1 is added to every row of h_pre, so its gradient sums over the rows",
    "W1": "W1 is stored (H, D) like nn.Linear's weight, and d_W1 has that shape",
    "x": "h_pre = x @ W1.T: which product of d_h_pre and W1 has the shape of x?",
}
_DTYPE_HINT = ": np.eye(C)[targets] is float64, give it dtype=logits.dtype"


def explain_float32(case, where, yours, expected):
    """The message for code that asked autograd, for what was returned (not the arrays asked
    for) or for a float32 observation (dtypes, agreement with float64), else None."""
    if isinstance(yours, Raised) and "require" in yours.message and "grad" in yours.message:
        return (
            f"on {case}, your code raised {yours.describe()}: check runs your function under "
            "autograd.no_grad(), since the gradients are yours to write by hand, not autograd's"
        )
    if where == "" and isinstance(yours, dict) and isinstance(expected, dict):
        if "what it returns" in yours and yours["what it returns"] != expected.get(
            "what it returns"
        ):
            wanted = expected.get("what it returns", "a dict of gradients")
            return f"on {case}, your code returns {yours['what it returns']}, expected {wanted}"
        missing = yours.get("names missing from the dict it returns")
        if missing:
            return (
                f"on {case}, the dict your code returns has no entry for "
                f"{', '.join(map(str, missing))}: one gradient per array, by its name"
            )
    if where.startswith("the dtypes of your results in float32, "):
        name = where.split(", ", 1)[1]
        hint = _DTYPE_HINT if name == "gradient of logits" else ""
        return (
            f"on {case}, {name} has dtype {yours} when the inputs are float32: results and "
            f"gradients keep their input's dtype (no astype, no float64 arrays of constants){hint}"
        )
    if where == "float32 results far from your float64 results":
        names = ", ".join(yours) if isinstance(yours, list) else str(yours)
        return (
            f"on {case}, your float32 results ({names}) differ from your own float64 results on "
            f"the same numbers by more than {FLOAT32_AGREEMENT:g} of their largest entry, far "
            "more than float32 rounding: a formula that loses precision, like E[h^2] - E[h]^2?"
        )
    return None


def explain_backward(case, where, yours, expected):
    """Name the first wrong gradient in backward order, say what it should be, and how it
    differs; the gradients before it are right, so the mistake is in that step."""
    float32 = explain_float32(case, where, yours, expected)
    if float32:
        return float32
    text = describe_difference(case, where, yours, expected)
    name = where.removeprefix("gradient of ")
    if name not in HINTS:
        return text
    y, e = numeric(yours), numeric(expected)
    if y is not None and e is not None and y.shape == (1, *e.shape):
        text += ": keepdims=True left an axis of size 1"
    before = BACKWARD_ORDER[: BACKWARD_ORDER.index(name)]
    right = f"the gradients before it ({', '.join(before)}) are right, so " if before else ""
    return f"{text}; {right}look at this step: {HINTS[name]}"


# -- ex13_bn_backward: batchnorm_backward(d_out, h, gamma, eps) -> (d_h, d_gamma, d_beta) -------


def _bn_backward(d_out, h, gamma, eps, mean_path=True, var_path=True, ddof=0, keepdims=False):
    n = len(h)
    mu = h.mean(axis=0)
    var = h.var(axis=0, ddof=ddof)
    inv_std = 1 / np.sqrt(var + eps)
    h_norm = (h - mu) * inv_std
    d_norm = d_out * gamma
    d_h = d_norm
    if mean_path:
        d_h = d_h - d_norm.mean(axis=0)
    if var_path:
        d_h = d_h - h_norm * (d_norm * h_norm).sum(axis=0) / (n - ddof)
    d_gamma = (d_out * h_norm).sum(axis=0, keepdims=keepdims)
    d_beta = d_out.sum(axis=0, keepdims=keepdims)
    return d_h * inv_std, d_gamma, d_beta


def batchnorm_backward(d_out, h, gamma, eps=EPS):
    """The reference: BatchNorm's backward in one formula, by hand (equal to the library's
    F.batch_norm differentiated by autograd on every case: tests/examples/test_exercise13.py)."""
    return _bn_backward(d_out, h, gamma, eps)


def bn_backward_without_mean_path(d_out, h, gamma, eps=EPS):
    return _bn_backward(d_out, h, gamma, eps, mean_path=False)


def bn_backward_without_variance_path(d_out, h, gamma, eps=EPS):
    return _bn_backward(d_out, h, gamma, eps, var_path=False)


def bn_backward_bessel(d_out, h, gamma, eps=EPS):
    return _bn_backward(d_out, h, gamma, eps, ddof=1)


def bn_backward_keepdims(d_out, h, gamma, eps=EPS):
    return _bn_backward(d_out, h, gamma, eps, keepdims=True)


# The h of every case of ex13_bn_backward, in the order of the cases.
_BN_BACKWARD_H: list = []


def bn_backward_case(seed, n, scales, dtype=np.float64):
    rng = np.random.default_rng(seed)
    scales = np.asarray(scales, dtype=np.float64)
    f = len(scales)
    h = (rng.standard_normal((n, f)) + rng.standard_normal(f)) * scales
    gamma = rng.uniform(0.5, 2.0, f)
    d_out = rng.standard_normal((n, f)) / n
    given = {"d_out": d_out, "h": h, "gamma": gamma}
    _BN_BACKWARD_H.append(h)

    def run(fn, given):
        args = {k: _copy(v) for k, v in given.items()}
        with _no_grad():  # by hand, not by autograd; eps left to its default, 1e-5
            result = fn(*args.values())
        return _results(result, ("d_h", "d_gamma", "d_beta"), "3 gradients", changed(given, args))

    return in_dtype(run, given, dtype)


BN_BACKWARD_SCALES = {
    "a batch of 3, features of scales 1e-3 to 1e3": [1e-3, 0.1, 1, 10, 1e3],
    "a batch of 2 (Bessel's correction doubles the variance)": [1, 2, 0.5],
    "a batch of 8": [1, 0.5, 2],
    "a batch of 32 in float32 (and the same numbers in float64)": [0.5, 1, 2, 4],
}
BN_BACKWARD_CASES = {
    name: bn_backward_case(seed, n, BN_BACKWARD_SCALES[name], dtype)
    for seed, (name, n, dtype) in enumerate(
        zip(BN_BACKWARD_SCALES, (3, 2, 8, 32), (np.float64,) * 3 + (np.float32,), strict=True),
        21,
    )
}

# The feature scales of every case of the two BatchNorm exercises, by case name.
SCALES = {
    name: scales
    for cases in (BN_FORWARD_SCALES, BN_BACKWARD_SCALES)
    for name, scales in cases.items()
}
BN_HINTS = {
    "the output": "in training mode out = gamma * (h - mean) / sqrt(var + eps) + beta, with "
    "the batch's mean and biased variance of each feature (axis 0)",
    "the new running_mean": "new = (1 - momentum) * running_mean + momentum * the batch mean",
    "the new running_var": "new = (1 - momentum) * running_var + momentum * the batch variance "
    "* N / (N - 1) (unbiased, unlike the one that normalises)",
    "d_h": "d_h = gamma * inv_std * (d_out - mean(d_out) - h_norm * mean(d_out * h_norm)), "
    "means over the batch (axis 0)",
    "d_gamma": "d_gamma = (d_out * h_norm).sum(axis=0), with h_norm the normalised h",
    "d_beta": "d_beta = d_out.sum(axis=0): beta is added to every row",
}


def explain_batchnorm(case, where, yours, expected):
    """Say where a BatchNorm result differs: only in the features whose variance is below eps
    (then eps is the culprit), or else what the result should be."""
    float32 = explain_float32(case, where, yours, expected)
    if float32:
        return float32
    text = describe_difference(case, where, yours, expected)
    y, e = numeric(yours), numeric(expected)
    if where not in BN_HINTS or y is None or e is None or y.shape != e.shape:
        return text
    scales = np.asarray(SCALES.get(case, ()), dtype=np.float64)
    if y.ndim >= 1 and y.shape[-1] == len(scales) and np.isfinite(y).all():
        # the relative difference of each feature: far the largest where var < eps?
        columns = (np.abs(y - e) / (np.abs(e) + ATOL)).reshape(-1, len(scales)).max(axis=0)
        tiny = scales**2 < EPS
        worst = int(np.argmax(columns))
        others = columns[~tiny].max(initial=0.0)
        if tiny[worst] and columns[worst] > 100 * others:
            return (
                f"{text}: the difference is largest by far in feature {worst}, whose variance "
                f"(scale {scales[worst]:g}) is below eps = 1e-5: is eps added to the variance "
                "inside the square root, sqrt(var + eps)?"
            )
    if where == "d_h" and case in BN_BACKWARD_CASES:
        h = _BN_BACKWARD_H[list(BN_BACKWARD_CASES).index(case)]
        how = _how_d_h_differs(y, e, h)
        if how:
            return f"{text}: {how}"
    return f"{text}: {BN_HINTS[where]}"


def _how_d_h_differs(y, e, h):
    """Which path of d_h a difference looks like, from its shape over the batch (N > 2)."""
    if len(h) < 3 or not np.isfinite(y).all():
        return ""
    off = y - e
    tol = 1e-6 * np.abs(e).max(axis=0) + ATOL
    if np.all(np.abs(off - off.mean(axis=0)) <= tol):
        return (
            "your d_h is off by the same amount in every row of each feature, as if the path "
            "through the batch mean were missing or wrong: subtract the mean over the batch"
        )
    h_norm = (h - h.mean(axis=0)) / h.std(axis=0)
    along = (off * h_norm).mean(axis=0) / (h_norm**2).mean(axis=0)
    if np.all(np.abs(off - along * h_norm) <= tol):
        return (
            "your d_h is off by a multiple of h_norm in each feature: the path through the "
            "batch variance, - h_norm * mean(d_out * gamma * h_norm) times inv_std, is missing, "
            "of the wrong sign or the wrong size"
        )
    ratio = y / np.where(e == 0, np.nan, e)
    per_feature = np.nanmean(ratio, axis=0)
    if np.allclose(ratio, per_feature, rtol=1e-5, equal_nan=True) and not np.allclose(
        per_feature, 1, rtol=1e-5
    ):
        return (
            "each feature's d_h is off by a factor of its own: is a per-feature factor, gamma "
            "or inv_std, missing or extra? d_h = gamma * inv_std * (d_out - mean(d_out) - "
            "h_norm * mean(d_out * h_norm))"
        )
    return ""


EXERCISES = [
    Exercise(
        id="ex13_bn_forward",
        title="BatchNorm's forward in training mode, with running statistics",
        name="batchnorm_forward",
        reference=batchnorm_forward,
        cases=BN_FORWARD_CASES,
        explain=explain_batchnorm,
        checked="batches of 2, 3, 16 and 64, features of scales 1e-3 to 1e3, float32 and "
        "float64, two momentums: the output and both new running statistics; no argument may "
        "change in place",
        mistakes=(
            Mistake(
                bn_forward_unbiased,
                "you normalised with the unbiased variance (ddof=1): in training mode BatchNorm "
                "divides by the batch's biased variance (divide by N); only running_var uses N - 1",
            ),
            Mistake(
                bn_forward_biased_running,
                "your running_var moves toward the biased batch variance: the running "
                "statistics use the unbiased one, var * N / (N - 1), as PyTorch's BatchNorm does",
            ),
            Mistake(
                bn_forward_keras_momentum,
                "your running statistics keep momentum times the old value: in PyTorch's "
                "convention new = (1 - momentum) * old + momentum * batch (Keras's is reversed)",
            ),
            Mistake(
                bn_forward_over_features,
                "you took the statistics over axis 1, the features of each example: BatchNorm "
                "normalises each feature over the batch (axis 0)",
            ),
        ),
    ),
    Exercise(
        id="ex13_backward",
        title="every gradient of an MLP with BatchNorm, by hand",
        name="mlp_backward",
        reference=mlp_backward,
        cases=BACKWARD_CASES,
        explain=explain_backward,
        checked="batches of 2, 3, 8 and 16, hidden features of scales 1e-3 to 1e3, float32 and "
        "float64: all 16 gradients, each against autograd, your code run under no_grad; params, "
        "cache and targets must stay unchanged",
        mistakes=(
            Mistake(
                backward_summed_loss,
                "every gradient is N times too large: the loss is the mean over the batch, so "
                "d_logits = (softmax - onehot) / N",
            ),
            Mistake(
                backward_without_mean_path,
                "your d_h_pre misses the path through the mean: mu = h_pre.mean(axis=0) depends "
                "on every row, so d_h_pre = d_diff + d_mu / N",
            ),
            Mistake(
                backward_without_variance_path,
                "your d_diff misses the path through the variance: diff is used by h_norm and "
                "by var, so add d_var * 2 * diff / N",
            ),
            Mistake(
                backward_bessel,
                "your d_diff divides by N - 1: the batch variance of training mode is the biased "
                "one, mean(diff**2), so d_var reaches diff as d_var * 2 * diff / N",
            ),
            Mistake(
                backward_keepdims,
                "your gradients of b2, beta, gamma, inv_std, var, mu and b1 keep a leading axis "
                "of size 1: sum over axis 0 without keepdims=True, so each has its array's shape",
            ),
            Mistake(
                backward_transposed_weights,
                "your weight gradients are transposed: W1 and W2 are stored (out, in) like "
                "nn.Linear's, so d_W2 = d_logits.T @ h and d_W1 = d_h_pre.T @ x",
            ),
        ),
    ),
    Exercise(
        id="ex13_bn_backward",
        title="BatchNorm's backward in one formula",
        name="batchnorm_backward",
        reference=batchnorm_backward,
        cases=BN_BACKWARD_CASES,
        explain=explain_batchnorm,
        checked="batches of 2, 3, 8 and 32, features of scales 1e-3 to 1e3, float32 and "
        "float64: d_h, d_gamma and d_beta, your code run under no_grad; d_out, h and gamma must "
        "stay unchanged",
        mistakes=(
            Mistake(
                bn_backward_without_mean_path,
                "your d_h misses the path through the batch mean: subtract d_h_norm.mean(axis=0)",
            ),
            Mistake(
                bn_backward_without_variance_path,
                "your d_h misses the path through the batch variance: subtract "
                "h_norm * (d_h_norm * h_norm).mean(axis=0)",
            ),
            Mistake(
                bn_backward_bessel,
                "you used the unbiased variance (N - 1): in training mode the batch variance is "
                "the biased one, divided by N, in the forward and in its derivative",
            ),
            Mistake(
                bn_backward_keepdims,
                "your d_gamma and d_beta have shape (1, H): gamma and beta have shape (H,), so "
                "sum over axis 0 without keepdims",
            ),
        ),
    ),
]
