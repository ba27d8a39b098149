"""Arabic normalisation for matching, with a map back to the text as published.

Display text is never changed: we match on a *matching form* (no tashkeel or tatweel, one alef,
ya/ta-marbuta folded, ASCII digits, NFKC presentation forms, lower-case Latin) and report spans in
the display text through :meth:`Normalized.to_display`.

The mapping is per character (NFKC is applied to each character alone), so every matching-form
character comes from exactly one display character: a deleted character maps to nothing and an
expanded one (ﻻ → لا) to several. That is what makes the offsets array exact.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field

__all__ = ["Normalized", "fold_char", "is_mark", "match_words", "normalize", "normalize_with_offsets",
           "strip_punctuation"]

_DELETE = {0x0640, 0x0670, *range(0x064B, 0x0660), *range(0x06D6, 0x06DD), *range(0x06DF, 0x06E9),
           *range(0x06EA, 0x06EE), 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x061C,
           0x00AD, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي",
    "ة": "ه", "ۀ": "ه", "ە": "ه",
    "ک": "ك", "ڪ": "ك",
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
}
_MARKS = frozenset(chr(c) for c in _DELETE if unicodedata.category(chr(c)) in ("Mn", "Lm", "Cf"))


def fold_char(ch: str) -> str:
    """Matching form of one character ('' when it is dropped, two chars for some ligatures)."""
    if ord(ch) in _DELETE:
        return ""
    if ch in _FOLD:
        return _FOLD[ch]
    if ch.isascii():
        return ch.lower()
    nf = unicodedata.normalize("NFKC", ch)
    if nf != ch:
        return "".join(fold_char(c) if c != ch else c for c in nf)
    return ch.lower() if ch.isupper() else ch


def is_mark(ch: str) -> bool:
    """True for characters that attach to the previous letter and vanish when matching (tashkeel, tatweel)."""
    return ch in _MARKS


class _Table(dict[int, str]):
    """str.translate table filled on first sight of each character (fast path for every article)."""

    def __missing__(self, key: int) -> str:
        value = fold_char(chr(key))
        self[key] = value
        return value


class _LenTable(dict[int, str]):
    """Maps each character to chr(len(matching form)) so one translate tells us where lengths change."""

    def __missing__(self, key: int) -> str:
        value = chr(len(_TABLE[key]))
        self[key] = value
        return value


_TABLE = _Table()
_LENS = _LenTable()

# Fast path. Almost every article uses only characters whose matching form is "delete", "replace
# by one char" or "lower-case": those are done with one regex deletion, a few str.replace calls and
# str.lower(), all in C. Any other character (presentation forms, ligatures, rare scripts) sends
# the text through the per-character table instead. Both give the same result (tested).
_DEL_CHARS = "".join(sorted(chr(c) for c in _DELETE))
_DEL_RE = re.compile("[" + re.escape(_DEL_CHARS) + "]")
_REPLACE = [(k, v) for k, v in _FOLD.items()] + [("\u00a0", " ")]


def _chain(ch: str) -> str:
    if ord(ch) in _DELETE:
        return ""
    return dict(_REPLACE).get(ch, ch).lower()


def _fast_class(keep_deleted: bool = True) -> re.Pattern[str]:
    fast = [c for c in [*range(0x20, 0x250), *range(0x0600, 0x0700), *range(0x2000, 0x2070), 0x09, 0x0A, 0x0D,
                        0xFEFF]
            if len(_chain(chr(c))) <= 1 and _chain(chr(c)) == fold_char(chr(c))
            and (keep_deleted or c not in _DELETE)]
    ranges: list[tuple[int, int]] = []
    for c in fast:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[^{body}]")


_SLOW = _fast_class()
# Slow-path characters or characters to delete: one scan tells a plain article (most of them,
# no tashkeel or tatweel) that it needs neither the slow path nor the deletion pass.
_SLOW_OR_DEL = _fast_class(keep_deleted=False)


# The marks of vocalised text: deleted with str.replace (C, no match objects) when present, which
# is several times cheaper than the class substitution when a text carries hundreds of them.
_COMMON_MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640"  # tanwin, harakat, shadda, sukun, tatweel
_RARE_DEL_RE = re.compile("[" + re.escape("".join(c for c in _DEL_CHARS if c not in _COMMON_MARKS)) + "]")


def _delete_marks(text: str) -> str:
    for mark in _COMMON_MARKS:
        if mark in text:
            text = text.replace(mark, "")
    if _RARE_DEL_RE.search(text):
        text = _RARE_DEL_RE.sub("", text)
    return text


def _normalize_fast(text: str, deletions: bool = True) -> str:
    if deletions:
        text = _delete_marks(text)
    for a, b in _REPLACE:
        if a in text:
            text = text.replace(a, b)
    return text.lower()


def normalize(text: str) -> str:
    """Matching form of ``text`` (same line structure; only characters are folded)."""
    first = _SLOW_OR_DEL.search(text)
    if first is None:
        return _normalize_fast(text, deletions=False)
    if _SLOW.search(text, first.start()):  # nothing before ``first`` can be a slow character
        return text.translate(_TABLE)
    return _normalize_fast(text)


@dataclass
class Normalized:
    """Matching form of ``display`` plus the map from each matching char to its display char."""

    display: str
    text: str
    _offsets: array[int] | None = field(default=None, repr=False)
    _identity: bool = field(default=False, repr=False)
    # Fast path (deletions only): matching-form segment starts and the display index of each start.
    _seg_m: list[int] = field(default_factory=list, repr=False)
    _seg_d: list[int] = field(default_factory=list, repr=False)

    def display_index(self, i: int) -> int:
        """Display index of matching-form character ``i`` (``len(text)`` maps to ``len(display)``)."""
        if i >= len(self.text):
            return len(self.display)
        if self._identity:
            return i
        if self._offsets is not None:
            return self._offsets[i]
        k = bisect_right(self._seg_m, i) - 1
        return self._seg_d[k] + (i - self._seg_m[k])

    def to_display(self, start: int, end: int) -> tuple[int, int]:
        """Half-open span on the matching form → the smallest display span whose matching form covers it.

        Marks that follow the last character (its tashkeel, tatweel) are included, so the span reads
        as a whole word in the display text.
        """
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"span ({start}, {end}) outside 0..{n}")
        if start == end:
            d = self.display_index(start)
            return d, d
        d_start = self.display_index(start)
        d_end = self.display_index(end - 1) + 1
        display = self.display
        while d_end < len(display) and display[d_end] in _MARKS:
            d_end += 1
        return d_start, d_end


def normalize_with_offsets(text: str) -> Normalized:
    """Matching form and offsets; the offsets array is built only when some character changes length."""
    if not _SLOW.search(text):
        matching = _normalize_fast(text)
        if len(matching) == len(text):
            return Normalized(text, matching, None, True)
        seg_m, seg_d = [0], [0]
        deleted = 0
        for m in _DEL_RE.finditer(text):
            deleted += m.end() - m.start()
            seg_m.append(m.end() - deleted)
            seg_d.append(m.end())
        return Normalized(text, matching, None, False, seg_m, seg_d)
    matching = text.translate(_TABLE)
    lens = text.translate(_LENS)
    if len(matching) == len(text) and lens.count("\x01") == len(text):
        return Normalized(text, matching, None, True)
    offsets = array("i")
    append = offsets.append
    for i, c in enumerate(lens):
        k = ord(c)
        if k == 1:
            append(i)
        elif k:
            offsets.extend([i] * k)
    return Normalized(text, matching, offsets, False)


# Punctuation that news text actually uses; anything else non-word is caught by _NONWORD.
_PUNCT = [".", "،", ",", "؛", ";", "؟", "?", "!", ":", "«", "»", '"', "'", "(", ")", "[", "]", "-", "–", "—",
          "/", "…", "“", "”", "‘", "’", "*", "•", "_", "٪", "%", "+", "=", "<", ">", "#", "@", "&", "|", "\\"]
_NONWORD = re.compile(r"[^\w\s]+")


_STOPS = frozenset(".!?؟")
_NONWORD_KEEP_STOPS = re.compile(r"[^\w\s.!?؟]+")


def strip_punctuation(matching: str, keep_stops: bool = False) -> str:
    """Punctuation → spaces (sentence stops . ! ? ؟ kept when asked), so ``str.split`` yields words."""
    for p in _PUNCT:
        if p in matching and not (keep_stops and p in _STOPS):
            matching = matching.replace(p, " ")
    # Cheap probe first: sre's \w test costs ~30 ns a character, str.isalnum (the same Unicode
    # predicate, Py_UNICODE_ISALNUM) a few. Only when something non-alphanumeric is left do we scan.
    probe = matching.replace(" ", "").replace("\n", "")
    if keep_stops:
        for p in _STOPS:
            if p in probe:
                probe = probe.replace(p, "")
    if probe.isalnum():
        return matching
    rx = _NONWORD_KEEP_STOPS if keep_stops else _NONWORD
    if rx.search(matching):
        matching = rx.sub(" ", matching)
    return matching


def match_words(matching: str) -> list[str]:
    """Words of a matching-form text, punctuation dropped (same result as ``re.findall(r"[^\\W_]+")``
    for ordinary text, several times faster: str.replace and str.split run in C)."""
    return strip_punctuation(matching).split()
