"""`rasd replay` sweeps regions while later chunks are still being extracted (worker.services.replay
._Sweeper): the alerts and baselines must be exactly those of one sweep after everything was
processed. Real parts: SQLite, Valkey."""

from __future__ import annotations

import gc
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa

from tests.chaos.loadgen import write_event
from worker.resources import Resources
from worker.services import replay
from worker.services.setup import prepare_storage
from worker.settings import Settings
from worker.signals.spikes import bucket_index
from worker.store.tables import alerts, region_state

pytestmark = [pytest.mark.integration]
NOW = datetime(2026, 6, 1, tzinfo=UTC)
START = datetime(2026, 3, 1, tzinfo=UTC)


def write_articles(path: Path) -> int:
    """30 days of one article every ~10 hours somewhere, and three bursts that test what the sweeper
    must wait for:

    * day 12, Idlib and Aleppo by turns (40 stories in 12 hours): Syria's window qualifies an hour
      or so before Idlib's does, and Idlib's alert carries it, so no Syria alert may go out;
    * then 60 Nineveh stories in 18 hours, 31 hours later: chunks of a few hours each, so sweeps
      stop at buckets inside the first burst;
    * day 24, 10 Daraa stories from one source, whose copies from a second source come 18 hours
      later (within the dedup window): only with the copies do its windows have two sources.
    """
    rng = random.Random(16)
    lines: list[tuple[datetime, dict[str, Any]]] = []
    n = 0

    def article(when: datetime, source: int, region: str | None = None, copy_after: timedelta | None = None) -> None:
        nonlocal n
        while True:
            key, title, body = write_event(n, rng)
            if region is None or key == region:
                break
        lines.append((when, {"url": f"https://src{source}.example/{n}", "title": title, "content": body,
                             "published": when.isoformat(), "source": f"مصدر {source}"}))
        if copy_after is not None:
            lines.append((when + copy_after, {
                "url": f"https://src9.example/{n}", "title": f"عاجل: {title}", "content": f"{body}\n(رويترز)",
                "published": (when + copy_after).isoformat(), "source": "مصدر 9"}))
        n += 1

    t = START
    while t < START + timedelta(days=30):
        article(t, n % 4)
        t += timedelta(hours=rng.uniform(6, 14))
    burst = START + timedelta(days=12, hours=9)
    for k in range(40):
        article(burst + timedelta(minutes=18 * k), k % 3, ("SY:admin1:Idlib", "SY:admin1:Aleppo")[k % 2])
    for k in range(60):
        article(burst + timedelta(hours=31, minutes=18 * k), k % 3, "IQ:admin1:Nineveh")
    for k in range(10):
        article(START + timedelta(days=24, hours=9, minutes=17 * k), 0, "SY:admin1:Daraa", timedelta(hours=18))
    lines.sort(key=lambda x: x[0])
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for _, d in lines), encoding="utf-8")
    return len(lines)


