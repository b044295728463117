"""The test suite mirrors the packages: a test module for each module of the op library, of
nn.functional, of nn's layers and of the LR schedulers; no test is named after an issue."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MIRRORED = ["autograd/ops", "nn/functional", "nn/layers", "optim/lr_scheduler"]


@pytest.mark.parametrize("package", MIRRORED)
def test_each_module_has_its_test_module(package):
    modules = {p.stem.lstrip("_") for p in (ROOT / package).glob("*.py") if p.stem != "__init__"}
    modules -= {"classes"}  # nn/functional/_classes.py: the class layout behind the losses
    tests = {p.stem.removeprefix("test_") for p in (ROOT / "tests" / package).glob("test_*.py")}
    assert modules - tests == set(), f"tests/{package} lacks test modules"


def test_no_test_is_named_after_an_issue():
    named = []
    for path in (ROOT / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text())
        names = [path.stem] + [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        docs = [ast.get_docstring(tree) or ""]
        named += [f"{path.name}: {n}" for n in names if re.search(r"issue_?\d", n)]
        named += [f"{path.name}: docstring" for d in docs if re.search(r"issue \d", d.lower())]
    assert named == []
