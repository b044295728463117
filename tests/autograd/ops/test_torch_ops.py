"""PyTorch's ops that NumPy spells differently or lacks (autograd/ops/torch_ops.py): triangles,
masked_fill, split/chunk, norm, topk, gather, rounding, finiteness, closeness, histograms,
nonzero, unique, argsort, select."""

import numpy as np
import pytest

import autograd as ag

from .checks import make


def values(t):
    return t.numpy() if isinstance(t, ag.Tensor) else np.asarray(t)


# --- triangles and masks -------------------------------------------------------------------


def test_tril_and_triu_keep_a_triangle_and_pass_its_gradient_only():
    x = ag.Tensor(np.arange(1.0, 10.0).reshape(3, 3), requires_grad=True)
    np.testing.assert_array_equal(ag.tril(x).numpy(), [[1, 0, 0], [4, 5, 0], [7, 8, 9]])
    np.testing.assert_array_equal(ag.triu(x, 1).numpy(), [[0, 2, 3], [0, 0, 6], [0, 0, 0]])
    np.testing.assert_array_equal(ag.tril(x, -1).numpy(), [[0, 0, 0], [4, 0, 0], [7, 8, 0]])
    ag.triu(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 1, 1], [0, 1, 1], [0, 0, 1]])


@pytest.mark.parametrize("fn", [ag.tril, ag.triu], ids=["tril", "triu"])
def test_triangles_pass_gradcheck_on_a_batch_of_rectangles(fn):
    assert ag.gradcheck(lambda t: fn(t, 1), [make((2, 3, 4), 0)])


def test_a_triangle_of_a_vector_is_refused():
    with pytest.raises(ValueError, match=r"tril/triu: need at least 2 dimensions.*\(4,\)"):
        ag.tril(ag.Tensor(np.ones(4)))


def test_masked_fill_puts_the_value_where_the_mask_is_true_and_stops_its_gradient():
    x = ag.Tensor(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), requires_grad=True)
    mask = ag.Tensor(np.array([True, False, True]))  # broadcast over the rows
    y = ag.masked_fill(x, mask, -1.0)
    np.testing.assert_array_equal(y.numpy(), [[-1, 2, -1], [-1, 5, -1]])
    (y * ag.Tensor(np.arange(6.0).reshape(2, 3))).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0], [0, 4, 0]])
    assert ag.gradcheck(lambda t: t.masked_fill(mask, 0.5) ** 2, [make((2, 3), 1)])


def test_masked_fill_refuses_a_mask_that_is_not_bool_or_does_not_broadcast():
    x = ag.Tensor(np.ones((2, 3)))
    with pytest.raises(TypeError, match="masked_fill: the mask must be a bool tensor, got int64"):
        ag.masked_fill(x, np.array([1, 0, 1]), 0.0)
    with pytest.raises(ValueError, match="shape"):
        ag.masked_fill(x, np.ones(4, bool), 0.0)


# --- split, chunk, select ------------------------------------------------------------------


def test_split_by_size_leaves_a_shorter_last_piece_and_by_sections_takes_the_sizes():
    x = ag.Tensor(np.arange(10.0), requires_grad=True)
    assert [p.numpy().tolist() for p in ag.split(x, 4)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    pieces = x.split([2, 8])
    assert [p.shape for p in pieces] == [(2,), (8,)]
    (pieces[0].sum() * 3 + pieces[1].sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3, 3] + [1] * 8)


def test_split_along_a_later_axis_and_its_errors():
    x = ag.Tensor(np.arange(12.0).reshape(3, 4))
    a, b = ag.split(x, 2, dim=1)
    np.testing.assert_array_equal(b.numpy(), [[2, 3], [6, 7], [10, 11]])
    with pytest.raises(ValueError, match="split: the split size must be positive, got 0"):
        ag.split(x, 0)
    with pytest.raises(ValueError, match=r"split: sizes \[1, 1\] add up to 2, not to the length 3"):
        ag.split(x, [1, 1])


def test_chunk_makes_pieces_of_the_rounded_up_length():
    x = ag.Tensor(np.arange(7.0))
    assert [p.shape for p in ag.chunk(x, 3)] == [(3,), (3,), (1,)]
    assert [p.shape for p in x.chunk(7)] == [(1,)] * 7
    assert [p.shape for p in ag.chunk(ag.Tensor(np.ones((2, 4))), 2, dim=1)] == [(2, 2), (2, 2)]
    assert ag.gradcheck(lambda t: ag.chunk(t, 2, dim=1)[1] * 2, [make((2, 5), 2)])


