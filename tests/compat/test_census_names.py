"""Every census name marked "have" or "alias" that two or more sources use, checked against its
meaning: the same call on the same numbers in both libraries gives the same values (torch where
installed; hand-derived or NumPy values always), and the differentiable ones pass gradcheck.

Random draws are checked by what they promise (shape, dtype, range, reproducibility), since the
two libraries draw different numbers. Layers, losses and optimizers (``nn.*``, ``optim.*``) are
checked against PyTorch in tests/nn and tests/optim; the census test only asserts they are named
there.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import autograd as ag

ROOT = Path(__file__).resolve().parents[2]
CENSUS = ROOT / "docs" / "census"


def x_of(lib, shape=(3, 4), seed=0):
    data = np.random.default_rng(seed).uniform(0.5, 2.0, size=shape)
    return lib.tensor(data, dtype=lib.float64)


# name -> call(lib, x) for the same program in both libraries (x is a (3, 4) float64 tensor)
CALLS = {
    "torch.tensor": lambda L, x: L.tensor([[1.0, 2.0], [3.0, 4.0]]),
    "torch.zeros": lambda L, x: L.zeros(2, 3),
    "torch.ones": lambda L, x: L.ones((2, 3)),
    "torch.arange": lambda L, x: L.arange(5),
    "torch.cat": lambda L, x: L.cat([x, x], dim=0),
    "torch.stack": lambda L, x: L.stack([x, x], dim=1),
    "torch.from_numpy": lambda L, x: L.from_numpy(np.arange(3.0)),
    "torch.tanh": lambda L, x: L.tanh(x),
    "torch.sqrt": lambda L, x: L.sqrt(x),
    "torch.exp": lambda L, x: L.exp(x),
    "torch.log": lambda L, x: L.log(x),
    "torch.sum": lambda L, x: L.sum(x, dim=1),
    "torch.mean": lambda L, x: L.mean(x, dim=0),
    "torch.max": lambda L, x: L.max(x, dim=1).values,
    "torch.min": lambda L, x: L.min(x, dim=1).indices,
    "torch.zeros_like": lambda L, x: L.zeros_like(x),
    "torch.ones_like": lambda L, x: L.ones_like(x),
    "torch.topk": lambda L, x: L.topk(x, 2, dim=1).values,
    "torch.relu": lambda L, x: L.relu(x - 1),
    "torch.mm": lambda L, x: L.mm(x, x.T),
    "torch.linspace": lambda L, x: L.linspace(0, 1, 5),
    "torch.tril": lambda L, x: L.tril(x),
    "torch.sin": lambda L, x: L.sin(x),
    "torch.cos": lambda L, x: L.cos(x),
    "torch.eye": lambda L, x: L.eye(3),
    "torch.flatten": lambda L, x: L.flatten(x),
    "torch.sort": lambda L, x: L.sort(x, dim=1).values,
    "torch.unsqueeze": lambda L, x: L.unsqueeze(x, 1),
    "torch.einsum": lambda L, x: L.einsum("ij,kj->ik", x, x),
    "torch.empty": lambda L, x: L.empty(2, 3).shape,
    "torch.matmul": lambda L, x: L.matmul(x, x.T),
    "torch.sigmoid": lambda L, x: L.sigmoid(x),
    "torch.pow": lambda L, x: L.pow(x, 3),
    "torch.norm": lambda L, x: L.norm(x),
    "torch.log2": lambda L, x: L.log2(x),
    "torch.abs": lambda L, x: L.abs(-x),
    "torch.neg": lambda L, x: L.neg(x),
    "torch.add": lambda L, x: L.add(x, 2.0),
    "torch.argmax": lambda L, x: L.argmax(x, dim=1),
    "torch.dot": lambda L, x: L.dot(x[0], x[1]),
    "torch.full": lambda L, x: L.full((2, 2), 7.0),
    "torch.histogram": lambda L, x: L.histogram(x, bins=4).hist,
    "torch.nonzero": lambda L, x: L.nonzero(x > 1.2),
    "torch.transpose": lambda L, x: L.transpose(x, 0, 1),
    "torch.cumsum": lambda L, x: L.cumsum(x, dim=1),
    "torch.floor": lambda L, x: L.floor(x * 3),
    "torch.std": lambda L, x: L.std(x, dim=0),
    "torch.tan": lambda L, x: L.tan(x / 4),
    "torch.where": lambda L, x: L.where(x > 1, x, -x),
    "Tensor.item": lambda L, x: x[0, 0].item(),
    "Tensor.shape": lambda L, x: tuple(x.shape),
    "Tensor.mean": lambda L, x: x.mean(),
    "Tensor.sum": lambda L, x: x.sum(dim=0, keepdim=True),
    "Tensor.view": lambda L, x: x.view(4, 3),
    "Tensor.size": lambda L, x: (tuple(x.size()), x.size(1)),
    "Tensor.split": lambda L, x: [p.shape for p in x.split(3, dim=1)] + [x.split([1, 2])[1]],
    "Tensor.max": lambda L, x: x.max(dim=0).values,
    "Tensor.reshape": lambda L, x: x.reshape(2, 6),
    "Tensor.add": lambda L, x: x.add(x),
    "Tensor.unsqueeze": lambda L, x: x.unsqueeze(0).shape,
    "Tensor.sqrt": lambda L, x: x.sqrt(),
    "Tensor.float": lambda L, x: str(x.float().numpy().dtype),
    "Tensor.transpose": lambda L, x: x.transpose(0, 1),
    "Tensor.log": lambda L, x: x.log(),
    "Tensor.tolist": lambda L, x: x[:1, :2].tolist(),
    "Tensor.numel": lambda L, x: x.numel(),
    "Tensor.T": lambda L, x: x.T,
    "Tensor.squeeze": lambda L, x: x[None].squeeze(),
    "Tensor.scatter": lambda L, x: L.zeros(3, 4).scatter(1, L.tensor([[0], [2], [3]]), 1.0),
    "Tensor.clone": lambda L, x: x.clone(),
    "Tensor.numpy": lambda L, x: x.numpy(),
    "Tensor.exp": lambda L, x: x.exp(),
    "Tensor.relu": lambda L, x: (x - 1).relu(),
    "Tensor.dim": lambda L, x: x.dim(),
    "Tensor.std": lambda L, x: x.std(dim=1),
    "Tensor.norm": lambda L, x: (x.norm(), x.norm(dim=1), x.norm(p=1)),
    "Tensor.long": lambda L, x: (x * 2).long(),
    "Tensor.fill_": lambda L, x: L.zeros(2).fill_(3.0),
    "Tensor.min": lambda L, x: x.min(dim=1).values,
    "Tensor.double": lambda L, x: x.float().double(),
    "Tensor.pow": lambda L, x: x.pow(2),
    "Tensor.t": lambda L, x: x.t(),
    "Tensor.contiguous": lambda L, x: x.T.contiguous(),
    "Tensor.expand": lambda L, x: x[:1].expand(3, -1),
    "Tensor.permute": lambda L, x: x.permute(1, 0),
    "Tensor.argmax": lambda L, x: x.argmax(dim=0),
    "Tensor.type": lambda L, x: [x.float().type(), str(x.type(L.float32).numpy().dtype)],
    "Tensor.sin": lambda L, x: x.sin(),
    "Tensor.zero_": lambda L, x: L.ones(3).zero_(),
    "Tensor.sort": lambda L, x: x.sort(dim=1, descending=True).indices,
    "Tensor.abs": lambda L, x: (-x).abs(),
    "Tensor.cos": lambda L, x: x.cos(),
    "Tensor.clip": lambda L, x: x.clip(1.0, 1.5),
    "Tensor.copy_": lambda L, x: L.zeros(3, 4, dtype=L.float64).copy_(x),
    "Tensor.unique": lambda L, x: L.tensor([3, 1, 3, 2]).unique(),
    "Tensor.ndim": lambda L, x: x.ndim,
    "Tensor.masked_fill": lambda L, x: x.masked_fill(x > 1.2, 0.0),
    "Tensor.clamp": lambda L, x: x.clamp(min=1.0),
    "Tensor.log10": lambda L, x: x.log10(),
    "Tensor.sigmoid": lambda L, x: x.sigmoid(),
    "Tensor.flatten": lambda L, x: x.flatten(),
    "Tensor.tanh": lambda L, x: x.tanh(),
    "Tensor.all": lambda L, x: (x > 0).all(),
    "Tensor.repeat": lambda L, x: x.repeat(2, 1),
    "Tensor.scatter_": lambda L, x: L.zeros(2, 3).scatter_(0, L.tensor([[1, 0, 1]]), 5.0),
    "Tensor.nonzero": lambda L, x: (x > 1.5).nonzero(),
    "Tensor.sub": lambda L, x: x.sub(1.0),
    "Tensor.argmin": lambda L, x: x.argmin(dim=1),
    "Tensor.gather": lambda L, x: x.gather(1, L.tensor([[0, 1], [2, 2], [3, 0]])),
    "Tensor.histogram": lambda L, x: x.histogram(bins=3).bin_edges,
    "Tensor.clamp_": lambda L, x: x.clone().clamp_(max=1.0),
    "Tensor.prod": lambda L, x: x.prod(dim=1),
    "Tensor.select": lambda L, x: x.select(1, 2),
    "Tensor.topk": lambda L, x: x.topk(3, largest=False).indices,
    "Tensor.mm": lambda L, x: x.mm(x.T),
    "Tensor.where": lambda L, x: x.where(x > 1, L.zeros_like(x)),
    "Tensor.eq": lambda L, x: x.eq(x[0]),
    "Tensor.nelement": lambda L, x: x.nelement(),
    "Tensor.floor": lambda L, x: (x * 3).floor(),
    "Tensor.log2": lambda L, x: x.log2(),
    "Tensor.trace": lambda L, x: x[:3, :3].trace(),
    "Tensor.var": lambda L, x: x.var(dim=1),
    "Tensor.maximum": lambda L, x: x.maximum(x.T.mean() + 0 * x),
    "Tensor.mul": lambda L, x: x.mul(x),
    "Tensor.sign": lambda L, x: (x - 1).sign(),
    "Tensor.any": lambda L, x: (x > 1.9).any(),
    "Tensor.isfinite": lambda L, x: (x / (x - x[0, 0])).isfinite(),
    "Tensor.new_zeros": lambda L, x: str(x.new_zeros(2, 2).numpy().dtype),
    "Tensor.round": lambda L, x: (x * 3).round(),
    "Tensor.type_as": lambda L, x: L.tensor([1, 2]).type_as(x),
    "Tensor.view_as": lambda L, x: x.flatten().view_as(x),
    "Tensor.bool": lambda L, x: (x - 1).bool(),
    "Tensor.flip": lambda L, x: x.flip(0),
    "Tensor.int": lambda L, x: (x * 3).int(),
    "Tensor.swapaxes": lambda L, x: x.swapaxes(0, 1),
    "Tensor.add_": lambda L, x: x.clone().add_(x, alpha=2),
    "Tensor.cosh": lambda L, x: x.cosh(),
    "Tensor.div": lambda L, x: x.div(2),
    "Tensor.half": lambda L, x: str(x.half().numpy().dtype),
    "Tensor.is_contiguous": lambda L, x: (x.is_contiguous(), x.T.is_contiguous()),
    "Tensor.new_tensor": lambda L, x: x.new_tensor([1, 2]),
    "Tensor.ravel": lambda L, x: x.ravel(),
    "Tensor.tile": lambda L, x: x.tile((1, 2)),
    "Tensor.softmax": lambda L, x: [x.softmax(1), x.log_softmax(dim=0)],
    "torch.LongTensor": lambda L, x: [
        L.LongTensor([1, 2]),
        L.LongTensor([[1.7, -2.5]]),
        L.FloatTensor(2, 3).shape,
        L.DoubleTensor([0.5]).type(),
        isinstance(L.tensor([1, 2]), L.LongTensor),
    ],
    "F.softmax": lambda L, x: _F(L).softmax(x, dim=1),
    "F.relu": lambda L, x: _F(L).relu(x - 1),
    "F.log_softmax": lambda L, x: _F(L).log_softmax(x, dim=0),
    "F.sigmoid": lambda L, x: _F(L).sigmoid(x),
    "F.tanh": lambda L, x: _F(L).tanh(x),
    "F.max_pool2d": lambda L, x: _F(L).max_pool2d(x.reshape(1, 1, 3, 4), 2),
    "F.avg_pool2d": lambda L, x: _F(L).avg_pool2d(x.reshape(1, 1, 3, 4), 2, stride=1),
    "F.one_hot": lambda L, x: _F(L).one_hot(L.tensor([0, 2, 1]), 3),
    "F.cross_entropy": lambda L, x: _F(L).cross_entropy(x, L.tensor([0, 3, 1])),
    "F.nll_loss": lambda L, x: _F(L).nll_loss(x, L.tensor([0, 3, 1])),
    "F.smooth_l1_loss": lambda L, x: _F(L).smooth_l1_loss(x, x * 0 + 1),
    "F.binary_cross_entropy": lambda L, x: _F(L).binary_cross_entropy(x / 3, x * 0 + 0.5),
    "F.dropout": lambda L, x: _F(L).dropout(x, 0.5, training=False),
    "F.conv2d": lambda L, x: _F(L).conv2d(x.reshape(1, 1, 3, 4), x[:2, :2].reshape(1, 1, 2, 2)),
    "F.scaled_dot_product_attention": lambda L, x: _F(L).scaled_dot_product_attention(x, x, x),
}

# Names whose meaning is a value, not a call: dtypes, classes, modes, devices.
PLAIN = {
    "torch.long": np.int64,
    "torch.float32": np.float32,
    "torch.double": np.float64,
    "torch.float16": np.float16,
    "torch.int32": np.int32,
    "torch.uint8": np.uint8,
    "torch.float64": np.float64,
    "torch.bool": np.bool_,
    "torch.float": np.float32,
    "torch.int64": np.int64,
    "torch.short": np.int16,
}


def _F(lib):
    if lib is ag:
        import nn.functional

        return nn.functional
    return lib.nn.functional


def _plain(value):
    """A value of either library as NumPy numbers (recursively)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "detach") and hasattr(value, "numpy") and not isinstance(value, ag.Tensor):
        return value.detach().numpy()
    if isinstance(value, ag.Tensor):
        return value.numpy()
    if type(value).__name__ == "dtype" and hasattr(value, "name"):
        return str(value)
    if type(value).__name__ == "Size":
        return tuple(value)
    return value


