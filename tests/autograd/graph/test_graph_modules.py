"""The module view: one box per module call with its parameters' names, shapes and grads,
containers as clusters, shapes on the edges, ops between modules as small ellipses; expand= for
one module's ops, hide_implementation=, and when the view is chosen by itself."""

from __future__ import annotations

import numpy as np
import pytest
from graph_helpers import edges, vertex_id, vertex_line, vertex_text

import autograd
import nn
from autograd.graph.labels import FILL
from nn import functional as F


def demo_step(*, steps=True, **options):
    autograd.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 10)
    )  # fmt: skip
    x = autograd.Tensor(np.linspace(-1, 1, 8 * 64, dtype=np.float32).reshape(8, 64), name="x")
    y = autograd.Tensor(np.arange(8) % 10)
    with autograd.trace() as tr:
        loss = F.cross_entropy(model(x), y)
        loss.name = "loss"
    tr.backward(loss)
    graph = autograd.draw_graph(loss, steps=tr if steps else None, group_modules=model, **options)
    return model, graph


def test_each_leaf_module_call_is_one_box_with_its_parameters():
    model, graph = demo_step(view="modules")
    source = graph.source
    box = vertex_text(source, "<B>0: Linear(64→32)</B>")
    weight = model[0].weight.grad
    low, high = f"{weight.min():.2g}", f"{weight.max():.2g}"
    assert box.startswith("0: Linear(64→32) grad min mean max weight (32, 64) ")
    assert low in box and high in box and "bias (32,)" in box
    assert FILL["module call"] in vertex_line(source, "<B>0: Linear(64→32)</B>")
    # Dropout's box names its mask, with the digits that make 1/(1-0.2) = 1.25 readable.
    assert vertex_text(source, "<B>2: Dropout(p=0.2)</B>").startswith(
        "2: Dropout(p=0.2) dropout mask min 0 "
    ) and vertex_text(source, "<B>2: Dropout(p=0.2)</B>").endswith("max 1.25")
    assert "matmul" not in source and "linear" not in source  # the ops are inside the boxes
    assert "<B>0.weight</B>" not in source  # parameters are rows of their box, not vertices
    # The container is a cluster; the loss between modules a small op; the output a value box.
    assert "Sequential" in source and "subgraph cluster_0" in source
    assert 'label="#1 cross_entropy"' in source and "fontsize=9" in vertex_line(
        source, 'label="#1 cross_entropy"'
    )
    assert vertex_text(source, "<B>loss</B>").startswith("loss data")
    # Edges carry the data's shape where it changes: into the first Linear, out of each.
    first = vertex_id(source, "<B>0: Linear(64→32)</B>")
    relu = vertex_id(source, "<B>1: ReLU</B>")
    drop = vertex_id(source, "<B>2: Dropout(p=0.2)</B>")
    shapes = {(t, h): label for t, h, label in edges(source)}
    assert shapes[vertex_id(source, "<B>x</B>"), first] == "(8, 64)"
    assert shapes[first, relu] == "(8, 32)" and shapes[relu, drop] is None  # unchanged
    assert "edges: the shape of the data, where it changes" in source


def test_the_module_view_is_chosen_when_ops_would_not_fit_a_screen():
    _, auto = demo_step()
    _, ops = demo_step(view="ops")
    assert "<B>0: Linear(64→32)</B>" in auto.source  # tall op-level picture: module view
    assert "<B>0.weight</B>" in ops.source and "module call" not in ops.source
    small = autograd.Tensor(2.0, requires_grad=True, name="a")
    assert "module call" not in autograd.draw_graph(small * small).source  # no modules: ops


def test_expand_draws_one_module_op_by_op_and_hides_its_implementation_ops():
    _, graph = demo_step(expand="0")
    source = graph.source
    assert "<B>0.weight</B>" in source and 'label="#' in source  # Linear 0 drawn op by op
    assert "linear" in source
    assert "<B>3: Linear(32→10)</B>" in source  # the others stay boxes
    with pytest.raises(ValueError, match="no module named 'nine'.*'0'"):
        demo_step(expand="nine")
    with pytest.raises(ValueError, match="group_modules=model"):
        autograd.draw_graph(autograd.Tensor(1.0, requires_grad=True) * 2, expand="0")


def test_hide_implementation_leaves_out_reshapes_inside_modules_and_says_so():
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(6, 2))
    x = autograd.Tensor(np.ones((2, 2, 3), dtype=np.float32), name="x")
    loss = model(x).sum()
    shown = autograd.draw_graph(loss, group_modules=model, view="ops").source
    hidden = autograd.draw_graph(
        loss, group_modules=model, view="ops", hide_implementation=True
    ).source
    assert "label=reshape" in shown  # x needs no grad: Flatten's reshape is a dashed copy
    assert "label=reshape" not in hidden
    assert "not drawn inside modules: reshape (hide_implementation=False)" in hidden
    x_vertex = vertex_id(hidden, "<B>x</B>")
    linear = vertex_id(hidden, "label=linear")
    assert (x_vertex, linear) in {(t, h) for t, h, _ in edges(hidden)}  # x goes straight in


def test_a_deep_transformer_folds_into_blocks_to_fit_and_expand_opens_one():
    autograd.manual_seed(0)
    layer = nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0)
    model = nn.TransformerEncoder(layer, 2)
    tokens = autograd.Tensor(np.ones((5, 2, 16), dtype=np.float32), name="tokens")
    loss = (model(tokens) ** 2).mean()
    loss.backward()
    folded = autograd.draw_graph(loss, group_modules=model, max_nodes=2000).source
    assert "<B>layers.0: TransformerEncoderLayer</B>" in folded  # each layer one box
    assert "self_attn.in_proj_weight" in vertex_text(folded, "<B>layers.1: Transformer")
    opened = autograd.draw_graph(
        loss, group_modules=model, max_nodes=2000, expand="layers.0"
    ).source
    assert "<B>layers.0.self_attn: MultiheadAttention" in opened  # its leaf modules are boxes
    assert "<B>layers.1: TransformerEncoderLayer</B>" in opened
