"""The engine's modules import each other in layers, never in a circle.

Every import counts, also one written inside a function (that only hides a circle); imports for
type checkers alone (under ``if TYPE_CHECKING:``) do not run and do not count. Importing a
submodule runs its package's ``__init__`` first, so that is an edge too, from outside the
package. ``autograd/__init__.py`` assembles the layers (installs Tensor's methods, exports the
ops): it is the top one, which no module of the core imports.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ("autograd", "autograd.ops")  # the engine's core: these packages' modules
# Read too, so that a circle through them is seen (the drawing code imports the engine).
READ = (*CORE, "autograd.graph")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that importing ``path`` runs."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def add(target: str, explicit: bool = True) -> None:
        # A package the importer sits in is already being imported: running its __init__ is
        # no edge (``autograd.ops.shape`` importing ``.axes`` does not import ``autograd.ops``).
        inside = name.startswith(target + ".")
        if target in known and target != name and (explicit or not inside):
            found.add(target)
        parent = target.rpartition(".")[0]
        if parent:
            add(parent, explicit=False)  # the packages it sits in run first

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            add(base, explicit=bool(node.module))  # ``from . import x``: x is what it imports
            for alias in node.names:
                add(f"{base}.{alias.name}")  # ``from . import engine`` imports a module
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def import_graph() -> dict[str, set[str]]:
    paths = [p for package in READ for p in (ROOT / package.replace(".", "/")).glob("*.py")]
    known = {module_name(p) for p in paths}
    return {module_name(p): imported_modules(p, known) for p in paths}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle found by a depth-first search, each as the path that closes it."""
    found, state = [], {}  # state: 1 while on the current path, 2 once finished

    def walk(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                walk(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    return found


def in_core(module: str) -> bool:
    return module.rpartition(".")[0] in CORE or module in CORE


def test_the_core_modules_import_each_other_without_a_circle():
    graph = import_graph()
    assert "autograd.tensor" in graph and "autograd.engine" in graph["autograd"]
    assert [c for c in circles(graph) if any(in_core(m) for m in c)] == []


def test_no_core_module_imports_the_autograd_package_that_assembles_them():
    graph = import_graph()
    tools = {"autograd.tensor_stub"}  # writes the stub from the running library: not a layer
    importers = [name for name, targets in graph.items() if "autograd" in targets]
    assert [name for name in importers if in_core(name)] == sorted(tools)


def test_tensor_is_the_bottom_layer_of_the_reading_path():
    graph = import_graph()
    assert graph["autograd.tensor"] <= {"autograd", "autograd.devices", "autograd.dtypes"}
    assert "autograd.tensor" in graph["autograd.function"]
    assert "autograd.function" in graph["autograd.engine"]


def test_the_circle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c", "a"]]
