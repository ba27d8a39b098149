"""The states stored rows move through, as StrEnums: a typo is a NameError, not a row no query finds.

Members are ``str``: they compare equal to, and are stored as, their values (the columns stay strings).
"""

from __future__ import annotations

from enum import StrEnum


class ItemState(StrEnum):
    """An item: pending -> processed, or dead after RASD_MAX_ATTEMPTS failures (with its last error)."""

    PENDING = "pending"
    PROCESSED = "processed"
    DEAD = "dead"


class DeliveryState(StrEnum):
    """A webhook delivery: pending -> delivered | failed (schedule exhausted) | cancelled (endpoint disabled)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobState(StrEnum):
    """A background job (re-ingest, re-process)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


JOB_ACTIVE = (JobState.QUEUED, JobState.RUNNING)
JOB_FINAL = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class Severity(StrEnum):
    """An alert's severity, lowest first."""

    WATCH = "watch"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """1 for watch up to 3 for critical: severities compare by it."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(Severity, start=1)}
