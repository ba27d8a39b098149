"""Drop repeated paragraphs and repeated sentence blocks inside one article.

Sites paste a paragraph block twice, or glue the lead onto the first paragraph. Repeats would be
counted twice by extraction and distort fingerprints, so we keep the first copy and drop later ones.
Comparison is on the matching form (no diacritics, folded letters), word by word, so a copy with
a changed word or different punctuation still counts as a repeat.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from worker.text.normalize import match_words, normalize, strip_punctuation

__all__ = ["DedupResult", "dedup_paragraphs", "sentences", "split_glued", "words"]

SIMILARITY = 0.9
MIN_WORDS_NEAR = 6   # shorter units must repeat exactly (after normalisation) to count as a copy
MIN_BLOCK_WORDS = 8  # a repeated run of sentences inside a kept paragraph is dropped from this size

# "...وحماة.وأدى": sentence end glued to the next paragraph's first Arabic letter.
_GLUED = re.compile(r"(?<=[^\d\s][.!؟?])(?=[\u0621-\u064A])")
_SENTENCE = re.compile(r"[^.!؟?]*(?:[.!؟?]+[»\"”')\]]*|$)")


@dataclass(frozen=True)
class DedupResult:
    text: str
    removed: int  # paragraphs dropped + sentence blocks dropped inside kept paragraphs


def words(text: str) -> list[str]:
    """Words of the matching form (punctuation dropped)."""
    return match_words(normalize(text))


def split_glued(text: str) -> str:
    """Put a line break where a sentence end is glued to the next paragraph without a space."""
    # Cheap pre-check with str.find (C) before the regex with look-behind scans the whole text.
    for stop in ".!؟?":
        i = text.find(stop)
        while i != -1:
            if i + 1 < len(text) and "\u0621" <= text[i + 1] <= "\u064a":
                return _GLUED.sub("\n", text)
            i = text.find(stop, i + 1)
    return text


def sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph, each with its final punctuation, stripped."""
    return [s.strip() for s in _SENTENCE.findall(paragraph) if s.strip()]


def _dice(a: Counter[str], b: Counter[str]) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2.0 * sum((a & b).values()) / total if total else 1.0


class _Seen:
    """Units kept so far, looked up by exact matching form first, then by word-bag similarity.

    The word-bag (multiset Dice) test only runs on units that pass two cheap necessary conditions:
    a length within the ratio Dice ≥ 0.9 allows (units are grouped by length), and enough distinct
    words in common (a C-level set intersection).
    """

    _RATIO = SIMILARITY / (2 - SIMILARITY)  # Dice ≥ s ⇒ min/max length ≥ s / (2 - s)

    def __init__(self) -> None:
        self.exact: set[str] = set()
        self.by_len: dict[int, list[tuple[frozenset[str], list[str]]]] = {}
        self.vocabulary: set[str] = set()  # every word of every unit kept so far

    def contains(self, ws: list[str]) -> bool:
        if not ws:
            return False
        key = " ".join(ws)
        if key in self.exact:
            return True
        n = len(ws)
        if n < MIN_WORDS_NEAR or not self.by_len:
            return False
        distinct = frozenset(ws)
        need = SIMILARITY * len(distinct) - (1 - SIMILARITY) * n  # loose bound on shared distinct words
        if len(distinct & self.vocabulary) < need:  # most new sentences stop here, in one C-level op
            return False
        bag: Counter[str] | None = None
        for m in range(max(MIN_WORDS_NEAR, math.ceil(n * self._RATIO)), math.floor(n / self._RATIO) + 1):
            for other_set, other in self.by_len.get(m, ()):
                if len(distinct & other_set) < need:
                    continue
                bag = bag or Counter(ws)
                if _dice(bag, Counter(other)) >= SIMILARITY:
                    return True
        return False

    def add(self, ws: list[str]) -> None:
        if ws:
            self.exact.add(" ".join(ws))
            if len(ws) >= MIN_WORDS_NEAR:
                distinct = frozenset(ws)
                self.by_len.setdefault(len(ws), []).append((distinct, ws))
                self.vocabulary |= distinct


_TERMINATORS = re.compile(r"[.!؟?]+")


def _sentence_words(norm_par: str) -> list[list[str]]:
    """Words of each sentence of a matching-form paragraph whose punctuation, bar the stops, is gone."""
    out = []
    for seg in _TERMINATORS.split(norm_par):
        ws = seg.split()
        if ws:
            out.append(ws)
    return out


def dedup_paragraphs(text: str) -> DedupResult:
    """Keep the first copy of every paragraph and sentence block; report how many units were dropped."""
    paragraphs = [p.strip() for p in split_glued(text).split("\n") if p.strip()]
    # Normalise once for the whole text; normalisation keeps line breaks, so paragraphs align.
    norm_pars = strip_punctuation(normalize("\n".join(paragraphs)), keep_stops=True).split("\n")
    if len(norm_pars) != len(paragraphs):  # pragma: no cover - only if NFKC ever produced a line break
        norm_pars = [strip_punctuation(normalize(p), keep_stops=True) for p in paragraphs]
    seen_par, seen_sent = _Seen(), _Seen()
    kept: list[str] = []
    removed = 0
    for par, norm in zip(paragraphs, norm_pars, strict=True):
        sw = _sentence_words(norm)
        dup: list[bool] = []
        for w in sw:  # sequential, so a block repeated inside this same paragraph is found too
            dup.append(seen_sent.contains(w))
            seen_sent.add(w)
        whole_copy = bool(sw) and any(dup) and all(dup)
        if len(sw) > 1:  # a one-sentence paragraph was just checked as a sentence
            pw = [w for ws in sw for w in ws]
            whole_copy = whole_copy or seen_par.contains(pw)
            if not whole_copy:
                seen_par.add(pw)
        if whole_copy:
            removed += 1
            continue
        if not any(dup):
            kept.append(par)
            continue
        sents = sentences(par)
        if len(sents) != len(sw):  # the display split disagrees (odd punctuation): keep the paragraph whole
            kept.append(par)
            continue
        out: list[str] = []
        i = 0
        while i < len(sents):
            if not dup[i]:
                out.append(sents[i])
                i += 1
                continue
            j = i
            while j < len(sents) and dup[j]:
                j += 1
            run_words = sum(len(w) for w in sw[i:j])
            if run_words >= MIN_BLOCK_WORDS:
                removed += 1
            else:
                out.extend(sents[i:j])
            i = j
        kept.append(" ".join(out))
    return DedupResult("\n".join(p for p in kept if p), removed)
