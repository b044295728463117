"""Fit a cubic polynomial to tanh(2x) with autograd: loss.backward() computes the gradient, and
the gradient-descent step is written by hand under torch.no_grad().
"""

import numpy as np

# isort: split
import autograd

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch

x = autograd.linspace(-1.5, 1.5, 200)
y = autograd.tanh(2 * x)

# The columns 1, x, x^2, x^3: the model is y_pred = features @ coef.
features = autograd.stack([x**k for k in range(4)], dim=1)

# Four coefficients that require grad, starting from fixed numbers.
rng = np.random.default_rng(2)
coef = autograd.tensor(rng.normal(size=4), dtype=autograd.float32, requires_grad=True)

learning_rate = 0.05
for step in range(600):
    y_pred = features @ coef
    loss = (y_pred - y).pow(2).mean()
    if step % 200 == 0:
        print(f"step {step:4d}  loss {loss.item():.6f}")

    loss.backward()  # fills coef.grad with d(loss)/d(coef)

    # The update must not be recorded in the graph, hence no_grad.
    with autograd.no_grad():
        coef -= learning_rate * coef.grad
        # PyTorch code often writes coef.grad.zero_() here. Setting the gradient to None works in
        # both libraries: backproplab's .grad is a NumPy array, which has no zero_() method.
        coef.grad = None

c0, c1, c2, c3 = coef.tolist()
print(f"tanh(2x) ~ {c0:.4f} {c1:+.4f} x {c2:+.4f} x^2 {c3:+.4f} x^3")
final_loss = loss.item()
print(f"final loss {final_loss:.6f}")
assert final_loss < 0.01, "the loss should have come down further"
