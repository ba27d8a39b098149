"""The window network at run time: per-word vectors cached by the tagger, label scores in numpy.

A small neural tagger (``worker.extract.ner.net_train``, trained with torch) reads the same
per-word features as the CRF, embedded and summed (and, optionally, a character CNN's vector of
the word's letters), over a window of ``width`` words (five, -2..+2, as shipped) through one tanh layer:
conjunctions of features the linear CRF cannot weigh. Its window layer is linear in each word's
vector, so the tagger caches each word type's projections (one per offset) beside the CRF's
scores and a token costs ``width`` gathers, a tanh and a 9 × H product. Its log-probabilities,
less a share of the label prior, are added to the CRF's state scores with a weight
(``weight``), and the CRF's transitions decode the sum (docs/ner.md, "Window network").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

EDGE_FEATURES = {"<s>": ["<s>"], "</s>": ["</s>"]}  # the padding beyond a sentence's ends
UNKNOWN = "<unk>"  # a word none of whose features the network knows
MAX_FEATURES = 40  # known features read per word, as in training (a word has about 25)
MAX_CHARS = 24  # letters of a word's matching form that the character CNN reads
PAD, BEGIN, END, RARE = 0, 1, 2, 3  # character ids before the alphabet's (a letter's id is 4 + its rank)


def summed_features(feat: dict[str, int], bag: np.ndarray, words: list[list[str]]) -> np.ndarray:
    """Each word's summed feature embeddings (words × D): the rows of ``bag`` of its first
    ``MAX_FEATURES`` features in ``feat``, or of ``UNKNOWN`` when it has none (both networks read words so)."""
    get = feat.get
    unk = feat[UNKNOWN]
    flat: list[int] = []
    starts: list[int] = []
    for features in words:
        starts.append(len(flat))
        before = len(flat)
        flat.extend([i for f in features if (i := get(f)) is not None][:MAX_FEATURES])
        if len(flat) == before:
            flat.append(unk)
    return np.add.reduceat(bag[np.asarray(flat)], np.asarray(starts), axis=0)


def char_ids(forms: list[str], alphabet: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Each form as ids ``pad, begin, letters…, end, pad`` padded with ``PAD`` to one width
    (words × width), and how many width-3 windows read it (its letters + 2)."""
    cut = [f[:MAX_CHARS] for f in forms]
    n = np.array([len(f) + 2 for f in cut], dtype=np.int64)
    ids = np.zeros((len(cut), int(n.max(initial=2)) + 2), dtype=np.int64)
    for i, f in enumerate(cut):
        ids[i, 1] = BEGIN
        ids[i, 2 : 2 + len(f)] = [4 + alphabet[c] if c in alphabet else RARE for c in f]
        ids[i, 2 + len(f)] = END
    return ids, n


