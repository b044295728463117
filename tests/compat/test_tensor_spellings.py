"""PyTorch's spellings of tensor operations: each alias gives what its NumPy spelling gives,
both spellings of one argument at once is an error, and the cases where the two libraries give
one name different meanings behave as the README's table says."""

import pydoc

import numpy as np
import pytest

import autograd as ag


def matrix(seed=0, shape=(3, 4)):
    rng = np.random.default_rng(seed)
    return ag.tensor(rng.uniform(-1, 1, shape), requires_grad=True, dtype=np.float64)


# alias spelling -> the NumPy spelling it must equal
ALIASES = {
    "view": (lambda t: t.view(4, 3), lambda t: t.reshape(4, 3)),
    "unsqueeze": (lambda t: t.unsqueeze(1), lambda t: ag.expand_dims(t, 1)),
    "permute": (lambda t: t.permute(1, 0), lambda t: t.transpose((1, 0))),
    "t": (lambda t: t.t(), lambda t: t.T),
    "pow": (lambda t: t.pow(3), lambda t: t**3),
    "sub": (lambda t: t.sub(0.5), lambda t: t - 0.5),
    "mul": (lambda t: t.mul(2.0), lambda t: t * 2.0),
    "div": (lambda t: t.div(2.0), lambda t: t / 2.0),
    "neg": (lambda t: t.neg(), lambda t: -t),
    "mm": (lambda t: t.mm(t.T), lambda t: t @ t.T),
    "clamp": (lambda t: t.clamp(min=-0.2, max=0.3), lambda t: ag.clip(t, -0.2, 0.3)),
    "clamp_min_only": (lambda t: t.clamp(min=0), lambda t: np.clip(t, 0, None)),
    "clone": (lambda t: t.clone(), lambda t: t * 1),
    "cat": (lambda t: ag.cat([t, t], dim=1), lambda t: ag.concatenate([t, t], axis=1)),
    "stack_dim": (lambda t: ag.stack([t, t], dim=2), lambda t: np.stack([t, t], axis=2)),
    "sum_dim": (lambda t: t.sum(dim=1, keepdim=True), lambda t: t.sum(axis=1, keepdims=True)),
    "mean_dim": (lambda t: t.mean(dim=0), lambda t: np.mean(t, axis=0)),
    "logsumexp_dim": (lambda t: t.logsumexp(dim=1), lambda t: ag.logsumexp(t, axis=1)),
    "cumsum_dim": (lambda t: t.cumsum(dim=1), lambda t: np.cumsum(t, axis=1)),
    "prod_dim": (lambda t: t.prod(dim=0), lambda t: np.prod(t, axis=0)),
    "movedim": (lambda t: t.movedim(0, 1), lambda t: np.moveaxis(t, 0, 1)),
    "swapdims": (lambda t: t.swapdims(0, 1), lambda t: np.swapaxes(t, 0, 1)),
    "flatten_start": (lambda t: t.unsqueeze(0).flatten(1), lambda t: t.reshape(1, 12)),
    "float": (lambda t: t.float(), lambda t: t.astype(np.float32)),
    "to_dtype": (lambda t: t.to(ag.float32), lambda t: t.astype(np.float32)),
    "to_cpu": (lambda t: t.to("cpu"), lambda t: t),
}


@pytest.mark.parametrize("name", sorted(ALIASES))
def test_alias_equals_its_numpy_spelling_in_value_and_gradient(name):
    torch_style, numpy_style = ALIASES[name]
    a, b = matrix(), matrix()
    out_a, out_b = torch_style(a), numpy_style(b)
    np.testing.assert_allclose(out_a.data, out_b.data)
    assert out_a.dtype == out_b.dtype
    if out_a.requires_grad:
        weights = np.random.default_rng(1).uniform(size=out_a.shape)
        (out_a * weights).sum().backward()
        (out_b * weights).sum().backward()
        np.testing.assert_allclose(a.grad, b.grad)


def test_every_alias_says_what_it_aliases():
    assert "view" in ag.Tensor.view.__doc__ or "reshape" in ag.Tensor.view.__doc__
    assert ag.Tensor.unsqueeze is ag.expand_dims
    assert ag.cat is ag.concatenate and ag.Tensor.clamp is ag.clip
    assert "clone" in ag.copy.__doc__ and "PyTorch" in ag.Tensor.float.__doc__


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.sum(axis=0, dim=0),
        lambda t: ag.mean(t, keepdims=True, keepdim=True),
        lambda t: ag.cat([t, t], axis=0, dim=0),
        lambda t: t.clip(a_min=0, min=0),
    ],
)
def test_both_spellings_at_once_raise(call):
    with pytest.raises(TypeError, match="give"):
        call(matrix())


