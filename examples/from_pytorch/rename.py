"""Turn a PyTorch program into a backproplab program by renaming its imports.

    python examples/from_pytorch/rename.py my_script.py > my_script_backproplab.py
    python examples/from_pytorch/rename.py --check     # the two copies here agree
    python examples/from_pytorch/rename.py --write     # regenerate backproplab/ from pytorch/

The rename, applied in this order:

    torch.nn.functional  ->  nn.functional
    torch.nn             ->  nn
    torch.optim          ->  optim
    torch.autograd.      ->  autograd.      (torch.autograd.Function, .gradcheck, .grad, ...)
    torch.utils.data     ->  nn.data        (datasets and loaders live in nn)
    every other torch.   ->  autograd.
    import torch         ->  import autograd

A name counts only as a whole word: "mytorch.x" and "PyTorch" are left alone.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

RULES: list[tuple[str, str]] = [
    (r"\btorch\.nn\.functional\b", "nn.functional"),
    (r"\btorch\.nn\b", "nn"),
    (r"\btorch\.optim\b", "optim"),
    (r"\btorch\.autograd\.", "autograd."),
    (r"\btorch\.utils\.data\b", "nn.data"),
    (r"\btorch\.", "autograd."),
    (r"^(\s*)import torch$", r"\1import autograd"),
]

HERE = Path(__file__).resolve().parent
TORCH_DIR = HERE / "pytorch"
BACKPROPLAB_DIR = HERE / "backproplab"


def rename(source: str) -> str:
    """The backproplab version of the PyTorch program ``source``."""
    for pattern, replacement in RULES:
        source = re.sub(pattern, replacement, source, flags=re.MULTILINE)
    return source


def pairs() -> list[tuple[Path, Path]]:
    """(PyTorch copy, backproplab copy) for every program in this folder."""
    return [(p, BACKPROPLAB_DIR / p.name) for p in sorted(TORCH_DIR.glob("[0-9]*.py"))]


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        for torch_copy, ours in pairs():
            ours.write_text(rename(torch_copy.read_text()))
            print(f"wrote {ours.relative_to(HERE)}")
        return 0
    if argv == ["--check"]:
        stale = [
            o.name for t, o in pairs() if not o.exists() or o.read_text() != rename(t.read_text())
        ]
        for name in stale:
            print(f"backproplab/{name} differs from the renamed pytorch/{name}")
        return 1 if stale else 0
    if len(argv) == 1 and not argv[0].startswith("-"):
        sys.stdout.write(rename(Path(argv[0]).read_text()))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
