"""autograd/registry.py: each op is declared once, and its function, Tensor method, aliases,
operators and NumPy routes all come from that declaration (checked here for every entry)."""

import inspect

import numpy as np
import pytest

import autograd as ag
from autograd.registry import ENTRIES, NUMPY, OPERATORS, caller

NAMES = sorted(ENTRIES)


@pytest.mark.parametrize("name", NAMES)
def test_each_declaration_makes_the_function_the_method_and_the_aliases(name):
    entry = ENTRIES[name]
    if entry.export:
        assert getattr(ag, name) is entry.function
        for alias in entry.aliases:
            assert getattr(ag, alias) is entry.function, alias
    if entry.method:
        for method in (entry.method, *entry.aliases):
            assert getattr(ag.Tensor, method) is entry.function, method
    if entry.operator:
        forward, reflected = OPERATORS[entry.operator]
        # (an op with two spellings: its operator runs the op itself, one meaning only)
        assert getattr(ag.Tensor, forward) is (entry.plain or entry.function)
        assert reflected is None or getattr(ag.Tensor, reflected).__name__ == "r" + name


@pytest.mark.parametrize("name", NAMES)
def test_numpy_routes_to_the_function_that_records_it(name):
    entry = ENTRIES[name]
    for numpy_function in entry.numpy:
        # (NumPy's call goes to the NumPy-spelled function the public one wraps, if it does.)
        assert NUMPY[numpy_function] is inspect.unwrap(entry.function)


@pytest.mark.parametrize("name", sorted(n for n in NAMES if ENTRIES[n].cls is not None))
def test_an_op_declared_on_its_class_takes_forwards_parameters(name):
    entry = ENTRIES[name]
    function, forward = inspect.unwrap(entry.function), entry.cls.forward
    ours = list(inspect.signature(function).parameters.values())
    theirs = list(inspect.signature(forward).parameters.values())[1:]  # without ctx
    assert [(p.name, p.default) for p in ours] == [(p.name, p.default) for p in theirs]
    assert function.__doc__ == entry.cls.__doc__
    assert function.__module__ == entry.cls.__module__


def test_the_written_function_passes_inputs_by_position_and_options_by_keyword():
    calls = []

    class Probe(ag.Function):
        """y = x * scale."""

        @staticmethod
        def forward(ctx, x, y, scale=2.0, shift=None):
            calls.append((x, y, scale, shift))
            return x * scale

    probe = caller(Probe, "probe")
    assert str(inspect.signature(probe)) == "(x: Any, y: Any, scale=2.0, shift=None) -> 'Tensor'"
    out = probe(np.array([1.0]), np.array([5.0]), 3.0)
    assert out.data.tolist() == [3.0] and calls[-1][2:] == (3.0, None)
    probe(np.array([1.0]), np.array([5.0]), shift=1)
    assert calls[-1][2:] == (2.0, 1)


def test_a_forward_with_star_arguments_needs_an_explicit_function():
    class Stack(ag.Function):
        @staticmethod
        def forward(ctx, *arrays):
            return np.stack(arrays)

    with pytest.raises(TypeError, match="Stack: forward's parameter 'arrays' is not a plain one"):
        caller(Stack, "stack_them")


def test_one_class_may_carry_several_declarations():
    assert ENTRIES["abs"].cls is ENTRIES["fabs"].cls
    assert ENTRIES["fabs"].method is None and ENTRIES["abs"].operator == "abs()"


def test_names_where_numpy_and_pytorch_differ():
    # np.trace's function is ``matrix_trace`` (``autograd.trace`` is the graph tracer); its method
    # is ``Tensor.trace``. NumPy's sort is no method (ndarray.sort sorts in place): Tensor.sort is
    # PyTorch's, declared separately (torch_ops.py), returning values and indices.
    assert ag.Tensor.trace is ag.matrix_trace
    assert ENTRIES["sort"].method is None and ag.Tensor.sort is not ag.sort
    assert ag.Tensor.conj is ag.Tensor.conjugate is ag.conj is ag.conjugate


def test_a_second_declaration_of_a_name_is_refused():
    class Exp(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return np.exp(x)

    with pytest.raises(RuntimeError, match="op 'exp' is declared twice"):
        ag.registry.op()(Exp)
    assert ENTRIES["exp"].cls is not Exp
