"""Every Redis key name and Celery queue name Rasd uses, in one place (tasks, beat, status, metrics).

Changing a name here changes what a running deployment reads: a rename is a migration, not a tidy-up.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def _minhash_algorithm() -> str:
    """rensa's release line (major.minor): signatures of two lines must never be compared, so it is
    part of the dedup index's key prefix and a mixed-version rollout keeps two separate indexes."""
    try:
        major, minor = version("rensa").split(".")[:2]
    except (PackageNotFoundError, ValueError):
        return "rensa-unknown"
    return f"rensa{major}.{minor}"


MINHASH_ALGORITHM = _minhash_algorithm()
# One hash tag for all dedup keys so a Redis Cluster keeps them on one node (the Lua script needs that).
DEDUP_PREFIX = "{rasd:dd-" + MINHASH_ALGORITHM + "}"

# --- Celery queues (kombu's Redis transport keeps each queue as a list of this name) ---------------
FETCH_QUEUE = "fetch"
PROCESS_QUEUE = "process"
ALERTS_QUEUE = "alerts"
QUEUES = (FETCH_QUEUE, PROCESS_QUEUE, ALERTS_QUEUE)
# Where each task runs; the Celery app routes by it and callers that publish by name use it too.
TASK_QUEUES = {
    "worker.tasks.poll_due": FETCH_QUEUE,
    "worker.tasks.fetch_feed": FETCH_QUEUE,
    "worker.tasks.fetch_url": FETCH_QUEUE,
    "worker.tasks.fetch_fulltext": FETCH_QUEUE,
    "worker.tasks.process_items": PROCESS_QUEUE,
    "worker.tasks.reprocess_batch": PROCESS_QUEUE,
    "worker.tasks.evaluate_regions": ALERTS_QUEUE,
    "worker.tasks.dispatch_deliveries": ALERTS_QUEUE,
    "worker.tasks.deliver": ALERTS_QUEUE,
    "worker.tasks.sample_queues": ALERTS_QUEUE,
    "worker.tasks.housekeeping": PROCESS_QUEUE,
    "worker.tasks.jobs.reingest_feed": FETCH_QUEUE,
    "worker.tasks.jobs.reingest_url": FETCH_QUEUE,
    "worker.tasks.jobs.reprocess_batch": PROCESS_QUEUE,
}

# --- beat (RedBeat) ------------------------------------------------------------------------------
BEAT_PREFIX = "rasd:beat:"
BEAT_LOCK = BEAT_PREFIX + ":lock"  # RedBeat's lock key: its prefix + ":lock"
BEAT_SCHEDULE = BEAT_PREFIX + ":schedule"  # RedBeat's sorted set of entry keys
BEAT_LAST_TICK = "rasd:beat:last_tick"  # written by poll_due: when beat last made work

# --- signals, alerts, locks, jobs ----------------------------------------------------------------
SIGNAL_PREFIX = "rasd:sig"
ALERT_STREAM = "rasd:alerts"  # `rasd alerts watch` reads new alerts from this stream
HOST_SLOTS_PREFIX = "rasd:hostslots:"


def region_lock(region_key: str) -> str:
    """One evaluation of a region at a time across workers."""
    return f"rasd:lock:region:{region_key}"


def job_pending(job_id: str) -> str:
    """Redis set of a job's unfinished batch numbers (the job ends when it is empty)."""
    return f"rasd:job:{job_id}:pending"
