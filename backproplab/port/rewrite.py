"""Rewrite PyTorch source text for backproplab: imports and the names reached through them.

The text is parsed with ``ast`` only to find *where* the imports and the dotted names are; the
rewrite replaces exactly those spans of the original text, so comments, blank lines, quotes and
layout stay as the author wrote them.

A program is one or more *units* (a script is one, a notebook has one per code cell) that share
their imports, as a notebook's cells share a kernel. ``Converter.convert(units)`` returns the
new text of each unit, what it changed and what it could not convert.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field

from autograd.torch_facade import MISSING as TENSOR_MISSING

from .names import TOP_LEVEL, is_companion, lookup_problem, map_module

# The line the converter adds after the imports: Tensor methods with two meanings (x.std(),
# x.max(1), x.repeat(2), ...) take PyTorch's in this program, NumPy arrays keep NumPy's.
SWITCH = "autograd.pytorch_meanings(True)"
SWITCH_COMMENT = "# backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch"


@dataclass
class Edit:
    start: int  # character offsets into the unit's text
    end: int
    text: str


@dataclass
class Note:
    """One line of the converter's report: ``where`` (``line 3`` or ``cell 2, line 3``)."""

    unit: int
    line: int
    message: str

    def where(self, notebook: bool) -> str:
        return f"cell {self.unit + 1}, line {self.line}" if notebook else f"line {self.line}"


@dataclass
class Result:
    texts: list[str]
    changes: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)


class _Offsets:
    """(line, UTF-8 byte column) positions from ``ast`` -> character offsets into the text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def __call__(self, line: int, col: int) -> int:
        if line > len(self.lines):
            return self.starts[-1]
        prefix = self.lines[line - 1].encode("utf-8")[:col].decode("utf-8", errors="replace")
        return self.starts[line - 1] + len(prefix)


def _chain(node: ast.AST) -> list[str] | None:
    """``a.b.c`` as ["a", "b", "c"]; None if the expression is not a plain dotted name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def _alias(name: str, asname: str | None) -> str:
    return name if asname is None or asname == name else f"{name} as {asname}"


def _is_torch(module: str) -> bool:
    return module == "torch" or module.startswith("torch.")


