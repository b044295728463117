"""draw_graph's DOT text: snapshots, determinism, roles, edges, before/after backward, caps."""

from __future__ import annotations

import re

import numpy as np
import pytest
from graph_helpers import (
    TwoLayer,
    assert_snapshot,
    edges,
    micrograd_expression,
    vertex_id,
    vertex_line,
    vertex_text,
)

import autograd
from autograd.graph.labels import BAD_FILL, BAD_TEXT, FILL, INPUT_GRAD


def traced_mlp_step():
    net = TwoLayer()
    x = autograd.Tensor(np.array([[1.0, 2.0]]), name="x")
    with autograd.trace() as tr:
        loss = ((net(x) - 1.0) ** 2).mean()
        loss.name = "loss"
    tr.backward(loss)
    return net, loss, tr


# ----- snapshots -------------------------------------------------------------------------------
def test_snapshot_scalar_expression_before_backward():
    t = micrograd_expression()
    assert_snapshot("scalar_before_backward.dot", autograd.draw_graph(t["L"]).source)


def test_snapshot_scalar_expression_traced():
    a = autograd.Tensor(2.0, requires_grad=True, name="a")
    b = autograd.Tensor(-3.0, requires_grad=True, name="b")
    with autograd.trace() as tr:
        L = (a * b + 10.0) * -2.0
        L.name = "L"
    tr.backward(L)
    assert_snapshot("scalar_traced.dot", autograd.draw_graph(L, steps=tr).source)


def test_snapshot_a_plus_a():
    a = autograd.Tensor(3.0, requires_grad=True, name="a")
    y = a + a
    y.backward()
    assert_snapshot("a_plus_a.dot", autograd.draw_graph(y).source)


def test_snapshot_mlp_step_grouped_by_module():
    net, loss, tr = traced_mlp_step()
    source = autograd.draw_graph(loss, group_modules=net, steps=tr, view="ops").source
    assert_snapshot("mlp_grouped.dot", source)


def test_snapshot_mlp_step_module_view():
    net, loss, tr = traced_mlp_step()
    source = autograd.draw_graph(loss, group_modules=net, steps=tr, view="modules").source
    assert_snapshot("mlp_modules.dot", source)


# ----- determinism -----------------------------------------------------------------------------
def test_same_computation_gives_byte_identical_dot():
    sources = []
    for _ in range(2):
        net, loss, tr = traced_mlp_step()
        sources.append(autograd.draw_graph(loss, group_modules=net, steps=tr).source)
    assert sources[0] == sources[1]
    # Ids follow traversal order, so they are small consecutive numbers, not addresses.
    assert re.search(r"\b[a-z]0 \[", sources[0]) and "0x" not in sources[0]


# ----- what the vertices say -------------------------------------------------------------------
def test_before_and_after_backward():
    t = micrograd_expression()
    before = autograd.draw_graph(t["L"]).source
    assert vertex_text(before, "<B>a</B>") == "a data 2 grad not computed yet"
    t["L"].backward()
    after = autograd.draw_graph(t["L"]).source
    assert vertex_text(after, "<B>a</B>") == "a data 2 grad 6"
    assert vertex_text(after, "<B>b</B>") == "b data -3 grad -4"
    assert vertex_text(after, "<B>f</B>") == "f data -2 grad 4"


def test_interior_values_not_kept_say_so_once_in_the_picture():
    t = micrograd_expression()
    t["L"].backward()
    graph = autograd.draw_graph(t["L"])
    assert vertex_text(graph.source, "<B>e</B>") == "e data not kept"  # not "float32", not blank
    # The root's data is known, and after backward its grad is dL/dL = 1.
    assert vertex_text(graph.source, "<B>L</B>") == "L data -8 grad 1"
    legend = graph.source.split("\tlabel=<", 1)[1].split("labeljust")[0]
    assert legend.count("run the forward inside autograd.trace() to see them") == 1
    assert graph.source.count("trace()") == 1  # once, in the legend: not in every box
    assert "autograd.trace()" in repr(graph)  # and where the programmer looks
    before = autograd.draw_graph(micrograd_expression()["L"])  # no backward: no grad claimed
    assert vertex_text(before.source, "<B>L</B>") == "L data -8"
    a = autograd.Tensor(2.0, requires_grad=True, name="a")
    square, triple = a * a, a * 3.0
    square.name = "square"
    triple.backward()  # a.grad is set, but not by a backward from `square`
    assert vertex_text(autograd.draw_graph(square).source, "<B>square</B>") == "square data 4"
    with autograd.trace() as tr:
        t = micrograd_expression()
    tr.backward(t["L"])
    assert "\n" not in repr(autograd.draw_graph(t["L"], steps=tr))  # nothing hidden: no note


