"""The recurrent layer at run time: a bidirectional recurrence in numpy, batched over a text's sentences.

The network (``worker.extract.ner.rnn_train``, trained with torch) reads one vector per word that
depends on the word type only, so the tagger caches per type what the recurrence reads (a GRU's
input projections, 6H floats; the input-gated scan's decays and inputs, 4H) beside the CRF's scores;
a text then costs one recurrence over all its sentences at once, padded to the longest: (longest
sentence) steps of a few numpy calls, not one per token. Its label scores, less a share of the
label prior, are added to the CRF's state scores with a weight, as the window network's are
(docs/ner.md, "Recurrent layer"; measured, not shipped).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

UNKNOWN = "<unk>"  # a word none of whose features the network knows
MAX_FEATURES = 40  # known features read per word, as in training (a word has about 25)


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

    def reps(self, words: list[list[str]]) -> np.ndarray:
        """Each word's summed feature embeddings (words × D), from its features."""
        get = self._feat.get
        unk = self._feat[UNKNOWN]
        flat: list[int] = []
        starts: list[int] = []
        for features in words:
            starts.append(len(flat))
            before = len(flat)
            flat.extend([i for f in features if (i := get(f)) is not None][:MAX_FEATURES])
            if len(flat) == before:
                flat.append(unk)
        return self.word_vectors(np.asarray(flat), np.asarray(starts))

    def word_vectors(self, flat: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Summed feature embeddings (words × D) of words whose known feature indices are ``flat``,
        word k's from ``starts[k]``."""
        return np.add.reduceat(self._bag[flat], starts, axis=0)

    def project(self, reps: np.ndarray) -> np.ndarray:
        """Both directions' input projections (words × 6H), what the tagger caches per word type."""
        return reps @ self._proj + self._proj_b

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
    from the word's vector), so the tagger caches each type's ``1 − z`` and ``z ⊙ tanh(c)`` for both
    directions (4H floats) and a step is two numpy calls, not thirteen."""

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

    def project(self, reps: np.ndarray) -> np.ndarray:
        """Both directions' decay ``1 − z`` and input ``z ⊙ tanh(c)`` (words × 4H: a | b forward, a | b backward)."""
        g = (reps @ self._proj + self._proj_b).reshape(len(reps), 2, 2, self.hidden)
        z = 1 / (1 + np.exp(-g[:, :, 0]))
        return np.stack([1 - z, z * np.tanh(g[:, :, 1])], axis=2).reshape(len(reps), self.width).astype(np.float32)

    def scores(self, x: np.ndarray, lengths: list[int]) -> np.ndarray:
        """As :meth:`RecurrentNet.scores`, but logits less the prior share: they differ from the
        log-probabilities by one constant per token, which decoding ignores."""
        n = len(x)
        h = self.hidden
        steps = max(lengths, default=0)
        if n == 0 or steps == 0:
            return np.zeros((n, len(self.labels)), np.float32)
        ln = np.asarray(lengths)
        st = np.concatenate([[0], np.cumsum(ln)[:-1]])
        t = np.arange(steps)[:, None]
        inside = t < ln[None, :]
        # The sentences of both directions are one batch (steps × 2S), each direction reading its own
        # end first: slot (token i, direction d) is 2i + d; padding (slot 0 read, 2n written) only
        # follows a sentence's words. Rows of x as (4n, H): slot j's decay is row 2j, its input 2j + 1.
        slots = np.concatenate([np.where(inside, 2 * (st + t), 0), np.where(inside, 2 * (st + ln - 1 - t) + 1, 0)],
                               axis=1)
        dest = np.where(np.concatenate([inside, inside], axis=1), slots, 2 * n)
        flat = x.reshape(4 * n, h)
        decay, gain = flat[2 * slots], flat[2 * slots + 1]  # contiguous, so the steps' calls stay fast
        states = np.zeros((steps + 1, slots.shape[1], h), np.float32)  # row 0: the initial state
        multiply, add = np.multiply, np.add
        for k in range(steps):
            cur = states[k + 1]
            multiply(states[k], decay[k], out=cur)
            add(cur, gain[k], out=cur)
        out = np.empty((2 * n + 1, h), np.float32)
        out[dest] = states[1:]
        logits = out[: 2 * n].reshape(n, 2 * h) @ self._out + self._out_b
        return self.weight * (logits - self._prior)


def load_rnn(path: Path) -> RecurrentNet | None:
    """The shipped recurrent network, or None when the package has none."""
    if not path.exists():
        return None
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    return ScanNet(arrays) if "lin" in arrays else RecurrentNet(arrays)
