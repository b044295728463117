"""In a real browser (headless Chromium, driven by tests/browser.py): the step-through view walks
the backward pass, and the drawings' text fits when the browser sets it in DejaVu Sans.

Skipped, with the reason, where there is no Chromium binary (Debian: ``apt-get install
chromium``; ``.ci/run`` installs it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from graph_helpers import micrograd_expression

import autograd
import nn
from autograd.graph import renderer
from autograd.graph.metrics import text_width
from nn import functional as F
from tests.browser import FLAGS, Browser, find_chromium

CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium binary found (install Debian's chromium: apt-get install chromium, "
        "or set BACKPROPLAB_CHROMIUM); .ci/run installs it",
    ),
    pytest.mark.skipif(renderer.find_renderer() is None, reason="no Graphviz renderer"),
]


@pytest.fixture(scope="module")
def browser():
    # The text test's page loads its fonts from files.
    with Browser(CHROMIUM, [*FLAGS, "--allow-file-access-from-files"]) as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    yield page
    page.close()
    assert not page.errors, f"JavaScript errors: {page.errors}"


def traced_micrograd():
    with autograd.trace() as tr:
        t = micrograd_expression()
    tr.backward(t["L"])
    return t, tr


def grad_cells(page, element_id: str) -> list[str]:
    """The texts on the grad row of a value vertex, as the page shows them now."""
    return page.evaluate(
        """id => {
            const texts = [...document.getElementById(id).querySelectorAll('text')];
            const label = texts.find(t => t.textContent.trim() === 'grad');
            return texts.filter(t => t !== label && t.getAttribute('y') === label.getAttribute('y'))
                        .map(t => t.textContent);
        }""",
        element_id,
    )


def test_prev_next_and_arrow_keys_walk_the_backward_pass(page, tmp_path):
    t, tr = traced_micrograd()
    view = tr.step_through()
    path = view.save(tmp_path / "backward.html")
    page.goto(path.as_uri())
    prefix = view.ident + "-"
    vertex = {name: prefix + view.drawing.vertex_of[t[name]] for name in "abcf"}
    vertex.update({name: prefix + view.drawing.vertex_of[t[name].grad_fn] for name in "edL"})
    op = [prefix + view.drawing.op_vertex_of[step.node] for step in tr]
    box = page.locator(".bp-step")

    def shows(step: int, screenshot: bool = True) -> None:
        assert box.get_attribute("data-step") == str(step)
        current = page.locator(".bp-current")
        if step == 0:
            assert current.count() == 0
        else:
            assert current.count() == 1 and current.get_attribute("id") == op[step - 1]

    # Step 0: backward starts at L with dL/dL = 1; no other gradient exists yet.
    shows(0)
    assert "dL/dL = 1" in page.locator(".bp-panel").inner_text()
    assert grad_cells(page, vertex["L"]) == ["1"]
    assert grad_cells(page, vertex["a"]) == ["…"] and grad_cells(page, vertex["d"]) == ["…"]

    # Step 1 (button): L = d * f sends dL/dL * f = -2 to d and dL/dL * d = 4 to f.
    page.get_by_role("button", name="Next ›").click()
    shows(1)
    panel = page.locator(".bp-panel").inner_text()
    assert "Step 1 of 3: mul" in panel and "dL/d(out) = 1" in panel
    assert "d\t-2\t-2" in panel and "f\t4\t4" in panel  # input, local derivative, sent
    assert page.locator(".bp-flow").count() == 2
    assert grad_cells(page, vertex["d"]) == ["-2"] and grad_cells(page, vertex["f"]) == ["4"]
    assert grad_cells(page, vertex["a"]) == ["…"]

    # Step 2 (arrow key): d = e + c passes -2 to both.
    box.focus()
    page.keyboard.press("ArrowRight")
    shows(2)
    panel = page.locator(".bp-panel").inner_text()
    assert "Step 2 of 3: add" in panel and "dL/d(out) = -2" in panel
    assert grad_cells(page, vertex["e"]) == ["-2"] and grad_cells(page, vertex["c"]) == ["-2"]

    # Step 3: e = a * b: a gets -2 * b = 6, b gets -2 * a = -4. The end.
    page.keyboard.press("ArrowRight")
    shows(3)
    panel = page.locator(".bp-panel").inner_text()
    assert "a\t-3\t6" in panel and "b\t2\t-4" in panel and "Done" in panel
    assert grad_cells(page, vertex["a"]) == ["6"] and grad_cells(page, vertex["b"]) == ["-4"]
    page.keyboard.press("ArrowRight")  # nothing after the end
    assert box.get_attribute("data-step") == "3"

    # Back: the gradients of a and b are gone again; Home and End jump.
    page.keyboard.press("ArrowLeft")
    shows(2, screenshot=False)
    assert grad_cells(page, vertex["a"]) == ["…"] and grad_cells(page, vertex["c"]) == ["-2"]
    page.keyboard.press("Home")
    shows(0, screenshot=False)
    page.keyboard.press("End")
    shows(3, screenshot=False)


def test_tensor_steps_fill_in_summaries_and_sum_over_uses(page, tmp_path):
    w = autograd.Tensor(np.linspace(-1, 1, 8).reshape(2, 4), requires_grad=True, name="w")
    with autograd.trace() as tr:
        y = (w * w + w).sum()  # w is used three times: its grad is the sum of three arrivals
        y.name = "y"
    tr.backward(y)
    view = tr.step_through()
    page.goto(view.save(tmp_path / "tensor.html").as_uri())
    w_vertex = view.ident + "-" + view.drawing.vertex_of[w]
    page.keyboard.press("End")  # (keys go to the page too: the view listens on its box)
    page.locator(".bp-step").focus()
    page.keyboard.press("End")
    final = grad_cells(page, w_vertex)
    assert final == ["-1", "1", "3"]  # 2w + 1 over w in [-1, 1]: min / mean / max
    page.keyboard.press("Home")
    assert grad_cells(page, w_vertex) == ["…", "", ""]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """One notebook exported by nbconvert: the demo's stepper, then two views of one trace."""
    nbformat = pytest.importorskip("nbformat")
    exporters = pytest.importorskip("nbconvert.exporters")
    model, _, demo = demo_step_trace()
    _, tr = traced_micrograd()
    views = [demo.step_through(group_modules=model), tr.step_through(), tr.step_through()]
    notebook = nbformat.v4.new_notebook()
    for view in views:
        cell = nbformat.v4.new_code_cell("tr.step_through()")
        cell.outputs = [
            nbformat.v4.new_output(
                "display_data", data={"text/html": view._repr_html_(), "text/plain": repr(view)}
            )
        ]
        notebook.cells.append(cell)
    body, _ = exporters.HTMLExporter().from_notebook_node(notebook)
    path = tmp_path_factory.mktemp("exported") / "exported.html"
    path.write_text(body, encoding="utf-8")
    return path, len(demo)


