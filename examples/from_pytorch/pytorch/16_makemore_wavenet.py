"""makemore part 5 in miniature: PyTorch-like layers written by hand (a Linear whose forward does
`self.out += self.bias`, a BatchNorm1d with a `training` flag, running buffers updated under
`no_grad()` and statistics over `dim=(0, 1)` for 3-D input), WaveNet's `FlattenConsecutive`
fusing pairs of characters, a `Sequential` container, then the lecture's diagnostics: the
histogram of each tanh layer's activations and gradients (`torch.histogram(t, density=True)` on
tensors in the graph, `retain_grad()`), gradient-to-data and update-to-data ratios."""

import numpy as np

# isort: split
import torch
import torch.nn.functional as F

rng = np.random.default_rng(16)


def randn(*shape):
    # starting weights from NumPy, so that both libraries start from the same numbers
    return torch.from_numpy(rng.normal(size=shape).astype(np.float32))


class Linear:
    def __init__(self, fan_in, fan_out, bias=True):
        self.weight = randn(fan_in, fan_out) / fan_in**0.5
        self.bias = torch.zeros(fan_out) if bias else None

    def __call__(self, x):
        self.out = x @ self.weight
        if self.bias is not None:
            self.out += self.bias
        return self.out

    def parameters(self):
        return [self.weight] + ([] if self.bias is None else [self.bias])


class BatchNorm1d:
    def __init__(self, dim, eps=1e-5, momentum=0.1):
        self.eps = eps
        self.momentum = momentum
        self.training = True
        self.gamma = torch.ones(dim)
        self.beta = torch.zeros(dim)
        self.running_mean = torch.zeros(dim)
        self.running_var = torch.ones(dim)

    def __call__(self, x):
        if self.training:
            dim = 0 if x.ndim == 2 else (0, 1)
            xmean = x.mean(dim, keepdim=True)
            xvar = x.var(dim, keepdim=True)
        else:
            xmean = self.running_mean
            xvar = self.running_var
        xhat = (x - xmean) / torch.sqrt(xvar + self.eps)
        self.out = self.gamma * xhat + self.beta
        if self.training:
            with torch.no_grad():
                self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * xmean
                self.running_var = (1 - self.momentum) * self.running_var + self.momentum * xvar
        return self.out

    def parameters(self):
        return [self.gamma, self.beta]


class Tanh:
    def __call__(self, x):
        self.out = torch.tanh(x)
        return self.out

    def parameters(self):
        return []


class Embedding:
    def __init__(self, num_embeddings, embedding_dim):
        self.weight = randn(num_embeddings, embedding_dim)

    def __call__(self, IX):
        self.out = self.weight[IX]
        return self.out

    def parameters(self):
        return [self.weight]


class FlattenConsecutive:
    def __init__(self, n):
        self.n = n

    def __call__(self, x):
        B, T, C = x.shape
        x = x.view(B, T // self.n, C * self.n)
        if x.shape[1] == 1:
            x = x.squeeze(1)
        self.out = x
        return self.out

    def parameters(self):
        return []


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        self.out = x
        return self.out

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


words = "emma olivia ava isabella sophia charlotte mia amelia harper evelyn abigail emily".split()
chars = sorted(set("".join(words)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(itos)
block_size = 8
X, Y = [], []
for w in words:
    context = [0] * block_size
    for ch in w + ".":
        X.append(context)
        Y.append(stoi[ch])
        context = context[1:] + [stoi[ch]]
Xtr, Ytr = torch.tensor(X), torch.tensor(Y)

n_embd, n_hidden = 8, 32
nh = n_hidden
model = Sequential([
    Embedding(vocab_size, n_embd),
    FlattenConsecutive(2), Linear(n_embd * 2, nh, bias=False), BatchNorm1d(nh), Tanh(),
    FlattenConsecutive(2), Linear(nh * 2, nh, bias=False), BatchNorm1d(nh), Tanh(),
    FlattenConsecutive(2), Linear(nh * 2, nh, bias=False), BatchNorm1d(nh), Tanh(),
    Linear(nh, vocab_size),
])  # fmt: skip
with torch.no_grad():
    model.layers[-1].weight *= 0.1  # a less confident last layer at the start
parameters = model.parameters()
print("parameters:", sum(p.nelement() for p in parameters))
for p in parameters:
    p.requires_grad = True

lossi, ud = [], []
for i in range(40):
    ix = torch.from_numpy(rng.integers(0, Xtr.shape[0], size=32))
    Xb, Yb = Xtr[ix], Ytr[ix]
    logits = model(Xb)
    loss = F.cross_entropy(logits, Yb)
    for layer in model.layers:
        layer.out.retain_grad()
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.1 if i < 30 else 0.01
    for p in parameters:
        p.data += -lr * p.grad
    with torch.no_grad():
        ud.append([((lr * p.grad).std() / p.data.std()).log10().item() for p in parameters])
    lossi.append(loss.log10().item())
print("log10 loss, every 10 steps:", torch.tensor(lossi).view(-1, 10).mean(1))

for i, layer in enumerate(model.layers[:-1]):
    if isinstance(layer, Tanh):
        t = layer.out
        saturated = (t.abs() > 0.97).float().mean() * 100
        name = layer.__class__.__name__
        print(f"layer {i} ({name}): mean {t.mean():+.2f}, std {t.std():.2f}, ", end="")
        print(f"saturated: {saturated:.2f}%")
        hy, hx = torch.histogram(t, density=True)
        print(f"    activations: {len(hy)} bins from {hx[0].item():+.3f} to {hx[-1].item():+.3f}")
        g = layer.out.grad
        hy, hx = torch.histogram(g, 20, density=True)
        densest = hy.argmax().item()
        print(f"    gradients: mean {g.mean():+f}, std {g.std():e}, densest bin {densest}")
for p in parameters:
    if p.ndim == 2:
        print(f"weight {str(tuple(p.shape)):>10} | grad:data ratio {p.grad.std() / p.std():e}")
print("update:data ratios (log10) at the last step:", [round(u, 2) for u in ud[-1][:3]])

for layer in model.layers:
    layer.training = False  # BatchNorm uses its running statistics now


@torch.no_grad()
def split_loss(x, y):
    logits = model(x)
    return F.cross_entropy(logits, y).item()


final_loss = split_loss(Xtr, Ytr)
print(f"final loss {final_loss:.6f}")

g = torch.Generator().manual_seed(2147483647 + 10)
for _ in range(3):
    out, context = [], [0] * block_size
    while True:
        probs = F.softmax(model(torch.tensor([context])), dim=1)
        ix = torch.multinomial(probs, num_samples=1, generator=g).item()
        context = context[1:] + [ix]
        out.append(ix)
        if ix == 0 or len(out) > 12:
            break
    print("".join(itos[i] for i in out))
