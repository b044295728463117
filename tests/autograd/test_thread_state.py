"""autograd/thread_state.py: the per-thread switches and ``Switch``, which sets one of them for a
block or a decorated function and puts the previous value back."""

import threading

import pytest

import autograd as ag
from autograd.thread_state import LOCAL, Switch


class shouting(Switch):  # a switch of the test's own, on an existing setting
    setting, value = "anomaly", True


def test_a_switch_sets_its_setting_inside_the_block_and_restores_it_after_an_error():
    assert LOCAL.state.anomaly is False
    with pytest.raises(ZeroDivisionError), shouting():
        assert LOCAL.state.anomaly is True
        raise ZeroDivisionError
    assert LOCAL.state.anomaly is False


def test_decorating_with_or_without_parentheses_and_nested_calls_restore_each_level():
    seen = []

    @ag.no_grad
    def outer():
        seen.append(ag.is_grad_enabled())
        inner()
        seen.append(ag.is_grad_enabled())

    @ag.enable_grad()
    def inner():
        seen.append(ag.is_grad_enabled())

    outer()
    assert seen == [False, True, False]
    assert ag.is_grad_enabled()
    assert outer.__name__ == "outer"  # functools.wraps


@pytest.mark.filterwarnings("ignore:invalid value encountered in log:RuntimeWarning")
def test_detect_anomaly_decorates_a_function():
    @ag.detect_anomaly
    def log_of(x):
        return ag.log(x)

    with pytest.raises(RuntimeError, match="forward of 'log' produced"):
        log_of(ag.tensor([-1.0]))
    assert LOCAL.state.anomaly is False


def test_one_decorated_function_called_from_two_threads_keeps_each_threads_mode():
    # One Switch object decorates the function; each call must use a copy of it, or the two
    # threads would overwrite each other's remembered previous value.
    go = threading.Barrier(2)
    after: dict[str, bool] = {}

    @ag.no_grad()
    def evaluate():
        go.wait()
        return ag.is_grad_enabled()

    def run(name, grad_mode):
        with grad_mode():
            inside = evaluate()
            after[name] = (inside, ag.is_grad_enabled())

    threads = [
        threading.Thread(target=run, args=("trainer", ag.enable_grad)),
        threading.Thread(target=run, args=("evaluator", ag.no_grad)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert after == {"trainer": (False, True), "evaluator": (False, False)}