def test_an_exported_notebook_runs_the_view_and_views_stay_apart(page, exported):
    page.goto(exported[0].as_uri())
    boxes = page.locator(".bp-step")
    assert boxes.count() == 3
    boxes.nth(1).get_by_role("button", name="Next ›").click()
    boxes.nth(1).get_by_role("button", name="Next ›").click()
    assert boxes.nth(1).get_attribute("data-step") == "2"
    assert boxes.nth(2).get_attribute("data-step") == "0"
    assert boxes.nth(1).locator(".bp-current").count() == 1
    assert boxes.nth(2).locator(".bp-current").count() == 0


# ----- following the step on a tall graph, keys without a click --------------------------------
def demo_step_trace():
    """The demo's training step (Linear, ReLU, Dropout ×2, Linear; cross-entropy), traced: its
    op-level graph is about three screens tall, backward starting at the bottom."""
    autograd.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 64), nn.ReLU(),
        nn.Dropout(0.2), nn.Linear(64, 10),
    )  # fmt: skip
    rng = np.random.default_rng(0)
    x = autograd.Tensor(rng.normal(size=(8, 64)).astype(np.float32), name="x")
    with autograd.trace() as tr:
        loss = F.cross_entropy(model(x), autograd.Tensor(rng.integers(0, 10, size=8)))
        loss.name = "loss"
    tr.backward(loss)
    return model, x, tr


