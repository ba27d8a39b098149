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
    add_own_ids,
    edge_features,
    word_features,
)
from worker.extract.ner.recurrent import RecurrentNet
from worker.extract.ner.spans import refine
from worker.extract.ner.viterbi import viterbi
from worker.extract.ner.window import EDGE_FEATURES, MAX_FEATURES, UNKNOWN, WindowNet

_BLOCK = 256  # new words summed together (bounds the gathered array to a few MB)
MAX_TYPES = 50_000  # cached word types before the least used half is dropped (≤ 18 MB of scores)
MAX_TYPES_NET = 20_000  # the same with networks (window 5 × 128 float32, 51 MB; the scan's 4H int16 beside it)
MAX_CACHE_BYTES = 96_000_000  # networks' cached rows: wider networks keep fewer types
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
                 net: WindowNet | None = None, rnn: RecurrentNet | None = None) -> None:
        if net is not None and net.labels != labels:
            raise ValueError(f"window network labels {net.labels} differ from the CRF's {labels}")
        if rnn is not None and rnn.labels != labels:
            raise ValueError(f"recurrent network labels {rnn.labels} differ from the CRF's {labels}")
        self.labels = labels
        self.net = net
        self.rnn = rnn
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
        self._own_index(attrs)
        self.res = res
        # with networks: 20,000 types, fewer when their rows would pass MAX_CACHE_BYTES
        size = (net.width * net.hidden * 4 if net else 0) + (rnn.width * np.dtype(rnn.cache_dtype).itemsize if rnn else 0)
        self.max_types = max_types if not size else min(max_types, MAX_TYPES_NET, MAX_CACHE_BYTES // size)
        self._pads = 2 if net is None else max(2, net.half)  # sentence-edge rows before and after each sentence
        self._t = self.trans.tolist()
        self._reset()

    def _own_index(self, attrs: list[str]) -> None:
        """One look-up per feature of a word's own list for all five offsets and the network: feature
        ``f`` is CRF attribute ``-2f``, ``-1f``, ``f``, ``+1f``, ``+2f`` (row of ``_wz``, 0 when the
        model has none) and network feature ``_net_of[j]`` (-1 when none). A neighbour's features are
        a subset of its own list in the same order (``word_features``), so the sums are the same."""
        index: dict[str, int] = {"": 0}  # entry 0: nothing, heads every word's run (no run is empty)
        rows: list[list[int]] = [[0, 0, 0, 0, 0, -1, -1]]
        offsets = {"-2": 0, "-1": 1, "+1": 3, "+2": 4}
        net = self.net._feat if self.net is not None else {}
        rnn = self.rnn._feat if self.rnn is not None else {}
        for f in [*attrs, *net, *rnn]:
            k = offsets.get(f[:2], 2)
            base = f[2:] if k != 2 else f
            j = index.setdefault(base, len(rows))
            if j == len(rows):
                rows.append([0, 0, 0, 0, 0, -1, -1])
        for a in attrs:
            k = offsets.get(a[:2], 2)
            rows[index[a[2:] if k != 2 else a]][k] = self._attr1[a]
        for f, i in net.items():
            if f[:2] not in offsets:
                rows[index[f]][5] = i
        for f, i in rnn.items():
            if f[:2] not in offsets:
                rows[index[f]][6] = i
        table = np.array(rows, dtype=np.int64)
        self._own = index
        self._crf_of = table[:, :5]
        self._net_of = table[:, 5]
        self._rnn_of = table[:, 6]

    def _reset(self) -> None:
        self._row: dict[str, int] = {}
        # Sized for the cap at once: the zeros are untouched pages until rows are written, and growing
        # by copies cost a replay's pool child ~0.2 s of CPU.
        size = max(self.max_types, 1024)
        self._table = np.zeros((size, 5, len(self.labels)))
        self._ntable = np.zeros((size, self.net.width, self.net.hidden) if self.net else (size, 5, 0), dtype=np.float32)
        self._hits = np.zeros(size, dtype=np.int64)  # tokens per row since it was added (halved at each eviction)
        self._n = 0
        self._pending: list[int] = []  # new rows whose network vectors are not computed yet
        self._pending_reps: list[np.ndarray] = []  # their summed feature embeddings, in order
        self._rtable = np.zeros((size, self.rnn.width if self.rnn else 0),
                                dtype=self.rnn.cache_dtype if self.rnn else np.float32)
        self._pending_rreps: list[np.ndarray] = []  # the same for the recurrent network
        self._bos = self._add(edge_features(BOS), EDGE_FEATURES[BOS])
        self._eos = self._add(edge_features(EOS), EDGE_FEATURES[EOS])
        self._flush()

    def _vec(self, attrs: Iterable[str]) -> np.ndarray:
        idx = [i for a in attrs if (i := self._attr.get(a)) is not None]
        return self._w[idx].sum(axis=0) if idx else np.zeros(len(self.labels))

    def _grow(self, rows: int) -> None:
        """Room for ``rows`` rows (past the cap only when one text needs more)."""
        size = len(self._table)
        if rows <= size:
            return
        new = max(rows, 2 * size)
        self._table = np.concatenate([self._table, np.zeros((new - size, *self._table.shape[1:]))])
        self._ntable = np.concatenate([self._ntable, np.zeros((new - size, *self._ntable.shape[1:]), np.float32)])
        self._rtable = np.concatenate([self._rtable, np.zeros((new - size, *self._rtable.shape[1:]), self._rtable.dtype)])
        self._hits = np.concatenate([self._hits, np.zeros(new - size, np.int64)])

    def _evict(self) -> None:
        """Keep the most used half of the cached words (hit counts halved, so a word must keep being
        used to stay): news repeats its common words, which starting afresh rebuilt again and again.
        Kept rows are moved, never recomputed, so a word's scores stay the same bits."""
        self._flush()
        words = np.arange(2, self._n)  # rows 0 and 1 are the sentence edges, always kept
        order = words[np.lexsort((-words, -self._hits[2 : self._n]))][: self.max_types // 2]  # ties: newest first
        keep = np.concatenate([[self._bos, self._eos], np.sort(order)])
        new_of = np.full(self._n, -1)
        new_of[keep] = np.arange(len(keep))
        moved = new_of.tolist()
        self._row = {w: m for w, r in self._row.items() if (m := moved[r]) != -1}
        self._table[: len(keep)] = self._table[keep]
        self._ntable[: len(keep)] = self._ntable[keep]
        self._rtable[: len(keep)] = self._rtable[keep]
        self._hits[: len(keep)] = self._hits[keep] // 2
        self._hits[len(keep) :] = 0
        self._n = len(keep)

    def _add(self, feats: tuple[list[str], ...], own: list[str]) -> int:
        self._grow(self._n + 1)
        r = self._n
        for k in range(5):
            self._table[r, k] = self._vec(feats[k])
        if self.net is not None or self.rnn is not None:
            self._pending.append(r)
        if self.net is not None:
            self._pending_reps.append(self.net.reps([own]))
        if self.rnn is not None:
            self._pending_rreps.append(self.rnn.reps([own]))
        self._n += 1
        return r

    def _add_words(self, words: Iterable[str]) -> None:
        """Table rows for the words not in it yet, a block of words at a time: one look-up per own
        feature (:meth:`_own_index`), then the same padded gather-and-sum as before per offset, so
        each row equals :meth:`_add`'s bit for bit (tested); network vectors wait for :meth:`_flush`."""
        row = self._row
        keys = [k for k in dict.fromkeys(w[:MAX_FEATURE_CHARS] for w in words) if k not in row]
        self._grow(self._n + len(keys))
        own = self._own
        res = self.res
        for a in range(0, len(keys), _BLOCK):
            block = keys[a : a + _BLOCK]
            flat: list[int] = []
            starts: list[int] = []
            forms: list[str | None] = []  # matching forms (the first own feature is "w=")
            for key in block:
                starts.append(len(flat))
                flat.append(0)
                forms.append(add_own_ids(key, res, own, flat))
            idx = np.asarray(flat)
            st = np.asarray(starts)
            self._table[self._n : self._n + len(block)] = self._crf_rows(idx, st)
            if self.net is not None or self.rnn is not None:
                self._pending.extend(range(self._n, self._n + len(block)))
            if self.net is not None:
                self._pending_reps.append(self.net.with_chars(self._reps(self.net, self._net_of, idx, st), forms))
            if self.rnn is not None:
                self._pending_rreps.append(self._reps(self.rnn, self._rnn_of, idx, st))
            for r, key in enumerate(block, self._n):
                row[key] = r
            self._n += len(block)

    def _crf_rows(self, idx: np.ndarray, st: np.ndarray) -> np.ndarray:
        """A block's CRF rows (words × 5 × labels) from their own-feature entries: each word's attribute
        rows at each offset, in order, padded with the zero row to one width and summed in one call."""
        crf = self._crf_of[idx]
        mask = crf > 0
        lengths = np.diff(st, append=len(idx))
        cs = np.cumsum(mask, axis=0)
        rank = cs - np.repeat(cs[st] - mask[st], lengths, axis=0)  # 1-based place within its segment
        counts = np.add.reduceat(mask, st, axis=0)
        width = max(int(counts.max(initial=0)), 1)
        picked = np.zeros((len(st), 5, width), dtype=np.int64)
        fi, fk = np.nonzero(mask)
        picked[np.repeat(np.arange(len(st)), lengths)[fi], fk, rank[fi, fk] - 1] = crf[fi, fk]
        sums = self._wz[picked.reshape(-1, width)].sum(axis=1)
        return sums.reshape(len(st), 5, len(self.labels))

    @staticmethod
    def _reps(net: WindowNet | RecurrentNet, column: np.ndarray, idx: np.ndarray, st: np.ndarray) -> np.ndarray:
        """A network's summed embeddings of a block's words from their own-feature entries (as
        ``reps``: the first ``MAX_FEATURES`` known features, else ``UNKNOWN``; both networks read the
        same limits)."""
        nid = column[idx]
        known = nid >= 0
        cs = np.cumsum(known)
        lengths = np.diff(st, append=len(idx))
        rank = cs - np.repeat(cs[st], lengths)  # known features so far within the word (its head is never known)
        keep = known & (rank <= MAX_FEATURES)
        count = np.minimum(np.add.reduceat(known, st), MAX_FEATURES)
        none = st[count == 0]
        nid[none] = net._feat[UNKNOWN]
        keep[none] = True
        count[count == 0] = 1
        return net.word_vectors(nid[keep], np.concatenate([[0], np.cumsum(count)[:-1]]))

    def _flush(self) -> None:
        """The network vectors of the rows added since the last call, in one batch."""
        if self._pending:
            if self.net is not None:
                self._ntable[self._pending] = self.net.project(np.concatenate(self._pending_reps))
            if self.rnn is not None:
                self._rtable[self._pending] = self.rnn.cache_rows(np.concatenate(self._pending_rreps))
            self._pending = []
            self._pending_reps = []
            self._pending_rreps = []

    def _id(self, token: str) -> int:
        key = token[:MAX_FEATURE_CHARS]
        r = self._row.get(key)
        if r is None:
            feats = word_features(key, self.res)
            r = self._row[key] = self._add(feats, feats[2])
        return r

    def tag_tokens(self, sentences: list[list[str]], document: bool = False) -> list[list[str]]:
        """BIO labels for pre-tokenized sentences (what ``bench/ner.py`` scores); ``document``: the
        sentences are one text, whose spans repeat at their other mentions (:func:`propagate`) and are
        corrected as a text's spans (:func:`refine`)."""
        flat = self._labels(sentences)
        if document:
            words = [w for s in sentences for w in s]
            flat = refine(words, propagate(words, flat))
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
        need = sum(map(len, sentences))
        if self._n + need > self.max_types:  # between texts only: the ids gathered below index the current table
            self._evict()
            if self._n + need > self.max_types:
                self._reset()
        row = self._row
        self._add_words([w for s in sentences for w in s if w not in row])
        ids: list[int] = []
        real: list[int] = []
        starts: list[int] = []  # index (in real tokens) where each sentence starts
        bos, eos = [self._bos] * self._pads, [self._eos] * self._pads
        for s in sentences:
            starts.append(len(real))
            ids.extend(bos)
            base = len(ids)
            row = self._row
            found = [row.get(w, -1) for w in s]
            if -1 in found:
                found = [r if r != -1 else self._id(w) for r, w in zip(found, s, strict=True)]
            ids.extend(found)
            real.extend(range(base, base + len(s)))
            ids.extend(eos)
        if not real:
            return np.zeros((0, len(self.labels))), []
        p = np.asarray(ids)
        r = np.asarray(real)
        counts = np.bincount(p)
        self._hits[: len(counts)] += counts
        table = self._table
        e = self._bias + table[p[r - 2], 0] + table[p[r - 1], 1] + table[p[r], 2] + table[p[r + 1], 3] \
            + table[p[r + 2], 4]
        if self.net is not None:
            self._flush()
            nt = self._ntable
            half = self.net.half
            pre = nt[p[r - half], 0]
            for k in range(1, self.net.width):
                pre = pre + nt[p[r + k - half], k]
            e = e + self.net.logits(pre)
        if self.rnn is not None:
            self._flush()
            e = e + self.rnn.scores_rows(self._rtable, p[r], list(map(len, sentences)))
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
        labels = refine(words, propagate(words, self._labels(sentences)))
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
