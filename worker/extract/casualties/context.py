"""Token context of one text: which sentences to tokenize, and the sentence/clause of every token."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date

from worker.extract.casualties.tables import (
    CUE_AUTOMATON,
    CUE_SET,
    DIGITS,
    MARKS_RE,
    OTHER_SPACES,
    PAD,
    PROBE_PUNCT,
)
from worker.extract.numbers import T_COMMA, T_STOP, T_WORD, Tokens
from worker.models import Casualty
from worker.text.paragraphs import is_abbreviation_dot

ABBREV_JOIN = "x"  # what an abbreviation dot becomes: a letter, so the abbreviation is one word


def join_abbreviations(folded: str) -> str:
    """``folded`` with the dots inside abbreviations ("إن.تي.في") made letters (same length), so they
    do not end the sentence and cut a cue off from the figures after it."""
    cut: list[int] = []
    i = folded.find(".")
    while i != -1:
        if is_abbreviation_dot(folded, i):
            cut.append(i)
        i = folded.find(".", i + 1)
    if not cut:
        return folded
    parts: list[str] = []
    last = 0
    for i in cut:
        parts.append(folded[last:i])
        parts.append(ABBREV_JOIN)
        last = i + 1
    parts.append(folded[last:])
    return "".join(parts)


def cue_ranges(folded: str, marks: bool) -> list[tuple[int, int]]:
    """Character ranges of the sentences that contain a casualty word, merged, in order.

    Works on a probe copy with punctuation and whitespace turned into spaces (same length), scanned
    once by an Aho-Corasick automaton of the cue words; most news text has no casualty word and
    returns after that scan.
    """
    probe = folded
    for ch in PROBE_PUNCT:
        if ch in probe:
            probe = probe.replace(ch, " ")
    if marks:
        probe = MARKS_RE.sub("", probe)  # only for the yes/no test below
        return [(0, len(folded))] if not CUE_SET.isdisjoint(probe.split()) else []
    # Whole-word cue occurrences, found by one Aho-Corasick pass over the probe with every
    # whitespace character made a space (so a key " word " hits exactly a word str.split would give).
    for ch in OTHER_SPACES:
        if ch in probe:
            probe = probe.replace(ch, " ")
    found = list(CUE_AUTOMATON.iter(f" {probe} "))
    if not found:
        return []
    # Sentence ends, as the regex ``[!?؟؛\n]|\.(?![0-9])`` would give them, found with str.find
    # (a regex scan costs ~25 ns per character here).
    ends: list[int] = []
    for ch in "!?\u061f\u061b\n":
        i = folded.find(ch)
        while i != -1:
            ends.append(i + 1)
            i = folded.find(ch, i + 1)
    i = folded.find(".")
    while i != -1:
        if folded[i + 1 : i + 2] not in DIGITS:
            ends.append(i + 1)
        i = folded.find(".", i + 1)
    ends.sort()
    if not ends or ends[-1] != len(folded):
        ends.append(len(folded))
    # the sentence of each occurrence, by the offset of its first letter in ``probe``
    # (``end`` is the padded offset of the space after the word)
    hit = {bisect_right(ends, end - wlen - 1) for end, wlen in found}
    ranges: list[tuple[int, int]] = []
    for k in sorted(hit):
        start = ends[k - 1] if k else 0
        end = ends[k]
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges


class Doc:
    """Token context for one text: sentence and clause index of every token."""

    __slots__ = ("bg", "clause", "cues", "ends", "folded", "head_end", "kinds", "n", "norms", "ref", "sent",
                 "soft", "starts", "text", "w")

    def __init__(self, text: str, folded: str, tokens: Tokens, ref: date | None = None) -> None:
        self.text = text
        self.ref = ref  # publication date: weekdays and dates are read against it
        self.head_end = title_end(text)
        self.folded = folded
        self.kinds = tokens.kinds
        self.norms = tokens.norms
        self.starts = tokens.starts
        self.ends = tokens.ends
        self.n = len(tokens.kinds)
        self.bg: dict[int, int] = {}  # clause → CLAUSE_* code (current.py)
        self.cues: dict[int, list[int]] = {}  # sentence → background cue tokens (current.py)
        self.soft: dict[int, list[int]] = {}  # sentence → cues that yield to today's time (current.py)
        self.w, self.sent, self.clause = word_sentence_clause(tokens)


def word_sentence_clause(tokens: Tokens) -> tuple[list[str | None], list[int], list[int]]:
    """Per token: the word (None for punctuation/numbers, and for ``PAD`` indices past the end),
    and the sentence and clause index; a boundary token belongs to the sentence/clause it closes.

    One plain loop: cheaper than a comprehension plus two running sums over the tokens.
    """
    words: list[str | None] = []
    sent: list[int] = []
    clause: list[int] = []
    s = c = 0
    for kind, norm in zip(tokens.kinds, tokens.norms, strict=True):
        sent.append(s)
        clause.append(c)
        if kind == T_WORD:
            words.append(norm)
        else:
            words.append(None)
            if kind == T_STOP:
                s += 1
                c += 1
            elif kind == T_COMMA:
                c += 1
    words += [None] * PAD
    return words, sent, clause


_HEAD_MAX_WORDS = 25
_LINE_END = ".!?\u061f:\u061b"  # a title may end with a closing quote: "اشتهر بـ\"التعذيب\""


def title_end(text: str) -> int:
    """End offset of the title line, 0 when the text does not open with one.

    A title is a first line of at most ``_HEAD_MAX_WORDS`` words with more text after it and no
    sentence punctuation at its end (``rasd extract`` puts the title first, as its own paragraph).
    """
    nl = text.find("\n")
    if nl <= 0:
        return 0
    first = text[:nl].rstrip()
    if not first or first[-1] in _LINE_END or len(first.split()) > _HEAD_MAX_WORDS or not text[nl:].strip():
        return 0
    return nl


def line_of(text: str, start: int) -> tuple[int, int]:
    """Start and end offsets of the line holding offset ``start``."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", start)
    return a, (len(text) if b == -1 else b)


class Fig:
    __slots__ = ("cas", "first", "forward", "last", "sent", "subject", "why")

    def __init__(self, cas: Casualty, first: int, last: int, sent: int) -> None:
        self.cas = cas
        self.first = first
        self.last = last
        self.sent = sent
        self.subject = False  # explicit sub-count (kept out of incident resolution)
        self.forward = False  # part of the next figure of the sentence ("9 من بين القتلى الـ30")
        self.why = 0  # bits of the article-level passes that made it background (current.WHY_*)


def clause_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """First and last token of the clause around ``i``, at most 60 tokens each way."""
    c = doc.clause[i]
    lo = bisect_left(doc.clause, c)
    hi = bisect_right(doc.clause, c) - 1
    return (lo if lo > i - 60 else i - 60), (hi if hi < i + 60 else i + 60)


def sentence_range(doc: Doc, sent: int, around: int) -> tuple[int, int]:
    """First and last token of sentence ``sent`` (``around`` is one of its tokens)."""
    return bisect_left(doc.sent, sent), bisect_right(doc.sent, sent) - 1


