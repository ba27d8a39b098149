"""What the service is doing: queue depths, workers, feed health, dead letters (CLI, API, metrics).

Returns data only; the CLI draws it (worker/cli.py) and the API serialises it."""

from __future__ import annotations

import time
from typing import Any

import redis
import sqlalchemy as sa

from worker import metrics
from worker.errors import ConfigError
from worker.keys import BEAT_LAST_TICK, BEAT_LOCK, QUEUES
from worker.resources import Resources, resolve_redis_url
from worker.settings import Settings
from worker.states import ItemState
from worker.store import items_repo
from worker.store.tables import feeds


def queue_depths(client: redis.Redis) -> dict[str, int]:
    # kombu's Redis transport keeps each queue as a list named after it.
    pipe = client.pipeline()
    for q in QUEUES:
        pipe.llen(q)
    return {q: int(n) for q, n in zip(QUEUES, pipe.execute(), strict=True)}


def feed_health(conn: sa.Connection) -> dict[str, Any]:
    rows = conn.execute(sa.select(feeds.c.id, feeds.c.name, feeds.c.paused_reason, feeds.c.error_count,
                                  feeds.c.last_error, feeds.c.enabled)).mappings().all()
    paused = [dict(r) for r in rows if r["paused_reason"]]
    failing = [dict(r) for r in rows if r["error_count"] and not r["paused_reason"]]
    return {"total": len(rows), "ok": len(rows) - len(paused) - len(failing), "failing": failing, "paused": paused}


def status_report(res: Resources, ping_timeout: float = 1.0) -> dict[str, Any]:
    """`rasd status --json` and `GET /status`: built from the caller's own Resources, so a CLI or
    an API with explicit settings reports on its own stack."""
    report: dict[str, Any] = {}
    with res.engine.connect() as conn:
        report["feeds"] = feed_health(conn)
        report["items"] = items_repo.count_by_state(conn)
        report["dead_letters"] = [d.as_dict() for d in items_repo.dead_letters(conn, limit=20)]
    try:
        report["queues"] = queue_depths(res.redis)
        tick = res.redis.get(BEAT_LAST_TICK)
        report["beat_last_tick_age_s"] = round(time.time() - float(tick), 1) if tick else None
        report["workers"] = workers_online(res, ping_timeout)
    except (ConfigError, redis.RedisError) as exc:
        report["broker_error"] = str(exc)
    return report


def collect_status(settings: Settings) -> dict[str, Any]:
    res = Resources(settings)
    try:
        return status_report(res)
    finally:
        res.close()


_PINGS: dict[str, tuple[float, list[str]]] = {}
PING_CACHE_SECONDS = 5.0  # a dashboard polling /status must not turn into a ping storm


def workers_online(res: Resources, timeout: float) -> list[str]:
    """Names of the Celery workers answering a broadcast ping on this deployment's broker."""
    url = resolve_redis_url(res.settings)
    cached = _PINGS.get(url)
    if cached and time.monotonic() - cached[0] < PING_CACHE_SECONDS:
        return cached[1]
    names = _ping(url, timeout)
    _PINGS[url] = (time.monotonic(), names)
    return names


def _ping(url: str, timeout: float) -> list[str]:
    """Ping through a throwaway Celery client on this broker (the control mailbox otherwise
    publishes through the import-time app's connection pool, whatever connection it is given)."""
    from celery import Celery

    client = Celery("rasd-status", broker=url, set_as_current=False)
    try:
        replies = client.control.ping(timeout=timeout) or []
    finally:
        client.close()
    return sorted(name for reply in replies for name in reply)


def snapshot(res: Resources) -> metrics.StateSnapshot:
    """Deployment-wide state for the gauges (queues, feeds, dead letters, beat, workers)."""
    with res.engine.connect() as conn:
        health = feed_health(conn)
        dead = items_repo.count_by_state(conn).get(ItemState.DEAD, 0)
    client = res.redis
    tick = client.get(BEAT_LAST_TICK)
    return metrics.StateSnapshot(
        queue_depths=queue_depths(client), feeds_total=health["total"], feeds_paused=len(health["paused"]),
        feeds_failing=len(health["failing"]), dead_letter_items=dead,
        beat_last_tick=float(tick) if tick else 0.0, beat_lock_held=bool(client.exists(BEAT_LOCK)),
        workers_online=len(workers_online(res, 0.5)), taken_at=time.time(),
    )


def sample_queue_metrics(res: Resources) -> None:
    metrics.apply_snapshot(snapshot(res))
