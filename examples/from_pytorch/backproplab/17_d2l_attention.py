"""Attention as d2l.ai teaches it: Nadaraya-Watson kernel regression with a learned width
(`repeat_interleave`, `x.repeat((n, 1))` tiling, `torch.eye` turned into a bool mask, `bmm`),
then masked softmax (`X[~mask] = -1e6` written into a reshaped view of the scores) inside
additive attention over padded keys, trained with Adam through that masked write."""

import math

import numpy as np

# isort: split
import autograd
import nn
import optim

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch

rng = np.random.default_rng(17)
n_train = 30
x_train, _ = autograd.sort(autograd.from_numpy(rng.random(n_train).astype(np.float32)) * 5)


def f(x):
    return 2 * autograd.sin(x) + x**0.8


y_train = f(x_train) + autograd.from_numpy(rng.normal(0.0, 0.5, n_train).astype(np.float32))
x_test = autograd.arange(0, 5, 0.1)
y_truth = f(x_test)
n_test = len(x_test)


class NWKernelRegression(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(autograd.tensor([0.5]))

    def forward(self, queries, keys, values):
        # queries and attention_weights: (number of queries, number of key-value pairs)
        queries = queries.repeat_interleave(keys.shape[1]).reshape((-1, keys.shape[1]))
        scores = -(((queries - keys) * self.w) ** 2) / 2
        self.attention_weights = nn.functional.softmax(scores, dim=1)
        return autograd.bmm(self.attention_weights.unsqueeze(1), values.unsqueeze(-1)).reshape(-1)


# each training input attends to all the other training pairs (not to itself)
X_tile = x_train.repeat((n_train, 1))
Y_tile = y_train.repeat((n_train, 1))
keys = X_tile[(1 - autograd.eye(n_train)).type(autograd.bool)].reshape((n_train, -1))
values = Y_tile[(1 - autograd.eye(n_train)).type(autograd.bool)].reshape((n_train, -1))
print("keys", tuple(keys.shape))

net = NWKernelRegression()
loss = nn.MSELoss(reduction="none")
trainer = optim.SGD(net.parameters(), lr=0.5)
for epoch in range(5):
    trainer.zero_grad()
    l = loss(net(x_train, keys, values), y_train)
    l.sum().backward()
    trainer.step()
    print(f"epoch {epoch + 1}, loss {l.sum().item():.6f}, w {net.w.item():.4f}")
keys = x_train.repeat((n_test, 1))
values = y_train.repeat((n_test, 1))
y_hat = net(x_test, keys, values).unsqueeze(1).detach()
print(f"test error {((y_hat.reshape(-1) - y_truth) ** 2).mean():.4f}")


def sequence_mask(X, valid_len, value=0):
    """Mask irrelevant entries in sequences."""
    maxlen = X.size(1)
    positions = autograd.arange((maxlen), dtype=autograd.float32, device=X.device)
    mask = positions[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


def masked_softmax(X, valid_lens):
    """Perform softmax operation by masking elements on the last axis."""
    # X: 3D tensor, valid_lens: 1D or 2D tensor
    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    shape = X.shape
    if valid_lens.dim() == 1:
        valid_lens = autograd.repeat_interleave(valid_lens, shape[1])
    else:
        valid_lens = valid_lens.reshape(-1)
    # masked elements get a very large negative value: their exponential is 0
    X = sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
    return nn.functional.softmax(X.reshape(shape), dim=-1)


scores = autograd.from_numpy(rng.random((2, 2, 4)).astype(np.float32))
print(masked_softmax(scores, autograd.tensor([2, 3])))


class AdditiveAttention(nn.Module):
    def __init__(self, key_size, query_size, num_hiddens, dropout):
        super().__init__()
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        # queries (batch, queries, 1, hiddens) + keys (batch, 1, keys, hiddens), broadcast
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = autograd.tanh(features)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return autograd.bmm(self.dropout(self.attention_weights), values)


class DotProductAttention(nn.Module):
    def __init__(self, dropout):
        super().__init__()
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        scores = autograd.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return autograd.bmm(self.dropout(self.attention_weights), values)


batch, n_queries, n_keys = 4, 3, 6
queries = autograd.from_numpy(rng.normal(size=(batch, n_queries, 5)).astype(np.float32))
keys = autograd.from_numpy(rng.normal(size=(batch, n_keys, 4)).astype(np.float32))
values = autograd.from_numpy(rng.normal(size=(batch, n_keys, 2)).astype(np.float32))
valid_lens = autograd.tensor([2, 6, 4, 3])
target = autograd.from_numpy(rng.normal(size=(batch, n_queries, 2)).astype(np.float32))

attention = AdditiveAttention(key_size=4, query_size=5, num_hiddens=8, dropout=0.0)
with autograd.no_grad():
    for p in attention.parameters():
        p.copy_(autograd.from_numpy(rng.normal(0, 0.5, size=tuple(p.shape)).astype(np.float32)))
optimizer = optim.Adam(attention.parameters(), lr=0.05)
for step in range(30):
    out = attention(queries, keys, values, valid_lens)
    l = ((out - target) ** 2).mean()
    optimizer.zero_grad()
    l.backward()
    optimizer.step()
    if step % 10 == 0:
        print(f"step {step}: loss {l.item():.6f}")
weights = attention.attention_weights
print("weight on padded keys:", weights[0, :, 2:].sum().item())

dot = DotProductAttention(dropout=0.5)
dot.eval()
scores = dot(queries[:, :, :4], keys, values, valid_lens)
print("dot-product output", tuple(scores.shape))

final_loss = l.item() + scores.abs().mean().item()
print(f"final loss {final_loss:.6f}")
