"""examples/from_pytorch/: every program exists twice, written for PyTorch and converted for
backproplab by ``python -m backproplab port``, and the two copies reach the same final loss.

- Each backproplab copy is exactly its PyTorch copy put through the converter (so they never
  drift).
- Each backproplab copy runs here and reaches the final loss its PyTorch copy reached with torch
  2.13.0 (recorded below), within ``RTOL``.
- Where torch is installed, the PyTorch copy runs too and the two losses agree within ``RTOL``.

Every program takes its data and starting weights from NumPy with a fixed seed, so both copies
start from the same float32 numbers and differ only by rounding: they agree to about 5e-7
relative, and ``RTOL = 1e-4`` leaves room for other BLAS libraries and summation orders.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import runpy
import sys
import tokenize
from pathlib import Path

import pytest

import autograd
from backproplab.port import convert_source

FOLDER = Path(__file__).resolve().parents[2] / "examples" / "from_pytorch"
RTOL = 1e-4

# The final loss of each PyTorch copy under torch 2.13.0 (CPU, float32).
TORCH_FINAL_LOSS = {
    "01_tensors_by_hand.py": 0.009571587666869164,
    "02_autograd_manual_updates.py": 0.005821829661726952,
    "03_custom_function.py": 0.002899677027016878,
    "04_nn_sequential_optim.py": 0.001592226093634963,
    "05_dynamic_net.py": 0.044225684367120266,
    "06_classifier.py": 0.09383278042078018,
    "07_makemore_mlp.py": 0.5148834586143494,
    "08_manual_backprop.py": 0.3689887523651123,
    "09_nanogpt_config.py": 2.190793991088867,
    "10_d2l_from_scratch.py": 4.816835280507803e-05,
    "11_nn_really.py": 0.07522670459002256,
    "12_cnn_avgpool.py": 0.5373167395591736,
    "13_char_lstm.py": 1.1640546321868896,
    "14_dcgan_lite.py": 1.9823735356330872,
    "15_mnist_main.py": 1.7519856262207032,
    "16_makemore_wavenet.py": 2.1307413578033447,
    "17_d2l_attention.py": 0.7819904386997223,
    "18_translation_transformer.py": 1.5837264855702717,
}


PROGRAMS = sorted(p.name for p in (FOLDER / "pytorch").glob("[0-9]*.py"))


@contextlib.contextmanager
def process_switches_restored():
    """Put back the process-wide switches a program may set (deterministic mode, the default
    dtype, in both libraries), so that it cannot change the tests that run after it."""
    ours = (autograd.are_deterministic_algorithms_enabled(), autograd.get_default_dtype())
    torch = sys.modules.get("torch")
    theirs = torch and (torch.are_deterministic_algorithms_enabled(), torch.get_default_dtype())
    try:
        yield
    finally:
        autograd.use_deterministic_algorithms(ours[0])
        autograd.set_default_dtype(ours[1])
        torch = sys.modules.get("torch")
        if torch is not None:
            deterministic, dtype = theirs or (False, torch.float32)
            torch.use_deterministic_algorithms(deterministic)
            torch.set_default_dtype(dtype)


@functools.cache
def final_loss(library: str, name: str) -> tuple[float, str]:
    """Run ``library``/``name`` in this process; its ``final_loss`` and what it printed."""
    out = io.StringIO()
    # The converted programs switch this thread to PyTorch's meanings; the block restores ours.
    with (
        contextlib.redirect_stdout(out),
        autograd.pytorch_meanings(False),
        process_switches_restored(),
    ):
        namespace = runpy.run_path(str(FOLDER / library / name), run_name="__main__")
    return namespace["final_loss"], out.getvalue()


def test_every_program_exists_in_both_copies():
    assert sorted(TORCH_FINAL_LOSS) == PROGRAMS
    assert sorted(p.name for p in (FOLDER / "backproplab").glob("[0-9]*.py")) == PROGRAMS


def test_the_folder_readme_lists_every_program_with_its_final_loss():
    rows = [
        line
        for line in (FOLDER / "README.md").read_text().splitlines()
        if line[:5] in {"| `0", "| `1"} or line.startswith(("| `0", "| `1"))
    ]
    assert [row.split("`")[1] for row in rows] == PROGRAMS
    for row, name in zip(rows, PROGRAMS):
        assert row.endswith(f"| {TORCH_FINAL_LOSS[name]:.6f} |"), row


def _code_names(source: str) -> set[str]:
    """The names in ``source``'s code (not its comments and strings)."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {token.string for token in tokens if token.type == tokenize.NAME}


@pytest.mark.parametrize("name", PROGRAMS)
def test_backproplab_copy_is_the_converted_pytorch_copy(name):
    torch_source = (FOLDER / "pytorch" / name).read_text()
    ours = (FOLDER / "backproplab" / name).read_text()
    assert ours == convert_source(torch_source).texts[0], (
        f"backproplab/{name} is not the converted pytorch/{name}: edit the PyTorch copy and run "
        "`python -m backproplab port examples/from_pytorch/pytorch "
        "examples/from_pytorch/backproplab`"
    )
    assert "torch" not in _code_names(ours)
    assert "pytorch_meanings" in _code_names(ours)


@pytest.mark.parametrize("name", PROGRAMS)
def test_backproplab_copy_reaches_the_loss_pytorch_reached(name):
    loss, printed = final_loss("backproplab", name)
    assert f"final loss {loss:.6f}" in printed
    assert math.isclose(loss, TORCH_FINAL_LOSS[name], rel_tol=RTOL), (loss, TORCH_FINAL_LOSS[name])


@pytest.mark.parametrize("name", PROGRAMS)
def test_both_copies_reach_the_same_loss_when_torch_is_installed(name):
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: one thread is faster and steadier
    try:
        theirs, _ = final_loss("pytorch", name)
    finally:
        torch.set_num_threads(threads)
    ours, _ = final_loss("backproplab", name)
    assert math.isclose(ours, theirs, rel_tol=RTOL), (ours, theirs)
