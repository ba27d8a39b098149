"""Whole-word Arabic phrase matching with one Aho-Corasick pass (pure).

Why this shape: a loop of regexes over hundreds of names costs one scan per name; an
Aho-Corasick automaton scans the text once. Word boundaries are enforced *inside* the
automaton: the text's matching form (``worker.text.normalize``: alef forms أإآٱ→ا, ى→ي,
ة→ه, tashkeel/tatweel removed, Arabic-Indic digits→ASCII, NFKC) gets its punctuation turned
into spaces and is padded with spaces, and every key is stored as
``" " + clitic + phrase + " "``. A key therefore can only hit a whole word, and the Python
side only sees real candidates. Spans go back to the original text through
``Normalized.to_display``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import islice
from typing import Any

import ahocorasick

from worker.text.normalize import Normalized, normalize, normalize_with_offsets

# Separable proclitics written joined to the next word: و ف (conjunctions), ب ل ك (prepositions).
CLITICS: tuple[str, ...] = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
# ل + ال fuse into لل (للجيش = ل + الجيش); these prefixes replace the leading ال of a key.
_LIL: tuple[str, ...] = ("لل", "ولل", "فلل")
# Punctuation seen in news text; each becomes a space in the padded form (str.replace runs in C,
# str.translate with a dict does not). Other non-word characters simply never start or end a match.
_PUNCT = tuple(".,،؛;:!?؟«»\"'`()[]{}<>-‐–—_/\\|\n\r\t…*“”‘’‹›•·+=~^#@%&$\u00a0\u2009\u200a\u202f")
_STOP_CHARS = tuple(c for c in _PUNCT if c not in "\u00a0\u2009\u200a\u202f")
_KEY_SPLIT = re.compile(r"[^\w]+|_")


@dataclass(frozen=True)
class Folded:
    """Text in matching form (``worker.text.normalize``) plus a space-padded copy for whole-word keys."""

    original: str
    norm: Normalized
    padded: str  # " " + matching form with punctuation turned into spaces + " "

    @property
    def text(self) -> str:
        return self.norm.text

    @cached_property
    def stops(self) -> list[int]:
        """Sorted offsets of punctuation/line breaks in the matching form (where names and phrases end).

        Found with str.find per character present: a regex scan costs ~0.1 µs per character here.
        """
        t = self.norm.text
        out: list[int] = []
        for ch in _STOP_CHARS:
            i = t.find(ch)
            while i != -1:
                out.append(i)
                i = t.find(ch, i + 1)
        out.sort()
        return out

    def next_stop(self, pos: int) -> int:
        """First punctuation offset at or after ``pos`` (len(text) when none)."""
        stops = self.stops
        k = bisect_left(stops, pos)
        return stops[k] if k < len(stops) else len(self.norm.text)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Matching-form span → span in the original text (trailing tashkeel stays with its word)."""
        return self.norm.to_display(start, end)


def fold_key(text: str) -> str:
    """Fold a dictionary phrase: same folds as texts, punctuation → space, spaces collapsed."""
    return " ".join(_KEY_SPLIT.sub(" ", normalize(text)).split())


def _spaced(text: str) -> str:
    for ch in _PUNCT:
        if ch in text:
            text = text.replace(ch, " ")
    return text


@lru_cache(maxsize=16)
def fold(text: str) -> Folded:
    """Fold a text for matching; cached so entities, dates and keywords share one pass per article."""
    norm = normalize_with_offsets(text)
    return Folded(text, norm, " " + _spaced(norm.text) + " ")


# One whole-word match: (start, end, clitic, payloads) in matching-form coordinates; the span
# excludes the clitic (except a fused لل). A plain tuple: hits are made by the hundred per article.
Hit = tuple[int, int, str, Any]


class PhraseMatcher:
    """Aho-Corasick over folded phrases; each phrase carries one or more payloads."""

    def __init__(
        self,
        phrases: Iterable[tuple[str, Any]],
        clitics: bool = True,
        digest: Callable[[tuple[Any, ...]], Any] | None = None,
    ) -> None:
        """``digest`` turns the payloads of one key into the value hits carry (default: the tuple)."""
        by_key: dict[str, list[Any]] = {}
        for phrase, payload in phrases:
            key = fold_key(phrase)
            if key:
                by_key.setdefault(key, []).append(payload)
        self._auto = ahocorasick.Automaton()
        for key, payloads in by_key.items():
            frozen = tuple(dict.fromkeys(payloads))  # "إدلب" and "ادلب" fold to one key
            if digest is not None:
                frozen = digest(frozen)
            prefixes: Iterable[str] = CLITICS if clitics else ("",)
            for p in prefixes:
                self._auto.add_word(f" {p}{key} ", (len(key), p, frozen))
            if clitics and key.startswith("ال") and len(key) > 3:
                for p in _LIL:
                    # span keeps the fused لل (it stands for the article), drops only و/ف
                    lead = len(p) - 2
                    self._auto.add_word(f" {p}{key[2:]} ", (len(key), p[:lead], frozen))
        self._auto.make_automaton()
        self.size = len(by_key)

    def hits(self, folded: Folded, limit: int | None = None) -> list[Hit]:
        """Whole-word hits (overlapping allowed) in matching-form coordinates; the first ``limit`` only."""
        if self.size == 0:
            return []
        # padded index end_pad is the trailing space; matching-form index = padded index - 1
        found = self._auto.iter(folded.padded)
        if limit is not None:
            found = islice(found, limit)
        return [(end_pad - 1 - klen, end_pad - 1, clitic, payloads) for end_pad, (klen, clitic, payloads) in found]


def select_longest(hits: list[tuple[int, int, Any]], length: int) -> list[tuple[int, int, Any]]:
    """Non-overlapping subset preferring longer spans, then earlier ones; returned in text order."""
    if not hits:
        return []
    occupied = bytearray(length + 1)
    chosen: list[tuple[int, int, Any]] = []
    for s, e, v in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if occupied.find(1, s, e) == -1:
            occupied[s:e] = b"\x01" * (e - s)
            chosen.append((s, e, v))
    chosen.sort(key=lambda h: h[0])
    return chosen
