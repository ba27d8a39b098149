"""Celery tasks: thin wrappers that take ids, call a service, and enqueue the next step by id.

Every task is safe to run twice (at-least-once delivery with acks_late): the services upsert on
natural keys and count stories as set members.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from worker import metrics
from worker.celery_app import app
from worker.clock import utcnow
from worker.keys import BEAT_LAST_TICK
from worker.resources import get_resources
from worker.settings import Settings

# Items per process_items task: one poll's new items in one task, so per-batch costs are paid once
# (docs/decisions/process-chunk.md).
PROCESS_CHUNK = 100


@contextmanager
def timed(task: str) -> Iterator[None]:
    started = time.monotonic()
    failed = True
    try:
        yield
        failed = False
    finally:
        metrics.observe_task(task, time.monotonic() - started, failed=failed)


def enqueue_processing(item_ids: list[int]) -> None:
    for i in range(0, len(item_ids), PROCESS_CHUNK):
        process_items.delay(item_ids[i:i + PROCESS_CHUNK])


def claim_lease(settings: Settings) -> timedelta:
    """How long a claimed feed waits for its fetch before it is due again.

    Not the visibility timeout: when a worker dies holding a fetch task, Redis hands the task back
    only after that timeout (an hour by default), and the feed would not be polled meanwhile; busy
    feeds lose items off their end in less. A fetch ends within ``fetch_total_timeout``, so a lease
    a little longer than that only risks a second, harmless fetch when the fetch queue is backed up.
    """
    return timedelta(seconds=max(settings.fetch_claim_seconds, settings.fetch_total_timeout + 5))


@app.task(name="worker.tasks.poll_due")
def poll_due() -> int:
    """Claim due feeds and queue one fetch each (beat, every 15 s, under the RedBeat lock)."""
    from worker.store import feeds_repo

    res = get_resources()
    with timed("poll_due"), res.engine.begin() as conn:
        ids = feeds_repo.claim_due(conn, utcnow(), res.settings.poll_claim_batch, lease=claim_lease(res.settings))
    for feed_id in ids:
        fetch_feed.delay(feed_id)
    res.redis.set(BEAT_LAST_TICK, time.time())
    return len(ids)


@app.task(name="worker.tasks.fetch_feed")
def fetch_feed(feed_id: int, force: bool = False) -> int:
    from worker.services.ingest import fetch_and_store

    res = get_resources()
    with timed("fetch_feed"):
        outcome = fetch_and_store(res.engine, res.fetcher, res.settings, feed_id, utcnow(), force=force)
    enqueue_processing(outcome.to_process)
    return len(outcome.to_process)


@app.task(name="worker.tasks.process_items")
def process_items(item_ids: list[int]) -> int:
    from worker.services.process import RETRY_DELAY, process_batch, retries

    res = get_resources()
    with timed("process_items"):
        result = process_batch(res, item_ids, utcnow(), pending_only=True)  # redeliveries skip done items
    for item_id in result.needs_fulltext:
        fetch_fulltext.delay(item_id)
    for retry in retries(result, PROCESS_CHUNK):  # a short retry; poison items are parked after max_attempts
        process_items.apply_async([retry], countdown=RETRY_DELAY)
    if result.regions:
        from worker.services.alerting import signal_generation

        evaluate_regions.delay(sorted(result.regions), signal_generation(res))
    return result.processed


@app.task(name="worker.tasks.fetch_fulltext")
def fetch_fulltext(item_id: int) -> None:
    """Fetch the article page for a summary-only item, then process it (either way)."""
    from worker.services.fulltext import fetch_fulltext as fetch_page

    res = get_resources()
    with timed("fetch_fulltext"):
        fetch_page(res.engine, res.fetcher, item_id)
    process_items.delay([item_id])


@app.task(name="worker.tasks.evaluate_regions")
def evaluate_regions(region_keys: list[str], generation: int | None = None) -> int:
    """``generation``: the signal generation once the stories were counted (None = always evaluate)."""
    from worker.services.alerting import evaluate_and_alert

    res = get_resources()
    with timed("evaluate_regions"):
        created = evaluate_and_alert(res, region_keys, utcnow(), generation)
    if created:  # deliver now rather than at the next beat tick (the claim lease prevents doubles)
        dispatch_deliveries.delay()
    return created


@app.task(name="worker.tasks.dispatch_deliveries")
def dispatch_deliveries() -> int:
    from worker.services.alerting import dispatch_due_deliveries

    res = get_resources()
    with timed("dispatch_deliveries"):
        return dispatch_due_deliveries(res, utcnow())


@app.task(name="worker.tasks.sample_queues")
def sample_queues() -> None:
    from worker.services.status import sample_queue_metrics

    sample_queue_metrics(get_resources())


@app.task(name="worker.tasks.housekeeping")
def housekeeping() -> dict[str, int]:
    """Safety nets: re-queue items whose processing task was lost (e.g. a broker that lost its
    queue), and disable webhook endpoints that kept failing past the configured limit."""
    from worker.services.housekeeping import run_housekeeping

    res = get_resources()
    with timed("housekeeping"):
        report = run_housekeeping(res, utcnow())
    enqueue_processing(report.pop("requeue_ids"))
    return {k: int(v) for k, v in report.items()}
