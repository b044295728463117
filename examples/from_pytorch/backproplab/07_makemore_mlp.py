"""A character-level language model in the style of makemore (part 2): a table of character
embeddings, one tanh hidden layer and a softmax over the next character, trained by hand with
p.data += -lr * p.grad, then sampled from with a seeded torch.Generator and torch.multinomial.
"""

import numpy as np

# isort: split
import autograd
import nn.functional as F

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch

words = "emma olivia ava isabella sophia mia amelia harper evelyn abigail emily ella".split()
chars = sorted(set("".join(words)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(stoi)

block_size = 3  # how many characters predict the next one
X, Y = [], []
for w in words:
    context = [0] * block_size
    for ch in w + ".":
        ix = stoi[ch]
        X.append(context)
        Y.append(ix)
        context = context[1:] + [ix]
X = autograd.tensor(X)
Y = autograd.tensor(Y)
print(X.shape, Y.shape, X.dtype)

# Parameters from NumPy, so that both libraries start from the same numbers.
rng = np.random.default_rng(2147483647)
C = autograd.tensor(rng.normal(size=(vocab_size, 4)), dtype=autograd.float32)
W1 = autograd.tensor(rng.normal(size=(block_size * 4, 32)) * 0.3, dtype=autograd.float32)
b1 = autograd.tensor(rng.normal(size=32) * 0.01, dtype=autograd.float32)
W2 = autograd.tensor(rng.normal(size=(32, vocab_size)) * 0.1, dtype=autograd.float32)
b2 = autograd.zeros(vocab_size)
parameters = [C, W1, b1, W2, b2]
print("parameters:", sum(p.nelement() for p in parameters))
for p in parameters:
    p.requires_grad = True

for i in range(200):
    emb = C[X]  # (examples, block_size, 4)
    h = autograd.tanh(emb.view(-1, block_size * 4) @ W1 + b1)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Y)
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.5 if i < 150 else 0.05
    for p in parameters:
        p.data += -lr * p.grad
    if i % 50 == 0:
        print(f"{i:4d} {loss.item():.4f}")

final_loss = loss.item()
print(f"final loss {final_loss:.6f}")

g = autograd.Generator().manual_seed(2147483647 + 10)
for _ in range(3):
    out, context = [], [0] * block_size
    while True:
        emb = C[autograd.tensor([context])]
        h = autograd.tanh(emb.view(1, -1) @ W1 + b1)
        probs = F.softmax(h @ W2 + b2, dim=1)
        ix = autograd.multinomial(probs, num_samples=1, generator=g).item()
        context = context[1:] + [ix]
        if ix == 0 or len(out) > 12:
            break
        out.append(itos[ix])
    print("".join(out))
assert final_loss < 1.0, "the loss should have come down further"
