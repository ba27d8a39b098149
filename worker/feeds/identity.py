"""Stable identity of a feed item, so a re-fetch never stores it twice (pure)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from worker.models import ParsedItem


def item_key(feed_id: int | None, guid: str | None, canonical_url: str | None, title: str,
             published: datetime | None) -> str:
    """feed + guid, else canonical URL, else a hash of title + published (as the issue fixes)."""
    if guid and guid.strip():
        basis = f"g|{feed_id}|{guid.strip()}"
    elif canonical_url:
        basis = f"u|{canonical_url}"
    else:
        when = published.isoformat() if published else ""
        basis = f"t|{feed_id}|{title.strip()}|{when}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def content_fingerprint(item: ParsedItem) -> str:
    """Hash of what the item says; a change re-processes the item in place."""
    h = hashlib.sha256()
    for part in (item.title, item.summary, item.content, item.link or ""):
        h.update(part.encode("utf-8", "replace"))
        h.update(b"\x00")
    return h.hexdigest()


def event_time(published: datetime | None, fetched_at: datetime) -> datetime:
    """Published time, clamped to fetch time when missing or in the future (event time for spikes)."""
    if published is None:
        return fetched_at
    published = published.astimezone(UTC) if published.tzinfo else published.replace(tzinfo=UTC)
    return min(published, fetched_at)
