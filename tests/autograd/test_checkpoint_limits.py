"""``autograd.load`` on hostile files: sizes checked before reading, a byte budget, a bounded
header, honest messages; ``autograd.save`` writes through a synced temporary file."""

from __future__ import annotations

import json
import os
import pickle
import time
import zipfile

import numpy as np
import pytest

import autograd
import autograd.checkpoint as checkpoint


def _header(tree):
    text = json.dumps({"format": "backproplab-checkpoint", "version": 1, "tree": tree})
    return np.frombuffer(text.encode(), np.uint8)


def _npy_bytes(array_header: str, data: bytes = b"") -> bytes:
    """A .npy member with a hand-written header (whatever shape it claims) and ``data``."""
    header = array_header.encode("latin1")
    header += b" " * (-(len(header) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + data


def test_compressed_checkpoint_that_expands_past_the_budget_is_refused(tmp_path):
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, __backproplab__=_header({"array": "w"}), w=np.zeros(2**20))
    assert path.stat().st_size < 2**14  # 8 MiB of zeros in a few KiB
    with pytest.raises(ValueError, match=r"more than the .* budget \(pass max_bytes="):
        autograd.load(path, max_bytes=2**20)
    assert autograd.load(path, max_bytes=2**24).shape == (2**20,)  # the caller may raise it


def test_default_budget_is_several_times_the_file_size(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "DEFAULT_BUDGET", 2**20)
    small = tmp_path / "small.npz"
    np.savez_compressed(small, __backproplab__=_header({"array": "w"}), w=np.zeros(2**18))
    with pytest.raises(ValueError, match="budget"):
        autograd.load(small)  # 2 MiB from a few KiB
    plain = tmp_path / "plain.npz"
    autograd.save(np.ones(2**18), plain)  # uncompressed: its arrays take about its size
    assert autograd.load(plain).shape == (2**18,)


def test_member_claiming_petabytes_is_refused_before_allocating(tmp_path):
    path = tmp_path / "huge.npz"
    header = _header({"array": "w"})
    with zipfile.ZipFile(path, "w") as z:
        spec = f"{{'descr': '|u1', 'fortran_order': False, 'shape': ({len(header)},), }}"
        z.writestr("__backproplab__.npy", _npy_bytes(spec, header.tobytes()))
        claim = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({2**50},), }}"
        z.writestr("w.npy", _npy_bytes(claim))  # 8 PiB claimed, no data
    with pytest.raises(ValueError, match=r"claims shape \(1125899906842624,\)"):
        autograd.load(path, max_bytes=2**62)


def test_deeply_nested_header_is_a_value_error_not_recursion(tmp_path):
    for depth in (150, 100_000):  # our limit, and deeper than Python's recursion limit
        tree = "null"
        text = '{"list": [' * depth + tree + "]}" * depth
        raw = ('{"format": "backproplab-checkpoint", "version": 1, "tree": ' + text + "}").encode()
        path = tmp_path / f"deep{depth}.npz"
        np.savez(path, __backproplab__=np.frombuffer(raw, np.uint8))
        with pytest.raises(ValueError, match="nests deeper than 100 levels"):
            autograd.load(path)
    shallow = tmp_path / "shallow.npz"
    autograd.save([[[[1]]]], shallow)
    assert autograd.load(shallow) == [[[[1]]]]


def test_oversized_header_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "MAX_HEADER_BYTES", 1000)
    path = tmp_path / "big.npz"
    autograd.save({"k" * 2000: 1}, path)
    with pytest.raises(ValueError, match="header"):
        autograd.load(path)


def test_random_bytes_and_pickles_get_no_advice_to_unpickle(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(ValueError) as info:
        autograd.load(junk)
    message = str(info.value)
    assert "not a zip archive" in message
    assert "allow_pickle" not in message and "pickle.load" not in message
    pkl = tmp_path / "m.pt"
    pkl.write_bytes(pickle.dumps({"w": [1.0]}))
    with pytest.raises(ValueError, match="never unpickles"):
        autograd.load(pkl)


def test_save_syncs_the_file_before_renaming_it(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(
        os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1]
    )
    autograd.save({"w": np.ones(3)}, tmp_path / "c.npz")
    assert events[:2] == ["fsync", "replace"]


def test_interrupted_save_leaves_no_temporary_file(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        autograd.save({"w": np.ones(3)}, tmp_path / "c.npz")
    assert list(tmp_path.iterdir()) == []


def test_temporary_left_by_a_killed_save_is_removed_by_the_next_save(tmp_path):
    stale = tmp_path / ".c.npz.abcd1234.tmp"
    fresh = tmp_path / ".c.npz.efgh5678.tmp"  # maybe another process saving right now
    other = tmp_path / ".d.npz.abcd1234.tmp"  # another checkpoint's: not ours to remove
    for p in (stale, fresh, other):
        p.write_bytes(b"partial")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    autograd.save({"w": np.ones(3)}, tmp_path / "c.npz")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [".c.npz.efgh5678.tmp", ".d.npz.abcd1234.tmp", "c.npz"]


def test_round_trip_reads_fortran_and_string_members(tmp_path):
    obj = {
        "f": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "s": np.array(["ab", "c"]),
        "e": np.zeros((0, 3)),
    }
    autograd.save(obj, tmp_path / "c.npz")
    back = autograd.load(tmp_path / "c.npz")
    for key, value in obj.items():
        np.testing.assert_array_equal(back[key], value)
        assert back[key].dtype == value.dtype and back[key].flags.writeable


def test_damaged_checkpoints_raise_value_error_and_nothing_else(tmp_path):
    good = tmp_path / "good.npz"
    autograd.save({"a": np.arange(40.0), "b": [1, {"c": np.ones(3, np.int32)}]}, good)
    original = good.read_bytes()
    rng = np.random.default_rng(0)
    damaged = tmp_path / "damaged.npz"
    loaded = 0
    for _ in range(150):
        data = bytearray(original)
        for _ in range(rng.integers(1, 8)):
            data[rng.integers(len(data))] = rng.integers(256)
        if rng.random() < 0.2:
            data = data[: rng.integers(len(data))]
        damaged.write_bytes(bytes(data))
        try:
            autograd.load(damaged)
            loaded += 1  # a byte no check covers (padding, a timestamp) may change harmlessly
        except ValueError:
            pass
    assert loaded < 50
