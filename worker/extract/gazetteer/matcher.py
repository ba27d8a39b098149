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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, islice
from operator import itemgetter
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
_STOP_RE = re.compile("[" + "".join(re.escape(c) for c in _STOP_CHARS) + "]")


# One whole-word match: (start, end, clitic, payloads) in matching-form coordinates; the span
# excludes the clitic (except a fused لل). A plain tuple: hits are made by the hundred per article.
Hit = tuple[int, int, str, Any]


def char_offsets(text: str, chars: Iterable[str]) -> list[int]:
    """Sorted offsets of every occurrence of any of ``chars`` (single characters) in ``text``.

    One str.find loop per character (C), cheaper than a regex scan (docs/decisions/str-find-scans.md).
    """
    out: list[int] = []
    for ch in chars:
        i = text.find(ch)
        while i != -1:
            out.append(i)
            i = text.find(ch, i + 1)
    out.sort()
    return out


@dataclass(frozen=True)
class Folded:
    """Text in matching form (``worker.text.normalize``) plus a space-padded copy for whole-word keys."""

    original: str
    norm: Normalized
    padded: str  # " " + matching form with punctuation turned into spaces + " "
    # Scan results shared between extractors of one text (see MergedMatcher), by lexicon tag.
    memo: dict[str, list[Hit]] = field(default_factory=dict, compare=False, repr=False)
    # The matching form has the original's offsets (nothing deleted or expanded: most clean news),
    # so spans map back as they are; ~25 spans per article skip Normalized.to_display.
    identity: bool = field(default=False, compare=False, repr=False)
    # ``stops`` once computed: a one-slot holder, as the class is frozen and, compiled (mypyc), has no
    # instance __dict__ for functools.cached_property.
    _stops: list[list[int]] = field(default_factory=list, compare=False, repr=False)

    @property
    def text(self) -> str:
        return self.norm.text

    @property
    def stops(self) -> list[int]:
        """Sorted offsets of punctuation/line breaks in the matching form (where names and phrases end).

        Found with str.find per character present, cheaper than a regex scan.
        """
        if not self._stops:
            self._stops.append(self._find_stops())
        return self._stops[0]

    def _find_stops(self) -> list[int]:
        return char_offsets(self.norm.text, _STOP_CHARS)

    def next_stop(self, pos: int) -> int:
        """First punctuation offset at or after ``pos`` (len(text) when none)."""
        stops = self.stops
        k = bisect_left(stops, pos)
        return stops[k] if k < len(stops) else len(self.norm.text)

    def stop_before(self, pos: int, bound: int) -> int:
        """``min(self.next_stop(pos), bound)``, searching only up to ``bound``: a caller that looks a
        few words ahead need not collect every stop of the text."""
        if self._stops:
            return min(self.next_stop(pos), bound)
        t = self.norm.text
        end = min(bound, len(t))
        m = _STOP_RE.search(t, pos, end)  # a short window: one regex pass beats ~60 str.find calls
        return m.start() if m is not None else end

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Matching-form span → span in the original text (trailing tashkeel stays with its word)."""
        if self.identity and 0 <= start <= end <= len(self.original):
            return start, end  # what to_display gives when no character was deleted or expanded
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
    # ``_identity``: Normalized's own "offsets unchanged" flag (absent → the general path)
    return Folded(text, norm, " " + _spaced(norm.text) + " ", identity=getattr(norm, "_identity", False))


def _words(
    phrases: Iterable[tuple[str, Any]], clitics: bool, digest: Callable[[tuple[Any, ...]], Any] | None
) -> tuple[dict[str, tuple[int, str, Any]], int]:
    """Automaton words → (key length, clitic, payload value) for one lexicon, and its key count.

    A later word overwrites an earlier identical one, as ``Automaton.add_word`` does.
    """
    by_key: dict[str, list[Any]] = {}
    for phrase, payload in phrases:
        key = fold_key(phrase)
        if key:
            by_key.setdefault(key, []).append(payload)
    words: dict[str, tuple[int, str, Any]] = {}
    for key, payloads in by_key.items():
        frozen: Any = tuple(dict.fromkeys(payloads))  # "إدلب" and "ادلب" fold to one key
        if digest is not None:
            frozen = digest(frozen)
        prefixes: Iterable[str] = CLITICS if clitics else ("",)
        for p in prefixes:
            words[f" {p}{key} "] = (len(key), p, frozen)
        if clitics and key.startswith("ال") and len(key) > 3:
            for p in _LIL:
                # span keeps the fused لل (it stands for the article), drops only و/ف
                lead = len(p) - 2
                words[f" {p}{key[2:]} "] = (len(key), p[:lead], frozen)
    return words, len(by_key)


class PhraseMatcher:
    """Aho-Corasick over folded phrases; each phrase carries one or more payloads."""

    def __init__(
        self,
        phrases: Iterable[tuple[str, Any]],
        clitics: bool = True,
        digest: Callable[[tuple[Any, ...]], Any] | None = None,
    ) -> None:
        """``digest`` turns the payloads of one key into the value hits carry (default: the tuple)."""
        words, self.size = _words(phrases, clitics, digest)
        self._auto = ahocorasick.Automaton()
        for word, value in words.items():
            self._auto.add_word(word, value)
        self._auto.make_automaton()

    def hits(self, folded: Folded, limit: int | None = None) -> list[Hit]:
        """Whole-word hits (overlapping allowed) in matching-form coordinates; the first ``limit`` only."""
        if self.size == 0:
            return []
        # padded index end_pad is the trailing space; matching-form index = padded index - 1
        found = self._auto.iter(folded.padded)
        if limit is not None:
            found = islice(found, limit)
        return [(end_pad - 1 - klen, end_pad - 1, clitic, payloads) for end_pad, (klen, clitic, payloads) in found]


class MergedMatcher:
    """Several lexicons in one automaton, so one scan of a text serves them all (entities and
    escalation keywords each paid a full Aho-Corasick pass before).

    ``parts``: (tag, phrases, digest, limit) per lexicon. :meth:`scan` gives, per lexicon, exactly
    the hits its own ``PhraseMatcher(phrases, digest=digest).hits(folded, limit)`` would give (same
    values, same order: at one end offset the automaton reports matches longest first, whichever
    other words it holds), and stores them in ``folded.memo[tag]`` for a later extractor.
    """

    def __init__(
        self,
        parts: Sequence[tuple[str, Iterable[tuple[str, Any]], Callable[[tuple[Any, ...]], Any] | None, int]],
    ) -> None:
        parts = [(tag, list(phrases), digest, limit) for tag, phrases, digest, limit in parts]
        self.tags = tuple(p[0] for p in parts)
        self.limits = tuple(p[3] for p in parts)
        n = len(parts)
        merged: dict[str, list[tuple[int, str, Any] | None]] = {}
        sizes: list[int] = []
        for j, (_tag, phrases, digest, _limit) in enumerate(parts):
            words, size = _words(phrases, True, digest)
            sizes.append(size)
            for word, value in words.items():
                slot = merged.get(word)
                if slot is None:
                    slot = merged[word] = [None] * n
                slot[j] = value
        self._auto = ahocorasick.Automaton()
        for word, slots in merged.items():
            # (lexicon index, key length, clitic, payload value) for each lexicon holding the word
            self._auto.add_word(word, tuple((j, *v) for j, v in enumerate(slots) if v is not None))
        self._auto.make_automaton()
        self.sizes = tuple(sizes)
        self.size = sizes[0] if sizes else 0  # keys of the first (main) lexicon
        self._first = sum(self.limits)  # hits read at once: enough for any real article

    def scan(self, folded: Folded) -> list[list[Hit]]:
        """Hits per lexicon (each capped at its limit), in the order of ``parts``.

        The merged stream is read in chunks until every lexicon has its limit or the text ends,
        so a text full of one lexicon's words (50 KB of "قصف") costs at most its own hit count.
        """
        limits = self.limits
        found = self._auto.iter(folded.padded)
        size = self._first
        chunk = list(islice(found, size))
        out: list[list[Hit]] = [[] for _ in limits]
        if len(chunk) < size:  # the whole text in one read (any real article): split in one pass, then cap
            for end_pad, values in chunk:
                for j, klen, clitic, payload in values:
                    out[j].append((end_pad - 1 - klen, end_pad - 1, clitic, payload))
            out = [o if len(o) <= limit else o[:limit] for o, limit in zip(out, limits, strict=True)]
            for tag, o in zip(self.tags, out, strict=True):
                folded.memo[tag] = o
            return out
        found = chain(chunk, found)
        while True:
            chunk = list(islice(found, size))
            for end_pad, values in chunk:
                for j, klen, clitic, payload in values:
                    o = out[j]
                    if len(o) < limits[j]:
                        o.append((end_pad - 1 - klen, end_pad - 1, clitic, payload))
            if len(chunk) < size or all(len(o) >= n for o, n in zip(out, limits, strict=True)):
                break
            size = 4096
        for tag, o in zip(self.tags, out, strict=True):
            folded.memo[tag] = o
        return out


_START = itemgetter(0)


def select_longest(hits: list[tuple[int, int, Any]], length: int) -> list[tuple[int, int, Any]]:
    """Non-overlapping subset preferring longer spans, then earlier ones; returned in text order."""
    if not hits:
        return []
    # Fast path: no two hits overlap (the usual case), so every hit is kept; text order is enough.
    by_start = sorted(hits, key=_START)
    prev_end = -1
    for s, e, _v in by_start:
        if s < prev_end or e <= s:
            break
        prev_end = e
    else:
        return by_start
    occupied = bytearray(length + 1)
    chosen: list[tuple[int, int, Any]] = []
    for s, e, v in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if occupied.find(1, s, e) == -1:
            occupied[s:e] = b"\x01" * (e - s)
            chosen.append((s, e, v))
    chosen.sort(key=lambda h: h[0])
    return chosen