def _same(ours, theirs, label):
    ours, theirs = _plain(ours), _plain(theirs)
    if isinstance(ours, list):
        assert len(ours) == len(theirs), label
        for a, b in zip(ours, theirs):
            _same(a, b, label)
        return
    if isinstance(ours, str) or isinstance(theirs, str):
        assert str(ours).removeprefix("torch.") == str(theirs).removeprefix("torch."), label
        return
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, (label, ours.shape, theirs.shape)
    np.testing.assert_allclose(ours.astype(float), theirs.astype(float), rtol=1e-6, err_msg=label)


def used_in_two():
    usage = json.loads((CENSUS / "usage.json").read_text())["usage"]
    names = json.loads((CENSUS / "torch_names.json").read_text())
    import sys

    sys.path.insert(0, str(CENSUS))
    from table import classify

    return {
        dotted
        for dotted, sources in usage.items()
        if len(sources) >= 2
        and dotted.partition(".")[2] in names[dotted.partition(".")[0]]
        and classify(*dotted.split(".", 1)) in ("have", "alias")
    }


def ours(name):
    # The calls are PyTorch programs: run them as converted code runs (PyTorch's meanings).
    with ag.pytorch_meanings(True):
        return CALLS[name](ag, x_of(ag))


@pytest.mark.parametrize("name", sorted(CALLS))
def test_call_equals_torch(name):
    torch = pytest.importorskip("torch")
    _same(ours(name), CALLS[name](torch, x_of(torch)), name)


