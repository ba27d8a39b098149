"""Escalation keyword scoring over the lexicon in ``worker/extract/lexicon/escalation.tsv`` (pure).

Why: a spike in articles is more telling when the articles talk about shelling and raids. The
lexicon maps inflected forms (قصف/القصف/قصفت/يقصف …) to a canonical term and a weight; one
Aho-Corasick pass finds them as whole words (clitics و ف ب ل ك folded in), longest match wins
(so "خفض التصعيد", de-escalation, is not read as "التصعيد").

Per occurrence, in text order:
* base weight from the lexicon;
* ×0.2 when the same sentence holds a denial or negation (نفى، لا صحة، عارٍ عن الصحة، دون وقوع،
  لم يسفر …);
* ×0.5^(k-1) for the k-th occurrence of the same canonical term (diminishing returns).

``Keyword.weight`` is that effective contribution, so the article score is reproducible from the
keywords alone: ``score = 1 - exp(-max(0, Σ weight) / 5)``, in [0, 1).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from worker.extract.gazetteer.matcher import PhraseMatcher, char_offsets, fold, select_longest
from worker.extract.lexicon import LEXICON_DIR
from worker.models import Keyword

_LEXICON = LEXICON_DIR / "escalation.tsv"
NEGATION_FACTOR = 0.2
REPEAT_DECAY = 0.5
SCORE_SCALE = 5.0
MAX_HITS = 1500  # lexicon hits per text; far beyond any article, bounds time on adversarial input
_NEGATIONS = (
    "نفى", "نفت", "ينفي", "تنفي", "نفي", "نفيا", "لا صحة", "عار عن الصحة", "عارية عن الصحة",
    "دون وقوع", "دون أن", "دون تسجيل", "لم يسفر", "لم تسفر", "لم يسجل", "لم تسجل", "لم تقع", "لم يقع",
    "غير صحيح", "غير صحيحة", "كذب", "كذبت", "شائعات", "مزاعم", "فند", "فندت",
)
_SENTENCE_ENDS = ".!?؟؛\n"


@dataclass(frozen=True)
class _Term:
    canonical: str
    weight: float


_NEG = _Term("", 0.0)


# Tag of this lexicon's hits in ``Folded.memo``: the entity extractor scans its automaton merged
# with this one (one pass per text) and leaves the keyword hits there.
TAG = "escalation"
_ENTRIES: list[tuple[str, _Term]] | None = None


def entries() -> list[tuple[str, Any]]:
    """(phrase, payload) pairs of the lexicon and the negation cues, read once."""
    global _ENTRIES
    if _ENTRIES is None:
        out: list[tuple[str, _Term]] = []
        for line in _LEXICON.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            canonical, weight, variants = line.split("\t")
            term = _Term(canonical, float(weight))
            out.extend((v, term) for v in variants.split("|") if v)
        out.extend((n, _NEG) for n in _NEGATIONS)
        _ENTRIES = out
    return list(_ENTRIES)


def _load() -> PhraseMatcher:
    return PhraseMatcher(entries())


_MATCHER: PhraseMatcher | None = None


def matcher() -> PhraseMatcher:
    """The process-wide automaton, built on first use."""
    global _MATCHER
    if _MATCHER is None:
        _MATCHER = _load()
    return _MATCHER


def _negated_sentences(t: str, cues: list[int]) -> tuple[list[int], list[int]]:
    """Starts and ends of the sentences holding a denial cue, merged and sorted, for bisection.

    The sentence ends are listed once per text, so the cost is linear in the text plus
    O(log n) per cue and per keyword (a scan per cue was quadratic on a long text without stops).
    """
    ends = char_offsets(t, _SENTENCE_ENDS)  # . ! ? ؟ ؛ and line breaks
    starts_out: list[int] = []
    ends_out: list[int] = []
    for pos in cues:
        k = bisect_left(ends, pos)
        start = ends[k - 1] + 1 if k else 0
        end = ends[k] if k < len(ends) else len(t)
        if ends_out and start <= ends_out[-1]:  # cues arrive in text order: same or next sentence
            ends_out[-1] = max(ends_out[-1], end)
        else:
            starts_out.append(start)
            ends_out.append(end)
    return starts_out, ends_out


def _in_spans(pos: int, starts: list[int], ends: list[int]) -> bool:
    k = bisect_right(starts, pos) - 1
    return k >= 0 and pos < ends[k]


def score_keywords(text: str) -> tuple[list[Keyword], float]:
    """Escalation keywords (spans in ``text``) and the bounded article score in [0, 1)."""
    if not text:
        return [], 0.0
    folded = fold(text)
    found = folded.memo.get(TAG)
    if found is None:
        found = matcher().hits(folded, MAX_HITS)
    hits = [(s, e, payloads[0]) for s, e, _c, payloads in found]
    chosen = select_longest(hits, len(folded.text))
    if not chosen:
        return [], 0.0
    t = folded.text
    # sentences holding a denial, merged; sentence ends found with str.find, cheaper than a regex
    # scan (docs/decisions/str-find-scans.md)
    cues = sorted(s for s, _e, term in chosen if term is _NEG)
    neg_starts, neg_ends = _negated_sentences(t, cues) if cues else ([], [])
    seen: dict[str, int] = {}
    out: list[Keyword] = []
    total = 0.0
    for s, e, term in chosen:
        if term is _NEG:
            continue
        k = seen.get(term.canonical, 0)
        seen[term.canonical] = k + 1
        w = term.weight * (REPEAT_DECAY**k)
        if neg_starts and _in_spans(s, neg_starts, neg_ends):
            w *= NEGATION_FACTOR
        w = round(w, 4)
        total += w
        out.append(Keyword(term.canonical, w, folded.to_original(s, e)))
    return out, round(1.0 - math.exp(-max(0.0, total) / SCORE_SCALE), 4)
