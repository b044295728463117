"""ReduceLROnPlateau with scripted metric sequences."""

import numpy as np
import pytest

import autograd
import optim
from optim import lr_scheduler as S

from ..optim_helpers import npz_round_trip, param


def lrs_after(metrics, lr=1.0, **kwargs):
    opt = optim.SGD([param([0.0])], lr=lr)
    sched = S.ReduceLROnPlateau(opt, **kwargs)
    out = []
    for m in metrics:
        sched.step(m)
        out.append(opt.param_groups[0]["lr"])
        assert sched.get_last_lr() == [out[-1]]
    return out


def test_reduces_after_more_than_patience_bad_epochs():
    # best 9 at epoch 2; epochs 3, 4, 5 are bad -> the 3rd (> patience 2) halves the LR.
    # 6, 7 bad; 8 improves (8 < 9 * (1 - 1e-4)); 9, 10, 11 bad -> halve again.
    metrics = [10, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8]
    expected = [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]
    assert lrs_after(metrics, factor=0.5, patience=2) == expected


def test_cooldown_ignores_bad_epochs():
    # Without cooldown a flat metric halves the LR at epochs 5, 8, 11; with cooldown 2 the
    # two epochs after a reduction do not count: reductions at 5 and 10.
    metrics = [10, 9] + [9] * 10
    plain = lrs_after(metrics, factor=0.5, patience=2)
    cooled = lrs_after(metrics, factor=0.5, patience=2, cooldown=2)
    assert plain == [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125]
    assert cooled == [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]


def test_relative_and_absolute_thresholds():
    # After best 10, 9.5 is not < 10 * (1 - .1) = 9 (rel) but is < 10 - .4 (abs).
    metrics = [10, 9.5, 9.5]
    assert lrs_after(metrics, patience=1, threshold=0.1) == [1, 1, 0.1]
    assert lrs_after(metrics, patience=1, threshold=0.4, threshold_mode="abs") == [1, 1, 1]


def test_max_mode():
    # accuracy rising then flat
    got = lrs_after([0.5, 0.6, 0.6, 0.6], mode="max", patience=1, factor=0.5)
    assert got == [1, 1, 1, 0.5]


def test_min_lr_floor_and_eps():
    assert lrs_after([1, 1, 1, 1], patience=0, min_lr=0.05) == [1, 0.1, 0.05, 0.05]
    # a change of eps or less is skipped: 1e-8 -> 5e-9 moves by 5e-9 < 1e-8
    assert lrs_after([1, 1], lr=1e-8, patience=0, factor=0.5) == [1e-8, 1e-8]


def test_per_group_min_lr_and_tensor_metric():
    opt = optim.SGD([{"params": [param([0.0])], "lr": 1.0}, {"params": [param([0.0])]}], lr=0.2)
    sched = S.ReduceLROnPlateau(opt, patience=0, min_lr=[0.5, 0.0])
    for metric in [autograd.Tensor(np.array(3.0)), np.float64(3.0), 3]:
        sched.step(metric)
    np.testing.assert_allclose(sched.get_last_lr(), [0.5, 0.002])


def test_state_dict_round_trip_through_a_file():
    def build():
        opt = optim.SGD([param([0.0])], lr=1.0)
        return opt, S.ReduceLROnPlateau(opt, patience=2, cooldown=1, factor=0.5)

    metrics = [5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3]
    opt, sched = build()
    for m in metrics[:5]:
        sched.step(m)
    saved = npz_round_trip({"o": opt.state_dict(), "s": sched.state_dict()})
    opt2, sched2 = build()
    opt2.load_state_dict(saved["o"])
    sched2.load_state_dict(saved["s"])
    assert (sched2.best, sched2.num_bad_epochs, sched2.mode) == (4.0, 0, "min")
    for m in metrics[5:]:
        sched.step(m)
        sched2.step(m)
        assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"factor": 1.0}, "invalid factor=1.0"),
        ({"factor": "0.5"}, "invalid factor='0.5'"),
        ({"mode": "up"}, "invalid mode='up'"),
        ({"threshold_mode": "pct"}, "invalid threshold_mode='pct'"),
        ({"patience": -1}, "invalid patience=-1"),
        ({"cooldown": 1.5}, "invalid cooldown=1.5"),
        ({"min_lr": [0.1, 0.2]}, "min_lr has 2 values"),
        ({"min_lr": -0.1}, r"invalid min_lr\[0\]=-0.1"),
    ],
)
def test_bad_arguments_raise(kwargs, text):
    with pytest.raises(ValueError, match=text):
        S.ReduceLROnPlateau(optim.SGD([param([0.0])]), **kwargs)


def test_step_with_an_epoch_sets_last_epoch_with_pytorchs_warning():
    opt = optim.SGD([param([0.0])], lr=1.0)
    sched = S.ReduceLROnPlateau(opt, patience=0)
    sched.step(1.0)
    with pytest.warns(UserWarning, match="deprecated"):
        sched.step(2.0, 7)
    assert sched.last_epoch == 7 and opt.param_groups[0]["lr"] == pytest.approx(0.1)


@pytest.mark.parametrize(
    "options",
    [{}, dict(mode="max", factor=0.5, patience=2, threshold_mode="abs", cooldown=3,
              min_lr=[0.001, 0.002]), dict(patience=0, eps=1e-3)],
)  # fmt: skip
def test_matches_torch_over_a_noisy_run_and_a_checkpoint(options):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    metrics = rng.standard_normal(80).cumsum() * 0.1 + np.abs(np.sin(np.arange(80)))

    def both():
        t_opt = torch.optim.SGD(
            [{"params": [torch.zeros(1, requires_grad=True)]} for _ in range(2)], lr=0.1
        )
        o_opt = optim.SGD([{"params": [param([0.0])]} for _ in range(2)], lr=0.1)
        T = torch.optim.lr_scheduler
        return (
            t_opt,
            T.ReduceLROnPlateau(t_opt, **options),
            o_opt,
            S.ReduceLROnPlateau(o_opt, **options),
        )

    t_opt, theirs, o_opt, ours = both()
    for i, m in enumerate(metrics):
        theirs.step(float(m))
        ours.step(float(m))
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-14)
        if i == 40:
            saved = (t_opt.state_dict(), theirs.state_dict(), o_opt.state_dict(),
                     npz_round_trip(ours.state_dict()))  # fmt: skip
    t_opt, theirs, o_opt, ours = both()
    for obj, state in zip((t_opt, theirs, o_opt, ours), saved, strict=True):
        obj.load_state_dict(state)
    for m in metrics[41:]:
        theirs.step(float(m))
        ours.step(float(m))
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-14)
