"""Empty tensors give PyTorch's results: size-0 batches, sequences, keys and feature axes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F


def ones(*shape):
    return autograd.tensor(np.ones(shape), requires_grad=True)


def backward_shapes(out, *inputs):
    out.sum().backward()
    return [np.asarray(x.grad).shape for x in inputs]


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_softmax_over_an_empty_axis_is_empty(fn):
    x = ones(2, 0)
    out = fn(x, dim=1)
    assert out.shape == (2, 0)
    assert backward_shapes(out, x) == [(2, 0)]


def test_conv2d_on_an_empty_batch():
    x, w = ones(0, 2, 5, 5), ones(3, 2, 3, 3)
    out = F.conv2d(x, w, ones(3))
    assert out.shape == (0, 3, 3, 3)
    assert backward_shapes(out, x, w) == [(0, 2, 5, 5), (3, 2, 3, 3)]
    assert np.asarray(w.grad).tolist() == np.zeros((3, 2, 3, 3)).tolist()


def test_attention_with_no_keys_gives_zeros():
    q = ones(2, 3, 4)
    out = F.scaled_dot_product_attention(q, ones(2, 0, 4), ones(2, 0, 4))
    assert out.shape == (2, 3, 4) and not out.data.any()


@pytest.mark.parametrize("shape", [(2, 0, 4), (0, 3, 4)], ids=["length_0", "batch_0"])
def test_multihead_attention_and_encoder_layer_on_empty_inputs(shape):
    autograd.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2, batch_first=True).double()
    x = ones(*shape)
    out, weights = mha(x, x, x)
    assert out.shape == shape and weights.shape == (shape[0], shape[1], shape[1])
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True).double()
    y = layer(x)
    assert y.shape == shape
    y.sum().backward()
    assert np.asarray(x.grad).shape == shape


def test_multihead_attention_with_no_keys_outputs_the_projection_bias():
    autograd.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2, batch_first=True).double()
    out, _ = mha(ones(2, 3, 4), ones(2, 0, 4), ones(2, 0, 4), need_weights=False)
    np.testing.assert_allclose(out.data, np.broadcast_to(mha.out_proj.bias.data, (2, 3, 4)))


def test_linear_on_a_vector_with_no_output_features():
    x, w = ones(3), ones(0, 3)
    out = F.linear(x, w)
    assert out.shape == (0,)
    assert backward_shapes(out, x, w) == [(3,), (0, 3)]
    assert np.asarray(x.grad).tolist() == [0.0, 0.0, 0.0]


def test_mse_and_l1_of_nothing_are_nan_as_in_pytorch():
    x = ones(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's "mean of empty slice"
        for loss in (F.mse_loss(x, x * 2), F.l1_loss(x, x * 2)):
            assert np.isnan(loss.item())
            loss.backward()
    assert np.asarray(x.grad).shape == (0,)


def test_conv2d_and_max_pool2d_refuse_images_without_pixels_as_pytorch():
    with pytest.raises(ValueError, match=r"conv2d: input of shape \(2, 1, 0, 0\) has no pixels"):
        F.conv2d(ones(2, 1, 0, 0), ones(2, 1, 1, 1), padding=1)
    with pytest.raises(ValueError, match="max_pool2d: .* has no values to pool"):
        F.max_pool2d(ones(1, 0, 2, 2), 2)
