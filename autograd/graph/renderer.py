"""Finding a program that turns DOT text into pictures, and running it.

Search order (the first that exists wins):

1. ``$BACKPROPLAB_DOT``: a path to any ``dot``-compatible program (an error if it is not one);
2. Graphviz's ``dot`` on ``PATH``: svg, png, pdf and every other format Graphviz was built with;
3. the ``graphviz-pure`` program from the PyPI package of that name (``pip install
   backproplab[viz]``), looked up next to the running interpreter, in the installing
   distribution's file list, then on ``PATH``: svg, png, jpeg (no pdf or ps);
4. none: ``Graph.source`` still works; pictures raise :class:`RendererNotFoundError`.

The program runs as ``<program> -T<format>`` with the DOT text on stdin, under a timeout.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

# shutil, subprocess, sysconfig and importlib.metadata are imported by the functions that use
# them: only drawing needs them, and at the top they would add ~25 ms to `import autograd`.

ENV_VAR = "BACKPROPLAB_DOT"
PURE = "graphviz-pure"
TIMEOUT = 60.0  # seconds; a teaching graph lays out in well under one
INSTALL_HINT = (
    "for pictures, `pip install backproplab[viz]` (the graphviz-pure renderer) or install "
    f"Graphviz (the `dot` program), or set {ENV_VAR} to a dot-compatible program"
)


class RendererNotFoundError(RuntimeError):
    """No program that renders DOT was found (see the module docstring for the search)."""


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _pure_names() -> list[str]:
    return [PURE + ".exe", PURE] if os.name == "nt" else [PURE]


def _pure_candidates() -> list[Path]:
    # pip puts a package's programs in the environment's "scripts" directory: next to the
    # interpreter in a venv (found even when the venv is not activated), or the user scheme's.
    import sysconfig
    from importlib import metadata

    folders = [Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))]
    with contextlib.suppress(KeyError):  # no user scheme on this platform
        folders.append(Path(sysconfig.get_path("scripts", f"{os.name}_user")))
    found = [folder / name for folder in folders for name in _pure_names()]
    try:
        distribution = metadata.distribution(PURE)
    except metadata.PackageNotFoundError:
        return found
    for entry in distribution.files or []:  # where the installer actually put it
        if Path(str(entry)).name in _pure_names():
            found.append(Path(str(distribution.locate_file(entry))).resolve())
    return found


def find_renderer() -> str | None:
    """The path of the program ``draw_graph`` pictures are made with, or None if there is none.

    Raises ValueError when ``$BACKPROPLAB_DOT`` is set to something that is not a program.
    """
    import shutil

    configured = os.environ.get(ENV_VAR)
    if configured:
        path = shutil.which(configured)
        if path is None:
            raise ValueError(
                f"{ENV_VAR}={configured!r} is not an executable program; point it at Graphviz's "
                f"`dot` or at `{PURE}`, or unset it"
            )
        return path
    dot = shutil.which("dot")
    if dot:
        return dot
    for candidate in _pure_candidates():
        if _executable(candidate):
            return str(candidate)
    return shutil.which(PURE)


def render_bytes(source: str, fmt: str) -> bytes:
    """Run the renderer on DOT ``source`` and return the ``fmt`` output (``"svg"``, ``"png"``)."""
    if not isinstance(fmt, str) or not re.fullmatch(r"[A-Za-z0-9_.:-]+", fmt):
        raise ValueError(f"render: format must be a name such as 'svg' or 'png', got {fmt!r}")
    import subprocess

    program = find_renderer()
    if program is None:
        raise RendererNotFoundError(f"render: no Graphviz renderer found; {INSTALL_HINT}")
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(
            f"render: {program} did not finish within {TIMEOUT:.0f} s (the graph may be too "
            "big: draw a sub-graph)"
        ) from None
    except OSError as error:
        raise RuntimeError(f"render: could not run {program}: {error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(
            f"render: {program} failed to write format {fmt!r} (exit code {done.returncode}): "
            f"{message}"
        )
    return done.stdout
