"""One name, one label within a text: spread the tagger's spans to their other mentions (pure).

News names a person in full once ("the minister X Y") and then by surname or in a context the
CRF finds less telling. After decoding, every entity span of a text is looked up elsewhere in the
same text: an identical word sequence left all O takes the span's type, and a person's surname
(last word of a PER span of two words or more) alone takes PER. Longer sequences are placed
first; a span never overwrites a token the CRF already labelled. Measured on the inner dev split
(docs/ner.md).
"""

from __future__ import annotations

from functools import lru_cache

from worker.extract.ner.conll import spans
from worker.text.normalize import normalize

_norm = lru_cache(maxsize=65_536)(normalize)  # news repeats its words: most tokens are a cache hit
# Ordinals end a name ("عبد الله الثاني") but are no surname; matching form.
ORDINALS = frozenset(_norm(w) for w in (
    "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر",
    "الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة", "الثامنة", "التاسعة",
    "العاشرة", "الحادي", "عشر", "عشرة",
))
# First words of two-word first names (عبد الله، أبو بكر): the second word is no surname.
COMPOUND = frozenset(_norm(w) for w in ("عبد", "أبو", "ابو", "أم", "بن", "ابن"))


def is_surname(norm: list[str], a: int, b: int) -> bool:
    """The last word of the PER span ``norm[a:b]`` (matching forms) can name the person alone."""
    return b - a >= 2 and not (b - a == 2 and norm[a] in COMPOUND) and norm[b - 1] not in ORDINALS


def propagate(words: list[str], labels: list[str]) -> list[str]:
    """``labels`` (BIO over ``words``, one text) with every found span repeated at its other mentions."""
    found = sorted(spans(labels))
    if not found:
        return labels
    norm = [_norm(w) for w in words]
    seqs: dict[tuple[str, ...], str] = {}  # first mention's type wins
    for a, b, typ in found:
        seqs.setdefault(tuple(norm[a:b]), typ)
    for a, b, typ in found:
        if typ == "PER" and is_surname(norm, a, b):
            seqs.setdefault((norm[b - 1],), "PER")
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for seq, typ in sorted(seqs.items(), key=lambda kv: (-len(kv[0]), kv[0])):
        if any(c.isalpha() for c in "".join(seq)):
            by_first.setdefault(seq[0], []).append((seq, typ))
    out = list(labels)
    for i, w in enumerate(norm):
        if out[i] != "O" or w not in by_first:
            continue
        for seq, typ in by_first[w]:
            n = len(seq)
            if tuple(norm[i : i + n]) == seq and all(y == "O" for y in out[i : i + n]):
                out[i] = "B-" + typ
                for k in range(i + 1, i + n):
                    out[k] = "I-" + typ
                break
    return out
