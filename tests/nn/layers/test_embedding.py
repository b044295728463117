"""nn/layers/embedding.py: nn.Embedding: lookup, initialisation and errors; padding_idx, a zero row
at initialisation that never receives gradient."""

import numpy as np
import pytest

import autograd
import nn
from nn import functional as F


def test_padding_row_starts_at_zero_and_gets_no_gradient():
    autograd.manual_seed(0)
    emb = nn.Embedding(5, 3, padding_idx=1)
    np.testing.assert_array_equal(emb.weight.data[1], 0)
    assert np.abs(emb.weight.data[[0, 2, 3, 4]]).min() > 0
    with autograd.no_grad():
        emb.weight.data[1] = 7.0  # the row is read as it is, just not trained
    idx = np.array([[1, 2, 1], [0, 2, 4]])
    out = emb(idx)
    np.testing.assert_array_equal(out.data[0, 0], 7.0)
    (out * np.arange(18.0).reshape(2, 3, 3)).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad[1], 0)
    np.testing.assert_array_equal(emb.weight.grad[2], np.arange(3, 6) + np.arange(12, 15))
    np.testing.assert_array_equal(emb.weight.grad[3], 0)


def test_negative_padding_idx_counts_from_the_end_and_range_is_checked():
    assert nn.Embedding(5, 2, padding_idx=-1).padding_idx == 4
    assert repr(nn.Embedding(5, 2, padding_idx=-1)) == "Embedding(5, 2, padding_idx=4)"
    with pytest.raises(ValueError, match="padding_idx 5"):
        nn.Embedding(5, 2, padding_idx=5)
    with pytest.raises(ValueError, match="padding_idx -6"):
        F.embedding(np.array([0]), np.zeros((5, 2)), padding_idx=-6)


def test_functional_padding_gradcheck_of_the_other_rows():
    # The padding row is a constant by definition (PyTorch's semantics: it is read, never
    # trained), so central differences over it would disagree on purpose; check the rest.
    rows = autograd.Tensor(np.random.default_rng(0).standard_normal((3, 3)), requires_grad=True)
    pad = np.full((1, 3), 0.5)
    idx = np.array([0, 3, 3, 2, 0])

    def lookup(rows):
        return F.embedding(idx, autograd.concatenate([rows, pad]), padding_idx=3) ** 2

    assert autograd.gradcheck(lookup, [rows])


def test_padding_idx_matches_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Embedding(6, 4, padding_idx=2, dtype=np.float64)
    theirs = torch.nn.Embedding(6, 4, padding_idx=2, dtype=torch.float64)
    assert repr(ours) == repr(theirs)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    idx = np.array([[2, 1, 2, 5], [0, 2, 3, 3]])
    out, t_out = ours(idx), theirs(torch.tensor(idx))
    np.testing.assert_array_equal(out.data, t_out.detach().numpy())
    g = np.random.default_rng(0).standard_normal(out.shape)
    (out * g).sum().backward()
    (t_out * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-15)


def test_embedding_lookup_init_and_errors():
    autograd.manual_seed(0)
    emb = nn.Embedding(1000, 50)
    assert emb.weight.data.mean() == pytest.approx(0.0, abs=0.01)
    assert emb.weight.data.std() == pytest.approx(1.0, abs=0.01)
    idx = np.array([[3, 3], [999, 0]])
    out = emb(idx)
    assert out.shape == (2, 2, 50)
    np.testing.assert_array_equal(out.data[1, 0], emb.weight.data[999])
    np.testing.assert_array_equal(emb(autograd.Tensor(idx)).data, out.data)
    assert repr(emb) == "Embedding(1000, 50)"
    with pytest.raises(IndexError, match="embedding: index 1000 is out of range for 1000"):
        emb(np.array([1000]))
    with pytest.raises(TypeError, match="embedding: indices must be integers, got dtype float"):
        emb(np.array([1.0]))


# ------------------------------------------------------------------ EmbeddingBag


def test_embedding_bag_table_padding_row_and_modes():
    autograd.manual_seed(0)
    bag = nn.EmbeddingBag(6, 3, mode="sum", padding_idx=-1)
    assert list(bag.state_dict()) == ["weight"] and bag.weight.shape == (6, 3)
    assert bag.padding_idx == 5 and repr(bag) == "EmbeddingBag(6, 3, mode='sum', padding_idx=5)"
    np.testing.assert_array_equal(bag.weight.numpy()[5], 0)
    assert abs(bag.weight.numpy()[:5].std() - 1) < 0.5  # N(0, 1), as PyTorch
    idx = np.array([[0, 5, 2], [1, 1, 5]])
    w = bag.weight.numpy()
    np.testing.assert_allclose(bag(idx).numpy(), [w[0] + w[2], 2 * w[1]], rtol=1e-6)
    s = np.array([[2.0, 1, 1], [1, 1, 1]], np.float32)
    np.testing.assert_allclose(bag(idx, per_sample_weights=s).numpy()[0], 2 * w[0] + w[2])
    flat = nn.EmbeddingBag(6, 3, include_last_offset=True, _weight=np.eye(6, 3))
    np.testing.assert_allclose(flat(np.array([0, 1, 2, 2]), np.array([0, 2, 4])).numpy(),
                               [[0.5, 0.5, 0], [0, 0, 1]])  # fmt: skip
    with pytest.raises(ValueError, match="EmbeddingBag: mode"):
        nn.EmbeddingBag(6, 3, mode="min")
    with pytest.raises(ValueError, match="EmbeddingBag: padding_idx 6"):
        nn.EmbeddingBag(6, 3, padding_idx=6)


