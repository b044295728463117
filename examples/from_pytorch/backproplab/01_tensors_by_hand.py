"""A two-layer network trained with tensors alone: the forward pass, the gradients and the
update are all written by hand, without autograd.

The network is y = relu(x w1 + b1) w2, fitted by gradient descent on the mean squared error to
a smooth function of eight inputs.
"""

import numpy as np

# isort: split
import autograd

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch

dtype = autograd.float32
device = autograd.device("cpu")

# Data and starting weights come from NumPy with a fixed seed, so every run starts from the same
# numbers (and so does the copy of this program for the other library).
rng = np.random.default_rng(1)
n, d_in, hidden, d_out = 128, 8, 32, 2
x_np = rng.uniform(-1, 1, size=(n, d_in))
y_np = np.stack([np.sin(2 * x_np[:, 0]) + x_np[:, 1], x_np[:, 2] * x_np[:, 3]], axis=1)
w1_np = rng.normal(0, 1 / np.sqrt(d_in), size=(d_in, hidden))
w2_np = rng.normal(0, 1 / np.sqrt(hidden), size=(hidden, d_out))

x = autograd.tensor(x_np, dtype=dtype, device=device)
y = autograd.tensor(y_np, dtype=dtype, device=device)
w1 = autograd.tensor(w1_np, dtype=dtype, device=device)
b1 = autograd.zeros(hidden, dtype=dtype, device=device)
w2 = autograd.tensor(w2_np, dtype=dtype, device=device)

# Standardise every input column (zero mean, unit standard deviation).
x = (x - x.mean(dim=0, keepdim=True)) / x.std(dim=0, keepdim=True)

learning_rate = 0.2
for step in range(400):
    # Forward pass.
    h = x.mm(w1) + b1
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)
    diff = y_pred - y
    loss = diff.pow(2).mean()
    if step % 100 == 0:
        print(f"step {step:3d}  loss {loss.item():.6f}")

    # Backward pass: the chain rule, one matrix product at a time.
    grad_y_pred = 2.0 * diff / diff.numel()
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h_relu = grad_y_pred.mm(w2.t())
    grad_h = grad_h_relu.clone()
    grad_h[h < 0] = 0  # relu passes no gradient where its input was negative
    grad_w1 = x.t().mm(grad_h)
    grad_b1 = grad_h.sum(dim=0)

    # Gradient descent, updating the weights in place.
    w1 -= learning_rate * grad_w1
    b1 -= learning_rate * grad_b1
    w2 -= learning_rate * grad_w2

final_loss = loss.item()
print(f"final loss {final_loss:.6f}")
assert final_loss < 0.02, "the loss should have come down further"
