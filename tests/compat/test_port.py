"""``python -m backproplab port``: every rule of the converter, on scripts and on notebooks."""

from __future__ import annotations

import argparse
import json

import pytest

from backproplab import port
from backproplab.port import convert_notebook, convert_source
from backproplab.port.rewrite import SWITCH, SWITCH_COMMENT

SWITCH_LINE = f"{SWITCH}  {SWITCH_COMMENT}"


def converted(source: str) -> str:
    return convert_source(source).texts[0]


def after(*imports: str) -> str:
    """The block the converter adds after the last torch import."""
    return "".join(line + "\n" for line in imports) + "\n" + SWITCH_LINE + "\n"


# (PyTorch source, backproplab source): one per import form and name rule.
RULES = [
    ("import torch\n", "import autograd\n" + after()),
    (
        "import torch as th\nth.zeros(2)\n",
        "import autograd as th\n" + after("import autograd") + "th.zeros(2)\n",
    ),
    ("import torch.nn as nn\n", "import nn\n" + after("import autograd")),
    ("import torch.nn\n", "import nn\n" + after("import autograd")),
    (
        "import torch.nn.functional as F\nF.relu(x)\n",
        "import nn.functional as F\n" + after("import autograd") + "F.relu(x)\n",
    ),
    ("import torch.optim as optim\n", "import optim\n" + after("import autograd")),
    ("import torch.optim as opt\n", "import optim as opt\n" + after("import autograd")),
    ("from torch import nn, optim\n", "import nn\nimport optim\n" + after("import autograd")),
    ("from torch import nn as tnn\n", "import nn as tnn\n" + after("import autograd")),
    (
        "from torch import nn, Tensor, tensor as T\n",
        "import nn\nfrom autograd import Tensor, tensor as T\n" + after("import autograd"),
    ),
    (
        "from torch.utils.data import DataLoader, TensorDataset\n",
        "from nn.data import DataLoader, TensorDataset\n" + after("import autograd"),
    ),
    ("from torch.utils import data\n", "from nn import data\n" + after("import autograd")),
    (
        "from torch.nn import functional as F\n",
        "from nn import functional as F\n" + after("import autograd"),
    ),
    (
        "from torch.optim.lr_scheduler import StepLR\n",
        "from optim.lr_scheduler import StepLR\n" + after("import autograd"),
    ),
    (
        "from torch.autograd import Function\n",
        "from autograd import Function\n" + after("import autograd"),
    ),
    # names reached through a bare `import torch`, with the imports they need added
    (
        "import torch\nm = torch.nn.Linear(2, 3)\no = torch.optim.AdamW(m.parameters())\n",
        "import autograd\n"
        + after("import nn", "import optim")
        + "m = nn.Linear(2, 3)\no = optim.AdamW(m.parameters())\n",
    ),
    (
        "import torch\ny = torch.nn.functional.relu(torch.zeros(3, dtype=torch.long))\n",
        "import autograd\n"
        + after("import nn")
        + "y = nn.functional.relu(autograd.zeros(3, dtype=autograd.long))\n",
    ),
    (
        "import torch\nds = torch.utils.data.TensorDataset(x)\n",
        "import autograd\n" + after("import nn") + "ds = nn.data.TensorDataset(x)\n",
    ),
    (
        "import torch\nclass F(torch.autograd.Function):\n    pass\n",
        "import autograd\n" + after() + "class F(autograd.Function):\n    pass\n",
    ),
    (
        "import torch\ng = torch.autograd.grad\n",
        "import autograd\n" + after() + "g = autograd.grad\n",
    ),
    (
        "import torch.nn as nn\nimport torch\nnn.utils.clip_grad_norm_(ps, 1.0)\n",
        "import nn\nimport autograd\n" + after() + "nn.utils.clip_grad_norm_(ps, 1.0)\n",
    ),
    # comments, strings and other names that contain "torch" are left alone
    (
        "import torch  # PyTorch\n"
        "x = torch.ones(2)  # torch.ones, mytorch.x, torch_like\ns = 'torch.nn'\n",
        "import autograd  # PyTorch\n"
        + after()
        + "x = autograd.ones(2)  # torch.ones, mytorch.x, torch_like\ns = 'torch.nn'\n",
    ),
    # an import inside a function; a statement on the same line as the import
    (
        "import torch\ndef f():\n    from torch import nn, Tensor\n    return nn\n",
        "import autograd\n"
        + after()
        + "def f():\n    import nn\n    from autograd import Tensor\n    return nn\n",
    ),
    (
        "import os; from torch import nn, optim\n",
        "import os; import nn; import optim\n" + after("import autograd"),
    ),
    # a program that imports nothing from torch is not touched
    (
        "import numpy as np\nx = np.zeros(3)  # torch\n",
        "import numpy as np\nx = np.zeros(3)  # torch\n",
    ),
]


@pytest.mark.parametrize(("theirs", "ours"), RULES)
def test_rule_on_a_script(theirs, ours):
    assert converted(theirs) == ours