def test_select_drops_the_dimension_and_routes_the_gradient_to_that_slice():
    x = ag.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = ag.select(x, 1, 2)
    np.testing.assert_array_equal(y.numpy(), [2, 5])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 1], [0, 0, 1]])
    np.testing.assert_array_equal(x.select(-1, 0).numpy(), [0, 3])


# --- norm, topk, gather --------------------------------------------------------------------


def test_tensor_norm_of_all_elements_and_along_a_dim():
    x = ag.Tensor(np.array([[3.0, -4.0], [0.0, 12.0]]), requires_grad=True)
    assert x.norm().item() == pytest.approx(13.0)
    assert x.norm(p=1).item() == pytest.approx(19.0)
    np.testing.assert_allclose(x.norm(dim=1).numpy(), [5.0, 12.0])
    assert x.norm(dim=0, keepdim=True).shape == (1, 2)
    x.norm().backward()  # d|x|/dx = x / |x|
    np.testing.assert_allclose(x.grad.numpy(), x.numpy() / 13.0)
    assert ag.gradcheck(lambda t: t.norm(dim=1), [make((3, 4), 3)])
    with pytest.raises(ValueError, match="norm: keepdim=True needs dim="):
        x.norm(keepdim=True)


def test_p_norm_gradient_is_zero_where_x_is_zero_as_pytorch():
    # (sum |x|^p)^(1/p): the chain rule through s^(1/p) gives inf * 0 = NaN at the norm of
    # zeros, and |x|^(p-1) * sign(x) gives inf * 0 at a zero element for p < 1.
    x = ag.tensor([[0.0, 0.0], [3.0, -4.0], [0.0, 2.0]], dtype=np.float64, requires_grad=True)
    n = x.norm(p=3, dim=1)
    np.testing.assert_allclose(n.numpy(), [0.0, 91 ** (1 / 3), 2.0])
    (g,) = ag.grad(n.sum(), x, create_graph=True)
    want = np.sign(x.numpy()) * x.numpy() ** 2 / n.numpy()[:, None] ** 2
    np.testing.assert_allclose(g.numpy(), np.nan_to_num(want))
    (gg,) = ag.grad(g.sum(), x)
    assert np.isfinite(gg.numpy()).all()
    (g_half,) = ag.grad(x.norm(p=0.5), x)
    assert g_half.numpy()[0, 0] == 0.0 and np.isfinite(g_half.numpy()).all()
    away = ag.tensor(np.array([[1.0, -2.0, 0.5], [0.3, 0.2, -1.0]]), requires_grad=True)
    for p in (0.5, 3):
        assert ag.gradcheck(lambda t, p=p: t.norm(p=p, dim=0), [away])
        assert ag.gradgradcheck(lambda t, p=p: t.norm(p=p, dim=1, keepdim=True), [away])
    s = ag.tensor(-1.5, requires_grad=True)  # PyTorch takes dim 0 or -1 of a 0-d tensor
    assert s.norm(dim=0).item() == s.norm(p=3, dim=-1).item() == 1.5
    with pytest.raises(ValueError, match="norm: dim 1 is out of range for a 0-d tensor"):
        s.norm(dim=1)


def test_topk_returns_the_largest_first_with_their_indices_and_gathers_the_gradient():
    x = ag.Tensor(np.array([[1.0, 5.0, 3.0, 4.0], [9.0, 2.0, 8.0, 0.0]]), requires_grad=True)
    top = ag.topk(x, 2)
    np.testing.assert_array_equal(top.values.numpy(), [[5, 4], [9, 8]])
    np.testing.assert_array_equal(top.indices.numpy(), [[1, 3], [0, 2]])
    assert top.indices.dtype == np.int64
    smallest = x.topk(1, dim=0, largest=False)
    np.testing.assert_array_equal(smallest.values.numpy(), [[1, 2, 3, 0]])
    top.values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0, 1], [1, 0, 1, 0]])
    with pytest.raises(ValueError, match=r"topk: k=5 is out of range for dim -1 of shape \(2, 4\)"):
        ag.topk(x, 5)


