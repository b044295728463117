"""Timing helpers shared by ``ops.py`` and ``mlp.py``.

Import this module before NumPy: it pins BLAS and OpenMP to one thread (``BENCH_THREADS``,
default 1), because two threads make small matmuls erratic on 2-core machines and every figure
in README.md is a one-thread figure.

Timing method: every contender runs in the same process, in interleaved rounds (A B C, B C A,
C A B, ...) so that a slow patch of the machine hits all of them alike; each round times a batch
of calls sized to last about ``target`` seconds, and the reported figure is the median per call
over the rounds.

Clock: with one thread, the process's CPU time (``time.process_time``), which on a shared machine
leaves out the time other processes hold the core (on an idle machine it equals wall time);
with ``BENCH_THREADS`` above 1, wall time (``BENCH_CLOCK=wall`` forces wall time).
"""

from __future__ import annotations

import os

THREADS = os.environ.get("BENCH_THREADS", "1")
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, THREADS)

import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402

import numpy as np  # noqa: E402

WALL = THREADS != "1" or os.environ.get("BENCH_CLOCK") == "wall"
clock = time.perf_counter if WALL else time.process_time


def calibrate(fn: Callable[[], object], target: float) -> int:
    """How many calls of ``fn`` take about ``target`` seconds (at least 1)."""
    fn()  # warm up caches, lazy imports and the allocator
    count = 1
    while True:
        start = clock()
        for _ in range(count):
            fn()
        elapsed = clock() - start
        if elapsed >= target / 4 or count >= 1 << 20:
            return max(1, int(count * target / max(elapsed, 1e-9)))
        count *= 4


class Result:
    """Median seconds per call and minor page faults per call of one contender."""

    def __init__(self, seconds: float, faults: float) -> None:
        self.seconds = seconds
        self.faults = faults


def compare(
    contenders: dict[str, Callable[[], object]], rounds: int = 11, target: float = 0.02
) -> dict[str, Result]:
    """Time each contender in interleaved rounds; return its median per-call time and faults."""
    names = list(contenders)
    counts = {name: calibrate(contenders[name], target) for name in names}
    times: dict[str, list[float]] = {name: [] for name in names}
    faults: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            fn, count = contenders[name], counts[name]
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            start = clock()
            for _ in range(count):
                fn()
            elapsed = clock() - start
            after = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            times[name].append(elapsed / count)
            faults[name].append((after - before) / count)
    return {
        name: Result(statistics.median(times[name]), statistics.median(faults[name]))
        for name in names
    }


def torch_or_none() -> object | None:
    """PyTorch pinned to one thread, or None when it is not installed (it is optional)."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(int(THREADS))
    return torch


def blas() -> str:
    """The BLAS NumPy runs on, its version and the kernel family it picked for this CPU.

    The kernel family matters as much as the CPU: OpenBLAS chooses one at load time, and on the
    AMD EPYC (Zen 4) machine of README.md (round 4) its choice, SkylakeX, multiplies some of
    the benchmark's matrices up to 1.5x slower than its Haswell kernels do. Without the
    optional ``threadpoolctl`` only NumPy's build information (name and version) is available.
    """
    try:
        import threadpoolctl
    except ImportError:
        try:
            built = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        except (TypeError, KeyError):  # NumPy before 1.25, or a build that does not say
            return "unknown BLAS"
        return f"{built.get('name', '?')} {built.get('version', '?')}"
    for lib in threadpoolctl.threadpool_info():
        if lib.get("user_api") == "blas":
            kernels = f", {lib['architecture']} kernels" if lib.get("architecture") else ""
            return f"{lib.get('internal_api', '?')} {lib.get('version', '?')}{kernels}"
    return "unknown BLAS"


def machine() -> str:
    """One line naming the CPU, Python, NumPy, the BLAS and its threads, for the header."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores | Python {sys.version.split()[0]} | "
        f"NumPy {np.__version__} | {blas()}, {THREADS} thread(s) | "
        f"{'wall' if WALL else 'CPU'} time"
    )


# ----- peak memory, measured in a fresh process per contender --------------------------------
def peak_memory(script: str, case: str, name: str) -> dict:
    """Run ``script --memory case name`` in a fresh process (its body calls ``report_memory``);
    return its peak resident set and the growth during the measured steps, in KiB."""
    out = subprocess.run(
        [sys.executable, script, "--memory", case, name],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def command_line(
    args: list[str], cases: Sequence[str], builders: dict[str, Callable[[str], tuple]]
) -> tuple[bool, list[str]] | None:
    """The scripts' arguments: ``--quick``, ``--cases a,b``; returns (quick, cases). Given
    ``--memory CASE NAME`` (how ``peak_memory`` starts its child), this process is that child:
    it builds the contender, reports its memory and returns None."""
    if args[:1] == ["--memory"]:
        report_memory(builders[args[2]](args[1])[0])
        return None
    chosen = list(cases)
    if "--cases" in args:
        chosen = args[args.index("--cases") + 1].split(",")
    return "--quick" in args, chosen


def report_memory(step: Callable[[], object]) -> None:
    """Warm ``step`` up, then run it 20 times; print the peak figures as JSON (KiB).

    ``peak_kib`` is the process's high-water resident set (VmHWM: imports, model and steps);
    ``growth_kib`` is how far the 20 steps after warm-up push it above the resident set they
    started from. (ru_maxrss is not used: on Linux a child may inherit its parent's peak.)
    """
    for _ in range(3):
        step()
    peak_before = _status_kib("VmHWM:") or 0
    base = _status_kib("VmRSS:")
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # resets VmHWM to the current RSS
    except OSError:
        base = None
    for _ in range(20):
        step()
    peak_after = _status_kib("VmHWM:") or 0
    growth = peak_after - base if base is not None else None
    print(json.dumps({"peak_kib": max(peak_before, peak_after), "growth_kib": growth}))


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(field))
    except (OSError, StopIteration):
        return None
