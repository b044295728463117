"""``CompileWarning``: what ``autograd.compile`` says when it runs a step eagerly, and why."""


class CompileWarning(UserWarning):
    """``autograd.compile`` runs a step eagerly (the message names the reason and the line)."""