def test_descending_orders_put_nan_first_and_keep_ties_in_order_as_pytorch():
    # Sorting -x put NaN last (a NaN vanished from topk) and wrapped unsigned integers.
    x = ag.tensor([[1.0, np.nan, 3.0, np.nan, 3.0], [2.0, 5.0, 4.0, -1.0, 5.0]])
    top = ag.topk(x, 3)
    np.testing.assert_array_equal(top.values.numpy(), [[np.nan, np.nan, 3.0], [5.0, 5.0, 4.0]])
    np.testing.assert_array_equal(top.indices.numpy(), [[1, 3, 2], [1, 4, 2]])
    want = [[1, 3, 2, 4, 0], [1, 4, 2, 0, 3]]  # torch.sort(x, 1, descending=True, stable=True)
    np.testing.assert_array_equal(ag.sort(x, dim=1, descending=True).indices.numpy(), want)
    np.testing.assert_array_equal(ag.argsort(x, dim=1, descending=True).numpy(), want)
    np.testing.assert_array_equal(ag.topk(x, 2, largest=False).indices.numpy(), [[0, 2], [3, 0]])
    small = ag.tensor(np.array([0, 3, 3, 255], dtype=np.uint8))
    np.testing.assert_array_equal(
        ag.sort(small, dim=0, descending=True).values.numpy(), [255, 3, 3, 0]
    )
    flags = ag.tensor([True, False, True])
    np.testing.assert_array_equal(ag.argsort(flags, descending=True).numpy(), [0, 2, 1])


def test_topk_passes_gradcheck():
    assert ag.gradcheck(lambda t: ag.topk(t, 2, dim=0).values, [make((4, 3), 4)])


def test_gather_picks_along_a_dim_and_adds_the_gradient_back_into_the_picked_entries():
    x = ag.Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    index = ag.tensor([[0, 0], [1, 0]])
    y = ag.gather(x, 1, index)  # y[i, j] = x[i, index[i, j]]
    np.testing.assert_array_equal(y.numpy(), [[1, 1], [4, 3]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[2, 0], [1, 1]])
    assert ag.gradcheck(lambda t: t.gather(0, index), [make((2, 2), 5)])


# --- rounding -------------------------------------------------------------------------------


ROUNDING = [
    (ag.floor, [-2.0, -2.0, 0.0, 1.0, 2.0]),
    (ag.ceil, [-1.0, -2.0, 1.0, 2.0, 3.0]),
    (ag.trunc, [-1.0, -2.0, 0.0, 1.0, 2.0]),
    (ag.round, [-2.0, -2.0, 0.0, 2.0, 2.0]),  # halves to even: 0.5 -> 0, 2.5 -> 2
    (ag.sign, [-1.0, -1.0, 1.0, 1.0, 1.0]),
]


@pytest.mark.parametrize(("fn", "expected"), ROUNDING, ids=lambda v: getattr(v, "__name__", ""))
def test_rounding_values_and_their_zero_gradient_are_recorded(fn, expected):
    x = ag.Tensor(np.array([-1.5, -2.0, 0.5, 1.5, 2.5]), requires_grad=True)
    y = fn(x)
    np.testing.assert_array_equal(y.numpy(), expected)
    assert y.requires_grad and y.grad_fn is not None  # recorded, as PyTorch's
    (y * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(5))


def test_round_to_decimals_and_as_a_method():
    x = ag.Tensor(np.array([1.234, -5.678]), requires_grad=True)
    np.testing.assert_allclose(ag.round(x, decimals=2).numpy(), [1.23, -5.68])
    np.testing.assert_allclose(x.round(decimals=1).numpy(), [1.2, -5.7])
    ag.round(x, decimals=1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])


# --- finiteness, closeness ------------------------------------------------------------------


def test_isfinite_isnan_isinf_are_bool_tensors_without_history():
    x = ag.Tensor(np.array([1.0, np.nan, np.inf, -np.inf]), requires_grad=True)
    for fn, expected in [
        (ag.isfinite, [True, False, False, False]),
        (ag.isnan, [False, True, False, False]),
        (ag.isinf, [False, False, True, True]),
    ]:
        flags = fn(x)
        assert flags.dtype == np.bool_ and not flags.requires_grad
        np.testing.assert_array_equal(flags.numpy(), expected)
    np.testing.assert_array_equal(np.isnan(x).numpy(), [False, True, False, False])


