"""The op library: one ``Function`` subclass per differentiable operation."""
