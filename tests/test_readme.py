"""The README's code must stay true: run its first example and check what it claims."""

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), flags=re.S)


def test_first_example_trains_to_full_accuracy(capsys):
    exec(python_blocks()[0], {"__name__": "readme"})
    printed = capsys.readouterr().out
    accuracy = float(re.search(r"accuracy ([\d.]+)", printed).group(1))
    assert accuracy >= 0.95, printed


def test_custom_op_example_passes_gradcheck():
    import numpy as np

    import autograd

    namespace = {"autograd": autograd, "np": np}
    (block,) = [b for b in python_blocks() if "class Cube" in b]
    exec(block, namespace)
    assert autograd.gradcheck(namespace["Cube"].apply, [namespace["x"]])
