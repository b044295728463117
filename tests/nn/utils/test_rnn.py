"""nn.utils.rnn: pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence,
unpack_sequence, and recurrent layers reading a PackedSequence -- PyTorch's layout and numbers,
gradients back to the inputs."""

import numpy as np
import pytest

import autograd
import nn
from nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
    unpack_sequence,
)

LENGTHS = [2, 5, 3]  # unsorted, distinct (ties would let PyTorch's sort order them either way)
RNG = np.random.default_rng(2)


def sequences(lib, lengths=LENGTHS, features=3):
    arrays = [np.random.default_rng(n).standard_normal((n, features)) for n in lengths]
    return [lib.tensor(a, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_matches_torch_with_gradients(batch_first, side):
    torch = pytest.importorskip("torch")
    ours, theirs = sequences(autograd), sequences(torch)
    a = pad_sequence(ours, batch_first=batch_first, padding_value=-1.5, padding_side=side)
    b = torch.nn.utils.rnn.pad_sequence(
        theirs, batch_first=batch_first, padding_value=-1.5, padding_side=side
    )
    np.testing.assert_array_equal(a.numpy(), b.detach().numpy())
    assert a.dtype == np.float64
    weights = RNG.standard_normal(a.shape)
    (a * autograd.tensor(weights)).sum().backward()
    (b * torch.tensor(weights)).sum().backward()
    for x, y in zip(ours, theirs):
        np.testing.assert_array_equal(x.grad.numpy(), y.grad.numpy())
    assert autograd.gradcheck(lambda *s: pad_sequence(list(s), batch_first), ours)


@pytest.mark.parametrize("enforce_sorted", [False, True])
def test_pack_and_pad_packed_match_torch(enforce_sorted):
    torch = pytest.importorskip("torch")
    lengths = sorted(LENGTHS, reverse=True) if enforce_sorted else LENGTHS
    ours, theirs = sequences(autograd, lengths), sequences(torch, lengths)
    packed = pack_padded_sequence(
        pad_sequence(ours, batch_first=True), lengths, True, enforce_sorted
    )
    expected = torch.nn.utils.rnn.pack_padded_sequence(
        torch.nn.utils.rnn.pad_sequence(theirs, batch_first=True), lengths, True, enforce_sorted
    )
    np.testing.assert_array_equal(packed.data.numpy(), expected.data.detach().numpy())
    np.testing.assert_array_equal(packed.batch_sizes.numpy(), expected.batch_sizes.numpy())
    for mine, theirs_ in [
        (packed.sorted_indices, expected.sorted_indices),
        (packed.unsorted_indices, expected.unsorted_indices),
    ]:
        assert (mine is None) == (theirs_ is None)
        if mine is not None:
            np.testing.assert_array_equal(mine.numpy(), theirs_.numpy())
    padded, got_lengths = pad_packed_sequence(packed, padding_value=7.0, total_length=6)
    want, want_lengths = torch.nn.utils.rnn.pad_packed_sequence(
        expected, padding_value=7.0, total_length=6
    )
    np.testing.assert_array_equal(padded.numpy(), want.detach().numpy())
    np.testing.assert_array_equal(got_lengths.numpy(), want_lengths.numpy())
    weights = RNG.standard_normal(padded.shape)
    (padded * autograd.tensor(weights)).sum().backward()
    (want * torch.tensor(weights)).sum().backward()
    for x, y in zip(ours, theirs):
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy())


def test_pack_sequence_round_trip_and_gradcheck():
    ours = sequences(autograd)
    back = unpack_sequence(pack_sequence(ours, enforce_sorted=False))
    for a, b in zip(back, ours):
        np.testing.assert_array_equal(a.numpy(), b.numpy())

    def through(*s):
        packed = pack_sequence(list(s), enforce_sorted=False)
        return pad_packed_sequence(packed, batch_first=True)[0] ** 2

    assert autograd.gradcheck(through, ours)


TORCH_CASES = [
    ("RNN", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("GRU", {"batch_first": True, "bidirectional": True}),
    ("LSTM", {"batch_first": True}),
]


@pytest.mark.parametrize("give_state", [False, True])
@pytest.mark.parametrize(("mode", "options"), TORCH_CASES)
def test_recurrent_layers_on_packed_batches_match_torch(mode, options, give_state):
    torch = pytest.importorskip("torch")
    autograd.manual_seed(3)
    ours = getattr(nn, mode)(3, 4, dtype=np.float64, **options)
    theirs = getattr(torch.nn, mode)(3, 4, dtype=torch.float64, **options)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    batch_first = options.get("batch_first", False)
    layers = options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
    states = [RNG.standard_normal((layers, 3, 4)) for _ in range(2 if mode == "LSTM" else 1)]

    def run(lib, layer, utils):
        seqs = sequences(lib)
        hx = [lib.tensor(s, requires_grad=True) for s in states] if give_state else []
        padded = utils.pad_sequence(seqs, batch_first=batch_first)
        packed = utils.pack_padded_sequence(padded, LENGTHS, batch_first, enforce_sorted=False)
        out, final = layer(packed, (tuple(hx) if mode == "LSTM" else hx[0]) if hx else None)
        assert type(out).__name__ == "PackedSequence"
        unpacked, lengths = utils.pad_packed_sequence(out, batch_first=batch_first)
        finals = final if mode == "LSTM" else (final,)
        w = lib.tensor(np.random.default_rng(9).standard_normal(tuple(unpacked.shape)))
        loss = (unpacked * w).sum() + sum((f * f * f).sum() for f in finals)
        loss.backward()
        grads = [s.grad for s in seqs + hx] + [p.grad for p in layer.parameters()]
        return [out.data, unpacked, lengths, *finals, *grads]

    mine = run(autograd, ours, nn.utils.rnn)
    expected = run(torch, theirs, torch.nn.utils.rnn)
    for a, b in zip(mine, expected, strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_bad_input_errors_say_what_to_do():
    x = autograd.zeros((4, 2, 3))
    with pytest.raises(RuntimeError, match="enforce_sorted=False"):
        pack_padded_sequence(x, [2, 3])
    with pytest.raises(ValueError, match=r"between 1 and the padded length 4, got \[5, 3\]"):
        pack_padded_sequence(x, [5, 3])
    with pytest.raises(ValueError, match=r"one length per sequence \(2\)"):
        pack_padded_sequence(x, [3])
    with pytest.raises(ValueError, match=r"sequence 1 has shape \(2, 4\)"):
        pad_sequence([autograd.zeros((3, 3)), autograd.zeros((2, 4))])
    packed = pack_padded_sequence(x, [4, 2])
    assert isinstance(packed, PackedSequence)
    with pytest.raises(ValueError, match="total_length=3 is shorter"):
        pad_packed_sequence(packed, total_length=3)
    with pytest.raises(ValueError, match="RNN: the packed data must have 5 features"):
        nn.RNN(5, 2)(packed)


def test_packed_sequence_moves_and_casts_its_data_only():
    packed = pack_sequence(sequences(autograd), enforce_sorted=False)
    single = packed.float()
    assert single.data.dtype == np.float32 and single.batch_sizes is packed.batch_sizes
    assert packed.to("cpu").data.dtype == np.float64 and packed.cpu() is packed
    np.testing.assert_allclose(single.double().data.numpy(), packed.data.numpy(), rtol=1e-6)
