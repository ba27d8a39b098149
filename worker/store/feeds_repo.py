"""Feeds: registration, due-feed claiming and fetch bookkeeping."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.store.tables import feed_item_digests, feeds
from worker.store.upsert import upsert

FEED_FIELDS = ("name", "country", "language", "interval", "tags")


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed's row, fields in column order (its JSON lines keep the order they always had)."""

    id: int
    url: str
    name: str
    country: str | None
    language: str | None
    interval: int
    tags: list[str] | None
    enabled: bool
    paused_reason: str | None
    next_check_at: datetime
    claimed_until: datetime | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    error_count: int
    last_error: str | None
    last_status: int | None
    last_fetched_at: datetime | None
    last_ok_at: datetime | None
    items_total: int
    created_at: datetime
    last_new_item_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        """The row as a mapping: what the CLI's JSON lines and the API's FeedOut are made from."""
        return asdict(self)


def _feed(row: Any) -> Feed:
    return Feed(**row)


def add_feed(conn: Connection, url: str, now: datetime, *, name: str = "", interval: int = 300,
             country: str | None = None, language: str = "ar", tags: list[str] | None = None) -> int:
    """Register a feed (or update its metadata when the URL is known); returns its id."""
    values = {"url": url, "name": name or url, "interval": interval, "country": country,
              "language": language, "tags": tags or [],
              "next_check_at": now, "created_at": now}
    upsert(conn, feeds, values, key=["url"], update=list(FEED_FIELDS))
    return int(conn.execute(sa.select(feeds.c.id).where(feeds.c.url == url)).scalar_one())


def find_feed(conn: Connection, url: str) -> int | None:
    """The id of the feed with this URL, if it is registered."""
    found = conn.execute(sa.select(feeds.c.id).where(feeds.c.url == url)).scalar_one_or_none()
    return None if found is None else int(found)


def name_from_title(conn: Connection, feed_id: int, url: str, title: str) -> str | None:
    """Name a feed registered without one (its name is its URL) after its own title; the new name."""
    name = " ".join(title.split())[:200]
    if not name:
        return None
    done = conn.execute(sa.update(feeds).where(feeds.c.id == feed_id, sa.or_(feeds.c.name == url, feeds.c.name == ""))
                        .values(name=name)).rowcount
    return name if done else None


def import_feeds(conn: Connection, entries: Iterable[dict[str, Any]], now: datetime,
                 default_interval: int) -> int:
    count = 0
    for entry in entries:
        add_feed(conn, entry["url"], now, name=entry.get("name", ""),
                 interval=int(entry.get("interval", default_interval)), country=entry.get("country"),
                 language=entry.get("language", "ar"), tags=entry.get("tags"))
        count += 1
    return count


def get_feed(conn: Connection, feed_id: int) -> Feed | None:
    row = conn.execute(sa.select(feeds).where(feeds.c.id == feed_id)).mappings().first()
    return _feed(row) if row else None


def list_feeds(conn: Connection) -> list[Feed]:
    return [_feed(r) for r in conn.execute(sa.select(feeds).order_by(feeds.c.id)).mappings()]


def remove_feed(conn: Connection, feed_id: int) -> bool:
    return conn.execute(sa.delete(feeds).where(feeds.c.id == feed_id)).rowcount > 0


def claim_due(conn: Connection, now: datetime, limit: int, lease: timedelta) -> list[int]:
    """Claim feeds whose check is due by pushing ``next_check_at`` out by a lease.

    If the fetch task is lost (worker killed before it acks and the broker loses it), the feed comes
    due again when the lease ends; a successful or failed fetch sets the real next check.
    """
    due = (
        sa.select(feeds.c.id)
        .where(feeds.c.enabled.is_(True), feeds.c.paused_reason.is_(None), feeds.c.next_check_at <= now)
        .order_by(feeds.c.next_check_at)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    stmt = (
        sa.update(feeds)
        .where(feeds.c.id.in_(due.scalar_subquery()))
        .values(next_check_at=now + lease)
        .returning(feeds.c.id)
    )
    return sorted(int(r[0]) for r in conn.execute(stmt))


def request_fetch(conn: Connection, feed_id: int, now: datetime, *, force: bool = False) -> bool:
    """Make a feed due now (manual re-ingest); ``force`` drops the validators so the body is re-read."""
    values: dict[str, Any] = {"next_check_at": now, "paused_reason": None}
    if force:
        values.update(etag=None, last_modified=None, body_hash=None)
    return conn.execute(sa.update(feeds).where(feeds.c.id == feed_id).values(**values)).rowcount > 0


def record_success(conn: Connection, feed_id: int, now: datetime, *, status: int, next_check_at: datetime,
                   etag: str | None, last_modified: str | None, body_hash: str | None,
                   new_items: int = 0) -> None:
    values: dict[str, Any] = {
        "last_status": status, "last_fetched_at": now, "last_ok_at": now, "error_count": 0,
        "last_error": None, "next_check_at": next_check_at,
        "items_total": feeds.c.items_total + new_items,
    }
    if new_items:
        values["last_new_item_at"] = now
    if status != 304:
        values.update(etag=etag, last_modified=last_modified, body_hash=body_hash)
    conn.execute(sa.update(feeds).where(feeds.c.id == feed_id).values(**values))


def item_digests(conn: Connection, feed_id: int) -> bytes | None:
    """Digests of the items the feed's last stored fetch listed (worker.feeds.known_items)."""
    return conn.execute(sa.select(feed_item_digests.c.digests)
                        .where(feed_item_digests.c.feed_id == feed_id)).scalar_one_or_none()


def save_item_digests(conn: Connection, feed_id: int, digests: bytes, now: datetime) -> None:
    upsert(conn, feed_item_digests, {"feed_id": feed_id, "digests": digests, "updated_at": now},
           key=["feed_id"], update=["digests", "updated_at"])


def record_failure(conn: Connection, feed_id: int, now: datetime, *, reason: str, status: int | None,
                   next_check_at: datetime, pause_reason: str | None) -> None:
    conn.execute(
        sa.update(feeds).where(feeds.c.id == feed_id).values(
            last_status=status, last_fetched_at=now, last_error=reason[:2000],
            error_count=feeds.c.error_count + 1, next_check_at=next_check_at,
            paused_reason=pause_reason,
        )
    )


def resume_feed(conn: Connection, feed_id: int, now: datetime) -> bool:
    return conn.execute(
        sa.update(feeds).where(feeds.c.id == feed_id).values(paused_reason=None, error_count=0, next_check_at=now)
    ).rowcount > 0
