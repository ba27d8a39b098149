"""Deterministic sample of real articles to annotate for casualty totals (bench/data/casualties_real.jsonl).

Why: the annotation set must not be chosen by what the extractor does. Articles are put in three
strata by keyword tests on title + content (matching form), then taken in the order of
sha1(docno) within each stratum:

* ``bg``   a casualty word and a background/aggregate anchor (منذ، الماضي، حصيلة، إجمالي، الحرب، عام)
* ``cur``  a casualty word and no such anchor
* ``none`` no casualty word

Counts per stratum are arguments; the committed set is the default (185 / 50 / 50): the ``bg``
stratum was taken first to 120, then extended in the same hash order to 185 until the annotated
set held at least 60 articles with only background figures. The second round (dev2,
bench/data/casualties_real_dev2.jsonl) is ``--bg 263 --cur 71 --none 71`` minus the committed set:
the next 78 / 21 / 21 of each stratum in the same order (the first set's proportions). The third
round (dev3, bench/data/casualties_real_dev3.jsonl) is ``--bg 66 --cur 19 --none 19 --exclude
bench/data/casualties_real.jsonl --exclude bench/data/casualties_real_dev2.jsonl --only-split dev``:
the next articles of each stratum that fall in the dev half, so none could join the test set. The
fourth round (dev4, bench/data/casualties_real_dev4.jsonl) is ``--bg 64 --cur 18 --none 18`` with the
three committed files as ``--exclude`` and ``--only-split dev``; the fifth (dev5,
bench/data/casualties_real_dev5.jsonl) the same with the four committed files excluded. The sixth
(dev6, bench/data/casualties_real_dev6.jsonl) is ``--bg 77 --cur 22 --none 21`` (dev5's proportions, 120
articles) with the five committed files as ``--exclude`` and ``--only-split dev``, annotated before
any extractor ran on it; the seventh (dev7, bench/data/casualties_real_dev7.jsonl) the same counts with
the six committed files as ``--exclude``, also annotated before any extractor ran on it; the eighth (dev8,
bench/data/casualties_real_dev8.jsonl) the same counts with the seven committed files as ``--exclude``, and the
ninth (dev9, bench/data/casualties_real_dev9.jsonl) with the eight, each annotated before any extractor ran on it.
The tenth (dev10, bench/data/casualties_real_dev10.jsonl) is the same command with the nine committed files as
``--exclude``; only 57 ``bg`` articles were left in the dev half, so it holds 57 / 22 / 21 (100 articles), also
annotated before any extractor ran on it, and the dev half's ``bg`` stratum is now exhausted (166 ``cur`` and
1,292 ``none`` remain), so a later round in these proportions cannot be drawn from it.
The eleventh (dev11, bench/data/casualties_real_dev11.jsonl) is ``--bg 57 --cur 22 --none 21`` (dev10's
proportions) with the ten committed files as ``--exclude`` and ``--only-split test``: the first articles of
each stratum in the test half that no committed file holds (the 122 held-back test articles are in
casualties_real.jsonl, so excluded), annotated before any extractor ran on it; 252 ``bg``, 183 ``cur`` and
849 ``none`` unannotated test-half articles remain after it.
The twelfth (dev12, bench/data/casualties_real_dev12.jsonl) is the same command with the eleven committed files
(casualties_real.jsonl, _dev2 … _dev11) as ``--exclude``: the next 57 / 22 / 21 test-half articles after dev11,
annotated before any extractor ran on it; 195 ``bg``, 161 ``cur`` and 828 ``none`` remain after it.
The thirteenth (dev13, bench/data/casualties_real_dev13.jsonl) is the same command with the twelve committed
files as ``--exclude``; 138 ``bg``, 139 ``cur`` and 807 ``none`` remain after it.
The fourteenth (dev14, bench/data/casualties_real_dev14.jsonl) is the same command with the thirteen committed
files as ``--exclude``; 81 ``bg``, 117 ``cur`` and 786 ``none`` remain after it.
The fifteenth (dev15, bench/data/casualties_real_dev15.jsonl): the same with the fourteen committed files; 24
``bg``, 95 ``cur`` and 765 ``none`` remain after it.
The dev/test split is sha1("split:" + docno): first hex digit
0-9 → dev (10/16 ≈ 62%), a-f → test. Prints one JSON line per article: docno, stratum, split.
Run: .venv/bin/python bench/_casualty_sample.py ../shared/data/ant-dev/middle-east-2018-02-to-05.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.text.normalize import normalize

_CASUALTY = re.compile(r"(?:قتل|قتيل|مقتل|جرح|جريح|اصيب|اصابه|اصابات|مصاب|استشهد|شهيد|شهداء|ضحايا|حتف|مصرع|جثث|جثه)")
_ANCHOR = re.compile(r"(?:منذ|الماضي|الماضيه|حصيله|اجمالي|الحرب|\bعام\b)")


def stratum(text: str) -> str:
    m = normalize(text)
    if not _CASUALTY.search(m):
        return "none"
    return "bg" if _ANCHOR.search(m) else "cur"


def split_of(docno: str) -> str:
    return "dev" if hashlib.sha1(f"split:{docno}".encode()).hexdigest()[0] in "0123456789" else "test"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("jsonl", type=Path)
    ap.add_argument("--bg", type=int, default=185)
    ap.add_argument("--cur", type=int, default=50)
    ap.add_argument("--none", type=int, default=50)
    ap.add_argument("--exclude", type=Path, action="append", default=[],
                    help="annotation file (JSON lines with docno) whose articles are skipped; repeatable")
    ap.add_argument("--only-split", choices=("dev", "test"), help="keep only articles of this hash split")
    args = ap.parse_args()
    skip = {json.loads(line)["docno"] for f in args.exclude
            for line in f.read_text(encoding="utf-8").splitlines() if line}
    want = {"bg": args.bg, "cur": args.cur, "none": args.none}
    strata: dict[str, list[str]] = {k: [] for k in want}
    with args.jsonl.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["docno"] in skip or (args.only_split and split_of(row["docno"]) != args.only_split):
                continue
            strata[stratum(f"{row['title']}\n{row['content']}")].append(row["docno"])
    for name, docnos in strata.items():
        docnos.sort(key=lambda d: hashlib.sha1(d.encode()).hexdigest())
        for d in docnos[: want[name]]:
            print(json.dumps({"docno": d, "stratum": name, "split": split_of(d)}))
    print(json.dumps({"strata_sizes": {k: len(v) for k, v in strata.items()}}), file=sys.stderr)


if __name__ == "__main__":
    main()
