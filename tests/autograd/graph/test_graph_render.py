"""Pictures: renderer search, the no-renderer path, real SVG/PNG output, the example script."""

from __future__ import annotations

import runpy
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest
from graph_helpers import SNAPSHOTS, micrograd_expression

import autograd
from autograd.graph import renderer

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "draw_graph.py"


@pytest.fixture
def no_renderer(monkeypatch, tmp_path):
    """Hide every renderer: empty PATH, no $BACKPROPLAB_DOT, no graphviz-pure anywhere."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(renderer.ENV_VAR, raising=False)
    monkeypatch.setattr(renderer, "_pure_candidates", lambda: [])


def fake_renderer(tmp_path: Path, body: str) -> Path:
    """A dot-compatible stand-in program written in Python; ``body`` runs with ``args``/``dot``."""
    program = tmp_path / "fake-dot"
    program.write_text(
        f"#!{sys.executable}\nimport sys\nargs = sys.argv[1:]\ndot = sys.stdin.read()\n{body}\n"
    )
    program.chmod(0o755)
    return program


def graph() -> autograd.Graph:
    return autograd.draw_graph(micrograd_expression()["L"])


# ----- without a renderer ----------------------------------------------------------------------
def test_no_renderer_shows_dot_text_and_a_hint(no_renderer):
    assert renderer.find_renderer() is None
    g = graph()
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert bundle["text/plain"].startswith(g.source)
    assert "pip install backproplab[viz]" in bundle["text/plain"]
    with pytest.raises(renderer.RendererNotFoundError, match=r"backproplab\[viz\]"):
        g.pipe("svg")


def test_source_and_save_need_no_renderer(no_renderer, tmp_path):
    g = graph()
    assert g.save(tmp_path / "g.dot").read_text() == g.source
    assert g.render(tmp_path / "h.gv").read_text() == g.source


def test_bad_env_var_is_reported_but_display_does_not_raise(monkeypatch, tmp_path):
    monkeypatch.setenv(renderer.ENV_VAR, str(tmp_path / "missing-dot"))
    with pytest.raises(ValueError, match="BACKPROPLAB_DOT=.*missing-dot.*not an executable"):
        renderer.find_renderer()
    text = graph()._repr_mimebundle_()["text/plain"]
    assert "could not draw the picture" in text and "missing-dot" in text


# ----- the protocol with a stand-in program ----------------------------------------------------
def test_env_var_program_gets_the_format_flag_and_dot_on_stdin(monkeypatch, tmp_path):
    log = tmp_path / "log.txt"
    body = f"open({str(log)!r}, 'w').write(repr(args) + '\\n' + dot)\nprint('<svg>fake</svg>')"
    monkeypatch.setenv(renderer.ENV_VAR, str(fake_renderer(tmp_path, body)))
    g = graph()
    assert g._repr_mimebundle_()["image/svg+xml"].strip() == "<svg>fake</svg>"
    args, _, received = log.read_text().partition("\n")
    assert args == "['-Tsvg']" and received == g.source


def test_a_failing_program_raises_with_its_message(monkeypatch, tmp_path):
    body = "sys.stderr.write('Format: \"pdf\" not recognized'); sys.exit(3)"
    monkeypatch.setenv(renderer.ENV_VAR, str(fake_renderer(tmp_path, body)))
    g = graph()
    with pytest.raises(RuntimeError, match=r"failed to write format 'pdf' \(exit code 3\).*pdf"):
        g.pipe("pdf")
    assert "not recognized" in g._repr_mimebundle_()["text/plain"]


def test_render_needs_a_known_format(tmp_path):
    with pytest.raises(ValueError, match="cannot tell the format"):
        graph().render(tmp_path / "picture")
    with pytest.raises(ValueError, match="format must be a name"):
        graph().pipe("svg; rm -rf /")


# ----- graphviz-pure lookup --------------------------------------------------------------------
def _pure_installed() -> bool:
    try:
        metadata.distribution(renderer.PURE)
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.skipif(not _pure_installed(), reason="graphviz-pure (the viz extra) not installed")
def test_graphviz_pure_found_without_path_or_activation(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot, no activated venv on PATH
    monkeypatch.delenv(renderer.ENV_VAR, raising=False)
    assert Path(renderer.find_renderer()).name.startswith(renderer.PURE)
    # Even with the interpreter and scripts folders elsewhere, the package's file list finds it.
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(sysconfig, "get_path", lambda *args, **kwargs: str(tmp_path))
    assert Path(renderer.find_renderer()).name.startswith(renderer.PURE)


# ----- real pictures ---------------------------------------------------------------------------
def _real_renderer() -> str | None:
    try:
        return renderer.find_renderer()
    except ValueError:
        return None


needs_renderer = pytest.mark.skipif(_real_renderer() is None, reason="no Graphviz renderer")


@needs_renderer
def test_svg_and_png_are_produced(tmp_path):
    g = graph()
    assert "<svg" in g.pipe("svg").decode()
    assert "<svg" in g._repr_mimebundle_()["image/svg+xml"]
    assert g.render(tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_renderer
@pytest.mark.parametrize("snapshot", sorted(p.name for p in SNAPSHOTS.glob("*.dot")))
def test_every_snapshot_is_valid_dot(snapshot):
    source = (SNAPSHOTS / snapshot).read_text()
    svg = renderer.render_bytes(source, "svg").decode()
    vertices = [line for line in source.splitlines() if "[label=" in line and "->" not in line]
    assert svg.count('class="node"') == len(vertices)


@needs_renderer
def test_example_writes_and_checks_its_picture(tmp_path, capsys):
    main = runpy.run_path(str(EXAMPLE), run_name="example")["main"]
    out = main(tmp_path / "graph.svg", tmp_path / "steps.html")
    assert "<svg" in out.read_text()
    assert 'class="bp-step"' in (tmp_path / "steps.html").read_text(encoding="utf-8")
    assert "backward trace: 3 steps" in capsys.readouterr().out


def test_autograd_imports_without_the_graphviz_package():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['graphviz'] = None\n"  # as if it were not installed
        "import autograd\n"
        "x = autograd.tensor(2.0, requires_grad=True)\n"
        "(x * x).backward()\n"
        "try:\n"
        "    autograd.draw_graph(x * x).source\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "pip install graphviz" in result.stdout
