"""Region assignment with and without the entity tagger on a news .jsonl (alerts use these regions).

For every article (title + content, cleaned as the pipeline does) compares the admin1/country
region keys of ``regions_for`` with the tagger on and off, and prints one JSON object: articles
whose region set changes, regions added/removed by type, and a sample of changes (keys and the
tagger spans responsible, no sentences), plus entity counts by source.

Run: ``.venv/bin/python bench/ner_regions.py ../shared/data/ant-dev/middle-east-2018-02-to-05.jsonl``
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.extract.entities import extract_entities, regions_for  # noqa: E402
from worker.text.clean import clean_article  # noqa: E402


def main() -> None:
    path = Path(sys.argv[1])
    articles = [json.loads(x) for x in path.read_text(encoding="utf-8").split("\n") if x.strip()]
    changed: list[dict[str, object]] = []
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    admin1_changed = 0
    for a in articles:
        text = clean_article(f"{a.get('title') or ''}\n{a.get('content') or ''}").text
        before = extract_entities(text, tagger=False)
        after = extract_entities(text)
        sources.update(f"{e.type}:{e.source}" for e in after)
        rb = {r.key for r in regions_for(before)}
        ra = {r.key for r in regions_for(after)}
        if rb != ra:
            plus, minus = sorted(ra - rb), sorted(rb - ra)
            added.update(k.split(":")[1] for k in plus)
            removed.update(k.split(":")[1] for k in minus)
            if {k for k in plus + minus if ":admin1:" in k}:
                admin1_changed += 1
            why = sorted({f"{e.text}→{e.normalized}" for e in after if e.source == "tagger" and e.geo})
            changed.append({"docno": a.get("docno"), "added": plus, "removed": minus, "tagger_places": why})
    print(json.dumps({"articles": len(articles), "region_set_changed": len(changed),
                      "admin1_set_changed": admin1_changed, "regions_added": dict(added),
                      "regions_removed": dict(removed), "entities_by_source": dict(sorted(sources.items())),
                      "sample": changed[:25]}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
