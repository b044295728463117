"""autograd/torch_methods.py: the Tensor methods PyTorch's tensor chapter uses to look at memory
(``stride``, ``storage_offset``) and to change a shape in place (``unsqueeze_``, ``squeeze_``),
against hand-derived values and, where installed, PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag


def _views(lib):
    points = lib.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
    some = lib.ones(3, 4, 5)
    return {
        "points": points,
        "points.t()": points.t(),
        "points[1]": points[1],
        "points[:, 1]": points[:, 1],
        "points[1:]": points[1:],
        "transpose": some.transpose(0, 2),
        "expand": lib.ones(3, 1).expand(3, 4),
        "contiguous": points.t().contiguous(),
    }


def test_stride_and_storage_offset_by_hand():
    views = _views(ag)
    assert views["points"].stride() == (2, 1)
    assert views["points.t()"].stride() == (1, 2)
    assert views["points.t()"].stride(1) == 2
    assert views["transpose"].stride() == (1, 5, 20)
    assert views["expand"].stride() == (1, 0)
    assert views["contiguous"].stride() == (3, 1)
    assert views["points"].storage_offset() == 0
    assert views["points[1]"].storage_offset() == 2
    assert views["points[:, 1]"].storage_offset() == 1
    assert views["contiguous"].storage_offset() == 0
    assert views["points"].element_size() == 4 and ag.ones(2).double().element_size() == 8


def test_stride_and_storage_offset_are_pytorchs():
    torch = pytest.importorskip("torch")
    ours, theirs = _views(ag), _views(torch)
    for dtype in ("float32", "float64", "int16", "int64", "bool"):
        assert (
            ag.zeros(2, dtype=dtype).element_size()
            == torch.zeros(2).to(getattr(torch, dtype)).element_size()
        )
    for name, view in ours.items():
        assert view.stride() == theirs[name].stride(), name
        assert view.storage_offset() == theirs[name].storage_offset(), name
        assert view.is_contiguous() == theirs[name].is_contiguous(), name


def test_unsqueeze_and_squeeze_in_place_keep_the_memory():
    weights = ag.tensor([0.2126, 0.7152, 0.0722])
    out = weights.unsqueeze(-1).unsqueeze_(-1)  # Deep Learning with PyTorch, chapter 3
    assert out.shape == (3, 1, 1)
    t = ag.zeros(1, 3, 1)
    view = t[0]
    assert t.squeeze_(0) is t and t.shape == (3, 1)
    t[1, 0] = 5.0  # the same memory: the view made before sees the write
    assert view[1, 0].item() == 5.0
    assert t.squeeze_().shape == (3,)
    assert t.unsqueeze_(0).shape == (1, 3)
    assert t.squeeze_(1).shape == (1, 3)  # a dim of another size stays, as in PyTorch
    with pytest.raises(IndexError, match=r"unsqueeze_: dim 3 out of range .* \(1, 3\)"):
        t.unsqueeze_(3)


def test_in_place_shape_change_is_refused_on_a_tensor_that_requires_grad():
    leaf = ag.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"unsqueeze_: .* requires grad .* t = t.unsqueeze"):
        leaf.unsqueeze_(0)
    with pytest.raises(RuntimeError, match="squeeze_: .* requires grad"):
        (leaf * 2).unsqueeze(0).squeeze_()
    assert leaf.shape == (3,)


def test_unsqueeze_and_squeeze_in_place_are_pytorchs():
    torch = pytest.importorskip("torch")
    data = np.arange(6.0).reshape(1, 2, 1, 3)
    for call in (
        lambda t: t.unsqueeze_(-1),
        lambda t: t.unsqueeze_(0),
        lambda t: t.squeeze_(),
        lambda t: t.squeeze_(2),
        lambda t: t.squeeze_(1),
        lambda t: t.squeeze_(-2),
    ):
        ours, theirs = ag.tensor(data.copy()), torch.tensor(data.copy())
        call(ours), call(theirs)
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


# --- in-place math: exp_, sqrt_, addcmul_, ... -------------------------------------------------


def test_add_and_sub_take_alpha_as_pytorchs():
    torch = pytest.importorskip("torch")
    data = np.array([1.0, -2.0, 0.5])
    for call in (
        lambda L, a, b: a.add(b),
        lambda L, a, b: a.add(b, alpha=0.1),
        lambda L, a, b: a.sub(b, alpha=3),
        lambda L, a, b: a.subtract(b),
        lambda L, a, b: L.add(a, b),
        lambda L, a, b: L.sub(a, b),
    ):
        ours = call(ag, ag.tensor(data), ag.tensor(data[::-1].copy()))
        theirs = call(torch, torch.tensor(data), torch.tensor(data[::-1].copy()))
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