def test_dtype_names_are_the_same_dtypes():
    for name, dtype in PLAIN.items():
        assert np.dtype(getattr(ag, name.split(".")[1])) == np.dtype(dtype), name


def test_every_used_have_or_alias_name_is_checked_somewhere():
    checked_elsewhere = {  # behaviour these tests do not repeat, with where it is checked
        "tests/nn": "nn.",
        "tests/optim": "optim.",
    }
    missing = []
    for name in sorted(used_in_two()):
        if name in CALLS or name in PLAIN:
            continue
        namespace, _, leaf = name.partition(".")
        folder = next(
            (f for f, prefix in checked_elsewhere.items() if name.startswith(prefix)), None
        )
        if folder and any(leaf in p.read_text() for p in (ROOT / folder).rglob("*.py")):
            continue
        if name in OTHER_CHECKS:
            continue
        missing.append(name)
    assert not missing, f"census names used in 2+ sources with no check: {missing}"


# Attributes and protocols checked by other test files (file: what it checks).
OTHER_CHECKS = {
    "Tensor.backward": "tests/autograd/test_backward.py",
    "torch.no_grad": "tests/autograd/test_engine.py",
    "Tensor.requires_grad": "tests/autograd/test_tensor.py",
    "Tensor.to": "tests/compat/test_tensor_spellings.py",
    "Tensor.data": "tests/autograd/test_tensor.py",
    "Tensor.grad": "tests/autograd/test_backward.py",
    "torch.save": "tests/compat/test_checkpoint.py",
    "torch.load": "tests/compat/test_checkpoint.py",
    "torch.manual_seed": "tests/autograd/test_random_names.py",
    "torch.randn": "tests/autograd/test_random_names.py",
    "torch.rand": "tests/autograd/test_random_names.py",
    "torch.randint": "tests/autograd/test_random_names.py",
    "torch.multinomial": "tests/autograd/test_random_names.py",
    "torch.randn_like": "tests/autograd/test_random_names.py",
    "torch.randperm": "tests/autograd/test_random_names.py",
    "Tensor.normal_": "tests/autograd/test_random_names.py",
    "Tensor.device": "tests/compat/test_devices.py",
    "torch.device": "tests/compat/test_devices.py",
    "Tensor.cpu": "tests/compat/test_devices.py",
    "Tensor.detach": "tests/autograd/test_tensor.py",
    "Tensor.detach_": "tests/compat/test_tensor_spellings.py",
    "torch.Tensor": "tests/autograd/test_tensor.py",
    "Tensor.requires_grad_": "tests/compat/test_tensor_spellings.py",
    "Tensor.retain_grad": "tests/autograd/test_backward.py",
    "Tensor.name": "tests/autograd/graph",
    "Tensor.dtype": "tests/autograd/test_tensor.py",
    "torch.set_printoptions": "tests/compat/test_scaffolding.py",
    "nn.functional": "tests/nn",
    "nn.init": "tests/nn",
    "nn.parallel": "tests/compat/test_scaffolding.py",
    "nn.DataParallel": "tests/compat/test_scaffolding.py",
    "torch.compile": "tests/autograd/compile",
}


