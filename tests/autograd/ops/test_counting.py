"""bincount, searchsorted, bucketize, unique_consecutive, count_nonzero, isin: values and dtypes
against torch (where installed) and NumPy; bincount's weights gradient; errors."""

import numpy as np
import pytest

import autograd as ag

SEQ = [1.0, 3.0, 3.0, 5.0, 7.0]
VALUES = [[0.0, 3.0, 6.0], [7.0, 8.0, 1.0]]
LABELS = [1, 4, 1, 0, 4, 4]
RUNS = [1, 1, 2, 2, 3, 1, 1, 2]

# (name, ours (a = the autograd module), torch's (t = the torch module)); results compared as
# values and dtypes
CASES = [
    ("bincount", lambda a: a.bincount(a.tensor(LABELS)), lambda t: t.bincount(t.tensor(LABELS))),
    ("bincount minlength", lambda a: a.bincount(a.tensor(LABELS), minlength=8),
     lambda t: t.bincount(t.tensor(LABELS), minlength=8)),
    ("bincount weights f32", lambda a: a.tensor(LABELS).bincount(a.ones(6) / 2),
     lambda t: t.tensor(LABELS).bincount(t.ones(6) / 2)),
    ("bincount weights int", lambda a: a.bincount(a.tensor(LABELS), a.tensor([1, 2, 3, 4, 5, 6])),
     lambda t: t.bincount(t.tensor(LABELS), t.tensor([1, 2, 3, 4, 5, 6]))),
    ("bincount empty", lambda a: a.bincount(a.tensor(np.zeros(0, np.int64))),
     lambda t: t.bincount(t.tensor([], dtype=t.int64))),
    ("searchsorted", lambda a: a.searchsorted(a.tensor(SEQ), a.tensor(VALUES)),
     lambda t: t.searchsorted(t.tensor(SEQ), t.tensor(VALUES))),
    ("searchsorted right", lambda a: a.searchsorted(a.tensor(SEQ), a.tensor(VALUES), right=True),
     lambda t: t.searchsorted(t.tensor(SEQ), t.tensor(VALUES), right=True)),
    ("searchsorted side int32", lambda a: a.searchsorted(a.tensor(SEQ), 3.0, side="right",
                                                         out_int32=True),
     lambda t: t.searchsorted(t.tensor(SEQ), 3.0, side="right", out_int32=True)),
    ("searchsorted rows", lambda a: a.searchsorted(a.tensor([SEQ, SEQ[::-1]]).sort(1).values,
                                                   a.tensor(VALUES)),
     lambda t: t.searchsorted(t.tensor([SEQ, SEQ[::-1]]).sort(1).values, t.tensor(VALUES))),
    ("searchsorted sorter",
     lambda a: a.searchsorted(a.tensor([5.0, 1.0, 3.0]), a.tensor([2.0, 5.0]),
                              sorter=a.tensor([1, 2, 0])),
     lambda t: t.searchsorted(t.tensor([5.0, 1.0, 3.0]), t.tensor([2.0, 5.0]),
                              sorter=t.tensor([1, 2, 0]))),
    ("bucketize", lambda a: a.bucketize(a.tensor(VALUES), a.tensor(SEQ)),
     lambda t: t.bucketize(t.tensor(VALUES), t.tensor(SEQ))),
    ("bucketize right", lambda a: a.bucketize(a.tensor(VALUES), a.tensor(SEQ), right=True),
     lambda t: t.bucketize(t.tensor(VALUES), t.tensor(SEQ), right=True)),
    ("unique_consecutive", lambda a: a.unique_consecutive(a.tensor(RUNS), return_inverse=True,
                                                          return_counts=True),
     lambda t: t.unique_consecutive(t.tensor(RUNS), return_inverse=True, return_counts=True)),
    ("unique_consecutive 2-D", lambda a: a.tensor([RUNS, RUNS]).unique_consecutive(),
     lambda t: t.tensor([RUNS, RUNS]).unique_consecutive()),
    ("unique_consecutive dim", lambda a: a.unique_consecutive(
        a.tensor([[1, 1], [1, 1], [2, 1], [1, 1]]), return_counts=True, return_inverse=True, dim=0),
     lambda t: t.unique_consecutive(
        t.tensor([[1, 1], [1, 1], [2, 1], [1, 1]]), return_counts=True, return_inverse=True,
        dim=0)),
    ("count_nonzero", lambda a: a.count_nonzero(a.tensor(VALUES)),
     lambda t: t.count_nonzero(t.tensor(VALUES))),
    ("count_nonzero dim", lambda a: a.tensor(VALUES).count_nonzero(dim=1),
     lambda t: t.tensor(VALUES).count_nonzero(dim=1)),
    ("isin", lambda a: a.isin(a.tensor(VALUES), a.tensor(SEQ)),
     lambda t: t.isin(t.tensor(VALUES), t.tensor(SEQ))),
    ("isin invert", lambda a: a.isin(a.tensor(VALUES), a.tensor(SEQ), invert=True),
     lambda t: t.isin(t.tensor(VALUES), t.tensor(SEQ), invert=True)),
]  # fmt: skip


