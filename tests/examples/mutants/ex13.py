"""Exercise 13's wrong and correct solutions for the mutation suite (see the ``mutants``
package, which imports this module to register them): backprop by hand through an MLP with
BatchNorm.

None of the wrong ones is in the checker's catalogue; the correct ones are written differently
from the reference (which is the library's autograd) and from each other.
"""

from __future__ import annotations

import numpy as np

import autograd
from nn import functional as F

from .common import ARGUMENT, DTYPE, right, wrong

EPS = 1e-5

# == ex13_bn_forward ==============================================================================


@wrong("ex13_bn_forward", r"eps.*inside the square root")
def bn_forward_eps_outside(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    mu, var = h.mean(axis=0), h.var(axis=0)
    out = gamma * (h - mu) / (np.sqrt(var) + eps) + beta
    n = len(h)
    new_mean = (1 - momentum) * running_mean + momentum * mu
    new_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    return out, new_mean, new_var


@wrong("ex13_bn_forward", r"running_mean")
def bn_forward_mean_of_output(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    h = (h - h.mean(axis=0)) / np.sqrt(h.var(axis=0) + eps)  # reuses the name h
    out = gamma * h + beta
    new_mean = (1 - momentum) * running_mean + momentum * h.mean(axis=0)
    new_var = (1 - momentum) * running_var + momentum * h.var(axis=0, ddof=1)
    return out, new_mean, new_var


@wrong("ex13_bn_forward", r"running_var")
def bn_forward_running_std(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    mu, var = h.mean(axis=0), h.var(axis=0)
    out = gamma * (h - mu) / np.sqrt(var + eps) + beta
    new_mean = (1 - momentum) * running_mean + momentum * mu
    new_var = (1 - momentum) * running_var + momentum * h.std(axis=0, ddof=1)  # a std
    return out, new_mean, new_var


@wrong("ex13_bn_forward", ARGUMENT)
def bn_forward_in_place(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    mu, var = h.mean(axis=0), h.var(axis=0)
    out = gamma * (h - mu) / np.sqrt(var + eps) + beta
    running_mean *= 1 - momentum  # as PyTorch's layer does to its buffers
    running_mean += momentum * mu
    running_var *= 1 - momentum
    running_var += momentum * h.var(axis=0, ddof=1)
    return out, running_mean, running_var


@wrong("ex13_bn_forward", r"the output")
def bn_forward_one_variance(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    mu = h.mean(axis=0)
    var = h.var()  # one variance for the whole batch, every feature together
    out = gamma * (h - mu) / np.sqrt(var + eps) + beta
    n = len(h)
    new_mean = (1 - momentum) * running_mean + momentum * mu
    new_var = (1 - momentum) * running_var + momentum * h.var(axis=0) * n / (n - 1)
    return out, new_mean, new_var


@wrong("ex13_bn_forward", DTYPE)
def bn_forward_float64(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    h = np.asarray(h, dtype=float)  # "to be safe"
    mu, var = h.mean(axis=0), h.var(axis=0)
    out = gamma * (h - mu) / np.sqrt(var + eps) + beta
    new_mean = (1 - momentum) * running_mean + momentum * mu
    new_var = (1 - momentum) * running_var + momentum * h.var(axis=0, ddof=1)
    return out, new_mean, new_var


@right("ex13_bn_forward")
def bn_forward_sums(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    n = h.shape[0]
    mean = h.sum(axis=0) / n
    centered = h - mean
    sq = (centered * centered).sum(axis=0)
    out = centered / np.sqrt(sq / n + eps) * gamma + beta
    new_mean = running_mean * (1 - momentum) + mean * momentum
    new_var = running_var * (1 - momentum) + sq / (n - 1) * momentum
    return out, new_mean, new_var


@right("ex13_bn_forward")
def bn_forward_lerp(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    mean = np.mean(h, axis=0, keepdims=True)
    var = np.var(h, axis=0, keepdims=True)
    out = (h - mean) * (var + eps) ** -0.5 * gamma + beta
    unbiased = np.var(h, axis=0, ddof=1)
    new_mean = running_mean + momentum * (mean[0] - running_mean)
    new_var = running_var + momentum * (unbiased - running_var)
    return out, new_mean, new_var


@right("ex13_bn_forward")
def bn_forward_one_pass(h, gamma, beta, running_mean, running_var, momentum=0.1, eps=EPS):
    n = len(h)
    mean = h.mean(axis=0)
    var = (h**2).mean(axis=0) - mean**2  # E[h^2] - E[h]^2
    out = gamma * (h - mean) / np.sqrt(var + eps) + beta
    new = [(1 - momentum) * r + momentum * b for r, b in
           ((running_mean, mean), (running_var, var * n / (n - 1)))]  # fmt: skip
    return (out, *new)


# == ex13_backward ================================================================================


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _backward(params, cache, targets, **change):
    """A student's backward, step by step; ``change`` replaces one step by a wrong one."""
    c, n = cache, len(cache["x"])
    g = {}
    d = _softmax(c["logits"])
    d[np.arange(n), targets] -= 1
    g["logits"] = d / n
    g["b2"] = g["logits"].sum(axis=change.get("b2_axis", 0))
    g["W2"] = g["logits"].T @ c["h"]
    g["h"] = g["logits"] @ params["W2"]
    pre = c["h_bn"] if change.get("tanh_of_input") else c["h"]
    g["h_bn"] = (1 - pre**2) * g["h"]
    g["beta"] = g["h_bn"].sum(axis=0)
    g["gamma"] = g["h_bn"].sum(axis=0) if change.get("gamma_as_beta") else (
        g["h_bn"] * c["h_norm"]).sum(axis=0)  # fmt: skip
    g["h_norm"] = g["h_bn"] * params["gamma"]
    g["inv_std"] = g["h_norm"] * c["diff"]
    if not change.get("inv_std_per_row"):
        g["inv_std"] = g["inv_std"].sum(axis=0)
    power = 1.0 if change.get("no_half") else -0.5
    g["var"] = power * c["inv_std"] ** 3 * g["inv_std"]
    g["diff"] = g["h_norm"] * c["inv_std"] + 2 / n * c["diff"] * g["var"]
    g["mu"] = -g["diff"].sum(axis=0)
    g["h_pre"] = g["diff"] + (g["mu"] if change.get("mu_not_divided") else g["mu"] / n)
    g["b1"] = g["h_pre"].sum(axis=0)
    g["W1"] = g["h_pre"].T @ c["x"]
    g["x"] = g["h_pre"] @ params["W1"]
    return g


@wrong("ex13_backward", r"h_bn.*tanh")
def backward_tanh_of_input(params, cache, targets):
    return _backward(params, cache, targets, tanh_of_input=True)


@wrong("ex13_backward", r"gradient of gamma.*h_norm")
def backward_gamma_copied_from_beta(params, cache, targets):
    return _backward(params, cache, targets, gamma_as_beta=True)


@wrong("ex13_backward", r"gradient of inv_std.*sum")
def backward_inv_std_not_summed(params, cache, targets):
    return _backward(params, cache, targets, inv_std_per_row=True)


@wrong("ex13_backward", r"gradient of var.*-0\.5")
def backward_power_rule_forgotten(params, cache, targets):
    return _backward(params, cache, targets, no_half=True)


@wrong("ex13_backward", r"gradient of h_pre.*through mu")
def backward_mean_not_divided(params, cache, targets):
    return _backward(params, cache, targets, mu_not_divided=True)


@wrong("ex13_backward", r"gradient of b2.*shape")
def backward_b2_over_classes(params, cache, targets):
    return _backward(params, cache, targets, b2_axis=1)


@wrong("ex13_backward", ARGUMENT)
def backward_softmax_in_place(params, cache, targets):
    z = cache["logits"]
    z -= z.max(axis=1, keepdims=True)  # changes the cache
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    fresh = dict(cache, logits=np.log(z))
    return _backward(params, fresh, targets)


@wrong("ex13_backward", DTYPE + r".*np\.eye")
def backward_onehot_float64(params, cache, targets):
    n, classes = cache["logits"].shape
    grads = _backward(params, cache, targets)
    d_logits = (_softmax(cache["logits"]) - np.eye(classes)[targets]) / n
    grads["logits"] = d_logits
    return grads


@right("ex13_backward")
def backward_einsum(params, cache, targets):
    x, h, h_norm, diff = cache["x"], cache["h"], cache["h_norm"], cache["diff"]
    n = x.shape[0]
    p = np.exp(cache["logits"] - np.logaddexp.reduce(cache["logits"], axis=1, keepdims=True))
    onehot = np.zeros_like(p)
    onehot[np.arange(n), targets] = 1
    d_logits = (p - onehot) / n
    d_h = np.einsum("nc,ch->nh", d_logits, params["W2"])
    d_h_bn = d_h * (1 - h * h)
    d_h_norm = d_h_bn * params["gamma"]
    d_inv_std = np.einsum("nh,nh->h", d_h_norm, diff)
    d_var = -0.5 * (cache["var"] + EPS) ** -1.5 * d_inv_std
    d_diff = d_h_norm * cache["inv_std"] + d_var * 2 * diff / n
    d_mu = -np.einsum("nh->h", d_diff)
    d_h_pre = d_diff + d_mu / n
    return {
        "logits": d_logits, "b2": np.einsum("nc->c", d_logits),
        "W2": np.einsum("nc,nh->ch", d_logits, h), "h": d_h, "h_bn": d_h_bn,
        "beta": np.einsum("nh->h", d_h_bn), "gamma": np.einsum("nh,nh->h", d_h_bn, h_norm),
        "h_norm": d_h_norm, "inv_std": d_inv_std, "var": d_var, "diff": d_diff, "mu": d_mu,
        "h_pre": d_h_pre, "b1": np.einsum("nh->h", d_h_pre),
        "W1": np.einsum("nh,nd->hd", d_h_pre, x),
        "x": np.einsum("nh,hd->nd", d_h_pre, params["W1"]),
    }  # fmt: skip


@right("ex13_backward")
def backward_fused_batchnorm(params, cache, targets):
    """d_h_pre from BatchNorm's one-formula backward; the intermediates computed as well."""
    grads = _backward(params, cache, targets)
    n = len(cache["x"])
    g, xh = grads["h_norm"], cache["h_norm"]
    grads["h_pre"] = cache["inv_std"] / n * (n * g - g.sum(0) - xh * (g * xh).sum(0))
    grads["b1"] = np.zeros_like(grads["b1"])  # b1 cannot change the loss: BatchNorm removes it
    grads["W1"] = grads["h_pre"].T @ cache["x"]
    grads["x"] = grads["h_pre"] @ params["W1"]
    return grads


@right("ex13_backward")
def backward_per_example(params, cache, targets):
    """The weight gradients as sums over examples of outer products, one example at a time."""
    grads = _backward(params, cache, targets)
    d_logits = np.eye(cache["logits"].shape[1], dtype=cache["logits"].dtype)[targets]
    d_logits = (_softmax(cache["logits"]) - d_logits) / len(targets)
    W2 = np.zeros_like(params["W2"])
    for d, h in zip(d_logits, cache["h"], strict=True):
        W2 += np.outer(d, h)
    W1 = np.zeros_like(params["W1"])
    for d, x in zip(grads["h_pre"], cache["x"], strict=True):
        W1 += np.outer(d, x)
    return {**grads, "logits": d_logits, "W2": W2, "W1": W1}


# == ex13_bn_backward =============================================================================


@wrong("ex13_bn_backward", r"factor of its own.*gamma")
def bn_backward_without_gamma(d_out, h, gamma, eps=EPS):
    xh = (h - h.mean(0)) / np.sqrt(h.var(0) + eps)
    d_h = (d_out - d_out.mean(0) - xh * (d_out * xh).mean(0)) / np.sqrt(h.var(0) + eps)
    return d_h, (d_out * xh).sum(0), d_out.sum(0)


@wrong("ex13_bn_backward", r"eps.*inside the square root")
def bn_backward_std_without_eps(d_out, h, gamma, eps=EPS):
    std = h.std(axis=0)  # eps forgotten
    xh = (h - h.mean(axis=0)) / std
    g = d_out * gamma
    d_h = (g - g.mean(axis=0) - xh * (g * xh).mean(axis=0)) / std
    return d_h, (d_out * xh).sum(axis=0), d_out.sum(axis=0)


@wrong("ex13_bn_backward", r"d_beta")
def bn_backward_beta_mean(d_out, h, gamma, eps=EPS):
    inv = 1 / np.sqrt(h.var(axis=0) + eps)
    xh = (h - h.mean(axis=0)) * inv
    g = d_out * gamma
    d_h = inv * (g - g.mean(axis=0) - xh * (g * xh).mean(axis=0))
    return d_h, (d_out * xh).sum(axis=0), d_out.mean(axis=0)


@wrong("ex13_bn_backward", ARGUMENT)
def bn_backward_scales_d_out(d_out, h, gamma, eps=EPS):
    inv = 1 / np.sqrt(h.var(axis=0) + eps)
    xh = (h - h.mean(axis=0)) * inv
    d_gamma, d_beta = (d_out * xh).sum(axis=0), d_out.sum(axis=0)
    d_out *= gamma  # the caller's array
    d_h = inv * (d_out - d_out.mean(axis=0) - xh * (d_out * xh).mean(axis=0))
    return d_h, d_gamma, d_beta


@wrong("ex13_bn_backward", r"multiple of h_norm.*variance")
def bn_backward_sign_of_variance_path(d_out, h, gamma, eps=EPS):
    inv = 1 / np.sqrt(h.var(axis=0) + eps)
    xh = (h - h.mean(axis=0)) * inv
    g = d_out * gamma
    d_h = inv * (g - g.mean(axis=0) + xh * (g * xh).mean(axis=0))
    return d_h, (d_out * xh).sum(axis=0), d_out.sum(axis=0)


@wrong("ex13_bn_backward", r"d_gamma.*h_norm")
def bn_backward_gamma_from_raw_h(d_out, h, gamma, eps=EPS):
    inv = 1 / np.sqrt(h.var(axis=0) + eps)
    xh = (h - h.mean(axis=0)) * inv
    g = d_out * gamma
    d_h = inv * (g - g.mean(axis=0) - xh * (g * xh).mean(axis=0))
    return d_h, (d_out * h).sum(axis=0), d_out.sum(axis=0)


@right("ex13_bn_backward")
def bn_backward_step_by_step(d_out, h, gamma, eps=EPS):
    n = h.shape[0]
    mu = h.sum(axis=0) / n
    diff = h - mu
    var = (diff**2).sum(axis=0) / n
    inv_std = (var + eps) ** -0.5
    h_norm = diff * inv_std
    d_norm = d_out * gamma
    d_inv_std = (d_norm * diff).sum(axis=0)
    d_var = -0.5 * inv_std**3 * d_inv_std
    d_diff = d_norm * inv_std + 2 * diff * d_var / n
    d_h = d_diff - d_diff.sum(axis=0) / n
    return d_h, (d_out * h_norm).sum(axis=0), d_out.sum(axis=0)


@right("ex13_bn_backward")
def bn_backward_scaled_by_n(d_out, h, gamma, eps=EPS):
    n = len(h)
    inv = (h.var(axis=0) + eps) ** -0.5
    xh = (h - h.mean(axis=0)) * inv
    d_h = gamma * inv / n * (n * d_out - d_out.sum(0) - xh * (d_out * xh).sum(0))
    return d_h, np.sum(d_out * xh, axis=0), np.sum(d_out, axis=0)


@right("ex13_bn_backward")
def bn_backward_centered_projection(d_out, h, gamma, eps=EPS):
    """d_h is gamma * inv_std times d_out with its mean and its component along h_norm taken
    away (h_norm has mean 0 and mean square var / (var + eps), hence the factor)."""
    var = h.var(axis=0, keepdims=True)
    inv = 1 / np.sqrt(var + eps)
    xh = (h - h.mean(axis=0, keepdims=True)) * inv
    centered = d_out - d_out.mean(axis=0, keepdims=True)
    along = (centered * xh).mean(axis=0, keepdims=True)
    d_h = gamma * inv * (centered - xh * along)
    return d_h, (d_out * xh).sum(axis=0), d_out.sum(axis=0)


# == asking autograd instead (both backward exercises) =============================================


@wrong("ex13_backward", r"no_grad")
def backward_by_autograd(params, cache, targets):
    t = {k: autograd.tensor(v, requires_grad=True) for k, v in params.items()}
    x = autograd.tensor(cache["x"], requires_grad=True)
    logits = (F.batch_norm(x @ t["W1"].T + t["b1"], None, None, t["gamma"], t["beta"], True)
              .tanh() @ t["W2"].T + t["b2"])  # fmt: skip
    F.cross_entropy(logits, targets).backward()
    return {k: np.asarray(v.grad) for k, v in {**t, "x": x}.items()}


@wrong("ex13_bn_backward", r"no_grad")
def bn_backward_by_autograd(d_out, h, gamma, eps=EPS):
    th, tg = autograd.tensor(h, requires_grad=True), autograd.tensor(gamma, requires_grad=True)
    tb = autograd.tensor(np.zeros_like(gamma), requires_grad=True)
    (F.batch_norm(th, None, None, tg, tb, training=True, eps=eps) * d_out).sum().backward()
    return th.grad, tg.grad, tb.grad
