"""MkDocs hooks for the backproplab site (listed under ``hooks:`` in mkdocs.yml).

* The notebooks in ``examples/notebooks`` become pages, with the outputs they were saved with
  (a full-size run: see docs/notebooks/index.md); the build does not execute them, so it needs
  no kernel and takes seconds. ``tests/examples/test_notebooks.py`` re-executes each at small
  size. A notebook saved without outputs stops the build.
* ``api/operations.md`` is written from ``autograd.registry``: one entry per declared op, grouped
  by the module that defines it, with its method, NumPy functions, operator and aliases.
* A line ``<!-- api: nn.layers as nn level=3 -->`` in a page becomes a ``:::`` entry for each
  name of that namespace's ``__all__``, grouped by the module that defines it.
* ``exercises/`` holds the student version of the exercises (``make exercises``), which the
  notebooks link to.
* ``changelog.md`` and ``contributing.md`` are the repository's CHANGELOG.md and CONTRIBUTING.md.
* After the build, every public name of ``autograd``, ``nn`` and ``optim`` (what their
  ``__all__`` lists, and the public methods of those classes) must have a docstring and an entry
  in the API reference; otherwise a warning names it, and ``mkdocs build --strict`` fails.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import logging
import re
import subprocess
import sys
import types
from collections import defaultdict
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.backproplab")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "examples" / "notebooks"
# Where the API reference starts; submodules listed in an ``__all__`` are followed from here.
API_ROOTS = ("autograd", "autograd.graph", "autograd.registry", "nn", "optim")

_state: dict[str, Any] = {"ids": set()}


# --- notebooks ---------------------------------------------------------------------------------


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def on_config(config: Any) -> Any:
    """List every notebook under the nav's "Notebooks" section, after its index page."""
    for item in config.nav or []:
        if isinstance(item, dict) and "Notebooks" in item:
            section = item["Notebooks"]
            listed = set(section)
            section.extend(
                f"notebooks/{path.name}"
                for path in notebook_paths()
                if f"notebooks/{path.name}" not in listed
            )
    return config


def _check_saved_outputs() -> None:
    """A notebook saved without outputs would make an empty page: stop the build instead."""

    bare = []
    for path in notebook_paths():
        cells = json.loads(path.read_text("utf-8"))["cells"]
        if not any(cell.get("outputs") for cell in cells if cell["cell_type"] == "code"):
            bare.append(path.name)
    if bare:
        raise PluginError(
            f"notebook(s) saved without outputs: {', '.join(bare)}; run them at full size in "
            "Jupyter (or jupyter nbconvert --to notebook --execute --inplace) and save them"
        )


def on_pre_build(config: Any) -> None:
    """Check the notebooks' saved outputs; forget what griffe read (mkdocs serve rebuilds)."""
    _state.pop("griffe", None)
    _check_saved_outputs()


# --- generated pages ---------------------------------------------------------------------------


def _numpy_name(function: Any) -> str:
    module = getattr(function, "__module__", None) or "numpy"
    prefix = "np" + module[len("numpy") :] if module.startswith("numpy") else module
    return f"{prefix}.{function.__name__}"


def _spelled(operator: str, operators: dict[str, Any]) -> str:
    """How the operator is written with a tensor ``t``: ``t + x``, ``-t``, ``t[index]``."""
    if operator.startswith("unary "):
        return operator[len("unary ") :] + "t"
    special = {"abs()": "abs(t)", "[]": "t[index]", "~": "~t"}
    if operator in special:
        return special[operator]
    if operators[operator][1]:  # reflected too
        return f"t {operator} x` and `x {operator} t"
    return f"t {operator} x"


def _first_sentence(docstring: str | None) -> str:
    text = " ".join((docstring or "").split()).replace("``", "`")
    match = re.match(r"(.+?\.)(\s|$)", text)
    return match.group(1) if match else text


def _title(sentence: str) -> str:
    """A short heading from a module's first sentence: what comes before ':' or ' ('."""
    return re.split(r":| \(", sentence, maxsplit=1)[0].rstrip(".")


def _griffe_sees(function: Any) -> bool:
    """Whether reading the source (as mkdocstrings does) finds ``function`` as a function."""
    import griffe

    if "griffe" not in _state:
        _state["griffe"] = griffe.load("autograd", search_paths=[str(ROOT), *sys.path])
    path = f"{function.__module__}.{function.__qualname__}".removeprefix("autograd.")
    try:
        found = _state["griffe"][path]
    except KeyError:
        return False
    return found.is_function


def _plain_entry(title: str, function: Any) -> list[str]:
    """An entry written out by hand, for an op function that exists only at run time."""
    anchor = _defined_at(function)
    signature = f"{title.split('.')[-1]}{inspect.signature(function)}"
    doc = inspect.cleandoc(function.__doc__ or "").replace("``", "`")
    return [f"### `{title}` {{ #{anchor} }}", "", "```python", signature, "```", "", doc, ""]