class Converter:
    """Convert the units of one program (see the module docstring)."""

    def __init__(self) -> None:
        # name bound in the program -> the PyTorch object it names ("torch", "torch.nn", ...)
        self.bindings: dict[str, str] = {}
        # names whose own spelling changes: ``import torch`` binds torch, we bind autograd
        self.renamed: dict[str, str] = {}
        self.needed: set[str] = set()  # our top-level modules the rewritten names start with
        self.bound: set[str] = set()  # our top-level modules the converted imports bind
        self.changes: list[Note] = []
        self.warnings: list[Note] = []
        self._checked: dict[str, str | None] = {}

    # ----- the whole program ----------------------------------------------------------------
    def convert(self, units: Sequence[str]) -> Result:
        trees: list[ast.Module | None] = []
        for index, text in enumerate(units):
            try:
                trees.append(ast.parse(text))
            except SyntaxError as error:
                trees.append(None)
                if "torch" in text:
                    self._warn(index, error.lineno or 1, f"not Python ({error.msg}): left as it is")
        for tree in trees:  # first every import, as a later cell may use an earlier cell's
            if tree is not None:
                self._collect_bindings(tree)
        edits: list[list[Edit]] = []
        for index, (text, tree) in enumerate(zip(units, trees)):
            if tree is None:
                edits.append([])
                continue
            edits.append(
                self._import_edits(index, text, tree) + self._name_edits(index, text, tree)
            )
        if self.bindings:
            self._add_imports(units, trees, edits)
        texts = [_apply(text, unit_edits) for text, unit_edits in zip(units, edits)]
        self.changes.sort(key=lambda n: (n.unit, n.line))
        self.warnings.sort(key=lambda n: (n.unit, n.line))
        return Result(texts, self.changes, self.warnings)

    def _collect_bindings(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if _is_torch(alias.name):
                        if alias.asname is None:
                            self.bindings["torch"] = "torch"
                            self.renamed["torch"] = "autograd"
                        else:
                            self.bindings[alias.asname] = alias.name
                    elif alias.name.split(".")[0] in TOP_LEVEL and alias.asname is None:
                        self.bound.add(alias.name.split(".")[0])
            elif (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and _is_torch(node.module or "")
            ):
                for alias in node.names:
                    if alias.name != "*":
                        self.bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    # ----- imports --------------------------------------------------------------------------
    def _import_edits(self, unit: int, text: str, tree: ast.Module) -> list[Edit]:
        offsets = _Offsets(text)
        edits = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                new = self._convert_import(unit, node)
            elif isinstance(node, ast.ImportFrom):
                new = self._convert_import_from(unit, node, text, offsets)
            else:
                continue
            if new is None:
                continue
            start = offsets(node.lineno, node.col_offset)
            end = offsets(node.end_lineno or node.lineno, node.end_col_offset or 0)
            old = text[start:end]
            if new != old:
                edits.append(Edit(start, end, new))
                self._change(unit, node.lineno, f"{_one_line(old)}  ->  {_one_line(new)}")
        return edits

    def _convert_import(self, unit: int, node: ast.Import) -> str | None:
        if not any(_is_torch(a.name) for a in node.names):
            for alias in node.names:
                if is_companion(alias.name):
                    self._warn(
                        unit, node.lineno, f"`import {alias.name}`: {_companion(alias.name)}"
                    )
            return None
        parts = []
        for alias in node.names:
            if not _is_torch(alias.name):
                parts.append(_alias(alias.name, alias.asname))
                continue
            ours = map_module(alias.name)
            assert ours is not None
            self._check(unit, node.lineno, alias.name, ours)
            if alias.asname is None or alias.asname == ours:
                self.bound.add(ours.split(".")[0])
            parts.append(_alias(ours, alias.asname))
        return "import " + ", ".join(parts)

    def _convert_import_from(
        self, unit: int, node: ast.ImportFrom, text: str, offsets: _Offsets
    ) -> str | None:
        module = node.module or ""
        if node.level or not _is_torch(module):
            if node.level == 0 and is_companion(module):
                self._warn(unit, node.lineno, f"`from {module} import ...`: {_companion(module)}")
            return None
        statements: list[str] = []
        groups: dict[str, list[str]] = {}
        for alias in node.names:
            if alias.name == "*":
                ours = map_module(module)
                self._warn(unit, node.lineno, f"`from {module} import *`: check what it brings in")
                statements.append(f"from {ours} import *")
                continue
            full = f"{module}.{alias.name}"
            ours = map_module(full)
            assert ours is not None
            self._check(unit, node.lineno, full, ours)
            bound = alias.asname or alias.name
            if "." not in ours:  # a module of its own here: from torch import nn -> import nn
                statements.append("import " + _alias(ours, bound))
                if bound == ours:
                    self.bound.add(ours)
                continue
            parent, leaf = ours.rsplit(".", 1)
            if parent not in groups:
                groups[parent] = []
                statements.append(parent)  # placeholder, filled in below
            groups[parent].append(_alias(leaf, bound))
        lines = [
            f"from {s} import {', '.join(groups[s])}" if s in groups else s for s in statements
        ]
        line_start = offsets(node.lineno, 0)
        before = text[line_start : offsets(node.lineno, node.col_offset)]
        joiner = "\n" + before if before.strip() == "" else "; "
        return joiner.join(lines)

    # ----- names reached through the imports ------------------------------------------------
    def _name_edits(self, unit: int, text: str, tree: ast.Module) -> list[Edit]:
        offsets = _Offsets(text)
        edits: list[Edit] = []
        renames: dict[tuple[str, str], list[int]] = {}

        def visit(node: ast.AST) -> None:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                return
            out = [k.value for k in getattr(node, "keywords", ()) if k.arg == "out"]
            if isinstance(node, ast.Call) and out:
                parts = _chain(node.func)
                if parts is not None and parts[0] in self.bindings:  # torch.mul(a, b, out=z)
                    name, target = ".".join(parts), ast.unparse(out[0])
                    self._warn(
                        unit,
                        node.lineno,
                        f"`{name}(..., out={target})`: backproplab's functions return a new "
                        f"tensor; write `{target}.copy_({name}(...))` instead",
                    )
            if isinstance(node, (ast.Attribute, ast.Name)):
                parts = _chain(node)
                if parts is not None and parts[0] in self.bindings:
                    new = self._rename_chain(unit, node.lineno, parts)
                    if new is not None:
                        old = ".".join(parts)
                        start = offsets(node.lineno, node.col_offset)
                        end = offsets(node.end_lineno or node.lineno, node.end_col_offset or 0)
                        if new != old and text[start:end] == old:
                            edits.append(Edit(start, end, new))
                            renames.setdefault((old, new), []).append(node.lineno)
                    return
                if isinstance(node, ast.Attribute) and node.attr in TENSOR_MISSING:
                    self._warn(
                        unit,
                        node.lineno,
                        f"`.{node.attr}`: if this is a Tensor, {TENSOR_MISSING[node.attr]}",
                    )
            for child in ast.iter_child_nodes(node):
                visit(child)

        visit(tree)
        for (old, new), lines in renames.items():
            where = ", ".join(str(n) for n in sorted(set(lines)))
            self._change(
                unit,
                lines[0],
                f"{old}  ->  {new}" + (f" (lines {where})" if len(set(lines)) > 1 else ""),
            )
        return edits

    def _rename_chain(self, unit: int, line: int, parts: list[str]) -> str | None:
        root = parts[0]
        base_theirs = self.bindings[root]
        full = ".".join([base_theirs, *parts[1:]])
        ours = map_module(full)
        base = map_module(base_theirs)
        if ours is None or base is None:
            return None
        self._check(unit, line, full, ours)
        name = self.renamed.get(root, root)
        if ours == base or ours.startswith(base + "."):
            if name in TOP_LEVEL:
                self.needed.add(name)
            return name + ours[len(base) :]
        self.needed.add(ours.split(".")[0])
        return ours

    # ----- imports the rewritten names need, and the switch to PyTorch's meanings -----------
    def _add_imports(
        self, units: Sequence[str], trees: Sequence[ast.Module | None], edits: list[list[Edit]]
    ) -> None:
        """After the last top-level torch import of the first unit that has one: an import for
        each of our modules the rewritten names need and no import binds, then the switch."""
        for index, tree in enumerate(trees):
            if tree is None:
                continue
            torch_imports = [s for s in tree.body if _imports_torch(s)]
            if not torch_imports:
                continue
            last = torch_imports[-1]
            bound_before: set[str] = set()
            for statement in tree.body[: tree.body.index(last) + 1]:
                bound_before |= _binds(statement)
            lines = [f"import {m}" for m in sorted(self.needed - self.bound - {"autograd"})]
            if "autograd" not in bound_before:
                lines.append("import autograd")
            lines += ["", f"{SWITCH}  {SWITCH_COMMENT}"]
            offsets = _Offsets(units[index])
            end_line = last.end_lineno or last.lineno
            at = offsets.starts[min(end_line, len(offsets.lines))]
            newline = "" if units[index][:at].endswith("\n") or at == 0 else "\n"
            edits[index].append(Edit(at, at, newline + "".join(line + "\n" for line in lines)))
            for line in filter(None, lines):
                self._change(index, end_line, f"added `{line}`")
            return

    # ----- the report -----------------------------------------------------------------------
    def _check(self, unit: int, line: int, theirs: str, ours: str) -> None:
        if ours not in self._checked:
            self._checked[ours] = lookup_problem(ours)
        problem = self._checked[ours]
        if problem is not None:
            self._warn(unit, line, f"`{theirs}` -> `{ours}`, which backproplab lacks: {problem}")

    def _change(self, unit: int, line: int, message: str) -> None:
        self.changes.append(Note(unit, line, message))

    def _warn(self, unit: int, line: int, message: str) -> None:
        note = Note(unit, line, message)
        if all((n.unit, n.line, n.message) != (unit, line, message) for n in self.warnings):
            self.warnings.append(note)


def _companion(module: str) -> str:
    root = module.split(".")[0]
    return f"{root} has no backproplab counterpart; left as it is"


def _one_line(text: str) -> str:
    return "; ".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _imports_torch(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Import):
        return any(_is_torch(a.name) for a in statement.names)
    if isinstance(statement, ast.ImportFrom):
        return statement.level == 0 and _is_torch(statement.module or "")
    return False


def _binds(statement: ast.stmt) -> set[str]:
    """Our top-level modules that ``statement``, once converted, binds under their own name."""
    names: set[str] = set()
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            ours = map_module(alias.name) or alias.name
            if alias.asname is None or alias.asname == ours:
                names.add(ours.split(".")[0])
    elif isinstance(statement, ast.ImportFrom) and _is_torch(statement.module or ""):
        for alias in statement.names:
            ours = map_module(f"{statement.module}.{alias.name}") or ""
            if "." not in ours and (alias.asname or alias.name) == ours:
                names.add(ours)
    return names & set(TOP_LEVEL)


def _apply(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text
