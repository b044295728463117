"""The Optimizer base: parameter groups, skipped parameters, zero_grad, closure, errors."""

import numpy as np
import pytest

import autograd
import optim

from .optim_helpers import param


def test_param_groups_with_different_lrs():
    a, b = param([1.0]), param([1.0])
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.0)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.0  # filled from the defaults
    a.grad, b.grad = np.array([2.0]), np.array([2.0])
    opt.step()
    np.testing.assert_allclose([a.data[0], b.data[0]], [0.8, 0.0])


def test_changing_a_group_lr_takes_effect_next_step():
    p = param([0.0])
    opt = optim.SGD([p], lr=0.1)
    p.grad = np.array([1.0])
    opt.step()
    opt.param_groups[0]["lr"] = 1.0
    opt.step()
    np.testing.assert_allclose(p.data, [-1.1])


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: optim.Adam(ps),
        lambda ps: optim.AdamW(ps),
        lambda ps: optim.RMSprop(ps, centered=True, momentum=0.5),
        lambda ps: optim.Adagrad(ps),
    ],
)
def test_parameters_without_grad_are_skipped(make):
    used, unused = param([1.0, 2.0]), param([3.0])
    opt = make([used, unused])
    used.grad = np.array([0.5, -0.5])
    opt.step()
    opt.step()
    np.testing.assert_array_equal(unused.data, [3.0])  # untouched, even by weight decay
    assert unused not in opt.state and used in opt.state
    assert not np.array_equal(used.data, [1.0, 2.0])


def test_zero_grad_set_to_none():
    p, q = param([1.0]), param([2.0])
    p.grad = np.array([5.0])
    opt = optim.SGD([p, q])
    opt.zero_grad()
    assert p.grad is None and q.grad is None


def test_zero_grad_in_place_keeps_the_array():
    p = param([1.0, 2.0])
    p.grad = np.array([5.0, 6.0])
    grad = p.grad  # the array p holds (assigning may have copied it)
    optim.SGD([p]).zero_grad(set_to_none=False)
    assert p.grad is grad
    np.testing.assert_array_equal(grad, [0.0, 0.0])


def test_zero_grad_then_backward_accumulates_from_zero():
    w = param([1.0, 2.0])
    opt = optim.SGD([w], lr=0.1)
    for set_to_none in (True, False):
        (w * w).sum().backward()
        opt.zero_grad(set_to_none=set_to_none)
        (w * 3.0).sum().backward()
        np.testing.assert_array_equal(w.grad, [3.0, 3.0])
        opt.zero_grad()


def test_gradient_accumulation_equals_one_big_batch():
    # Two half-batch backward calls (each loss halved) then one step == one full-batch step.
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 1.0]])
    w1, w2 = param([0.1, -0.2]), param([0.1, -0.2])
    opt1, opt2 = optim.SGD([w1], lr=0.1), optim.SGD([w2], lr=0.1)
    ((autograd.Tensor(x) @ w1) ** 2).mean().backward()
    opt1.step()
    for half in (x[:2], x[2:]):
        (((autograd.Tensor(half) @ w2) ** 2).mean() / 2).backward()
    opt2.step()
    np.testing.assert_allclose(w2.data, w1.data, rtol=1e-14)


def test_step_returns_the_closure_loss_and_runs_it_with_grad_enabled():
    w = param([3.0])
    opt = optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with autograd.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    np.testing.assert_allclose(w.data, [3.0 - 0.1 * 6.0])


def test_duplicate_parameters_raise():
    p, q = param([1.0]), param([2.0])
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [p]}, {"params": [q, p]}])
    with pytest.raises(ValueError, match="twice"):
        optim.SGD([p, q, p])
    opt = optim.SGD([p])
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [p]})


def test_add_param_group_fills_defaults():
    p, q = param([1.0]), param([2.0])
    opt = optim.Adam([p], lr=0.01)
    opt.add_param_group({"params": q, "betas": (0.5, 0.6)})
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[1]["betas"] == (0.5, 0.6)
    with pytest.raises(ValueError, match="lr=-1"):
        opt.add_param_group({"params": [param([0.0])], "lr": -1})


@pytest.mark.parametrize(
    "params, error, text",
    [
        ([], ValueError, "empty parameter list"),
        ([np.zeros(2)], TypeError, r"params\[0\] is a ndarray"),
        ({param([1.0])}, TypeError, "not a set"),
    ],
)
def test_bad_params_raise(params, error, text):
    with pytest.raises(error, match=text):
        optim.SGD(params)


def test_single_tensor_and_non_leaf_raise():
    p = param([1.0])
    with pytest.raises(TypeError, match="wrap it in a list"):
        optim.SGD(p)
    with pytest.raises(ValueError, match="not a leaf"):
        optim.SGD([p * 2.0])


