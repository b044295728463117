"""PyTorch's "Language translation with nn.Transformer" tutorial on a toy language pair (the
target sentence is the source reversed, each word shifted by one): `nn.Transformer` with its
encoder and decoder reached as `transformer.encoder` / `.decoder`, token embeddings scaled by
sqrt(emb_size), a sinusoidal `PositionalEncoding` buffer, `create_mask` with a float causal mask
(`torch.triu(...) == 1`, `masked_fill(-inf)`) and bool padding masks, a `DataLoader` with the
tutorial's `collate_fn`, `CrossEntropyLoss(ignore_index=PAD_IDX)`, Adam with
`betas=(0.9, 0.98), eps=1e-9`, then `greedy_decode`."""

import math

import numpy as np

# isort: split
import autograd
import nn
from autograd import Tensor
from nn import Transformer
from nn.data import DataLoader
import optim

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch

rng = np.random.default_rng(18)
PAD_IDX, BOS_IDX, EOS_IDX = 1, 2, 3
VOCAB = 12  # words 4..11
BATCH_SIZE = 16
DEVICE = autograd.device("cpu")


def make_pair():
    words = rng.integers(4, VOCAB, size=rng.integers(3, 7))
    return words.tolist(), [4 + (w - 4 + 1) % (VOCAB - 4) for w in words[::-1]]


pairs = [make_pair() for _ in range(48)]


def tensor_transform(token_ids):
    return autograd.cat((autograd.tensor([BOS_IDX]), autograd.tensor(token_ids), autograd.tensor([EOS_IDX])))


def collate_fn(batch):
    src_batch, tgt_batch = [], []
    for src_sample, tgt_sample in batch:
        src_batch.append(tensor_transform(src_sample))
        tgt_batch.append(tensor_transform(tgt_sample))
    # (max_len, batch): sequence first, as nn.Transformer's default
    src = autograd.full((max(len(s) for s in src_batch), len(batch)), PAD_IDX, dtype=autograd.long)
    tgt = autograd.full((max(len(t) for t in tgt_batch), len(batch)), PAD_IDX, dtype=autograd.long)
    for i, (s, t) in enumerate(zip(src_batch, tgt_batch)):
        src[: len(s), i] = s
        tgt[: len(t), i] = t
    return src, tgt


class PositionalEncoding(nn.Module):
    def __init__(self, emb_size: int, dropout: float, maxlen: int = 100):
        super(PositionalEncoding, self).__init__()
        den = autograd.exp(-autograd.arange(0, emb_size, 2) * math.log(10000) / emb_size)
        pos = autograd.arange(0, maxlen).reshape(maxlen, 1)
        pos_embedding = autograd.zeros((maxlen, emb_size))
        pos_embedding[:, 0::2] = autograd.sin(pos * den)
        pos_embedding[:, 1::2] = autograd.cos(pos * den)
        pos_embedding = pos_embedding.unsqueeze(-2)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("pos_embedding", pos_embedding)

    def forward(self, token_embedding: Tensor):
        return self.dropout(token_embedding + self.pos_embedding[: token_embedding.size(0), :])


class TokenEmbedding(nn.Module):
    def __init__(self, vocab_size: int, emb_size):
        super(TokenEmbedding, self).__init__()
        self.embedding = nn.Embedding(vocab_size, emb_size)
        self.emb_size = emb_size

    def forward(self, tokens: Tensor):
        return self.embedding(tokens.long()) * math.sqrt(self.emb_size)


class Seq2SeqTransformer(nn.Module):
    def __init__(
        self,
        num_encoder_layers,
        num_decoder_layers,
        emb_size,
        nhead,
        src_vocab_size,
        tgt_vocab_size,
        dim_feedforward=512,
        dropout=0.1,
    ):
        super(Seq2SeqTransformer, self).__init__()
        self.transformer = Transformer(
            d_model=emb_size,
            nhead=nhead,
            num_encoder_layers=num_encoder_layers,
            num_decoder_layers=num_decoder_layers,
            dim_feedforward=dim_feedforward,
            dropout=dropout,
        )
        self.generator = nn.Linear(emb_size, tgt_vocab_size)
        self.src_tok_emb = TokenEmbedding(src_vocab_size, emb_size)
        self.tgt_tok_emb = TokenEmbedding(tgt_vocab_size, emb_size)
        self.positional_encoding = PositionalEncoding(emb_size, dropout=dropout)

    def forward(
        self,
        src,
        trg,
        src_mask,
        tgt_mask,
        src_padding_mask,
        tgt_padding_mask,
        memory_key_padding_mask,
    ):
        src_emb = self.positional_encoding(self.src_tok_emb(src))
        tgt_emb = self.positional_encoding(self.tgt_tok_emb(trg))
        outs = self.transformer(
            src_emb,
            tgt_emb,
            src_mask,
            tgt_mask,
            None,
            src_padding_mask,
            tgt_padding_mask,
            memory_key_padding_mask,
        )
        return self.generator(outs)

    def encode(self, src: Tensor, src_mask: Tensor):
        return self.transformer.encoder(self.positional_encoding(self.src_tok_emb(src)), src_mask)

    def decode(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor):
        return self.transformer.decoder(
            self.positional_encoding(self.tgt_tok_emb(tgt)), memory, tgt_mask
        )


