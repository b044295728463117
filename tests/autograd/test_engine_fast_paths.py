"""Engine shortcuts taken for speed: creation-order traversal, the shared scalar seed, leaf
ownership."""

import numpy as np

import autograd as ag


def test_roots_that_feed_other_roots_are_visited_once_in_any_order():
    x = ag.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    h = x + 0.0  # a computed input below the roots: it must wait for all of them
    y = h * h
    z = y * 3.0  # z depends on the root y
    (g,) = ag.grad([z.sum(), y.sum(), z.sum()], x, retain_graph=True)  # d(7 x^2)/dx = 14 x
    np.testing.assert_allclose(g.data, [14.0, 28.0])
    (g,) = ag.grad([z, y], x, grad_outputs=[np.ones(2), np.ones(2)], retain_graph=True)
    np.testing.assert_allclose(g.data, [8.0, 16.0])  # the order of the roots does not matter
    (g,) = ag.grad([y, z], x, grad_outputs=[np.ones(2), np.ones(2)])  # d(x^2 + 3x^2)/dx
    np.testing.assert_allclose(g.data, [8.0, 16.0])


def test_the_shared_scalar_seed_never_becomes_a_leaf_grad():
    x = ag.Tensor(np.float32(2.0), requires_grad=True)
    x.backward()
    first = x.grad
    assert first.numpy().flags.writeable  # the leaf owns a copy, not the read-only seed
    x.backward()  # accumulates into the array the first call handed over
    assert x.grad is first and x.grad == 2.0 and x.grad.dtype == np.float32
    y = ag.Tensor(np.float32(5.0), requires_grad=True)
    y.backward()
    assert y.grad == 1.0 and y.grad is not first


def test_one_gradient_shared_by_two_leaves_is_copied_for_the_second():
    a = ag.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = ag.Tensor(np.array([3.0, 4.0]), requires_grad=True)
    (a + b).sum().backward()  # add's backward hands the same array to both inputs
    assert a.grad is not b.grad
    a.grad += 1.0
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_a_leaf_used_twice_in_one_op_gets_both_contributions():
    x = ag.Tensor(np.array([3.0]), requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0])


def test_a_saved_scalar_result_stays_connected_under_create_graph():
    # np.exp of a 0-d array returns a NumPy scalar, which Exp saves as its output; apply must
    # save the array form so that create_graph reconnects it: d2/dx2 e^x = e^x, not 0.
    x = ag.Tensor(np.float64(0.5), requires_grad=True)
    (g,) = ag.grad(x.exp(), x, create_graph=True)
    (h,) = ag.grad(g, x)
    np.testing.assert_allclose(h.data, np.exp(0.5), rtol=1e-15)
