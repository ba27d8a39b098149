"""Article casualty totals against hand annotations of real news (bench/data/casualties_real.jsonl).

Why: the gold sets in tests/ are own-written sentences; this measures ``totals`` on real articles
whose texts stay outside the repository (read from a path). Each article is cleaned and extracted
as ``rasd extract`` does (title first, then the content; the feed's publication date as the reference date;
the gazetteer places of the text, as the pipeline passes them). Prints one JSON object: killed and
injured exact match, approximate-flag agreement, precision of a null killed total, and the
misses by class:

* ``background_counted`` the annotation has only background figures, the extractor gave a number
* ``none_counted``       no (or only vague) casualty figures, the extractor gave a number
* ``current_missed``     a current toll exists, the extractor gave null
* ``over`` / ``under``   both numbers, the extractor's is larger / smaller

``--split`` defaults to ``work`` (dev + dev2 … dev16): the held-back test set is printed only when
asked for by name (``--split test``, ``both`` or ``all``), so a development run never shows it.
``--split dev|dev2|test|all`` selects the dev set (looked at while developing), the held-back test
set by sha1("split:" + docno) (the rule in bench/_casualty_sample.py), or dev2: a second annotation
round (bench/data/casualties_real_dev2.jsonl, the next articles of each stratum in the sampler's
order), scored once on the untouched code as a held-out estimate and used for development after.
dev3 is a third round (bench/data/casualties_real_dev3.jsonl: the next articles of each stratum
in the sampler's order that fall in the dev half of the hash split), scored once on the untouched
code in the same way; dev4 and dev5 (bench/data/casualties_real_dev4.jsonl, _dev5.jsonl) are a fourth
and fifth round sampled the same way, dev6 a sixth, dev7 a seventh (bench/data/casualties_real_dev7.jsonl,
annotated before any extractor ran on it; scored once on the round-8 code).
dev8 and dev9 (bench/data/casualties_real_dev8.jsonl, _dev9.jsonl) are an eighth and ninth round sampled as dev6
and dev7 were, annotated before any extractor ran on them and scored once on the round-9 code.
dev10 (bench/data/casualties_real_dev10.jsonl) is a tenth round of 100 (the dev half's last 57 of the
background stratum, 22 and 21 of the others), annotated before any extractor ran on it and scored once on
the round-10 code.
dev11 (bench/data/casualties_real_dev11.jsonl) is an eleventh round of 100 (57 / 22 / 21) drawn from the
test half of the hash split, which no round's checks have read since the third (the dev half's background
stratum is exhausted; the 122 held-back test articles are excluded), annotated before any extractor ran on
it and scored once on the round-11 code. Its articles take their split from
the round file ("dev11"), not from the hash, so ``--split test`` stays the 122 held-back articles.
dev12 (bench/data/casualties_real_dev12.jsonl) is a twelfth round of 100 (57 / 22 / 21), the next test-half
articles of each stratum after dev11, annotated before any extractor ran on it and scored once on the
round-11 code. Like dev11 it takes its split from its file
("dev12"), never "test" from the hash, so ``--split test`` stays the 122 held-back articles.
dev13 (bench/data/casualties_real_dev13.jsonl) is a thirteenth round of 100 (57 / 22 / 21), the next test-half
articles after dev12, annotated before any extractor ran on it and scored once on the round-12 code (split
"dev13" from its file).
dev14 (bench/data/casualties_real_dev14.jsonl) is a fourteenth round drawn the same way after dev13, scored on the
round-12 code and once on the round-13 code, then joined work; dev15 a fifteenth, scored once on the final
round-13 code and on the round-12 code (the same), then joined work; dev16 a sixteenth (24 / 40 / 36: only 24
background-stratum test-half articles were left), scored on the round-13 code and once on the round-14 code, then
joined work. dev17 (80: 50 ``cur`` and 30 ``none``; no background-stratum test-half article is left) was
annotated after round 14 and scored once on its final code: it stays in ``_UNTOUCHED`` for the next round.
``--split work`` scores dev + dev2 … dev16 together.
A round listed in ``_UNTOUCHED`` is scored only when named (``--split devN``), never by ``work``,
``both`` or ``all``, until it has been scored once on the untouched code; then it joins ``_WORK``.
``--misses`` lists each miss (docno, wanted, got) for dev, dev2 … dev16 and work, never for test or an untouched round.
``--history`` (issue 18, bench-only): a first pass extracts every article of the file and keeps its
counted figures as known tolls (bench/_casualty_history.py); each annotated article is then scored
with and without marking background the figures that repeat a toll counted by articles published
days before it (``--history-rule MIN_DAYS MAX_DAYS MIN_COUNT MIN_REPORTS FRESH_DAYS``), with the
articles it makes right and wrong. ``--history-diff EXCLUDE.jsonl`` lists the dev-half articles
(by hash) that are not annotated and not in EXCLUDE whose totals the rule changes, to be read.
Held-out annotations live apart (session 18): the held-back test rows in
bench/data/heldout/casualties_real_test.jsonl and each untouched round's file in bench/data/heldout/ (a round
that joins work moves back beside the others), so that searching the work files never shows a held-out note.
Run: .venv/bin/python bench/casualties_real.py [ARTICLES.jsonl [ANNOTATIONS.jsonl]] [--split dev]
(defaults: ../shared/data/ant-dev/middle-east-2018-02-to-05.jsonl, bench/data/casualties_real.jsonl
with bench/data/casualties_real_dev2.jsonl … _dev16.jsonl beside it and bench/data/heldout/, ``--split work``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._casualty_history import HistoryRule, KnownToll, current_tolls, index_tolls, mark_known_tolls
from bench._casualty_sample import split_of
from worker.extract.casualties import extract_casualties, totals_and_approximate
from worker.extract.entities import extract_entities, place_spans
from worker.text.clean import clean_article


def prepare(title: str, content: str, published: str) -> tuple[str, date | None, list[tuple[int, int, str, str]]]:
    """The text as ``rasd extract`` sees it (title first, cleaned), its reference date and places."""
    text = clean_article(f"{title}\n{content}" if title and not content.lstrip().startswith(title) else content).text
    try:
        reference: date | None = parsedate_to_datetime(published).date()
    except (TypeError, ValueError):
        reference = None
    places = place_spans(extract_entities(text, reference, tagger=False))
    return text, reference, list(places)


def predict(title: str, content: str, published: str) -> tuple[dict[str, int | None], dict[str, bool]]:
    text, reference, places = prepare(title, content, published)
    return totals_and_approximate(extract_casualties(text, reference=reference, places=places))


History = tuple[dict[tuple[str, int], list[KnownToll]], HistoryRule]


def known_tolls(path: Path) -> tuple[dict[tuple[str, int], list[KnownToll]], int]:
    """First pass: the counted figures of every article of ``path`` (the history as the live system
    would have it: unlabelled extractor output) and how many articles were read."""
    tolls: list[KnownToll] = []
    n = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            n += 1
            text, reference, places = prepare(row["title"], row["content"], row.get("published") or "")
            if reference is not None:
                tolls += current_tolls(extract_casualties(text, reference=reference, places=places), reference,
                                       {p[2] for p in places}, row["docno"])
    return index_tolls(tolls), n


def predict_with_history(row: dict[str, Any], history: History | None) -> tuple[dict[str, int | None], float]:
    """Totals of one article, with the known tolls of ``history`` marked background, and the µs the
    lookup took."""
    text, reference, places = prepare(row["title"], row["content"], row.get("published") or "")
    casualties = extract_casualties(text, reference=reference, places=places)
    t0 = time.perf_counter()
    if history is not None:
        casualties = mark_known_tolls(casualties, history[0], reference, {p[2] for p in places}, row["docno"],
                                      history[1])
    return totals_and_approximate(casualties)[0], 1e6 * (time.perf_counter() - t0)


def compare_history(texts: dict[str, dict[str, Any]], notes: list[dict[str, Any]], history: History) -> dict[str, Any]:
    """Killed/injured articles the known-toll rule makes right (better), wrong (worse) or moves
    between two wrong numbers (other), and the mean lookup time."""
    out: dict[str, Any] = {}
    changed: dict[str, Counter[str]] = {"killed": Counter(), "injured": Counter()}
    spent = 0.0
    for a in notes:
        before, _ = predict_with_history(texts[a["docno"]], None)
        after, us = predict_with_history(texts[a["docno"]], history)
        spent += us
        for kind in changed:
            if before[kind] != after[kind]:
                changed[kind]["better" if after[kind] == a[kind] else "worse" if before[kind] == a[kind] else "other"] += 1
    out["changed"] = {k: dict(v) for k, v in changed.items()}
    out["lookup_us_per_article"] = round(spent / len(notes), 1) if notes else None
    return out


def history_diff(path: Path, annotated: set[str], exclude: set[str], history: History) -> list[dict[str, Any]]:
    """Dev-half articles (by hash), neither annotated nor excluded, whose totals the rule changes."""
    out: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if split_of(row["docno"]) != "dev" or row["docno"] in annotated or row["docno"] in exclude:
                continue
            before, _ = predict_with_history(row, None)
            after, _ = predict_with_history(row, history)
            if before != after:
                out.append({"docno": row["docno"], "before": before, "after": after})
    return out


def miss_class(tag: str, want: int | None, got: int | None) -> str:
    if want is None:
        return "background_counted" if tag == "background" else "none_counted"
    if got is None:
        return "current_missed"
    return "over" if got > want else "under"


def score(texts: dict[str, dict[str, Any]], notes: list[dict[str, Any]], show: bool,
          history: History | None = None) -> dict[str, Any]:
    n = len(notes)
    ok = {"killed": 0, "injured": 0}
    approx_ok = 0
    null_pred = null_right = 0
    misses: dict[str, Counter[str]] = {"killed": Counter(), "injured": Counter()}
    listed: list[dict[str, Any]] = []
    t0 = time.process_time()
    for a in notes:
        row = texts[a["docno"]]
        if history is None:
            totals, approximate = predict(row["title"], row["content"], row.get("published") or "")
        else:
            totals = predict_with_history(row, history)[0]
            approximate = {"killed": False, "injured": False}
        tag = a["note"].split(":", 1)[0]
        for kind in ("killed", "injured"):
            want, got = a[kind], totals[kind]
            if want == got:
                ok[kind] += 1
            else:
                misses[kind][miss_class(tag, want, got)] += 1
                if show:
                    listed.append({"docno": a["docno"], "kind": kind, "want": want, "got": got, "tag": tag})
        if totals["killed"] is None:
            null_pred += 1
            null_right += a["killed"] is None
        if a["killed"] is not None and a["killed"] == totals["killed"]:
            approx_ok += approximate["killed"] == a["approx"]
    cpu = time.process_time() - t0
    out: dict[str, Any] = {
        "articles": n,
        "killed_exact": round(ok["killed"] / n, 3) if n else None,
        "injured_exact": round(ok["injured"] / n, 3) if n else None,
        "killed_null_precision": round(null_right / null_pred, 3) if null_pred else None,
        "killed_null_predicted": null_pred,
        "approx_agreement_on_exact_killed": approx_ok,
        "misses": {k: dict(v) for k, v in misses.items()},
        "classes": dict(Counter(a["note"].split(":", 1)[0] for a in notes)),
        "ms_per_article_cpu": round(1000 * cpu / n, 2) if n else None,
    }
    if show:
        out["miss_list"] = listed
    return out


_ROOT = Path(__file__).resolve().parents[1]
_DEFAULT_TEXTS = _ROOT.parent / "shared" / "data" / "ant-dev" / "middle-east-2018-02-to-05.jsonl"
_DEFAULT_NOTES = _ROOT / "bench" / "data" / "casualties_real.jsonl"
_WORK = ("dev", *(f"dev{n}" for n in range(2, 17)))  # dev + the round files dev2 … dev16, all scored
_UNTOUCHED: tuple[str, ...] = ("dev17",)  # scored only when named, so no development run sees it before its one score
_ROUNDS = (*_WORK[1:], *_UNTOUCHED)  # the round files read beside the main annotation file
_SPLITS = (*_WORK, "test")


def heldout_dir(path: Path) -> Path:
    """Where the held-back test annotations and the untouched rounds live, apart from the work files, so a
    search over ``bench/data/casualties_real*.jsonl`` never shows a held-out note."""
    return path.parent / "heldout"


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _read_notes(path: Path) -> list[dict[str, Any]]:
    """The annotations with their split: dev/test by hash (the test half's held-back rows in
    ``heldout/<stem>_test``), dev2 … dev17 by their round file, beside ``path`` or in ``heldout/``.

    A round file's name wins over the hash, so dev11 … dev17 (drawn from the test half) never land in ``test``.
    """
    held = heldout_dir(path) / f"{path.stem}_test{path.suffix}"
    notes = _lines(path) + (_lines(held) if held.exists() else [])
    for a in notes:
        a["split"] = split_of(a["docno"])
    for name in _ROUNDS:
        for folder in (path.parent, heldout_dir(path)):
            extra = folder / f"{path.stem}_{name}{path.suffix}"
            if extra.exists():
                notes += [{**a, "split": name} for a in _lines(extra)]
    return notes


def select(notes: list[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    """The annotations a ``--split`` scores: an untouched round only when it is named."""
    if split == "work":
        return [a for a in notes if a["split"] in _WORK]
    if split in ("all", "both"):
        return [a for a in notes if a["split"] not in _UNTOUCHED]
    return [a for a in notes if a["split"] == split]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("jsonl", type=Path, nargs="?", default=_DEFAULT_TEXTS, help="articles (docno, title, content)")
    ap.add_argument("annotations", type=Path, nargs="?", default=_DEFAULT_NOTES)
    ap.add_argument("--split", choices=(*_SPLITS, *_UNTOUCHED, "work", "all", "both"), default="work",
                    help="work (the default): dev + dev2 … dev16 together, never the test set; "
                         "both: dev, dev2 … dev16 and test, one object each; test/all only when asked; "
                         "an untouched round only by name")
    ap.add_argument("--misses", action="store_true", help="list each miss (dev, dev2 … dev16 and work only)")
    ap.add_argument("--history", action="store_true", help="score with and without known tolls of earlier articles")
    ap.add_argument("--history-rule", type=int, nargs=5, default=None,
                    metavar=("MIN_DAYS", "MAX_DAYS", "MIN_COUNT", "MIN_REPORTS", "FRESH_DAYS"))
    ap.add_argument("--history-diff", type=Path, default=None, metavar="EXCLUDE.jsonl",
                    help="with --history: list changed unannotated dev-half articles, minus EXCLUDE's docnos")
    args = ap.parse_args()
    if not args.jsonl.exists():
        sys.exit(f"casualties_real: no article file at {args.jsonl} (the texts stay outside the repository)")
    notes = select(_read_notes(args.annotations), args.split)
    wanted = {a["docno"] for a in notes}
    texts: dict[str, dict[str, Any]] = {}
    with args.jsonl.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["docno"] in wanted:
                texts[row["docno"]] = row
    missing = wanted - texts.keys()
    if missing:
        sys.exit(f"casualties_real: {len(missing)} annotated articles are not in {args.jsonl}")
    if args.history:
        if args.split not in (*_WORK, "work"):
            sys.exit("casualties_real: --history scores dev, dev2 … dev16 or work only")
        rule = HistoryRule(*args.history_rule) if args.history_rule else HistoryRule()
        t0 = time.process_time()
        index, read = known_tolls(args.jsonl)
        history: History = (index, rule)
        result: dict[str, Any] = {"benchmark": "casualties_real", "split": args.split, "history_rule": vars(rule),
                  "history_articles": read, "history_tolls": sum(map(len, index.values())),
                  "history_first_pass_s_cpu": round(time.process_time() - t0, 1),
                  "without": score(texts, notes, False), "with": score(texts, notes, False, history),
                  **compare_history(texts, notes, history)}
        for name in ("without", "with"):
            result[name].pop("approx_agreement_on_exact_killed")
        if args.history_diff is not None:
            exclude = {json.loads(line)["docno"] for line in args.history_diff.read_text(encoding="utf-8").splitlines()
                       if line}
            every = {a["docno"] for a in _read_notes(args.annotations)}
            result["dev_half_changed"] = history_diff(args.jsonl, every, exclude, history)
        print(json.dumps(result, ensure_ascii=False))
        return
    if args.split == "both":
        result = {"benchmark": "casualties_real"}
        for name in _SPLITS:
            part = [a for a in notes if a["split"] == name]
            result[name] = score(texts, part, False)
    else:
        result = {"benchmark": "casualties_real", "split": args.split,
                  **score(texts, notes, args.misses and args.split in (*_WORK, "work"))}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
