"""Where the learning material is: in the installed wheel, or in the clone this runs from.

A wheel carries examples/'s notebooks, exercises and demo as ``backproplab/material/`` (setup.py
copies them when it builds); from a clone or an editable install they are read in examples/.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

PACKAGED = Path(__file__).resolve().parent / "material"
CHECKOUT = Path(__file__).resolve().parents[1] / "examples"
# Never copied out: caches.
SKIP_PARTS = ("__pycache__", ".ipynb_checkpoints")


def material_root() -> Path:
    """The folder holding ``notebooks/``, ``exercises/`` and ``train_digits.py``."""
    for root in (PACKAGED, CHECKOUT):
        if (root / "notebooks").is_dir():
            return root
    raise FileNotFoundError(
        f"the learning material is missing: neither {PACKAGED} (an installed wheel) nor "
        f"{CHECKOUT} (a clone) holds it; reinstall backproplab"
    )


def script_environment() -> dict[str, str]:
    """The environment for a script of the material: from a clone, Python must find the packages
    beside this one (an installed wheel's are on the path already)."""
    env = dict(os.environ)
    if material_root() == CHECKOUT:
        root = str(CHECKOUT.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return env


def missing_modules(*modules: str) -> list[str]:
    """Which of ``modules`` cannot be imported here (without importing them)."""
    return [name for name in modules if importlib.util.find_spec(name) is None]


# What running the notebooks and the demo needs besides the library: module -> distribution.
# (The digits and diabetes data ship with the notebooks, in notebooks/toy_datasets.)
EXAMPLE_NEEDS = {"matplotlib": "matplotlib", "tqdm": "tqdm", "names": "names"}


def install_hint(missing: list[str]) -> str:
    """A sentence saying how to install the missing modules (the ``examples`` extra)."""
    names = ", ".join(EXAMPLE_NEEDS.get(m, m) for m in missing)
    return f"{names} not installed: python -m pip install 'backproplab[examples]'"


def copy_tree(source: Path, target: Path, force: bool) -> tuple[list[Path], list[Path]]:
    """Copy every file under ``source`` to ``target``: (copied, kept because they existed)."""
    copied, kept = [], []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() or path.suffix == ".pyc" or set(relative.parts) & set(SKIP_PARTS):
            continue
        destination = target / relative
        if destination.exists() and not force:
            kept.append(destination)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied.append(destination)
    return copied, kept
