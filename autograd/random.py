"""The library's single random-number generator.

Every random draw in backproplab (``randn``, parameter initialisation, dropout masks, shuffling)
comes from one ``numpy.random.Generator``, so ``autograd.manual_seed(n)`` makes a whole run
reproducible.
"""

from __future__ import annotations

import numpy as np

# Made at the first draw: numpy.random is a ~15 ms import that `import autograd` need not pay.
_generator: np.random.Generator | None = None


def manual_seed(seed: int) -> np.random.Generator:
    """Re-seed the library generator (and return it)."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def get_generator() -> np.random.Generator:
    """The library generator; fetch it at each use, since ``manual_seed`` replaces it."""
    global _generator
    if _generator is None:
        _generator = np.random.default_rng()
    return _generator
