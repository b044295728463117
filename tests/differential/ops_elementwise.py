"""The fuzzer's elementwise ops: unary and binary arithmetic, exponentials, powers,
trigonometric and hyperbolic functions, and the piecewise ones (abs, maximum, where, clip...)."""

from __future__ import annotations

import numpy as np
import torch

import autograd as ag

from .graph import OPS, DoesNotFitError, op


def _unary(name, family, ours, theirs, domain=None):
    """An elementwise op; ``domain`` maps the input into the op's domain first (both sides)."""

    def builder(g, x):
        a, b = x.ours, x.theirs
        if domain == "positive":
            a, b = a * a + 0.5, b * b + 0.5
        elif domain == "unit":
            a, b = ag.tanh(a) * 0.9, torch.tanh(b) * 0.9
        elif domain == "above_one":
            a, b = a * a + 1.1, b * b + 1.1
        return (lambda: ours(a)), (lambda: theirs(b)), f"{name}({x.label})"

    OPS[name] = (family, builder)


for _name, _o, _t, _d in [
    ("neg", lambda a: -a, lambda b: -b, None),
    ("exp", lambda a: ag.exp(a), torch.exp, None),
    ("expm1", np.expm1, torch.expm1, None),
    ("exp2", ag.exp2, torch.exp2, None),
    ("log", np.log, torch.log, "positive"),
    ("log1p", ag.log1p, torch.log1p, "positive"),
    ("log2", ag.log2, torch.log2, "positive"),
    ("log10", ag.log10, torch.log10, "positive"),
    ("sqrt", lambda a: a.sqrt(), torch.sqrt, "positive"),
    ("cbrt", ag.cbrt, lambda b: torch.sign(b) * b.abs() ** (1 / 3), "positive"),
    ("square", ag.square, torch.square, None),
    ("reciprocal", ag.reciprocal, torch.reciprocal, "positive"),
    ("sin", np.sin, torch.sin, None),
    ("cos", ag.cos, torch.cos, None),
    ("tan", ag.tan, torch.tan, "unit"),
    ("arcsin", ag.arcsin, torch.asin, "unit"),
    ("arccos", ag.arccos, torch.acos, "unit"),
    ("arctan", ag.arctan, torch.atan, None),
    ("deg2rad", ag.deg2rad, torch.deg2rad, None),
    ("rad2deg", ag.rad2deg, torch.rad2deg, None),
    ("sinh", ag.sinh, torch.sinh, None),
    ("cosh", ag.cosh, torch.cosh, None),
    ("tanh", lambda a: a.tanh(), torch.tanh, None),
    ("arcsinh", ag.arcsinh, torch.asinh, None),
    ("arccosh", ag.arccosh, torch.acosh, "above_one"),
    ("arctanh", ag.arctanh, torch.atanh, "unit"),
    ("abs", abs, torch.abs, None),
    ("fabs", np.fabs, torch.abs, None),
    ("relu", lambda a: a.relu(), torch.relu, None),
    ("sigmoid", lambda a: a.sigmoid(), torch.sigmoid, None),
]:
    _family = {
        "neg": "arithmetic",
        "square": "powers",
        "sqrt": "powers",
        "cbrt": "powers",
        "reciprocal": "powers",
        "abs": "piecewise",
        "fabs": "piecewise",
        "relu": "piecewise",
        "sigmoid": "exponential",
    }.get(_name)
    if _family is None:
        _family = (
            "trigonometric"
            if _name in ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "deg2rad", "rad2deg")
            else "hyperbolic"
            if _name.startswith(("sinh", "cosh", "tanh", "arcs", "arcc", "arct"))
            else "exponential"
        )
    _unary(_name, _family, _o, _t, _d)


