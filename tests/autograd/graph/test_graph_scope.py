"""autograd.scope and group_modules: frames, nesting, cluster labels, parameter placement."""

from __future__ import annotations

import re

import numpy as np
import pytest
from graph_helpers import Affine, TwoLayer, html_label, plain, vertex_text

import autograd
import nn
from autograd.graph.clusters import describe_module
from autograd.graph.scopes import ScopeFrame
from autograd.thread_state import current


def clusters(source: str) -> list[tuple[str, str]]:
    """(cluster name, label text) in DOT order."""
    found = re.findall(r"subgraph (cluster_\d+) \{\n(.*)", source)
    return [(name, plain(html_label(line))) for name, line in found]


def test_scope_stamps_nodes_with_nested_frames():
    x = autograd.Tensor(1.0, requires_grad=True)
    with autograd.scope("outer") as outer:
        y = x * 2.0
        with autograd.scope("inner") as inner:
            z = y.exp()
    w = z + 1.0
    assert isinstance(inner, ScopeFrame) and inner.parent is outer and outer.parent is None
    assert y.grad_fn.scope is outer and z.grad_fn.scope is inner and w.grad_fn.scope is None
    assert current().scopes == []


def test_scope_is_unstacked_after_an_exception():
    with pytest.raises(KeyError), autograd.scope("boom"):
        raise KeyError
    assert current().scopes == []


def test_two_calls_of_one_module_are_two_clusters():
    layer = Affine(np.array([[2.0]]), np.array([0.0]))
    x = autograd.Tensor(np.array([[1.0]]), name="x")
    y = layer(layer(x))
    source = autograd.draw_graph(y, group_modules=layer).source
    assert clusters(source) == [("cluster_0", "Affine(1→1)"), ("cluster_1", "Affine(1→1) (call 2)")]


def test_grouping_labels_and_places_parameters():
    net = TwoLayer()
    x = autograd.Tensor(np.array([[1.0, 2.0]]), name="x")
    loss = net(x).sum()
    source = autograd.draw_graph(loss, group_modules=net, view="ops").source
    assert clusters(source) == [
        ("cluster_0", "TwoLayer"),
        ("cluster_1", "fc1: Affine(2→2)"),
        ("cluster_2", "fc2: Affine(2→1)"),
    ]
    # Parameters get their qualified names and sit inside the cluster of their module.
    fc1 = source[source.index("subgraph cluster_1") : source.index("subgraph cluster_2")]
    assert "<B>fc1.weight</B>" in fc1 and "<B>fc1.bias</B>" in fc1
    assert "<B>fc2.weight</B>" in source[source.index("subgraph cluster_2") :]
    # The input x and the final sum are outside every cluster (declared before them).
    assert source.index("<B>x</B>") < source.index("subgraph cluster_0")
    assert source.index("label=sum") < source.index("subgraph cluster_0")


def test_group_modules_true_uses_labels_and_none_draws_no_cluster():
    x = autograd.Tensor(1.0, requires_grad=True)
    with autograd.scope("attention"):
        y = x.tanh()
    assert clusters(autograd.draw_graph(y, group_modules=True).source) == [
        ("cluster_0", "attention")
    ]
    assert "subgraph" not in autograd.draw_graph(y).source


def test_describe_module():
    assert describe_module(nn.Linear(64, 128)) == "Linear(64→128)"
    assert describe_module(nn.Tanh()) == "Tanh"
    assert describe_module(nn.Dropout(0.25)) == "Dropout(p=0.25)"


def test_real_nn_model_grouped():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x = autograd.Tensor(np.ones((2, 3), dtype=np.float32), name="x")
    loss = (model(x) ** 2).mean()
    loss.backward()
    source = autograd.draw_graph(loss, group_modules=model).source
    assert clusters(source) == [
        ("cluster_0", "Sequential"),
        ("cluster_1", "0: Linear(3→4)"),
        ("cluster_2", "1: Tanh"),
        ("cluster_3", "2: Linear(4→1)"),
    ]
    weight = vertex_text(source, "<B>0.weight</B>")
    # After backward the parameter shows its gradient summary.
    assert weight.startswith("0.weight (4, 3) min mean max data ") and " grad " in weight
    assert vertex_text(source, "<B>2.bias</B>").startswith("2.bias (1,) data ")


def test_module_call_stamps_its_scope():
    layer = nn.Linear(2, 1)
    model = nn.Sequential(layer)
    y = model(autograd.Tensor(np.ones((1, 2), dtype=np.float32)))
    frame = y.grad_fn.scope
    assert isinstance(frame, ScopeFrame) and frame.label is layer
    assert frame.parent.label is model and frame.parent.parent is None


def test_raw_labels_pushed_on_the_scope_stack_still_group():
    # Robustness: a label pushed directly (not through autograd.scope) is one flat cluster.
    x = autograd.Tensor(1.0, requires_grad=True)
    current().scopes.append("raw")
    try:
        y = x.exp()
    finally:
        current().scopes.pop()
    assert clusters(autograd.draw_graph(y, group_modules=True).source) == [("cluster_0", "raw")]
