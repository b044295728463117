"""The op library: one ``Function`` subclass per differentiable operation, each with its
``@op`` declaration (see ``autograd.registry``). Importing this package declares them all."""

from . import (  # noqa: F401  (imported for their declarations)
    arithmetic,
    comparison,
    contractions,
    cumulative,
    decompositions,
    elementwise_special,
    exponential,
    gamma,
    gaussian,
    hyperbolic,
    indexing,
    joining,
    linalg,
    piecewise,
    powers,
    reductions,
    reorder,
    shape,
    softmax,
    solving,
    special,
    tiling,
    torch_ops,
    trigonometric,
)