class WindowNet:
    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.labels = [str(y) for y in arrays["labels"]]
        self._feat = {str(f): i for i, f in enumerate(arrays["features"])}
        self._bag = arrays["bag"].astype(np.float32)
        conv = arrays["conv"].astype(np.float32)  # H × D × width (torch's Conv1d layout)
        # D × (width·H): a word vector times this is its projections at every offset, offset-major
        self._proj = np.ascontiguousarray(conv.transpose(2, 0, 1).reshape(-1, conv.shape[1]).T)
        self.width = conv.shape[2]  # 2 · half + 1 words
        self.half = self.width // 2
        self._alphabet = {str(c): i for i, c in enumerate(arrays["chars"])} if "chars" in arrays else None
        if self._alphabet is not None:
            self._cemb = arrays["char_emb"].astype(np.float32)
            cconv = arrays["char_conv"].astype(np.float32)  # filters × char dim × 3
            self._cconv = np.ascontiguousarray(cconv.transpose(2, 1, 0).reshape(-1, cconv.shape[0]))
            self._cconv_b = arrays["char_conv_b"].astype(np.float32)
        self.conv_b = arrays["conv_b"].astype(np.float32)
        self._out = np.ascontiguousarray(arrays["out"].astype(np.float32).T)  # H × labels
        self._out_b = arrays["out_b"].astype(np.float32)
        self._prior = arrays["prior"].astype(np.float32)  # alpha × log label prior, subtracted
        self.weight = float(arrays["weight"])
        self.hidden = conv.shape[0]
        # the decoding scores' output layer with the weight and the prior share folded in
        self._out_w = np.ascontiguousarray(self._out * np.float32(self.weight))
        self._out_wb = (self.weight * (self._out_b - self._prior)).astype(np.float32)

    def type_vectors(self, words: list[list[str]]) -> np.ndarray:
        """Each word's contribution to the hidden layer at each offset (words × width × H), from its
        features; one batch, as a text's new words arrive together."""
        return self.project(self.reps(words))

    def reps(self, words: list[list[str]]) -> np.ndarray:
        """Each word's input vector (words × D, with its character vector when the network has one),
        from its features (the first, ``w=``, is the matching form; the sentence edges have none)."""
        bag = self.bag_sums(words)
        return self.with_chars(bag, [f[0][2:] if f and f[0].startswith("w=") else None for f in words])

    def with_chars(self, bag: np.ndarray, forms: list[str | None]) -> np.ndarray:
        """Summed feature embeddings with each word's character vector after them (zero for no form)."""
        if self._alphabet is None:
            return bag
        chars = np.zeros((len(forms), len(self._cconv_b)), dtype=np.float32)
        words = [i for i, f in enumerate(forms) if f is not None]
        if words:
            chars[words] = self.char_vectors([forms[i] or "" for i in words])
        return np.concatenate([bag, chars], axis=1)

    def char_vectors(self, forms: list[str]) -> np.ndarray:
        """The character CNN (words × filters): width-3 windows over ``char_ids``, max over the word's
        windows, tanh."""
        assert self._alphabet is not None
        ids, n = char_ids(forms, self._alphabet)
        e = self._cemb[ids]
        windows = np.concatenate([e[:, :-2], e[:, 1:-1], e[:, 2:]], axis=2)  # words × positions × 3·dim
        c = windows @ self._cconv
        c[np.arange(c.shape[1])[None, :] >= n[:, None]] = -np.inf
        return np.tanh(c.max(axis=1) + self._cconv_b)

    def bag_sums(self, words: list[list[str]]) -> np.ndarray:
        """Each word's summed feature embeddings (words × D), from its features."""
        return summed_features(self._feat, self._bag, words)

    def word_vectors(self, flat: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Summed feature embeddings (words × D) of words whose known feature indices are ``flat``,
        word k's from ``starts[k]`` (at most ``MAX_FEATURES`` each, ``UNKNOWN`` when none)."""
        return np.add.reduceat(self._bag[flat], starts, axis=0)

    def project(self, reps: np.ndarray) -> np.ndarray:
        """The projections at every offset (words × width × H) of word input vectors."""
        return (reps @ self._proj).reshape(len(reps), self.width, self.hidden)

    def scores(self, pre: np.ndarray) -> np.ndarray:
        """Weighted label scores (tokens × labels) from the summed window projections (tokens × H)."""
        logits = np.tanh(pre + self.conv_b) @ self._out + self._out_b
        top = logits.max(axis=1, keepdims=True)
        logp = logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
        return self.weight * (logp - self._prior)

    def logits(self, pre: np.ndarray) -> np.ndarray:
        """:meth:`scores` less each token's log-normaliser: they differ by one constant per token, which
        decoding ignores, and the softmax over nine labels was a third of the layer's cost."""
        return np.tanh(pre + self.conv_b) @ self._out_w + self._out_wb


def load_net(path: Path) -> WindowNet | None:
    """The shipped network, or None when the package has none (the CRF alone)."""
    if not path.exists():
        return None
    with np.load(path) as z:
        return WindowNet({k: z[k] for k in z.files})
