"""Every optimizer minimises a convex quadratic and the Rosenbrock function.

Gradients are written by hand (the optimizers only read ``.grad``), so these tests exercise the
update rules alone; the last test runs the same loop through autograd's backward pass. Step
bounds are about twice what each configuration needed when these tests were written.
"""

import numpy as np
import pytest

import autograd
import optim

# f(x) = x.A x / 2 - b.x with A symmetric positive definite: minimum at A^-1 b.
A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])
B = np.array([1.0, -2.0, 0.5])

QUADRATIC = [
    ("sgd", lambda ps: optim.SGD(ps, lr=0.1), 400),
    ("sgd momentum", lambda ps: optim.SGD(ps, lr=0.1, momentum=0.5), 150),
    ("sgd nesterov", lambda ps: optim.SGD(ps, lr=0.1, momentum=0.5, nesterov=True), 180),
    ("sgd dampening", lambda ps: optim.SGD(ps, lr=0.1, momentum=0.5, dampening=0.5), 370),
    ("adam", lambda ps: optim.Adam(ps, lr=0.05), 520),
    ("adam amsgrad", lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True), 1800),
    ("adamw", lambda ps: optim.AdamW(ps, lr=0.01, weight_decay=0.0), 1600),
    ("rmsprop", lambda ps: optim.RMSprop(ps, lr=0.01), 820),
    ("rmsprop momentum", lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5), 400),
    ("rmsprop centered", lambda ps: optim.RMSprop(ps, lr=0.01, centered=True), 750),
    ("adagrad", lambda ps: optim.Adagrad(ps, lr=0.5), 140),
    ("adagrad lr_decay", lambda ps: optim.Adagrad(ps, lr=0.5, lr_decay=1e-3), 150),
]


def steps_to_reach(opt, p, grad_fn, target, tol, max_steps):
    """Run until ||p - target|| < tol; return the number of steps taken (or None)."""
    for step in range(1, max_steps + 1):
        p.grad = grad_fn(p.data)
        opt.step()
        if np.linalg.norm(p.data - target) < tol:
            return step
    return None


@pytest.mark.parametrize("name, make, max_steps", QUADRATIC, ids=[q[0] for q in QUADRATIC])
def test_quadratic_minimum_to_1e_6(name, make, max_steps):
    p = autograd.Tensor(np.zeros(3), requires_grad=True)
    target = np.linalg.solve(A, B)
    steps = steps_to_reach(make([p]), p, lambda x: A @ x - B, target, 1e-6, max_steps)
    assert steps is not None, f"{name}: ||p - x*|| = {np.linalg.norm(p.data - target):.2e}"


@pytest.mark.parametrize(
    "make", [lambda ps: optim.SGD(ps, lr=0.1, weight_decay=0.5),
             lambda ps: optim.Adam(ps, lr=0.01, weight_decay=0.5)],
)  # fmt: skip
def test_l2_weight_decay_moves_the_minimum_to_the_regularised_one(make):
    # L2 decay adds wd * p to the gradient: the fixed point is (A + wd I)^-1 b.
    p = autograd.Tensor(np.zeros(3), requires_grad=True)
    target = np.linalg.solve(A + 0.5 * np.eye(3), B)
    assert steps_to_reach(make([p]), p, lambda x: A @ x - B, target, 1e-6, 1000) is not None


def rosenbrock_grad(xy):
    # f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1)
    x, y = xy
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


ROSENBROCK = [
    ("sgd", lambda ps: optim.SGD(ps, lr=1e-3), 36000),
    ("sgd momentum", lambda ps: optim.SGD(ps, lr=1e-3, momentum=0.9), 3400),
    ("sgd nesterov", lambda ps: optim.SGD(ps, lr=1e-3, momentum=0.9, nesterov=True), 3200),
    ("adam", lambda ps: optim.Adam(ps, lr=0.05), 3000),
    ("adam amsgrad", lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True), 4200),
    ("adamw", lambda ps: optim.AdamW(ps, lr=0.05, weight_decay=0.0), 3000),
    ("rmsprop", lambda ps: optim.RMSprop(ps, lr=1e-3), 18000),
    ("rmsprop momentum", lambda ps: optim.RMSprop(ps, lr=1e-3, momentum=0.9), 2300),
    ("rmsprop centered", lambda ps: optim.RMSprop(ps, lr=1e-3, momentum=0.9, centered=True), 2200),
    ("adagrad", lambda ps: optim.Adagrad(ps, lr=0.5), 28000),
]


@pytest.mark.parametrize("name, make, max_steps", ROSENBROCK, ids=[r[0] for r in ROSENBROCK])
def test_rosenbrock_from_minus_1_5_2_to_1e_3(name, make, max_steps):
    p = autograd.Tensor(np.array([-1.5, 2.0]), requires_grad=True)
    steps = steps_to_reach(make([p]), p, rosenbrock_grad, np.ones(2), 1e-3, max_steps)
    assert steps is not None, f"{name}: stopped at {p.data}"


def test_training_loop_through_backward():
    # Least squares through the engine: zero_grad, backward, step.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3))
    y = x @ np.array([1.5, -2.0, 0.5]) + 0.3
    w = autograd.Tensor(np.zeros(3), requires_grad=True)
    b = autograd.Tensor(np.zeros(()), requires_grad=True)
    opt = optim.Adam([w, b], lr=0.05)
    for _ in range(600):
        opt.zero_grad()
        loss = ((autograd.Tensor(x) @ w + b - autograd.Tensor(y)) ** 2).mean()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(w.data, [1.5, -2.0, 0.5], atol=1e-4)
    np.testing.assert_allclose(b.data, 0.3, atol=1e-4)
