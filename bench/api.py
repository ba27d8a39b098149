"""Dashboard endpoints' latency with 100,000 stories, on SQLite and PostgreSQL.

Builds a database of synthetic stories (one article each, 30 days of event time ending now, regions
drawn from the gazetteer's admin1 regions with a skew, titles and text from our own Arabic word
list; or the texts of a file given with --texts, one per line), indexes them as the service does
(worker.store.story_index.backfill), stores alerts over them, then times each endpoint in process
(FastAPI TestClient: routing, queries and serialisation; no network). Prints one JSON object:
per endpoint and engine, median and p95 in ms over --repeat requests.

    .venv/bin/python bench/api.py [--stories 100000] [--engines sqlite,postgresql] [--texts FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from worker.services.regions import catalogue  # noqa: E402
from worker.store.db import make_engine, migrate  # noqa: E402
from worker.store.tables import alerts, articles, items, stories  # noqa: E402

VOCAB = ("قصف مدفعي غارة جوية اشتباكات عنيفة مقتل مدنيين إصابة جنود انفجار سيارة مفخخة في مدينة ريف "
         "المحافظة صباح اليوم مساء أمس بحسب مصادر محلية الدفاع المدني مسعفون سوق شعبي طائرات مسيرة نزوح "
         "الأهالي اجتماع وفد مفاوضات افتتاح مدرسة مستشفى ميداني قافلة مساعدات معبر حدودي")
WORDS = VOCAB.split()
NUMBERS = ("خمسة", "سبعة", "ثلاثة", "عشرة", "اثنان")


def synthetic_text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def build(url: str, n: int, texts: list[str] | None, seed: int = 7) -> dict[str, Any]:
    """Fill a migrated, empty database; returns what the requests need (an alert id, a busy region)."""
    from worker.store import alerts_repo, story_index

    rng = random.Random(seed)
    engine = make_engine(url)
    regions = [r for r in catalogue().values() if r.level == "admin1"]
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(regions))]
    now = datetime.now(UTC).replace(microsecond=0)
    t0 = time.perf_counter()
    chunk = 5000
    for start in range(0, n, chunk):
        item_rows, article_rows, story_rows = [], [], []
        for i in range(start + 1, min(n, start + chunk) + 1):
            region = rng.choices(regions, weights)[0]
            event = now - timedelta(seconds=rng.randrange(30 * 86400))
            title = texts[i % len(texts)][:120] if texts else synthetic_text(rng, 8)
            text = texts[i % len(texts)] if texts else f"{synthetic_text(rng, 40)} {rng.choice(NUMBERS)}"
            killed = rng.choice((None, None, None, 1, 2, 3, 5, 8, 13))
            reg = {"name_ar": region.name_ar, "name_en": region.name_en, "country": region.country,
                   "level": "admin1", "lat": region.lat, "lon": region.lon, "since": [i, 0]}
            source = f"source{rng.randrange(40)}.example.org"
            item_rows.append({"id": i, "source": source, "unique_key": f"k{i}", "url": f"https://{source}/{i}",
                              "title": title, "summary": text, "content": "", "published": event, "event_time": event,
                              "fetched_at": event, "updated_at": event, "content_hash": hashlib.sha1(
                                  str(i).encode()).hexdigest(), "state": "processed"})
            totals = {"killed": killed, "injured": None}
            article_rows.append({"item_id": i, "story_id": i, "text_clean": f"{title}\n{text}", "totals": totals,
                                 "casualties": [], "entities": [], "keywords": [], "escalation_score": 0.3,
                                 "regions": [reg], "processed_at": event})
            story_rows.append({"id": i, "first_seen": event, "event_time": event, "title": title,
                               "url": f"https://{source}/{i}", "size": 1, "sources": [source], "totals": totals,
                               "regions": [reg], "keywords": {}, "escalation_score": 0.3, "updated_at": event,
                               "first_item_id": i})
        with engine.begin() as conn:
            conn.execute(sa.insert(items), item_rows)
            conn.execute(sa.insert(articles), article_rows)
            conn.execute(sa.insert(stories), story_rows)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with engine.begin() as conn:
        story_index.backfill(conn)
    index_s = time.perf_counter() - t0
    busy = regions[0]
    with engine.begin() as conn:
        recent = [int(r[0]) for r in conn.execute(
            sa.select(stories.c.id).where(stories.c.event_time >= now - timedelta(hours=3))
            .order_by(stories.c.id).limit(400))]
        for k in range(200):
            sev = ("watch", "warning", "critical")[k % 3]
            end = now - timedelta(hours=3 * k)
            sids = recent[k * 2:k * 2 + 10] or recent[:10]
            payload = {"id": f"alr_bench{k:04d}", "region": {"name_ar": busy.name_ar, "name_en": busy.name_en,
                                                               "country": busy.country, "level": "admin1",
                                                               "lat": busy.lat, "lon": busy.lon},
                       "window": {"start": (end - timedelta(hours=3)).isoformat(), "end": end.isoformat()},
                       "severity": sev, "score": 6.0, "observed": 10, "expected": 1.0, "p_value": 1e-6,
                       "keywords": {}, "casualties": {"killed": 5, "injured": None},
                       "stories": [{"story_id": str(s), "title": "", "url": "", "sources": [], "published": None}
                                   for s in sids], "sources": [], "created_at": end.isoformat()}
            alerts_repo.insert_alert(conn, payload["id"], busy.key, sev, end - timedelta(hours=3), end, payload, end)
    with engine.connect() as conn:
        counts = {"stories": conn.execute(sa.select(sa.func.count()).select_from(stories)).scalar_one(),
                  "alerts": conn.execute(sa.select(sa.func.count()).select_from(alerts)).scalar_one()}
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return {"busy": busy, "alert": "alr_bench0000", "load_s": round(load_s, 1), "index_s": round(index_s, 1), **counts}


def requests(ctx: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    busy = ctx["busy"]
    return {
        "regions (map)": ("/regions", {}),
        "alerts (feed)": ("/alerts", {"limit": 100}),
        "alert evidence": (f"/alerts/{ctx['alert']}", {}),
        "series hour 72h": (f"/regions/{busy.key}/series", {"scale": "hour"}),
        "series day 30d": (f"/regions/{busy.key}/series", {"scale": "day"}),
        "stories newest 100": ("/stories", {}),
        "stories page 2": ("/stories", {"cursor": "NEXT"}),
        "stories region (Arabic)": ("/stories", {"region": busy.name_ar}),
        "stories quiet region": ("/stories", {"region": ctx["quiet"].key}),
        "stories q": ("/stories", {"q": "قصف"}),
        "stories q rare + region": ("/stories", {"q": "مستشفى ميداني", "region": busy.name_en}),
        "stories min_killed 8": ("/stories", {"min_killed": 8}),
        "stories severity warning": ("/stories", {"severity": "warning"}),
        "stories since 2d": ("/stories", {"since": (datetime.now(UTC) - timedelta(days=2)).isoformat()}),
        "stories csv 1000": ("/stories", {"format": "csv", "limit": 1000}),
        "stories geojson 100": ("/stories", {"format": "geojson"}),
        "alerts csv": ("/alerts", {"format": "csv"}),
        "articles 50": ("/articles", {}),
        "feeds": ("/feeds", {}),
        "dashboard page": ("/", {}),
    }


def measure(url: str, ctx: dict[str, Any], repeat: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from worker.api.app import create_app
    from worker.resources import Resources
    from worker.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), database_url=url,  # type: ignore[call-arg]
                            redis_url="redis://127.0.0.1:1/0", api_open_reads=True)
        res = Resources(settings)
        out: dict[str, Any] = {}
        with TestClient(create_app(res)) as client:
            first = client.get("/stories").json()
            for name, (path, params) in requests(ctx).items():
                if params.get("cursor") == "NEXT":
                    params = {"cursor": first["next_cursor"]}
                r = client.get(path, params=params)
                assert r.status_code == 200, (name, r.status_code, r.text[:300])
                times = []
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    client.get(path, params=params)
                    times.append((time.perf_counter() - t0) * 1000)
                times.sort()
                out[name] = {"median_ms": round(statistics.median(times), 1),
                             "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                             "bytes": len(r.content)}
        res.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, default=100_000)
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--texts", type=Path, help="one text per line (default: synthetic)")
    args = ap.parse_args()
    texts = [t for t in args.texts.read_text(encoding="utf-8").splitlines() if t.strip()] if args.texts else None
    import os

    result: dict[str, Any] = {"stories": args.stories, "repeat": args.repeat,
                              "loadavg_1m_start": round(os.getloadavg()[0], 2), "engines": {}}
    with ExitStack() as stack:
        for engine_name in args.engines.split(","):
            if engine_name == "postgresql":
                from tests.pgcluster import pg_cluster

                url = stack.enter_context(pg_cluster(prefix="rasd-bench-api-")).url
            else:
                url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/bench.sqlite3"
            migrate(url)
            ctx = build(url, args.stories, texts)
            regions = [r for r in catalogue().values() if r.level == "admin1"]
            ctx["quiet"] = regions[-1]
            timings = measure(url, ctx, args.repeat)
            result["engines"][engine_name] = {
                "build": {k: ctx[k] for k in ("load_s", "index_s", "stories", "alerts")},
                "endpoints": timings,
                "worst_p95_ms": max(t["p95_ms"] for t in timings.values()),
            }
    result["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
