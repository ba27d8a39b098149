"""Background jobs (re-ingest, re-process): state and progress, updated atomically by workers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.store.tables import jobs

ACTIVE = ("queued", "running")
FINAL = ("done", "failed", "cancelled")


def create_job(conn: Connection, kind: str, params: dict[str, Any], total: int, now: datetime) -> str:
    job_id = str(uuid.uuid4())
    conn.execute(sa.insert(jobs).values(id=job_id, kind=kind, params=params, state="queued", total=total,
                                        done=0, cancel_requested=False, created_at=now, updated_at=now))
    return job_id


def get_job(conn: Connection, job_id: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).mappings().first()
    return dict(row) if row else None


def cancel_requested(conn: Connection, job_id: str) -> bool:
    """True when the job was cancelled or is gone (a worker then stops)."""
    row = conn.execute(sa.select(jobs.c.cancel_requested).where(jobs.c.id == job_id)).first()
    return row is None or bool(row[0])


def start(conn: Connection, job_id: str, now: datetime) -> None:
    conn.execute(sa.update(jobs).where(jobs.c.id == job_id, jobs.c.state == "queued")
                 .values(state="running", updated_at=now))


def add_done(conn: Connection, job_id: str, n: int, now: datetime) -> None:
    """``done = min(done + n, total)`` in one statement (many workers update the same job)."""
    new_done = sa.case((jobs.c.done + n > jobs.c.total, jobs.c.total), else_=jobs.c.done + n)
    conn.execute(sa.update(jobs).where(jobs.c.id == job_id).values(done=new_done, updated_at=now))


def finish(conn: Connection, job_id: str, state: str, now: datetime, *, error: str | None = None,
           outcome: dict[str, Any] | None = None) -> None:
    """Move an active job to a final state (a job already final is left as it is)."""
    values: dict[str, Any] = {"state": state, "updated_at": now}
    if error is not None:
        values["error"] = error[:2000]
    if outcome is not None:
        params = conn.execute(sa.select(jobs.c.params).where(jobs.c.id == job_id)).scalar()
        values["params"] = {**(params or {}), "outcome": outcome}
    conn.execute(sa.update(jobs).where(jobs.c.id == job_id, jobs.c.state.in_(ACTIVE)).values(**values))


def set_error(conn: Connection, job_id: str, error: str, now: datetime) -> None:
    conn.execute(sa.update(jobs).where(jobs.c.id == job_id).values(error=error[:2000], updated_at=now))


def request_cancel(conn: Connection, job_id: str, now: datetime) -> dict[str, Any] | None:
    """Ask the job's workers to stop; returns the job row after the request, None if unknown."""
    conn.execute(sa.update(jobs).where(jobs.c.id == job_id, jobs.c.state.in_(ACTIVE))
                 .values(cancel_requested=True, updated_at=now))
    return get_job(conn, job_id)