ON_SCREEN = """box => {
    const seen = el => { const r = el.getBoundingClientRect();
        return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth; };
    const whole = el => { const r = el.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; };
    const op = box.querySelector('.bp-current'), panel = box.querySelector('.bp-panel');
    return {step: +box.getAttribute('data-step'), op: op ? whole(op) : null, panel: seen(panel),
            prev: box.querySelector('[data-move=prev]').disabled,
            next: box.querySelector('[data-move=next]').disabled,
            first: box.querySelector('[data-move=first]').disabled,
            last: box.querySelector('[data-move=last]').disabled};
}"""


def walk_to_the_end(page, box, total: int, press) -> None:
    """Press (a key or a button) until the end, checking the view after every press."""
    state = box.evaluate(ON_SCREEN)
    assert state["step"] == 0 and state["prev"] and state["first"]  # nothing before the start
    assert not state["next"] and not state["last"]
    for step in range(1, total + 1):
        press(step)
        state = box.evaluate(ON_SCREEN)
        assert state["step"] == step
        assert state["op"], f"step {step}: the current op is not (wholly) on screen"
        assert state["panel"], f"step {step}: the panel is not on screen"
        assert state["prev"] is False and state["next"] is (step == total)
        assert state["last"] is (step == total)


def test_a_saved_page_follows_the_step_and_takes_keys_without_a_click(page, tmp_path):
    model, _, tr = demo_step_trace()
    view = tr.step_through(group_modules=model)
    page.goto(view.save(tmp_path / "demo.html").as_uri())
    box = page.locator(".bp-step")
    assert page.evaluate("document.documentElement.scrollHeight") > 2 * 800  # a tall graph
    assert "anywhere on this page" in box.locator(".bp-keys").inner_text()
    walk_to_the_end(page, box, len(tr), lambda step: page.keyboard.press("ArrowRight"))
    page.keyboard.press("Home")  # back to the start: Prev disabled again, the ops unreached
    assert box.evaluate(ON_SCREEN)["prev"]
    # The buttons follow the step too.
    walk_to_the_end(
        page, box, len(tr), lambda step: box.get_by_role("button", name="Next ›").click()
    )


def test_what_backward_has_not_reached_is_hidden_and_arrows_point_back(page, tmp_path):
    t, tr = traced_micrograd()
    view = tr.step_through()
    page.goto(view.save(tmp_path / "micrograd.html").as_uri())
    texts = (
        "() => [...document.querySelectorAll('g.node text, g.edge text')].filter(t => "
        "getComputedStyle(t).visibility !== 'hidden').map(t => t.textContent).join(' ')"
    )
    shown = page.evaluate(texts)
    assert "#" not in shown and "∂" not in shown  # step 0: no step numbers, no derivatives
    page.keyboard.press("ArrowRight")
    shown = page.evaluate(texts)
    assert "#1 mul" in shown and "#2" not in shown  # step 1: its number and its ∂ labels only
    assert "∂=-2" in shown and "∂=4" in shown and "∂=1" not in shown
    flow = page.locator(".bp-flow")
    assert flow.count() == 2
    for i in range(2):  # the gradient flows back: the arrowhead sits at the operand's end
        edge = flow.nth(i)
        assert edge.locator("polygon").evaluate("p => getComputedStyle(p).display") == "none"
        marker = edge.locator("path").evaluate("p => getComputedStyle(p).markerStart")
        assert marker.startswith("url(") and view.ident + "-back" in marker
    panel = page.locator(".bp-panel").inner_text()
    assert "dL/d(out) = 1" in panel
    assert "red: the op running now" in page.locator(".bp-legend").inner_text()