# ----- where the two libraries disagree (the README's table) ---------------------------------
def test_max_with_dim_returns_values_and_indices_as_pytorch():
    x = matrix()
    values, indices = x.max(dim=1)
    np.testing.assert_array_equal(values.data, x.data.max(axis=1))
    np.testing.assert_array_equal(indices.data, x.data.argmax(axis=1))
    assert x.max(dim=1).values is not None and x.min(dim=0).indices.dtype == np.int64
    np.testing.assert_array_equal(x.max(axis=1).data, x.data.max(axis=1))  # NumPy: values
    np.testing.assert_array_equal(x.max(1).data, x.data.max(axis=1))  # positional: NumPy's
    np.testing.assert_array_equal(ag.max(x, x * 0).data, np.maximum(x.data, 0))  # elementwise


def test_std_and_var_default_to_numpy_unless_spelled_the_pytorch_way():
    x = matrix()
    np.testing.assert_allclose(x.std().data, np.std(x.data))  # ddof 0
    np.testing.assert_allclose(x.std(dim=1).data, np.std(x.data, axis=1, ddof=1))
    np.testing.assert_allclose(x.var(unbiased=True).data, np.var(x.data, ddof=1))
    np.testing.assert_allclose(x.var(dim=0, correction=0).data, np.var(x.data, axis=0))
    np.testing.assert_allclose(x.var(axis=0, ddof=1).data, np.var(x.data, axis=0, ddof=1))


def test_transpose_with_two_axes_exchanges_them():
    x = ag.zeros(2, 3, 4)
    assert x.transpose(0, 2).shape == (4, 3, 2)  # PyTorch: swap (NumPy would need 3 axes)
    assert x.transpose(2, 0, 1).shape == (4, 2, 3)  # NumPy: a permutation
    assert x.transpose().shape == (4, 3, 2)
    m = ag.zeros(2, 3)
    assert m.transpose(0, 1).shape == (3, 2)  # PyTorch's meaning, not NumPy's identity
    assert m.transpose((0, 1)).shape == (2, 3)  # a tuple is NumPy's permutation


def test_repeat_is_numpys_and_tile_is_pytorchs_repeat():
    x = ag.tensor([1.0, 2.0])
    np.testing.assert_array_equal(x.repeat(2).data, [1, 1, 2, 2])  # np.repeat
    np.testing.assert_array_equal(np.tile(x, 2).data, [1, 2, 1, 2])  # torch's x.repeat(2)


def test_size_is_numpys_attribute_and_pytorchs_method():
    x = ag.zeros(2, 3)
    assert x.size == 6 and x.size() == (2, 3) and x.size(1) == 3 and x.size(-1) == 3
    assert x.numel() == 6 and x.dim() == 2


def test_flatten_without_arguments_is_numpys_and_with_start_dim_pytorchs():
    x = ag.zeros(2, 3, 4)
    assert x.flatten().shape == (24,) and x.flatten(1).shape == (2, 12)
    assert x.flatten(0, 1).shape == (6, 4)


# ----- dtypes -------------------------------------------------------------------------------
def test_dtype_rules_where_numpy_and_pytorch_agree():
    assert ag.tensor([0, 2]).dtype == np.int64
    assert ag.tensor(1.5).dtype == np.float32
    assert ag.tensor([True]).dtype == np.bool_
    assert ag.tensor(np.array([1.0])).dtype == np.float64
    assert ag.tensor([1, 2], dtype=ag.float32).dtype == np.float32
    assert (ag.long, ag.float, ag.double, ag.int) == (np.int64, np.float32, np.float64, np.int32)
    with pytest.raises(ValueError, match="only floating-point"):
        ag.tensor([1, 2], requires_grad=True)


