"""Span-level corrections after :func:`~worker.extract.ner.consistency.propagate` (pure).

The CRF labels each mention from its own context, so one name can come out with two types in a
text (a person's surname read as a place before a capital, as an organisation after "إدارة"), and
a lone ordinal can come out a person. Three rules, counted on the inner dev split by error class
(docs/ner.md, "Span errors by class"):

- a one-word span of another type whose word is the surname of a PER of the text
  (:func:`~worker.extract.ner.consistency.is_surname`) becomes PER, unless the text gives the word
  that other type more often than it ends a PER ("برويدي قطر" once against قطر a place eleven times);
- an identical word sequence labelled with several types takes its majority type (ties unchanged);
- a span made only of ordinal words (الثاني، الثالث، عشر …) is dropped: an ordinal ends a name
  ("عبد الله الثاني", kept), it never is one.
"""

from __future__ import annotations

from worker.extract.ner.conll import spans
from worker.extract.ner.consistency import ORDINALS, _norm, is_surname


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
    votes: dict[tuple[str, ...], dict[str, int]] = {}
    for a, b, t in found:
        c = votes.setdefault(tuple(norm[a:b]), {})
        c[t] = c.get(t, 0) + 1
    as_person: dict[str, int] = {}  # PER spans ending with the word (its own one-word PER spans included)
    for _, b, t in found:
        if t == "PER":
            as_person[norm[b - 1]] = as_person.get(norm[b - 1], 0) + 1
    surnames = {norm[b - 1] for a, b, t in found if t == "PER" and is_surname(norm, a, b)}
    for a, b, t in found:
        seq = tuple(norm[a:b])
        if all(w in ORDINALS for w in seq):
            for k in range(a, b):
                out[k] = "O"
            continue
        if t != "PER" and b - a == 1 and seq[0] in surnames and as_person[seq[0]] >= votes[seq][t]:
            _put(out, a, b, "PER")
            continue
        ranked = sorted(votes[seq].items(), key=lambda kv: -kv[1])
        if ranked[0][0] != t and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
            _put(out, a, b, ranked[0][0])
    return out
