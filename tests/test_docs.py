"""The documentation site builds as ``make docs`` builds it, so CI catches a broken page.

``mkdocs build --strict`` fails on a broken link or anchor, a ``:::`` reference that names
nothing, a notebook that raises, and (docs/hooks/site.py) a public name of ``autograd``, ``nn``
or ``optim`` without a docstring or without a place in the API reference. The notebooks run at
small size here (``make docs`` runs them at full size, as on the published site): this is the
suite's test of the notebooks. The docs extra is installed by ``make test``; without it
these tests fail rather than skip.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "examples" / "notebooks").glob("*.ipynb"))
DOCS_PACKAGES = (
    "mkdocs",
    "material",
    "mkdocstrings",
    "mkdocstrings_handlers.python",
    "mkdocs_jupyter",
)


def test_the_docs_tools_are_installed():
    missing = [name for name in DOCS_PACKAGES if importlib.util.find_spec(name) is None]
    assert not missing, f"{missing} not installed: pip install -e '.[docs]' (make test does)"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")  # Material's notice about its successor
    # Small sizes (the suite's conftest sets BACKPROPLAB_QUICK=1): every notebook still runs
    # from top to bottom and checks its own result; `make docs` builds the site at full size.
    env["BACKPROPLAB_QUICK"] = "1"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    log = build.stdout + build.stderr
    assert build.returncode == 0, "mkdocs build --strict failed:\n" + log[-6000:]
    return out


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8")


def test_home_page_shows_the_first_network_and_the_graph(site):
    home = (site / "index.html").read_text("utf-8")
    assert "A first network" in home
    assert 'src="graph.svg"' in home and (site / "graph.svg").exists()


def test_api_reference_documents_tensor_and_the_registry_ops(site):
    autograd_page = page(site, "api/autograd")
    assert 'id="autograd.Tensor"' in autograd_page
    assert 'id="autograd.Tensor.backward"' in autograd_page
    operations = page(site, "api/operations")
    for name in ("exp", "sum", "matmul", "concatenate"):
        assert f'id="autograd.{name}"' in operations, name
    assert 'id="nn.Linear"' in page(site, "api/nn")
    assert 'id="optim.Adam"' in page(site, "api/optim")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_is_a_page_with_outputs_and_a_download(site, notebook):
    html = page(site, f"notebooks/{notebook.stem}")
    outputs = re.findall(r'class="[^"]*\bjp-OutputArea-output\b', html)
    assert len(outputs) >= 3, "the notebook was not executed"
    assert "data:image/png;base64" in html or "<svg" in html, "no figure in the outputs"
    assert "Traceback" not in html
    assert (site / "notebooks" / notebook.stem / notebook.name).exists()


def test_changelog_and_contributing_are_pages(site):
    assert "Unreleased" in page(site, "changelog")
    assert "Adding an operation" in page(site, "contributing")


def test_home_page_example_prints_what_the_page_says(capsys):
    text = (ROOT / "docs" / "index.md").read_text("utf-8")
    code = re.search(r"```python\n(.*?)```", text, flags=re.S).group(1)
    shown = re.search(r"It prints:\s*```text\n(.*?)```", text, flags=re.S).group(1)
    exec(code, {"__name__": "docs_index"})
    assert capsys.readouterr().out == shown
