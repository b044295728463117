"""nn/functional/conv.py: conv1d, conv2d and their transposes (im2col), and max_pool2d: values
by hand, gradients, the im2col/col2im pair, and the convolutions against PyTorch where
installed."""

import numpy as np
import pytest

import autograd
from nn import functional as F
from nn.functional.windows import Im2Col


def leaf(*shape, seed=0):
    return autograd.Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


def test_conv2d_by_hand():
    x = autograd.Tensor(np.arange(9, dtype=np.float64).reshape(1, 1, 3, 3))
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])  # x[i, j] - x[i+1, j+1]
    np.testing.assert_array_equal(F.conv2d(x, w).data, np.full((1, 1, 2, 2), -4.0))
    padded = F.conv2d(x, w, np.array([10.0]), stride=2, padding=1).data
    # windows at (-1,-1), (-1,1), (1,-1), (1,1) of the zero-padded image
    np.testing.assert_array_equal(padded, [[[[10 - 0, 10 - 2], [10 - 6, 10 + 4 - 8]]]])


def test_max_pool_by_hand_and_gradient_to_first_maximum():
    x = autograd.Tensor(
        np.array([[[[1.0, 3.0, 2.0, 0.0], [3.0, 0.0, 1.0, 1.0]]]]), requires_grad=True
    )
    y = F.max_pool2d(x, 2)
    np.testing.assert_array_equal(y.data, [[[[3.0, 2.0]]]])
    y.sum().backward()
    # the tie (3 at two places) sends the whole gradient to the first one, as PyTorch does
    np.testing.assert_array_equal(x.grad, [[[[0, 1, 1, 0], [0, 0, 0, 0]]]])
    padded = F.max_pool2d(-x.detach(), 3, stride=2, padding=1).data
    np.testing.assert_array_equal(padded, [[[[0.0, 0.0]]]])


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 1), ((1, 2), (0, 1))])
def test_conv2d_gradcheck(stride, padding):
    fn = lambda x, w, b: F.conv2d(x, w, b, stride, padding)  # noqa: E731
    assert autograd.gradcheck(fn, [leaf(2, 3, 5, 4), leaf(2, 3, 3, 2, seed=1), leaf(2, seed=2)])


@pytest.mark.parametrize("kernel, stride, padding", [(2, None, 0), (3, 2, 1), ((2, 3), 1, 1)])
def test_max_pool_gradcheck(kernel, stride, padding):
    x = leaf(2, 2, 5, 6)
    assert autograd.gradcheck(lambda x: F.max_pool2d(x, kernel, stride, padding), [x])


def test_conv2d_second_derivative():
    w = np.random.default_rng(3).standard_normal((2, 2, 2, 2))
    x0 = np.random.default_rng(4).standard_normal((1, 2, 4, 4))
    v = np.random.default_rng(5).standard_normal(x0.shape)

    def grad_at(a, create_graph=False):
        x = autograd.Tensor(a, requires_grad=True)
        loss = (F.conv2d(x, w, stride=2, padding=1) ** 3).sum()
        return x, autograd.grad(loss, [x], create_graph=create_graph)[0]

    x, g = grad_at(x0.copy(), create_graph=True)
    (hv,) = autograd.grad((g * v).sum(), [x])
    eps = 1e-6
    numeric = (np.asarray(grad_at(x0 + eps * v)[1]) - np.asarray(grad_at(x0 - eps * v)[1])) / (
        2 * eps
    )
    np.testing.assert_allclose(np.asarray(hv), numeric, atol=1e-6)


