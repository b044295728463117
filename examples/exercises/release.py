"""Write the student versions of the exercise notebooks (``make exercises``), without nbgrader.

    python examples/exercises/release.py [--out out/exercises]

nbgrader's conventions: in every solution cell, the lines from ``### BEGIN SOLUTION`` to
``### END SOLUTION`` become ``raise NotImplementedError(...)`` at the marker's indentation, its
message naming the exercise (the cell's ``grade_id``); in a markdown answer cell they become
"YOUR ANSWER HERE"; a solution cell without markers is replaced whole. In test cells, the lines
from ``### BEGIN HIDDEN TESTS`` to ``### END HIDDEN TESTS`` are removed. Outputs are cleared and
the nbgrader metadata kept. The checker (``checks/`` and ``check.py``) is copied beside the
notebooks, since their test cells call it, without the implementations: in every
``checks/exNN_*.py`` the references and the catalogued mistakes are removed (with whatever only
they used) and ``reference=`` / ``Mistake(code, ...)`` become None; the checks compare with
``checks/expected.json``, the references' and the mistakes' observations stored as data.

A teacher using nbgrader instead puts the notebooks and ``checks/`` in the course's
``source/<assignment>/`` folder and runs ``nbgrader generate_assignment``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parents[1] / "out" / "exercises"

BEGIN_SOLUTION, END_SOLUTION = "BEGIN SOLUTION", "END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
TEXT_STUB = "YOUR ANSWER HERE"


def code_stub(exercise: str, indent: str = "") -> list[str]:
    """What replaces a solution region in a code cell."""
    return [
        f"{indent}# YOUR CODE HERE\n",
        f'{indent}raise NotImplementedError("{exercise}: replace this line with your code")\n',
    ]


def _marker(line: str) -> str:
    """``"BEGIN SOLUTION"`` for a line ``### BEGIN SOLUTION`` (any number of #), else ``""``."""
    return line.strip().lstrip("#").strip()


def _regions(lines: list[str], begin: str, end: str, where: str) -> list[tuple[int, int]]:
    """(first, last) line index of every region between the two markers, checked for pairing."""
    regions, start = [], None
    for i, line in enumerate(lines):
        marker = _marker(line)
        if marker == begin:
            if start is not None:
                raise ValueError(f"{where}: '{begin}' inside another region (line {i + 1})")
            start = i
        elif marker == end:
            if start is None:
                raise ValueError(f"{where}: '{end}' without '{begin}' (line {i + 1})")
            regions.append((start, i))
            start = None
    if start is not None:
        raise ValueError(f"{where}: '{begin}' (line {start + 1}) is never closed")
    return regions


def strip_solutions(lines: list[str], cell_type: str, exercise: str, where: str) -> list[str]:
    """The student version of a solution cell's lines."""
    regions = _regions(lines, BEGIN_SOLUTION, END_SOLUTION, where)
    if not regions:  # nbgrader replaces a solution cell without markers as a whole
        return code_stub(exercise) if cell_type == "code" else [TEXT_STUB + "\n"]
    out, previous = [], 0
    for first, last in regions:
        out.extend(lines[previous:first])
        if cell_type == "code":
            indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
            out.extend(code_stub(exercise, indent))
        else:
            out.append(TEXT_STUB + "\n")
        previous = last + 1
    out.extend(lines[previous:])
    return out


def strip_hidden_tests(lines: list[str], where: str) -> list[str]:
    """A test cell's lines without its hidden tests."""
    out, previous = [], 0
    for first, last in _regions(lines, BEGIN_HIDDEN, END_HIDDEN, where):
        out.extend(lines[previous:first])
        previous = last + 1
    out.extend(lines[previous:])
    while out and not out[-1].strip():  # no trailing blank lines where the hidden tests were
        out.pop()
    return out


def _lines(source: str | list[str]) -> list[str]:
    text = "".join(source)
    return text.splitlines(keepends=True)