def test_the_root_is_named_and_a_reused_value_shows_its_sum(page, tmp_path):
    x = autograd.Tensor(2.0, requires_grad=True, name="x")
    with autograd.trace() as tr:
        o = x + 3 * x + x * 3  # x is used three times: x.grad = 1 + 3 + 3 = 7
        o.name = "o"
    tr.backward(o)
    page.goto(tr.step_through().save(tmp_path / "reused.html").as_uri())
    panel = page.locator(".bp-panel")
    assert "do/do = 1" in panel.inner_text() and "dL" not in panel.inner_text()
    sums = []
    for _ in range(len(tr)):
        page.keyboard.press("ArrowRight")
        sums += [line for line in panel.inner_text().splitlines() if line.startswith("x.grad")]
    # The running sum, in the order backward sends them, then the total with all uses.
    assert sums[0] == "x.grad = 3 (so far: 1 of its 3 uses)" or sums[0].startswith("x.grad = ")
    assert sums[-1] == "x.grad = 3 + 1 + 3 = 7 (all 3 uses)"
    assert "do/d(out)" in panel.inner_text()
    assert x.grad == 7.0


def test_in_a_live_notebook_the_keys_wait_for_a_click(page, tmp_path):
    """JupyterLab's DOM (Lumino widgets) around the view: arrow keys belong to the notebook
    until the view is clicked; the panel says so."""
    _, tr = traced_micrograd()
    view = tr.step_through()
    path = tmp_path / "lab.html"
    path.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        '<div class="lm-Widget jp-Notebook"><div class="jp-OutputArea-output">'
        f"{view.html}</div></div></body></html>",
        encoding="utf-8",
    )
    page.goto(path.as_uri())
    box = page.locator(".bp-step")
    assert "click the view first" in box.locator(".bp-keys").inner_text()
    page.keyboard.press("ArrowRight")
    assert box.get_attribute("data-step") == "0"  # not taken from the notebook
    box.click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    assert box.get_attribute("data-step") == "1"


def test_an_exported_notebook_follows_the_step_with_keys_without_a_click(page, exported):
    path, total = exported
    page.goto(path.as_uri())
    box = page.locator(".bp-step").first  # the view on screen takes the keys
    assert "anywhere on this page" in box.locator(".bp-keys").inner_text()
    walk_to_the_end(page, box, total, lambda step: page.keyboard.press("ArrowRight"))
    page.keyboard.press("Home")
    walk_to_the_end(page, box, total, lambda step: box.get_by_role("button", name="Next ›").click())


# ----- text in DejaVu Sans, Serif and Mono, measured by the browser ------------------------------
FAMILIES = ("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono")


def _dejavu_faces(folder: Path, family: str) -> str:
    """@font-face rules for matplotlib's copy of ``family`` (regular and bold), copied next to
    the page, so the test never depends on which fonts the machine has."""
    font_manager = pytest.importorskip("matplotlib.font_manager")
    rules = []
    for weight in ("normal", "bold"):
        path = font_manager.findfont(
            font_manager.FontProperties(family=family, weight=weight),
            fallback_to_default=False,
        )
        assert family.replace(" ", "") in Path(path).name, path  # that font, no fallback
        name = f"{family.replace(' ', '-')}-{weight}.ttf"
        shutil.copy(path, folder / name)
        rules.append(
            f"@font-face {{font-family: 'Test DejaVu'; font-weight: {weight}; "
            f"src: url('{name}') format('truetype')}}"
        )
    return "\n".join(rules)


