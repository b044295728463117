"""``autograd.pytorch_meanings``: the Tensor methods with two meanings (``meanings.CONFLICTS``)
take PyTorch's meaning in a thread that switched, and nothing else changes: NumPy arrays,
``np.*`` calls on tensors, calls naming a NumPy keyword, other threads."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
from autograd.meanings import CONFLICTS

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def x():
    rng = np.random.default_rng(0)
    return ag.tensor(rng.normal(size=(3, 4)), dtype=np.float64, requires_grad=True)


def test_default_is_numpy_and_the_switch_gives_pytorch(x):
    a = x.numpy()
    assert np.isclose(x.std().item(), a.std())
    assert np.allclose(x.max(1).data, a.max(1))
    with ag.pytorch_meanings(True):
        assert ag.is_pytorch_meanings()
        assert np.isclose(x.std().item(), a.std(ddof=1))
        assert np.isclose(x.var().item(), a.var(ddof=1))
        assert np.allclose(x.std(0).data, a.std(0, ddof=1))
        assert np.allclose(ag.var(x, 1).data, a.var(1, ddof=1))
        values, indices = x.max(1)
        assert np.allclose(values.data, a.max(1)) and (indices.data == a.argmax(1)).all()
        values, indices = ag.min(x, 0)
        assert np.allclose(values.data, a.min(0)) and (indices.data == a.argmin(0)).all()
        assert np.isclose(x.max().item(), a.max())  # no dim: one number in both
        assert np.allclose(x.max(x * 0).data, np.maximum(a, 0))  # a tensor: elementwise
        assert np.allclose(x.repeat(2, 1).data, np.tile(a, (2, 1)))
        assert np.allclose(x.repeat((1, 3)).data, np.tile(a, (1, 3)))
    assert not ag.is_pytorch_meanings()


def test_numpy_keywords_arrays_and_np_functions_keep_numpy_meaning(x):
    a = x.numpy()
    with ag.pytorch_meanings(True):
        assert np.isclose(x.std(axis=None).item(), a.std())
        assert np.isclose(x.std(ddof=0).item(), a.std())
        assert np.allclose(x.max(axis=1).data, a.max(axis=1))
        assert np.allclose(x.repeat(2, axis=0).data, np.repeat(a, 2, axis=0))
        assert np.isclose(np.std(x).item(), np.std(a))  # NumPy's function: NumPy's meaning
        assert np.allclose(np.max(x, 1).data, a.max(1))
        assert np.allclose(a.repeat(2), np.repeat(a, 2))  # arrays are untouched


def test_the_switch_is_per_thread_and_the_block_restores_it(x):
    seen = []
    with ag.pytorch_meanings(True):
        worker = threading.Thread(target=lambda: seen.append(ag.is_pytorch_meanings()))
        worker.start()
        worker.join()
        with ag.pytorch_meanings(False):
            assert not ag.is_pytorch_meanings()
        assert ag.is_pytorch_meanings()
    assert seen == [False]
    switch = ag.pytorch_meanings(True)  # a plain call takes effect at once, like set_grad_enabled
    try:
        assert ag.is_pytorch_meanings()
    finally:
        switch.__exit__(None, None, None)
    assert not ag.is_pytorch_meanings()


def test_gradients_of_the_pytorch_meanings(x):
    with ag.pytorch_meanings(True):
        assert ag.gradcheck(lambda t: t.repeat(2, 3), (x,))
        assert ag.gradcheck(lambda t: t.std(1), (x,))
        assert ag.gradcheck(lambda t: t.max(0).values, (x,))


def test_pytorch_repeat_needs_a_count_per_dimension(x):
    with ag.pytorch_meanings(True), pytest.raises(ValueError, match=r"repeat.*shape \(3, 4\)"):
        x.repeat(2)


def test_against_torch(x):
    torch = pytest.importorskip("torch")
    t = torch.tensor(x.numpy())
    with ag.pytorch_meanings(True):
        assert np.isclose(x.std().item(), t.std().item())
        assert np.allclose(x.var(1).data, t.var(1).numpy())
        ours, theirs = x.max(1), t.max(1)
        assert np.allclose(ours.values.data, theirs.values.numpy())
        assert (ours.indices.data == theirs.indices.numpy()).all()
        assert np.allclose(x.repeat(2, 1, 2).data, t.repeat(2, 1, 2).numpy())


def test_readme_table_lists_exactly_the_switched_ops():
    rows = [line for line in README.read_text().splitlines() if "pytorch_meanings" in line]
    rows = [row for row in rows if row.startswith("|")]
    calls = [call for row in rows for call in row.split("|")[1].split("`")[1::2]]
    switched = {call.split("(")[0].split(".")[-1] for call in calls}
    assert switched == set(CONFLICTS)


def test_equal_is_one_bool_under_pytorch_meanings_and_eq_stays_elementwise():
    a, b = ag.tensor([[1.0, 2.0]]), ag.tensor([[1.0, 3.0]])
    assert ag.equal(a, b).tolist() == [[True, False]]  # NumPy's np.equal by default
    with ag.pytorch_meanings(True):
        assert ag.equal(a, a) is True and ag.equal(a, b) is False
        assert ag.equal(a, a.reshape(2, 1)) is False  # another shape: not equal
        assert (a == b).tolist() == [[True, False]]  # the operator keeps one meaning
    assert a.equal(a.clone()) is True and a.equal(b) is False  # PyTorch's method, always
    torch = pytest.importorskip("torch")
    assert torch.equal(torch.tensor(a.numpy()), torch.tensor(b.numpy())) is False


def test_module_sort_and_norm_switch_too(x):
    # d2l's `x_train, _ = torch.sort(...)` and `torch.norm(W, 1)` on a matrix, converted
    a = x.numpy()
    assert isinstance(ag.sort(x, 0), ag.Tensor)  # NumPy's np.sort: the values
    assert np.isclose(ag.norm(x, 1).item(), np.linalg.norm(a, 1))  # max column sum
    with ag.pytorch_meanings(True):
        values, indices = ag.sort(x)
        np.testing.assert_array_equal(values.numpy(), np.sort(a))
        np.testing.assert_array_equal(indices.numpy(), np.argsort(a, kind="stable"))
        assert isinstance(ag.sort(x, kind="stable"), ag.Tensor)  # a NumPy keyword: NumPy's
        assert np.isclose(ag.norm(x, 1).item(), np.abs(a).sum())
        assert np.isclose(ag.norm(x, ord=1).item(), np.linalg.norm(a, 1))
        ag.norm(x, 3).backward()
    np.testing.assert_allclose(
        x.grad.numpy(), np.sign(a) * np.abs(a) ** 2 / (np.abs(a) ** 3).sum() ** (2 / 3)
    )


def test_module_sort_and_norm_against_torch(x):
    torch = pytest.importorskip("torch")
    t = torch.tensor(x.detach().numpy())
    with ag.pytorch_meanings(True):
        for ours, theirs in [
            (ag.sort(x, 0).indices, torch.sort(t, 0).indices),
            (ag.sort(x).values, torch.sort(t).values),
            (ag.norm(x, 1), torch.norm(t, 1)),
            (ag.norm(x, 2), torch.norm(t, 2)),
            (ag.norm(x, float("inf")), torch.norm(t, float("inf"))),
            (ag.norm(x, 1, 1, True), torch.norm(t, 1, 1, True)),
            (ag.norm(x, p=3, dim=0), torch.norm(t, p=3, dim=0)),
        ]:
            np.testing.assert_allclose(ours.detach().numpy(), theirs.numpy(), rtol=1e-12)


def test_std_and_var_take_pytorchs_positional_unbiased(x):
    torch = pytest.importorskip("torch")
    t = torch.tensor(x.detach().numpy())
    with ag.pytorch_meanings(True):
        for call in (
            lambda L, v: L.std(v, 0, True),
            lambda L, v: L.var(v, 1, False),
            lambda L, v: v.var(1, False, True),
            lambda L, v: v.std(False),
            lambda L, v: L.var(v, True),
        ):
            ours, theirs = call(ag, x), call(torch, t)
            assert ours.shape == tuple(theirs.shape)
            np.testing.assert_allclose(ours.detach().numpy(), theirs.numpy(), rtol=1e-12)
