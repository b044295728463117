"""nn/layers/dropout.py: inverted dropout in training, the identity in eval; the channel and
alpha variants draw one value per channel and follow the module's mode."""

import numpy as np
import pytest

import autograd
import nn


def t(values, dtype=np.float64):
    return autograd.Tensor(np.asarray(values, dtype=dtype))


def test_dropout_training_zeroes_about_p_and_rescales():
    autograd.manual_seed(0)
    drop = nn.Dropout(0.25)
    x = t(np.ones(20000))
    y = drop(x).data
    assert set(np.unique(y)) == {0.0, 1 / 0.75}
    assert (y == 0).mean() == pytest.approx(0.25, abs=0.01)


def test_dropout_masks_follow_the_seed_and_eval_is_identity():
    x = t(np.ones(100))
    autograd.manual_seed(5)
    first = nn.Dropout()(x).data
    autograd.manual_seed(5)
    np.testing.assert_array_equal(nn.Dropout()(x).data, first)
    drop = nn.Dropout(0.9).eval()
    np.testing.assert_array_equal(drop(x).data, x.data)
    np.testing.assert_array_equal(nn.Dropout(1.0)(x).data, np.zeros(100))
    with pytest.raises(ValueError, match="Dropout: p must be between 0 and 1, got 1.5"):
        nn.Dropout(1.5)


@pytest.mark.parametrize(
    "layer, shape",
    [
        (nn.Dropout1d, (30, 40, 5)),
        (nn.Dropout3d, (30, 40, 2, 1, 2)),
        (nn.FeatureAlphaDropout, (30, 40, 3)),
    ],
)
def test_channel_dropout_layers_draw_one_mask_value_per_channel(layer, shape):
    autograd.manual_seed(0)
    y = layer(0.4)(t(np.ones(shape))).data.reshape(30, 40, -1)
    assert np.all(y == y[..., :1])
    values = np.unique(y)
    assert len(values) == 2
    assert (y[..., 0] == values.min()).mean() == pytest.approx(0.4, abs=0.05)


def test_dropout_variant_layers_follow_the_mode_and_torch_reprs():
    x = t(np.random.default_rng(0).standard_normal((4, 3, 2)))
    for layer in (nn.Dropout1d(), nn.Dropout3d(), nn.AlphaDropout(), nn.FeatureAlphaDropout()):
        assert layer.eval()(x) is x
    drop = nn.AlphaDropout(0.2)
    assert drop.training and not np.array_equal(drop(x).data, x.data)  # the layer trains
    assert repr(drop) == "AlphaDropout(p=0.2, inplace=False)"
    assert repr(nn.Dropout1d()) == "Dropout1d(p=0.5, inplace=False)"
    with pytest.raises(ValueError, match="Dropout1d: p must be between 0 and 1, got -0.1"):
        nn.Dropout1d(-0.1)
    torch = pytest.importorskip("torch")
    for name in ("Dropout1d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"):
        assert repr(getattr(nn, name)(0.3)) == repr(getattr(torch.nn, name)(0.3))


def test_a_compiled_step_draws_the_new_dropout_masks_afresh_as_eager_does():
    import optim
    from nn import functional as F

    rng = np.random.default_rng(1)
    x = t(rng.standard_normal((16, 2)), np.float32)
    y = t(rng.standard_normal((16, 1)), np.float32)
    losses = []
    for compiled in (False, True):
        autograd.manual_seed(0)
        model = nn.Sequential(
            nn.Linear(2, 8), nn.Unflatten(1, (2, 4)), nn.Dropout1d(0.3), nn.Flatten(),
            nn.AlphaDropout(0.2), nn.Linear(8, 1),
        )  # fmt: skip
        opt = optim.SGD(model.parameters(), lr=0.1)

        def step(x, y, model=model, opt=opt):
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            return loss

        run = autograd.compile(step) if compiled else step
        autograd.manual_seed(5)
        losses.append([run(x, y).item() for _ in range(4)])
    assert len(set(losses[0])) == 4  # the masks differ from step to step
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-6)