def test_roles_have_their_colours():
    x = autograd.Tensor(np.array([1.0, 2.0]), name="x")
    w = autograd.Tensor(np.array([0.5, 0.5]), requires_grad=True, name="w")
    h = x * w
    h.name = "h"
    y = h.sum()
    y.name = "y"
    source = autograd.draw_graph(y).source
    assert FILL["input"] in vertex_line(source, "<B>x</B>")
    # A leaf that requires grad but is no module's parameter is an input that requires grad.
    assert FILL[INPUT_GRAD] in vertex_line(source, "<B>w</B>")
    assert FILL["parameter"] not in source
    assert FILL["intermediate"] in vertex_line(source, "<B>h</B>")
    assert FILL["output"] in vertex_line(source, "<B>y</B>")
    # An input never gets a gradient, so it has no grad row at all.
    assert vertex_text(source, "<B>x</B>") == "x (2,) data [1, 2]"  # float64: in the legend
    assert "every value is float64" in source


def test_nan_and_inf_are_red():
    w = autograd.Tensor(np.array([1.0, 0.0]), requires_grad=True, name="w")
    with np.errstate(divide="ignore"):
        y = (1.0 / w).sum()
    y.name = "y"
    source = autograd.draw_graph(y).source
    bad = vertex_line(source, "<B>y</B>")
    assert BAD_FILL in bad and BAD_TEXT in bad and "inf" in bad
    fine = vertex_line(source, "<B>w</B>")
    assert BAD_FILL not in fine and FILL[INPUT_GRAD] in fine


def test_grad_nan_is_red_too():
    w = autograd.Tensor(np.array(0.0), requires_grad=True, name="w")
    y = w.sqrt()  # d sqrt(w)/dw = 1 / (2 sqrt(0)) = inf
    with np.errstate(divide="ignore"):
        y.backward()
    line = vertex_line(autograd.draw_graph(y).source, "<B>w</B>")
    assert BAD_FILL in line and f'<FONT COLOR="{BAD_TEXT}">inf</FONT>' in line
    assert vertex_text(autograd.draw_graph(y).source, "<B>w</B>").endswith("grad inf")


def test_shape_dtype_and_summaries():
    big = autograd.Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True, name="big")
    small = autograd.Tensor(np.array([1.5, -2.0], dtype=np.float32), name="small")
    y = big.sum() + (big[0, :2] * small).sum()
    source = autograd.draw_graph(y).source
    # Big arrays: min / mean / max columns, 2 significant digits (a glance, not a check).
    assert vertex_text(source, "<B>big</B>") == (
        "big (3, 4) float64 min mean max data 0 5.5 11 grad not computed yet"
    )
    assert vertex_text(source, "<B>small</B>") == "small (2,) data [1.5, -2]"  # float32: no dtype
    big = autograd.Tensor(np.linspace(-1, 2, 12), requires_grad=True, name="big")
    (big * 3.0).sum().backward()
    assert vertex_text(autograd.draw_graph(big).source, "<B>big</B>") == (
        "big (12,) min mean max data -1 0.5 2 grad 3 3 3"
    )


def test_show_data_and_show_grad_off():
    t = micrograd_expression()
    t["L"].backward()
    source = autograd.draw_graph(t["L"], show_data=False, show_grad=False).source
    assert "data " not in source and "grad " not in source and "not computed" not in source
    assert "<B>a</B>" in source


def test_leaf_root_is_one_vertex():
    a = autograd.Tensor(1.0, requires_grad=True, name="a")
    graph = autograd.draw_graph(a)
    assert (graph.vertices, graph.edges) == (1, 0)
    assert FILL["output"] in vertex_line(graph.source, "<B>a</B>")


# ----- edges -----------------------------------------------------------------------------------
def test_a_plus_a_draws_two_edges():
    a = autograd.Tensor(3.0, requires_grad=True, name="a")
    source = autograd.draw_graph(a + a).source
    a_id = vertex_id(source, "<B>a</B>")
    add_id = vertex_id(source, "label=add")
    assert [e for e in edges(source) if e[0] == a_id] == [(a_id, add_id, None)] * 2


@pytest.mark.parametrize(
    "make, op",
    [
        (lambda a, b: a - b, "sub"),
        (lambda a, b: a / b, "div"),
        (lambda a, b: a**b, "pow"),
        (lambda a, b: a.reshape(1, 1) @ b.reshape(1, 1), "matmul"),
    ],
)
def test_non_commutative_edges_say_which_argument(make, op):
    a = autograd.Tensor(2.0, requires_grad=True, name="a")
    b = autograd.Tensor(3.0, requires_grad=True, name="b")
    source = autograd.draw_graph(make(a, b)).source
    op_id = vertex_id(source, f"label={op} ")
    into_op = [(tail, label) for tail, head, label in edges(source) if head == op_id]
    assert len(into_op) == 2
    assert into_op[0][1] == "arg0" and into_op[1][1] == "arg1"
    if op != "matmul":  # matmul's inputs are the reshape results, not a and b themselves
        assert into_op[0][0] == vertex_id(source, "<B>a</B>")
        assert into_op[1][0] == vertex_id(source, "<B>b</B>")