def operations_page() -> str:
    """The Markdown of api/operations.md, from the op registry."""
    import autograd  # noqa: F401  (declares every op)
    from autograd.registry import ENTRIES, OPERATORS

    by_module: dict[str, list[Any]] = defaultdict(list)
    for entry in ENTRIES.values():
        by_module[entry.function.__module__].append(entry)
    lines = [
        "# Operations",
        "",
        "Every differentiable operation of `autograd`, grouped by the module of",
        "`autograd/ops/` that defines it. Each is one `Function` subclass (the math: `forward`",
        "and `backward`) and one public function declared with `@op` (see",
        "[`autograd.registry`](autograd.md#autograd.registry)); that declaration also makes it a",
        "`Tensor` method, routes the NumPy functions listed to it, and gives it its aliases.",
        "This page is generated from the registry, so it lists exactly what the library exports.",
        "",
    ]
    for module_name in sorted(by_module):
        module = importlib.import_module(module_name)
        sentence = _first_sentence(module.__doc__)
        lines += [f"## {_title(sentence)}", "", f"{sentence} (`{module_name}`)", ""]
        for entry in sorted(by_module[module_name], key=lambda e: e.name):
            uses = []
            function = entry.function
            title = f"autograd.{entry.name}" if entry.export else f"Tensor.{entry.method}"
            # An op declared on its Function class is documented by the class (griffe reads it;
            # the function is written at run time); one declared on a function, by the function.
            owner = entry.cls if entry.cls is not None else function
            if entry.cls is None and not _griffe_sees(function):
                lines += _plain_entry(title, function)  # made at run time: griffe cannot see it
            elif entry.export:
                lines += [f"::: autograd.{entry.name}", ""]
            else:  # a method only
                lines += [
                    f"::: {owner.__module__}.{owner.__qualname__}",
                    "    options:",
                    f'      heading: "Tensor.{entry.method}"',
                    f'      toc_label: "Tensor.{entry.method}"',
                    "",
                ]
            if entry.method and entry.export:
                uses.append(f"method `Tensor.{entry.method}`")
            if entry.operator:
                uses.append(f"operator `{_spelled(entry.operator, OPERATORS)}`")
            if entry.numpy:
                uses.append("NumPy " + ", ".join(f"`{_numpy_name(f)}`" for f in entry.numpy))
            for alias in entry.aliases:
                lines.append(f"[](){{#autograd.{alias}}}")
            if entry.aliases:
                uses.append("also named " + ", ".join(f"`{a}`" for a in entry.aliases))
            if uses:
                lines += ["", "Also: " + "; ".join(uses) + ".", ""]
    return "\n".join(lines) + "\n"


MARKER = re.compile(r"^<!-- api: ([\w.]+)(?: as ([\w.]+))?(?: level=(\d))? -->$", flags=re.M)


def members_by_module(namespace: str, shown_as: str, level: int) -> str:
    """``::: shown_as.name`` for each name in ``namespace.__all__``, under one heading per module
    that defines them (titled by that module's first sentence), so a new name appears by itself.
    """
    module = importlib.import_module(namespace)
    groups: dict[str, list[str]] = defaultdict(list)
    for name in module.__all__:
        value = getattr(module, name)
        if not isinstance(value, types.ModuleType):
            groups[getattr(value, "__module__", None) or namespace].append(name)
    lines = []
    for defining in sorted(groups):
        sentence = _first_sentence(importlib.import_module(defining).__doc__)
        lines += ["#" * level + f" {_title(sentence)}", "", sentence, ""]
        for name in groups[defining]:
            options = ["    options:", f"      heading_level: {level + 1}"]
            if importlib.util.find_spec(f"{shown_as}.{name}") is None:
                lines += [f"::: {shown_as}.{name}", *options, ""]
            else:  # a submodule of the same name hides it from griffe: use where it is defined
                lines += [f"::: {defining}.{name}", *options]
                lines += [f'      heading: "{shown_as}.{name}"', f'      toc_label: "{name}"', ""]
    return "\n".join(lines)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Expand each ``<!-- api: nn.layers as nn level=3 -->`` line into that namespace's members
    (shown under the name ``as`` gives, with section headings of that level; default 2)."""

    def expand(match: re.Match) -> str:
        namespace, shown_as, level = match.groups()
        return members_by_module(namespace, shown_as or namespace, int(level or 2))

    return MARKER.sub(expand, markdown)


@event_priority(50)  # before mkdocs-jupyter turns .ipynb files into pages
def on_files(files: Files, config: Any) -> Files:
    """Add the notebooks and the generated pages to the site's files."""
    # Real files, not File.generated: mkdocs-jupyter's wrapper needs a src_dir.
    for path in notebook_paths():
        uri = f"notebooks/{path.name}"
        files.append(File(uri, str(NOTEBOOKS.parent), config.site_dir, config.use_directory_urls))
    files.append(File.generated(config, "api/operations.md", content=operations_page()))
    for name, uri in (("CHANGELOG.md", "changelog.md"), ("CONTRIBUTING.md", "contributing.md")):
        files.append(File.generated(config, uri, content=(ROOT / name).read_text("utf-8")))
    return files


