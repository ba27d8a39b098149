"""The Celery app: queues, routing, reliability settings and the beat schedule (the bundled beat.yaml)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from celery import Celery
from celery.signals import (
    beat_init,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_init,
    worker_process_shutdown,
)
from kombu import Exchange, Queue

from worker import metrics
from worker.errors import ConfigError
from worker.keys import ALERTS_QUEUE, BEAT_PREFIX, PROCESS_QUEUE, QUEUES, TASK_QUEUES
from worker.resources import get_resources, resolve_redis_url
from worker.schedules import BEAT_FILE
from worker.settings import Settings, get_settings


def load_beat_schedule(settings: Settings, path: Path = BEAT_FILE) -> dict[str, dict[str, Any]]:
    """The schedule as data; the feed-polling period can be overridden by a setting.

    The file ships inside the package; a missing or empty one is an error rather than a silently
    smaller schedule (no housekeeping, no queue sampling)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the beat schedule {path}: {exc}") from exc
    entries: dict[str, Any] = dict(data.get("beat_schedule") or {}) if isinstance(data, dict) else {}
    if not entries:
        raise ConfigError(f"the beat schedule {path} has no entries")
    schedule: dict[str, dict[str, Any]] = {}
    for name, entry in entries.items():
        schedule[name] = {
            "task": entry["task"],
            "schedule": settings.beat_poll_seconds if entry["task"] == "worker.tasks.poll_due"
            else float(entry.get("every", entry.get("schedule", 60))),
            "options": {"queue": entry.get("queue", ALERTS_QUEUE), "expires": float(entry.get("expires", 60))},
            "kwargs": entry.get("kwargs", {}),
        }
    return schedule


UNCONFIGURED = "redis://rasd-no-redis-configured.invalid:6379/0"


def broker_url(settings: Settings) -> str:
    """The resolved URL, or a placeholder so that importing the app never fails; entry points
    call :func:`resolve_redis_url` first and show its clear error instead."""
    try:
        return resolve_redis_url(settings)
    except ConfigError:
        return UNCONFIGURED


def make_celery(settings: Settings) -> Celery:
    from worker.broker_transport import install

    install()
    url = broker_url(settings)
    app = Celery("rasd", broker=url, include=["worker.tasks", "worker.tasks.jobs"])
    vt = settings.visibility_timeout
    app.conf.update(
        task_queues=[Queue(q, Exchange(q, type="direct"), routing_key=q) for q in QUEUES],
        task_default_queue=PROCESS_QUEUE,
        task_routes={name: {"queue": queue} for name, queue in TASK_QUEUES.items()},
        # At-least-once: ack after the task ran; a killed worker's task goes back to the queue.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        broker_transport_options={
            "visibility_timeout": vt,
            # Sweep for tasks of dead workers often enough to matter at any visibility timeout.
            "unacked_restore_interval": max(1, min(10, vt // 3)),
            "unacked_restore_throttle": 1,
            "socket_timeout": 30,
            "socket_connect_timeout": 5,
            "health_check_interval": 25,
        },
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_hijack_root_logger=False,
        # A task must finish well inside the visibility timeout, or Redis hands it to a second worker.
        task_time_limit=max(30, min(900, vt - 60)),
        task_soft_time_limit=max(20, min(840, vt - 120)),
        beat_scheduler="worker.beat:ResilientRedBeatScheduler",
        redbeat_redis_url=url,
        redbeat_key_prefix=BEAT_PREFIX,
        # A standby beat takes over this long after the active one died (it extends every tick, and a
        # tick comes at least every beat_max_loop_interval).
        redbeat_lock_timeout=15,
        beat_max_loop_interval=5,
        beat_schedule=load_beat_schedule(settings),
        timezone="UTC",
        enable_utc=True,
    )
    return app


@setup_logging.connect
def _setup_logging(**_: Any) -> None:
    """Worker and beat log through our handler (JSON, scrubbed) instead of Celery's plain-text ones."""
    from worker.logging import configure_logging

    configure_logging(get_settings())


@worker_process_init.connect
def _init_process(**_: Any) -> None:
    from worker.logging import configure_logging

    configure_logging(get_settings())
    get_resources()
    import structlog

    from worker import _compiled

    structlog.get_logger(__name__).info("worker.pure_modules", **_compiled.describe())


@worker_process_shutdown.connect
def _close_process(**_: Any) -> None:
    metrics.mark_process_dead(os.getpid())
    get_resources().close()


@task_prerun.connect
def _bind_task(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    """Every log line of a task carries its id and name (feed_id / item_id are added by services)."""
    import structlog

    structlog.contextvars.bind_contextvars(task_id=task_id, task=getattr(task, "name", None))


@task_postrun.connect
def _unbind_task(**_: Any) -> None:
    import structlog

    structlog.contextvars.clear_contextvars()


def _announce(component: str) -> None:
    """Metrics for a long-running process: clean stale multiprocess files, serve, mark up."""
    settings = get_settings()
    metrics.reset_multiproc_dir()
    if settings.metrics_port:
        metrics.start_metrics_server(settings.metrics_port, settings.metrics_host)
    metrics.mark_process_up(component)


def warm_up() -> None:
    """Import what the tasks need and build the extraction tables in the worker's parent, before it
    forks its pool: every child, and each one re-forked after a crash, then starts warm and the
    children share those pages (docs/decisions/warm-up-before-fork.md). Pure code only: no
    connection is opened before the fork."""
    from worker import pipeline
    from worker.services import alerting, ingest, process  # noqa: F401  (imported for their side: loaded)

    pipeline.warm_up()


@worker_init.connect
def _init_worker(**_: Any) -> None:
    _announce("worker")
    warm_up()


@beat_init.connect
def _init_beat(**_: Any) -> None:
    _announce("beat")


app = make_celery(get_settings())
