"""A custom autograd Function: the Gaussian bump g(u) = exp(-u^2), with its derivative
g'(u) = -2 u g(u) written by hand, used to fit y = a + b g(c + d x) to noisy data.
"""

import numpy as np

# isort: split
import autograd
import optim

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch


class GaussianBump(autograd.Function):
    """g(u) = exp(-u^2). Forward computes it; backward applies the chain rule by hand.

    The math is written with operators and torch.exp, which take what either library
    passes in here: PyTorch passes tensors, backproplab NumPy arrays (which have no tensor
    methods such as u.exp() or grad_output.clone()).
    """

    @staticmethod
    def forward(ctx, u):
        g = autograd.exp(-(u**2))
        ctx.save_for_backward(u, g)  # backward needs both; keeping g saves recomputing exp
        return g

    @staticmethod
    def backward(ctx, grad_output):
        u, g = ctx.saved_tensors
        return grad_output * -2 * u * g


# Before training with it, compare the hand-written derivative with finite differences
# (in float64, where finite differences are accurate enough to tell).
u_check = autograd.tensor(np.linspace(-2, 2, 7), dtype=autograd.float64, requires_grad=True)
assert autograd.gradcheck(GaussianBump.apply, (u_check,))

# Noisy samples of 0.3 + 1.2 exp(-(2x - 0.5)^2).
rng = np.random.default_rng(3)
x_np = np.linspace(-2, 2, 120)
y_np = 0.3 + 1.2 * np.exp(-((2 * x_np - 0.5) ** 2)) + rng.normal(0, 0.05, size=x_np.shape)
x = autograd.tensor(x_np, dtype=autograd.float32)
y = autograd.tensor(y_np, dtype=autograd.float32)

# y_pred = a + b g(c + d x), from a deliberately poor start.
a = autograd.tensor(0.0, requires_grad=True)
b = autograd.tensor(0.5, requires_grad=True)
c = autograd.tensor(0.0, requires_grad=True)
d = autograd.tensor(1.0, requires_grad=True)

bump = GaussianBump.apply
optimizer = optim.Adam([a, b, c, d], lr=0.05)
for step in range(200):
    y_pred = a + b * bump(c + d * x)
    loss = (y_pred - y).pow(2).mean()
    if step % 50 == 0:
        print(f"step {step:3d}  loss {loss.item():.6f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f"y ~ {a.item():.3f} + {b.item():.3f} exp(-({c.item():.3f} + {d.item():.3f} x)^2)")
final_loss = loss.item()
print(f"final loss {final_loss:.6f}")
assert final_loss < 0.004, "the loss should have come down further"
