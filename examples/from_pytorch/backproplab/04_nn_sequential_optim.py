"""A small network built from torch.nn.Sequential and trained by an optimizer on a loss module:
the training loop every PyTorch program has. The target is a damped wave on [-2, 2].
"""

import numpy as np

# isort: split
import autograd
import nn
import optim

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch

autograd.manual_seed(0)

x = autograd.linspace(-2, 2, 256).unsqueeze(1)  # 256 examples of one feature: shape (256, 1)
y = autograd.exp(-(x**2)) * autograd.cos(3 * x)

model = nn.Sequential(
    nn.Linear(1, 32),
    nn.Tanh(),
    nn.Linear(32, 32),
    nn.Tanh(),
    nn.Linear(32, 1),
)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))

# Starting weights from NumPy rather than from the library's generator, so that a run in either
# library starts from the same numbers. Writing into a parameter is not part of the model's
# computation, hence no_grad.
rng = np.random.default_rng(4)
with autograd.no_grad():
    for name, p in model.named_parameters():
        std = 1.0 if name.endswith("bias") else 1 / np.sqrt(p.shape[1])
        p.copy_(autograd.tensor(rng.normal(0, std, size=tuple(p.shape)), dtype=autograd.float32))

loss_fn = nn.MSELoss(reduction="mean")
optimizer = optim.SGD(model.parameters(), lr=0.03, momentum=0.9)

for step in range(400):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    if step % 100 == 0:
        print(f"step {step:3d}  loss {loss.item():.6f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

final_loss = loss.item()
print(f"final loss {final_loss:.6f}")
assert final_loss < 0.005, "the loss should have come down further"
