"""Region assignment (what alerts use) before/after a change of the extractor, on a news .jsonl.

``--compare tagger``: the entity tagger off (``tagger=False``) vs on; ``--compare generated``: the
gazetteer without vs with ``towns_geonames.tsv`` (tagger off both times). For every article
(title + content, cleaned as the pipeline does) compares the region keys of ``regions_for`` and
prints one JSON object: articles whose region set / admin1 set changes, regions added/removed by
kind, the places responsible (names only, no sentences) and entity counts by source.

Run: ``.venv/bin/python bench/regions.py ../shared/data/ant-dev/middle-east-2018-02-to-05.jsonl --compare tagger``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import worker.extract.entities as ent_mod  # noqa: E402
from worker.extract import gazetteer  # noqa: E402
from worker.extract.entities import extract_entities, regions_for  # noqa: E402
from worker.models import Entity  # noqa: E402
from worker.text.clean import clean_article  # noqa: E402


def _pass(texts: list[str], tagger: bool, generated: bool) -> list[list[Entity]]:
    """Entities of every text with the tagger and the generated gazetteer on or off."""
    ent_mod.load = (lambda: gazetteer.load(True)) if generated else (lambda: gazetteer.load(False))  # type: ignore[assignment]
    ent_mod._LEX = None  # the automaton is rebuilt from the chosen gazetteer
    try:
        return [extract_entities(t, tagger=tagger) for t in texts]
    finally:
        ent_mod.load = gazetteer.load
        ent_mod._LEX = None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, nargs="?",
                    default=ROOT.parent / "shared/data/ant-dev/middle-east-2018-02-to-05.jsonl")
    ap.add_argument("--compare", choices=("tagger", "generated"), default="tagger")
    a = ap.parse_args()
    articles = [json.loads(x) for x in a.path.read_text(encoding="utf-8").split("\n") if x.strip()]
    texts = [clean_article(f"{x.get('title') or ''}\n{x.get('content') or ''}").text for x in articles]
    if a.compare == "tagger":
        befores, afters = _pass(texts, False, True), _pass(texts, True, True)
    else:
        befores, afters = _pass(texts, False, False), _pass(texts, False, True)
    changed: list[dict[str, object]] = []
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    admin1_changed = 0
    for x, before, after in zip(articles, befores, afters, strict=True):
        sources.update(f"{e.type}:{e.source}" for e in after)
        rb = {r.key for r in regions_for(before)}
        ra = {r.key for r in regions_for(after)}
        if rb == ra:
            continue
        plus, minus = sorted(ra - rb), sorted(rb - ra)
        added.update(k.split(":")[1] for k in plus)
        removed.update(k.split(":")[1] for k in minus)
        if any(":admin1:" in k for k in plus + minus):
            admin1_changed += 1
        seen = {(e.span, e.normalized) for e in before}
        why = sorted({f"{e.text}→{e.normalized}" for e in after if e.geo and (e.span, e.normalized) not in seen})
        changed.append({"docno": x.get("docno"), "added": plus, "removed": minus, "new_places": why})
    print(json.dumps({"compare": a.compare, "articles": len(articles), "region_set_changed": len(changed),
                      "admin1_set_changed": admin1_changed, "regions_added": dict(added),
                      "regions_removed": dict(removed), "entities_by_source": dict(sorted(sources.items())),
                      "sample": changed[:10]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
