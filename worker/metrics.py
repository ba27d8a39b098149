"""Every Prometheus metric Rasd exports, defined once so names cannot drift between code and ops.

Who sets what (the contract the rest of the code follows):

* **event metrics** (counters, histograms) are incremented where the event happens — fetch
  outcomes in the fetch task, dedup results in processing, deliveries in the dispatcher, …
* **state gauges** (queue depth, feeds total/paused/failing, dead-letter items, beat tick, beat
  lock, workers online) describe the whole deployment, not one process. They are computed from
  Redis/the database (by ``worker.tasks.sample_queues`` or by the API at scrape time) and set via
  :func:`apply_snapshot`, so every process reports the same numbers.
* ``rasd_up{component}`` is set to 1 by :func:`mark_process_up` in every process that serves
  metrics; a missing series means the process (or its scrape) is gone.

Celery prefork children are separate processes. Set ``PROMETHEUS_MULTIPROC_DIR`` (an empty,
writable directory, wiped by the parent with :func:`reset_multiproc_dir` before forking) *before*
this module is imported; then :func:`metrics_registry` aggregates all processes' files with
``MultiProcessCollector``. Without the variable the default in-process registry is used.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client import multiprocess as _mp

from worker import keys

MULTIPROC_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"


def _ensure_multiproc_dir() -> None:
    """prometheus_client opens its files on first use; make sure the directory exists by then."""
    value = os.environ.get(MULTIPROC_ENV, "").strip()
    if value:
        Path(value).mkdir(parents=True, exist_ok=True)


_ensure_multiproc_dir()

# --- label values (callers use these constants; unknown values are rejected) ----------------
FETCH_OUTCOMES: Final = (
    "ok",
    "not_modified",
    "unchanged",
    "error",
    "blocked",
    "rate_limited",
    "timeout",
    "too_large",
    "parse_error",
)
FETCH_FAILURE_OUTCOMES: Final = ("error", "blocked", "timeout", "too_large", "parse_error")
STORE_RESULTS: Final = ("new", "updated", "unchanged")
PROCESS_RESULTS: Final = ("ok", "failed", "dead")  # failed = will retry; dead = parked
DEDUP_RESULTS: Final = ("new_story", "near_duplicate", "exact_duplicate")
CASUALTY_KINDS: Final = (
    "killed",
    "injured",
    "killed_or_injured",
    "missing",
    "kidnapped",
    "arrested",
    "displaced",
    "other",
)
ENTITY_TYPES: Final = ("LOC", "ORG", "PER", "DATE")
SEVERITIES: Final = ("watch", "warning", "critical")
DELIVERY_OUTCOMES: Final = ("delivered", "retry", "failed", "disabled")
QUEUES: Final = keys.QUEUES
COMPONENTS: Final = ("api", "worker", "beat", "run")

_FAST_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
_FETCH_BUCKETS: Final = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0)
_LAG_BUCKETS: Final = (0.1, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 6 * 3600.0, 24 * 3600.0)

# --- fetching ------------------------------------------------------------------------------
FETCH_TOTAL = Counter("rasd_fetch", "Feed fetches by outcome.", ["outcome"])
FETCH_DURATION = Histogram(
    "rasd_fetch_duration_seconds", "Wall time of one feed fetch (connect to parsed).", buckets=_FETCH_BUCKETS
)

# --- storing and processing ----------------------------------------------------------------
ITEMS_STORED = Counter("rasd_items_stored", "Feed items upserted, by result.", ["result"])
ITEMS_PROCESSED = Counter(
    "rasd_items_processed", "Items through the processing pipeline, by result.", ["result"]
)
DEDUP_TOTAL = Counter("rasd_dedup", "Deduplication decisions per processed article.", ["result"])
CASUALTY_FIGURES = Counter("rasd_casualty_figures", "Casualty figures extracted, by kind.", ["kind"])
ENTITIES = Counter("rasd_entities", "Entities extracted, by type.", ["type"])

# --- tasks ---------------------------------------------------------------------------------
TASK_DURATION = Histogram(
    "rasd_task_duration_seconds", "Celery task run time, by task name.", ["task"], buckets=_FAST_BUCKETS
)
TASK_FAILURES = Counter("rasd_task_failures", "Celery task runs that raised, by task name.", ["task"])

# --- alerts and webhooks -------------------------------------------------------------------
ALERTS = Counter("rasd_alerts", "Alerts raised, by severity.", ["severity"])
WEBHOOK_DELIVERIES = Counter(
    "rasd_webhook_deliveries", "Webhook delivery attempts, by outcome.", ["outcome"]
)
WEBHOOK_LAG = Histogram(
    "rasd_webhook_delivery_lag_seconds",
    "Seconds from alert creation to successful delivery.",
    buckets=_LAG_BUCKETS,
)

# --- deployment state (set from a snapshot; see module docstring) --------------------------
QUEUE_DEPTH = Gauge(
    "rasd_queue_depth", "Messages waiting in a broker queue.", ["queue"], multiprocess_mode="mostrecent"
)
FEEDS_TOTAL = Gauge("rasd_feeds_total", "Feeds configured.", multiprocess_mode="mostrecent")
FEEDS_PAUSED = Gauge("rasd_feeds_paused", "Feeds paused after repeated failures.", multiprocess_mode="mostrecent")
FEEDS_FAILING = Gauge(
    "rasd_feeds_failing", "Active feeds whose last fetch failed (error_count > 0).", multiprocess_mode="mostrecent"
)
DEAD_LETTER_ITEMS = Gauge(
    "rasd_dead_letter_items", "Items parked after max_attempts failures.", multiprocess_mode="mostrecent"
)
BEAT_LAST_TICK = Gauge(
    "rasd_beat_last_tick_timestamp_seconds",
    "Unix time beat last sent poll_due (0 = never seen).",
    multiprocess_mode="mostrecent",
)
BEAT_LOCK_HELD = Gauge(
    "rasd_beat_lock_held", "1 when a beat instance holds the RedBeat lock.", multiprocess_mode="mostrecent"
)
WORKERS_ONLINE = Gauge(
    "rasd_workers_online", "Celery workers with a fresh heartbeat.", multiprocess_mode="mostrecent"
)
SNAPSHOT_TIMESTAMP = Gauge(
    "rasd_state_snapshot_timestamp_seconds",
    "Unix time the state gauges were last refreshed.",
    multiprocess_mode="mostrecent",
)

# --- process liveness ----------------------------------------------------------------------
UP = Gauge("rasd_up", "1 while a Rasd process of this component runs.", ["component"], multiprocess_mode="livemax")
HEARTBEAT = Gauge(
    "rasd_heartbeat_timestamp_seconds",
    "Unix time a process of this component last reported itself alive.",
    ["component"],
    multiprocess_mode="livemax",
)

EXPORTED_METRICS: Final[tuple[str, ...]] = (
    "rasd_fetch_total",
    "rasd_fetch_duration_seconds",
    "rasd_items_stored_total",
    "rasd_items_processed_total",
    "rasd_dedup_total",
    "rasd_casualty_figures_total",
    "rasd_entities_total",
    "rasd_task_duration_seconds",
    "rasd_task_failures_total",
    "rasd_alerts_total",
    "rasd_webhook_deliveries_total",
    "rasd_webhook_delivery_lag_seconds",
    "rasd_queue_depth",
    "rasd_feeds_total",
    "rasd_feeds_paused",
    "rasd_feeds_failing",
    "rasd_dead_letter_items",
    "rasd_beat_last_tick_timestamp_seconds",
    "rasd_beat_lock_held",
    "rasd_workers_online",
    "rasd_state_snapshot_timestamp_seconds",
    "rasd_up",
    "rasd_heartbeat_timestamp_seconds",
)

_LABELLED: Final = (
    (FETCH_TOTAL, FETCH_OUTCOMES),
    (ITEMS_STORED, STORE_RESULTS),
    (ITEMS_PROCESSED, PROCESS_RESULTS),
    (DEDUP_TOTAL, DEDUP_RESULTS),
    (CASUALTY_FIGURES, CASUALTY_KINDS),
    (ENTITIES, ENTITY_TYPES),
    (ALERTS, SEVERITIES),
    (WEBHOOK_DELIVERIES, DELIVERY_OUTCOMES),
)


def _init_label_children() -> None:
    """Create every known series at 0 so ``rate()`` and ratio alerts see a value before the first event."""
    for metric, values in _LABELLED:
        for value in values:
            metric.labels(value)


_init_label_children()


# --- small typed helpers (validate label values so typos fail in tests, not in Grafana) ----
def _check(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {allowed}")
    return value


def observe_fetch(outcome: str, seconds: float | None = None) -> None:
    """Count one fetch and, when timed, its duration."""
    FETCH_TOTAL.labels(_check(outcome, FETCH_OUTCOMES, "fetch outcome")).inc()
    if seconds is not None:
        FETCH_DURATION.observe(seconds)


def count_stored(result: str, n: int = 1) -> None:
    ITEMS_STORED.labels(_check(result, STORE_RESULTS, "store result")).inc(n)


def count_processed(result: str, n: int = 1) -> None:
    ITEMS_PROCESSED.labels(_check(result, PROCESS_RESULTS, "process result")).inc(n)


def count_dedup(result: str, n: int = 1) -> None:
    DEDUP_TOTAL.labels(_check(result, DEDUP_RESULTS, "dedup result")).inc(n)


def count_casualty(kind: str, n: int = 1) -> None:
    """Unknown kinds are folded into ``other`` so a new extractor kind never crashes processing."""
    CASUALTY_FIGURES.labels(kind if kind in CASUALTY_KINDS else "other").inc(n)


def count_entity(entity_type: str, n: int = 1) -> None:
    ENTITIES.labels(_check(entity_type, ENTITY_TYPES, "entity type")).inc(n)


def count_alert(severity: str) -> None:
    ALERTS.labels(_check(severity, SEVERITIES, "severity")).inc()


def observe_delivery(outcome: str, lag_seconds: float | None = None) -> None:
    """Count a delivery attempt; pass ``lag_seconds`` (alert created → delivered) on success."""
    WEBHOOK_DELIVERIES.labels(_check(outcome, DELIVERY_OUTCOMES, "delivery outcome")).inc()
    if lag_seconds is not None:
        WEBHOOK_LAG.observe(max(0.0, lag_seconds))


def observe_task(task: str, seconds: float, failed: bool = False) -> None:
    TASK_DURATION.labels(task).observe(seconds)
    if failed:
        TASK_FAILURES.labels(task).inc()


@dataclass(frozen=True)
class StateSnapshot:
    """Deployment-wide state read from Redis and the database at one moment."""

    queue_depths: Mapping[str, int] = field(default_factory=dict)
    feeds_total: int = 0
    feeds_paused: int = 0
    feeds_failing: int = 0
    dead_letter_items: int = 0
    beat_last_tick: float = 0.0
    beat_lock_held: bool = False
    workers_online: int = 0
    taken_at: float = 0.0


def apply_snapshot(snapshot: StateSnapshot) -> None:
    """Set every state gauge from ``snapshot`` (queues not mentioned are reported as 0)."""
    for queue in set(QUEUES) | set(snapshot.queue_depths):
        QUEUE_DEPTH.labels(queue).set(snapshot.queue_depths.get(queue, 0))
    FEEDS_TOTAL.set(snapshot.feeds_total)
    FEEDS_PAUSED.set(snapshot.feeds_paused)
    FEEDS_FAILING.set(snapshot.feeds_failing)
    DEAD_LETTER_ITEMS.set(snapshot.dead_letter_items)
    BEAT_LAST_TICK.set(snapshot.beat_last_tick)
    BEAT_LOCK_HELD.set(1 if snapshot.beat_lock_held else 0)
    WORKERS_ONLINE.set(snapshot.workers_online)
    SNAPSHOT_TIMESTAMP.set(snapshot.taken_at or time.time())


def mark_process_up(component: str) -> None:
    """Announce this process (call at start, and again periodically as a heartbeat)."""
    _check(component, COMPONENTS, "component")
    UP.labels(component).set(1)
    HEARTBEAT.labels(component).set(time.time())


# --- multiprocess plumbing -----------------------------------------------------------------
def multiproc_dir() -> Path | None:
    value = os.environ.get(MULTIPROC_ENV, "").strip()
    return Path(value) if value else None


def reset_multiproc_dir() -> int:
    """Delete other processes' files left by a previous run; call once in the parent before forking.

    This process's own files stay (they are open and mapped); returns how many files were removed.
    """
    directory = multiproc_dir()
    if directory is None:
        return 0
    directory.mkdir(parents=True, exist_ok=True)
    removed = 0
    for path in directory.glob("*.db"):
        if path.stem.rsplit("_", 1)[-1] != str(os.getpid()):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def mark_process_dead(pid: int) -> None:
    """Drop a finished child's live gauges (Celery ``worker_process_shutdown`` hook)."""
    if multiproc_dir() is not None:
        _mp.mark_process_dead(pid)


def metrics_registry() -> CollectorRegistry:
    """The registry to expose: all processes' files in multiprocess mode, else this process."""
    directory = multiproc_dir()
    if directory is None:
        return REGISTRY
    registry = CollectorRegistry()
    _mp.MultiProcessCollector(registry, path=str(directory))
    return registry


def render_metrics() -> tuple[bytes, str]:
    """Body and Content-Type for a ``/metrics`` response."""
    return generate_latest(metrics_registry()), CONTENT_TYPE_LATEST


def start_metrics_server(port: int, addr: str = "0.0.0.0") -> None:
    """Serve ``/metrics`` from a background thread (worker and beat processes; the API has a route)."""
    start_http_server(port, addr=addr, registry=metrics_registry())
