"""Span-level corrections after decoding and :func:`~worker.extract.ner.consistency.propagate` (pure).

The CRF labels each mention from its own context, so one name can come out with two types in a
text (كلينتون a PER in one sentence, an ORG after "إدارة" in the next), and the surname step spreads
any last word, ordinals included ("عبد الله الثاني" made every later "الثاني" a person). Three
rules, each counted on the inner dev split by class (docs/ner.md, "Span errors by class"):

- a one-word span of another type whose word is the surname of a two-word-or-longer PER of the
  text becomes PER;
- an identical word sequence labelled with several types takes its majority type (ties unchanged);
- a span made only of ordinal words (الثاني، الثالث، عشر …) is dropped: an ordinal ends a name
  ("عبد الله الثاني", kept), it never is one.
"""

from __future__ import annotations

from worker.extract.ner.conll import spans
from worker.extract.ner.consistency import _norm

# Ordinals (and the عشر of "the twelfth"), masculine and feminine, in matching form.
ORDINALS = frozenset(_norm(w) for w in (
    "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر",
    "الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة", "الثامنة", "التاسعة",
    "العاشرة", "الحادي", "عشر", "عشرة",
))


def _put(out: list[str], a: int, b: int, typ: str) -> None:
    out[a] = "B-" + typ
    for k in range(a + 1, b):
        out[k] = "I-" + typ


def refine(words: list[str], labels: list[str]) -> list[str]:
    """``labels`` (BIO over ``words``, one text) after the three rules of the module docstring."""
    found = sorted(spans(labels))
    if not found:
        return labels
    norm = [_norm(w) for w in words]
    out = list(labels)
    surnames = {norm[b - 1] for a, b, t in found if t == "PER" and b - a >= 2} - ORDINALS
    votes: dict[tuple[str, ...], dict[str, int]] = {}
    for a, b, t in found:
        c = votes.setdefault(tuple(norm[a:b]), {})
        c[t] = c.get(t, 0) + 1
    for a, b, t in found:
        seq = tuple(norm[a:b])
        if all(w in ORDINALS for w in seq):
            for k in range(a, b):
                out[k] = "O"
            continue
        if t != "PER" and b - a == 1 and seq[0] in surnames:
            _put(out, a, b, "PER")
            continue
        ranked = sorted(votes[seq].items(), key=lambda kv: -kv[1])
        if ranked[0][0] != t and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
            _put(out, a, b, ranked[0][0])
    return out
