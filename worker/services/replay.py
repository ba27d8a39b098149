"""`rasd replay`: RSS/Atom files or JSONL articles through the live pipeline, in event time.

Items are stored exactly as fetched items are (same identity rules, so replaying twice stores
nothing twice), processed oldest first, and every touched region is swept bucket by bucket in
event time, so the same input always gives the same alerts as living through it did.

Regions are swept while the pool extracts later chunks (:class:`_Sweeper`), up to the buckets that
no later article can change any more, so sweeping overlaps extraction and gives the alerts of one
sweep after everything was processed.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from worker.alerts.levels import LEVELS, rank
from worker.feeds.replay_input import read_replay_file
from worker.pipeline import warm_up
from worker.resources import Resources
from worker.services.alerting import dispatch_due_deliveries, evaluate_many, params_of
from worker.services.ingest import store_items
from worker.services.process import (
    Analysed,
    Batch,
    BatchResult,
    ExtractionJob,
    analyse_item,
    begin_batch,
    extraction_jobs,
    finish_batch,
    process_batch,
)
from worker.signals.spikes import bucket_index
from worker.store.tables import articles, items

CHUNK = 200
AHEAD = 2  # chunks being extracted while one is stored and swept
TASK = 10  # articles per pool task


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
    with _quiet_collector():
        ordered = _store_and_order(res, paths, now, summary)
        if ordered:
            _process_and_sweep(res, ordered, now, summary, on_progress)
    if deliver and summary.alerts:
        dispatch_due_deliveries(res, now)
    summary.unique_stories = _unique_stories(res, ordered)
    summary.seconds = time.monotonic() - started
    return summary


def _store_and_order(res: Resources, paths: Sequence[Path], now: datetime, summary: ReplaySummary) -> list[int]:
    """Store every readable item; the ids to process, oldest first."""
    ids: list[int] = []
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
    return _by_event_time(res, ids)


def _process_and_sweep(res: Resources, ordered: list[int], now: datetime, summary: ReplaySummary,
                       on_progress: Callable[[int, int], None] | None) -> None:
    buckets = _buckets_of(res, ordered)
    sweeper = _Sweeper(res, buckets[0], now)
    with _extraction_pool(len(ordered)) as pool:
        for done, result in _pipelined(res, ordered, now, pool):
            summary.processed += result.processed
            summary.failed += len(result.failed)
            summary.dead += len(result.dead)
            sweeper.touched(result.regions, buckets[done - 1])
            if done < len(ordered):
                summary.alerts.extend(sweeper.sweep_settled(buckets[done]))
            if on_progress:
                on_progress(done, len(ordered))
    summary.alerts.extend(sweeper.sweep_all(buckets[-1]))


class _Sweeper:
    """Sweeps the touched regions in event time while later chunks are still being processed.

    A bucket is *settled* once no article still to come can change its counts or its stories: the
    articles left are all at or after the next one's bucket, and an article joins only a story
    within the dedup window of one of its articles (``reach``, with the index's quarter-window
    slots: 5/4 of it). Districts are swept to the settled bucket, admin1s ``span`` buckets behind
    them and countries ``span`` behind those, so every more specific alert whose window overlaps a
    window is stored before that window is judged (``carried_below``), as in one sweep at the end. A region
    is swept again only while its stories can still make a window qualify (its last change plus
    ``span``). Near-duplicate chains longer than the window would escape this; they are not seen
    in practice (the same stored rows and alerts as sweeping once at the end, tools/replay_dump.py).
    """

    def __init__(self, res: Resources, first: int, now: datetime) -> None:
        self.res, self.first, self.now = res, first, now
        self.span = params_of(res).span
        window = res.settings.dedup_window_days * 86400 * 5 / 4
        self.reach = math.ceil(window / res.settings.bucket_seconds) + 1
        self.until: dict[str, int] = {}  # region -> last bucket where one of its windows may qualify
        self.done: dict[str, int] = {}  # region -> bucket swept to

    def touched(self, regions: set[str], last_bucket: int) -> None:
        """Regions whose counts changed in a chunk whose articles are at or before ``last_bucket``."""
        for key in regions:
            self.until[key] = max(self.until.get(key, last_bucket + self.span), last_bucket + self.span)

    def sweep_settled(self, next_bucket: int) -> list[str]:
        """Sweep what articles at or after ``next_bucket`` can no longer change."""
        settled = next_bucket - 1 - self.reach
        return self._sweep(settled, self.span, only_pending=True)

    def sweep_all(self, last: int) -> list[str]:
        return self._sweep(last, 0, only_pending=False)

    def _sweep(self, to: int, lag: int, *, only_pending: bool) -> list[str]:
        """Districts to ``to``, admin1s ``lag`` buckets behind them, countries ``lag`` behind those."""
        created: list[str] = []
        for level in range(len(LEVELS)):
            upto = to - level * lag
            keys = [k for k in self.until if rank(k) == level and self.done.get(k, self.first - 1) < upto
                    and (not only_pending or self.done.get(k, self.first - 1) < self.until[k])]
            if keys:
                created += evaluate_many(self.res, dict.fromkeys(keys, self.first), upto, self.now)
                self.done.update(dict.fromkeys(keys, upto))
        return created


@contextmanager
def _quiet_collector() -> Iterator[None]:
    """Freezes the heap alive before the replay (after a warm-up, so the forked extraction pool
    inherits the tables built once) and collects the young generation every 10,000 allocations
    instead of 700: full collections rescanned modules and tables over and over, about a fifth
    of the storing process's CPU (docs/decisions/replay-collector.md)."""
    warm_up()
    # A caller that froze its own heap (the API does) keeps it frozen: unfreeze would thaw theirs too.
    ours = gc.get_freeze_count() == 0
    if ours:
        gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(10_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if ours:
            gc.unfreeze()


def _pipelined(res: Resources, ids: list[int], now: datetime, pool: Executor | None
               ) -> Iterator[tuple[int, BatchResult]]:
    """Process chunks in order, extracting the next ``AHEAD`` chunks on the pool while one is stored."""
    if pool is None:
        for i in range(0, len(ids), CHUNK):
            yield min(i + CHUNK, len(ids)), process_batch(res, ids[i:i + CHUNK], now, allow_fulltext=False)
        return

    def submit(i: int) -> tuple[int, Batch, list[Future[list[Analysed | str]]]]:
        batch = begin_batch(res, ids[i:i + CHUNK], allow_fulltext=False)
        jobs = extraction_jobs(res, batch.fresh)
        return i, batch, [pool.submit(analyse_all, jobs[k:k + TASK]) for k in range(0, len(jobs), TASK)]

    starts = iter(range(0, len(ids), CHUNK))
    ahead = deque(submit(i) for i in islice(starts, AHEAD))
    while ahead:
        i, batch, futures = ahead.popleft()
        nxt = next(starts, None)
        if nxt is not None:
            ahead.append(submit(nxt))
        outputs = [out for f in futures for out in f.result()]
        yield min(i + CHUNK, len(ids)), finish_batch(res, batch, outputs, now)


def analyse_all(jobs: list[ExtractionJob]) -> list[Analysed | str]:
    """A pool task of ``TASK`` articles: the pool's cost per call (pickling, pipes, waking both
    processes, ~0.1 ms of the storing process's CPU) is paid once per task, not per article."""
    return [analyse_item(job) for job in jobs]


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


def _buckets_of(res: Resources, ordered: list[int]) -> list[int]:
    """The event-time bucket of each item, in the given order."""
    with res.engine.connect() as conn:
        when = dict(conn.execute(sa.select(items.c.id, items.c.event_time).where(items.c.id.in_(ordered))).all())
    size = res.settings.bucket_seconds
    return [bucket_index(t if t.tzinfo else t.replace(tzinfo=UTC), size) for t in (when[i] for i in ordered)]


def _unique_stories(res: Resources, ids: list[int]) -> int:
    if not ids:
        return 0
    with res.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count(sa.distinct(articles.c.story_id)))
                                .where(articles.c.item_id.in_(ids))).scalar_one())
