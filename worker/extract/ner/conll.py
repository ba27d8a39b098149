"""CoNLL-style NER data: reading ``token TAG`` files and entity-level scoring (pure except :func:`read`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

TYPES = ("PER", "ORG", "LOC", "MISC")
Sentence = list[tuple[str, str]]  # (token, BIO tag)


def canonical_tag(tag: str) -> str:
    """ANERcorp writes B-PERS; the tagger's types are PER/ORG/LOC/MISC."""
    return tag.replace("PERS", "PER")


def parse(text: str) -> list[Sentence]:
    """Sentences of a ``token TAG`` file (blank line between sentences); malformed lines raise ValueError."""
    out: list[Sentence] = []
    cur: Sentence = []
    for n, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if not line:
            if cur:
                out.append(cur)
                cur = []
            continue
        parts = line.rsplit(None, 1)
        if len(parts) != 2 or not (parts[1] == "O" or parts[1][:2] in ("B-", "I-")):
            raise ValueError(f"line {n}: expected 'token TAG', got {line[:60]!r}")
        cur.append((parts[0], canonical_tag(parts[1])))
    if cur:
        out.append(cur)
    return out


def read(path: Path) -> list[Sentence]:
    return parse(path.read_text(encoding="utf-8"))


def spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Entity spans (start, end, type) as conlleval reads BIO: an I- that does not continue opens a span."""
    out: set[tuple[int, int, str]] = set()
    start, typ = -1, ""
    for i, t in enumerate([*tags, "O"]):
        kind = t[2:] if t != "O" else ""
        if typ and (t == "O" or t.startswith("B-") or kind != typ):
            out.add((start, i, typ))
            typ = ""
        if t != "O" and not typ:
            start, typ = i, kind
    return out


def score(gold: Iterable[Sequence[str]], pred: Iterable[Sequence[str]]) -> dict[str, dict[str, float]]:
    """Entity-level precision/recall/F1 per type and micro (exact span and type)."""
    tp: dict[str, int] = dict.fromkeys(TYPES, 0)
    ng: dict[str, int] = dict.fromkeys(TYPES, 0)
    np_: dict[str, int] = dict.fromkeys(TYPES, 0)
    for gold_tags, pred_tags in zip(gold, pred, strict=True):
        gs, ps = spans(gold_tags), spans(pred_tags)
        for s in gs:
            ng[s[2]] = ng.get(s[2], 0) + 1
        for s in ps:
            np_[s[2]] = np_.get(s[2], 0) + 1
        for s in gs & ps:
            tp[s[2]] = tp.get(s[2], 0) + 1
    out: dict[str, dict[str, float]] = {}
    for k in [*TYPES, "micro"]:
        t = sum(tp.values()) if k == "micro" else tp.get(k, 0)
        g = sum(ng.values()) if k == "micro" else ng.get(k, 0)
        p = sum(np_.values()) if k == "micro" else np_.get(k, 0)
        prec = t / p if p else 0.0
        rec = t / g if g else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[k] = {"p": round(prec, 4), "r": round(rec, 4), "f1": round(f1, 4), "gold": g}
    return out


def error_classes(gold_tags: Sequence[str], pred_tags: Sequence[str]) -> list[tuple[str, str]]:
    """(type, class) of every entity error in one sentence (``bench/ner_errors.py`` counts them).

    A gold span not predicted exactly is ``missed`` (no predicted span overlaps it), ``type->X``
    (the same words typed X), ``split`` (two or more same-type spans inside it), ``joined`` (a
    same-type span that also covers another gold span), ``long-L/R/LR`` or ``short-L/R/LR`` (one
    same-type span that extends past it or stops inside it on that side), ``shifted``, else
    ``type+span->X``; a predicted span that overlaps no gold span is ``spurious`` (its own type).
    """
    gold, pred = spans(gold_tags), spans(pred_tags)
    out: list[tuple[str, str]] = []
    for a, b, t in sorted(gold - pred):
        over = sorted(p for p in pred if p[0] < b and a < p[1])
        same = [p for p in over if p[2] == t]
        exact = [p for p in over if p[0] == a and p[1] == b]
        if not over:
            cls = "missed"
        elif exact:
            cls = "type->" + exact[0][2]
        elif len(same) >= 2:
            cls = "split"
        elif same:
            p = same[0]
            if any(h != (a, b, t) and h[0] < p[1] and p[0] < h[1] for h in gold):
                cls = "joined"
            elif p[0] <= a and p[1] >= b:
                cls = "long-" + ("L" if p[0] < a else "") + ("R" if p[1] > b else "")
            elif p[0] >= a and p[1] <= b:
                cls = "short-" + ("L" if p[0] > a else "") + ("R" if p[1] < b else "")
            else:
                cls = "shifted"
        else:
            cls = "type+span->" + over[0][2]
        out.append((t, cls))
    out.extend((p[2], "spurious") for p in sorted(pred - gold) if not any(g[0] < p[1] and p[0] < g[1] for g in gold))
    return out
