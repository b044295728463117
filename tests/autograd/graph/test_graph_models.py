"""Drawing real models: parameter names from nn, targets, the legend, dashed no-gradient edges,
the automatic direction and the rank ordering that keeps deep models narrow."""

from __future__ import annotations

import numpy as np
from graph_helpers import edges, micrograd_expression, vertex_id, vertex_line, vertex_text

import autograd
import nn
from autograd.graph.labels import FILL, ROLE_BORDER
from nn import functional as F


def classifier_step(group: bool = False):
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 3))
    x = autograd.Tensor(np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4), name="x")
    y = autograd.Tensor(np.array([2, 0]))
    with autograd.trace() as tr:
        loss = F.cross_entropy(model(x), y)
        loss.name = "loss"
    tr.backward(loss)
    return model, tr, autograd.draw_graph(loss, steps=tr, group_modules=model if group else None)


def test_nn_names_parameters_by_their_path_and_every_picture_shows_it():
    model, tr, graph = classifier_step()
    assert [p.name for p in model.parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    for name in ("0.weight", "0.bias", "2.weight", "2.bias"):  # without group_modules too
        assert FILL["parameter"] in vertex_line(graph.source, f"<B>{name}</B>")
    assert "0.weight:" in repr(tr) and "param:" not in repr(tr)  # and the trace table


def test_nested_modules_rename_and_user_names_stay():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(2, 2))
            self.scale = nn.Parameter(autograd.ones(1))
            self.scale.name = "my scale"
            self.head = nn.Linear(2, 1)

    net = Net()
    assert [p.name for p in net.parameters()] == [
        "my scale",
        "body.0.weight",
        "body.0.bias",
        "head.weight",
        "head.bias",
    ]
    bn = nn.Sequential(nn.BatchNorm1d(2))  # buffers are named as well
    assert [b.name for b in bn.buffers()][:2] == ["0.running_mean", "0.running_var"]


def test_cross_entropy_targets_are_drawn_as_targets():
    _, _, graph = classifier_step()
    line = vertex_line(graph.source, "<B>targets</B>")
    assert FILL["target"] in line and ROLE_BORDER["target"] in line and 'STYLE="dashed"' in line
    assert vertex_text(graph.source, "<B>targets</B>") == "targets (2,) int64 data [2, 0]"
    ce = vertex_id(graph.source, 'cross_entropy"')
    target = vertex_id(graph.source, "<B>targets</B>")
    assert f"{target} -> {ce} [style=dashed]" in graph.source  # no gradient goes back


def test_loss_operands_are_targets_too():
    pred = autograd.Tensor(np.array([0.5, 1.5]), requires_grad=True, name="pred")
    goal = autograd.Tensor(np.array([1.0, 1.0]), name="goal")
    source = autograd.draw_graph(F.mse_loss(pred, goal)).source
    assert FILL["target"] in vertex_line(source, "<B>goal</B>")


def test_the_legend_names_the_roles_drawn_and_the_marks():
    _, _, graph = classifier_step()
    legend = graph.source.split("\tlabel=<", 1)[1].split("labeljust")[0]
    for word in ("input", "parameter", "intermediate", "output", "target"):
        assert f">{word}<" in legend
    assert ">constant<" not in legend  # none drawn
    assert "#n: backward order" in legend and "dashed edge: no gradient" in legend
    t = micrograd_expression()
    plain = autograd.draw_graph(t["L"]).source
    assert "backward order" not in plain and ">input<" not in plain
    assert "label=<" not in autograd.draw_graph(t["L"], legend=False).source.split("\n")[1]


def test_direction_is_chosen_by_width():
    t = micrograd_expression()
    assert "rankdir=LR" in autograd.draw_graph(t["L"]).source  # a scalar expression: left-right
    _, _, graph = classifier_step(group=True)
    assert "rankdir=TB" in graph.source  # a model: top to bottom
    assert "rankdir=LR" in autograd.draw_graph(t["L"], rankdir="LR").source


def test_layer_leaves_rank_below_the_value_entering_the_layer():
    model, _, graph = classifier_step(group=True)
    hidden = {(tail, head) for tail, head, _ in edges(graph.source, invisible=True)}
    drawn = {(tail, head) for tail, head, _ in edges(graph.source)}
    ranking = hidden - drawn
    x = vertex_id(graph.source, "<B>x</B>")
    weight = vertex_id(graph.source, "<B>0.weight</B>")
    bias = vertex_id(graph.source, "<B>0.bias</B>")
    assert {(x, weight), (x, bias)} <= ranking
    assert graph.edges == len(edges(graph.source))  # the invisible ones are not counted


def test_long_runs_of_module_calls_collapse_into_one_box():
    autograd.manual_seed(0)
    model = nn.Sequential(*[nn.Tanh() for _ in range(20)])
    x = autograd.Tensor(np.ones((1, 2), dtype=np.float32), requires_grad=True, name="x")
    y = model(x).sum()
    full = autograd.draw_graph(y, group_modules=model, collapse=None, view="ops")
    short = autograd.draw_graph(y, group_modules=model, collapse=6, view="ops")
    assert full.vertices == 1 + 20 * 2 + 2 and short.vertices == 1 + 6 * 2 + 1 + 2
    note = vertex_text(short.source, "module calls not drawn")
    assert note.startswith("14 module calls not drawn: Tanh ×14 (draw_graph(")
    box = vertex_id(short.source, "module calls not drawn")
    into = [t for t, h, _ in edges(short.source) if h == box]
    out = [h for t, h, _ in edges(short.source) if t == box]
    assert len(into) == 1 and len(out) == 1  # the chain goes through it
    # The Sequential is cluster_0, its calls 1..20: the first three and the last three stay.
    kept = [n for n in range(21) if f"subgraph cluster_{n} " in short.source]
    assert kept == [0, 1, 2, 3, 18, 19, 20]
    default = autograd.draw_graph(y, group_modules=model, view="ops")
    assert default.source.count("not drawn") == 1  # default 12
    assert "not drawn" not in autograd.draw_graph(y, view="ops").source  # only module calls