# --- is every public name documented? ----------------------------------------------------------


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Remember every anchor id of every page."""
    _state["ids"].update(re.findall(r'\sid="([^"]+)"', html))
    return html


def _own_docstring(obj: Any) -> str | None:
    if isinstance(obj, type):
        return obj.__dict__.get("__doc__")
    return getattr(obj, "__doc__", None)  # a property's is its doc= or its getter's


def _public_names(module: types.ModuleType) -> list[str]:
    if hasattr(module, "__all__"):
        return list(module.__all__)
    package = module.__name__.split(".")[0]
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and (value.__module__ or "").split(".")[0] == package
    ]


def _class_members(cls: type) -> list[tuple[str, Any]]:
    """Public methods and properties that ``cls`` itself defines and documents, or that no base
    class documents (an undocumented override of a documented method needs no docstring)."""
    members = []
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if not (inspect.isfunction(value) or isinstance(value, property)):
            continue
        if not _own_docstring(value) and any(
            _own_docstring(getattr(base, name, None)) for base in cls.__mro__[1:]
        ):
            continue
        members.append((name, value))
    return members


def public_api() -> dict[str, Any]:
    """``{"nn.Linear": nn.Linear, "nn.Linear.forward": <function>, ...}`` for every public
    name reachable from API_ROOTS."""
    api: dict[str, Any] = {}
    pending = list(API_ROOTS)
    seen = set()
    while pending:
        module_name = pending.pop(0)
        if module_name in seen:
            continue
        seen.add(module_name)
        module = importlib.import_module(module_name)
        for name in _public_names(module):
            value = getattr(module, name)
            path = f"{module_name}.{name}"
            if isinstance(value, types.ModuleType):
                if value.__name__.split(".")[0] == module_name.split(".")[0]:
                    api[path] = value
                    pending.append(value.__name__)
                continue
            api[path] = value
            if inspect.isclass(value) and value.__module__.startswith(module_name.split(".")[0]):
                for member, member_value in _class_members(value):
                    api[f"{path}.{member}"] = member_value
    return api


def _defined_at(value: Any) -> str | None:
    """Where ``value`` is defined: ``nn.layers.linear.Linear``, ``...Linear.forward``."""
    if isinstance(value, property):
        value = value.fget
    module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    return f"{module}.{qualname}" if module and qualname else None


def _sources(path: str, value: Any) -> list[str]:
    """Every path under which the reference may document ``value``: ``path`` itself, where it
    is defined, and each module of its package that holds the same object under the same name
    (``autograd.float32`` is ``autograd.dtypes.float32``)."""
    name = path.rsplit(".", 1)[-1]
    package = path.split(".")[0] + "."
    found = [path, _defined_at(value) or path]
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith(package) and getattr(module, name, None) is value:
            found.append(f"{module_name}.{name}")
    return found


def _search_index_script(config: Any) -> None:
    """``search/search_index.js``: under file://, Material reads the index from this script (its
    offline plugin writes it too); without it every page opened from disk logs an error."""
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.exists():
        script = "var __index = " + index.read_text("utf-8") + ";\n"
        index.with_suffix(".js").write_text(script, "utf-8")


def _student_exercises(config: Any) -> None:
    """``exercises/``: the student version of the exercise notebooks with their checker (what
    ``make exercises`` writes; never the solutions), which the notebooks' pages link to."""
    release = ROOT / "examples" / "exercises" / "release.py"
    out = Path(config.site_dir) / "exercises"
    done = subprocess.run(
        [sys.executable, str(release), "--out", str(out)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise PluginError(f"the exercises' release script failed:\n{done.stderr[-3000:]}")


def on_post_build(config: Any) -> None:
    """Warn about every public name without a docstring or without an entry in the reference.

    A name counts as documented when the reference has an entry for it under any of its public
    paths (``autograd.Graph`` or ``autograd.graph.Graph``) or where it is defined
    (``::: nn.layers.linear`` documents ``nn.Linear``)."""
    _search_index_script(config)
    _student_exercises(config)
    api = public_api()
    paths_of: dict[int, set[str]] = defaultdict(set)
    for path, value in api.items():
        paths_of[id(value)].update(_sources(path, value))
    ids = _state["ids"]
    for path, value in api.items():
        if not _own_docstring(value):
            log.warning("backproplab API: %s has no docstring", path)
        if not any(other in ids for other in paths_of[id(value)]):
            log.warning(
                "backproplab API: %s is public but no page of the API reference documents it "
                "(add a ::: block for it to a page in docs/api/)",
                path,
            )
    ids.clear()