def test_gradient_of_the_wrong_shape_raises():
    # A (1,) gradient would silently broadcast in an in-place update. Refused when assigned
    # (autograd checks .grad) or, failing that, by step(); both messages name both shapes.
    p = param([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"\(3,\).* \(1,\)"):
        p.grad = np.array([1.0])
        optim.Adam([p]).step()


def test_step_records_no_graph_and_keeps_the_array():
    p = param([1.0, 2.0])
    data = p._data
    p.grad = np.array([1.0, 1.0])
    optim.Adam([p]).step()
    assert p._data is data and p.is_leaf and p.grad_fn is None


def test_repr_lists_groups_and_hyperparameters():
    opt = optim.SGD([{"params": [param([1.0, 2.0])]}, {"params": [param([[1.0]])], "lr": 0.5}])
    text = repr(opt)
    assert text.startswith("SGD (\nParameter Group 0\n    params: 1 tensors, 2 values\n")
    assert "Parameter Group 1" in text and "    lr: 0.5" in text and "    nesterov: False" in text


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adam, optim.RMSprop, optim.Adagrad])
def test_parameters_of_mixed_sizes_and_dtypes_update_independently(cls):
    # Each parameter must move exactly as it would under an optimizer of its own, whatever the
    # optimizer keeps between parameters (SGD keeps lr converted to the last dtype it saw).
    kwargs = {"lr": 0.1, "momentum": 0.9} if cls in (optim.SGD, optim.RMSprop) else {"lr": 0.1}
    rng = np.random.default_rng(4)
    values = [rng.normal(size=7), rng.normal(size=(2, 2)).astype(np.float32), rng.normal(size=3)]
    grads = [[rng.normal(size=v.shape).astype(v.dtype) for v in values] for _ in range(3)]
    together = [autograd.Tensor(v.copy(), requires_grad=True) for v in values]
    alone = [autograd.Tensor(v.copy(), requires_grad=True) for v in values]
    opt = cls(together, **kwargs)
    opts = [cls([p], **kwargs) for p in alone]
    for step_grads in grads:
        for p, q, g in zip(together, alone, step_grads, strict=True):
            p.grad, q.grad = g.copy(), g.copy()
        opt.step()
        for o in opts:
            o.step()
    for p, q in zip(together, alone, strict=True):
        assert p.data.dtype == q.data.dtype
        assert np.array_equal(p.data, q.data)


def test_a_rule_written_under_the_old_names_still_runs_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="now called update"):

        class HalfStep(optim.Optimizer):  # p <- p - lr * g / 2, under the old names
            def __init__(self, params, lr=0.5):
                super().__init__(params, {"lr": lr})

            def _validate(self, group):
                if group["lr"] < 0:
                    raise ValueError("lr")

            def _update(self, p, g, state, group):
                p -= group["lr"] * g / 2

    w = autograd.tensor(np.array([1.0, 2.0]), requires_grad=True)
    w.grad = np.array([4.0, 8.0])
    HalfStep([w]).step()
    np.testing.assert_allclose(w.data, [0.0, 0.0])
    with pytest.raises(ValueError, match="lr"):
        HalfStep([w], lr=-1.0)
    sgd = optim.SGD([w], lr=0.5)  # written with the new names; the old ones call them
    with pytest.warns(DeprecationWarning, match="Optimizer._update is now Optimizer.update"):
        sgd._update(w.data, w.grad, {}, sgd.param_groups[0])
    np.testing.assert_allclose(w.data, [-2.0, -4.0])
    warns = pytest.warns(DeprecationWarning, match="Optimizer._validate is now")
    with warns, pytest.raises(ValueError, match="lr"):
        sgd._validate({**sgd.param_groups[0], "lr": -1.0})


def test_a_step_written_the_pytorch_way_against_the_base_class():
    # PyTorch's tutorials subclass Optimizer and write step(): self.state[p] starts as {}, and
    # zeros_like(p, memory_format=torch.preserve_format) makes the moment buffers
    torch = pytest.importorskip("torch")

    def run(lib, base):
        class Momentum(base):
            def __init__(self, params, lr=0.1, beta=0.9):
                super().__init__(params, dict(lr=lr, beta=beta))

            @lib.no_grad()
            def step(self, closure=None):
                for group in self.param_groups:
                    for p in group["params"]:
                        state = self.state[p]
                        if len(state) == 0:
                            state["buf"] = lib.zeros_like(p, memory_format=lib.preserve_format)
                        state["buf"].mul_(group["beta"]).add_(p.grad)
                        p.add_(state["buf"], alpha=-group["lr"])

        w = lib.tensor([1.0, -2.0], requires_grad=True)
        opt = Momentum([w])
        for _ in range(3):
            opt.zero_grad()
            (w**2).sum().backward()
            opt.step()
        return w.detach().numpy(), len(opt.state_dict()["state"])

    ours = run(autograd, optim.Optimizer)
    theirs = run(torch, torch.optim.Optimizer)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    assert ours[1] == theirs[1] == 1
    with pytest.raises(ValueError, match="zeros_like: memory_format 'channels_last'"):
        autograd.zeros_like(autograd.ones(2), memory_format="channels_last")
