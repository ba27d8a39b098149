"""Train the recurrent tagger with torch and return the arrays ``recurrent.py`` reads (the ``ner-train`` extra).

A bidirectional GRU over each sentence reads per-word input vectors that depend on the word type
only (its CRF features embedded and summed, as the window network's), so the tagger can cache each
type's input projections; a linear layer gives the nine label log-probabilities, trained with
cross-entropy. Seeded, deterministic algorithms, sentences bucketed by length (docs/ner.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from worker.extract.ner.conll import Sentence
from worker.extract.ner.features import MAX_FEATURE_CHARS, Resources
from worker.extract.ner.net_train import seeded_torch, type_features

# Embedding and hidden sizes (per direction), dropout, Adam's rate, epochs, sentences per batch,
# the least count of a kept feature, the share of the log prior subtracted and the weight in the sum.
DIM, HIDDEN, DROPOUT, RATE, EPOCHS, BATCH, MIN_COUNT = 64, 64, 0.3, 3e-3, 14, 32, 2
ALPHA, WEIGHT, SEED, THREADS = 1.0, 0.5, 1, 2  # the whole log prior, weight 0.5: best in every variant (docs/ner.md)


def _batches(lengths: list[int], rng: np.random.Generator, size: int) -> list[np.ndarray]:
    """Shuffled batches of sentences of similar length (pools of 20 batches sorted by length): less
    padding, so an epoch costs less; the order is the seed's."""
    order = rng.permutation(len(lengths))
    out: list[np.ndarray] = []
    pool = 20 * size
    for a in range(0, len(order), pool):
        chunk = order[a : a + pool]
        chunk = chunk[np.argsort([lengths[j] for j in chunk], kind="stable")]
        out.extend(chunk[b : b + size] for b in range(0, len(chunk), size))
    return [out[k] for k in rng.permutation(len(out))]


def fit_rnn(sentences: list[Sentence], res: Resources, labels: list[str], epochs: int = EPOCHS,
            seed: int = SEED, hidden: int = HIDDEN, dim: int = DIM, threads: int = THREADS,
            dropout: float = DROPOUT, rate: float = RATE, cell: str = "gru") -> dict[str, np.ndarray]:
    """Train on ``sentences`` and return the arrays ``worker.extract.ner.recurrent`` reads: a GRU
    (``cell="gru"``, ``RecurrentNet``) or a recurrence with input-only gates (``"scan"``, ``ScanNet``)."""
    if cell not in ("gru", "scan"):
        raise ValueError(f"unknown cell {cell!r}: gru or scan")
    torch = seeded_torch(seed, threads)
    nn = torch.nn
    rng = np.random.default_rng(seed)
    li = {y: i for i, y in enumerate(labels)}
    vocab, _, rows, tid = type_features(sentences, res, {}, MIN_COUNT)
    xs = [[tid[w[:MAX_FEATURE_CHARS]] for w, _ in s] for s in sentences]
    ys = [[li[t] for _, t in s] for s in sentences]
    pack = nn.utils.rnn.pack_padded_sequence
    unpack = nn.utils.rnn.pad_packed_sequence

    class Net(nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.bag = nn.EmbeddingBag(len(vocab), dim, mode="sum", padding_idx=0)
            if cell == "gru":
                self.gru = nn.GRU(dim, hidden, batch_first=True, bidirectional=True)
            else:
                self.lin = nn.Linear(dim, 4 * hidden)  # per direction: gate z | candidate c
            self.out = nn.Linear(2 * hidden, len(labels))
            self.drop = nn.Dropout(dropout)

        def forward(self, feats: Any, inv: Any, lengths: Any) -> Any:
            rep = self.drop(self.bag(feats)[inv])  # batch × length × dim
            if cell == "gru":
                h, _ = self.gru(pack(rep, lengths, batch_first=True, enforce_sorted=False))
                h, _ = unpack(h, batch_first=True)
            else:
                h = self.scan(rep, lengths)
            return self.out(self.drop(h))

        def scan(self, rep: Any, lengths: Any) -> Any:
            """h = (1 − z) ⊙ h + z ⊙ tanh(c) each way; the backward way reads each sentence reversed
            within its length, so padding comes after the real words in both."""
            g = self.lin(rep)
            t = torch.arange(rep.shape[1])[None, :]
            rev = torch.where(t < lengths[:, None], lengths[:, None] - 1 - t, t)[..., None]
            outs = []
            for d in range(2):
                gd = g[..., 2 * d * hidden : 2 * (d + 1) * hidden]
                if d == 1:
                    gd = torch.gather(gd, 1, rev.expand(-1, -1, gd.shape[2]))
                z = torch.sigmoid(gd[..., :hidden])
                a, b = 1 - z, z * torch.tanh(gd[..., hidden:])
                h = torch.zeros(rep.shape[0], hidden)
                steps = []
                for k in range(rep.shape[1]):
                    h = a[:, k] * h + b[:, k]
                    steps.append(h)
                hd = torch.stack(steps, 1)
                outs.append(torch.gather(hd, 1, rev.expand(-1, -1, hidden)) if d == 1 else hd)
            return torch.cat(outs, -1)

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=rate)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    table = torch.tensor(rows)
    lengths = [len(x) for x in xs]
    for _ in range(epochs):
        for idx in _batches(lengths, rng, BATCH):
            n = max(lengths[j] for j in idx)
            x = np.zeros((len(idx), n), dtype=np.int64)
            y = np.full((len(idx), n), -100, dtype=np.int64)
            for k, j in enumerate(idx):
                x[k, : lengths[j]] = xs[j]
                y[k, : lengths[j]] = ys[j]
            uniq, inv = np.unique(x, return_inverse=True)
            logits = net(table[torch.tensor(uniq)], torch.tensor(inv.reshape(x.shape)),
                         torch.tensor([lengths[j] for j in idx]))
            loss = loss_fn(logits.reshape(-1, len(labels)), torch.tensor(y).reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
    prior = np.bincount([t for s in ys for t in s], minlength=len(labels)) / sum(map(len, ys))
    with torch.no_grad():
        common = {
            "labels": np.array(labels),
            "features": np.array(vocab),
            "bag": net.bag.weight.numpy().astype(np.float16),
            "out": net.out.weight.numpy().astype(np.float32),
            "out_b": net.out.bias.numpy().astype(np.float32),
            "prior": (ALPHA * np.log(np.maximum(prior, 1e-9))).astype(np.float32),
            "weight": np.array(WEIGHT, dtype=np.float32),
        }
        if cell == "scan":
            return {**common, "lin": net.lin.weight.numpy().astype(np.float32),
                    "lin_b": net.lin.bias.numpy().astype(np.float32)}
        g = net.gru
        return {
            **common,
            # forward then backward direction: input and recurrent weights (3H × in, torch's r|z|n order)
            "w_ih": np.stack([g.weight_ih_l0.numpy(), g.weight_ih_l0_reverse.numpy()]).astype(np.float32),
            "b_ih": np.stack([g.bias_ih_l0.numpy(), g.bias_ih_l0_reverse.numpy()]).astype(np.float32),
            "w_hh": np.stack([g.weight_hh_l0.numpy(), g.weight_hh_l0_reverse.numpy()]).astype(np.float32),
            "b_hh": np.stack([g.bias_hh_l0.numpy(), g.bias_hh_l0_reverse.numpy()]).astype(np.float32),
        }
