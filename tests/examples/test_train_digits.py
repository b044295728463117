"""``examples/train_digits.py`` (what ``make demo`` runs), called in-process with small settings."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import autograd
import nn

pytest.importorskip("matplotlib")
pytest.importorskip("tqdm")

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "train_digits.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("train_digits", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


train_digits = _load_script()
TINY = ["--epochs", "1", "--hidden", "32", "--batch-size", "32", "--quiet"]


def test_tiny_run_writes_plot_graph_and_a_checkpoint_that_reloads(tmp_path):
    result = train_digits.main([*TINY, "--seed", "3", "--out", str(tmp_path)])

    files = {k: Path(v) for k, v in result["files"].items()}
    assert files["curves"] == tmp_path / "digits_curves.png"
    assert files["curves"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    graph = files["graph"].read_text(encoding="utf-8")
    assert "<svg" in graph if files["graph"].suffix == ".svg" else "digraph" in graph

    # One epoch of a 32-unit net is far from done, but far above chance (0.1).
    assert 0.5 < result["test_accuracy"] <= 1.0
    assert result["reloaded_accuracy"] == result["test_accuracy"]
    assert result["n_test"] == 360  # 20 % of the 1,797 digits
    assert result["errors"] == round((1 - result["test_accuracy"]) * 360)
    assert len(result["history"]["train_loss"]) == 1
    # Cosine schedule stepped per batch, T_max = all the steps: the last lr is eta_min = 0.
    assert result["history"]["lr"][-1] == pytest.approx(0.0, abs=1e-12)

    # The checkpoint alone rebuilds the trained model: PyTorch's keys and shapes, same outputs.
    state = nn.load(files["checkpoint"])
    assert list(state) == ["0.weight", "0.bias", "3.weight", "3.bias"]
    assert state["0.weight"].shape == (32, 64) and state["3.weight"].shape == (10, 32)
    model = train_digits.build_model([32], dropout=0.2)
    model.load_state_dict(state)
    _, y_train, X_test, y_test = train_digits.load_data()
    _, accuracy, _ = train_digits.evaluate(model, X_test, y_test)
    assert accuracy == result["test_accuracy"]
    assert result["num_parameters"] == 64 * 32 + 32 + 32 * 10 + 10


def test_same_seed_same_run_other_seed_other_run(tmp_path):
    args = [*TINY, "--epochs", "2", "--dropout", "0", "--out", str(tmp_path)]
    first = train_digits.main([*args, "--seed", "1"])["history"]
    again = train_digits.main([*args, "--seed", "1"])["history"]
    other = train_digits.main([*args, "--seed", "2"])["history"]
    assert first["train_loss"] == again["train_loss"]
    assert first["train_loss"] != other["train_loss"]


@pytest.mark.parametrize("optimizer", ["sgd", "adamw", "rmsprop"])
def test_every_optimizer_choice_learns(tmp_path, optimizer):
    result = train_digits.main(
        [*TINY, "--epochs", "3", "--optimizer", optimizer, "--out", str(tmp_path)]
    )
    history = result["history"]
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert result["test_accuracy"] > 0.8


def test_defaults_reach_97_percent(tmp_path):
    result = train_digits.main(["--quiet", "--out", str(tmp_path)])
    assert result["test_accuracy"] >= 0.97, result["test_accuracy"]


def test_without_a_renderer_the_dot_text_is_written(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(autograd.graph.renderer, "find_renderer", lambda: None)
    result = train_digits.main([*TINY, "--out", str(tmp_path)])
    path = Path(result["files"]["graph"])
    assert path == tmp_path / "digits_step_graph.dot"
    assert path.read_text(encoding="utf-8").startswith("digraph")
    assert not (tmp_path / "digits_step_graph.svg").exists()
    assert "no SVG" in capsys.readouterr().out


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        train_digits.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in (
        "--epochs",
        "--hidden",
        "--optimizer",
        "--lr",
        "--batch-size",
        "--seed",
        "--out",
    ):
        assert option in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--hidden", "128,x"], "--hidden"),
        (["--hidden", "0"], "--hidden"),
        (["--epochs", "0"], "--epochs"),
        (["--optimizer", "lbfgs"], "--optimizer"),
        (["--lr", "-1"], "--lr"),
        (["--dropout", "1"], "--dropout"),
    ],
)
def test_bad_options_exit_with_a_message(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        train_digits.parse_args(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_the_split_is_fixed_stratified_and_standardised():
    X_train, y_train, X_test, y_test = train_digits.load_data()
    assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    np.testing.assert_allclose(X_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_array_equal(np.bincount(y_test), np.bincount(train_digits.load_data()[3]))
    assert np.abs(np.bincount(y_test) - 36).max() <= 2  # stratified: ~36 images of each digit
