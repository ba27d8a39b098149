"""The window network at run time: per-word vectors cached by the tagger, label scores in numpy.

A small neural tagger (``worker.extract.ner.net_train``, trained with torch) reads the same
per-word features as the CRF, embedded and summed, over a five-word window through one tanh
layer: conjunctions of features the linear CRF cannot weigh. Its window layer is linear in each
word's vector, so the tagger caches each word type's five projections (one per offset) beside
the CRF's scores and a token costs five gathers, a tanh and a 9 × H product. Its log-probabilities,
less a share of the label prior, are added to the CRF's state scores with a weight
(``weight``), and the CRF's transitions decode the sum (docs/ner.md, "Window network").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

EDGE_FEATURES = {"<s>": ["<s>"], "</s>": ["</s>"]}  # the padding beyond a sentence's ends
UNKNOWN = "<unk>"  # a word none of whose features the network knows
MAX_FEATURES = 40  # known features read per word, as in training (a word has about 25)


class WindowNet:
    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.labels = [str(y) for y in arrays["labels"]]
        self._feat = {str(f): i for i, f in enumerate(arrays["features"])}
        self._bag = arrays["bag"].astype(np.float32)
        conv = arrays["conv"].astype(np.float32)  # H × D × 5 (torch's Conv1d layout)
        # D × (5·H): a word vector times this is its five offsets' projections, offset-major
        self._proj = np.ascontiguousarray(conv.transpose(2, 0, 1).reshape(-1, conv.shape[1]).T)
        self.conv_b = arrays["conv_b"].astype(np.float32)
        self._out = np.ascontiguousarray(arrays["out"].astype(np.float32).T)  # H × labels
        self._out_b = arrays["out_b"].astype(np.float32)
        self._prior = arrays["prior"].astype(np.float32)  # alpha × log label prior, subtracted
        self.weight = float(arrays["weight"])
        self.hidden = conv.shape[0]

    def type_vectors(self, words: list[list[str]]) -> np.ndarray:
        """Each word's contribution to the hidden layer at each of the five offsets (words × 5 × H),
        from its features; one batch, as a text's new words arrive together."""
        return self.project(self.reps(words))

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
        word k's from ``starts[k]`` (at most ``MAX_FEATURES`` each, ``UNKNOWN`` when none)."""
        return np.add.reduceat(self._bag[flat], starts, axis=0)

    def project(self, reps: np.ndarray) -> np.ndarray:
        """The five offsets' projections (words × 5 × H) of summed word vectors."""
        return (reps @ self._proj).reshape(len(reps), 5, self.hidden)

    def scores(self, pre: np.ndarray) -> np.ndarray:
        """Weighted label scores (tokens × labels) from the summed window projections (tokens × H)."""
        logits = np.tanh(pre + self.conv_b) @ self._out + self._out_b
        top = logits.max(axis=1, keepdims=True)
        logp = logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
        return self.weight * (logp - self._prior)


def load_net(path: Path) -> WindowNet | None:
    """The shipped network, or None when the package has none (the CRF alone)."""
    if not path.exists():
        return None
    with np.load(path) as z:
        return WindowNet({k: z[k] for k in z.files})
