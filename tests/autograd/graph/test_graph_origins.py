"""Where a tensor made outside the graph came from: remembered weakly, only while recording."""

from __future__ import annotations

import gc
import weakref

import numpy as np

import autograd
from autograd.graph.origins import MAX_OPS, array_name, name_array, origin_of


def test_an_unrecorded_chain_remembers_its_source_and_ops():
    images = autograd.Tensor(np.ones((2, 3)), name="images")
    copy = images.T.reshape(6)
    origin = origin_of(copy)
    assert origin.ops == ("transpose", "reshape") and origin.moves_only
    assert len(origin.alive_sources()) == 1 and origin.alive_sources()[0] is images
    assert not origin_of(images * 2.0).moves_only  # a multiplication computes something
    assert origin_of(images) is None  # the user's own tensor


def test_nothing_is_remembered_under_no_grad_or_for_recorded_ops():
    x = autograd.Tensor(np.ones(3))
    with autograd.no_grad():
        assert origin_of(x * 2.0) is None
    w = autograd.Tensor(np.ones(3), requires_grad=True)
    assert origin_of(w * 2.0) is None  # recorded: the graph itself says where it came from


def test_origins_keep_no_array_alive_and_chains_stay_short():
    x = autograd.Tensor(np.ones(1000))
    y = x
    for _ in range(50):  # a loop on tensors that need no grad: no chain of arrays kept
        y = y + 1.0
    middle = weakref.ref(x + 1.0)
    gc.collect()
    assert middle() is None
    assert len(origin_of(y).ops) == MAX_OPS and origin_of(y).ops[0] == "…"
    source = weakref.ref(x)
    del x
    gc.collect()
    assert source() is None and origin_of(y).alive_sources() == []


def test_a_named_array_keeps_its_name_weakly():
    mask = name_array(np.ones(3), "dropout mask")
    assert array_name(mask) == "dropout mask" and array_name(np.ones(3)) is None
    ref = weakref.ref(mask)
    del mask
    gc.collect()
    assert ref() is None
