"""Gradient descent: the half of training that *uses* the gradients backprop computed.

``autograd`` records the computation and ``loss.backward()`` fills in ``p.grad = dL/dp`` for
every parameter (backpropagation). ``optim`` then reads those gradients and moves the
parameters (gradient descent), working directly on the NumPy arrays of ``p.data`` and ``p.grad``
without recording anything::

    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for xb, yb in batches:
        opt.zero_grad()                  # forget the previous step's gradients
        loss = loss_fn(model(xb), yb)
        loss.backward()                  # backprop: fills p.grad
        opt.step()                       # descent: p <- p - lr * (update built from p.grad)

Optimizers: ``SGD``, ``Adam``, ``AdamW``, ``RMSprop``, ``Adagrad``, ``Adadelta``, ``LBFGS`` (each
states its update rule; numbers, defaults and ``state_dict`` layout follow PyTorch).
Learning-rate schedules live in ``optim.lr_scheduler``.
"""

from _backproplab_clash import require_backproplab_autograd

require_backproplab_autograd()  # first: if `autograd` is another package, say so


from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .lbfgs import LBFGS
from .lr_finder import LRRangeTestResult, lr_range_test, suggest_lr
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "Adadelta",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "LBFGS",
    "LRRangeTestResult",
    "Optimizer",
    "RMSprop",
    "lr_range_test",
    "lr_scheduler",
    "suggest_lr",
]
