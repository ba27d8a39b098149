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
from itertools import chain
from typing import Final

from worker.text.normalize import match_words, normalize, strip_punctuation

__all__ = ["DedupResult", "dedup_matching", "dedup_normalized", "dedup_paragraphs", "sentences", "split_glued",
           "words"]

SIMILARITY: Final = 0.9
MIN_WORDS_NEAR: Final = 6   # shorter units must repeat exactly (after normalisation) to count as a copy
MIN_BLOCK_WORDS: Final = 8  # a repeated run of sentences inside a kept paragraph is dropped from this size

# "...وحماة.وأدى": sentence end glued to the next paragraph's first Arabic letter.
_GLUED = re.compile(r"(?<=[^\d\s][.!؟?])(?=[\u0621-\u064A])")
# "إن.تي.في", "أ.ف.ب": dots between parts of at most this many letters are an abbreviation's.
_ABBREV_PART: Final = 3


def is_abbreviation_dot(text: str, i: int) -> bool:
    """Whether the "." at ``i`` joins two short letter groups ("إن.تي.في"), not two sentences."""
    if text[i] != "." or i == 0:
        return False
    a = i
    while a > 0 and text[a - 1].isalpha():
        a -= 1
    b = i + 1
    while b < len(text) and text[b].isalpha():
        b += 1
    return 0 < i - a <= _ABBREV_PART and 0 < b - i - 1 <= _ABBREV_PART


def _glued_break(m: re.Match[str]) -> str:
    return "" if is_abbreviation_dot(m.string, m.start() - 1) else "\n"
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
                return _GLUED.sub(_glued_break, text)
            i = text.find(stop, i + 1)
    return text


def sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph, each with its final punctuation, stripped."""
    return [s.strip() for s in _SENTENCE.findall(paragraph) if s.strip()]


def _dice(a: Counter[str], b: Counter[str]) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2.0 * sum((a & b).values()) / total if total else 1.0


_RATIO: Final = SIMILARITY / (2 - SIMILARITY)  # Dice ≥ s ⇒ min/max length ≥ s / (2 - s)


class _Seen:
    """Units kept so far, looked up by exact matching form first, then by word-bag similarity.

    The word-bag (multiset Dice) test only runs on units that pass two cheap necessary conditions:
    a length within the ratio Dice ≥ 0.9 allows (units are grouped by length), and enough distinct
    words in common (a C-level set intersection).
    """

    def __init__(self) -> None:
        self.exact: set[str] = set()
        self.by_len: dict[int, list[tuple[frozenset[str], list[str]]]] = {}
        self.vocabulary: set[str] = set()  # every word of every unit kept so far

    def _scan(self, ws: list[str], n: int, distinct: frozenset[str], need: float) -> bool:
        bag: Counter[str] | None = None
        for m in range(max(MIN_WORDS_NEAR, math.ceil(n * _RATIO)), math.floor(n / _RATIO) + 1):
            for other_set, other in self.by_len.get(m, ()):
                if len(distinct & other_set) < need:
                    continue
                bag = bag or Counter(ws)
                if _dice(bag, Counter(other)) >= SIMILARITY:
                    return True
        return False

    def check(self, ws: list[str], add_when_near: bool) -> bool:
        """Whether ``ws`` copies a unit seen so far (exactly, or by word bag when it has at least
        MIN_WORDS_NEAR words); it is remembered unless it was a copy (a near copy is remembered
        when asked). An exact copy is never added again: a second entry would change no answer.
        """
        if not ws:
            return False
        key = " ".join(ws)
        exact = self.exact
        if key in exact:
            return True
        n = len(ws)
        if n < MIN_WORDS_NEAR:
            exact.add(key)
            return False
        distinct = frozenset(ws)
        # Most new sentences share too few words with everything seen: one C-level set intersection.
        need = SIMILARITY * len(distinct) - (1 - SIMILARITY) * n
        found = (bool(self.by_len) and len(distinct & self.vocabulary) >= need
                 and self._scan(ws, n, distinct, need))
        if not found or add_when_near:
            exact.add(key)
            self.by_len.setdefault(n, []).append((distinct, ws))
            self.vocabulary |= distinct
        return found


_TERMINATORS = re.compile(r"[.!؟?]+")


def _sentence_words(norm_par: str) -> list[list[str]]:
    """Words of each sentence of a matching-form paragraph whose punctuation, bar the stops, is gone."""
    out = []
    for seg in _TERMINATORS.split(norm_par):
        ws = seg.split()
        if ws:
            out.append(ws)
    return out


_SEP: Final = "\x00"  # never in a punctuation-stripped text (it is not a word character)


def _all_sentence_words(norm_pars: list[str]) -> list[list[list[str]]]:
    """``_sentence_words`` of every paragraph: stops become one separator in a few C-level
    str.replace calls over the whole text, instead of a regex split per paragraph (~4x faster)."""
    joined = "\n".join(norm_pars)
    if _SEP in joined:  # pragma: no cover - strip_punctuation removes it
        return [_sentence_words(p) for p in norm_pars]
    for stop in ".!?؟":
        if stop in joined:
            joined = joined.replace(stop, _SEP)
    split_pars = joined.split("\n")
    if len(split_pars) != len(norm_pars):  # pragma: no cover - a paragraph held a line break
        return [_sentence_words(p) for p in norm_pars]
    return [[ws for seg in par.split(_SEP) if (ws := seg.split())] for par in split_pars]


def dedup_paragraphs(text: str) -> DedupResult:
    """Keep the first copy of every paragraph and sentence block; report how many units were dropped."""
    paragraphs = [p.strip() for p in split_glued(text).split("\n") if p.strip()]
    # Normalise once for the whole text; normalisation keeps line breaks, so paragraphs align.
    norm_pars = strip_punctuation(normalize("\n".join(paragraphs)), keep_stops=True).split("\n")
    if len(norm_pars) != len(paragraphs):  # pragma: no cover - only if NFKC ever produced a line break
        norm_pars = [strip_punctuation(normalize(p), keep_stops=True) for p in paragraphs]
    kept, _, removed = _dedup(paragraphs, _all_sentence_words(norm_pars))
    return DedupResult("\n".join(kept), removed)


def dedup_normalized(paragraphs: list[str], normalized: list[str]) -> DedupResult:
    """``dedup_paragraphs("\n".join(paragraphs))`` for a caller that already has the matching forms.

    ``paragraphs`` must be what ``dedup_paragraphs`` would split: non-empty, stripped, no glued
    sentence ends left (``split_glued`` output); ``normalized[i]`` is ``normalize(paragraphs[i])``.
    Saves normalising the article a second time in ``clean_article``.
    """
    return dedup_matching(paragraphs, normalized)[0]


def dedup_matching(paragraphs: list[str], normalized: list[str]) -> tuple[DedupResult, str, list[str]]:
    """``dedup_normalized``, plus ``normalize`` and ``match_words`` of its text.

    Both come from the forms the dedup already has (a paragraph kept whole keeps its matching form,
    and its words are its sentences' words), so fingerprinting the clean text need not normalise
    it again.
    """
    norm_pars = strip_punctuation("\n".join(normalized), keep_stops=True).split("\n")
    if len(norm_pars) != len(paragraphs):  # pragma: no cover - only if NFKC ever produced a line break
        norm_pars = [strip_punctuation(m, keep_stops=True) for m in normalized]
    sentence_words = _all_sentence_words(norm_pars)
    kept, origins, removed = _dedup(paragraphs, sentence_words)
    matching: list[str] = []
    all_words: list[str] = []
    for par, i in zip(kept, origins, strict=True):
        if i is None:  # sentences were cut out of it: normalise what is left
            m = normalize(par)
            matching.append(m)
            all_words += match_words(m)
        else:
            matching.append(normalized[i])
            for ws in sentence_words[i]:
                all_words += ws
    return DedupResult("\n".join(kept), removed), "\n".join(matching), all_words


# Dice >= SIMILARITY with a unit of m >= n * _RATIO words needs SIMILARITY / 2 * (n + m) shared words.
_MIN_SHARED_SHARE: Final = SIMILARITY / 2 * (1 + _RATIO)


def _once(ws: list[str], repeated: set[str]) -> int:
    """How many words of ``ws`` occur only once in the whole article (every word of ``ws`` is an
    article word, so those not ``repeated``; each is in ``ws`` at most once)."""
    once = 0
    for w in ws:
        if w not in repeated:
            once += 1
    return once


def _unrepeatable(n: int, once: int) -> bool:
    """True when a unit of ``n`` words, ``once`` of which occur only once in the whole article, can
    neither copy an earlier unit nor be copied by a later one, so it need not be checked or kept.

    A word found once is shared with no other unit. An exact copy shares every word; a near copy
    (Dice >= SIMILARITY, the other unit within the length ratio that allows) shares at least
    ``_MIN_SHARED_SHARE * n`` of them, in either direction. One word of slack covers rounding. Most
    sentences of an article without repeats stop here, at the cost of one set lookup per word.
    """
    if not once:
        return False
    return n < MIN_WORDS_NEAR or n - once < _MIN_SHARED_SHARE * n - 1


def _repeated_words(sentence_words: list[list[list[str]]]) -> set[str]:
    """Words that occur more than once in the article (two set lookups per word: compiled, ~3x
    cheaper than a Counter, whose Python-level update dominates at ~300 words). Every other word of
    the article occurs once; no set of those is built."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for par in sentence_words:
        for ws in par:
            for w in ws:
                if w in seen:
                    repeated.add(w)
                else:
                    seen.add(w)
    return repeated


def _dedup(paragraphs: list[str], sentence_words: list[list[list[str]]]) -> tuple[list[str], list[int | None], int]:
    """Paragraphs kept (non-empty), the index of each in ``paragraphs`` when kept whole (None when
    sentences were cut out of it), and how many units were dropped."""
    seen_par, seen_sent = _Seen(), _Seen()
    check_sentence = seen_sent.check
    repeated = _repeated_words(sentence_words)
    kept: list[str] = []
    origins: list[int | None] = []
    removed = 0
    for index, (par, sw) in enumerate(zip(paragraphs, sentence_words, strict=True)):
        # Sequential, so a block repeated inside this same paragraph is found too.
        dup: list[bool] = []
        n_par = once_par = 0
        for w in sw:
            once = _once(w, repeated)
            n_par += len(w)
            once_par += once
            dup.append(not _unrepeatable(len(w), once) and check_sentence(w, True))
        whole_copy = bool(sw) and any(dup) and all(dup)
        if len(sw) > 1 and not whole_copy and not _unrepeatable(n_par, once_par):
            # a one-sentence paragraph was just checked as a sentence
            whole_copy = seen_par.check(list(chain.from_iterable(sw)), add_when_near=False)
        if whole_copy:
            removed += 1
            continue
        if not any(dup):
            kept.append(par)
            origins.append(index)
            continue
        sents = sentences(par)
        if len(sents) != len(sw):  # the display split disagrees (odd punctuation): keep the paragraph whole
            kept.append(par)
            origins.append(index)
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
        if out:
            kept.append(" ".join(out))
            origins.append(None)
    return kept, origins, removed
