"""Background jobs (re-ingest, re-process): state and progress, updated atomically by workers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.states import JOB_ACTIVE, JOB_FINAL, JobState
from worker.store.tables import jobs

ACTIVE = JOB_ACTIVE
FINAL = JOB_FINAL


@dataclass(frozen=True, slots=True)
class Job:
    """A background job's row: what it is, where it stands, what it found."""

    id: str
    kind: str  # reingest_feed | reingest_url | reprocess
    params: dict[str, Any]  # the request, plus "outcome" once a one-step job ended
    state: JobState
    total: int
    done: int
    error: str | None
    cancel_requested: bool
    created_at: datetime
    updated_at: datetime

    @property
    def outcome(self) -> Any:
        return self.params.get("outcome")


def _job(row: Any) -> Job:
    return Job(id=row["id"], kind=row["kind"], params=dict(row["params"] or {}), state=JobState(row["state"]),
               total=int(row["total"]), done=int(row["done"]), error=row["error"],
               cancel_requested=bool(row["cancel_requested"]), created_at=row["created_at"],
               updated_at=row["updated_at"])


def create_job(conn: Connection, kind: str, params: dict[str, Any], total: int, now: datetime) -> str:
    job_id = str(uuid.uuid4())
    conn.execute(sa.insert(jobs).values(id=job_id, kind=kind, params=params, state=JobState.QUEUED, total=total,
                                        done=0, cancel_requested=False, created_at=now, updated_at=now))
    return job_id


def get_job(conn: Connection, job_id: str) -> Job | None:
    row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).mappings().first()
    return _job(row) if row else None


def cancel_requested(conn: Connection, job_id: str) -> bool:
    """True when the job was cancelled or is gone (a worker then stops)."""
    row = conn.execute(sa.select(jobs.c.cancel_requested).where(jobs.c.id == job_id)).first()
    return row is None or bool(row[0])


def start(conn: Connection, job_id: str, now: datetime) -> None:
    conn.execute(sa.update(jobs).where(jobs.c.id == job_id, jobs.c.state == JobState.QUEUED)
                 .values(state=JobState.RUNNING, updated_at=now))


def add_done(conn: Connection, job_id: str, n: int, now: datetime) -> None:
    """``done = min(done + n, total)`` in one statement (many workers update the same job)."""
    new_done = sa.case((jobs.c.done + n > jobs.c.total, jobs.c.total), else_=jobs.c.done + n)
    conn.execute(sa.update(jobs).where(jobs.c.id == job_id).values(done=new_done, updated_at=now))


def finish(conn: Connection, job_id: str, state: JobState, now: datetime, *, error: str | None = None,
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


def request_cancel(conn: Connection, job_id: str, now: datetime) -> Job | None:
    """Ask the job's workers to stop; returns the job row after the request, None if unknown."""
    conn.execute(sa.update(jobs).where(jobs.c.id == job_id, jobs.c.state.in_(ACTIVE))
                 .values(cancel_requested=True, updated_at=now))
    return get_job(conn, job_id)
