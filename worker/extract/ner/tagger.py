"""The entity tagger at run time: a linear-chain CRF decoded without CRFsuite (pure after loading).

Because every feature describes one word at one offset (``worker.extract.ner.features``), a
token's label scores are the sum of five per-word vectors; each word type's vectors are computed
once per process and kept in a table, so a text costs a dictionary look-up per token, five numpy
gathers and Viterbi over the few tokens that could be inside an entity. A token whose O score
beats every other label by more than any pair of transitions could make up is O on the best path
(exactly, not approximately), so Viterbi runs only on the stretches between such tokens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from worker.extract.ner.features import (
    BOS,
    EOS,
    MAX_FEATURE_CHARS,
    TOKEN_RE,
    Resources,
    edge_features,
    word_features,
)

MAX_TYPES = 200_000  # cached word types before the cache starts afresh (bounded memory)
_SENTENCE_END = frozenset(".!?؟\n")


@dataclass(frozen=True)
class Span:
    start: int  # character offsets in the text given to :meth:`Tagger.spans`
    end: int
    type: str  # PER | ORG | LOC | MISC


class Tagger:
    """Label scores per word type, cached; Viterbi between the certain-O tokens."""

    def __init__(self, labels: list[str], transitions: dict[tuple[str, str], float],
                 state: dict[tuple[str, str], float], res: Resources) -> None:
        self.labels = labels
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
        self.res = res
        t = self.trans
        # largest gain a non-O label can draw from its incoming and outgoing transitions
        d_in = (t - t[:, [self.o]]).max(axis=0)
        d_out = (t - t[[self.o], :]).max(axis=1)
        self._slack = d_in + d_out
        self._slack[self.o] = -np.inf
        self._reset()

    def _reset(self) -> None:
        self._row: dict[str, int] = {}
        self._table = np.zeros((1024, 5, len(self.labels)))
        self._n = 0
        self._bos = self._add(edge_features(BOS))
        self._eos = self._add(edge_features(EOS))

    def _vec(self, attrs: Iterable[str]) -> np.ndarray:
        idx = [i for a in attrs if (i := self._attr.get(a)) is not None]
        return self._w[idx].sum(axis=0) if idx else np.zeros(len(self.labels))

    def _add(self, feats: tuple[list[str], ...]) -> int:
        if self._n == len(self._table):
            self._table = np.concatenate([self._table, np.zeros_like(self._table)])
        r = self._n
        for k in range(5):
            self._table[r, k] = self._vec(feats[k])
        self._n += 1
        return r

    def _id(self, token: str) -> int:
        key = token[:MAX_FEATURE_CHARS]
        r = self._row.get(key)
        if r is None:
            if self._n >= MAX_TYPES:
                self._reset()
            r = self._row[key] = self._add(word_features(key, self.res))
        return r

    def tag_tokens(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO labels for pre-tokenized sentences (what ``bench/ner.py`` scores)."""
        flat = self._decode(sentences)
        out: list[list[str]] = []
        i = 0
        for s in sentences:
            out.append([self.labels[y] for y in flat[i : i + len(s)]])
            i += len(s)
        return out

    def _decode(self, sentences: list[list[str]]) -> list[int]:
        ids: list[int] = []
        real: list[int] = []
        starts: list[int] = []  # index (in real tokens) where each sentence starts
        bos, eos = self._bos, self._eos
        get = self._id
        for s in sentences:
            starts.append(len(real))
            ids.append(bos)
            ids.append(bos)
            base = len(ids)
            ids.extend(get(w) for w in s)
            real.extend(range(base, base + len(s)))
            ids.append(eos)
            ids.append(eos)
        if not real:
            return []
        p = np.asarray(ids)
        r = np.asarray(real)
        table = self._table
        e = self._bias + table[p[r - 2], 0] + table[p[r - 1], 1] + table[p[r], 2] + table[p[r + 1], 3] \
            + table[p[r + 2], 4]
        margin = (e[:, [self.o]] - e - self._slack).min(axis=1)
        unsure = np.flatnonzero(margin <= 0)
        out = [self.o] * len(real)
        if len(unsure) == 0:
            return out
        sent_start = set(starts)
        sent_end = {s - 1 for s in starts[1:]} | {len(real) - 1}
        run: list[int] = []
        for i in unsure.tolist():
            if run and (i != run[-1] + 1 or i in sent_start):
                self._viterbi(run, e, out, sent_start, sent_end)
                run = []
            run.append(i)
        self._viterbi(run, e, out, sent_start, sent_end)
        return out

    def _viterbi(self, run: list[int], e: np.ndarray, out: list[int], sent_start: set[int],
                 sent_end: set[int]) -> None:
        """Best labels for consecutive tokens ``run``; a neighbour outside it is O (or a sentence edge)."""
        t = self.trans
        o = self.o
        rows = e[run]
        score = rows[0].copy()
        if run[0] not in sent_start:
            score += t[o]
        back: list[np.ndarray] = []
        for k in range(1, len(run)):
            cand = score[:, None] + t
            best = cand.argmax(axis=0)
            back.append(best)
            score = cand.max(axis=0) + rows[k]
        if run[-1] not in sent_end:
            score = score + t[:, o]
        y = int(score.argmax())
        path = [y]
        for b in reversed(back):
            y = int(b[y])
            path.append(y)
        path.reverse()
        for i, y in zip(run, path, strict=True):
            out[i] = y

    def spans(self, text: str) -> list[Span]:
        """Entity spans of ``text`` (sentences split at . ! ? ؟ and line breaks)."""
        toks: list[tuple[int, int]] = []
        sentences: list[list[str]] = []
        cur: list[str] = []
        for m in TOKEN_RE.finditer(text):
            w = m.group()
            toks.append((m.start(), m.end()))
            cur.append(w)
            if w in _SENTENCE_END or (m.end() < len(text) and text[m.end()] == "\n"):
                sentences.append(cur)
                cur = []
        if cur:
            sentences.append(cur)
        labels = self._decode(sentences)
        out: list[Span] = []
        names = self.labels
        start, typ = -1, ""
        for i, y in enumerate([*labels, self.o]):
            lab = names[y]
            kind = lab[2:]
            if typ and (y == self.o or lab.startswith("B-") or kind != typ):
                out.append(Span(toks[start][0], toks[i - 1][1], typ))
                typ = ""
            if y != self.o and not typ:
                start, typ = i, kind
        return out


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
