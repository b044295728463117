"""The differential fuzzer's bounded profile: random expression graphs against PyTorch (float64
values, first and second derivatives). ``make fuzz`` runs the long profile."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from . import fuzzer  # noqa: E402  (imports torch)


@pytest.mark.parametrize("name", sorted(fuzzer.OPS))
def test_every_op_alone_matches_pytorch(name):
    before = fuzzer.STATS.ops[name]
    fuzzer.check(cases=2, seed=1, only=name, shrink=False)
    assert fuzzer.STATS.ops[name] > before  # the op was applied and compared at least once


def test_random_graphs_match_pytorch():
    before = fuzzer.STATS.cases
    fuzzer.check(cases=400, seed=20261207, shrink=False)
    assert fuzzer.STATS.cases - before == 400


def test_the_table_covers_every_family_and_every_functional_function():
    import nn.functional as F

    families = {family for family, _ in fuzzer.OPS.values()}
    assert {
        "arithmetic",
        "exponential",
        "powers",
        "trigonometric",
        "hyperbolic",
        "piecewise",
        "reductions",
        "cumulative",
        "linalg",
        "contractions",
        "shape",
        "joining",
        "tiling",
        "reorder",
        "indexing",
        "nn.functional",
    } <= families
    public = {n for n in dir(F) if not n.startswith("_") and callable(getattr(F, n))}
    public = {n for n in public if getattr(F, n).__module__.startswith("nn.functional")}
    assert public == set(fuzzer.FUNCTIONAL_COVERAGE)
    assert set(fuzzer.FUNCTIONAL_COVERAGE.values()) <= set(fuzzer.OPS)
