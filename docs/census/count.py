"""Count the PyTorch names that learners' material uses: the census behind pytorch-census.md.

    python docs/census/count.py /work/.mirror     # writes docs/census/usage.json

Each source is a public repository brought to ``MIRRORS/<owner>+<name>/repo`` (a bare git
directory, read with ``git show``; nothing of it is copied here). Every Python file, notebook
code cell and (for d2l) PyTorch code block is parsed with ``ast``; its imports say which names
are ``torch``, ``torch.nn``, ``torch.nn.functional`` and ``torch.optim``, and every dotted name
through them is counted under its namespace:

    torch.X   nn.X   F.X   optim.X          (the first name after the module)
    Tensor.X                                 (``.X`` where X is a torch.Tensor attribute and the
                                              receiver is not one of those modules)

A receiver's type is unknown to a parser, so ``Tensor.X`` is an upper bound: ``s.split()`` on
a string counts as ``Tensor.split``. What matters for the census is in how many sources a name
appears, which such noise hardly changes, except for the few names in ``NOT_TENSOR``: every use
of them in the sources, read line by line, was another library's name (``dict.values()``,
``list.index``, PIL's ``Image.resize``), so they are not counted as Tensor names at all.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the project root, for backproplab.port.notebook

from backproplab.port.notebook import mask  # noqa: E402

# source label -> (mirror folder name, paths to read: a regular expression)
SOURCES = {
    "pytorch/examples": ("pytorch+examples", r".*\.(py|ipynb)$"),
    "karpathy/nanoGPT": ("karpathy+nanoGPT", r".*\.(py|ipynb)$"),
    "karpathy/makemore": ("karpathy+makemore", r".*\.(py|ipynb)$"),
    "karpathy/nn-zero-to-hero": ("karpathy+nn-zero-to-hero", r".*\.(py|ipynb)$"),
    "karpathy/micrograd": ("karpathy+micrograd", r".*\.(py|ipynb)$"),
    "d2l-ai/d2l-en": ("d2l-ai+d2l-en", r"chapter_.*\.md$"),
    "deep-learning-with-pytorch/dlwpt-code": (
        "deep-learning-with-pytorch+dlwpt-code",
        r".*\.(py|ipynb)$",
    ),
    "yunjey/pytorch-tutorial": ("yunjey+pytorch-tutorial", r".*\.(py|ipynb)$"),
}

MODULES = {
    "torch": "torch",
    "torch.nn": "nn",
    "torch.nn.functional": "F",
    "torch.optim": "optim",
}
# Tensor attribute names that the sources only use with another meaning (read by hand in every
# source at the commits in usage.json); counting them would list names nobody uses on a tensor.
NOT_TENSOR = {
    "index": "list.index(x), pandas' .index, a namedtuple field (center_irc.index)",
    "values": "dict.values(), pandas' .values, the .values field of a max/topk result",
    "resize": "PIL's image.resize(size, filter), torchvision's transforms.functional.resize",
}
_D2L_BLOCK = re.compile(r"```\{\.python \.input[^}]*\}\n(.*?)```", re.S)


def tensor_attributes() -> frozenset[str]:
    """torch.Tensor's public attribute names, from the committed list (torch_names.json), less
    ``NOT_TENSOR``."""
    names = json.loads((HERE / "torch_names.json").read_text())
    return frozenset(names["Tensor"]) - NOT_TENSOR.keys()


def chunks(path: str, text: str) -> list[str]:
    """The Python code of one file: the file, a notebook's code cells, d2l's PyTorch blocks."""
    if path.endswith(".ipynb"):
        try:
            cells = json.loads(text).get("cells", [])
        except json.JSONDecodeError:
            return []
        code = [c for c in cells if c.get("cell_type") == "code"]
        return [
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in code
        ]
    if path.endswith(".md"):
        blocks = []
        for block in _D2L_BLOCK.findall(text):
            first = block.split("\n", 1)[0]
            if first.startswith("%%tab") and "pytorch" not in first and "all" not in first:
                continue
            blocks.append(block)
        return blocks
    return [text]


def parse(code: str) -> ast.Module | None:
    try:
        return ast.parse(mask(code)[0])
    except (SyntaxError, ValueError):
        return None


def bindings(trees: list[ast.Module]) -> dict[str, str]:
    """Name bound in the file -> the torch module it names (only the four counted modules);
    names imported from them directly (``from torch.nn import Linear``) -> their full name."""
    bound: dict[str, str] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in MODULES:
                        bound[alias.asname or alias.name.split(".")[0]] = (
                            alias.name if alias.asname else "torch"
                        )
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if full in MODULES or node.module in MODULES:
                        bound[alias.asname or alias.name] = full
    return bound


def count_file(trees: list[ast.Module], tensor_names: frozenset[str]) -> Counter:
    """Counter of "namespace.name" over the file's code."""
    bound = bindings(trees)
    found: Counter = Counter()
    for full in bound.values():  # from torch.nn import Linear: counts nn.Linear once
        module, _, leaf = full.rpartition(".")
        if full not in MODULES and module in MODULES:
            found[f"{MODULES[module]}.{leaf}"] += 1
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            parts = []
            inner: ast.AST = node
            while isinstance(inner, ast.Attribute):
                parts.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in bound and bound[inner.id] in MODULES:
                if isinstance(node.ctx, ast.Load) and node.value is inner:
                    dotted = [bound[inner.id], *reversed(parts)]
                    module = dotted[0]
                    rest = dotted[1:]
                    full = ".".join([module, *rest])
                    for prefix in ("torch.nn.functional", "torch.nn", "torch.optim"):
                        if full.startswith(prefix + ".") and module == "torch":
                            module, rest = prefix, full[len(prefix) + 1 :].split(".")
                            break
                    found[f"{MODULES[module]}.{rest[0]}"] += 1
                continue
            if node.attr in tensor_names and not _is_module_chain(node.value, bound):
                found[f"Tensor.{node.attr}"] += 1
    return found


def _is_module_chain(node: ast.AST, bound: dict[str, str]) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and bound.get(node.id) in MODULES


def count_source(repo: Path, pattern: str, tensor_names: frozenset[str]) -> Counter:
    files = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    total: Counter = Counter()
    for path in files:
        if not re.fullmatch(pattern, path):
            continue
        text = subprocess.run(
            ["git", "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True, check=False
        ).stdout.decode("utf-8", errors="replace")
        trees = [t for t in (parse(c) for c in chunks(path, text)) if t is not None]
        total += count_file(trees, tensor_names)
    return total


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    mirrors = Path(argv[0])
    tensor_names = tensor_attributes()
    usage: dict[str, dict[str, int]] = defaultdict(dict)
    commits = {}
    for label, (folder, pattern) in SOURCES.items():
        repo = mirrors / folder / "repo"
        commits[label] = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        for name, n in sorted(count_source(repo, pattern, tensor_names).items()):
            usage[name][label] = n
    out = {"sources": commits, "usage": dict(sorted(usage.items()))}
    (HERE / "usage.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"{len(usage)} names from {len(SOURCES)} sources -> {HERE / 'usage.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
