"""autograd.runtime: the BLAS thread cap (threadpoolctl is optional)."""

import sys

import numpy as np
import pytest

import autograd as ag
from autograd import runtime


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, None])
def test_set_num_threads_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match=r"set_num_threads: n must be an int >= 1, got"):
        runtime.set_num_threads(bad)


def test_missing_threadpoolctl_names_the_package_and_the_fallback(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # makes the import fail
    with pytest.raises(ImportError, match="set_num_threads: needs .*threadpoolctl") as info:
        runtime.set_num_threads(1)
    assert "OPENBLAS_NUM_THREADS" in str(info.value)
    with pytest.raises(ImportError, match="get_num_threads: needs"):
        runtime.get_num_threads()


def test_set_num_threads_caps_numpys_blas_and_returns_the_previous_count():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if not threadpoolctl.ThreadpoolController().select(user_api="blas").lib_controllers:
        pytest.skip("no BLAS library that threadpoolctl can control")
    original = runtime.get_num_threads()
    try:
        assert runtime.set_num_threads(1) == original
        assert runtime.get_num_threads() == 1
        blas = threadpoolctl.threadpool_info()
        assert all(lib["num_threads"] == 1 for lib in blas if lib["user_api"] == "blas")
        # Products still work (and give the same numbers) under the cap.
        a = ag.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        (a @ a.T).sum().backward()
        np.testing.assert_array_equal(a.grad, 2 * np.tile(a.data.sum(axis=0), (2, 1)))
        assert runtime.set_num_threads(2) == 1
        assert runtime.get_num_threads() == 2
    finally:
        runtime.set_num_threads(original)
    assert runtime.get_num_threads() == original


def test_use_deterministic_algorithms_is_recorded_and_checked():
    # Reproducible scripts call it before training; every op here is deterministic already.
    assert ag.use_deterministic_algorithms is runtime.use_deterministic_algorithms
    before = (
        runtime.are_deterministic_algorithms_enabled(),
        runtime.is_deterministic_algorithms_warn_only_enabled(),
    )
    try:
        runtime.use_deterministic_algorithms(True, warn_only=True)
        assert runtime.are_deterministic_algorithms_enabled() is True
        assert runtime.is_deterministic_algorithms_warn_only_enabled() is True
        runtime.use_deterministic_algorithms(False)
        assert runtime.are_deterministic_algorithms_enabled() is False
        with pytest.raises(TypeError, match="use_deterministic_algorithms: mode .* bools"):
            runtime.use_deterministic_algorithms("yes")
    finally:
        runtime.use_deterministic_algorithms(before[0], warn_only=before[1])
