"""The entity tagger at run time: a linear-chain CRF decoded without CRFsuite (pure after loading).

Because every feature describes one word at one offset (``worker.extract.ner.features``), a
token's label scores are the sum of five per-word vectors; each word type's vectors are computed
once per process and kept in a table, so a text costs a dictionary look-up per token, five numpy
gathers, and Viterbi (``worker.extract.ner.viterbi``, compiled) over the whole text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from worker.extract.ner.conll import spans
from worker.extract.ner.consistency import propagate
from worker.extract.ner.features import (
    BOS,
    EOS,
    MAX_FEATURE_CHARS,
    TOKEN_RE,
    Resources,
    edge_features,
    word_features,
)
from worker.extract.ner.viterbi import viterbi
from worker.extract.ner.window import EDGE_FEATURES, WindowNet

_BLOCK = 256  # new words summed together (bounds the gathered array to a few MB)
MAX_TYPES = 50_000  # cached word types before the cache starts afresh (≤ 18 MB of scores)
MAX_TYPES_NET = 20_000  # the same with the window network's vectors at H = 128 (≤ 51 MB; fewer when wider)
_SENTENCE_END = frozenset(".!?؟")


@dataclass(frozen=True)
class Span:
    start: int  # character offsets in the text given to :meth:`Tagger.spans`
    end: int
    type: str  # PER | ORG | LOC | MISC


class Tagger:
    """Label scores per word type, cached; Viterbi between the certain-O tokens."""

    def __init__(self, labels: list[str], transitions: dict[tuple[str, str], float],
                 state: dict[tuple[str, str], float], res: Resources, max_types: int = MAX_TYPES,
                 net: WindowNet | None = None) -> None:
        if net is not None and net.labels != labels:
            raise ValueError(f"window network labels {net.labels} differ from the CRF's {labels}")
        self.labels = labels
        self.net = net
        n = len(labels)
        self.o = labels.index("O")
        li = {y: i for i, y in enumerate(labels)}
        self.trans = np.zeros((n, n))
        for (a, b), w in transitions.items():
            self.trans[li[a], li[b]] = w
        attrs = sorted({a for a, _ in state})
        self._attr = {a: i for i, a in enumerate(attrs)}
        self._w = np.zeros((len(attrs), n))
        for (a, y), w in state.items():
            self._w[self._attr[a], li[y]] = w
        self._bias = self._vec(["bias"])
        # The weights behind a zero row (attribute i is row i + 1), which pads the attribute lists of
        # a text's new words to one width, so their vectors are one gather and one sum.
        self._attr1 = {a: i + 1 for a, i in self._attr.items()}
        self._wz = np.vstack([np.zeros((1, n)), self._w])
        self.res = res
        self.max_types = max_types if net is None else min(max_types, MAX_TYPES_NET * 128 // max(net.hidden, 128))
        self._t = self.trans.tolist()
        self._reset()

    def _reset(self) -> None:
        self._row: dict[str, int] = {}
        self._table = np.zeros((1024, 5, len(self.labels)))
        self._ntable = np.zeros((1024, 5, self.net.hidden if self.net else 0), dtype=np.float32)
        self._n = 0
        self._pending: list[tuple[int, list[str]]] = []  # new rows whose network vectors are not computed yet
        self._bos = self._add(edge_features(BOS), EDGE_FEATURES[BOS])
        self._eos = self._add(edge_features(EOS), EDGE_FEATURES[EOS])
        self._flush()

    def _vec(self, attrs: Iterable[str]) -> np.ndarray:
        idx = [i for a in attrs if (i := self._attr.get(a)) is not None]
        return self._w[idx].sum(axis=0) if idx else np.zeros(len(self.labels))

    def _add(self, feats: tuple[list[str], ...], own: list[str]) -> int:
        if self._n == len(self._table):
            size = len(self._table)
            grow = min(size, self.max_types - size) if self.max_types > size else size  # never past the cap
            self._table = np.concatenate([self._table, np.zeros((grow, *self._table.shape[1:]))])
            self._ntable = np.concatenate([self._ntable, np.zeros((grow, *self._ntable.shape[1:]), np.float32)])
        r = self._n
        for k in range(5):
            self._table[r, k] = self._vec(feats[k])
        if self.net is not None:
            self._pending.append((r, own))
        self._n += 1
        return r

    def _add_words(self, words: Iterable[str]) -> None:
        """Table rows for the words not in it yet, a block of words per gather-and-sum (each row equals
        :meth:`_add`'s bit for bit: the same sequential sum, padded with zero rows)."""
        row = self._row
        keys = [k for k in dict.fromkeys(w[:MAX_FEATURE_CHARS] for w in words) if k not in row]
        while self._n + len(keys) > len(self._table):
            self._table = np.concatenate([self._table, np.zeros_like(self._table)])
            self._ntable = np.concatenate([self._ntable, np.zeros_like(self._ntable)])
        attr = self._attr1
        for a in range(0, len(keys), _BLOCK):
            block = keys[a : a + _BLOCK]
            feats = [word_features(key, self.res) for key in block]
            segments = [[i for f in k_feats if (i := attr.get(f)) is not None] for fs in feats for k_feats in fs]
            width = max(map(len, segments), default=0) or 1
            picked = np.array([seg + [0] * (width - len(seg)) for seg in segments])
            sums = self._wz[picked].sum(axis=1)
            self._table[self._n : self._n + len(block)] = sums.reshape(len(block), 5, len(self.labels))
            for r, (key, fs) in enumerate(zip(block, feats, strict=True), self._n):
                row[key] = r
                if self.net is not None:
                    self._pending.append((r, fs[2]))
            self._n += len(block)

    def _flush(self) -> None:
        """The network vectors of the rows added since the last call, in one batch."""
        if self.net is not None and self._pending:
            rows = [r for r, _ in self._pending]
            self._ntable[rows] = self.net.type_vectors([own for _, own in self._pending])
            self._pending = []

    def _id(self, token: str) -> int:
        key = token[:MAX_FEATURE_CHARS]
        r = self._row.get(key)
        if r is None:
            feats = word_features(key, self.res)
            r = self._row[key] = self._add(feats, feats[2])
        return r

    def tag_tokens(self, sentences: list[list[str]], document: bool = False) -> list[list[str]]:
        """BIO labels for pre-tokenized sentences (what ``bench/ner.py`` scores); ``document``: the
        sentences are one text, whose spans repeat at their other mentions (:func:`propagate`)."""
        flat = self._labels(sentences)
        if document:
            flat = propagate([w for s in sentences for w in s], flat)
        out: list[list[str]] = []
        i = 0
        for s in sentences:
            out.append(flat[i : i + len(s)])
            i += len(s)
        return out

    def _labels(self, sentences: list[list[str]]) -> list[str]:
        e, starts = self._scores(sentences)
        if not starts:
            return []
        return [self.labels[y] for y in viterbi(e.tolist(), self._t, starts)]

    def _scores(self, sentences: list[list[str]]) -> tuple[np.ndarray, list[int]]:
        """State scores (tokens × labels: the CRF's, plus the window network's when there is one) and
        the index where each sentence starts."""
        if self._n + sum(map(len, sentences)) > self.max_types:
            self._reset()  # between texts only: the ids gathered below index the current table
        row = self._row
        self._add_words([w for s in sentences for w in s if w not in row])
        ids: list[int] = []
        real: list[int] = []
        starts: list[int] = []  # index (in real tokens) where each sentence starts
        bos, eos = self._bos, self._eos
        for s in sentences:
            starts.append(len(real))
            ids.append(bos)
            ids.append(bos)
            base = len(ids)
            row = self._row
            found = [row.get(w, -1) for w in s]
            if -1 in found:
                found = [r if r != -1 else self._id(w) for r, w in zip(found, s, strict=True)]
            ids.extend(found)
            real.extend(range(base, base + len(s)))
            ids.append(eos)
            ids.append(eos)
        if not real:
            return np.zeros((0, len(self.labels))), []
        p = np.asarray(ids)
        r = np.asarray(real)
        table = self._table
        e = self._bias + table[p[r - 2], 0] + table[p[r - 1], 1] + table[p[r], 2] + table[p[r + 1], 3] \
            + table[p[r + 2], 4]
        if self.net is not None:
            self._flush()
            nt = self._ntable
            pre = nt[p[r - 2], 0] + nt[p[r - 1], 1] + nt[p[r], 2] + nt[p[r + 1], 3] + nt[p[r + 2], 4]
            e = e + self.net.scores(pre)
        return e, starts

    def spans(self, text: str) -> list[Span]:
        """Entity spans of ``text`` (sentences split at . ! ? ؟ and line breaks; the text is one document
        for :func:`propagate`)."""
        findall = TOKEN_RE.findall
        words: list[str] = []
        sentences: list[list[str]] = []
        for line in text.split("\n"):
            toks: list[str] = findall(line)
            words.extend(toks)
            a = 0
            for k, w in enumerate(toks):
                if w in _SENTENCE_END:
                    sentences.append(toks[a : k + 1])
                    a = k + 1
            if a < len(toks):
                sentences.append(toks[a:])
        labels = propagate(words, self._labels(sentences))
        found = sorted(spans(labels))  # token ranges
        if not found:
            return []
        # character offsets, walking the text token by token up to the last entity
        offsets: list[int] = []
        pos = 0
        for w in words[: found[-1][1]]:
            pos = text.find(w, pos)
            offsets.append(pos)
            pos += len(w)
        return [Span(offsets[a], offsets[b - 1] + len(words[b - 1]), t) for a, b, t in found]


def load_weights(path: Path) -> tuple[list[str], dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """Read a ``model.tsv`` written by ``worker.extract.ner.train.dump``."""
    labels: list[str] = []
    trans: dict[tuple[str, str], float] = {}
    state: dict[tuple[str, str], float] = {}
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line:
            continue
        if line.startswith("# labels\t"):
            labels = line.split("\t", 1)[1].split()
            continue
        if line.startswith("#"):
            continue
        kind, a, b, w = line.split("\t")
        (trans if kind == "T" else state)[(a, b)] = float(w)
    if "O" not in labels:
        raise ValueError(f"{path}: not a tagger model (no label line with O)")
    return labels, trans, state
