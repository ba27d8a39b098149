"""Webhook endpoints: registration and listing (deliveries live in alerts_repo)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.store.tables import webhooks


@dataclass(frozen=True, slots=True)
class Webhook:
    """A webhook endpoint's row; the secrets stay out of its repr (and so out of any log line)."""

    id: int
    url: str
    secret: str = field(repr=False)
    previous_secret: str | None = field(repr=False)  # kept during a rotation: two signatures per delivery
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime


def _webhook(row: Any) -> Webhook:
    return Webhook(id=int(row["id"]), url=row["url"], secret=row["secret"], previous_secret=row["previous_secret"],
                   enabled=bool(row["enabled"]), disabled_reason=row["disabled_reason"],
                   failing_since=row["failing_since"], created_at=row["created_at"])


def add_webhook(conn: Connection, url: str, secret: str, now: datetime) -> int:
    row = conn.execute(sa.insert(webhooks).values(url=url, secret=secret, enabled=True, created_at=now)
                       .returning(webhooks.c.id)).first()
    assert row is not None
    return int(row[0])


def get_webhook(conn: Connection, webhook_id: int) -> Webhook | None:
    row = conn.execute(sa.select(webhooks).where(webhooks.c.id == webhook_id)).mappings().first()
    return _webhook(row) if row else None


def list_webhooks(conn: Connection) -> list[Webhook]:
    return [_webhook(r) for r in conn.execute(sa.select(webhooks).order_by(webhooks.c.id)).mappings()]


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
