"""The documentation site builds as ``make docs`` builds it, and works offline.

``mkdocs build --strict`` fails on a broken link or anchor, a ``:::`` reference that names
nothing, a notebook saved without outputs, a formula that cannot be converted, and
(docs/hooks/site.py) a public name of ``autograd``, ``nn`` or ``optim`` without a docstring or
without a place in the API reference. The notebooks' pages show their saved outputs (the build
runs no kernel); tests/examples/test_notebooks.py executes them.

Offline means: page links that resolve from ``file://`` (``use_directory_urls: false``),
formulas rendered as MathML at build time, and nothing loaded from another site. The browser
tests open the built site from disk in headless Chromium (Debian's; ``.ci/run`` installs it),
driven by tests/browser.py; without Chromium they skip, saying so.
Without the ``docs`` extra (``make test`` installs it) these tests skip, saying so.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from .browser import FLAGS, Browser, find_chromium
from .test_readme import paste_into_the_prompt

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "examples" / "notebooks").glob("*.ipynb"))

DOCS_PACKAGES = ("mkdocs", "material", "mkdocstrings", "mkdocs_jupyter", "latex2mathml")
CHROMIUM = find_chromium()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    for name in DOCS_PACKAGES:
        pytest.importorskip(name, reason=f"{name} not installed: the docs extra (make test)")
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")  # Material's notice about its successor
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = build.stdout + build.stderr
    assert build.returncode == 0, "mkdocs build --strict failed:\n" + log[-6000:]
    return out


def page(site: Path, path: str) -> str:
    return (site / f"{path}.html").read_text("utf-8")


def test_home_page_shows_the_first_network_and_the_graph(site):
    home = page(site, "index")
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
def test_every_notebook_is_a_page_with_outputs_formulas_and_a_download(site, notebook):
    html = page(site, f"notebooks/{notebook.stem}")
    outputs = re.findall(r'class="[^"]*\bjp-OutputArea-output\b', html)
    assert len(outputs) >= 3, "the page shows no saved outputs"
    assert "data:image/png;base64" in html or "<svg" in html, "no figure in the outputs"
    assert "Traceback" not in html
    cells = json.loads(notebook.read_text("utf-8"))["cells"]
    if any("$" in "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"):
        assert "<math " in html, "the notebook's formulas were not converted"
    assert (site / "notebooks" / notebook.name).exists()
    # Every table-of-contents entry leads to a heading on the page, with its whole text
    # (the notebooks' table of contents drops code spans: a heading with one got a dead link).
    ids = set(re.findall(r'id="([^"]+)"', html))
    for anchor, text in re.findall(
        r'href="#([^"]*)" class="md-nav__link">\s*<span[^>]*>(.*?)</span>', html, re.S
    ):
        assert anchor in ids, f"the table of contents entry {text.strip()!r} leads nowhere"


def test_the_site_offers_the_exercises_student_version_only(site):
    written = sorted(p.name for p in (site / "exercises").glob("ex*.ipynb"))
    assert written == sorted(p.name for p in (ROOT / "examples" / "exercises").glob("ex*.ipynb"))
    for path in (site / "exercises").glob("ex*.ipynb"):
        text = path.read_text("utf-8")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, path.name
    assert (site / "exercises" / "check.py").exists()


def test_changelog_and_contributing_are_pages(site):
    assert "Unreleased" in page(site, "changelog")
    assert "Adding an operation" in page(site, "contributing")


# What a page would load from elsewhere: scripts, styles, fonts, images, frames, imports.
EXTERNAL = re.compile(
    r"""<(?:script|img|iframe|audio|video|source|embed)\b[^>]*\bsrc=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//"""
    r"""|\b(?:import|importScripts|fetch)\(\s*["'`](?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//"""
    r"""|@import\s+(?:url\()?\s*["']?(?:https?:)?//""",
    flags=re.I,
)


def test_the_built_site_loads_nothing_from_another_site(site):
    found = []
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            for match in EXTERNAL.finditer(path.read_text("utf-8", errors="replace")):
                found.append(f"{path.relative_to(site)}: {match.group(0)}")
    assert not found, "external URLs in the built site:\n" + "\n".join(found[:20])


def test_links_resolve_from_disk_without_a_server(site):
    """Every relative link of every page points at a file of the site (no directory URLs).

    Not 404.html: a server shows it for any missing path, so its links start at the site's root.
    """
    broken = []
    for path in site.rglob("*.html"):
        if path.name == "404.html":
            continue
        text = path.read_text("utf-8")
        for href in re.findall(r'<a\b[^>]*\bhref="([^"#?]+)', text):
            if re.match(r"[a-z]+:", href) or href.startswith("//"):
                continue
            target = (path.parent / href).resolve()
            if not target.is_file():
                broken.append(f"{path.relative_to(site)} -> {href}")
    assert not broken, "links that a browser cannot open from disk:\n" + "\n".join(broken[:20])