def _binary(name, family, ours, theirs, domain=None):
    def builder(g, x):
        y = g.partner(x.shape) if g.flag() or len(g.nodes) < 2 else g.pick(g.nodes)
        try:
            np.broadcast_shapes(x.shape, y.shape)
        except ValueError:
            y = g.partner(x.shape)
        a, b, c, d = x.ours, x.theirs, y.ours, y.theirs
        if domain == "positive_base":
            a, b = a * a + 0.5, b * b + 0.5
        elif domain == "nonzero":
            c, d = c * c + 0.5, d * d + 0.5
        elif domain == "sign_source" and np.isnan(d.detach().numpy()).any():
            # The sign bit of a NaN is not specified (NumPy's 0 / 0 sets it, PyTorch's not).
            raise DoesNotFitError
        swap = g.flag() and domain is None
        if swap:
            a, b, c, d = c, d, a, b
        first, second = (y.label, x.label) if swap else (x.label, y.label)
        return (lambda: ours(a, c)), (lambda: theirs(b, d)), f"{name}({first}, {second})"

    OPS[name] = (family, builder)


for _name, _fam, _o, _t, _d in [
    ("add", "arithmetic", lambda a, b: a + b, torch.add, None),
    ("subtract", "arithmetic", np.subtract, torch.sub, None),
    ("multiply", "arithmetic", lambda a, b: a * b, torch.mul, None),
    ("divide", "arithmetic", lambda a, b: a / b, torch.div, "nonzero"),
    ("power", "arithmetic", lambda a, b: a**b, torch.pow, "positive_base"),
    ("float_power", "powers", ag.float_power, torch.float_power, "positive_base"),
    ("maximum", "piecewise", ag.maximum, torch.maximum, None),
    ("minimum", "piecewise", np.minimum, torch.minimum, None),
    ("fmax", "piecewise", ag.fmax, torch.fmax, None),
    ("fmin", "piecewise", ag.fmin, torch.fmin, None),
    ("copysign", "piecewise", ag.copysign, torch.copysign, "sign_source"),
    # (Kept off the origin, where the second derivative is undefined: PyTorch gives NaN there
    # and backproplab 0; the first derivative, 0 in both, has its own test.)
    ("arctan2", "trigonometric", ag.arctan2, torch.atan2, "nonzero"),
    # (Off the origin too: there backproplab's gradient is 0, the subgradient norm uses, and
    # PyTorch's 0 / 0 = NaN; a documented difference.)
    ("hypot", "trigonometric", ag.hypot, torch.hypot, "nonzero"),
    ("logaddexp", "exponential", ag.logaddexp, torch.logaddexp, None),
    ("logaddexp2", "exponential", ag.logaddexp2, torch.logaddexp2, None),
]:
    _binary(_name, _fam, _o, _t, _d)


@op("where", "piecewise")
def _where(g, x):
    y = g.partner(x.shape)
    cond = g.values(np.broadcast_shapes(x.shape, y.shape)) > 0
    return (
        (lambda: ag.where(cond, x.ours, y.ours)),
        (lambda: torch.where(torch.tensor(cond), x.theirs, y.theirs)),
        f"where(cond, {x.label}, {y.label})",
    )


@op("clip", "piecewise")
def _clip(g, x):
    lo = float(g.pick([-1.0, -0.5, 0.0]))
    hi = float(g.pick([0.0, 0.5, 1.0]))
    if g.flag():  # Tensor bounds that require grad
        low, high = g.partner(x.shape), g.partner(x.shape)
        return (
            (lambda: ag.clip(x.ours, low.ours, high.ours)),
            (lambda: torch.clamp(x.theirs, low.theirs, high.theirs)),
            f"clip({x.label}, {low.label}, {high.label})",
        )
    spelled = g.pick(["clip", "clamp_min", "clamp"])
    if spelled == "clip":
        return (
            (lambda: np.clip(x.ours, lo, hi)),
            (lambda: torch.clamp(x.theirs, lo, hi)),
            f"clip({lo}, {hi})",
        )
    if spelled == "clamp_min":
        return (
            (lambda: x.ours.clamp(min=lo)),
            (lambda: torch.clamp(x.theirs, min=lo)),
            f"clamp(min={lo})",
        )
    return (lambda: x.ours.clamp(lo, hi)), (lambda: x.theirs.clamp(lo, hi)), f"clamp({lo}, {hi})"
