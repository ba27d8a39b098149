"""`rasd replay`: RSS/Atom files or JSONL articles through the live pipeline, in event time.

Items are stored exactly as fetched items are (same identity rules, so replaying twice stores
nothing twice), processed oldest first, and then every touched region is swept bucket by bucket
in event time, so the same input always gives the same alerts as living through it did.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from worker.feeds.replay_input import read_replay_file
from worker.resources import Resources
from worker.services.alerting import dispatch_due_deliveries, evaluate_region
from worker.services.ingest import store_items
from worker.services.process import (
    Analysed,
    Batch,
    BatchResult,
    analyse_item,
    begin_batch,
    extraction_jobs,
    finish_batch,
    process_batch,
)
from worker.signals.spikes import bucket_index
from worker.store.tables import articles, items

CHUNK = 200


@dataclass
class ReplaySummary:
    files: int = 0
    items_read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    processed: int = 0
    failed: int = 0
    dead: int = 0
    unique_stories: int = 0
    skipped_lines: int = 0
    unreadable_dates: int = 0
    alerts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files, "items_read": self.items_read, "new": self.new, "updated": self.updated,
            "unchanged": self.unchanged, "processed": self.processed, "failed": self.failed, "dead": self.dead,
            "unique_stories": self.unique_stories, "skipped_lines": self.skipped_lines,
            "unreadable_dates": self.unreadable_dates, "alerts": self.alerts, "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "articles_per_second": round(self.processed / self.seconds, 1) if self.seconds else None,
        }


def replay_paths(res: Resources, paths: Sequence[Path], now: datetime, *,
                 on_progress: Callable[[int, int], None] | None = None, deliver: bool = True) -> ReplaySummary:
    started = time.monotonic()
    summary = ReplaySummary(files=len(paths))
    ids: list[int] = []
    all_ids: list[int] = []
    for path in paths:
        for batch in read_replay_file(path.read_bytes(), path.name):
            summary.errors.extend(batch.errors)
            summary.skipped_lines += batch.skipped
            summary.unreadable_dates += batch.bad_dates
            summary.items_read += len(batch.items)
            outcome = store_items(res.engine, None, batch.source, batch.items, now)
            summary.new += len(outcome.new)
            summary.updated += len(outcome.updated)
            summary.unchanged += outcome.unchanged
            ids.extend(outcome.to_process)
    ordered = _by_event_time(res, ids)
    regions: set[str] = set()
    with _extraction_pool(len(ordered)) as pool:
        for done, result in _pipelined(res, ordered, now, pool):
            summary.processed += result.processed
            summary.failed += len(result.failed)
            summary.dead += len(result.dead)
            regions |= result.regions
            if on_progress:
                on_progress(done, len(ordered))
    all_ids = ordered
    if all_ids and regions:
        first, last = _bucket_span(res, all_ids)
        for key in sorted(regions):
            summary.alerts.extend(evaluate_region(res, key, first, last, now))
    if deliver and summary.alerts:
        dispatch_due_deliveries(res, now)
    summary.unique_stories = _unique_stories(res, all_ids)
    summary.seconds = time.monotonic() - started
    return summary


def _pipelined(res: Resources, ids: list[int], now: datetime, pool: Executor | None
               ) -> Iterator[tuple[int, BatchResult]]:
    """Process chunks in order, extracting chunk n+1 on the pool while chunk n is stored."""
    if pool is None:
        for i in range(0, len(ids), CHUNK):
            yield min(i + CHUNK, len(ids)), process_batch(res, ids[i:i + CHUNK], now, allow_fulltext=False)
        return

    def submit(i: int) -> tuple[Batch, list[Future[Analysed | str]]]:
        batch = begin_batch(res, ids[i:i + CHUNK], allow_fulltext=False)
        return batch, [pool.submit(analyse_item, job) for job in extraction_jobs(res, batch.fresh)]

    ahead = submit(0)
    for i in range(0, len(ids), CHUNK):
        nxt = submit(i + CHUNK) if i + CHUNK < len(ids) else None
        batch, futures = ahead
        yield min(i + CHUNK, len(ids)), finish_batch(res, batch, [f.result() for f in futures], now)
        if nxt is not None:
            ahead = nxt


@contextmanager
def _extraction_pool(n_items: int) -> Iterator[Executor | None]:
    """Extraction is pure and CPU-bound: a long replay runs it on every core (fork start)."""
    cores = os.cpu_count() or 1
    if n_items < 2 * CHUNK or cores < 2:
        yield None
        return
    with ProcessPoolExecutor(max_workers=cores, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


def _by_event_time(res: Resources, ids: list[int]) -> list[int]:
    if not ids:
        return []
    with res.engine.connect() as conn:
        rows = conn.execute(sa.select(items.c.id).where(items.c.id.in_(ids))
                            .order_by(items.c.event_time, items.c.id))
        return [int(r[0]) for r in rows]


def _bucket_span(res: Resources, ids: list[int]) -> tuple[int, int]:
    with res.engine.connect() as conn:
        lo, hi = conn.execute(sa.select(sa.func.min(items.c.event_time), sa.func.max(items.c.event_time))
                              .where(items.c.id.in_(ids))).one()
    if isinstance(lo, str):  # SQLite aggregates bypass the column type
        lo, hi = datetime.fromisoformat(lo), datetime.fromisoformat(hi)
    from datetime import UTC

    lo, hi = (d.replace(tzinfo=UTC) if d.tzinfo is None else d for d in (lo, hi))
    size = res.settings.bucket_seconds
    return bucket_index(lo, size), bucket_index(hi, size)


def _unique_stories(res: Resources, ids: list[int]) -> int:
    if not ids:
        return 0
    with res.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count(sa.distinct(articles.c.story_id)))
                                .where(articles.c.item_id.in_(ids))).scalar_one())
