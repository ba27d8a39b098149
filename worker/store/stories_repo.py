"""Stories as an event table: filtered, searched and paged newest first (event time, then id)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.states import Severity
from worker.store import story_index
from worker.store.articles_repo import Story
from worker.store.filters import one_of
from worker.store.tables import alert_stories, stories, story_docs, story_regions


@dataclass(frozen=True)
class StoryFilter:
    region_keys: list[str] | None = None  # any of these regions (None: no region filter)
    country: str | None = None
    since: datetime | None = None  # event time, inclusive
    until: datetime | None = None  # event time, exclusive
    min_killed: int | None = None
    severity: Severity | None = None  # behind an alert of at least this severity
    terms: list[str] | None = None  # full-text: every term
    ids: list[int] | None = None


@dataclass(frozen=True, slots=True)
class ListedStory(Story):
    """A story row with the actors of its search document (None: no document yet)."""

    actors: list[str] | None


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after (event_time, id) in newest-first order."""

    event_time: datetime
    story_id: int


def list_stories(conn: Connection, f: StoryFilter, *, limit: int, after: Cursor | None = None) -> list[ListedStory]:
    """Story rows (with ``actors``), newest event first; ``limit`` rows after ``after``.

    One region: walked from ``story_regions``' (region, event time) index, so the newest page of a
    busy region is read without collecting all its stories first."""
    keys = f.region_keys or []
    one_region = len(keys) == 1 and not f.country
    source: sa.FromClause
    if one_region:
        source = story_regions.join(stories, stories.c.id == story_regions.c.story_id)
        time_col, id_col = story_regions.c.event_time, story_regions.c.story_id
        f = replace(f, region_keys=None)
    else:
        source, time_col, id_col = stories, stories.c.event_time, stories.c.id
    q = (sa.select(stories, story_docs.c.actors)
         .select_from(source.outerjoin(story_docs, story_docs.c.story_id == stories.c.id))
         .order_by(time_col.desc(), id_col.desc()).limit(limit))
    if one_region:
        q = q.where(story_regions.c.region_key == keys[0])
        if f.since is not None:
            q = q.where(time_col >= f.since)
        if f.until is not None:
            q = q.where(time_col < f.until)
    for cond in _conditions(conn, f):
        q = q.where(cond)
    if after is not None:
        q = q.where(sa.or_(time_col < after.event_time, sa.and_(time_col == after.event_time, id_col < after.story_id)))
    return [ListedStory(**r) for r in conn.execute(q).mappings()]


def _conditions(conn: Connection, f: StoryFilter) -> list[sa.ColumnElement[bool]]:
    out: list[sa.ColumnElement[bool]] = []
    if f.since is not None:
        out.append(stories.c.event_time >= f.since)
    if f.until is not None:
        out.append(stories.c.event_time < f.until)
    if f.region_keys is not None or f.country:
        sub = sa.select(story_regions.c.story_id)
        if f.region_keys is not None:
            sub = sub.where(one_of(conn, story_regions.c.region_key, f.region_keys))
        if f.country:
            sub = sub.where(story_regions.c.country == f.country)
        if f.since is not None:
            sub = sub.where(story_regions.c.event_time >= f.since)
        if f.until is not None:
            sub = sub.where(story_regions.c.event_time < f.until)
        out.append(stories.c.id.in_(sub.scalar_subquery()))
    if f.min_killed is not None:
        out.append(stories.c.totals["killed"].as_integer() >= f.min_killed)
    if f.severity:
        wanted = [s for s in Severity if s.rank >= f.severity.rank]
        out.append(stories.c.id.in_(sa.select(alert_stories.c.story_id)
                                    .where(alert_stories.c.severity.in_(wanted)).scalar_subquery()))
    if f.terms:
        out.append(story_index.matches(conn, f.terms))
    if f.ids is not None:
        out.append(one_of(conn, stories.c.id, f.ids))
    return out


def alert_severities(conn: Connection, story_ids: list[int]) -> dict[int, Severity]:
    """The highest severity of an alert each story is behind (stories behind none are absent)."""
    if not story_ids:
        return {}
    out: dict[int, Severity] = {}
    for sid, stored in conn.execute(sa.select(alert_stories.c.story_id, alert_stories.c.severity)
                                    .where(one_of(conn, alert_stories.c.story_id, story_ids))):
        severity, known = Severity(stored), out.get(int(sid))
        if known is None or severity.rank > known.rank:
            out[int(sid)] = severity
    return out


def region_hour_counts(conn: Connection, region_key: str, since: datetime, until: datetime) -> dict[int, int]:
    """Stories of the region per hour of event time (hours since the epoch) in [since, until)."""
    hour: sa.ColumnElement[Any]
    if conn.dialect.name == "postgresql":
        hour = sa.cast(sa.func.floor(sa.extract("epoch", story_regions.c.event_time) / 3600), sa.BigInteger)
    else:  # stored as naive UTC text: strftime('%s') reads it as UTC
        hour = sa.cast(sa.func.strftime("%s", story_regions.c.event_time), sa.Integer).op("/")(3600)
    rows = conn.execute(sa.select(hour.label("hour"), sa.func.count())
                        .where(story_regions.c.region_key == region_key, story_regions.c.event_time >= since,
                               story_regions.c.event_time < until).group_by(sa.literal_column("hour")))
    return {int(h): int(n) for h, n in rows}


def region_volumes(conn: Connection, since: datetime) -> dict[str, int]:
    """Stories per region with event time from ``since``."""
    rows = conn.execute(sa.select(story_regions.c.region_key, sa.func.count())
                        .where(story_regions.c.event_time >= since).group_by(story_regions.c.region_key))
    return {str(k): int(n) for k, n in rows}
