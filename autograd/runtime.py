"""Process-wide runtime settings: how many threads NumPy's BLAS may use for matrix products.

The library changes no process-wide setting by itself (no allocator tuning, no thread limits):
measured on glibc 2.36, a training step's big temporaries are served from the heap from the
second step on (0 page faults per step), so there is nothing for ``mallopt`` to fix
(benchmarks/README.md has the figures).

Threads are the user's choice. On a machine with few cores, small networks (matrices of tens to
hundreds of rows) run faster and far more steadily on one BLAS thread: a second thread costs more
to wake than the product takes, and on a busy machine it waits for a core. Large products gain
from more threads (about 1.8x with two). So::

    autograd.runtime.set_num_threads(1)   # small models: steady per-step times

``set_num_threads`` uses the optional package ``threadpoolctl`` (``pip install threadpoolctl``,
or the ``bench`` extra); without it, start Python with ``OPENBLAS_NUM_THREADS=n`` instead.
"""

from __future__ import annotations

from typing import Any


def _controller(caller: str) -> Any:
    # Imported here, not at module load: threadpoolctl is optional and `import autograd` stays fast.
    try:
        import threadpoolctl
    except ImportError:
        raise ImportError(
            f"{caller}: needs the optional package threadpoolctl (pip install threadpoolctl, or "
            "pip install 'backproplab[bench]'); without it, set the environment variable "
            "OPENBLAS_NUM_THREADS=n before Python starts"
        ) from None
    return threadpoolctl.ThreadpoolController().select(user_api="blas")


def get_num_threads() -> int:
    """The number of threads the BLAS libraries loaded in this process may use (the largest
    if several are loaded; 1 if none is detected)."""
    controller = _controller("get_num_threads")
    counts = [lib.num_threads for lib in controller.lib_controllers]
    return max(counts, default=1)


def set_num_threads(n: int) -> int:
    """Let every BLAS library loaded in this process use at most ``n`` threads, from now on
    (until changed again); return the previous count (as :func:`get_num_threads`).

    Applies to libraries already loaded: call it after ``import numpy`` (``import autograd``
    does that), and again after importing another library that brings its own BLAS.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: n must be an int >= 1, got {n!r}")
    controller = _controller("set_num_threads")
    previous = max((lib.num_threads for lib in controller.lib_controllers), default=1)
    for lib in controller.lib_controllers:
        lib.set_num_threads(n)
    return previous


_DETERMINISTIC = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """PyTorch's switch to refuse nondeterministic kernels (``torch.use_deterministic_algorithms
    (True)`` in reproducible scripts). Every op here already computes the same result from the
    same inputs on each run -- NumPy on the CPU, no atomic GPU reductions -- so there is nothing
    to refuse: the setting is only recorded, for ``are_deterministic_algorithms_enabled``."""
    if not isinstance(mode, bool) or not isinstance(warn_only, bool):
        raise TypeError(
            "use_deterministic_algorithms: mode and warn_only must be bools, got "
            f"{mode!r} and {warn_only!r}"
        )
    _DETERMINISTIC.update(mode=mode, warn_only=warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    """What the last ``use_deterministic_algorithms(mode)`` set (False at first)."""
    return _DETERMINISTIC["mode"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """The ``warn_only`` of the last ``use_deterministic_algorithms`` (False at first)."""
    return _DETERMINISTIC["warn_only"]
