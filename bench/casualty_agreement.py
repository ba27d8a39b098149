"""Agreement between two hand annotations of the same articles' casualty totals.

Why: the killed/injured exact match of the extractor is scored against one annotator; a second,
independent annotation of the same articles shows how close any extractor can get (the ceiling the
conventions leave open). Both files are JSON lines as in bench/data/casualties_real*.jsonl (docno,
killed, injured, approx, note "tag: ..."). Prints one JSON object: per kind (killed, injured) the
exact agreement, the agreement on null against a number (with Cohen's kappa), and the disagreements
by class, the second file read against the first:

* ``over`` / ``under``  both numbers, the second's is larger / smaller
* ``one_null``          one gives a number, the other null (split into ``first_null`` / ``second_null``)

plus the approximate-flag agreement on the articles where both give a killed number, and the tag
(current / background / vague / none) agreement. ``--list`` adds each disagreement (docno, kind,
first, second). Default: bench/data/casualties_real_dev6.jsonl against
bench/data/agreement/casualties_dev6_second.jsonl.
Run: .venv/bin/python bench/casualty_agreement.py [FIRST.jsonl SECOND.jsonl] [--list]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]
_DEFAULT_FIRST = _ROOT / "bench" / "data" / "casualties_real_dev6.jsonl"
_DEFAULT_SECOND = _ROOT / "bench" / "data" / "agreement" / "casualties_dev6_second.jsonl"
KINDS = ("killed", "injured")


def read_annotations(path: Path) -> dict[str, dict[str, Any]]:
    """docno -> annotation; a clear ValueError for a line that is not an annotation."""
    out: dict[str, dict[str, Any]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            docno = row["docno"]
            for kind in KINDS:
                if row[kind] is not None and not isinstance(row[kind], int):
                    raise ValueError(f"{kind} is neither null nor an integer")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}:{n}: not an annotation ({exc})") from exc
        if docno in out:
            raise ValueError(f"{path}:{n}: {docno} annotated twice")
        out[docno] = row
    return out


def disagreement(first: int | None, second: int | None) -> str | None:
    """The class of a disagreement, the second value read against the first; None when they agree."""
    if first == second:
        return None
    if first is None:
        return "first_null"
    if second is None:
        return "second_null"
    return "over" if second > first else "under"


def _kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    """Cohen's kappa of two yes/no labellings (None when chance agreement is total)."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    p_first = sum(a for a, _ in pairs) / n
    p_second = sum(b for _, b in pairs) / n
    chance = p_first * p_second + (1 - p_first) * (1 - p_second)
    return None if chance == 1 else round((observed - chance) / (1 - chance), 3)


def _tag(row: dict[str, Any]) -> str:
    return str(row.get("note", "")).split(":", 1)[0]


def compare(first: dict[str, dict[str, Any]], second: dict[str, dict[str, Any]], listed: bool = False) -> dict[str, Any]:
    """Agreement figures over the articles both files annotate (pure: no I/O)."""
    docnos = sorted(first.keys() & second.keys())
    n = len(docnos)
    out: dict[str, Any] = {"articles": n, "only_in_first": len(first.keys() - second.keys()),
                           "only_in_second": len(second.keys() - first.keys())}
    rows: list[dict[str, Any]] = []
    for kind in KINDS:
        classes: Counter[str] = Counter()
        pairs = [(first[d][kind] is not None, second[d][kind] is not None) for d in docnos]
        for d in docnos:
            cls = disagreement(first[d][kind], second[d][kind])
            if cls is not None:
                classes[cls] += 1
                rows.append({"docno": d, "kind": kind, "first": first[d][kind], "second": second[d][kind], "class": cls})
        agree = n - sum(classes.values())
        out[kind] = {
            "exact_agreement": round(agree / n, 3) if n else None,
            "exact_agree": agree,
            "null_vs_number_agreement": round(sum(a == b for a, b in pairs) / n, 3) if n else None,
            "null_vs_number_kappa": _kappa(pairs),
            "numbers_first": sum(a for a, _ in pairs),
            "numbers_second": sum(b for _, b in pairs),
            "disagreements": {
                "over": classes["over"], "under": classes["under"],
                "one_null": classes["first_null"] + classes["second_null"],
                "first_null": classes["first_null"], "second_null": classes["second_null"],
            },
        }
    both = [d for d in docnos if first[d]["killed"] is not None and second[d]["killed"] is not None]
    out["approx_agreement_both_killed"] = {
        "articles": len(both),
        "agree": sum(bool(first[d].get("approx")) == bool(second[d].get("approx")) for d in both),
    }
    out["tag_agreement"] = round(sum(_tag(first[d]) == _tag(second[d]) for d in docnos) / n, 3) if n else None
    out["tag_confusion"] = dict(sorted(Counter(f"{_tag(first[d])}->{_tag(second[d])}" for d in docnos
                                               if _tag(first[d]) != _tag(second[d])).items()))
    if listed:
        out["disagreement_list"] = rows
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("first", type=Path, nargs="?", default=_DEFAULT_FIRST)
    ap.add_argument("second", type=Path, nargs="?", default=_DEFAULT_SECOND)
    ap.add_argument("--list", action="store_true", help="list each disagreement")
    args = ap.parse_args()
    try:
        first, second = read_annotations(args.first), read_annotations(args.second)
    except (OSError, ValueError) as exc:
        sys.exit(f"casualty_agreement: {exc}")
    result = {"benchmark": "casualty_agreement", "first": args.first.name, "second": args.second.name,
              **compare(first, second, args.list)}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
