"""A character-level language model with an LSTM, in the style of PyTorch's sequence-model
tutorials: nn.Embedding -> nn.LSTM(batch_first=True) -> nn.Linear, trained with Adam on
truncated backpropagation through time (the hidden state carried between batches, detached),
then sampled one character at a time with Tensor.softmax and torch.multinomial.
"""

import numpy as np

# isort: split
import autograd
import nn
import optim

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch

text = (
    "the quick brown fox jumps over the lazy dog. "
    "a lazy dog sleeps while the quick fox runs. "
    "the fox and the dog are friends now. "
)
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
vocab_size = len(chars)
data = autograd.LongTensor([stoi[c] for c in text])  # the legacy typed constructor
print("characters:", len(data), "vocabulary:", vocab_size, data.type())


class CharLSTM(nn.Module):
    def __init__(self, vocab_size, embed_size, hidden_size, num_layers):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, x, hidden=None):
        out, hidden = self.lstm(self.embed(x), hidden)  # out: (batch, seq, hidden)
        return self.fc(out), hidden


model = CharLSTM(vocab_size, embed_size=8, hidden_size=24, num_layers=2)
print(model)

# Starting weights from NumPy, so that both libraries start from the same numbers.
rng = np.random.default_rng(0)
with autograd.no_grad():
    for name, p in model.named_parameters():
        p.copy_(autograd.tensor(rng.uniform(-0.2, 0.2, size=tuple(p.shape)), dtype=autograd.float32))

criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.02)

# Batchify as PyTorch's word_language_model does: the text as batch_size parallel streams.
batch_size, seq_len = 4, 10
streams = data[: len(data) // batch_size * batch_size].view(batch_size, -1)

for epoch in range(25):
    hidden = None  # each epoch reads the streams from their start
    for i in range(0, streams.size(1) - 1, seq_len):
        n = min(seq_len, streams.size(1) - 1 - i)
        x, y = streams[:, i : i + n], streams[:, i + 1 : i + 1 + n]
        if hidden is not None:
            hidden = tuple(h.detach() for h in hidden)  # truncated backpropagation through time
        logits, hidden = model(x, hidden)
        loss = criterion(logits.reshape(-1, vocab_size), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    if epoch % 8 == 0:
        print(f"{epoch:3d} {loss.item():.4f}")

final_loss = loss.item()
print(f"final loss {final_loss:.6f}")

g = autograd.Generator().manual_seed(42)
with autograd.no_grad():
    ix, hidden, out = stoi["t"], None, "t"
    for _ in range(40):
        logits, hidden = model(autograd.LongTensor([[ix]]), hidden)
        probs = logits[0, -1].softmax(dim=-1)
        ix = autograd.multinomial(probs, num_samples=1, generator=g).item()
        out += itos[ix]
print(out)
assert final_loss < 1.6, "the loss should have come down further"