def generate_square_subsequent_mask(sz):
    mask = (autograd.triu(autograd.ones((sz, sz), device=DEVICE)) == 1).transpose(0, 1)
    mask = mask.float().masked_fill(mask == 0, float("-inf")).masked_fill(mask == 1, 0.0)
    return mask


def create_mask(src, tgt):
    src_seq_len = src.shape[0]
    tgt_seq_len = tgt.shape[0]
    tgt_mask = generate_square_subsequent_mask(tgt_seq_len)
    src_mask = autograd.zeros((src_seq_len, src_seq_len), device=DEVICE).type(autograd.bool)
    src_padding_mask = (src == PAD_IDX).transpose(0, 1)
    tgt_padding_mask = (tgt == PAD_IDX).transpose(0, 1)
    return src_mask, tgt_mask, src_padding_mask, tgt_padding_mask


autograd.manual_seed(0)
# dropout 0 so that both libraries compute the same numbers (the tutorial uses 0.1)
transformer = Seq2SeqTransformer(2, 2, 16, 2, VOCAB, VOCAB, dim_feedforward=32, dropout=0.0)
with autograd.no_grad():
    for name, p in transformer.named_parameters():  # the same start in both libraries
        # xavier_uniform_'s range for the matrices (the tutorial's init), small biases,
        # LayerNorm scales near 1
        bound = math.sqrt(6.0 / (p.shape[0] + p.shape[1])) if p.dim() > 1 else 0.1
        start = rng.uniform(-bound, bound, tuple(p.shape)) + ("norm" in name and "weight" in name)
        p.copy_(autograd.from_numpy(start.astype(np.float32)))
transformer = transformer.to(DEVICE)
print(f"{sum(p.numel() for p in transformer.parameters())} parameters")
print(transformer.transformer.generate_square_subsequent_mask(3))

loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_IDX)
optimizer = optim.Adam(transformer.parameters(), lr=0.01, betas=(0.9, 0.98), eps=1e-9)


def train_epoch(model, optimizer):
    model.train()
    losses = 0
    train_dataloader = DataLoader(pairs, batch_size=BATCH_SIZE, collate_fn=collate_fn)
    for src, tgt in train_dataloader:
        src = src.to(DEVICE)
        tgt = tgt.to(DEVICE)
        tgt_input = tgt[:-1, :]
        src_mask, tgt_mask, src_padding_mask, tgt_padding_mask = create_mask(src, tgt_input)
        logits = model(
            src, tgt_input, src_mask, tgt_mask, src_padding_mask, tgt_padding_mask, src_padding_mask
        )
        optimizer.zero_grad()
        tgt_out = tgt[1:, :]
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))
        loss.backward()
        optimizer.step()
        losses += loss.item()
    return losses / len(list(train_dataloader))


for epoch in range(1, 9):
    train_loss = train_epoch(transformer, optimizer)
    print(f"Epoch: {epoch}, Train loss: {train_loss:.4f}")


def greedy_decode(model, src, src_mask, max_len, start_symbol):
    src = src.to(DEVICE)
    src_mask = src_mask.to(DEVICE)
    memory = model.encode(src, src_mask)
    ys = autograd.ones(1, 1).fill_(start_symbol).type(autograd.long).to(DEVICE)
    for i in range(max_len - 1):
        memory = memory.to(DEVICE)
        tgt_mask = (generate_square_subsequent_mask(ys.size(0)).type(autograd.bool)).to(DEVICE)
        out = model.decode(ys, memory, tgt_mask)
        out = out.transpose(0, 1)
        prob = model.generator(out[:, -1])
        _, next_word = autograd.max(prob, dim=1)
        next_word = next_word.item()
        ys = autograd.cat([ys, autograd.ones(1, 1).type_as(src.data).fill_(next_word)], dim=0)
        if next_word == EOS_IDX:
            break
    return ys


def translate(model, src_sentence):
    model.eval()
    src = tensor_transform(src_sentence).view(-1, 1)
    num_tokens = src.shape[0]
    src_mask = (autograd.zeros(num_tokens, num_tokens)).type(autograd.bool)
    tgt_tokens = greedy_decode(model, src, src_mask, max_len=num_tokens + 5, start_symbol=BOS_IDX)
    return tgt_tokens.flatten().tolist()


print("translate [4, 5, 6, 7] ->", translate(transformer, [4, 5, 6, 7]))
final_loss = train_loss
print(f"final loss {final_loss:.6f}")