def test_isclose_and_allclose_use_the_tolerances():
    a = ag.Tensor(np.array([1.0, 2.0, 3.0]))
    b = ag.Tensor(np.array([1.0, 2.1, np.nan]))
    np.testing.assert_array_equal(ag.isclose(a, b).numpy(), [True, False, False])
    np.testing.assert_array_equal(ag.isclose(a, b, atol=0.2).numpy(), [True, True, False])
    assert ag.allclose(a, a) is True
    assert ag.allclose(a, b, atol=0.2) is False  # the NaN
    assert ag.allclose(b, b, equal_nan=True) is True
    assert ag.allclose(a, a + 1e-3, rtol=ag.tensor(1e-3)) is True  # a Tensor tolerance


# --- histograms, nonzero, unique, argsort ---------------------------------------------------


def test_histogram_counts_in_equal_bins_and_in_given_edges():
    x = ag.Tensor(np.array([0.0, 0.1, 0.5, 0.9, 1.0]))
    hist, edges = ag.histogram(x, 2)
    np.testing.assert_array_equal(hist.numpy(), [2, 3])  # [0, .5) and [.5, 1]
    np.testing.assert_array_equal(edges.numpy(), [0.0, 0.5, 1.0])
    assert hist.dtype == x.dtype
    weighted = ag.histogram(x, ag.tensor([0.0, 0.2, 1.0]), weight=ag.tensor([1.0, 2, 3, 4, 5]))
    np.testing.assert_array_equal(weighted.hist.numpy(), [3, 12])
    dense = ag.histogram(x, 2, range=(0.0, 2.0), density=True)
    np.testing.assert_allclose(dense.hist.numpy(), [0.8, 0.2])  # count / (5 values * width 1)


def test_histc_uses_the_data_range_by_default_and_ignores_values_outside_min_max():
    x = ag.Tensor(np.array([1.0, 2.0, 1.0, 4.0]))
    np.testing.assert_array_equal(ag.histc(x, bins=3).numpy(), [2, 1, 1])  # 1-2, 2-3, 3-4
    np.testing.assert_array_equal(ag.histc(x, bins=2, min=0, max=2).numpy(), [0, 3])
    np.testing.assert_array_equal(ag.histc(ag.Tensor(np.ones(3)), bins=2).numpy(), [0, 3])


def test_nonzero_as_rows_or_as_a_tuple():
    x = ag.Tensor(np.array([[0.0, 1.0], [2.0, 0.0]]))
    i, j = ag.nonzero(x)  # NumPy's meaning by default: a tuple, as np.nonzero
    np.testing.assert_array_equal(i.numpy(), [0, 1])
    with ag.pytorch_meanings(True):
        rows = ag.nonzero(x)
    np.testing.assert_array_equal(x.nonzero(as_tuple=False).numpy(), rows.numpy())
    assert isinstance(np.nonzero(x), tuple)  # NumPy's function keeps NumPy's meaning
    np.testing.assert_array_equal(rows.numpy(), [[0, 1], [1, 0]])
    assert rows.dtype == np.int64
    i, j = x.nonzero(as_tuple=True)
    np.testing.assert_array_equal(i.numpy(), [0, 1])
    np.testing.assert_array_equal(j.numpy(), [1, 0])


def test_unique_with_inverse_and_counts():
    x = ag.Tensor(np.array([[3.0, 1.0], [3.0, 2.0]]))
    np.testing.assert_array_equal(ag.unique(x).numpy(), [1, 2, 3])
    values_, inverse, counts = ag.unique(x, return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(values_.numpy(), [1, 2, 3])
    np.testing.assert_array_equal(inverse.numpy(), [[2, 0], [2, 1]])  # x's shape
    np.testing.assert_array_equal(counts.numpy(), [1, 1, 2])
    rows = ag.unique(ag.Tensor(np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 5.0]])), dim=0)
    np.testing.assert_array_equal(rows.numpy(), [[0, 5], [1, 2]])


