"""The fuzzer's special functions (lgamma, digamma, erfc, erfinv, xlogy, ...) and the
autograd.linalg namespace (norms, det, inv, solve, cholesky, eigvalsh, svdvals, ...).

Matrix functions get well-conditioned inputs built from the graph's node x (x x^T + (n + 1) I,
symmetric positive-definite), so that both sides agree to float64 rounding. Eigenvectors and
singular vectors are left out: their signs are a free choice that need not agree."""

from __future__ import annotations

import math

import numpy as np
import torch

import autograd as ag

from .graph import OPS, DoesNotFitError, op


def _special(name, ours, theirs, domain=None):
    def builder(g, x):
        a, b = x.ours, x.theirs
        if domain == "positive":
            a, b = a * a + 0.5, b * b + 0.5
        elif domain == "unit":  # (-0.9, 0.9)
            a, b = ag.tanh(a) * 0.9, torch.tanh(b) * 0.9
        elif domain == "probability":  # (0.05, 0.95)
            a, b = ag.sigmoid(a) * 0.9 + 0.05, torch.sigmoid(b) * 0.9 + 0.05
        return (lambda: ours(a)), (lambda: theirs(b)), f"{name}({x.label})"

    OPS[name] = ("special", builder)


for _name, _o, _t, _d in [
    ("lgamma", ag.lgamma, torch.lgamma, "positive"),
    ("digamma", lambda a: a.digamma(), torch.digamma, "positive"),
    ("polygamma2", lambda a: ag.polygamma(2, a), lambda b: torch.polygamma(2, b), "positive"),
    ("erfc", ag.erfc, torch.erfc, None),
    ("erfinv", lambda a: a.erfinv(), torch.erfinv, "unit"),
    # (Kept away from 0: there PyTorch's derivative formula cancels to nothing, 0 where
    # sinc'(1e-17) = -3e-17 and -2.1e-8 where sinc'(1e-8) = -3.3e-8; backproplab's series is
    # exact, so a graph like sinc(sinc(1)) would compare rounding noise.)
    ("sinc", ag.sinc, torch.sinc, "positive"),
    ("logit", lambda a: ag.logit(a), torch.logit, "probability"),
    ("ndtr", lambda a: ag.special.ndtr(a), torch.special.ndtr, None),
    ("log_ndtr", lambda a: ag.special.log_ndtr(a), torch.special.log_ndtr, None),
    ("ndtri", lambda a: ag.special.ndtri(a), torch.special.ndtri, "probability"),
    ("i0", ag.i0, torch.i0, None),
    ("i1e", lambda a: ag.special.i1e(a), torch.special.i1e, None),
    ("erfcx", lambda a: ag.special.erfcx(a), torch.special.erfcx, None),
    ("entr", lambda a: ag.special.entr(a), torch.special.entr, "positive"),
]:
    _special(_name, _o, _t, _d)


@op("xlogy", "special")
def _xlogy(g, x):
    y = g.partner(x.shape)
    c, d = y.ours * y.ours + 0.5, y.theirs * y.theirs + 0.5
    if g.flag():
        ours, theirs = ag.special.xlog1py, torch.special.xlog1py
    else:
        ours, theirs = ag.xlogy, torch.xlogy
    return (lambda: ours(x.ours, c)), (lambda: theirs(x.theirs, d)), f"xlogy({y.label})"


@op("logcumsumexp", "cumulative")
def _logcumsumexp(g, x):
    dim = g.axis(len(x.shape))
    return (
        (lambda: ag.logcumsumexp(x.ours, dim)),
        (lambda: torch.logcumsumexp(x.theirs, dim)),
        f"logcumsumexp({dim})",
    )


@op("linalg.vector_norm", "linalg")
def _vector_norm(g, x):
    if 0 in x.shape:
        raise DoesNotFitError
    # (Orders below 1 and infinite ones are left to tests/autograd/ops/test_norms.py: their
    # second derivatives at zero entries are PyTorch's conventions, not numbers to compare.)
    p = g.pick([2, 3, 1.5])
    dim = None if not x.shape or g.flag() else g.axis(len(x.shape))
    keep = g.flag()
    return (
        (lambda: ag.linalg.vector_norm(x.ours, p, dim, keep)),
        (lambda: torch.linalg.vector_norm(x.theirs, p, dim, keep)),
        f"vector_norm({p}, {dim}, {keep})",
    )


def _spd(a, eye):
    """x x^T + (n + 1) I: symmetric positive-definite, well conditioned."""
    n = a.shape[-2]
    return a @ a.swapaxes(-1, -2) + (n + 1) * eye


@op("linalg.square", "linalg")
def _square(g, x):
    if len(x.shape) < 2 or 0 in x.shape[-2:]:
        raise DoesNotFitError
    n = x.shape[-2]
    eye_ours, eye_theirs = ag.tensor(np.eye(n)), torch.eye(n, dtype=torch.float64)
    name = g.pick(["det", "inv", "logdet", "cholesky", "eigvalsh", "solve", "matrix_norm"])

    def ours():
        s = _spd(x.ours, eye_ours)
        if name == "solve":
            return ag.linalg.solve(s, x.ours)
        if name == "logdet":
            return ag.linalg.slogdet(s).logabsdet
        if name == "matrix_norm":
            return ag.linalg.matrix_norm(s, "nuc") + ag.linalg.matrix_norm(x.ours, 1)
        return getattr(ag.linalg, name)(s)

    def theirs():
        s = _spd(x.theirs, eye_theirs)
        if name == "solve":
            return torch.linalg.solve(s, x.theirs)
        if name == "logdet":
            return torch.linalg.slogdet(s).logabsdet
        if name == "matrix_norm":
            return torch.linalg.matrix_norm(s, "nuc") + torch.linalg.matrix_norm(x.theirs, 1)
        return getattr(torch.linalg, name)(s)

    return ours, theirs, f"linalg.{name}(x x^T + {n + 1} I)"


@op("linalg.svdvals", "linalg")
def _svdvals(g, x):
    if len(x.shape) < 2 or 0 in x.shape[-2:]:
        raise DoesNotFitError
    values = np.linalg.svd(x.theirs.detach().numpy(), compute_uv=False)
    gaps = np.abs(np.diff(values, axis=-1))
    if values.min(initial=math.inf) < 0.1 or gaps.min(initial=math.inf) < 0.1:
        raise DoesNotFitError  # second derivatives need distinct, non-zero singular values
    return (
        (lambda: ag.linalg.svdvals(x.ours)),
        (lambda: torch.linalg.svdvals(x.theirs)),
        "svdvals",
    )