def test_creation_functions():
    assert ag.full((2, 2), 3.0).data.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert ag.full_like(ag.zeros(3), 7).dtype == np.float32
    np.testing.assert_allclose(ag.linspace(0, 1, 5).data, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_array_equal(ag.eye(3).data, np.eye(3))
    assert ag.empty(2, 3).shape == (2, 3)
    array = np.zeros(3)
    shared = ag.from_numpy(array)
    array[0] = 5
    assert shared.data[0] == 5  # shares memory, as torch.from_numpy
    assert ag.as_tensor([1.0], dtype=ag.float64).dtype == np.float64
    ag.manual_seed(0)
    draws = ag.randint(0, 10, (100,))
    assert draws.dtype == np.int64 and draws.data.min() >= 0 and draws.data.max() < 10


def test_devices_other_than_the_cpu_are_refused():
    assert ag.zeros(2, device="cpu").shape == (2,)
    assert ag.tensor([1.0], device=ag.device("cpu")).device == "cpu"
    assert ag.zeros(2).cpu().to("cpu").shape == (2,)
    assert not ag.cuda.is_available()
    for make in (lambda: ag.zeros(2, device="cuda"), lambda: ag.zeros(2).to("cuda:0")):
        with pytest.raises(ValueError, match="backproplab runs on the CPU"):
            make()


# ----- in place ------------------------------------------------------------------------------
def test_item_assignment_and_in_place_methods_outside_the_graph():
    x = ag.tensor([[-1.0, 2.0], [3.0, -4.0]])
    x[x < 0] = 0
    np.testing.assert_array_equal(x.data, [[0, 2], [3, 0]])
    x.add_(1).mul_(2).sub_(1, alpha=2).div_(2)
    np.testing.assert_array_equal(x.data, [[0, 2], [3, 0]])
    x.clamp_(max=2.5).fill_(1)
    assert x.data.sum() == 4
    x.copy_(ag.tensor([5.0, 6.0]))
    np.testing.assert_array_equal(x.data, [[5, 6], [5, 6]])
    assert x.zero_().data.sum() == 0


def test_in_place_on_a_parameter_needs_no_grad_and_is_seen_by_backward():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        w.add_(1)
    with pytest.raises(RuntimeError, match="requires grad"):
        w[0] = 5.0
    loss = (w * w).sum()
    with ag.no_grad():
        w[0] = 5.0  # allowed, and counted: the graph saved the old w
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_in_place_on_a_recorded_result_moves_its_history_as_in_pytorch():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    c = w * 2
    c += c + 1  # PyTorch's in-place on a result: c = c_old + (c_old + 1)
    c.sum().backward()
    np.testing.assert_array_equal(w.grad, [4.0, 4.0])
    w.grad = None
    c = w * 2
    c.zero_()  # fills too: the gradient of what came before is zero
    (c + w).sum().backward()
    np.testing.assert_array_equal(w.grad, [1.0, 1.0])


def test_requires_grad_and_detach_in_place():
    x = ag.zeros(2).requires_grad_()
    assert x.requires_grad
    y = (x * 2).detach_()
    assert y.is_leaf and not y.requires_grad


# ----- missing names -------------------------------------------------------------------------
def test_missing_names_say_what_to_use_instead():
    x = ag.zeros(2)
    with pytest.raises(AttributeError, match=r"nansum.*use autograd.where"):
        x.nansum  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'cuda': backproplab runs on the CPU"):
        x.cuda()
    assert not hasattr(x, "softplus") and hasattr(x, "broadcast_to")
    help_text = pydoc.render_doc(ag.Tensor, renderer=pydoc.plaintext)
    assert "softplus\n |      Not in backproplab: use autograd.logaddexp(0, t)" in help_text
    with pytest.raises(AttributeError, match="'Tensor' object has no attribute 'unsqueez'"):
        x.unsqueez  # noqa: B018  (a typo: Python's own error, with its "Did you mean")
    with pytest.raises(AttributeError, match="`import nn`"):
        ag.nn  # noqa: B018
    with pytest.raises(AttributeError, match="did you mean autograd.linspace"):
        ag.linspase  # noqa: B018


def test_tensor_has_no_getattr_hook():
    # The hints above are attributes of their own: a Tensor.__getattr__ would make every
    # attribute read on every Tensor take Python's slow path (see autograd.tensor.Lacking).
    assert "__getattr__" not in vars(ag.Tensor)


def test_against_torch_where_installed():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(0).uniform(-1, 1, (3, 4))
    ours, theirs = ag.tensor(data), torch.tensor(data)
    for call in (
        lambda t: t.std(dim=1),
        lambda t: t.var(dim=0, unbiased=False),
        lambda t: t.max(dim=1).values,
        lambda t: t.max(dim=1).indices,
        lambda t: t.transpose(0, 1),
        lambda t: t.flatten(0, 1),
        lambda t: t.unsqueeze(1).permute(2, 0, 1),
        lambda t: t.clamp(min=-0.1, max=0.2),
        lambda t: t.sum(dim=1, keepdim=True),
        lambda t: t.cumsum(dim=0),
    ):
        np.testing.assert_allclose(np.asarray(call(ours).data), call(theirs).numpy(), rtol=1e-12)


def test_no_refusal_shadows_a_real_method():
    from autograd import registry, torch_facade
    from autograd.torch_facade import MISSING, Lacking

    # Every name MISSING lists is a Lacking attribute on Tensor, and no op, alias or method
    # holder declares it (the import would have raised; this names the culprit instead).
    declared = {
        name for e in registry.ENTRIES.values() if e.method for name in (e.method, *e.aliases)
    }
    for name in MISSING:
        assert isinstance(vars(ag.Tensor)[name], Lacking), name
        assert name not in declared, f"{name!r} is both an op method and in MISSING"

    class WithMethod:  # a class that has the method already: installing the refusal raises
        pass

    first = next(iter(MISSING))
    setattr(WithMethod, first, lambda self: "real")
    with pytest.raises(RuntimeError, match=f"MISSING lists '{first}'.*remove it from MISSING"):
        torch_facade.install_lacking(WithMethod)

    class Holder:  # a method holder installed after the refusals: refused the same way
        pass

    setattr(Holder, first, lambda self: "real")
    with pytest.raises(RuntimeError, match=f"would replace Tensor.{first}"):
        registry.install_attributes(Holder, ag.Tensor)
    assert isinstance(vars(ag.Tensor)[first], Lacking)


def test_devices_have_pytorchs_type_and_index():
    # DCGAN: `if (device.type == 'cuda') and (ngpu > 1):`; `x.device.type` likewise.
    device = ag.device("cuda:0" if ag.cuda.is_available() else "cpu")
    assert device == "cpu" and str(device) == "cpu" and f"{device}" == "cpu"
    assert (device.type, device.index) == ("cpu", None)
    assert ag.tensor([1.0]).device.type == "cpu"
    with pytest.raises(ValueError, match="device: backproplab runs on the CPU"):
        ag.device("cuda", 0)


def test_bmm_amax_amin_rsqrt_and_friends_match_torch():
    # The seq2seq tutorial's attention (torch.bmm(weights, keys)) and other names MISSING listed.
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4, 5))
    x = ag.tensor(np.abs(a) + 0.5, requires_grad=True)
    tx = torch.tensor(np.abs(a) + 0.5, requires_grad=True)
    mask = a > 0
    pairs = [
        (lambda t: t.bmm(ag.tensor(b)), lambda t: t.bmm(torch.tensor(b))),
        (lambda t: ag.bmm(t, ag.tensor(b)), lambda t: torch.bmm(t, torch.tensor(b))),
        (lambda t: t.amax(dim=(0, 2)), lambda t: t.amax(dim=(0, 2))),
        (lambda t: ag.amin(t, 1, keepdim=True), lambda t: torch.amin(t, 1, keepdim=True)),
        (lambda t: t.amax(), lambda t: t.amax()),
        (lambda t: t.rsqrt(), lambda t: t.rsqrt()),
        (lambda t: ag.rsqrt(t), lambda t: torch.rsqrt(t)),
        (
            lambda t: t.clamp_min(1.0) + t.clamp_max(1.0),
            lambda t: t.clamp_min(1.0) + t.clamp_max(1.0),
        ),
        (lambda t: t.true_divide(2), lambda t: t.true_divide(2)),
        (lambda t: t.reshape_as(ag.zeros(6, 4)), lambda t: t.reshape_as(torch.zeros(6, 4))),
        (lambda t: t.masked_select(ag.tensor(mask)), lambda t: t.masked_select(torch.tensor(mask))),
        (
            lambda t: t.masked_select(ag.tensor(mask[0])),
            lambda t: t.masked_select(torch.tensor(mask[0])),
        ),
    ]
    weights = rng.normal(size=64)
    for ours_fn, theirs_fn in pairs:
        x.grad, tx.grad = None, None
        ours, theirs = ours_fn(x), theirs_fn(tx)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
        w = weights[: ours.numel()].reshape(ours.shape)
        (ours * ag.tensor(w)).sum().backward()
        (theirs * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match=r"bmm: needs \(b, n, m\) and \(b, m, p\).*\(2, 4, 5\)"):
        ag.tensor(b).bmm(ag.tensor(b))
