"""The import name ``autograd`` is shared with an unrelated PyPI package: detect the clash.

backproplab installs the top-level packages ``autograd``, ``nn`` and ``optim``. The PyPI package
``autograd`` (by HIPS) installs a top-level ``autograd`` too. pip lets both into one environment
without a word, and the second install overwrites the first one's ``autograd/__init__.py``:

* HIPS autograd installed after backproplab: ``import autograd`` is HIPS's, and ``nn``, which
  needs ``autograd.Tensor``, would fail with an AttributeError deep inside;
* HIPS autograd then uninstalled: its ``__init__.py`` goes, ours is not restored, and what is
  left imports as a namespace package, with the same failure;
* backproplab installed after HIPS autograd: HIPS autograd is broken, and nothing says so.

``nn`` and ``optim`` call :func:`require_backproplab_autograd` before anything else, so the first
two cases raise an ImportError that names the clash, where each package lives and the
fix. ``python -m backproplab doctor`` reports all three. The module stands alone (standard
library only, importlib.metadata only when something is wrong) because it must run when
``autograd`` is the wrong package.
"""

from __future__ import annotations

import os.path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import importlib.metadata

FIX = (
    "The two cannot share an environment. To keep backproplab here:\n"
    "    python -m pip uninstall -y autograd backproplab\n"
    "    python -m pip install backproplab   (or the folder of your clone)\n"
    "and install HIPS autograd in another virtual environment if you need it."
)


def is_backproplab_autograd(module: ModuleType) -> bool:
    """Whether ``module`` is backproplab's ``autograd`` (HIPS's has no ``Tensor``)."""
    return getattr(module, "__file__", None) is not None and hasattr(module, "Tensor")


def distributions_providing(top_level: str = "autograd") -> list[importlib.metadata.Distribution]:
    """The installed distributions among backproplab and HIPS autograd whose files include the
    package ``top_level`` (only these two are looked up: reading every RECORD is slow)."""
    import importlib.metadata

    found = []
    for name in ("autograd", "backproplab"):
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if any(file.parts[:1] == (top_level,) for file in dist.files or []):
            found.append(dist)
    return found


def describe(dist: importlib.metadata.Distribution) -> str:
    """``"autograd 1.9.1 (HIPS) in /venv/lib/python3.12/site-packages"``."""
    name = dist.metadata["Name"]
    who = " (HIPS)" if name.lower() == "autograd" else ""
    return f"{name} {dist.version}{who} in {os.path.realpath(str(dist.locate_file('')))}"


def where(module: ModuleType) -> str:
    """The file or folders a module was imported from."""
    file = getattr(module, "__file__", None)
    if file:
        return str(file)
    paths = list(getattr(module, "__path__", []) or [])
    return "namespace package at " + ", ".join(paths) if paths else repr(module)


def clash_message(autograd: ModuleType | None, error: BaseException | None = None) -> str:
    """The text of the ImportError that importing ``nn`` or ``optim`` raises."""
    lines = [
        "nn and optim are part of backproplab and need backproplab's autograd, but "
        + (
            f"`import autograd` failed ({type(error).__name__}: {error})"
            if autograd is None
            else f"`import autograd` found another package: {where(autograd)}"
        )
        + ".",
    ]
    if autograd is not None and getattr(autograd, "__file__", None) is None:
        lines.append(
            "That folder has no __init__.py: it is what is left of backproplab's autograd after "
            "HIPS autograd overwrote its __init__.py and was then uninstalled."
        )
    else:
        lines.append(
            "The PyPI package `autograd` (HIPS) uses the same import name; installed after "
            "backproplab, it replaced autograd/__init__.py (pip does not warn)."
        )
    installed = distributions_providing("autograd")
    if installed:
        lines.append("Installed packages that provide `autograd`:")
        lines += [f"    {describe(dist)}" for dist in installed]
    lines.append(f"nn and optim are in {os.path.dirname(os.path.realpath(__file__))}.")
    lines.append(FIX)
    lines.append("`python -m backproplab doctor` describes the environment.")
    return "\n".join(lines)


def require_backproplab_autograd() -> None:
    """Raise an ImportError naming the clash unless ``import autograd`` gives backproplab's."""
    try:
        import autograd
    except Exception as error:  # HIPS's __init__ over our folder may fail in many ways
        raise ImportError(clash_message(None, error)) from error
    if not is_backproplab_autograd(autograd):
        raise ImportError(clash_message(autograd))
