"""Describe this Python environment: versions, Graphviz renderer, fonts, BLAS threads, clashes.

Prints one line per item and, at the end, what to fix. The exit status is 1 when something would
break backproplab or another package (the ``autograd`` name clash, in either direction), else 0.
It reads the environment only: it installs, changes and downloads nothing.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

# Packages the examples, notebooks, pictures and tests use, and the extra that installs each.
OPTIONAL = (
    ("graphviz_pure", "graphviz-pure", "viz"),
    ("matplotlib", "matplotlib", "examples"),
    ("threadpoolctl", "threadpoolctl", "examples"),
    ("ipykernel", "ipykernel", "notebooks"),
    ("torch", "torch", "none: cross-checks in the tests"),
)
FONT = "DejaVu Sans"  # the widest font browsers substitute; the drawings leave room for it


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: the command only reads the environment."""


def version_of(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _import(name: str) -> tuple[ModuleType | None, BaseException | None]:
    try:
        return importlib.import_module(name), None
    except Exception as error:  # a broken or foreign package may raise anything
        return None, error


def check_name_clash() -> tuple[list[str], list[str]]:
    """What ``import autograd`` gives, and whether HIPS autograd is installed: (lines, problems)."""
    import _backproplab_clash as clash

    autograd, error = _import("autograd")
    hips = next(
        (d for d in clash.distributions_providing("autograd") if d.metadata["Name"] == "autograd"),
        None,
    )
    if autograd is None or not clash.is_backproplab_autograd(autograd):
        return ["autograd: NOT backproplab's (see below)"], [clash.clash_message(autograd, error)]
    lines = [f"autograd: backproplab's, {autograd.__file__}"]
    if hips is None:
        return lines + ["name clash: none (HIPS autograd, PyPI `autograd`, is not installed)"], []
    hips_init = next((f for f in hips.files or [] if f.parts == ("autograd", "__init__.py")), None)
    same_file = hips_init is not None and Path(str(hips.locate_file(hips_init))).resolve() == (
        Path(autograd.__file__).resolve()
    )
    if same_file:
        problem = (
            f"HIPS autograd is installed here too ({clash.describe(hips)}), and backproplab's "
            "autograd/__init__.py has replaced its own: HIPS autograd no longer works, and pip "
            "did not say so. " + clash.FIX
        )
    else:
        problem = (
            f"HIPS autograd is installed too ({clash.describe(hips)}) but `import autograd` gives "
            f"backproplab's ({autograd.__file__}), which comes first on sys.path: code written for "
            "HIPS autograd gets the wrong package. Use separate virtual environments."
        )
    return lines + ["name clash: HIPS autograd is installed as well (see below)"], [problem]


def renderer_line() -> str:
    try:
        from autograd.graph.renderer import find_renderer

        found = find_renderer()
    except Exception as error:  # a bad $BACKPROPLAB_DOT, or autograd itself broken
        return f"Graphviz renderer: cannot tell ({error})"
    if found is None:
        return (
            "Graphviz renderer: none found: draw_graph gives DOT text only (pip install "
            "'backproplab[viz]' for graphviz-pure, or install Graphviz's dot)"
        )
    return f"Graphviz renderer: {found}"


def font_line() -> str:
    """Where DejaVu Sans is, as fontconfig (what Graphviz's dot uses) resolves it."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        done = subprocess.run(
            [fc_match, "-f", "%{family[0]}|%{file}", FONT], capture_output=True, text=True
        )
        family, _, file = done.stdout.partition("|")
        if done.returncode == 0 and family == FONT:
            return f"fonts: {FONT}: {file}"
        if done.returncode == 0:
            return f"fonts: {FONT} not installed; fontconfig substitutes {family} ({file})"
    for folder in ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "/Library/Fonts"):
        found = next(Path(folder).expanduser().rglob("DejaVuSans.ttf"), None)
        if found is not None:
            return f"fonts: {FONT}: {found}"
    return f"fonts: {FONT} not found (browsers substitute another sans-serif; pictures still fit)"


def blas_line() -> str:
    """BLAS libraries and their thread counts (threadpoolctl), or the variables that set them."""
    variables = ", ".join(
        f"{name}={os.environ[name]}"
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
        if name in os.environ
    )
    setting = variables or "no *_NUM_THREADS variable set"
    try:
        import numpy  # noqa: F401  (loads the BLAS threadpoolctl inspects)
        import threadpoolctl
    except ImportError:
        return f"BLAS threads: threadpoolctl not installed, cannot tell ({setting})"
    libraries = threadpoolctl.threadpool_info()
    blas = [lib for lib in libraries if lib.get("user_api") == "blas"]
    if not blas:
        return f"BLAS threads: no BLAS library found ({setting})"
    described = "; ".join(
        f"{lib.get('internal_api')} {lib.get('version') or ''} {lib.get('num_threads')} threads"
        for lib in blas
    )
    return f"BLAS threads: {described} ({setting}; {os.cpu_count()} CPUs)"


def version_lines() -> list[str]:
    ours = version_of("backproplab")
    package = Path(__file__).resolve().parents[1]
    where = "installed" if ours else f"not installed: running from {package}"
    lines = [
        f"Python: {platform.python_version()} ({sys.executable}) on {platform.platform()}",
        f"backproplab: {ours or '-'} ({where})",
        f"numpy: {version_of('numpy') or 'MISSING'}",
        f"graphviz (Python package, writes DOT): {version_of('graphviz') or 'MISSING'}",
    ]
    found = []
    for _module, distribution, extra in OPTIONAL:
        version = version_of(distribution)
        found.append(f"{distribution} {version}" if version else f"{distribution} - ({extra})")
    lines.append("optional: " + ", ".join(found))
    return lines


def run(args: argparse.Namespace) -> int:
    clash_lines, problems = check_name_clash()
    lines = [*version_lines(), *clash_lines]
    if not problems:  # with a foreign autograd, the library's own checks cannot run
        lines.append(renderer_line())
    lines += [font_line(), blas_line()]
    print("backproplab doctor")
    for line in lines:
        print("  " + line)
    for problem in problems:
        print("\nPROBLEM: " + problem)
    if not problems:
        print("\nNo problem found.")
    return 1 if problems else 0


if __name__ == "__main__":  # python -m backproplab.doctor, should another command fail to import
    parser = argparse.ArgumentParser(prog="backproplab doctor", description=__doc__)
    add_arguments(parser)
    sys.exit(run(parser.parse_args()))