def test_commutative_edges_are_unlabelled_and_constants_are_drawn():
    a = autograd.Tensor(2.0, requires_grad=True, name="a")
    source = autograd.draw_graph(a * 3.0 - 1.0).source
    mul_id = vertex_id(source, "label=mul ")
    assert [label for _, head, label in edges(source) if head == mul_id] == [None, None]
    for number in ("3", "1"):
        line = vertex_line(source, f">{number}</FONT>")
        assert 'STYLE="dashed"' in line and FILL["constant"] in line
    # No gradient flows back into a constant: its edge is dashed.
    three = vertex_id(source, ">3</FONT>")
    assert f"{three} -> {mul_id} [style=dashed]" in source


def test_where_labels_its_three_arguments():
    a = autograd.Tensor(np.array([1.0, -1.0]), requires_grad=True, name="a")
    y = autograd.where(np.array([True, False]), a, -a)
    source = autograd.draw_graph(y).source
    where_id = vertex_id(source, "label=where ")
    labels = [label for _, head, label in edges(source) if head == where_id]
    assert labels == ["arg0", "arg1", "arg2"]


# ----- limits and bad input --------------------------------------------------------------------
def test_max_nodes_cap_says_how_many_and_what_to_do():
    x = autograd.Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(300):
        y = y.tanh()
    with pytest.raises(ValueError, match=r"601 vertices.*max_nodes=500.*max_nodes=601"):
        autograd.draw_graph(y)
    assert autograd.draw_graph(y, max_nodes=601).vertices == 601


def test_deep_chain_does_not_recurse():
    x = autograd.Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    graph = autograd.draw_graph(y, max_nodes=20_000, show_data=False)
    assert graph.vertices == 1 + 5000 * 3


def test_bad_arguments_raise_clear_errors():
    a = autograd.Tensor(1.0, requires_grad=True)
    with pytest.raises(TypeError, match="draw_graph: root must be a Tensor, got float"):
        autograd.draw_graph(1.0)
    with pytest.raises(ValueError, match="draw_graph: rankdir"):
        autograd.draw_graph(a, rankdir="up")
    with pytest.raises(ValueError, match="draw_graph: max_nodes must be a positive int"):
        autograd.draw_graph(a, max_nodes=0)
    with pytest.raises(TypeError, match="draw_graph: group_modules must be"):
        autograd.draw_graph(a, group_modules="model")
    with pytest.raises(TypeError, match="draw_graph: steps must be"):
        autograd.draw_graph(a, steps=[1, 2])


def test_rankdir_is_passed_through():
    a = autograd.Tensor(1.0, requires_grad=True)
    assert "rankdir=TB" in autograd.draw_graph(a.exp(), rankdir="TB").source


def test_group_modules_accepts_only_models_and_booleans():
    a = autograd.Tensor(1.0, requires_grad=True)
    for value in (1, 1.0, 0):  # 1 == True and 0 == False, but neither is a model
        with pytest.raises(TypeError, match="draw_graph: group_modules must be"):
            autograd.draw_graph(a.exp(), group_modules=value)
    for value in (None, False):
        assert "subgraph" not in autograd.draw_graph(a.exp(), group_modules=value).source


def test_traced_edges_carry_argument_and_local_derivative_together():
    a = autograd.Tensor(2.0, requires_grad=True, name="a")
    b = autograd.Tensor(3.0, requires_grad=True, name="b")
    v = autograd.Tensor(np.array([1.0, 2.0]), requires_grad=True, name="v")
    with autograd.trace() as tr:
        y = (a - b) + (v / b).sum()
    tr.backward(y)
    source = autograd.draw_graph(y, steps=tr).source
    sub_id = vertex_id(source, 'sub" ')
    assert [label for _, head, label in edges(source) if head == sub_id] == [
        "arg0 ∂=1",  # d(a - b)/da
        "arg1 ∂=-1",  # d(a - b)/db
    ]
    div_id = vertex_id(source, 'div" ')  # v / b has a vector output: no ∂, only the order
    assert [label for _, head, label in edges(source) if head == div_id] == ["arg0", "arg1"]


def test_nonfinite_values_turn_the_vertex_red_even_when_not_shown():
    w = autograd.Tensor(np.array([1.0, np.inf]), requires_grad=True, name="w")
    line = vertex_line(autograd.draw_graph(w.sum(), show_data=False).source, "<B>w</B>")
    assert BAD_FILL in line and "data" not in line
