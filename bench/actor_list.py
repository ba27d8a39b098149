"""What one list of ``worker/extract/lexicon`` (organisations.tsv, people.tsv) adds on real news.

Runs the lists-and-rules layer (``extract_entities(tagger=False)``) twice over the dev half of a
news .jsonl (sha1("split:" + docno) first hex digit 0-9, the rule of bench/_casualty_sample.py),
first without ``--list`` (the other actor files), then with every file, and prints one JSON object:
list entities of ``--type`` (ORG, PER) before/after, how many articles' region sets change and the
canonical names most often added (our list's names). ``--details`` adds every (surface, canonical) pair
added, the names lost and the changed region sets with the names responsible: surface forms read from
the articles, for reading, so ``make bench`` (docs/BENCHMARKS.md) runs without it. ``--tagger`` runs the
whole stage (tagger on), which is slower. ``--sample N`` also prints N added matches, drawn with a fixed
seed, with a few words around each, for reading (stdout only, never committed).

Run: ``.venv/bin/python bench/actor_list.py [../shared/data/ant-dev/middle-east-2018-02-to-05.jsonl] --limit 1000``
(organisations, issue 17; the path is the default) or ``… --list people.tsv --type PER`` (people, issue 17k).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_PATH = ROOT.parent / "shared/data/ant-dev/middle-east-2018-02-to-05.jsonl"

import worker.extract.entities as ent_mod  # noqa: E402
from bench._casualty_sample import split_of  # noqa: E402
from worker.extract.entities import extract_entities, regions_for  # noqa: E402
from worker.models import Entity  # noqa: E402
from worker.text.clean import clean_article  # noqa: E402


def _pass(texts: list[str], files: tuple[str, ...], tagger: bool = False) -> list[list[Entity]]:
    """Entities (lists and rules only, unless ``tagger``) with the given actor files."""
    saved = ent_mod._ACTOR_FILES
    ent_mod._ACTOR_FILES = files
    ent_mod._LEX = None  # rebuilt from the chosen files
    try:
        return [extract_entities(t, tagger=tagger) for t in texts]
    finally:
        ent_mod._ACTOR_FILES = saved
        ent_mod._LEX = None


def _listed(ents: list[Entity], typ: str) -> set[tuple[int, int, str]]:
    return {(e.span[0], e.span[1], e.normalized) for e in ents if e.type == typ and e.source == "gazetteer"}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path", type=Path, nargs="?", default=DEFAULT_PATH)
    ap.add_argument("--limit", type=int, default=1000, help="dev-half articles, in file order")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--list", default="organisations.tsv", help="the list file measured")
    ap.add_argument("--type", default="ORG", choices=("ORG", "PER"))
    ap.add_argument("--tagger", action="store_true", help="the whole stage, tagger on")
    ap.add_argument("--details", action="store_true",
                    help="also each surface form added, each lost name and each changed region set (for reading, "
                         "not for docs/BENCHMARKS.md: they are names read from the articles)")
    a = ap.parse_args(argv)
    if not a.path.is_file():
        sys.exit(f"actor_list: no article file at {a.path} (the texts stay outside the repository)")
    articles: list[dict[str, Any]] = []
    with a.path.open(encoding="utf-8") as f:
        for line in f:
            x = json.loads(line)
            if split_of(str(x.get("docno", ""))) == "dev":
                articles.append(x)
            if len(articles) >= a.limit:
                break
    texts = [clean_article(f"{x.get('title') or ''}\n{x.get('content') or ''}").text for x in articles]
    before = _pass(texts, tuple(f for f in ent_mod._ACTOR_FILES if f != a.list), a.tagger)
    after = _pass(texts, ent_mod._ACTOR_FILES, a.tagger)
    added: list[tuple[int, tuple[int, int, str]]] = []
    lost: Counter[str] = Counter()
    region_changed: list[dict[str, Any]] = []
    listed_before = [_listed(b, a.type) for b in before]
    listed_after = [_listed(x, a.type) for x in after]
    for i, (b, af) in enumerate(zip(before, after, strict=True)):
        ob, oa = listed_before[i], listed_after[i]
        added.extend((i, o) for o in sorted(oa - ob))
        lost.update(o[2] for o in ob - oa)
        rb = {r.key for r in regions_for(b)}
        ra = {r.key for r in regions_for(af)}
        if rb != ra:
            region_changed.append({"docno": articles[i].get("docno"), "removed": sorted(rb - ra),
                                   "added": sorted(ra - rb), "names": sorted({o[2] for o in oa - ob})})
    t = a.type.lower()
    pairs = Counter(f"{texts[i][o[0]:o[1]]} → {o[2]}" for i, o in added)
    out = {
        "articles": len(texts),
        f"list_{t}_before": sum(map(len, listed_before)),
        f"list_{t}_after": sum(map(len, listed_after)),
        f"articles_with_list_{t}_before": sum(1 for x in listed_before if x),
        f"articles_with_list_{t}_after": sum(1 for x in listed_after if x),
        "added": len(added),
        "replaced_or_lost": sum(lost.values()),
        "top_added": dict(Counter(o[2] for _, o in added).most_common(40)),
        "region_sets_changed": len(region_changed),
    }
    if a.details:
        out |= {"lost_names": dict(lost.most_common()), "region_changes": region_changed,
                "added_pairs": dict(pairs.most_common())}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if a.sample:
        for i, (s, e, norm) in random.Random(17).sample(added, min(a.sample, len(added))):
            t = texts[i]
            print(f"{articles[i].get('docno')}\t{norm}\t{t[s:e]}\t…{t[max(0, s - 40):s]}[{t[s:e]}]{t[e:e + 40]}…")


if __name__ == "__main__":
    main()