def test_argsort_ascending_descending_and_along_a_dim():
    x = ag.Tensor(np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]]))
    np.testing.assert_array_equal(ag.argsort(x).numpy(), [[1, 2, 0], [0, 2, 1]])
    np.testing.assert_array_equal(x.argsort(descending=True).numpy(), [[0, 2, 1], [1, 2, 0]])
    np.testing.assert_array_equal(ag.argsort(x, dim=0).numpy(), [[1, 0, 0], [0, 1, 1]])


# --- against PyTorch ------------------------------------------------------------------------


def test_the_values_and_gradients_are_pytorchs():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(7).standard_normal((3, 4)) * 3
    cases = [
        ("tril", lambda L, x: L.tril(x, -1)),
        ("triu", lambda L, x: L.triu(x, 1)),
        ("masked_fill", lambda L, x: x.masked_fill(x > 0.5, 2.0)),
        ("split", lambda L, x: x.split([1, 3], 1)[1]),
        ("chunk", lambda L, x: x.chunk(3, 1)[1]),
        ("norm", lambda L, x: x.norm(dim=1)),
        ("norm p=1", lambda L, x: x.norm(p=1)),
        ("norm p=3", lambda L, x: x.norm(p=3, dim=0)),
        ("topk", lambda L, x: x.topk(2, dim=1).values),
        ("topk smallest", lambda L, x: x.topk(2, dim=0, largest=False).values),
        ("gather", lambda L, x: x.gather(1, L.tensor([[0, 1], [2, 2], [3, 0]]))),
        ("select", lambda L, x: x.select(1, 2)),
        ("floor", lambda L, x: x.floor()),
        ("round", lambda L, x: L.round(x, decimals=1)),
        ("sign", lambda L, x: x.sign()),
    ]
    for name, fn in cases:
        ours = ag.Tensor(data.copy(), requires_grad=True)
        theirs = torch.tensor(data.copy(), requires_grad=True)
        y, z = fn(ag, ours), fn(torch, theirs)
        np.testing.assert_allclose(y.numpy(), z.detach().numpy(), rtol=1e-12, err_msg=name)
        weights = np.random.default_rng(8).standard_normal(y.shape)
        (y * ag.Tensor(weights)).sum().backward()
        (z * torch.tensor(weights)).sum().backward()
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), err_msg=name)
    flags = np.array([1.0, np.nan, np.inf])
    for name in ("isfinite", "isnan", "isinf"):
        ours_flags = getattr(ag, name)(ag.Tensor(flags)).numpy()
        np.testing.assert_array_equal(ours_flags, getattr(torch, name)(torch.tensor(flags)))
    counts = np.array([1.0, 2.0, 1.0, 4.0, 7.0])
    np.testing.assert_array_equal(
        ag.histc(ag.Tensor(counts), bins=4).numpy(), torch.histc(torch.tensor(counts), bins=4)
    )
    np.testing.assert_array_equal(
        ag.nonzero(ag.Tensor(data > 0), as_tuple=False).numpy(),
        torch.nonzero(torch.tensor(data > 0)),
    )


def test_histogram_of_a_tensor_in_the_graph_has_torchs_values():
    # makemore's activation plots: torch.histogram(layer.out, density=True) mid-graph
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(9).standard_normal((4, 5)).astype(np.float32)
    ours = ag.Tensor(data.copy(), requires_grad=True) * 2
    theirs = torch.tensor(data.copy(), requires_grad=True) * 2
    for density in (False, True):
        hist, edges = ag.histogram(ours, 7, density=density)
        hist_t, edges_t = torch.histogram(theirs, 7, density=density)
        np.testing.assert_allclose(hist.numpy(), hist_t.detach().numpy(), rtol=1e-5)
        np.testing.assert_allclose(edges.numpy(), edges_t.detach().numpy(), rtol=1e-6)
        assert hist.dtype == edges.dtype == np.float32
    assert not ag.histogram(ours, 7).hist.requires_grad  # counts only jump as the values move


# --- mv, repeat_interleave, and bmm with them (d2l's attention chapter) ------------------------


