"""nn/functional/dropout.py: channel dropout (dropout1d, dropout3d) and the alpha dropouts, tested
by their masks and statistics (the draws come from the library generator, not PyTorch's)."""

import numpy as np
import pytest

import autograd
from nn import functional as F
from nn.functional.dropout import SELU_SATURATION


@pytest.mark.parametrize(
    "fn, shape, channels",
    [
        (F.dropout1d, (40, 50, 3), (40, 50)),
        (F.dropout1d, (400, 5), (400,)),
        (F.dropout3d, (20, 30, 2, 2, 2), (20, 30)),
        (F.dropout3d, (300, 2, 1, 2), (300,)),
    ],
)
def test_channel_dropout_zeroes_whole_channels_with_probability_p(fn, shape, channels):
    autograd.manual_seed(0)
    y = fn(autograd.tensor(np.ones(shape)), p=0.3).numpy()
    per_channel = y.reshape(*channels, -1)
    # Every channel is all zeros or all 1 / (1 - p): one draw per channel.
    assert np.all((per_channel == 0).all(axis=-1) | (per_channel == 1 / 0.7).all(axis=-1))
    dropped = (per_channel == 0).all(axis=-1).mean()
    assert dropped == pytest.approx(0.3, abs=0.04)  # 2000 channels: 4 standard deviations


def test_channel_dropout_gradient_is_the_mask_and_eval_is_identity():
    x = autograd.tensor(np.random.default_rng(0).standard_normal((4, 3, 5)), requires_grad=True)
    autograd.manual_seed(1)
    y = F.dropout1d(x, 0.5)
    y.sum().backward()
    mask = y.numpy() / x.numpy()
    np.testing.assert_allclose(x.grad.numpy(), mask)
    assert F.dropout1d(x, 0.5, training=False) is x
    assert F.dropout3d(x.detach().reshape(1, 4, 3, 5, 1), 0.0).shape == (1, 4, 3, 5, 1)
    np.testing.assert_array_equal(F.dropout1d(x.detach(), 1.0).numpy(), 0.0)


def test_channel_dropout_in_place_writes_the_input():
    x = autograd.tensor(np.ones((3, 4, 2)))
    autograd.manual_seed(2)
    out = F.dropout1d(x, 0.5, inplace=True)
    assert out is x and set(np.unique(x.numpy())) <= {0.0, 2.0}


def test_channel_dropout_refuses_other_ranks_and_bad_p():
    with pytest.raises(ValueError, match=r"dropout1d: input must be \(N, C, L\) or \(C, L\)"):
        F.dropout1d(np.ones((2, 3, 4, 5)))
    with pytest.raises(ValueError, match="dropout3d: input must be .* got shape"):
        F.dropout3d(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="dropout1d: p must be between 0 and 1"):
        F.dropout1d(np.ones((2, 3)), 1.5)


def test_alpha_dropout_keeps_mean_0_and_variance_1_of_standard_inputs():
    autograd.manual_seed(3)
    x = np.random.default_rng(4).standard_normal(200_000)
    y = F.alpha_dropout(autograd.tensor(x), 0.2, training=True).numpy()
    assert y.mean() == pytest.approx(0.0, abs=0.01)
    assert y.std() == pytest.approx(1.0, abs=0.01)
    # Dropped units all take one value, A * a' + B; the kept ones A * x + B.
    a = 1 / np.sqrt((1 - 0.2) * (1 + 0.2 * SELU_SATURATION**2))
    b = -a * SELU_SATURATION * 0.2
    kept = np.isclose(y, a * x + b)
    assert kept.mean() == pytest.approx(0.8, abs=0.01)
    np.testing.assert_allclose(y[~kept], a * SELU_SATURATION + b)
    np.testing.assert_allclose(SELU_SATURATION, -1.7580993408473766, rtol=1e-15)


def test_alpha_dropout_gradient_defaults_and_edges():
    x = autograd.tensor(np.random.default_rng(5).standard_normal((6, 5)), requires_grad=True)
    assert F.alpha_dropout(x, 0.5) is x  # PyTorch's functional default: training=False
    autograd.manual_seed(6)
    y = F.alpha_dropout(x, 0.4, training=True)
    y.sum().backward()
    a = 1 / np.sqrt((1 - 0.4) * (1 + 0.4 * SELU_SATURATION**2))
    assert set(np.round(np.unique(x.grad.numpy()), 12)) == {0.0, round(a, 12)}
    np.testing.assert_array_equal(F.alpha_dropout(x.detach(), 1.0, True).numpy(), 0.0)


def test_feature_alpha_dropout_draws_per_channel():
    autograd.manual_seed(7)
    x = np.zeros((50, 40, 6))
    y = F.feature_alpha_dropout(autograd.tensor(x), 0.5, training=True).numpy()
    assert np.all(y == y[..., :1])  # one value per channel
    assert len(np.unique(y)) == 2


def test_torch_agrees_on_the_alpha_dropout_affine_map():
    torch = pytest.importorskip("torch")
    # PyTorch's dropped value and kept scale, read off its output for a constant input.
    torch.manual_seed(0)
    out = torch.nn.functional.alpha_dropout(
        torch.full((20000,), 0.5, dtype=torch.float64), 0.3, training=True
    ).numpy()
    autograd.manual_seed(0)
    ours = F.alpha_dropout(autograd.tensor(np.full(20000, 0.5)), 0.3, training=True).numpy()
    np.testing.assert_allclose(np.unique(ours), np.unique(out), rtol=1e-12)
