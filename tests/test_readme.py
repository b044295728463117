"""The README's code must stay true: run its first example and check what it claims."""

import code
import contextlib
import io
import re
import warnings
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), flags=re.S)


def paste_into_the_prompt(source: str) -> tuple[str, str]:
    """Type ``source`` line by line at Python's interactive prompt: (stdout, stderr). The prompt
    needs a blank line to close a block and echoes the value of every expression statement."""
    out, err = io.StringIO(), io.StringIO()

    class Console(code.InteractiveConsole):
        def write(self, data: str) -> None:  # tracebacks and syntax errors of the pasted code
            err.write(data)

    console = Console({"__name__": "__console__"})
    # stderr stays the process's (other threads write there): errors and warnings are caught here
    with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for line in [*source.splitlines(), ""]:
            console.push(line)
    err.writelines(f"{w.category.__name__}: {w.message}\n" for w in caught)
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
