"""Webhook endpoints: registration and listing (deliveries live in alerts_repo)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.store.tables import webhooks


def add_webhook(conn: Connection, url: str, secret: str, now: datetime) -> int:
    row = conn.execute(sa.insert(webhooks).values(url=url, secret=secret, enabled=True, created_at=now)
                       .returning(webhooks.c.id)).first()
    assert row is not None
    return int(row[0])


def get_webhook(conn: Connection, webhook_id: int) -> dict[str, Any] | None:
    row = conn.execute(sa.select(webhooks).where(webhooks.c.id == webhook_id)).mappings().first()
    return dict(row) if row else None


def list_webhooks(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sa.select(webhooks).order_by(webhooks.c.id)).mappings()]


def remove_webhook(conn: Connection, webhook_id: int) -> bool:
    """Delete an endpoint (its deliveries go with it: ON DELETE CASCADE)."""
    return conn.execute(sa.delete(webhooks).where(webhooks.c.id == webhook_id)).rowcount > 0


def rotate_secret(conn: Connection, webhook_id: int, new_secret: str | None) -> bool:
    """Start a rotation (new secret, the current one kept as previous: two signatures per delivery),
    or with ``new_secret=None`` finish it (drop the previous secret)."""
    values: dict[str, Any] = ({"previous_secret": webhooks.c.secret, "secret": new_secret}
                              if new_secret is not None else {"previous_secret": None})
    return conn.execute(sa.update(webhooks).where(webhooks.c.id == webhook_id).values(**values)).rowcount > 0


def mask_secret(secret: str) -> str:
    """What listings show instead of a secret: the prefix and the last 4 characters."""
    prefix = "whsec_" if secret.startswith("whsec_") else ""
    return f"{prefix}…{secret[-4:]}" if len(secret) > len(prefix) + 8 else f"{prefix}…"