def test_other_checks_exist():
    for where in set(OTHER_CHECKS.values()):
        assert (ROOT / where).exists(), where


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: ag.tril(x, -1),
        lambda x: ag.triu(x, 1),
        lambda x: x.masked_fill(x.data > 1.2, 0.0),
        lambda x: x.split([1, 2])[1],
        lambda x: ag.stack(x.chunk(2, dim=1), 0),
        lambda x: x.norm(dim=1),
        lambda x: x.norm(p=1),
        lambda x: x.topk(2, dim=0).values,
        lambda x: x.gather(1, ag.tensor([[0, 1], [2, 2], [3, 0]])),
        lambda x: x.sort(dim=1, descending=True).values,
        lambda x: x.select(1, 2),
        lambda x: x[:1].expand(3, -1),
        lambda x: x.view_as(ag.zeros(12)),
        lambda x: x.where(x > 1, -x),
        lambda x: x.floor() + x,
        lambda x: x.index_select(1, ag.tensor([0, 0, 3])),
        lambda x: x.narrow(1, 1, 2),
    ],
)
def test_gradients(fn):
    assert ag.gradcheck(fn, (x_of(ag).requires_grad_(),))


def test_census_page_is_current():
    import sys

    sys.path.insert(0, str(CENSUS))
    import table

    assert table.PAGE.read_text() == table.render(), "run python docs/census/table.py"


def test_isclose_and_allclose_take_tensor_tolerances():
    # A Tensor tolerance used to send NumPy's dispatch back into the op forever.
    a = np.array([1.0, 2.0])
    tolerance = ag.tensor(1e-3, dtype=ag.float64)
    assert np.allclose(a, a + 5e-4, atol=tolerance, rtol=0)
    assert not np.allclose(a, a + 5e-3, atol=tolerance, rtol=0)
    close = np.isclose(ag.tensor(a), a + np.array([5e-4, 5e-3]), atol=tolerance, rtol=0)
    assert close.numpy().tolist() == [True, False]