def student_notebook(notebook: dict[str, Any], name: str = "notebook") -> dict[str, Any]:
    """A copy of ``notebook`` with every solution and hidden test removed and no outputs."""
    student = copy.deepcopy(notebook)
    for i, cell in enumerate(student["cells"]):
        where = f"{name}, cell {i + 1}"
        grading = cell.get("metadata", {}).get("nbgrader", {})
        lines = _lines(cell.get("source", ""))
        text = "".join(lines)
        if grading.get("solution"):
            exercise = grading.get("grade_id") or f"cell {i + 1}"
            lines = strip_solutions(lines, cell["cell_type"], exercise, where)
        elif BEGIN_SOLUTION in text:
            raise ValueError(f"{where}: solution markers in a cell not marked as a solution")
        if BEGIN_HIDDEN in text:
            if not (grading.get("grade") and not grading.get("solution")):
                raise ValueError(f"{where}: hidden tests in a cell that is not a test cell")
            lines = strip_hidden_tests(lines, where)
        if lines:  # a notebook cell's source has no final newline
            lines[-1] = lines[-1].rstrip("\n")
        cell["source"] = lines
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return student


def _top_level_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _defined_name(node: ast.AST) -> set[str]:
    """``{"Adam"}`` for ``reference=Adam``; nothing for a lambda written in place."""
    return {node.id} if isinstance(node, ast.Name) else set()


def strip_implementations(source: str, name: str = "module") -> str:
    """A check module without its references and catalogued mistakes (see the docstring)."""
    tree = ast.parse(source, name)
    removed: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id == "Exercise":
            for keyword in node.keywords:
                if keyword.arg == "reference":
                    removed |= _defined_name(keyword.value)
                    keyword.value = ast.Constant(None)
        elif node.func.id == "Mistake" and node.args:
            removed |= _defined_name(node.args[0])
            node.args[0] = ast.Constant(None)
    definitions = (ast.FunctionDef, ast.ClassDef)
    while True:  # the removed definitions, then the private helpers nothing else uses any more
        tree.body = [n for n in tree.body if not (isinstance(n, definitions) and n.name in removed)]
        used = set()
        for node in tree.body:
            own = {node.name} if isinstance(node, definitions) else set()
            used |= _top_level_names(node) - own
        dead = {
            n.name
            for n in tree.body
            if isinstance(n, definitions) and n.name.startswith("_") and n.name not in used
        }
        if not dead:
            break
        removed |= dead
    still_used = removed & {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    if still_used:  # a case may compare with the reference by name: it is None here
        stub = ast.parse(" = ".join(sorted(still_used)) + " = None").body
        position = next(i for i, n in enumerate(tree.body) if isinstance(n, definitions))
        tree.body[position:position] = stub
    header = "# Written by release.py: references and catalogued mistakes removed.\n"
    return header + ast.unparse(tree) + "\n"


def release_checker(source: Path, out: Path) -> None:
    """Copy ``checks/`` and ``check.py`` to ``out``, the exercise modules stripped."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.rmtree(out / "checks", ignore_errors=True)
    shutil.copytree(source / "checks", out / "checks", ignore=ignore)
    for module in sorted((out / "checks").glob("ex[0-9][0-9]_*.py")):
        text = module.read_text(encoding="utf-8")
        module.write_text(strip_implementations(text, module.name), encoding="utf-8")
    shutil.copy2(source / "check.py", out / "check.py")


def release(source: Path = HERE, out: Path = DEFAULT_OUT) -> list[Path]:
    """Write the student version of every ``ex*.ipynb`` in ``source`` to ``out``, with the
    checker beside them; return the notebooks written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.glob("ex*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        target = out / path.name
        text = json.dumps(student_notebook(notebook, path.name), indent=1, ensure_ascii=False)
        target.write_text(text + "\n", encoding="utf-8")
        written.append(target)
    release_checker(source, out)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: out/exercises")
    args = parser.parse_args(argv)
    written = release(HERE, args.out)
    print(f"wrote {len(written)} student notebooks and the checker to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
