"""Adding feeds: one path for the CLI and the API, so both check and normalise a URL the same way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from worker.feeds.ssrf import Resolver, system_resolver
from worker.services.reingest import check_submitted_url
from worker.settings import Settings
from worker.store import feeds_repo


def add_feed(engine: sa.Engine, settings: Settings, url: str, now: datetime, *, name: str = "",
             interval: int | None = None, country: str | None = None,
             resolver: Resolver = system_resolver) -> tuple[feeds_repo.Feed, bool]:
    """Register a feed, or update the metadata of a known URL; returns its row and whether it is new.

    Raises :class:`worker.errors.FetchError` (BlockedAddress, ...) with the guard's reason for a
    refused URL; nothing is stored then.
    """
    url = url.strip()
    check_submitted_url(url, settings, resolver)
    with engine.begin() as conn:
        known = feeds_repo.find_feed(conn, url) is not None
        feed_id = feeds_repo.add_feed(conn, url, now, name=name, country=country.upper() if country else None,
                                      interval=interval or settings.poll_interval_default)
        feed = feeds_repo.get_feed(conn, feed_id)
        assert feed is not None  # written in this transaction
        return feed, not known


def import_feeds(engine: sa.Engine, settings: Settings, entries: Sequence[dict[str, Any]], now: datetime,
                 resolver: Resolver = system_resolver) -> int:
    """Upsert a feed list by URL after every URL passed the guard (all or nothing); the count imported."""
    for entry in entries:
        check_submitted_url(str(entry["url"]).strip(), settings, resolver)
    with engine.begin() as conn:
        return feeds_repo.import_feeds(conn, entries, now, settings.poll_interval_default)
