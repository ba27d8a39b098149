"""Current or background: which figures belong to the event the article reports now (docs/casualties.md)."""

from __future__ import annotations

from worker.extract.casualties import lexicon as lx
from worker.extract.casualties.context import Doc, clause_bounds
from worker.extract.numbers import T_COMMA, T_NUM, T_STOP

# Words that can open a background cue. Pairs opened by the very common "في" are keyed on their
# second word instead ("في حرب", "في عام"), so ordinary clauses fail the quick test below.
_BG_FIRST = frozenset(["منذ", "ومنذ", "عام", "العام", "سنه", "حرب", *lx.BACKGROUND_SINGLE,
                       *(a for a, _ in lx.BACKGROUND_PAIRS if a != "في")])
_MUNDHU_STEMS = ("اندلاع", "بدايه", "بدء", "انطلاق", "مطلع")  # "منذ اندلاعها"
_BG_AFTER_FI = frozenset(b for a, b in lx.BACKGROUND_PAIRS if a == "في")


def _has_bg_cue(doc: Doc, lo: int, hi: int) -> bool:
    kinds, norms = doc.kinds, doc.norms
    if _BG_FIRST.isdisjoint(norms[lo:hi + 1]):
        return False
    for k in [k for k in range(lo, hi + 1) if norms[k] in _BG_FIRST]:
        w = norms[k]
        if w in lx.BACKGROUND_SINGLE:
            return True
        if w in _BG_AFTER_FI and k > lo and norms[k - 1] == "في":
            return True
        if k + 1 > hi:
            continue
        nk, nn = kinds[k + 1], norms[k + 1]
        if w in ("منذ", "ومنذ") and (nk == T_NUM or nn in lx.BACKGROUND_AFTER_MUNDHU
                                     or nn.startswith(_MUNDHU_STEMS)):
            return True
        if (w, nn) in lx.BACKGROUND_PAIRS:
            return True
        if w in ("عام", "العام", "سنه") and nk == T_NUM and nn.isdigit() and 1900 <= int(nn) <= 2100:
            return True
    return False


def is_background(doc: Doc, i: int) -> bool:
    """Background cue around token ``i`` (cached per clause: figures of one clause share it)."""
    key = doc.clause[i]
    hit = doc.bg.get(key)
    if hit is None:
        hit = doc.bg[key] = _is_background_uncached(doc, i)
    return hit


def _is_background_uncached(doc: Doc, i: int) -> bool:
    lo, hi = clause_bounds(doc, i)
    if _has_bg_cue(doc, lo, hi):
        return True
    # a fronted cue clause: "منذ بداية النزاع، قُتل …"
    if lo > 1 and doc.kinds[lo - 1] == T_COMMA and doc.sent[lo - 2] == doc.sent[i]:
        plo, phi = clause_bounds(doc, lo - 2)
        if (plo == 0 or doc.kinds[plo - 1] == T_STOP) and _has_bg_cue(doc, plo, phi):
            return True
    # a trailing cue clause: "…، منذ اندلاع الحرب"
    if hi + 2 < doc.n and doc.kinds[hi + 1] == T_COMMA and doc.w[hi + 2] in ("منذ", "خلال", "طوال"):
        nlo, nhi = clause_bounds(doc, hi + 2)
        if _has_bg_cue(doc, nlo, nhi):
            return True
    return False

