"""The benchmark scripts stay runnable and their contenders still compute the same thing.

No timing is asserted (that is what the scripts print); these tests guard what the printed
ratios rest on: every contender trains the same network to the same weights, and each switched-off
variant of ``overhead.py`` really runs without the feature it claims to drop.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import _harness  # noqa: E402
import mlp  # noqa: E402
import overhead  # noqa: E402
import transformer  # noqa: E402

import autograd  # noqa: E402
import nn  # noqa: E402
from autograd.function import Node  # noqa: E402


@pytest.mark.parametrize("case", ["tiny", "small"])
def test_mlp_contenders_agree_after_five_steps(case):
    names = ["autograd", "compiled", "numpy"] + (["torch"] if _harness.torch_or_none() else [])
    mlp.check_agreement(case, {name: mlp.BUILDERS[name] for name in names})


def test_check_agreement_fails_when_a_contender_trains_differently():
    def off_by_a_step(case):
        step, weights = mlp.numpy_step(case)
        step()  # one step ahead of the others
        return step, weights

    with pytest.raises(SystemExit, match="disagree"):
        mlp.check_agreement("tiny", {"numpy": mlp.numpy_step, "ahead": off_by_a_step})


def test_overhead_variants_agree_with_numpy():
    mlp.check_agreement(overhead.CASE, overhead.VARIANTS)


def _first_node(model):
    """The node of the first op ``model`` records on the tiny case's input."""
    x = autograd.Tensor(mlp.problem(overhead.CASE)[1])
    node = model(x).grad_fn
    while isinstance(node.inputs[0], Node):
        node = node.inputs[0]
    return node


def _tiny_model():
    return mlp.mlp(nn, mlp.CASES[overhead.CASE][0])


def test_switching_scopes_off_leaves_recorded_ops_unstamped():
    shipped, switched = _tiny_model(), _tiny_model()
    overhead.switch_off(switched, ["scopes"])
    assert _first_node(shipped).scope.label is shipped[0]  # stamped with its Linear
    assert _first_node(switched).scope is None
    assert _first_node(shipped).scope is not None  # the other model keeps the real code


def test_switching_checks_and_relu_chain_off_replaces_those_forwards_only():
    model = _tiny_model()
    overhead.switch_off(model, ["checks", "relu chain"])
    kinds = [type(m) for m in model]
    assert [k.__name__ for k in kinds] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert kinds[0].forward is overhead._linear_unchecked
    assert kinds[1].forward is overhead._relu_direct
    assert nn.Linear.forward is not overhead._linear_unchecked  # the shipped classes untouched
    assert nn.ReLU.forward is not overhead._relu_direct


def test_machine_line_names_the_blas(monkeypatch):
    assert _harness.blas() in _harness.machine()
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # the optional package missing
    fallback = _harness.blas()  # NumPy's build information: a name, no kernel family
    assert fallback and "kernels" not in fallback


@pytest.mark.parametrize("case", transformer.CASES)
def test_transformer_contenders_agree_after_five_steps(case):
    pytest.importorskip("torch")
    transformer.check_agreement(case, transformer.BUILDERS)


@pytest.mark.parametrize("case", ["tiny", "exp"])
def test_compare_times_a_checkout_against_itself(case):
    # Loading the same checkout twice must give two working steps of the same cost: the ratio
    # printed is a number near 1 (not asserted closely: it is a timing).
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "compare.py"), str(root), case, "4"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    match = re.search(r"this / other (\d+\.\d+)", out)
    assert match and 0.2 < float(match.group(1)) < 5.0, out
