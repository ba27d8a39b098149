"""The recurrent layer at run time: a bidirectional recurrence in numpy, batched over a text's sentences.

The network (``worker.extract.ner.rnn_train``, trained with torch) reads one vector per word that
depends on the word type only, so the tagger caches per type what the recurrence reads (a GRU's
input projections, 6H float32; the input-gated scan's decays and inputs, 4H int16) beside the CRF's scores;
a text then costs one recurrence over all its sentences at once (the GRU's padded to the longest,
the scan's without padding): (longest sentence) steps of a few numpy calls, not one per token. Its label scores, less a share of the
label prior, are added to the CRF's state scores with a weight, as the window network's are
(docs/ner.md, "Recurrent layer"; the scan ships as ``model_scan.npz``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from worker.extract.ner.window import summed_features

SCALE = 32767  # fixed point of the scan's cached rows: a value v in [-1, 1] is stored as round(v · SCALE)


class RecurrentNet:
    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.labels = [str(y) for y in arrays["labels"]]
        self._feat = {str(f): i for i, f in enumerate(arrays["features"])}
        self._bag = arrays["bag"].astype(np.float32)
        w_ih = arrays["w_ih"].astype(np.float32)  # 2 × 3H × D, gates r|z|n
        b_ih = arrays["b_ih"].astype(np.float32)
        w_hh = arrays["w_hh"].astype(np.float32)  # 2 × 3H × H
        b_hh = arrays["b_hh"].astype(np.float32)
        h = w_hh.shape[2]
        self.hidden = h
        # sigmoid(x) = (1 + tanh(x / 2)) / 2: the r and z rows are halved here, so a step's gates are one tanh
        half = np.concatenate([np.full(2 * h, 0.5, np.float32), np.ones(h, np.float32)])
        bias = b_ih + np.concatenate([b_hh[:, : 2 * h], np.zeros((2, h), np.float32)], axis=1)  # r, z: summed
        # D × 6H: a word vector times this is both directions' input projections (bias included)
        self._proj = np.ascontiguousarray(np.concatenate([w_ih[0].T * half, w_ih[1].T * half], axis=1))
        self._proj_b = np.concatenate([bias[0] * half, bias[1] * half])
        self._whh = np.ascontiguousarray(w_hh.transpose(0, 2, 1) * half)  # 2 × H × 3H
        self._bhn = b_hh[:, None, 2 * h :].copy()  # 2 × 1 × H: inside r · (W h + b)
        self._out = np.ascontiguousarray(arrays["out"].astype(np.float32).T)  # 2H × labels
        self._out_b = arrays["out_b"].astype(np.float32)
        self._prior = arrays["prior"].astype(np.float32)
        self.weight = float(arrays["weight"])
        self.width = 6 * h  # floats cached per word type
        self.cache_dtype: type[np.number] = np.float32  # of the tagger's per-type rows

    def reps(self, words: list[list[str]]) -> np.ndarray:
        """Each word's summed feature embeddings (words × D), from its features."""
        return summed_features(self._feat, self._bag, words)

    def word_vectors(self, flat: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Summed feature embeddings (words × D) of words whose known feature indices are ``flat``,
        word k's from ``starts[k]``."""
        return np.add.reduceat(self._bag[flat], starts, axis=0)

    def project(self, reps: np.ndarray) -> np.ndarray:
        """Both directions' input projections (words × 6H), what the tagger caches per word type."""
        return reps @ self._proj + self._proj_b

    def scores_rows(self, table: np.ndarray, rows: np.ndarray, lengths: list[int]) -> np.ndarray:
        """:meth:`scores` of the tokens whose cached rows (:meth:`cache_rows`) are ``table[rows]``."""
        return self.scores(table[rows], lengths)

    def cache_rows(self, reps: np.ndarray) -> np.ndarray:
        """What the tagger caches per word type (words × ``width``, ``cache_dtype``)."""
        return self.project(reps)

    def scores(self, x: np.ndarray, lengths: list[int]) -> np.ndarray:
        """Weighted label scores (tokens × labels) of consecutive sentences of ``lengths`` tokens whose
        input projections are the rows of ``x`` (tokens × 6H)."""
        n = len(x)
        h = self.hidden
        steps = max(lengths, default=0)
        if n == 0 or steps == 0:
            return np.zeros((n, len(self.labels)), np.float32)
        # sentences longest first, so the ones still running at step t are the first active[t]
        ln = np.asarray(lengths)
        st = np.concatenate([[0], np.cumsum(ln)[:-1]])
        order = np.argsort(-ln, kind="stable")
        ln, st = ln[order], st[order]
        t = np.arange(steps)
        inside = t[:, None] < ln[None, :]  # steps × sentences
        active = inside.sum(axis=1).tolist()
        # token index of sentence s at step t, each direction reading its own end first; n: padding
        fwd = np.where(inside, st[None, :] + t[:, None], n)
        bwd = np.where(inside, (st + ln - 1)[None, :] - t[:, None], n)
        xp = np.concatenate([x, np.zeros((1, x.shape[1]), x.dtype)])
        gates = np.stack([xp[fwd, : 3 * h], xp[bwd, 3 * h :]], axis=1)  # steps × 2 × sentences × 3H
        states = np.zeros((steps, 2, len(lengths), h), np.float32)
        state = np.zeros((2, len(lengths), h), np.float32)
        whh, bhn = self._whh, self._bhn
        for k in range(steps):
            a = active[k]
            g = gates[k, :, :a]
            cur = state[:, :a]
            m = np.matmul(cur, whh)
            rz = m[..., : 2 * h]
            rz += g[..., : 2 * h]
            np.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5
            c = m[..., 2 * h :]
            c += bhn
            c *= rz[..., :h]
            c += g[..., 2 * h :]
            np.tanh(c, out=c)
            cur -= c
            cur *= rz[..., h:]
            cur += c
            states[k, :, :a] = cur
        out = np.zeros((n + 1, 2 * h), np.float32)
        out[fwd, :h] = states[:, 0]
        out[bwd, h:] = states[:, 1]
        logits = out[:n] @ self._out + self._out_b
        top = logits.max(axis=1, keepdims=True)
        logp = logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
        return self.weight * (logp - self._prior)


class ScanNet(RecurrentNet):
    """A recurrence whose gates read the input only (minGRU: ``h = (1 − z) ⊙ h + z ⊙ tanh(c)``, z and c
    from the word's vector), so the tagger caches each type's decay ``1 − z`` and input ``z ⊙ tanh(c)``
    for both directions (4H values, int16 fixed point: 20,000 types in 41 MB at H = 256) and a step is
    two numpy calls."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.labels = [str(y) for y in arrays["labels"]]
        self._feat = {str(f): i for i, f in enumerate(arrays["features"])}
        self._bag = arrays["bag"].astype(np.float32)
        lin = arrays["lin"].astype(np.float32)  # 4H × D: forward z | c, backward z | c
        self.hidden = lin.shape[0] // 4
        self._proj = np.ascontiguousarray(lin.T)
        self._proj_b = arrays["lin_b"].astype(np.float32)
        self._out = np.ascontiguousarray(arrays["out"].astype(np.float32).T)  # 2H × labels
        self._out_b = arrays["out_b"].astype(np.float32)
        self._prior = arrays["prior"].astype(np.float32)
        self.weight = float(arrays["weight"])
        self.width = 4 * self.hidden
        h = self.hidden
        # output weights per direction with the layer's weight folded in, and for int16 rows the scale
        self._w_f = np.ascontiguousarray(self._out[:h] * np.float32(self.weight))
        self._w_b = np.ascontiguousarray(self._out[h:] * np.float32(self.weight))
        self._wq_f, self._wq_b = self._w_f / np.float32(SCALE), self._w_b / np.float32(SCALE)
        self._bias = (self.weight * (self._out_b - self._prior)).astype(np.float32)
        # Decays and inputs lie in [-1, 1]: fixed point keeps each to ±1.5e-5, and int16 widens to float32
        # ~25 times faster than float16 does in numpy (docs/ner.md).
        self.cache_dtype = np.int16

    def project(self, reps: np.ndarray) -> np.ndarray:
        """Both directions' decay ``1 − z`` and input ``z ⊙ tanh(c)`` (words × 4H: a | b forward, a | b backward)."""
        g = (reps @ self._proj + self._proj_b).reshape(len(reps), 2, 2, self.hidden)
        z = 1 / (1 + np.exp(-g[:, :, 0]))
        return np.stack([1 - z, z * np.tanh(g[:, :, 1])], axis=2).reshape(len(reps), self.width).astype(np.float32)

    def cache_rows(self, reps: np.ndarray) -> np.ndarray:
        """:meth:`project` in fixed point (value × ``SCALE``, rounded), what the tagger caches."""
        return np.rint(self.project(reps) * SCALE).astype(np.int16)

    def scores(self, x: np.ndarray, lengths: list[int]) -> np.ndarray:
        return self.scores_rows(x, np.arange(len(x)), lengths)

    def scores_rows(self, table: np.ndarray, rows: np.ndarray, lengths: list[int]) -> np.ndarray:
        """As :meth:`RecurrentNet.scores` of ``table[rows]`` (rows of :meth:`project`, or of
        :meth:`cache_rows` when int16), read straight from the table; logits less the prior share: they
        differ from the log-probabilities by one constant per token, which decoding ignores."""
        n = len(rows)
        h = self.hidden
        if n == 0 or max(lengths, default=0) == 0:
            return np.zeros((n, len(self.labels)), np.float32)
        # Sentences longest first, both directions side by side (slot 2i + d), so the slots still going at
        # step k are the first 2·active[k] of the step before: the steps lie end to end in one ragged
        # array of exactly 2n slots (no padding), step k at off[k], each direction reading its own end first.
        ln = np.asarray(lengths)
        st = np.concatenate([[0], np.cumsum(ln)[:-1]])
        order = np.argsort(-ln, kind="stable")
        lo, so = ln[order], st[order]
        steps = int(lo[0])
        active = 2 * (np.arange(steps)[:, None] < lo[None, :]).sum(axis=1)
        off = np.concatenate([[0], np.cumsum(active)]).tolist()
        k = np.repeat(np.arange(steps), active)
        j = np.arange(2 * n) - np.repeat(off[:-1], active)
        i, d = j >> 1, j & 1
        tok = np.where(d == 0, so[i] + k, so[i] + lo[i] - 1 - k)
        at = 4 * np.asarray(rows)[tok] + 2 * d  # as rows of (4 × table rows, H): the slot's decay, then input
        flat = table.reshape(-1, h)
        decay = flat[at].astype(np.float32)
        gain = flat[at + 1].astype(np.float32)
        w_f, w_b = self._w_f, self._w_b
        if table.dtype == np.int16:
            decay *= 1 / SCALE
            w_f, w_b = self._wq_f, self._wq_b  # the states are SCALE times too large: undone here
        states = gain  # step 0 from a zero state; each later step adds decay ⊙ state before to its inputs
        multiply, add = np.multiply, np.add
        for s in range(1, steps):
            a, b = off[s], off[s + 1]
            kept = decay[a:b]
            multiply(states[off[s - 1] : off[s - 1] + b - a], kept, out=kept)
            add(states[a:b], kept, out=states[a:b])
        pairs = states.reshape(n, 2 * h)  # forward state | backward state of two (different) tokens
        logits = np.empty((n, len(self.labels)), np.float32)
        logits[tok[0::2]] = pairs[:, :h] @ w_f
        logits[tok[1::2]] += pairs[:, h:] @ w_b
        logits += self._bias
        return logits


def load_rnn(path: Path) -> RecurrentNet | None:
    """The shipped recurrent network, or None when the package has none."""
    if not path.exists():
        return None
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    return ScanNet(arrays) if "lin" in arrays else RecurrentNet(arrays)
