"""Cross-check against PyTorch (runs only where torch is installed)."""

import warnings

import numpy as np
import pytest

import autograd
import optim
from optim import lr_scheduler as S

torch = pytest.importorskip("torch")
TS = torch.optim.lr_scheduler

OPTIMIZERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.2, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "betas": (0.3, 0.5), "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.2}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.2,
                 "weight_decay": 0.1, "maximize": True}),
]  # fmt: skip


@pytest.mark.parametrize("name, kwargs", OPTIMIZERS)
@pytest.mark.parametrize("dtype, rtol", [(np.float32, 2e-6), (np.float64, 1e-14)])
def test_ten_steps_match_torch(name, kwargs, dtype, rtol):
    rng = np.random.default_rng(0)
    p0 = rng.normal(size=(7, 5)).astype(dtype)
    grads = rng.normal(size=(10, 7, 5)).astype(dtype)
    p = autograd.Tensor(p0.copy(), requires_grad=True)
    tp = torch.tensor(p0.copy(), requires_grad=True)
    ours, theirs = getattr(optim, name)([p], **kwargs), getattr(torch.optim, name)([tp], **kwargs)
    for g in grads:
        p.grad, tp.grad = g.copy(), torch.tensor(g)
        ours.step()
        theirs.step()
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=rtol, atol=rtol * 1e-2)
    # same state entries, same group keys (PyTorch has a few extra implementation flags)
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert set(sd["param_groups"][0]) <= set(tsd["param_groups"][0])
    assert list(sd["state"]) == list(tsd["state"])  # plain SGD keeps no state in either
    for index, entries in sd["state"].items():
        assert sorted(entries) == sorted(tsd["state"][index])
        for key, value in entries.items():
            expected = np.asarray(tsd["state"][index][key])
            np.testing.assert_allclose(value, expected, rtol=50 * rtol, atol=1e-6)


def test_a_torch_checkpoint_loads_and_continues():
    rng = np.random.default_rng(1)
    p0, grads = rng.normal(size=(4,)), rng.normal(size=(6, 4))
    tp = torch.tensor(p0.copy(), requires_grad=True)
    theirs = torch.optim.Adam([tp], lr=0.05, amsgrad=True)
    for g in grads[:3]:
        tp.grad = torch.tensor(g)
        theirs.step()
    saved = theirs.state_dict()
    saved = {
        "state": {i: {k: v.numpy() for k, v in s.items()} for i, s in saved["state"].items()},
        "param_groups": saved["param_groups"],
    }
    p = autograd.Tensor(tp.detach().numpy().copy(), requires_grad=True)
    ours = optim.Adam([p], lr=0.05, amsgrad=True)
    ours.load_state_dict(saved)
    assert ours.state[p]["step"] == 3
    for g in grads[3:]:
        tp.grad, p.grad = torch.tensor(g), g.copy()
        theirs.step()
        ours.step()
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-14)


SCHEDULES = {
    "lambda": lambda o, M: M.LambdaLR(o, lambda e: 0.95**e + 0.01 * e),
    "step": lambda o, M: M.StepLR(o, 3, gamma=0.5),
    "multistep": lambda o, M: M.MultiStepLR(o, [2, 5, 5, 9], gamma=0.3),
    "exponential": lambda o, M: M.ExponentialLR(o, 0.9),
    "cosine": lambda o, M: M.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
    "linear": lambda o, M: M.LinearLR(o),
    "linear decay": lambda o, M: M.LinearLR(o, 1.0, 0.1, total_iters=8),
    "sequential": lambda o, M: M.SequentialLR(
        o, [M.LinearLR(o, 0.1, total_iters=4), M.CosineAnnealingLR(o, 10), M.ExponentialLR(o, 0.8)],
        milestones=[4, 12],
    ),
    "sequential at 0": lambda o, M: M.SequentialLR(
        o, [M.ExponentialLR(o, 0.5), M.StepLR(o, 2)], [0]
    ),
    "one cycle": lambda o, M: M.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=30),
    "one cycle 3": lambda o, M: M.OneCycleLR(
        o, max_lr=1.0, total_steps=30, three_phase=True, anneal_strategy="linear"
    ),
    "plateau": lambda o, M: M.ReduceLROnPlateau(o, patience=2, cooldown=1, factor=0.5, min_lr=0.01),
    "chained": lambda o, M: (M.ExponentialLR(o, 0.9), M.CosineAnnealingLR(o, T_max=5))[1],
}  # fmt: skip
METRICS = [5, 4, 4, 4, 4, 3.9999, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2] + [1] * 10


def trace(module, opt_cls, make):
    params = [module_param(module) for _ in range(2)]
    opt = opt_cls([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.05}], lr=0.1)
    sched = make(opt, S if module is autograd else TS)
    rows = []
    for metric in METRICS:
        groups = opt.param_groups
        rows.append(
            [g["lr"] for g in groups] + [g.get("betas", (g.get("momentum"),))[0] for g in groups]
        )
        if module is torch:
            opt.step()  # keeps PyTorch's call-order check quiet
        sched.step(metric) if "plateau" in type(sched).__name__.lower() else sched.step()
    return np.array(rows, dtype=float)


def module_param(module):
    if module is torch:
        return torch.zeros(2, requires_grad=True)
    return autograd.Tensor(np.zeros(2), requires_grad=True)


@pytest.mark.parametrize("name", list(SCHEDULES))
@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_thirty_lrs_match_torch(name, opt_name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = trace(torch, getattr(torch.optim, opt_name), SCHEDULES[name])
    ours = trace(autograd, getattr(optim, opt_name), SCHEDULES[name])
    np.testing.assert_allclose(ours, theirs, rtol=1e-15, atol=0)