def _parts(result):
    return tuple(result) if isinstance(result, tuple) else (result,)


@pytest.mark.parametrize("name, ours, theirs", CASES, ids=[c[0] for c in CASES])
def test_values_and_dtypes_match_torch(name, ours, theirs):
    torch = pytest.importorskip("torch")
    got, expected = _parts(ours(ag)), _parts(theirs(torch))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g.numpy(), e.numpy())
        assert g.dtype == np.dtype(str(e.dtype).removeprefix("torch."))


def test_numpy_functions_on_tensors_agree_with_numpy():
    labels, seq = ag.tensor(LABELS), ag.tensor(SEQ)
    np.testing.assert_array_equal(np.bincount(labels).numpy(), np.bincount(LABELS))
    np.testing.assert_array_equal(
        np.searchsorted(seq, ag.tensor([3.0, 4.0]), "right").numpy(),
        np.searchsorted(SEQ, [3.0, 4.0], "right"),
    )
    assert np.count_nonzero(ag.tensor(VALUES)).item() == np.count_nonzero(VALUES)
    np.testing.assert_array_equal(np.isin(labels, [1, 0]).numpy(), np.isin(LABELS, [1, 0]))


def test_bincount_weights_are_recorded():
    weights = ag.tensor(np.linspace(0.5, 3.0, 6), requires_grad=True)
    labels = ag.tensor(LABELS)
    out = ag.bincount(labels, weights)
    np.testing.assert_allclose(out.numpy(), np.bincount(LABELS, weights.numpy()))
    assert ag.gradcheck(lambda w: ag.bincount(labels, w, minlength=7), [weights])


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: ag.bincount(ag.tensor([[1, 2]])), ValueError, r"bincount: x must be 1-D"),
        (lambda: ag.bincount(ag.tensor([1, -2])), ValueError, "bincount: x must be non-negative"),
        (lambda: ag.bincount(ag.tensor([1.0])), TypeError, "bincount: x must be an integer"),
        (lambda: ag.bincount(ag.tensor([1, 2]), ag.ones(3)), ValueError,
         r"bincount: weights of shape \(3,\) must have x's shape \(2,\)"),
        (lambda: ag.searchsorted(ag.ones((2, 3)), ag.ones((3, 1))), ValueError,
         r"searchsorted: values of shape \(3, 1\) must match sorted_sequence \(2, 3\)"),
        (lambda: ag.searchsorted(ag.ones(3), ag.ones(1), side="left", right=True), ValueError,
         "contradict"),
        (lambda: ag.bucketize(ag.ones(3), ag.ones((2, 2))), ValueError,
         "bucketize: boundaries must be 1-D"),
        (lambda: ag.unique_consecutive(ag.ones(3, requires_grad=True)), RuntimeError,
         "unique_consecutive: not differentiable with respect to argument 'x'"),
    ],
)  # fmt: skip
def test_bad_input_errors(call, error, words):
    with pytest.raises(error, match=words):
        call()
