"""Celery tasks for jobs (re-ingest a feed or a URL, re-process a window) and their submission.

Tasks are thin wrappers around :mod:`worker.services.reingest`. Submission (used by the API and
the CLI) creates the job row, then publishes by task *name* on a broker connection built from the
caller's own settings, so an API process or a test with explicit Settings never depends on the
import-time Celery configuration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from worker.celery_app import app
from worker.clock import utcnow
from worker.keys import TASK_QUEUES
from worker.resources import Resources, get_resources, resolve_redis_url
from worker.services import reingest
from worker.states import JobState
from worker.store import feeds_repo, jobs_repo
from worker.tasks import PROCESS_CHUNK, timed


def send(res: Resources, calls: list[tuple[str, list[Any]]]) -> None:
    """Publish ``(task name, args)`` pairs to their queues over one connection to res's broker."""
    if not calls:
        return
    with app.connection_for_write(resolve_redis_url(res.settings)) as conn:
        for name, args in calls:
            app.send_task(name, args=args, queue=TASK_QUEUES[name], connection=conn)


def _process_calls(item_ids: list[int]) -> list[tuple[str, list[Any]]]:
    return [("worker.tasks.process_items", [item_ids[i:i + PROCESS_CHUNK]])
            for i in range(0, len(item_ids), PROCESS_CHUNK)]


# --------------------------------------------------------------------------- submission


def submit_reingest_feed(res: Resources, feed_id: int, force: bool) -> str | None:
    """Make the feed due (``force`` drops its validators) and fetch it now; None if unknown."""
    now = utcnow()
    with res.engine.begin() as conn:
        if not feeds_repo.request_fetch(conn, feed_id, now, force=force):
            return None
        job_id = jobs_repo.create_job(conn, "reingest_feed", {"feed": feed_id, "force": force}, 1, now)
    send(res, [("worker.tasks.jobs.reingest_feed", [job_id, feed_id, force])])
    return job_id


def submit_reingest_url(res: Resources, url: str) -> str:
    """Fetch one URL (a feed or an article page) on the workers. The caller checks the URL first."""
    with res.engine.begin() as conn:
        job_id = jobs_repo.create_job(conn, "reingest_url", {"url": url}, 1, utcnow())
    send(res, [("worker.tasks.jobs.reingest_url", [job_id, url])])
    return job_id


def submit_reprocess(res: Resources, since: datetime | None, until: datetime | None, feed_id: int | None,
                     batch_size: int = reingest.BATCH_SIZE) -> str:
    """Re-process the stored items of a window, in batches spread over the workers."""
    now = utcnow()
    params = {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None,
              "feed": feed_id}
    with res.engine.begin() as conn:
        ids = reingest.select_window(conn, since, until, feed_id)
        job_id = jobs_repo.create_job(conn, "reprocess", params, len(ids), now)
        if not ids:
            jobs_repo.finish(conn, job_id, JobState.DONE, now)
    groups = reingest.batches(ids, batch_size)
    reingest.register_batches(res, job_id, len(groups))
    send(res, [("worker.tasks.jobs.reprocess_batch", [job_id, n, group]) for n, group in enumerate(groups)])
    return job_id


def cancel_job(res: Resources, job_id: str) -> jobs_repo.Job | None:
    """Request cancellation; a job with nothing queued (one-step jobs) is closed at once."""
    now = utcnow()
    with res.engine.begin() as conn:
        job = jobs_repo.request_cancel(conn, job_id, now)
        if job is not None and job.kind != "reprocess" and job.state == JobState.QUEUED:
            jobs_repo.finish(conn, job_id, JobState.CANCELLED, now)
            job = jobs_repo.get_job(conn, job_id)
        elif job is not None and job.kind == "reprocess" and job.state in jobs_repo.ACTIVE \
                and not res.redis.exists(reingest.pending_key(job_id)):
            jobs_repo.finish(conn, job_id, JobState.CANCELLED, now)  # its batches are gone (e.g. expired)
            job = jobs_repo.get_job(conn, job_id)
    return job


# --------------------------------------------------------------------------- tasks


def _begin(res: Resources, job_id: str) -> bool:
    """Mark a job started, unless it was cancelled before a worker picked it up."""
    with res.engine.begin() as conn:
        if jobs_repo.cancel_requested(conn, job_id):
            return False
        jobs_repo.start(conn, job_id, utcnow())
    return True


@app.task(name="worker.tasks.jobs.reingest_feed")
def reingest_feed(job_id: str, feed_id: int, force: bool = False) -> int:
    from worker.services.ingest import fetch_and_store

    res = get_resources()
    with timed("reingest_feed"):
        if not _begin(res, job_id):
            return 0
        outcome = fetch_and_store(res.engine, res.fetcher, res.settings, feed_id, utcnow(), force=force)
        send(res, _process_calls(outcome.to_process))
        with res.engine.begin() as conn:
            jobs_repo.add_done(conn, job_id, 1, utcnow())
            ok = outcome.status in ("ok", "not_modified", "unchanged")
            jobs_repo.finish(conn, job_id, JobState.DONE if ok else JobState.FAILED, utcnow(), error=outcome.error, outcome={
                "status": outcome.status, "new": len(outcome.new_ids), "updated": len(outcome.updated_ids),
                "unchanged": outcome.unchanged, "item_ids": outcome.to_process})
    return len(outcome.to_process)


@app.task(name="worker.tasks.jobs.reingest_url")
def reingest_url(job_id: str, url: str) -> int:
    from worker.errors import RasdError

    res = get_resources()
    with timed("reingest_url"):
        if not _begin(res, job_id):
            return 0
        try:
            outcome = reingest.ingest_url(res, url, utcnow())
        except RasdError as exc:
            with res.engine.begin() as conn:
                jobs_repo.finish(conn, job_id, JobState.FAILED, utcnow(), error=f"{type(exc).__name__}: {exc.reason}")
            return 0
        send(res, _process_calls(outcome.to_process))
        with res.engine.begin() as conn:
            jobs_repo.add_done(conn, job_id, 1, utcnow())
            jobs_repo.finish(conn, job_id, JobState.DONE, utcnow(), outcome=outcome.to_json())
    return len(outcome.to_process)


@app.task(name="worker.tasks.jobs.reprocess_batch")
def reprocess_batch(job_id: str, batch_no: int, item_ids: list[int]) -> int:
    res = get_resources()
    with timed("reprocess_batch"):
        progress = reingest.run_reprocess_batch(res, job_id, batch_no, item_ids)
    if progress.regions:
        send(res, [("worker.tasks.evaluate_regions", [sorted(progress.regions)])])
    return progress.processed