MEASURE = """() => {
    const problems = [];
    const inside = (t, s) => t.x >= s.x - 0.5 && t.x + t.width <= s.x + s.width + 0.5;
    for (const g of document.querySelectorAll('g.node')) {
        const name = g.querySelector('title').textContent;
        const ellipse = g.querySelector('ellipse');
        const shapes = [...g.querySelectorAll('polygon, path')].map(p => p.getBBox());
        const box = ellipse ? ellipse.getBBox() : shapes.reduce((a, b) =>
            a.width * a.height >= b.width * b.height ? a : b);
        const texts = [...g.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()]);
        for (const [content, t] of texts) {
            if (ellipse) {
                const cx = +ellipse.getAttribute('cx'), cy = +ellipse.getAttribute('cy');
                const rx = +ellipse.getAttribute('rx'), ry = +ellipse.getAttribute('ry');
                const y = t.y + 0.2 * t.height, h = 0.6 * t.height;  // the glyphs, not line gap
                for (const [x, yy] of [[t.x, y], [t.x + t.width, y], [t.x, y + h],
                                       [t.x + t.width, y + h]]) {
                    if (((x - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 > 1.0)
                        problems.push(name + ': ' + content + ' leaves the ellipse');
                }
            } else if (!inside(t, box)) {
                problems.push(name + ': ' + content + ' leaves its box');
            }
        }
        for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
            const [ca, a] = texts[i], [cb, b] = texts[j];
            const dx = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
            const dy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
            if (dx > 0.5 && dy > 0.3 * Math.min(a.height, b.height))
                problems.push(name + ': ' + ca + ' runs into ' + cb);
        }
    }
    const widths = [...document.querySelectorAll('text')].map(t => t.getComputedTextLength());
    return {problems, measured: widths.length};
}"""


def demo_step_graph(view=None):
    model, _, tr = demo_step_trace()
    return autograd.draw_graph(tr.root, steps=tr, group_modules=model, view=view)


def cnn_step_graph(view=None):
    autograd.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 10)
    )
    images = autograd.Tensor(np.linspace(-1, 1, 128, dtype=np.float32).reshape(2, 1, 8, 8))
    images.name = "images"
    with autograd.trace() as tr:
        loss = F.cross_entropy(model(images), autograd.Tensor(np.array([3, 7])))
        loss.name = "loss"
    tr.backward(loss)
    return autograd.draw_graph(loss, steps=tr, group_modules=model, view=view)


_SVGS: dict[str, str] = {}


def pictures_svg() -> dict[str, str]:
    """The pictures measured in every face, drawn and rendered once."""
    if not _SVGS:
        _, tr = traced_micrograd()
        graphs = {
            "micrograd": autograd.draw_graph(tr.root, steps=tr),
            "demo": demo_step_graph(),
            "demo_ops": demo_step_graph("ops"),
            "cnn_ops": cnn_step_graph("ops"),
        }
        for name, graph in graphs.items():
            svg = graph.pipe("svg").decode("utf-8")
            _SVGS[name] = svg[svg.index("<svg") :]
    return _SVGS


@pytest.mark.parametrize("family", FAMILIES)
def test_text_fits_its_boxes_in_every_dejavu_face(page, tmp_path, family):
    style = _dejavu_faces(tmp_path, family) + "\ntext {font-family: 'Test DejaVu' !important}"
    pictures = pictures_svg()
    body = "".join(f'<div id="{name}">{svg}</div>' for name, svg in pictures.items())
    path = tmp_path / "pictures.html"
    path.write_text(f"<html><head><style>{style}</style></head><body>{body}</body></html>")
    page.goto(path.as_uri())
    page.evaluate("document.fonts.ready")
    # The face asked for is what the browser used: both weights loaded, and a bold name is no
    # wider than the width the drawing reserves for it.
    assert page.evaluate("[...document.fonts].map(f => f.status)") == ["loaded", "loaded"]
    width = page.evaluate(
        """() => { const t = document.querySelector('text[font-weight="bold"]');
                   return [t.textContent, t.getComputedTextLength(),
                           +t.getAttribute('font-size')]; }"""
    )
    assert width[1] <= text_width(width[0], width[2], bold=True) + 0.5
    result = page.evaluate(MEASURE)
    assert result["measured"] > 10 * len(pictures)
    assert not result["problems"], f"in {family}: " + "\n".join(result["problems"])