def test_converting_twice_changes_nothing_more():
    for theirs, _ in RULES:
        once = converted(theirs)
        assert converted(once) == once


def _notebook(cells: list[str]) -> str:
    def cell(source: str) -> dict:
        return {
            "cell_type": "code",
            "metadata": {},
            "execution_count": 3,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}],
            "source": source.splitlines(keepends=True),
        }

    markdown = {"cell_type": "markdown", "metadata": {}, "source": ["`import torch` stays\n"]}
    book = {
        "cells": [markdown, *map(cell, cells)],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(book)


def _code_sources(text: str) -> list[str]:
    cells = json.loads(text)["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize(("theirs", "ours"), RULES)
def test_rule_on_a_notebook_cell(theirs, ours):
    text, _ = convert_notebook(_notebook(["%matplotlib inline\n" + theirs]))
    assert _code_sources(text) == ["%matplotlib inline\n" + ours]


def test_a_notebook_shares_imports_between_cells_and_keeps_what_is_not_python():
    cells = [
        "!pip install torch\nimport torch\nfrom torch import nn\n",
        "x = torch.ones(3)  # ones\nx?\n",
        "opt = torch.optim.SGD(nn.Linear(3, 1).parameters(), lr=0.1)\n",
        "print(1)\n",
    ]
    text, result = convert_notebook(_notebook(cells))
    assert _code_sources(text) == [
        "!pip install torch\nimport autograd\nimport nn\n" + after("import optim"),
        "x = autograd.ones(3)  # ones\nx?\n",
        "opt = optim.SGD(nn.Linear(3, 1).parameters(), lr=0.1)\n",
        "print(1)\n",
    ]
    book = json.loads(text)
    assert book["cells"][0]["source"] == ["`import torch` stays\n"]
    assert [c["outputs"] for c in book["cells"][1:4]] == [[], [], []]  # changed cells: cleared
    assert book["cells"][4]["outputs"] != []  # an unchanged cell keeps its output
    assert any(n.unit == 1 and "torch.ones  ->  autograd.ones" in n.message for n in result.changes)


def test_warnings_name_what_cannot_be_converted():
    source = (
        "import torch\nimport torchvision\nfrom torchvision import datasets\n"
        "y = x.cuda()\nz = torch.no_such_function(y)\n"
    )
    result = convert_source(source)
    warnings = {n.line: n.message for n in result.warnings}
    assert "torchvision has no backproplab counterpart" in warnings[2]
    assert "torchvision has no backproplab counterpart" in warnings[3]
    assert "if this is a Tensor" in warnings[4] and "CPU" in warnings[4]
    assert "`torch.no_such_function` -> `autograd.no_such_function`" in warnings[5]
    assert "import torchvision\n" in result.texts[0]  # left as it is


def test_a_cell_that_is_not_python_is_left_alone_with_a_warning():
    text, result = convert_notebook(_notebook(["import torch\n", "def f(:\n    torch.x\n"]))
    assert _code_sources(text)[1] == "def f(:\n    torch.x\n"
    assert any(n.unit == 1 and "not Python" in n.message for n in result.warnings)


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    port.add_arguments(parser)
    return port.run(parser.parse_args(argv))


def test_command_converts_files_and_folders_and_reports(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    script = tmp_path / "in" / "train.py"
    script.write_text("import torch\nx = torch.zeros(2)\n")
    (tmp_path / "in" / "lesson.ipynb").write_text(_notebook(["import torch.nn as nn\n"]))
    assert _run(str(script)) == 0
    out, err = capsys.readouterr()
    assert out == converted(script.read_text())
    assert "line 2: torch.zeros  ->  autograd.zeros" in err
    assert _run(str(tmp_path / "in"), str(tmp_path / "out")) == 0
    assert (tmp_path / "out" / "train.py").read_text() == out
    assert _code_sources((tmp_path / "out" / "lesson.ipynb").read_text()) == [
        "import nn\n" + after("import autograd")
    ]
    assert _run(str(tmp_path / "missing.py")) == 2
    assert "not a .py or .ipynb file" in capsys.readouterr().err


def test_the_backproplab_command_has_port():
    from backproplab.cli import build_parser

    args = build_parser().parse_args(["port", "in.py", "out.py"])
    assert args.run is port.run


def test_out_keyword_of_a_torch_function_gets_a_warning_naming_copy_():
    # The Tensors tutorial: torch.matmul(tensor, tensor.T, out=y3).
    source = "import torch\ny3 = torch.rand(2, 2)\ntorch.matmul(a, b, out=y3)\n"
    source += "np.add(n, 1, out=n)\n"
    result = convert_source(source)
    warnings = {n.line: n.message for n in result.warnings}
    assert "`torch.matmul(..., out=y3)`" in warnings[3]
    assert "write `y3.copy_(torch.matmul(...))`" in warnings[3]
    assert 4 not in warnings  # NumPy's out= is NumPy's business
