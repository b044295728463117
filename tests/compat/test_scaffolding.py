"""The CPU-run scaffolding PyTorch programs carry: accepted as documented no-ops where nothing
can change, refused with a hint where the PyTorch program would compute differently."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import optim


def test_backends_and_accelerator_flags_are_accepted():
    ag.backends.cudnn.benchmark = True
    ag.backends.cudnn.deterministic = True
    ag.backends.cuda.matmul.allow_tf32 = True
    assert not ag.backends.mps.is_available() and not ag.backends.cudnn.is_available()
    assert not ag.accelerator.is_available() and ag.accelerator.current_accelerator() is None
    ag.cuda.manual_seed_all(0)
    assert not ag.distributed.is_available() and not ag.distributed.is_initialized()
    with pytest.raises(AttributeError, match="one process"):
        ag.distributed.init_process_group  # noqa: B018


def test_autocast_and_grad_scaler_disabled_change_nothing():
    model = nn.Linear(3, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    before = model.weight.data.copy()
    scaler = ag.cuda.amp.GradScaler()  # "cuda" without a GPU: disabled, as in PyTorch
    with ag.amp.autocast(device_type="cuda"):
        loss = model(ag.ones(2, 3)).sum()
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    assert scaler.get_scale() == 1.0 and not scaler.is_enabled()
    np.testing.assert_allclose(model.weight.data, before - 0.1 * 2)
    with pytest.raises(RuntimeError, match="enabled=False"):
        ag.amp.autocast("cpu")
    with ag.amp.autocast("cpu", enabled=False):
        pass
    with pytest.raises(RuntimeError, match="enabled=False"):
        ag.amp.GradScaler("cpu")


def test_defaults_and_printoptions():
    ag.set_default_device("cpu")
    ag.set_default_dtype(ag.float32)
    assert ag.get_default_dtype() == np.float32 and ag.get_default_device() == "cpu"
    with pytest.raises(ValueError, match="runs on the CPU"):
        ag.set_default_device("cuda")
    with pytest.raises(ValueError, match="pass dtype="):
        ag.set_default_dtype(ag.float64)
    try:
        ag.set_printoptions(precision=2)
        assert repr(ag.tensor([1 / 3])) == "tensor([0.33])"
        assert np.array2string(np.array([1 / 3])) == "[0.33333333]"  # NumPy's own untouched
    finally:
        ag.set_printoptions(profile="default")
    assert repr(ag.tensor([1 / 3])) == "tensor([0.33333334])"


def test_data_parallel_runs_the_model_and_prefixes_keys():
    model = nn.Linear(2, 2)
    wrapped = nn.DataParallel(model)
    x = ag.ones(1, 2)
    np.testing.assert_array_equal(wrapped(x).data, model(x).data)
    assert set(wrapped.state_dict()) == {"module.weight", "module.bias"}
    with pytest.raises(RuntimeError, match="one process"):
        nn.parallel.DistributedDataParallel(model)


def test_bfloat16_can_be_named_but_not_used_as_a_dtype():
    # nanoGPT's train.py builds {'float32': torch.float32, 'bfloat16': torch.bfloat16, ...}
    table = {"float32": ag.float32, "bfloat16": ag.bfloat16}
    with ag.amp.autocast(device_type="cpu", dtype=table["bfloat16"], enabled=False):
        assert (ag.ones(2) * 2).dtype == np.float32
    assert ag.ones(2).dtype != ag.bfloat16
    for use in (
        lambda: ag.zeros(2, dtype=ag.bfloat16),
        lambda: ag.ones(2).to(ag.bfloat16),
        lambda: ag.ones(2).to(dtype=ag.bfloat16),
        lambda: ag.tensor([1.0], dtype=ag.bfloat16),
    ):
        with pytest.raises(TypeError, match=r"no bfloat16 \(NumPy lacks it\): use float32"):
            use()


def test_finfo_and_iinfo_give_pytorchs_limits():
    torch = pytest.importorskip("torch")
    for ours, theirs in ((ag.float32, torch.float32), (ag.float16, torch.float16)):
        for field in ("eps", "max", "min", "tiny"):
            assert float(getattr(ag.finfo(ours), field)) == getattr(torch.finfo(theirs), field)
    assert ag.iinfo(ag.int64).max == torch.iinfo(torch.int64).max
    assert ag.finfo(ag.ones(1).dtype).eps == torch.finfo(torch.ones(1).dtype).eps