def naive_conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation):
    """The defining sum, one input pixel and kernel entry at a time."""
    (sh, sw), (ph, pw), (eh, ew), (dh, dw) = (
        F.conv.pair("t", "v", v, 0) for v in (stride, padding, output_padding, dilation)
    )
    n, c_in, h, wd = x.shape
    _, per_group, kh, kw = w.shape
    size = (
        (h - 1) * sh - 2 * ph + dh * (kh - 1) + eh + 1,
        (wd - 1) * sw - 2 * pw + dw * (kw - 1) + ew + 1,
    )
    out = np.zeros((n, per_group * groups, *size))
    for c in range(c_in):
        group = c // (c_in // groups)
        for o in range(per_group):
            for i, j, u, v in np.ndindex(h, wd, kh, kw):
                r, q = i * sh + u * dh - ph, j * sw + v * dw - pw
                if 0 <= r < size[0] and 0 <= q < size[1]:
                    out[:, group * per_group + o, r, q] += x[:, c, i, j] * w[c, o, u, v]
    return out + (0 if b is None else b.reshape(1, -1, 1, 1))


TRANSPOSED = [
    {},
    {"stride": 2},
    {"stride": 2, "padding": 1, "output_padding": 1},
    {"dilation": 2, "padding": (1, 0)},
    {"groups": 2, "stride": (2, 1)},
    {"stride": 3, "dilation": 2, "output_padding": (2, 1), "padding": (1, 2), "groups": 2},
]


@pytest.mark.parametrize("options", TRANSPOSED, ids=str)
def test_conv_transpose2d_is_its_defining_sum(options):
    rng = np.random.default_rng(6)
    x, w, b = rng.standard_normal((2, 4, 3, 4)), rng.standard_normal((4, 3, 3, 2)), None
    groups = options.get("groups", 1)
    b = rng.standard_normal(3 * groups)
    full = {"stride": 1, "padding": 0, "output_padding": 0, "groups": 1, "dilation": 1, **options}
    want = naive_conv_transpose2d(x, w, b, **full)
    got = F.conv_transpose2d(autograd.Tensor(x), w, b, **options)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)


def test_conv_transpose2d_is_the_adjoint_of_conv2d():
    # <conv2d(y, w), x> = <y, conv_transpose2d(x, w)>: the transposed convolution is conv2d's
    # input gradient.
    rng = np.random.default_rng(7)
    w = rng.standard_normal((3, 2, 3, 3))  # conv2d: 2 -> 3 channels; transposed: 3 -> 2
    y = rng.standard_normal((2, 2, 7, 6))
    down = F.conv2d(y, w, stride=2, padding=1)
    x = rng.standard_normal(down.shape)
    up = F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=(0, 1))
    assert up.shape == y.shape
    assert np.vdot(down.numpy(), x) == pytest.approx(np.vdot(y, up.numpy()), rel=1e-12)


@pytest.mark.parametrize("options", TRANSPOSED[1:], ids=str)
def test_conv_transpose2d_gradcheck(options):
    groups = options.get("groups", 1)
    fn = lambda x, w, b: F.conv_transpose2d(x, w, b, **options)  # noqa: E731
    inputs = [leaf(1, 4, 3, 2), leaf(4, 2, 2, 3, seed=1), leaf(2 * groups, seed=2)]
    assert autograd.gradcheck(fn, inputs)


def test_conv_transpose2d_second_derivative_and_dilated_im2col():
    fn = lambda x, w: F.conv_transpose2d(x, w, stride=2, dilation=2) ** 2  # noqa: E731
    assert autograd.gradgradcheck(fn, [leaf(1, 2, 2, 2), leaf(2, 1, 2, 2, seed=1)])
    geometry = {"kernel": (2, 2), "stride": (1, 2), "padding": (1, 0), "dilation": (2, 3)}
    assert autograd.gradcheck(lambda x: Im2Col.apply(x, **geometry), [leaf(1, 2, 4, 5)])


def test_conv_transpose2d_unbatched_and_errors():
    w = np.ones((2, 3, 2, 2))
    assert F.conv_transpose2d(np.ones((2, 3, 3)), w).shape == (3, 4, 4)
    x = autograd.Tensor(np.zeros((1, 2, 3, 3)))
    with pytest.raises(ValueError, match=r"conv_transpose2d: input shape \(1, 3, 3, 3\) does not"):
        F.conv_transpose2d(np.zeros((1, 3, 3, 3)), w)
    with pytest.raises(ValueError, match="output_padding .* smaller than the stride"):
        F.conv_transpose2d(x, w, stride=2, output_padding=2)
    with pytest.raises(ValueError, match="groups=3 does not divide the 2 input channels"):
        F.conv_transpose2d(x, w, groups=3)
    with pytest.raises(ValueError, match="gives an empty output"):
        F.conv_transpose2d(x, w, padding=3)
    with pytest.raises(ValueError, match=r"bias shape \(2,\) does not fit 3 output channels"):
        F.conv_transpose2d(x, w, np.zeros(2))


