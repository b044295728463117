"""autograd.scope.call: the function form of a scope block, as nn.Module.__call__ uses it."""

from __future__ import annotations

import pytest

import autograd
from autograd.graph.scopes import ScopeFrame
from autograd.thread_state import current


def test_call_passes_arguments_and_returns_the_result():
    def f(a, b, *, c):
        return a * 100 + b * 10 + c

    assert autograd.scope.call("s", f, (1, 2), {"c": 3}) == 123
    assert current().scopes == []


def test_call_stamps_nested_frames_like_a_with_block():
    x = autograd.Tensor(1.0, requires_grad=True)
    seen = {}

    def inner(t):
        seen["inner"] = current().scopes[-1]
        return t.exp()

    def outer(t):
        seen["outer"] = current().scopes[-1]
        return autograd.scope.call("inner", inner, (t * 2.0,), {})

    with autograd.scope("top") as top:
        y = autograd.scope.call("outer", outer, (x,), {})
    frame = y.grad_fn.scope
    assert isinstance(frame, ScopeFrame) and frame is seen["inner"]
    assert frame.label == "inner" and frame.parent is seen["outer"]
    assert frame.parent.label == "outer" and frame.parent.parent is top
    assert y.grad_fn.inputs[0].scope is seen["outer"]  # the product ran in "outer"
    assert current().scopes == []


def test_two_calls_are_two_frames():
    x = autograd.Tensor(1.0, requires_grad=True)
    a = autograd.scope.call("layer", lambda t: t.exp(), (x,), {})
    b = autograd.scope.call("layer", lambda t: t.exp(), (a,), {})
    assert a.grad_fn.scope is not b.grad_fn.scope
    assert a.grad_fn.scope.label == b.grad_fn.scope.label == "layer"


def test_call_unstacks_after_an_exception():
    def boom():
        raise KeyError("x")

    with pytest.raises(KeyError):
        autograd.scope.call("boom", boom, (), {})
    assert current().scopes == []


def test_call_under_no_grad_pushes_nothing():
    depth = []
    with autograd.no_grad():
        autograd.scope.call("s", lambda: depth.append(len(current().scopes)), (), {})
    assert depth == [0]
