"""tr.step_through(): what each step shows, the page it makes, and its failure modes (the browser
itself is in test_graph_browser)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from graph_helpers import micrograd_expression

import autograd
from autograd.graph import renderer
from autograd.graph.stepper import StepThrough


def traced():
    with autograd.trace() as tr:
        t = micrograd_expression()
    tr.backward(t["L"])
    return t, tr


def test_states_follow_the_backward_pass():
    t, tr = traced()
    view = tr.step_through()
    assert isinstance(view, StepThrough) and len(view) == 3 and tr.root is t["L"]
    states = view.states
    assert len(states) == 4  # the start, then one per op
    prefix = view.ident + "-"
    vertex = {n: prefix + view.drawing.vertex_of[t[n]] for n in "abcf"}
    vertex.update({n: prefix + view.drawing.vertex_of[t[n].grad_fn] for n in "edL"})
    assert states[0]["op"] is None and states[0]["grads"] == {vertex["L"]: ["1"]}
    first = states[1]
    assert first["op"] == prefix + view.drawing.op_vertex_of[t["L"].grad_fn]
    assert first["out"] == vertex["L"] and first["inputs"] == [vertex["d"], vertex["f"]]
    assert first["grads"] == {vertex["d"]: ["-2"], vertex["f"]: ["4"]}
    assert len(first["edges"]) == 2 and all(e.startswith(prefix + "e") for e in first["edges"])
    assert "Step 1 of 3: mul" in first["panel"] and "dL/d(out) = <b>1</b>" in first["panel"]
    assert states[3]["grads"] == {vertex["a"]: ["6"], vertex["b"]: ["-4"]}
    assert "Done" in states[3]["panel"] and "Done" not in states[2]["panel"]


def test_a_value_used_twice_sums_its_arrivals():
    x = autograd.Tensor(3.0, requires_grad=True, name="x")
    with autograd.trace() as tr:
        y = x * x + x
        y.name = "y"
    tr.backward(y)
    view = tr.step_through()
    x_vertex = view.ident + "-" + view.drawing.vertex_of[x]
    arrivals = [s["grads"][x_vertex] for s in view.states if x_vertex in s["grads"]]
    assert arrivals == [["1"], ["7"]]  # add sends 1; mul then adds x + x = 6: dy/dx = 2x + 1


def test_tensor_ops_say_the_local_derivative_is_a_jacobian():
    w = autograd.Tensor(np.ones((2, 3)), requires_grad=True, name="w")
    with autograd.trace() as tr:
        y = (w * 2.0).sum()
    tr.backward(y)
    panels = [s["panel"] for s in tr.step_through().states]
    assert "vector-Jacobian" in panels[2]  # mul on a (2, 3) tensor
    assert "the constant 2" in panels[2] and "no gradient needed" in panels[2]


def test_the_page_is_self_contained(tmp_path):
    if renderer.find_renderer() is None:
        pytest.skip("no Graphviz renderer")
    _, tr = traced()
    view = tr.step_through()
    page = view.save(tmp_path / "backward.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<?xml" not in page
    # Nothing fetched: no external scripts, styles, fonts or images.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "import(" not in page and "fetch(" not in page
    assert view._repr_html_() == view.html and view.html in page
    # Two views never share element ids (a notebook shows many).
    assert tr.step_through().ident != view.ident


def test_without_a_renderer_the_notebook_shows_the_steps_table(monkeypatch):
    monkeypatch.setattr(renderer, "find_renderer", lambda: None)
    _, tr = traced()
    shown = tr.step_through()._repr_html_()
    assert "no Graphviz renderer found" in shown and "backward trace: 3 steps" in shown
    with pytest.raises(renderer.RendererNotFoundError):
        _ = tr.step_through().html


def test_step_through_needs_a_traced_backward():
    with autograd.trace() as tr:
        t = micrograd_expression()
    with pytest.raises(ValueError, match=r"tr.backward\(root\), then tr.step_through\(\)"):
        tr.step_through()
    tr.backward(t["L"])
    assert "3 backward steps" in repr(tr.step_through())
