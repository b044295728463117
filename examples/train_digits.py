"""Train a small MLP on the 8x8 handwritten digits with backproplab, end to end.

    python examples/train_digits.py                 # the defaults reach >= 97 % test accuracy
    python examples/train_digits.py --help          # every option

One training step is the whole story of the library:

    loss = F.cross_entropy(model(x), y)    # nn builds the computation, autograd records it
    loss.backward()                        # backpropagation: fills p.grad = dL/dp
    optimizer.step()                       # gradient descent: p <- p - lr * update(p.grad)

The script trains with mini-batches (``nn.data.DataLoader``), Adam and a cosine learning-rate
schedule stepped once per batch, then writes to ``--out`` (default ``out/``):

- ``digits_curves.png``: loss and accuracy per epoch, training and test;
- ``digits_step_graph.svg``: the computation graph of one training step, traced (every value
  and gradient) and grouped by module (``digits_step_graph.dot`` instead when no Graphviz
  renderer is installed);
- ``digits_mlp.npz``: the trained weights (``nn.save(model.state_dict(), ...)``), which are
  reloaded into a freshly built model and checked to give exactly the same predictions.

``main(argv)`` returns the metrics as a dict, so tests can run it in-process with tiny settings.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

import autograd
import nn
import optim
from nn import functional as F

# Per-optimizer learning rates that work for this network (used when --lr is not given).
DEFAULT_LR = {"adam": 3e-3, "adamw": 3e-3, "rmsprop": 1e-3, "sgd": 0.05}
SPLIT_SEED = 0  # the held-out test set is the same whatever --seed is
TEST_FRACTION = 0.2
NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"  # where toy_datasets is


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line (``argv=None`` reads ``sys.argv``)."""
    parser = argparse.ArgumentParser(description="Train an MLP on the 8x8 digits with backproplab.")
    add = parser.add_argument
    add("--epochs", type=int, default=20, help="passes over the training set (%(default)s)")
    add("--hidden", default="128,64", help="hidden layer sizes, comma-separated (%(default)s)")
    add("--dropout", type=float, default=0.2, help="dropout after each ReLU (%(default)s)")
    add("--optimizer", choices=sorted(DEFAULT_LR), default="adam", help="(%(default)s)")
    lrs = ", ".join(f"{name} {lr:g}" for name, lr in DEFAULT_LR.items())
    add("--lr", type=float, default=None, help=f"peak learning rate (default: {lrs})")
    add("--batch-size", type=int, default=64, help="examples per step (%(default)s)")
    add("--seed", type=int, default=0, help="seed of init, dropout, shuffling (%(default)s)")
    add("--out", default="out", help="directory for the plot, graph, checkpoint (%(default)s)")
    add("--quiet", action="store_true", help="no progress bars, no summary")
    args = parser.parse_args(argv)
    try:
        args.hidden = [int(h) for h in args.hidden.split(",") if h.strip()]
    except ValueError:
        parser.error(
            f"--hidden must be comma-separated integers such as 128,64, got {args.hidden!r}"
        )
    if any(h < 1 for h in args.hidden):
        parser.error(f"--hidden sizes must be >= 1, got {args.hidden}")
    if args.epochs < 1 or args.batch_size < 1:
        parser.error(
            f"--epochs and --batch-size must be >= 1, got {args.epochs}, {args.batch_size}"
        )
    if not 0 <= args.dropout < 1:
        parser.error(f"--dropout must be in [0, 1), got {args.dropout}")
    if args.lr is None:
        args.lr = DEFAULT_LR[args.optimizer]
    elif not args.lr > 0:
        parser.error(f"--lr must be > 0, got {args.lr}")
    return args


