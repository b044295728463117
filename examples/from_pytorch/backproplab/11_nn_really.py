"""The progression of "What is torch.nn really?": logistic regression written with tensors only
(log_softmax and negative log-likelihood by hand), then the same model refactored step by step
with F.cross_entropy, nn.Module and nn.Parameter, nn.Linear, optim.SGD, and TensorDataset with
DataLoader -- every version reaching the same loss from the same weights.
"""

import math

import numpy as np

# isort: split
import autograd
import nn.functional as F
import nn
import optim
from nn.data import DataLoader, TensorDataset

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch

rng = np.random.default_rng(7)
n, d, classes = 256, 20, 4
centers = rng.normal(size=(classes, d))
y_np = rng.integers(0, classes, size=n)
x_train = autograd.tensor(centers[y_np] + rng.normal(size=(n, d)), dtype=autograd.float32)
y_train = autograd.tensor(y_np)
w0 = rng.normal(size=(d, classes)) / math.sqrt(d)
bs, lr, epochs = 64, 0.5, 4

# 1. tensors only
weights = autograd.tensor(w0, dtype=autograd.float32, requires_grad=True)
bias = autograd.zeros(classes, requires_grad=True)


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


def accuracy(out, yb):
    preds = autograd.argmax(out, dim=1)
    return (preds == yb).float().mean()


for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        xb, yb = x_train[i * bs : i * bs + bs], y_train[i * bs : i * bs + bs]
        loss = nll(model(xb), yb)
        loss.backward()
        with autograd.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
by_hand = nll(model(x_train), y_train).item()
print(f"by hand: loss {by_hand:.4f}, accuracy {accuracy(model(x_train), y_train).item():.3f}")


# 2. nn.Module, nn.Linear, optim, Dataset and DataLoader
class Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(d, classes)

    def forward(self, xb):
        return self.lin(xb)


def get_model():
    model = Logistic()
    with autograd.no_grad():
        model.lin.weight.copy_(autograd.tensor(w0.T, dtype=autograd.float32))
        model.lin.bias.zero_()
    return model, optim.SGD(model.parameters(), lr=lr)


def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)
    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()
    return loss.item(), len(xb)


def fit(epochs, model, loss_func, opt, train_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)


train_dl = DataLoader(TensorDataset(x_train, y_train), batch_size=bs)
model, opt = get_model()
fit(epochs, model, F.cross_entropy, opt, train_dl)
model.eval()
with autograd.no_grad():
    losses, nums = zip(*[loss_batch(model, F.cross_entropy, xb, yb) for xb, yb in train_dl])
final_loss = float(np.sum(np.multiply(losses, nums)) / np.sum(nums))
print(f"refactored: loss {final_loss:.4f}")
assert abs(final_loss - by_hand) < 1e-4, "both versions compute the same thing"
print(f"final loss {final_loss:.6f}")
