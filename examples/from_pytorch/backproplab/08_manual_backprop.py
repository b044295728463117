"""Backpropagation by hand, in the style of makemore part 4 ("becoming a backprop ninja"): the
forward pass is written out step by step, loss.backward() fills the .grad of every step
(retain_grad), and each hand-derived gradient is compared with it by cmp(). The network is then
trained with the hand-derived gradients alone.
"""

import numpy as np

# isort: split
import autograd
import nn.functional as F

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch


def cmp(s, dt, t):
    ex = autograd.all(dt == t.grad).item()
    app = autograd.allclose(dt, t.grad, rtol=1e-4, atol=1e-6)
    maxdiff = (dt - t.grad).abs().max().item()
    print(f"{s:15s} | exact: {str(ex):5s} | approximate: {str(app):5s} | maxdiff: {maxdiff:.2e}")
    return app


rng = np.random.default_rng(42)
n, n_in, n_hidden, n_classes = 32, 6, 16, 5
Xb = autograd.tensor(rng.normal(size=(n, n_in)), dtype=autograd.float32)
Yb = autograd.tensor(rng.integers(0, n_classes, size=n))
W1 = autograd.tensor(rng.normal(size=(n_in, n_hidden)) * 0.5, dtype=autograd.float32)
b1 = autograd.tensor(rng.normal(size=n_hidden) * 0.1, dtype=autograd.float32)
W2 = autograd.tensor(rng.normal(size=(n_hidden, n_classes)) * 0.3, dtype=autograd.float32)
b2 = autograd.tensor(rng.normal(size=n_classes) * 0.1, dtype=autograd.float32)
parameters = [W1, b1, W2, b2]
for p in parameters:
    p.requires_grad = True

# forward, one step per line
hprebn = Xb @ W1 + b1
h = autograd.tanh(hprebn)
logits = h @ W2 + b2
loss = F.cross_entropy(logits, Yb)
for t in [hprebn, h, logits]:
    t.retain_grad()
loss.backward()

# backward by hand
with autograd.no_grad():
    dlogits = F.softmax(logits, 1)
    dlogits[range(n), Yb] -= 1
    dlogits /= n
    dh = dlogits @ W2.T
    dW2 = h.T @ dlogits
    db2 = dlogits.sum(0)
    dhprebn = (1.0 - h**2) * dh
    dW1 = Xb.T @ dhprebn
    db1 = dhprebn.sum(0)
checks = [
    cmp("logits", dlogits, logits),
    cmp("h", dh, h),
    cmp("W2", dW2, W2),
    cmp("b2", db2, b2),
    cmp("hprebn", dhprebn, hprebn),
    cmp("W1", dW1, W1),
    cmp("b1", db1, b1),
]
assert all(checks), "a hand-derived gradient differs from autograd's"

# train with the hand-derived gradients only
with autograd.no_grad():
    for step in range(100):
        h = autograd.tanh(Xb @ W1 + b1)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Yb)
        dlogits = F.softmax(logits, 1)
        dlogits[range(n), Yb] -= 1
        dlogits /= n
        dhprebn = (1.0 - h**2) * (dlogits @ W2.T)
        grads = [Xb.T @ dhprebn, dhprebn.sum(0), h.T @ dlogits, dlogits.sum(0)]
        for p, grad in zip(parameters, grads):
            p.data += -0.5 * grad
        if step % 25 == 0:
            print(f"step {step:3d}  loss {loss.item():.4f}")

final_loss = loss.item()
print(f"final loss {final_loss:.6f}")
assert final_loss < 0.8, "the loss should have come down further"
