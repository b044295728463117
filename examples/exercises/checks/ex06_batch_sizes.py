"""Exercise 6: batch, stochastic and mini-batch passes over a data set."""

from __future__ import annotations

import numpy as np

import autograd
import optim
from nn import functional as F
from nn.data import DataLoader, TensorDataset

from .core import Exercise, Mistake, as_array, changed, describe_difference, seeded

# -- ex06_batches: batches(n, batch_size, shuffle=False) -> list of index arrays --------------


def batches(n, batch_size, shuffle=False):
    """The reference: the indices of the batches the library's DataLoader yields."""
    loader = DataLoader(TensorDataset(np.arange(n)), batch_size=batch_size, shuffle=shuffle)
    return [batch[0].data for batch in loader]


def batches_dropping_last(n, batch_size, shuffle=False):
    order = autograd.get_generator().permutation(n) if shuffle else np.arange(n)
    return [order[i : i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]


def batches_with_replacement(n, batch_size, shuffle=False):
    if not shuffle:
        return [np.arange(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
    draws = autograd.get_generator().integers(0, n, n)  # some twice, some never
    return [draws[i : i + batch_size] for i in range(0, n, batch_size)]


def batches_never_shuffled(n, batch_size, shuffle=False):
    return [np.arange(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


def batches_case(n, batch_size, shuffle=False, seed=0):
    def case(fn):
        with seeded(seed):
            result = fn(n, batch_size, shuffle)
        found = [as_array(b) for b in result]
        flat = np.concatenate([np.ravel(b) for b in found]) if found else np.array([])
        return {
            "batch sizes": [int(np.size(b)) for b in found],
            "each example once": bool(np.array_equal(np.sort(flat), np.arange(n))),
            "order": found,
        }

    return case


BATCHES_CASES = {
    "n = 10, batch_size = 4": batches_case(10, 4),
    "n = 6, batch_size = 6": batches_case(6, 6),
    "n = 5, batch_size = 1": batches_case(5, 1),
    "n = 10, batch_size = 3, shuffle=True": batches_case(10, 3, shuffle=True, seed=3),
}


def explain_batches(case, where, yours, expected):
    if where.startswith("order") and "shuffle" in case:
        return (
            f"on {case} your batches hold the right examples in another order than the "
            "library's: draw the order once per call with autograd.get_generator().permutation(n)"
        )
    return describe_difference(case, where, yours, expected)


# -- ex06_epoch: one epoch of mini-batch gradient descent on the mean squared error ----------


def epoch(w, X, y, batch_size, lr):
    """The reference: the library's DataLoader, mse_loss and SGD."""
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    opt = optim.SGD([wt], lr=lr)
    for xb, yb in DataLoader(TensorDataset(X, y), batch_size=batch_size):
        opt.zero_grad()
        F.mse_loss(xb @ wt, yb).backward()
        opt.step()
    return wt.data


def epoch_summed_loss(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    for idx in batches(len(X), batch_size):
        loss = ((X[idx] @ wt - y[idx]) ** 2).sum()  # sum, not mean
        loss.backward()
        with autograd.no_grad():
            wt -= lr * wt.grad
        wt.grad = None
    return wt.data


def epoch_without_zeroing(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    for idx in batches(len(X), batch_size):
        loss = ((X[idx] @ wt - y[idx]) ** 2).mean()
        loss.backward()  # adds to the previous batches' gradients
        with autograd.no_grad():
            wt -= lr * wt.grad
    return wt.data


def epoch_one_step(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    groups = batches(len(X), batch_size)
    for idx in groups:
        (((X[idx] @ wt - y[idx]) ** 2).mean() / len(groups)).backward()
    with autograd.no_grad():
        wt -= lr * wt.grad  # once per epoch
    return wt.data


def epoch_dropping_last(w, X, y, batch_size, lr):
    wt = autograd.tensor(np.array(w, dtype=np.float64), requires_grad=True)
    for start in range(0, len(X) - batch_size + 1, batch_size):
        idx = np.arange(start, start + batch_size)
        ((X[idx] @ wt - y[idx]) ** 2).mean().backward()
        with autograd.no_grad():
            wt -= lr * wt.grad
        wt.grad = None
    return wt.data


_rng = np.random.default_rng(6)
X_DATA = _rng.normal(size=(10, 3)).round(2)
Y_DATA = (X_DATA @ np.array([1.0, -2.0, 0.5]) + _rng.normal(0, 0.1, 10)).round(2)


def epoch_case(batch_size, lr):
    def case(fn):
        args = {"w": np.zeros(3), "X": X_DATA.copy(), "y": Y_DATA.copy()}
        result = as_array(fn(*args.values(), batch_size, lr))
        before = {"w": np.zeros(3), "X": X_DATA, "y": Y_DATA}
        return {"w after the epoch": result, "arguments changed in place": changed(before, args)}

    return case


EPOCH_CASES = {
    "10 examples in batches of 4, lr = 0.05": epoch_case(4, 0.05),
    "10 examples in one batch of 10, lr = 0.1": epoch_case(10, 0.1),
    "10 examples one at a time, lr = 0.02": epoch_case(1, 0.02),
}

FOURS, WHOLE, ONES = EPOCH_CASES  # the case names, in order


def explain_epoch_cases(right, wrong):
    """Which batch sizes come out right says where the mistake is."""
    if WHOLE in wrong:
        return (
            "even one step on the whole data (one batch of 10) is wrong: the gradient of "
            "mean((X w - y)^2) over a batch of B is 2/B X^T (X w - y); check the 2, the mean "
            "and lr"
        )
    if wrong == [FOURS]:
        return (
            "only the batches of 4 are wrong, whose last batch holds 2 examples: average that "
            "smaller batch over its own size"
        )
    if WHOLE in right and wrong:
        return (
            "one step on the whole data is right but several batches are not: one step per "
            "batch, in order (no shuffling), with the gradient reset between batches"
        )
    return None


EXERCISES = [
    Exercise(
        id="ex06_batches",
        title="split a data set into batches",
        name="batches",
        reference=batches,
        cases=BATCHES_CASES,
        checked="sizes, each example once, and the order (with the library's generator when "
        "shuffling)",
        mistakes=(
            Mistake(
                batches_dropping_last,
                "with n = 10 and batch_size = 4 your batches miss the last 2 examples: keep the "
                "final, smaller batch (sizes 4, 4, 2)",
            ),
            Mistake(
                batches_with_replacement,
                "with shuffle=True some examples appear twice in your epoch and others never: "
                "shuffle with a permutation, not with independent random draws",
            ),
            Mistake(
                batches_never_shuffled,
                "with shuffle=True your batches keep the original order: draw the order with "
                "autograd.get_generator().permutation(n)",
            ),
        ),
        explain=explain_batches,
    ),
    Exercise(
        id="ex06_epoch",
        title="one epoch of mini-batch gradient descent",
        name="epoch",
        reference=epoch,
        cases=EPOCH_CASES,
        explain_cases=explain_epoch_cases,
        checked="batches of 4 (a smaller last one), 10 and 1; w, X and y must stay unchanged",
        mistakes=(
            Mistake(
                epoch_summed_loss,
                "your steps are batch_size times too large: the batch loss is the mean of the "
                "squared errors, not their sum",
            ),
            Mistake(
                epoch_without_zeroing,
                "from the second batch on, your steps include the earlier batches' gradients: "
                "clear w.grad after each step",
            ),
            Mistake(
                epoch_one_step,
                "you took one step per epoch: mini-batch descent steps after every batch (3 "
                "steps for 10 examples in batches of 4)",
            ),
            Mistake(
                epoch_dropping_last,
                "your epoch skipped the last, smaller batch (2 of the 10 examples): every "
                "example is used once per epoch",
            ),
        ),
        helpers={"batches": "ex06_batches"},
    ),
]
