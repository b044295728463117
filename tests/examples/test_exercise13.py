"""Exercise 13 (backprop by hand through an MLP with BatchNorm): what its checker relies on.

The notebook shows the student the same forward pass the checker's cases run; a float32
result is judged against the student's own float64 result (not digit by digit against the
library's float32), so rounding is accepted and a real loss of precision is not; the bias
before BatchNorm gets exactly no gradient, which the checker treats as 0 under rounding.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[2] / "examples" / "exercises"
if str(FOLDER) not in sys.path:
    sys.path.insert(0, str(FOLDER))

import checks  # noqa: E402
from checks import ex13_backprop_batchnorm as ex13  # noqa: E402
from checks.core import diagnose  # noqa: E402

import autograd  # noqa: E402
from nn import functional as F  # noqa: E402

NOTEBOOK = FOLDER / "ex13_backprop_batchnorm.ipynb"


def _setup_namespace() -> dict:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    (setup,) = [
        c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == "ex13_setup"
    ]
    namespace: dict = {}
    exec("".join(setup["source"]), namespace)
    return namespace


def test_the_notebook_shows_the_forward_pass_the_checker_runs():
    shown = _setup_namespace()
    for dtype in (np.float64, np.float32):
        params, x, targets = ex13.network(5, 6, (1e-3, 1.0, 1e3), dtype)
        loss, cache = ex13.mlp_forward(params, x, targets)
        loss_shown, cache_shown = shown["mlp_forward"](params, x, targets)
        assert loss_shown == loss and cache_shown.keys() == cache.keys()
        for name, array in cache.items():
            assert cache_shown[name].dtype == dtype
            assert np.array_equal(cache_shown[name], array), name


def _inputs(case):
    """The arguments a case hands the code under test, in float64 and, for a float32 case,
    in float32 too: recorded by running the case on a function that keeps them."""
    seen = []

    def keep(*args):
        seen.append(args)  # and returns None, which the case observes as a wrong result

    case(keep)
    return seen


def test_the_hand_written_references_are_autograd_on_every_case():
    """The backward references are NumPy (so that check can run the student's code under
    no_grad); on every case they equal the notebook's autograd_gradients, the library's
    autograd through every intermediate, and F.batch_norm differentiated by autograd."""
    shown = _setup_namespace()
    backward = checks.EXERCISES["ex13_backward"]
    for name, case in backward.cases.items():
        for params, cache, targets in _inputs(case):
            theirs = shown["autograd_gradients"](params, cache["x"], targets)
            mine = backward.reference(params, cache, targets)
            for key in ex13.BACKWARD_ORDER:
                assert mine[key].dtype == theirs[key].dtype, (name, key)
                rtol = 1e-4 if mine[key].dtype == np.float32 else 1e-9
                scale = np.abs(theirs[key]).max() + np.abs(theirs["h_pre"]).max() * (key == "b1")
                assert np.allclose(mine[key], theirs[key], rtol=0, atol=rtol * scale), (name, key)
    bn = checks.EXERCISES["ex13_bn_backward"]
    for name, case in bn.cases.items():
        for d_out, h, gamma in _inputs(case):
            th = autograd.tensor(h, requires_grad=True)
            tg = autograd.tensor(gamma, requires_grad=True)
            tb = autograd.tensor(np.zeros_like(gamma), requires_grad=True)
            (F.batch_norm(th, None, None, tg, tb, training=True) * d_out).sum().backward()
            grads = (np.asarray(t.grad) for t in (th, tg, tb))
            for mine, theirs in zip(bn.reference(d_out, h, gamma), grads):
                rtol = 1e-4 if mine.dtype == np.float32 else 1e-9
                assert mine.dtype == np.asarray(theirs).dtype, name
                assert np.allclose(mine, theirs, rtol=0, atol=rtol * np.abs(theirs).max()), name


def test_gradients_asked_of_autograd_are_refused():
    shown = _setup_namespace()

    def by_autograd(params, cache, targets):
        return shown["autograd_gradients"](params, cache["x"], targets)

    verdict = diagnose(checks.EXERCISES["ex13_backward"], by_autograd)
    assert verdict.status == "failed"
    assert "under autograd.no_grad(), since the gradients are yours to write" in verdict.message


def test_float32_is_judged_against_the_students_own_float64():
    exercise = checks.EXERCISES["ex13_bn_backward"]

    def rounded_differently(d_out, h, gamma, eps=1e-5):
        # correct, but each result off by 3 float32 ulps in float32: still accepted
        d_h, d_gamma, d_beta = (np.asarray(g) for g in exercise.reference(d_out, h, gamma, eps))
        if d_out.dtype == np.float32:
            return tuple(g * np.float32(1 + 3.6e-7) for g in (d_h, d_gamma, d_beta))
        return d_h, d_gamma, d_beta

    assert diagnose(exercise, rounded_differently).passed

    def imprecise_in_float32(d_out, h, gamma, eps=1e-5):
        d_h, d_gamma, d_beta = (np.asarray(g) for g in exercise.reference(d_out, h, gamma, eps))
        if d_out.dtype == np.float32:  # a precision loss of 1e-3, far beyond rounding
            d_h = d_h + np.float32(1e-3) * np.abs(d_h).max()
        return d_h, d_gamma, d_beta

    verdict = diagnose(exercise, imprecise_in_float32)
    assert verdict.status == "failed"
    assert "your float32 results (d_h) differ from your own float64 results" in verdict.message


def test_the_bias_before_batchnorm_has_no_gradient_up_to_rounding():
    for dtype in (np.float64, np.float32):
        params, x, targets = ex13.network(6, 16, dtype=dtype)
        _, cache = ex13.mlp_forward(params, x, targets)
        grads = ex13.mlp_backward(params, cache, targets)
        scale = np.abs(grads["h_pre"]).max()
        assert np.abs(grads["b1"]).max() <= 1e-5 * scale
        assert np.array_equal(ex13._zero_if_rounding(grads["b1"], grads["h_pre"]), 0 * grads["b1"])
    # a wrong d_b1 (the mean path forgotten) is far above that threshold, and kept
    wrong = np.full(5, 0.1)
    assert np.array_equal(ex13._zero_if_rounding(wrong, np.ones((4, 5))), wrong)


def test_every_catalogued_mistake_differs_from_the_reference_and_bessel_on_a_batch_of_2():
    """Each catalogued mistake differs from the reference on at least one case; those about
    Bessel's correction differ on the batch of 2, where N / (N - 1) = 2."""
    from checks.expected import expected_for

    for exercise_id in ("ex13_bn_forward", "ex13_backward", "ex13_bn_backward"):
        exercise = checks.EXERCISES[exercise_id]
        data = expected_for(exercise)
        for mistake, observed in zip(exercise.mistakes, data.mistakes, strict=True):
            differing = [
                case
                for case in exercise.cases
                if not checks.core.same(observed[case], data.reference[case])
            ]
            assert differing, (exercise_id, mistake.diagnosis)
            if "N - 1" in mistake.diagnosis or "ddof" in mistake.diagnosis:
                assert any(case.startswith("a batch of 2 ") for case in differing)
