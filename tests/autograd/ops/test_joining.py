"""Joining: concatenate and stack, their values and gradients."""

import pytest

import autograd as ag

from .checks import make

JOINING = {
    "concatenate": lambda x: ag.concatenate([x, x[:, :1], x * 2], axis=1),
    "concatenate_neg": lambda x: ag.concatenate([x, x], axis=-1),
    "stack": lambda x: ag.stack([x, x * 3], axis=1),
    "stack_neg": lambda x: ag.stack([x[0], x[1]], axis=-1),
}


@pytest.mark.parametrize("name", sorted(JOINING))
def test_joining_gradients(name):
    assert ag.gradcheck(JOINING[name], [make((2, 3, 4), 9)])
