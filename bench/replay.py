"""Replay throughput: 10,000 generated Arabic articles (JSONL, ~40 % syndicated copies) through
worker.services.replay.replay_paths (what `rasd replay` runs) on SQLite + an embedded Valkey.
Then cProfile over a 300-article replay names where the time goes. Prints one JSON object.
Target: >= 500 articles/s on 2 cores.
"""

from __future__ import annotations

import cProfile
import json
import os
import platform
import pstats
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.chaos.loadgen import CREDITS, write_event  # noqa: E402
from worker.broker import EmbeddedValkey  # noqa: E402
from worker.resources import Resources  # noqa: E402
from worker.services.replay import replay_paths  # noqa: E402
from worker.services.setup import prepare_storage  # noqa: E402
from worker.settings import Settings  # noqa: E402

N = int(os.environ.get("RASD_BENCH_REPLAY_N", "10000"))
PROFILE_N = int(os.environ.get("RASD_BENCH_REPLAY_PROFILE_N", "300"))
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def articles(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    lines: list[str] = []
    event = 0
    while len(lines) < n:
        _, title, body = write_event(event, rng)
        when = NOW - timedelta(seconds=rng.randint(0, 48 * 3600))
        copies = 1 + (rng.random() < 0.4) * rng.randint(1, 2)
        for c in range(copies):
            lines.append(json.dumps({
                "url": f"https://src{c}.example/{seed}/{event}", "title": title if c == 0 else f"عاجل: {title}",
                "content": body if c == 0 else f"{body}\n{rng.choice(CREDITS)}",
                "published": when.isoformat(), "source": f"مصدر {(event + c) % 6}"}, ensure_ascii=False))
        event += 1
    return lines[:n]


def run(tmp: Path, name: str, n: int, seed: int, valkey: EmbeddedValkey) -> tuple[dict[str, object], Resources]:
    path = tmp / f"{name}.jsonl"
    path.write_text("\n".join(articles(n, seed)) + "\n", encoding="utf-8")
    valkey_client_flush(valkey)
    settings = Settings(data_dir=tmp / name, redis_url=valkey.url, import_feeds_on_start=False)
    prepare_storage(settings)
    res = Resources(settings)
    return replay_paths(res, [path], NOW, deliver=False).to_json(), res


def valkey_client_flush(valkey: EmbeddedValkey) -> None:
    import redis

    client = redis.Redis.from_url(valkey.url)
    client.flushall()
    client.close()


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rasd-replay-bench-"))
    valkey = EmbeddedValkey(tmp / "valkey").start()
    try:
        summary, res = run(tmp, "main", N, 1, valkey)
        res.close()
        profiler = cProfile.Profile()
        profiler.enable()
        psummary, pres = run(tmp, "profile", PROFILE_N, 2, valkey)
        profiler.disable()
        pres.close()
    finally:
        valkey.stop()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (_, _, tt, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((ct, tt, f"{Path(file).name}:{line}:{func}"))
    top_cum = [{"fn": f, "cum_s": round(ct, 2), "share": round(ct / total, 3)}
               for ct, _, f in sorted(rows, reverse=True)
               if any(k in f for k in ("process_item", "analyse", "assign", "update_signals", "save_article",
                                       "refresh_story", "store_items", "mark_attempt", "get_items", "set_state",
                                       "clean_article", "extract_casualties", "extract_entities", "score_keywords",
                                       "evaluate_region", "evaluate_held", "fingerprint", "get_story", "execute"))][:18]
    top_self = [{"fn": f, "self_s": round(tt, 2)} for _, tt, f in sorted(rows, key=lambda r: -r[1])[:10]]
    print(json.dumps({
        "benchmark": "replay", "articles": summary["items_read"], "processed": summary["processed"],
        "unique_stories": summary["unique_stories"], "alerts": len(summary["alerts"]),  # type: ignore[arg-type]
        "seconds": summary["seconds"], "articles_per_second": summary["articles_per_second"],
        "target_articles_per_second": 500, "profile_articles": psummary["processed"],
        "profile_seconds_total": round(total, 2), "profile_top_cumulative": top_cum, "profile_top_self": top_self,
        "database": "sqlite", "nproc": os.cpu_count(), "python": platform.python_version(),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
