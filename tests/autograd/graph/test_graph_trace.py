"""trace() / trace_backward: recorded values, backward steps, leaf grads, tables, errors."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from graph_helpers import edges, micrograd_expression, vertex_id, vertex_text

import autograd
from autograd.thread_state import current


def traced_micrograd():
    with autograd.trace() as tr:
        t = micrograd_expression()
    return t, tr


def test_steps_follow_the_chain_rule_by_hand():
    t, tr = traced_micrograd()
    result = tr.backward(t["L"])
    assert result is tr and len(tr) == 3
    # L = d * f: first step; d = e + c: second; e = a * b: third.
    assert [(s.index, s.op, s.node.name) for s in tr] == [
        (1, "mul", "L"),
        (2, "add", "d"),
        (3, "mul", "e"),
    ]
    values = [
        (float(s.output), float(s.grad_out), [float(g) for g in s.grads_in]) for s in tr.steps
    ]
    assert values == [
        (-8.0, 1.0, [-2.0, 4.0]),
        (4.0, -2.0, [-2.0, -2.0]),
        (-6.0, -2.0, [6.0, -4.0]),
    ]
    assert tr[2].local_derivatives() == (-3.0, 2.0)  # d(a*b)/da = b, d(a*b)/db = a


def test_leaf_grads_match_plain_backward_and_accumulate():
    t, tr = traced_micrograd()
    tr.backward(t["L"], retain_graph=True)
    plain = micrograd_expression()
    plain["L"].backward()
    for name in "abcf":
        assert float(t[name].grad) == float(plain[name].grad)
    tr.backward(t["L"])  # a second traced backward accumulates, like backward() does
    assert float(t["a"].grad) == 12.0 and len(tr) == 3


def test_grads_in_are_folded_to_input_shapes_and_grad_seed_is_used():
    x = autograd.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True, name="x")
    b = autograd.Tensor(np.array(0.5), requires_grad=True, name="b")
    with autograd.trace() as tr:
        y = x * b  # b is broadcast over three elements
    tr.backward(y, grad=np.array([1.0, 10.0, 100.0]))
    (step,) = tr.steps
    np.testing.assert_array_equal(step.grad_out, [1.0, 10.0, 100.0])
    np.testing.assert_array_equal(step.grads_in[0], [0.5, 5.0, 50.0])
    assert step.grads_in[1].shape == () and float(step.grads_in[1]) == 321.0
    assert float(b.grad) == 321.0
    assert step.local_derivatives() == (None, None)  # not a scalar op


def test_inputs_without_grad_get_none():
    x = autograd.Tensor(np.array([1.0, 2.0]), name="x")
    w = autograd.Tensor(np.array([3.0, 4.0]), requires_grad=True, name="w")
    with autograd.trace() as tr:
        y = (x * w).sum() * 2.0
    tr.backward(y)
    mul_step = next(step for step in tr if step.op == "mul" and step.node.inputs[0] is x)
    assert mul_step.grads_in[0] is None
    np.testing.assert_array_equal(mul_step.grads_in[1], [2.0, 4.0])
    assert tr[0].grads_in[1] is None  # the constant 2.0


def test_steps_do_not_alias_leaf_grad_buffers():
    a = autograd.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with autograd.trace() as tr:
        y = a.sum()
    tr.backward(y, retain_graph=True)
    kept = tr[0].grads_in[0].copy()
    a.grad += 100.0  # the user (or an optimizer) changes the buffer in place
    np.testing.assert_array_equal(tr[0].grads_in[0], kept)


def test_trace_backward_without_recording_still_lists_steps():
    t = micrograd_expression()
    result = autograd.trace_backward(t["L"])
    assert [s.op for s in result] == ["mul", "add", "mul"]
    assert float(result[0].output) == -8.0  # the root's value is always known
    assert result[1].output is None and result[2].output is None
    assert float(t["a"].grad) == 6.0
    assert "autograd.trace()" in repr(result)  # the table says how to see the values


def test_trace_that_did_not_record_the_root_says_what_to_do():
    tr = autograd.trace()
    t = micrograd_expression()  # computed outside the `with` block
    with pytest.raises(ValueError, match=r"with autograd.trace\(\) as tr:.*tr.backward\(root\)"):
        tr.backward(t["L"])
    assert t["a"].grad is None  # nothing ran


def test_trace_backward_errors():
    with pytest.raises(TypeError, match="trace_backward: root must be a Tensor"):
        autograd.trace_backward(3.0)
    with pytest.raises(RuntimeError, match="trace_backward: root does not require grad"):
        autograd.trace_backward(autograd.Tensor(1.0))
    with pytest.raises(RuntimeError, match="scalar"):
        autograd.trace_backward(autograd.Tensor([1.0, 2.0], requires_grad=True) * 2.0)


def test_recorder_is_removed_even_after_an_exception():
    tr = autograd.trace()
    with pytest.raises(ZeroDivisionError), tr:
        assert current().recorders == [tr]
        raise ZeroDivisionError
    assert current().recorders == []
    with pytest.raises(RuntimeError, match="already recording"), tr, tr:
        pass
    assert current().recorders == []


def test_values_live_only_as_long_as_their_graph():
    x = autograd.Tensor(np.ones(3), requires_grad=True)
    with autograd.trace() as tr:
        y = (x * 2.0).exp()
    assert tr.recorded == 2
    np.testing.assert_array_equal(tr.value(y.grad_fn), np.exp(2.0 * np.ones(3)))
    del y
    gc.collect()
    assert tr.recorded == 0


def test_text_and_html_tables():
    t, tr = traced_micrograd()
    assert "backward not traced yet" in repr(tr)
    tr.backward(t["L"])
    lines = repr(tr).splitlines()
    assert lines[0] == "backward trace: 3 steps"
    assert lines[1].split() == ["step", "op", "output", "grad", "out", "grads", "to", "inputs"]
    assert lines[2].split() == ["1", "mul", "(L)", "-8", "1", "d:", "-2,", "f:", "4"]
    assert lines[4].split() == ["3", "mul", "(e)", "-6", "-2", "a:", "6,", "b:", "-4"]
    table = tr._repr_html_()
    assert table.startswith("<table>") and table.count("<tr>") == 4
    assert "<td>a: 6, b: -4</td>" in table


def test_unnamed_inputs_are_called_by_their_step():
    x = autograd.Tensor(2.0, requires_grad=True)
    with autograd.trace() as tr:
        y = x.exp().sin()
    tr.backward(y)
    assert "#2 exp:" in repr(tr).splitlines()[2]  # sin's input is exp's result, step 2
    assert "param:" in repr(tr).splitlines()[3]


def test_drawing_a_trace_shows_every_value_and_numbers_ops_in_backward_order():
    t, tr = traced_micrograd()
    before = autograd.draw_graph(t["L"], steps=tr)
    assert vertex_text(before.source, "<B>e</B>") == "e data -6 grad not computed yet"
    tr.backward(t["L"])
    graph = autograd.draw_graph(t["L"], steps=tr)
    source = graph.source
    assert vertex_text(source, "<B>e</B>") == "e data -6 grad -2"
    assert vertex_text(source, "<B>L</B>") == "L data -8 grad 1"
    assert graph.notes == []  # every value is known: nothing to explain
    first = vertex_id(source, '"#1 mul"')
    labels = {tail: label for tail, head, label in edges(source) if head == first}
    assert labels == {vertex_id(source, "<B>d</B>"): "∂=-2", vertex_id(source, "<B>f</B>"): "∂=4"}


def test_steps_of_another_graph_are_refused():
    t, tr = traced_micrograd()
    tr.backward(t["L"])
    other = micrograd_expression()
    with pytest.raises(ValueError, match="different graph"):
        autograd.draw_graph(other["L"], steps=tr)
    # A list of steps works as well as the Trace itself.
    assert '"#1 mul"' in autograd.draw_graph(t["L"], steps=list(tr)).source


def test_table_title_says_step_or_steps():
    x = autograd.Tensor(2.0, requires_grad=True, name="x")
    with autograd.trace() as tr:
        y = x.exp()
    tr.backward(y)
    assert repr(tr).splitlines()[0] == "backward trace: 1 step"
    assert "<caption>backward trace: 1 step</caption>" in tr._repr_html_()


def test_traces_exited_out_of_order_each_remove_only_themselves():
    first, second = autograd.trace(), autograd.trace()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # e.g. a generator suspended inside `first`
    assert current().recorders == [second]
    second.__exit__(None, None, None)
    assert current().recorders == []
