"""Context lists for the entity tagger, induced from unlabelled news (deterministic).

A word that news often writes right after an organisation head noun (حركة، حزب، شركة…), a person's
title (the title list the features already flag) or a place noun (مدينة، بلدة، مخيم…) is likely a
name of that kind even where no list holds it. For every word type (matching form, and separately
its clitic-stripped form) this counts its occurrences and how many follow each kind of cue; types
with enough support and a high share get ``ORGCTX`` / ``PERCTX`` / ``LOCCTX`` (suffix ``2`` when the
share is high), flags the CRF weighs like the other list flags, never an override.

Usage: ``python tools/build_contexts.py ../shared/data/ant-dev/middle-east-2018-02-to-05.jsonl``
(``make ner-contexts``) writes ``.cache/ner/contexts.tsv`` (words, flags and our counts only, no
sentences); ``bench/ner.py --contexts .cache/ner/contexts.tsv`` trains and scores with the flags.
Issue 17h measured them on the inner dev split and did not ship them (docs/ner.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.extract.ner.features import strip_clitics  # noqa: E402
from worker.extract.ner.resources import LOC_HEADS, ORG_HEADS  # noqa: E402
from worker.text.normalize import normalize  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
from build_clusters import _texts  # noqa: E402  (the same tokens as the clusters)

KINDS = ("ORG", "PER", "LOC")
MIN_COUNT = 5  # occurrences of a type before its share means anything
MIN_HITS = 3  # occurrences after a cue of the kind
SHARE, STRONG = 0.2, 0.5  # share of a type's occurrences after the cue: flag, strong flag
# Construct nouns after a title (وزير خارجية X، وزير شؤون X): never the name.
_CONSTRUCT = frozenset(normalize(w) for w in ("خارجية", "دفاع", "داخلية", "شؤون", "وزراء", "حكومة", "جمهورية"))
_DEFINITE = ("ال", "لل", "وال", "فال", "بال", "ولل", "كال")
_PROCLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")


def _variants(w: str) -> set[str]:
    """``w`` and ``w`` without each proclitic it may carry (وحركة → حركة)."""
    return {w} | {w[len(p):] for p in _PROCLITICS if w.startswith(p) and len(w) > len(p) + 1}


def _titles() -> dict[str, list[tuple[str, ...]]]:
    """Title phrases (matching form) by their last word, longest first."""
    from worker.extract import entities as ent  # lazy: entities imports the tagger

    by_last: dict[str, list[tuple[str, ...]]] = {}
    for t in sorted({tuple(normalize(t).split()) for t in ent._TITLES}, key=lambda t: (-len(t), t)):
        by_last.setdefault(t[-1], []).append(t)
    return by_last


def _after_title(doc: list[str], i: int, titles: dict[str, list[tuple[str, ...]]]) -> bool:
    """True when a title phrase ends right before position ``i`` (its first word may carry a proclitic)."""
    prev = doc[i - 1]
    for v in _variants(prev):
        for t in titles.get(v, ()):
            n = len(t)
            if n == 1:
                return True
            if v == prev and i >= n and tuple(doc[i - n + 1 : i - 1]) == t[1:-1] and t[0] in _variants(doc[i - n]):
                return True
    return False


def _name_start(doc: list[str], i: int, skip: frozenset[str], stop: frozenset[str]) -> int | None:
    """Where a name starts after a title ending before ``i``: qualifiers skipped as the title rule does."""
    for j in range(i, min(i + 6, len(doc))):
        w = doc[j]
        if not w[0].isalpha() or w in stop:
            return None
        if not (w.startswith(_DEFINITE) or w in skip):
            return j
    return None


def cue_kinds(doc: list[str], titles: dict[str, list[tuple[str, ...]]]) -> list[str | None]:
    """For each position, the kind of cue that directly precedes it (ORG/PER/LOC), else None.

    ORG and LOC: the word right after a head noun. PER: the first word after a title and its
    qualifiers (الرئيس الأمريكي X: X), the way ``entities._title_person`` reads them.
    """
    from worker.extract import entities as ent  # lazy: entities imports the tagger

    org = frozenset(normalize(h) for h in ORG_HEADS)
    loc = frozenset(normalize(h) for h in LOC_HEADS)
    skip = ent._QUALIFIER_WORDS | ent._TITLE_WORDS | ent._GOVERNED | _CONSTRUCT
    out: list[str | None] = [None] * len(doc)
    for i in range(1, len(doc)):
        v = _variants(doc[i - 1])
        if v & org:
            out[i] = "ORG"
        elif v & loc:
            out[i] = "LOC"
        elif out[i] is None and _after_title(doc, i, titles) and (j := _name_start(doc, i, skip, ent._STOP)) is not None:
            out[j] = out[j] or "PER"
    return out


def count(docs: list[list[str]]) -> dict[str, Counter[str]]:
    """Per key (a matching form, and ``~`` + its clitic-stripped form) its total and per-kind counts."""
    titles = _titles()
    out: dict[str, Counter[str]] = {}
    for d in docs:
        kinds = cue_kinds(d, titles)
        for w, k in zip(d, kinds, strict=True):
            if not w[0].isalpha():
                continue
            for key in {w, "~" + strip_clitics(w)}:
                c = out.setdefault(key, Counter())
                c["n"] += 1
                if k:
                    c[k] += 1
    return out


def flags(counts: dict[str, Counter[str]]) -> list[tuple[str, int, int, int, int, str]]:
    """(key, n, org, per, loc, flags) of every type that earns at least one flag, sorted."""
    rows = []
    for key, c in counts.items():
        n = c["n"]
        if n < MIN_COUNT:
            continue
        fl = []
        for k in KINDS:
            hits = c[k]
            if hits >= MIN_HITS and hits / n >= SHARE:
                fl.append(k + "CTX" + ("2" if hits / n >= STRONG else ""))
        if fl:
            rows.append((key, n, c["ORG"], c["PER"], c["LOC"], ",".join(fl)))
    return sorted(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, help="news .jsonl (title/summary/content per line)")
    ap.add_argument("--out", type=Path, default=ROOT / ".cache/ner/contexts.tsv")
    a = ap.parse_args()
    rows = flags(count(_texts(a.path)))
    lines = [f"# context flags from {a.path.name} by tools/build_contexts.py: key, count, after ORG head / "
             "title / place noun, flags (~ = clitic-stripped form)"]
    lines.extend("\t".join(map(str, r)) for r in rows)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps({"types": len(rows), "out": str(a.out)}))


if __name__ == "__main__":
    main()
