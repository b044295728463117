"""A dynamic network: ordinary Python control flow decides, at every step, how many times the
middle layer runs. All those repeats share one set of weights, and backward adds up the
gradient from every use of them.
"""

import random

import numpy as np

# isort: split
import autograd
import nn
import nn.functional as F
import optim

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch


class RepeatedBlockNet(nn.Module):
    """x -> relu(input layer) -> [h + tanh(shared layer(h))] repeated `depth` times -> output."""

    def __init__(self, n_in, hidden):
        super().__init__()
        self.inp = nn.Linear(n_in, hidden)
        self.shared = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x, depth):
        h = F.relu(self.inp(x))
        for _ in range(depth):  # the graph is built anew at every call, as deep as asked
            h = h + autograd.tanh(self.shared(h))
        return self.out(h).view(-1)


autograd.manual_seed(0)
random.seed(5)  # Python's own generator picks the depths: the same sequence in any library

rng = np.random.default_rng(5)
x_np = rng.uniform(-2, 2, size=(200, 2))
y_np = np.sin(x_np[:, 0]) * np.cos(x_np[:, 1])
x = autograd.tensor(x_np, dtype=autograd.float32)
y = autograd.tensor(y_np, dtype=autograd.float32)

model = RepeatedBlockNet(2, 16)
with autograd.no_grad():  # starting weights from NumPy, so that every run starts the same
    for p in model.parameters():
        p.copy_(autograd.from_numpy(rng.normal(0, 0.3, size=tuple(p.shape)).astype(np.float32)))

optimizer = optim.SGD(model.parameters(), lr=0.005, momentum=0.9)
for step in range(300):
    depth = random.randint(0, 3)
    loss = F.mse_loss(model(x, depth), y)
    if step % 100 == 0:
        print(f"step {step:3d}  depth {depth}  loss {loss.item():.6f}")
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)  # deep steps can spike
    optimizer.step()

# The trained network at every depth it met during training.
model.eval()
with autograd.no_grad():
    losses = [F.mse_loss(model(x, depth), y).item() for depth in range(4)]
print("loss by depth:", " ".join(f"{v:.4f}" for v in losses))
final_loss = sum(losses) / len(losses)
print(f"final loss {final_loss:.6f}")
assert final_loss < 0.1, "the loss should have come down further"