def test_array_equal_is_torch_equal():
    a = ag.tensor([[1.0, 2.0]])
    assert ag.array_equal(a, a * 1) is True
    assert ag.array_equal(a, a * 2) is False
    assert ag.array_equal(a, ag.tensor([1.0, 2.0])) is False  # shapes differ
    assert np.array_equal(a, a)  # NumPy's own function on tensors
    torch = pytest.importorskip("torch")
    t = torch.tensor([[1.0, 2.0]])
    for other in ([[1.0, 2.0]], [[1.0, 3.0]], [1.0, 2.0]):
        assert ag.array_equal(a, ag.tensor(other)) == torch.equal(t, torch.tensor(other))


def test_diag_builds_a_matrix_or_reads_a_diagonal():
    np.testing.assert_array_equal(ag.diag(ag.tensor([1, 2])).numpy(), [[1, 0], [0, 2]])
    np.testing.assert_array_equal(ag.diag(ag.tensor([1, 2]), 1).numpy(), np.diag([1, 2], 1))
    np.testing.assert_array_equal(ag.tensor(np.arange(6).reshape(2, 3)).diag(-1).numpy(), [3])
    with pytest.raises(ValueError, match=r"diag: x must be 1-D or 2-D, got shape \(1, 1, 1\)"):
        ag.diag(ag.ones(1, 1, 1))


def test_numel_counts_elements():
    assert ag.numel(ag.ones(2, 3)) == 6 == ag.ones(2, 3).numel()
    assert ag.numel(ag.tensor(1.0)) == 1


def test_mv_checks_its_shapes():
    assert ag.mv(ag.ones(3, 4), ag.ones(4)).shape == (3,)
    with pytest.raises(ValueError, match=r"mv: expected .* \(3, 4\) and \(3,\)"):
        ag.ones(3, 4).mv(ag.ones(3))


def test_repeat_interleave_by_hand():
    x = ag.tensor([[1, 2], [3, 4]])
    np.testing.assert_array_equal(ag.repeat_interleave(x, 2).numpy(), [1, 1, 2, 2, 3, 3, 4, 4])
    np.testing.assert_array_equal(
        x.repeat_interleave(ag.tensor([1, 2]), dim=0).numpy(), [[1, 2], [3, 4], [3, 4]]
    )
    np.testing.assert_array_equal(ag.repeat_interleave(ag.tensor([2, 0, 1])).numpy(), [0, 0, 2])
    with pytest.raises(ValueError, match="output_size=3 but the result has 4"):
        x.repeat_interleave(2, dim=0, output_size=3)
    with pytest.raises(TypeError, match="repeats must be integers"):
        x.repeat_interleave(ag.tensor([1.5, 2.0]), dim=0)


def test_bmm_mv_repeat_interleave_values_and_gradients_are_pytorchs():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(10)
    cases = [
        (lambda L, a, b: L.bmm(a, b), (2, 3, 4), (2, 4, 5)),
        (lambda L, a, b: a.mv(b), (3, 4), (4,)),
        (lambda L, a, b: L.repeat_interleave(a, 3, dim=1) * b, (2, 3), (2, 9)),
        (lambda L, a, b: a.repeat_interleave(L.tensor([2, 0, 1]), dim=-1) * b, (2, 3), (3,)),
        (lambda L, a, b: L.repeat_interleave(a, 2) * b, (2, 3), (12,)),
        (lambda L, a, b: L.diag(a) * b, (3,), (3, 3)),
        (lambda L, a, b: L.diag(a, 2) * b, (3,), (5, 5)),
        (lambda L, a, b: a.diag(-1) * b, (3,), (4, 4)),
        (lambda L, a, b: a.diag(1) * b, (3, 4), (3,)),
    ]
    for fn, shape_a, shape_b in cases:
        da, db = rng.standard_normal(shape_a), rng.standard_normal(shape_b)
        a, b = ag.Tensor(da, requires_grad=True), ag.Tensor(db, requires_grad=True)
        ta, tb = torch.tensor(da, requires_grad=True), torch.tensor(db, requires_grad=True)
        y, z = fn(ag, a, b), fn(torch, ta, tb)
        np.testing.assert_allclose(y.numpy(), z.detach().numpy(), rtol=1e-12)
        w = rng.standard_normal(y.shape)
        (y * ag.Tensor(w)).sum().backward()
        (z * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-12)
        inputs = [ag.Tensor(da, requires_grad=True), ag.Tensor(db, requires_grad=True)]
        assert ag.gradcheck(lambda p, q, fn=fn: fn(ag, p, q), inputs)