def load_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The digits as float32 features (standardised with the training set's mean and standard
    deviation, x' = (x - mean) / std, by ``nn.data.Standardizer``) and int64 labels:
    ``X_train, y_train, X_test, y_test``.

    The split is stratified (every digit in the same proportion in both parts) and fixed. The
    digits and the split come from notebooks/toy_datasets, shared with the notebooks (the same
    numbers and the same split as scikit-learn's ``load_digits`` and ``train_test_split``).
    """
    try:  # beside this script in a folder that `python -m backproplab notebooks` wrote
        from toy_datasets import load_digits, train_test_split
    except ImportError:  # in examples/ (a clone, or the installed material)
        sys.path.insert(0, str(NOTEBOOKS))
        from toy_datasets import load_digits, train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_FRACTION, random_state=SPLIT_SEED, stratify=y
    )
    # Border pixels that are always 0 have std 0; the Standardizer leaves them at 0.
    scaler = nn.data.Standardizer().fit(X_train)

    def scale(a: np.ndarray) -> np.ndarray:
        return scaler.transform(a).astype(np.float32)

    return scale(X_train), y_train.astype(np.int64), scale(X_test), y_test.astype(np.int64)


def build_model(hidden: Sequence[int], dropout: float = 0.0) -> nn.Sequential:
    """64 -> hidden[0] -> ... -> 10: ``Linear, ReLU, Dropout`` per hidden layer, then a
    ``Linear`` to the 10 class scores (logits; the softmax is inside the loss)."""
    layers: list[nn.Module] = []
    width = 64
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = h
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def make_optimizer(name: str, params: Any, lr: float) -> optim.Optimizer:
    """The optimizer called ``name`` (SGD gets Nesterov momentum 0.9, the rest their defaults)."""
    if name == "sgd":
        return optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
    classes = {"adam": optim.Adam, "adamw": optim.AdamW, "rmsprop": optim.RMSprop}
    return classes[name](params, lr=lr)


def evaluate(model: nn.Module, X: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Mean cross-entropy, accuracy and predicted classes of ``model`` (in eval mode, no graph)."""
    was_training = model.training
    model.eval()
    with autograd.no_grad():
        logits = model(autograd.Tensor(X))
        loss = F.cross_entropy(logits, autograd.Tensor(y)).item()
    model.train(was_training)
    predicted = logits.data.argmax(axis=1)
    return loss, float(np.mean(predicted == y)), predicted


def train(args: argparse.Namespace, model: nn.Module, data: tuple) -> dict[str, list[float]]:
    """Mini-batch training; returns the per-epoch history of losses and accuracies."""
    from tqdm.auto import tqdm

    X_train, y_train, X_test, y_test = data
    loader = nn.data.DataLoader(
        nn.data.TensorDataset(X_train, y_train), batch_size=args.batch_size, shuffle=True
    )
    optimizer = make_optimizer(args.optimizer, model.parameters(), args.lr)
    # Stepped after every batch, so the rate glides from lr to 0 over the whole run.
    schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs * len(loader))
    history: dict[str, list[float]] = {
        k: [] for k in ("train_loss", "test_loss", "train_acc", "test_acc", "lr")
    }
    for epoch in range(1, args.epochs + 1):
        model.train()
        bar = tqdm(
            loader,
            desc=f"epoch {epoch:>3}/{args.epochs}",
            leave=False,
            # None: only in a terminal. Redirected to a file, a bar would leave fragments of
            # itself in the log; the line printed after each epoch says the same.
            disable=True if args.quiet else None,
            unit="batch",
        )
        for xb, yb in bar:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            schedule.step()
            bar.set_postfix(loss=f"{loss.item():.4f}", refresh=False)
        history["lr"].append(schedule.get_last_lr()[0])
        for split, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
            split_loss, split_acc, _ = evaluate(model, X, y)
            history[f"{split}_loss"].append(split_loss)
            history[f"{split}_acc"].append(split_acc)
        if not args.quiet:
            print(
                f"epoch {epoch:>3}/{args.epochs}  train loss {history['train_loss'][-1]:.4f}  "
                f"test loss {history['test_loss'][-1]:.4f}  "
                f"test acc {history['test_acc'][-1]:.4f}"
            )
    return history


def save_curves(history: dict[str, list[float]], path: Path) -> Path:
    """Plot loss and accuracy per epoch (training and test) to a PNG."""
    import matplotlib

    matplotlib.use("Agg")  # files only: works without a display
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = np.arange(1, len(history["train_loss"]) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    for split in ("train", "test"):
        ax_loss.plot(epochs, history[f"{split}_loss"], marker=".", label=split)
        ax_acc.plot(epochs, history[f"{split}_acc"], marker=".", label=split)
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", yscale="log", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def save_step_graph(model: nn.Module, X: np.ndarray, y: np.ndarray, out: Path) -> Path:
    """Draw forward + backward of one training step on a few examples, grouped by module.

    The forward runs inside ``autograd.trace()`` so that every interior value is kept, and the
    traced backward numbers the ops in the order backward ran: each box shows its data and its
    gradient. Writes an SVG when a Graphviz renderer is found, else the DOT text (never fails
    for lack of a renderer). The parameters are not changed: no optimizer step is taken and the
    gradients are cleared afterwards.
    """
    x = autograd.Tensor(X[:8], name="x")
    with autograd.trace() as tr:
        loss = F.cross_entropy(model(x), autograd.Tensor(y[:8]))
        loss.name = "loss"
    tr.backward(loss)
    graph = autograd.draw_graph(loss, steps=tr, group_modules=model)
    model.zero_grad()
    try:
        svg = graph.pipe(format="svg")
    except (RuntimeError, OSError, ValueError) as error:
        path = out / "digits_step_graph.dot"
        path.write_text(graph.source, encoding="utf-8")
        print(f"note: no SVG of the step graph ({error}); wrote the DOT text to {path}")
        return path
    path = out / "digits_step_graph.svg"
    path.write_bytes(svg)
    return path


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Train, evaluate, plot, draw, save, reload; return the metrics and the files written."""
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    # The matrices here are small (64 x 128): one BLAS thread is faster than several fighting
    # over the cores, and immune to slowdowns when other processes are busy.
    with threadpool_limits(limits=1, user_api="blas"):
        autograd.manual_seed(args.seed)
        data = load_data()
        model = build_model(args.hidden, args.dropout)
        history = train(args, model, data)
        train_seconds = time.perf_counter() - start
        X_test, y_test = data[2], data[3]
        _, accuracy, predicted = evaluate(model, X_test, y_test)

        files = {"curves": save_curves(history, out / "digits_curves.png")}
        files["graph"] = save_step_graph(model, data[0], data[1], out)
        files["checkpoint"] = out / "digits_mlp.npz"
        nn.save(model.state_dict(), files["checkpoint"])

        # A differently initialised model must become the trained one from the file alone.
        autograd.manual_seed(args.seed + 1)
        fresh = build_model(args.hidden, args.dropout)
        fresh.load_state_dict(nn.load(files["checkpoint"]))
        _, reloaded_accuracy, reloaded_predicted = evaluate(fresh, X_test, y_test)
    assert np.array_equal(reloaded_predicted, predicted) and reloaded_accuracy == accuracy, (
        f"the reloaded model predicts differently: accuracy {reloaded_accuracy} vs {accuracy}"
    )
    result = {
        "test_accuracy": accuracy,
        "reloaded_accuracy": reloaded_accuracy,
        "errors": int(np.sum(predicted != y_test)),
        "n_test": len(y_test),
        "history": history,
        "files": {k: str(v) for k, v in files.items()},
        "train_seconds": train_seconds,
        "total_seconds": time.perf_counter() - start,
        "num_parameters": sum(p.size for p in model.parameters()),
    }
    if not args.quiet:
        print_summary(args, result)
    return result


def print_summary(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """The few lines a user reads at the end of a run."""
    hidden = ",".join(map(str, args.hidden))
    print(
        f"\nMLP 64-{hidden.replace(',', '-')}-10 ({result['num_parameters']:,} parameters), "
        f"{args.optimizer} lr={args.lr:g}, {args.epochs} epochs, batch {args.batch_size}, "
        f"seed {args.seed}"
    )
    print(
        f"test accuracy: {result['test_accuracy']:.4f} "
        f"({result['errors']} errors / {result['n_test']} held-out images)"
    )
    print(
        f"reloaded from {result['files']['checkpoint']}: accuracy "
        f"{result['reloaded_accuracy']:.4f} (identical predictions)"
    )
    print(f"training took {result['train_seconds']:.1f} s; files written:")
    for path in result["files"].values():
        print(f"  {path}")


if __name__ == "__main__":
    main()