def run(tmp: Path, redis_url: str, path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    client.close()
    settings = Settings(data_dir=tmp, redis_url=redis_url, import_feeds_on_start=False, dedup_window_days=1)
    prepare_storage(settings)
    res = Resources(settings)
    try:
        summary = replay.replay_paths(res, [path], NOW, deliver=False)
        with res.engine.connect() as conn:
            stored = [dict(r) for r in conn.execute(sa.select(alerts).order_by(alerts.c.id)).mappings()]
            states = [dict(r) for r in conn.execute(sa.select(region_state).order_by(region_state.c.region_key))
                      .mappings()]
    finally:
        res.close()
    return stored, states, summary.alerts


@contextmanager
def no_pool(n_items: int) -> Iterator[None]:
    yield None


def test_sweeping_during_extraction_gives_the_alerts_of_one_sweep_at_the_end(
        tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "articles.jsonl"
    total = write_articles(path)
    monkeypatch.setattr(replay, "CHUNK", 10)  # many chunks, each stored and then swept
    # Chunks processed in this process: the sweeps do not depend on where extraction runs, and a
    # fork pool started from a pytest worker (which runs other threads) left a child stuck once.
    monkeypatch.setattr(replay, "_extraction_pool", no_pool)
    calls: list[tuple[int, int]] = []  # (last bucket swept to, alerts created) per call
    real = replay.evaluate_many

    def recorded(res: Resources, firsts: dict[str, int], last: int, now: datetime) -> list[str]:
        created = real(res, firsts, last, now)
        calls.append((last, len(created)))
        return created

    monkeypatch.setattr(replay, "evaluate_many", recorded)
    # Frozen or not as before (a frozen heap's count shrinks as its objects die, so not the count).
    collector = (gc.get_threshold(), gc.get_freeze_count() > 0)
    during, during_states, during_ids = run(tmp_path / "during", redis_url, path)
    assert (gc.get_threshold(), gc.get_freeze_count() > 0) == collector  # the caller's collector as it was
    end = bucket_index(START + timedelta(days=30), 3600)
    # Sweeps ran while chunks were still coming, and some alerts came from them.
    assert sum(n for last, n in calls if last < end - 72) >= 1
    assert len({last for last, _ in calls}) >= 4

    monkeypatch.setattr(replay._Sweeper, "sweep_settled", lambda self, next_bucket: [])
    once, once_states, once_ids = run(tmp_path / "once", redis_url, path)
    assert total > 10 * replay.CHUNK
    assert len(once) >= 3
    assert during == once  # ids, windows, severities, payloads (stories, tolls, scale, kind)
    assert during_states == once_states
    assert sorted(during_ids) == sorted(once_ids)


def test_the_quiet_collector_keeps_a_heap_its_caller_froze() -> None:
    """The API freezes its heap at start-up; a replay run in such a process must not thaw it."""
    thresholds = gc.get_threshold()
    gc.freeze()
    try:
        with replay._quiet_collector():
            assert gc.get_threshold() == (10_000, 20, 20)
        # Still frozen (unfreeze empties the permanent generation); frozen objects that died left it.
        assert (gc.get_threshold(), gc.get_freeze_count() > 0) == (thresholds, True)
    finally:
        gc.unfreeze()
    with replay._quiet_collector():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_pool_tasks_of_several_articles_store_what_one_process_stores(
        tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Extraction sent to the pool ``TASK`` articles per call (chunks of 10 in tasks of 3, 3, 3, 1)
    gives the same alerts, baselines and articles as extracting in the storing process. The executor
    is a thread pool: the grouping is what is tested, and a fork pool from a pytest worker hung once."""
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "articles.jsonl"
    write_articles(path)
    monkeypatch.setattr(replay, "CHUNK", 10)
    monkeypatch.setattr(replay, "TASK", 3)
    tasks: list[int] = []
    real = replay.analyse_all

    def counted(jobs: list[Any]) -> list[Any]:
        tasks.append(len(jobs))
        return real(jobs)

    @contextmanager
    def threads(n_items: int) -> Iterator[ThreadPoolExecutor]:
        with ThreadPoolExecutor(max_workers=2) as pool:
            yield pool

    def articles_of(tmp: Path) -> list[dict[str, Any]]:
        engine = sa.create_engine(f"sqlite:///{tmp / 'rasd.sqlite3'}")
        with engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(sa.text(
                "SELECT item_id, story_id, text_clean, entities, casualties, regions FROM articles ORDER BY item_id"))
                .mappings()]
        engine.dispose()
        return rows

    monkeypatch.setattr(replay, "analyse_all", counted)
    monkeypatch.setattr(replay, "_extraction_pool", threads)
    pooled = run(tmp_path / "pooled", redis_url, path)
    assert tasks and max(tasks) == 3 and 1 in tasks and sum(tasks) == len(articles_of(tmp_path / "pooled"))
    monkeypatch.setattr(replay, "_extraction_pool", no_pool)
    alone = run(tmp_path / "alone", redis_url, path)
    assert pooled == alone and len(alone[0]) >= 3
    assert articles_of(tmp_path / "pooled") == articles_of(tmp_path / "alone")
