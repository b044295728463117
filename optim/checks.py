"""Hyperparameter validation, shared by the optimizers and the learning-rate schedulers.

Every check raises ``ValueError`` whose text names the class, the argument and the offending
value, e.g. ``Adam: invalid betas[0]=1.0; expected 0 <= betas[0] < 1``. The comparisons are
written as ``not (value >= 0)`` so that NaN fails them too.
"""

from __future__ import annotations

import numbers
from typing import Any

__all__ = ["check_betas", "check_nonnegative", "check_positive_int", "check_unit_interval"]


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real)


def check_nonnegative(owner: str, name: str, value: Any) -> None:
    """Require a real number ``value >= 0``."""
    if not (_is_real(value) and value >= 0):
        raise ValueError(f"{owner}: invalid {name}={value!r}; expected a number >= 0")


def check_unit_interval(owner: str, name: str, value: Any) -> None:
    """Require a real number with ``0 <= value < 1`` (a decay rate such as beta1)."""
    if not (_is_real(value) and 0 <= value < 1):
        raise ValueError(f"{owner}: invalid {name}={value!r}; expected 0 <= {name} < 1")


def check_betas(owner: str, betas: Any) -> None:
    """Require ``betas`` to be a pair ``(beta1, beta2)`` with both in ``[0, 1)``."""
    try:
        count = len(betas)
    except TypeError:
        count = -1
    if count != 2:
        raise ValueError(f"{owner}: invalid betas={betas!r}; expected a pair (beta1, beta2)")
    check_unit_interval(owner, "betas[0]", betas[0])
    check_unit_interval(owner, "betas[1]", betas[1])


def check_positive_int(owner: str, name: str, value: Any) -> None:
    """Require an integer ``value >= 1`` (a count of steps or epochs)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{owner}: invalid {name}={value!r}; expected an integer >= 1")
