"""The README's code must stay true: run its first example and check what it claims."""

import code
import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), flags=re.S)


def paste_into_the_prompt(source: str) -> tuple[str, str]:
    """Type ``source`` line by line at Python's interactive prompt: (stdout, stderr). The prompt
    needs a blank line to close a block and echoes the value of every expression statement."""
    console = code.InteractiveConsole({"__name__": "__console__"})
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        for line in [*source.splitlines(), ""]:
            console.push(line)
    return out.getvalue(), err.getvalue()


def test_first_example_pastes_into_the_prompt_and_trains_to_full_accuracy():
    printed, errors = paste_into_the_prompt(python_blocks()[0])
    assert errors == "", errors
    (line,) = printed.splitlines()  # the example's print, and no echo of a returned value
    accuracy = float(re.search(r"accuracy ([\d.]+)", line).group(1))
    assert accuracy >= 0.95, printed


def test_custom_op_example_passes_gradcheck():
    import numpy as np

    import autograd

    namespace = {"autograd": autograd, "np": np}
    (block,) = [b for b in python_blocks() if "class Cube" in b]
    exec(block, namespace)
    assert autograd.gradcheck(namespace["Cube"].apply, [namespace["x"]])