def test_embedding_bag_from_pretrained_freezes_by_default():
    table = np.arange(12.0).reshape(4, 3)
    frozen = nn.EmbeddingBag.from_pretrained(table, mode="max")
    assert not frozen.weight.requires_grad and frozen.weight.dtype == np.float64
    np.testing.assert_array_equal(frozen(np.array([[0, 3], [1, 2]])).numpy(), table[[3, 2]])
    assert nn.EmbeddingBag.from_pretrained(table, freeze=False).weight.requires_grad


def test_embedding_bag_matches_torch():
    torch = pytest.importorskip("torch")
    ours = nn.EmbeddingBag(7, 4, mode="mean", padding_idx=3, dtype=np.float64)
    theirs = torch.nn.EmbeddingBag(7, 4, mode="mean", padding_idx=3, dtype=torch.float64)
    assert repr(ours) == repr(theirs)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    idx, offsets = np.array([3, 1, 1, 6, 3, 0, 2]), np.array([0, 3, 3, 5])
    out, t_out = ours(idx, offsets), theirs(torch.tensor(idx), torch.tensor(offsets))
    np.testing.assert_allclose(out.numpy(), t_out.detach().numpy(), rtol=1e-14)
    g = np.random.default_rng(0).standard_normal(out.shape)
    (out * g).sum().backward()
    (t_out * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-14)


# ------------------------------------------------------------------ max_norm, from_pretrained


def test_max_norm_rescales_the_rows_read_in_place_before_the_lookup():
    table = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0], [1.0, 0.0]])
    emb = nn.Embedding.from_pretrained(table, freeze=False, max_norm=1.0)
    assert repr(emb) == "Embedding(4, 2, max_norm=1.0)"
    out = emb(np.array([0, 1, 0]))
    scale = 1.0 / (5.0 + 1e-7)
    np.testing.assert_allclose(
        out.numpy(), [[3 * scale, 4 * scale], [0.3, 0.4], [3 * scale, 4 * scale]]
    )
    np.testing.assert_allclose(emb.weight.numpy()[2], [6, 8])  # not read: left as it was
    np.testing.assert_allclose(emb.weight.numpy()[0], [3 * scale, 4 * scale])
    (out * np.array([[1.0, 2], [3, 4], [5, 6]])).sum().backward()
    np.testing.assert_allclose(emb.weight.grad.numpy(), [[6, 8], [3, 4], [0, 0], [0, 0]])
    l1 = F.embedding(np.array([2]), autograd.Tensor(table.copy()), max_norm=7.0, norm_type=1)
    np.testing.assert_allclose(l1.numpy(), [[6 * 7 / (14 + 1e-7), 8 * 7 / (14 + 1e-7)]])


def test_max_norm_refuses_a_weight_with_history_and_a_stale_backward_raises():
    w = autograd.Tensor(np.ones((3, 2)), requires_grad=True)
    with pytest.raises(RuntimeError, match="embedding: max_norm rescales weight's rows in place"):
        F.embedding(np.array([0]), w * 2.0, max_norm=1.0)
    used_before = (w * w).sum()  # saved w's values for backward
    F.embedding(np.array([0]), w, max_norm=1.0)  # rescales row 0 in place
    with pytest.raises(RuntimeError):
        used_before.backward()


def test_from_pretrained_freezes_by_default_and_keeps_the_dtype():
    table = np.arange(6.0).reshape(3, 2)
    emb = nn.Embedding.from_pretrained(table)
    assert not emb.weight.requires_grad and emb.weight.dtype == np.float64
    np.testing.assert_array_equal(emb(np.array([2, 0])).numpy(), table[[2, 0]])
    table[0] = 100.0  # a copy: the caller's array stays theirs
    assert emb.weight.numpy()[0, 1] == 1.0
    assert nn.Embedding.from_pretrained(table, freeze=False, padding_idx=1).padding_idx == 1
    with pytest.raises(ValueError, match="Embedding.from_pretrained: the table must be 2-D"):
        nn.Embedding.from_pretrained(np.zeros(3))


@pytest.mark.parametrize("layer", ["Embedding", "EmbeddingBag"])
def test_max_norm_matches_torch(layer):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    table = rng.standard_normal((6, 4)).astype(np.float32) * 2
    ours = getattr(nn, layer).from_pretrained(table, freeze=False, max_norm=1.5, norm_type=3.0)
    theirs = getattr(torch.nn, layer).from_pretrained(
        torch.tensor(table), freeze=False, max_norm=1.5, norm_type=3.0
    )
    assert repr(ours) == repr(theirs)
    idx = np.array([[0, 2, 2, 5], [1, 2, 3, 0]])
    out, t_out = ours(idx), theirs(torch.tensor(idx))
    np.testing.assert_allclose(out.numpy(), t_out.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.weight.numpy(), theirs.weight.detach().numpy(), rtol=1e-6)
    g = rng.standard_normal(out.shape).astype(np.float32)
    (out * g).sum().backward()
    (t_out * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-6)


def test_scale_grad_by_freq_matches_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Embedding(7, 3, padding_idx=4, scale_grad_by_freq=True, dtype=np.float64)
    theirs = torch.nn.Embedding(7, 3, padding_idx=4, scale_grad_by_freq=True, dtype=torch.float64)
    assert repr(ours) == repr(theirs)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    idx = np.array([[1, 2, 4, 4], [3, 2, 6, 2]])
    out, t_out = ours(idx), theirs(torch.tensor(idx))
    np.testing.assert_array_equal(out.numpy(), t_out.detach().numpy())
    g = np.random.default_rng(0).standard_normal(out.shape)
    (out * g).sum().backward()
    (t_out * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-14)
