"""Train the window network with torch and write ``window.npz`` (I/O adapter; the ``ner-train`` extra).

torch is needed here only: tagging reads the exported arrays with numpy
(``worker.extract.ner.window``). Training is seeded, runs two threads with deterministic
algorithms, and the archive is written with fixed zip dates, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from worker.extract.ner.conll import Sentence
from worker.extract.ner.features import MAX_FEATURE_CHARS, Resources, word_features
from worker.extract.ner.window import EDGE_FEATURES, MAX_FEATURES, UNKNOWN, char_ids

# Chosen on the inner dev split (docs/ner.md): embedding and hidden sizes, dropout, Adam's rate,
# epochs, the share of the log label prior subtracted and the weight of the sum with the CRF.
DIM, HIDDEN, DROPOUT, RATE, EPOCHS, BATCH, MIN_COUNT = 64, 128, 0.3, 3e-3, 14, 32, 2
ALPHA, WEIGHT, SEED, THREADS = 0.5, 0.35, 1, 2
# Character vectors (a char CNN over the word's matching form: its embedding size and filters, 0: none),
# the window's half-width (2: the five words -2..+2) and the epochs whose weights are averaged (1: the last).
CHAR_DIM, CHARS, CHAR_MIN_COUNT, HALF, AVERAGE = 16, 0, 2, 2, 1


def _require_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ValueError("training the tagger's networks needs torch: pip install -e '.[ner-train]' "
                         "(or train the CRF alone with --no-net)") from None
    return torch


def seeded_torch(seed: int, threads: int) -> Any:
    """torch seeded, on ``threads`` threads, with deterministic algorithms: the same data gives the same bytes."""
    torch = _require_torch()
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    return torch


def type_features(sentences: list[Sentence], res: Resources, edges: dict[str, list[str]], min_count: int
                  ) -> tuple[list[str], dict[str, list[str]], np.ndarray, dict[str, int]]:
    """What a network trained on per-type inputs reads: its feature vocabulary (``<pad>``, the edges',
    ``UNKNOWN``, then features seen ``min_count`` times), each word type's own features, and the
    types' feature-id rows (type 0 pads a batch, then ``edges``, then the words) with each type's row."""
    own: dict[str, list[str]] = {}
    count: Counter[str] = Counter()
    for s in sentences:
        for w, _ in s:
            key = w[:MAX_FEATURE_CHARS]
            f = own.get(key)
            if f is None:
                f = own[key] = word_features(key, res)[2]
            count.update(f)
    vocab = ["<pad>", *edges, UNKNOWN, *sorted(f for f, c in count.items() if c >= min_count)]
    fid = {f: i for i, f in enumerate(vocab)}
    keys = ["<pad>", *edges, *own]
    rows = np.zeros((len(keys), MAX_FEATURES), dtype=np.int64)
    for i, key in enumerate(keys[1:], 1):
        ids = [fid[f] for f in (edges.get(key) or own[key]) if f in fid][:MAX_FEATURES] or [fid[UNKNOWN]]
        rows[i, : len(ids)] = ids
    return vocab, own, rows, {key: i for i, key in enumerate(keys)}


Snapshot = Callable[[str, dict[str, np.ndarray]], None]


def fit_net(sentences: list[Sentence], res: Resources, labels: list[str], epochs: int = EPOCHS,
            seed: int = SEED, *, chars: int = CHARS, half: int = HALF, average: int = AVERAGE,
            threads: int = THREADS, snapshot: Snapshot | None = None) -> dict[str, np.ndarray]:
    """Train on ``sentences`` and return the arrays ``worker.extract.ner.window.WindowNet`` reads.

    ``chars``: filters of the character CNN (0: none); ``half``: the window's half-width; ``average``:
    the returned weights are the mean of the last ``average`` epochs'. ``snapshot(name, arrays)``, for
    ``bench/ner_net.py``, sees each epoch's arrays (``e3``) and the means of the last k epochs' (``e3avg2``)."""
    torch = seeded_torch(seed, threads)
    nn = torch.nn
    rng = np.random.default_rng(seed)
    li = {y: i for i, y in enumerate(labels)}
    vocab, own, rows, tid = type_features(sentences, res, EDGE_FEATURES, MIN_COUNT)  # 1, 2: the sentence edges
    forms = ["", "", "", *(f[0][2:] for f in own.values())]  # matching forms (the "w=" feature)
    letters: Counter[str] = Counter(c for f in forms[3:] for c in set(f))
    alphabet = sorted(c for c, n in letters.items() if n >= CHAR_MIN_COUNT)
    xs = [[tid[w[:MAX_FEATURE_CHARS]] for w, _ in s] for s in sentences]
    ys = [[li[t] for _, t in s] for s in sentences]

    class Net(nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.bag = nn.EmbeddingBag(len(vocab), DIM, mode="sum", padding_idx=0)
            if chars:
                self.cemb = nn.Embedding(len(alphabet) + 4, CHAR_DIM, padding_idx=0)
                self.cconv = nn.Conv1d(CHAR_DIM, chars, 3)
            self.conv = nn.Conv1d(DIM + chars, HIDDEN, 2 * half + 1)
            self.out = nn.Linear(HIDDEN, len(labels))
            self.drop = nn.Dropout(DROPOUT)

        def forward(self, types: np.ndarray, inv: Any) -> Any:
            rep = self.bag(table[torch.tensor(types)])  # the batch's word types × DIM
            if chars:
                n = lengths[types]
                ids = torch.tensor(letter_ids[types, : int(n.max()) + 2])
                c = self.cconv(self.cemb(ids).transpose(1, 2))  # types × filters × positions
                valid = torch.arange(c.shape[2])[None, :] < torch.tensor(n)[:, None]
                c = c.masked_fill(~valid[:, None, :], -torch.inf).max(dim=2).values
                rep = torch.cat([rep, torch.tanh(c) * is_word[types]], dim=1)
            h = torch.tanh(self.conv(self.drop(rep[inv]).transpose(1, 2)))  # batch × length × HIDDEN
            return self.out(self.drop(h.transpose(1, 2)))

    prior = np.bincount([t for s in ys for t in s], minlength=len(labels)) / sum(map(len, ys))
    fixed = {
        "labels": np.array(labels),
        "features": np.array(vocab),
        "prior": (ALPHA * np.log(np.maximum(prior, 1e-9))).astype(np.float32),
        "weight": np.array(WEIGHT, dtype=np.float32),
    }
    if chars:
        fixed["chars"] = np.array(alphabet, dtype="<U1")

    def export(state: dict[str, Any]) -> dict[str, np.ndarray]:
        arrays = dict(fixed)
        arrays["bag"] = state["bag.weight"].numpy().astype(np.float16)
        for name, key in (("conv", "conv.weight"), ("conv_b", "conv.bias"), ("out", "out.weight"),
                          ("out_b", "out.bias"), ("char_emb", "cemb.weight"), ("char_conv", "cconv.weight"),
                          ("char_conv_b", "cconv.bias")):
            if key in state:
                arrays[name] = state[key].numpy().astype(np.float32)
        return arrays

    def mean(states: list[dict[str, Any]]) -> dict[str, Any]:
        return {k: torch.stack([st[k] for st in states]).mean(dim=0) for k in states[0]}

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=RATE)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    table = torch.tensor(rows)
    letter_ids, lengths = char_ids(forms, {c: i for i, c in enumerate(alphabet)})
    is_word = torch.tensor([0.0, 0.0, 0.0] + [1.0] * len(own))[:, None]  # pads and edges have no letters
    keep = max(average, 5 if snapshot else 1)
    states: list[dict[str, Any]] = []  # the weights after each of the last ``keep`` epochs
    order = np.arange(len(xs))
    for epoch in range(1, epochs + 1):
        net.train()
        rng.shuffle(order)
        for i in range(0, len(order), BATCH):
            idx = order[i : i + BATCH]
            n = max(len(xs[j]) for j in idx)
            x = np.zeros((len(idx), n + 2 * half), dtype=np.int64)
            y = np.full((len(idx), n), -100, dtype=np.int64)
            for k, j in enumerate(idx):
                m = len(xs[j])
                x[k, :half] = 1
                x[k, half : half + m] = xs[j]
                x[k, half + m : 2 * half + m] = 2
                y[k, :m] = ys[j]
            uniq, inv = np.unique(x, return_inverse=True)
            logits = net(uniq, torch.tensor(inv.reshape(x.shape)))
            loss = loss_fn(logits.reshape(-1, len(labels)), torch.tensor(y).reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            states = [*states, {k: v.detach().clone() for k, v in net.state_dict().items()}][-keep:]
            if snapshot is not None:
                snapshot(f"e{epoch}", export(states[-1]))
                for k in range(2, len(states) + 1):
                    snapshot(f"e{epoch}avg{k}", export(mean(states[-k:])))
    with torch.no_grad():
        return export(mean(states[-average:]))


def merge_nets(nets: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """One network whose label scores are the average of ``nets``' (same features, labels, prior and
    weight): embeddings side by side, block-diagonal convolutions, output layers averaged.

    Averaged logits differ from averaged log-probabilities by one constant per token, which the CRF's
    decoding ignores, so the merged network decodes exactly as the ensemble; ``WindowNet`` reads it
    unchanged (a wider hidden layer)."""
    first = nets[0]
    for n in nets[1:]:
        for key in ("labels", "features", "prior", "weight"):
            if not np.array_equal(n[key], first[key]):
                raise ValueError(f"networks differ in {key}: they cannot be merged")
    conv = np.zeros((sum(n["conv"].shape[0] for n in nets), sum(n["conv"].shape[1] for n in nets),
                     first["conv"].shape[2]), dtype=np.float32)
    h = d = 0
    for n in nets:
        hn, dn = n["conv"].shape[:2]
        conv[h : h + hn, d : d + dn] = n["conv"]
        h, d = h + hn, d + dn
    k = np.float32(len(nets))
    return {
        "labels": first["labels"],
        "features": first["features"],
        "bag": np.concatenate([n["bag"] for n in nets], axis=1),
        "conv": conv,
        "conv_b": np.concatenate([n["conv_b"] for n in nets]),
        "out": (np.concatenate([n["out"] for n in nets], axis=1) / k).astype(np.float32),
        "out_b": (np.sum([n["out_b"] for n in nets], axis=0) / k).astype(np.float32),
        "prior": first["prior"],
        "weight": first["weight"],
    }


def fit_ensemble(sentences: list[Sentence], res: Resources, labels: list[str], seeds: tuple[int, ...],
                 epochs: int = EPOCHS) -> dict[str, np.ndarray]:
    """One network per seed, merged (``bench/ner.py --seeds``; the shipped model is one network: an
    ensemble of two did not beat the spread of single seeds, docs/ner.md)."""
    if len(seeds) == 1:
        return fit_net(sentences, res, labels, epochs, seeds[0])
    return merge_nets([fit_net(sentences, res, labels, epochs, seed) for seed in seeds])


def save(arrays: dict[str, np.ndarray], path: Path) -> None:
    """An ``.npz`` numpy reads, with fixed member dates (np.savez stamps the current time)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.save(buf, arrays[name], allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, buf.getvalue())
