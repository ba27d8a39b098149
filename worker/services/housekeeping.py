"""Periodic repairs that keep the at-least-once promise when a broker loses messages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from worker.resources import Resources
from worker.states import ItemState
from worker.store.filters import one_of
from worker.store.tables import items, webhooks

STALE_PENDING = timedelta(minutes=10)


def stale_pending_ids(conn: sa.Connection, now: datetime, limit: int = 5000) -> list[int]:
    """Items still pending long after they were stored or last tried: their task was lost."""
    rows = conn.execute(
        sa.select(items.c.id).where(items.c.state == ItemState.PENDING, items.c.updated_at < now - STALE_PENDING)
        .order_by(items.c.id).limit(limit))
    return [int(r[0]) for r in rows]


def run_housekeeping(res: Resources, now: datetime) -> dict[str, Any]:
    with res.engine.begin() as conn:
        requeue = stale_pending_ids(conn, now)
        if requeue:  # push them out of the stale window so the next run does not re-queue them again
            conn.execute(sa.update(items).where(one_of(conn, items.c.id, requeue)).values(updated_at=now))
        limit = now - timedelta(days=res.settings.webhook_disable_after_days)
        disabled = conn.execute(
            sa.update(webhooks).where(webhooks.c.enabled.is_(True), webhooks.c.failing_since.is_not(None),
                                      webhooks.c.failing_since <= limit)
            .values(enabled=False, disabled_reason="failing continuously for "
                    f"{res.settings.webhook_disable_after_days:g} days")
        ).rowcount
    return {"requeue_ids": requeue, "requeued": len(requeue), "webhooks_disabled": disabled}
