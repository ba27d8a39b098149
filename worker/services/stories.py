"""Stories as events (one row per story, ACLED-like columns) for ``GET /stories`` and
``rasd stories list``: filters checked here, so the API and the CLI refuse the same bad input."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.errors import RasdError
from worker.services import regions as region_catalogue
from worker.states import Severity
from worker.store import stories_repo
from worker.store.filters import one_of
from worker.store.stories_repo import Cursor, ListedStory, StoryFilter
from worker.store.story_index import query_terms
from worker.store.tables import articles, items

MAX_QUERY_CHARS = 500


class BadQuery(RasdError):
    """A filter value the caller must fix (the API answers 400 with ``reason``)."""


@dataclass(frozen=True)
class StoryQuery:
    region: str | None = None
    country: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    min_killed: int | None = None
    severity: str | None = None
    q: str | None = None
    cursor: str | None = None
    limit: int = 100


def region_keys(region: str | None) -> list[str] | None:
    """Keys a ``region=`` value names; an unknown region is refused, not an empty result."""
    if region is None or not region.strip():
        return None
    keys = region_catalogue.resolve(region)
    if not keys:
        raise BadQuery(f"unknown region {region[:80]!r}: give a region key, an English or an Arabic name "
                       "(GET /regions lists them)")
    return keys


def to_filter(sq: StoryQuery) -> StoryFilter:
    if sq.since is not None and sq.until is not None and sq.since >= sq.until:
        raise BadQuery("since must be before until")
    terms: list[str] | None = None
    if sq.q is not None and sq.q.strip():
        if len(sq.q) > MAX_QUERY_CHARS:
            raise BadQuery(f"q is limited to {MAX_QUERY_CHARS} characters")
        terms = query_terms(sq.q)
        if not terms:
            raise BadQuery("q has no words to search for")
    country = sq.country.strip().upper() if sq.country else None
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise BadQuery("country is an ISO 3166-1 alpha-2 code, e.g. SY")
    return StoryFilter(region_keys=region_keys(sq.region), country=country, since=sq.since, until=sq.until,
                       min_killed=sq.min_killed, severity=_severity(sq.severity), terms=terms)


def _severity(value: str | None) -> Severity | None:
    if not value:
        return None
    try:
        return Severity(value)
    except ValueError:
        raise BadQuery(f"severity is one of {', '.join(Severity)}, not {value[:40]!r}") from None


def encode_cursor(c: Cursor) -> str:
    raw = f"{int(c.event_time.timestamp() * 1_000_000)}.{c.story_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        micros, story_id = raw.split(".")
        return Cursor(datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC), int(story_id))
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError, OSError):
        raise BadQuery("cursor is not one this API gave out") from None


def story_page(conn: Connection, sq: StoryQuery) -> tuple[list[dict[str, Any]], str | None]:
    """One page of story views and the cursor of the next page (None on the last)."""
    f = to_filter(sq)
    after = decode_cursor(sq.cursor) if sq.cursor else None
    rows = stories_repo.list_stories(conn, f, limit=sq.limit + 1, after=after)
    more = len(rows) > sq.limit
    rows = rows[:sq.limit]
    views = story_views(conn, rows)
    nxt = encode_cursor(Cursor(rows[-1].event_time, rows[-1].id)) if more and rows else None
    return views, nxt


def story_views(conn: Connection, rows: list[ListedStory]) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    last = _last_published(conn, ids)
    severity = stories_repo.alert_severities(conn, ids)
    return [story_view(r, last.get(r.id), severity.get(r.id)) for r in rows]


def story_view(row: ListedStory, last_published: datetime | None, alert_severity: str | None) -> dict[str, Any]:
    """The public story object: an event row."""
    totals = row.totals or {}
    return {
        "id": row.id,
        "first_published": row.event_time,
        "last_published": last_published or row.event_time,
        "title": row.title,
        "url": row.url,
        "sources": list(row.sources or []),
        "source_count": len(row.sources or []),
        "article_count": row.size,
        "regions": [region_catalogue.from_stored(r) for r in row.regions or []],
        "killed": totals.get("killed"),
        "injured": totals.get("injured"),
        "actors": list(row.actors or []),
        "keywords": dict(row.keywords or {}),
        "escalation_score": float(row.escalation_score or 0.0),
        "alert_severity": alert_severity,
    }


def _last_published(conn: Connection, story_ids: list[int]) -> dict[int, datetime]:
    if not story_ids:
        return {}
    from worker.store.tables import UTCDateTime

    latest = sa.type_coerce(sa.func.max(items.c.event_time), UTCDateTime)
    rows = conn.execute(sa.select(articles.c.story_id, latest)
                        .join(items, items.c.id == articles.c.item_id)
                        .where(one_of(conn, articles.c.story_id, story_ids)).group_by(articles.c.story_id))
    return {int(s): t for s, t in rows if t is not None}
