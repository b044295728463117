"""nn/layers/padding.py: the padding layers are F.pad with PyTorch's padding forms, values,
gradients and reprs."""

import numpy as np
import pytest

import autograd
import nn

X = np.random.default_rng(0).standard_normal((2, 3, 4, 5, 6))

LAYERS = [
    ("ZeroPad1d", (2,), (1, 2)),
    ("ZeroPad2d", (1,), (1, 0, 2, 1)),
    ("ZeroPad3d", ((1, 0, 0, 1, 1, 0),), None),
    ("ConstantPad1d", ((1, 2), 3.5), None),
    ("ConstantPad2d", (1, -0.5), None),
    ("ConstantPad3d", (1, 2.0), None),
    ("ReflectionPad1d", (3,), (0, 4)),
    ("ReflectionPad2d", ((1, 0, 2, 3),), 2),
    ("ReflectionPad3d", (1,), None),
    ("ReplicationPad1d", (6,), (2, 0)),
    ("ReplicationPad2d", ((1, 2, 0, 3),), 1),
    ("ReplicationPad3d", (1,), None),
    ("CircularPad1d", (2,), (5, 0)),
    ("CircularPad2d", ((1, 2, 3, 0),), 1),
    ("CircularPad3d", (1,), None),
]


@pytest.mark.parametrize("name, args, other", LAYERS, ids=[c[0] for c in LAYERS])
def test_padding_layers_match_torch(name, args, other):
    torch = pytest.importorskip("torch")
    for padding_args in [args] + ([(other, *args[1:])] if other is not None else []):
        ours, theirs = getattr(nn, name)(*padding_args), getattr(torch.nn, name)(*padding_args)
        assert repr(ours) == repr(theirs)
        data = X[(0,) * (3 - ours._axes)]  # (N, C) and the padded axes, as torch requires
        x = autograd.tensor(data, requires_grad=True)
        tx = torch.tensor(data, requires_grad=True)
        y, ty = ours(x), theirs(tx)
        np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
        w = np.random.default_rng(1).standard_normal(y.shape)
        (y * autograd.tensor(w)).sum().backward()
        (ty * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_padding_layers_by_hand_and_gradcheck():
    row = autograd.tensor(np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_array_equal(nn.ReflectionPad1d(2)(row).numpy(), [[3, 2, 1, 2, 3, 2, 1]])
    np.testing.assert_array_equal(nn.ReplicationPad1d(2)(row).numpy(), [[1, 1, 1, 2, 3, 3, 3]])
    np.testing.assert_array_equal(nn.CircularPad1d(2)(row).numpy(), [[2, 3, 1, 2, 3, 1, 2]])
    np.testing.assert_array_equal(nn.ZeroPad1d((0, 1))(row).numpy(), [[1, 2, 3, 0]])
    np.testing.assert_array_equal(nn.ConstantPad1d(1, 9.0)(row).numpy(), [[9, 1, 2, 3, 9]])
    x = autograd.tensor(X[0, 0, :, :3, :4], requires_grad=True)
    assert autograd.gradcheck(nn.ReflectionPad2d((1, 2, 2, 1)), [x])
    assert autograd.gradcheck(nn.ReplicationPad2d(2), [x])


def test_padding_layers_refuse_bad_padding():
    with pytest.raises(ValueError, match=r"ZeroPad2d: padding must be an int or a tuple of 4 ints"):
        nn.ZeroPad2d((1, 2))
    with pytest.raises(ValueError, match="ReflectionPad1d: padding must be .* of 2 ints"):
        nn.ReflectionPad1d((1.5, 2))
    with pytest.raises(ValueError, match="pad: reflect padding must be less than"):
        nn.ReflectionPad1d(6)(autograd.tensor(X[0, 0, 0]))
    with pytest.raises(ValueError, match=r"ReplicationPad1d: expected a 2-D .* or 3-D input"):
        nn.ReplicationPad1d(1)(autograd.tensor(X))