# --- in a browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip(
            "no Chromium binary found (Debian: apt-get install chromium, or set "
            "BACKPROPLAB_CHROMIUM); .ci/run installs it"
        )
    with Browser(CHROMIUM, FLAGS) as chromium:
        yield chromium


@pytest.fixture
def tab(browser):
    # Offline: any request that leaves the machine is refused (a page that needs one fails), and
    # the test fails if a page made one.
    tab = browser.new_page(viewport={"width": 1280, "height": 900}, offline=True)
    yield tab
    tab.close()
    assert not tab.errors, f"JavaScript errors: {tab.errors}"
    assert not tab.blocked, f"requests for other sites: {tab.blocked}"


def test_from_disk_every_navigation_link_opens_a_page(site, browser):
    """Follow every link of the navigation from file://, as a reader would (scripts off: this is
    about links; the tests below run the pages' scripts)."""
    tab = browser.new_page(java_script_enabled=False)
    tab.goto((site / "index.html").as_uri())
    hrefs = tab.eval_on_selector_all(
        "nav.md-nav--primary a.md-nav__link[href]", "links => links.map(a => a.href)"
    )
    pages = sorted({href.split("#")[0] for href in hrefs})
    every_page = {p.as_uri() for p in site.rglob("*.html") if p.name != "404.html"}
    assert set(pages) == every_page, "pages the navigation misses or invents"
    for url in pages:
        assert url.startswith("file://") and url.endswith(".html"), url
        tab.goto(url, wait_until="domcontentloaded")  # raises for a missing file
        assert tab.url == url and tab.title().endswith("backproplab"), (url, tab.title())
    tab.close()


@pytest.mark.parametrize("path", ["index.html", "api/nn.html", "guides/speed.html"])
def test_from_disk_pages_run_their_scripts_and_hide_search(site, tab, path):
    """No script error under file:// (the tab fixture checks), and no search box that cannot
    work there: browsers refuse its web worker, and the page hides it."""
    tab.goto((site / path).as_uri())
    tab.locator("article h1").first.wait_for()
    assert tab.locator("input.md-search__input").count() == 1
    assert not tab.locator("input.md-search__input").is_visible()


def test_from_disk_a_notebook_page_shows_rendered_formulas(site, tab):
    tab.goto((site / "notebooks" / "02_backprop_step_by_step.html").as_uri())
    text = tab.locator("article").inner_text()
    assert "$$" not in text and "\\partial" not in text and "\\frac" not in text
    sizes = tab.eval_on_selector_all(
        "article math", "ms => ms.map(m => [m.getBoundingClientRect().height, m.display])"
    )
    assert len(sizes) >= 10, sizes
    assert all(height > 0 for height, _ in sizes), sizes
    # A fraction is laid out as one: taller than a line of text.
    fraction = tab.eval_on_selector(
        "article math[display=block] mfrac", "f => f.getBoundingClientRect().height"
    )
    line = tab.eval_on_selector("article p", "p => parseFloat(getComputedStyle(p).lineHeight)")
    assert fraction > line, (fraction, line)


@pytest.fixture(scope="module")
def server(site):
    """The site served over HTTP on the loopback interface."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    # A connection the browser drops (a closed tab, an aborted request) is not a failure; its
    # traceback would otherwise land on the stderr of whichever test runs at that moment.
    def handle_error(self, request, client_address) -> None:
        pass


def test_from_a_server_search_finds_a_page(server, tab):
    tab.goto(f"{server}/index.html")
    tab.locator("input.md-search__input").fill("AdamW")
    result = tab.locator(".md-search-result__item a").first
    result.wait_for(timeout=15)
    with tab.expect_navigation():
        result.click()
    assert tab.url.split("?")[0].endswith(".html"), tab.url
    assert "AdamW" in tab.locator("article").inner_text()


def test_home_page_example_pastes_into_the_prompt_and_prints_what_the_page_says():
    text = (ROOT / "docs" / "index.md").read_text("utf-8")
    code = re.search(r"```python\n(.*?)```", text, flags=re.S).group(1)
    shown = re.search(r"It prints:\s*```text\n(.*?)```", text, flags=re.S).group(1)
    assert paste_into_the_prompt(code) == (shown, "")