@pytest.mark.parametrize("options", TRANSPOSED, ids=str)
def test_conv_transpose2d_matches_torch(options):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    groups = options.get("groups", 1)
    arrays = [rng.standard_normal(s) for s in ((2, 4, 3, 4), (4, 3, 3, 2), (3 * groups,))]
    results = []
    for lib, fn in ((autograd, F.conv_transpose2d), (torch, torch.nn.functional.conv_transpose2d)):
        leaves = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(*leaves, **options)
        (out * out).sum().backward()
        results.append([out, *(t.grad for t in leaves)])
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)


# ----- conv1d, conv2d's dilation / groups / 'same', conv_transpose1d ------------------------------

CONV1D = [
    {},
    {"stride": 2, "padding": 1},
    {"padding": "same", "dilation": 2},
    {"padding": "same"},  # an even kernel: the odd padding element goes at the end
    {"padding": "valid", "stride": (3,)},
    {"groups": 2, "dilation": (2,), "padding": (2,)},
]


def _kernel_width(options):
    return 4 if options == {"padding": "same"} else 3


def _against_torch(ours_fn, theirs_fn, arrays, options):
    torch = pytest.importorskip("torch")
    results = []
    for lib, fn in ((autograd, ours_fn), (torch, theirs_fn)):
        leaves = [None if a is None else lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(*leaves, **options)
        (out * out).sum().backward()
        results.append([out, *(t.grad for t in leaves if t is not None)])
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    return results[0][0]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("options", CONV1D, ids=str)
def test_conv1d_matches_torch(options):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    groups = options.get("groups", 1)
    arrays = [rng.standard_normal(s) for s in ((2, 4, 9), (6, 4 // groups, _kernel_width(options)))]
    arrays.append(rng.standard_normal(6))
    out = _against_torch(F.conv1d, torch.nn.functional.conv1d, arrays, options)
    if options.get("padding") == "same":
        assert out.shape == (2, 6, 9)


@pytest.mark.parametrize(
    "options",
    [{"dilation": 2, "padding": 1}, {"groups": 2, "stride": (2, 1)}, {"padding": "same"},
     {"padding": "same", "dilation": (1, 2), "groups": 4}],
    ids=str,
)  # fmt: skip
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
def test_conv2d_dilation_groups_and_same_padding_match_torch(options):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(10)
    groups = options.get("groups", 1)
    arrays = [rng.standard_normal((2, 4, 6, 5)), rng.standard_normal((4, 4 // groups, 2, 3)), None]
    _against_torch(F.conv2d, torch.nn.functional.conv2d, arrays, options)


@pytest.mark.parametrize("options", CONV1D[1:], ids=str)
def test_conv1d_gradcheck(options):
    groups = options.get("groups", 1)
    fn = lambda x, w, b: F.conv1d(x, w, b, **options)  # noqa: E731
    inputs = [leaf(2, 4, 7), leaf(2, 4 // groups, _kernel_width(options), seed=1), leaf(2, seed=2)]
    assert autograd.gradcheck(fn, inputs)


def test_conv1d_is_conv2d_on_height_1_and_works_unbatched():
    x, w = leaf(2, 3, 8), leaf(4, 3, 3, seed=1)
    as_image = F.conv2d(x.reshape(2, 3, 1, 8), w.reshape(4, 3, 1, 3), stride=(1, 2))
    np.testing.assert_array_equal(F.conv1d(x, w, stride=2).numpy(), as_image.numpy()[:, :, 0])
    alone = F.conv1d(x[0], w, padding="same")
    assert alone.shape == (4, 8)
    np.testing.assert_allclose(alone.numpy(), F.conv1d(x, w, padding=1).numpy()[0])
    assert F.conv2d(x.reshape(2, 3, 1, 8)[0], w.reshape(4, 3, 1, 3)).shape == (4, 1, 6)


def test_conv1d_by_hand_with_dilation_and_groups():
    x = autograd.tensor(np.array([[[1.0, 2.0, 3.0, 4.0, 5.0], [10.0, 20.0, 30.0, 40.0, 50.0]]]))
    w = np.array([[[1.0, -1.0]], [[0.5, 0.5]]])  # groups=2: channel 0 -> out 0, 1 -> out 1
    out = F.conv1d(x, w, dilation=2, groups=2).numpy()
    np.testing.assert_array_equal(out, [[[1 - 3, 2 - 4, 3 - 5], [20.0, 30.0, 40.0]]])


def test_conv1d_and_conv2d_errors_name_the_function_and_shapes():
    x = np.zeros((1, 4, 5))
    with pytest.raises(ValueError, match=r"conv1d: input shape \(1, 4, 5\) does not fit weight "):
        F.conv1d(x, np.zeros((2, 4, 3, 3)))
    with pytest.raises(ValueError, match=r"conv1d: .*\(1, 4, 5\) .* \(2, 3, 3\) with groups=1"):
        F.conv1d(x, np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match=r"conv1d: kernel \(7,\) is larger than the padded input"):
        F.conv1d(x, np.zeros((2, 4, 7)))
    with pytest.raises(ValueError, match="conv1d: padding='same' is not supported for strided"):
        F.conv1d(x, np.zeros((2, 4, 3)), stride=2, padding="same")
    with pytest.raises(ValueError, match="conv1d: padding must be 'same', 'valid' or sizes"):
        F.conv1d(x, np.zeros((2, 4, 3)), padding="full")
    with pytest.raises(ValueError, match="conv1d: stride must be an int >= 1 or a 1-tuple"):
        F.conv1d(x, np.zeros((2, 4, 3)), stride=(1, 1))
    with pytest.raises(ValueError, match="conv2d: groups must be an int >= 1"):
        F.conv2d(np.zeros((1, 4, 5, 5)), np.zeros((2, 4, 3, 3)), groups=0)
    with pytest.raises(ValueError, match=r"conv2d: bias shape \(3,\) does not fit 4 output"):
        F.conv2d(np.zeros((1, 4, 5, 5)), np.zeros((4, 2, 3, 3)), np.zeros(3), groups=2)


TRANSPOSED_1D = [
    {},
    {"stride": 2, "padding": 1, "output_padding": 1},
    {"groups": 2, "dilation": 2, "stride": 3, "output_padding": 2},
]


@pytest.mark.parametrize("options", TRANSPOSED_1D, ids=str)
def test_conv_transpose1d_matches_torch_and_gradcheck(options):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    groups = options.get("groups", 1)
    arrays = [rng.standard_normal(s) for s in ((2, 4, 5), (4, 3, 3), (3 * groups,))]
    _against_torch(F.conv_transpose1d, torch.nn.functional.conv_transpose1d, arrays, options)


@pytest.mark.parametrize("options", TRANSPOSED_1D[1:], ids=str)
def test_conv_transpose1d_gradcheck_unbatched_and_errors(options):
    groups = options.get("groups", 1)
    fn = lambda x, w, b: F.conv_transpose1d(x, w, b, **options)  # noqa: E731
    inputs = [leaf(1, 4, 3), leaf(4, 2, 2, seed=1), leaf(2 * groups, seed=2)]
    assert autograd.gradcheck(fn, inputs)
    assert F.conv_transpose1d(np.ones((4, 3)), np.ones((4, 2, 2))).shape == (2, 4)
    with pytest.raises(ValueError, match=r"conv_transpose1d: input shape \(4, 3, 3\) does not"):
        F.conv_transpose1d(np.ones((4, 3, 3)), np.ones((4, 2, 2, 2)))


def test_the_docstring_examples_run():
    import doctest
    import sys

    results = doctest.testmod(sys.modules["nn.functional.conv"])
    assert results.attempted and not results.failed
