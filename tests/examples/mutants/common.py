"""What every exercise's mutants share: the registry ``WRONG`` / ``RIGHT`` and its decorators,
the patterns a message must match for each kind of mistake, and the optimizer class maker.
"""

from __future__ import annotations

from collections import defaultdict

import optim

WRONG: dict[str, list[tuple[object, str]]] = defaultdict(list)
RIGHT: dict[str, list[object]] = defaultdict(list)

# What a message must say for each kind of mistake.
ARGUMENT = r"(argument|input).*(changed|modified|in place)|changed your (argument|input)"
SAVED = r"saved"
SHARED = r"(shar|parameter 2|second parameter|other parameter)"
GRAD_CHANGED = r"(p\.grad|gradient).*(changed|modified)|changed p\.grad"
LINE = r"line \d+"
LARGE = r"(large|extreme|overflow|nan|inf)"
DTYPE = r"(dtype|float32)"
TIME = r"(time limit|seconds)"


def wrong(exercise_id: str, pattern: str):
    def register(code):
        WRONG[exercise_id].append((code, pattern))
        return code

    return register


def right(exercise_id: str):
    def register(code):
        RIGHT[exercise_id].append(code)
        return code

    return register


# == optimizers: helpers ========================================================================


def _opt(name, defaults):
    """A student's optimizer class with the exercise's ``__init__`` and the given rule."""

    def make(update):
        def init(self, params, **hyper):
            super(cls, self).__init__(params, {**defaults, **hyper})

        cls = type(update.__name__, (optim.Optimizer,), {"__init__": init, "update": update})
        return cls

    return make


MOMENTUM = _opt("Momentum", {"lr": 0.01, "momentum": 0.9, "nesterov": False})
RMSPROP = _opt("RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8})
ADAM = _opt("Adam", {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8})
ADAMW = _opt("AdamW", {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.01})
SGDW = _opt("SGDW", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.01})
