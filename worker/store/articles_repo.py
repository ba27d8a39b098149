"""Processed articles and their stories (a story = one real-world report and its syndicated copies)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.models import region_key
from worker.states import ItemState
from worker.store import story_index
from worker.store.filters import none_of, one_of
from worker.store.tables import articles, items, stories
from worker.store.upsert import upsert


@dataclass(frozen=True, slots=True)
class Story:
    """A story's row, fields in column order: computed from its articles (:func:`refresh_stories`)."""

    id: int  # the first article's item id
    first_seen: datetime
    event_time: datetime
    title: str
    url: str | None
    size: int
    sources: list[str] | None
    totals: dict[str, Any] | None  # {"killed", "injured"[, "cumulative"]}: see merge_totals
    regions: list[dict[str, Any]] | None  # the stored region objects, each with "since"
    keywords: dict[str, int] | None
    escalation_score: float
    updated_at: datetime
    first_item_id: int | None  # None: written before the column existed (recomputed when next touched)

    def columns(self) -> dict[str, Any]:
        """The row's column values (shallow: what the upsert writes)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def story_from_row(row: Any) -> Story:
    """A row read from ``stories`` as a :class:`Story`."""
    return Story(**row)


@dataclass(frozen=True, slots=True)
class ArticleListing:
    """An item with its article's results (None before it is processed): `articles list`'s row."""

    id: int
    feed_id: int | None
    source: str
    url: str | None
    title: str
    published: datetime | None
    event_time: datetime
    state: ItemState
    story_id: int | None
    duplicate_of: int | None
    totals: dict[str, Any] | None
    escalation_score: float | None
    regions: list[dict[str, Any]] | None


ARTICLE_UPDATE = ("story_id", "duplicate_of", "similarity", "text_clean", "removed_paragraphs", "casualties",
                  "totals", "entities", "keywords", "escalation_score", "regions", "processed_at")


def save_articles(conn: Connection, rows: list[dict[str, Any]]) -> dict[int, int | None]:
    """Upsert a batch of article results; returns each item's previous story id (None if new).

    The stories they belong to, now or before, are locked first (:func:`lock_stories`), so the
    caller can then read and refresh them without a concurrent batch's copies slipping past.
    """
    if not rows:
        return {}
    ids = [r["item_id"] for r in rows]
    previous = {int(i): s for i, s in conn.execute(
        sa.select(articles.c.item_id, articles.c.story_id).where(one_of(conn, articles.c.item_id, ids)))}
    lock_stories(conn, {int(r["story_id"]) for r in rows} | {int(s) for s in previous.values() if s is not None})
    upsert(conn, articles, rows, key=["item_id"], update=ARTICLE_UPDATE)
    return {i: previous.get(i) for i in ids}


def merge_totals(copies: list[dict[str, Any] | None]) -> dict[str, Any]:
    """A story's totals: the conservative maximum over its copies for each kind, never the sum.
    ``cumulative`` (only when some kind has it) lists the kinds whose maximum is a running toll in
    some copy that gives it; order-free, so a story extended copy by copy equals its recomputation."""
    merged: dict[str, int | None] = {"killed": None, "injured": None}
    running: set[str] = set()
    for totals in copies:
        marked = (totals or {}).get("cumulative") or ()
        for kind in merged:
            value = (totals or {}).get(kind)
            if value is None:
                continue
            current = merged[kind]
            if current is None or value > current:
                merged[kind] = value
                running.discard(kind)
            if value == merged[kind] and kind in marked:
                running.add(kind)
    kinds = [kind for kind in merged if kind in running]
    return {**merged, "cumulative": kinds} if kinds else dict(merged)


def _add_regions(regions: dict[str, dict[str, Any]], item_id: int, found: list[dict[str, Any]] | None) -> None:
    """Keep each region as its first mention gives it; ``since`` (item id, position) records which,
    so a story's regions come out in the same order however its articles arrive."""
    for position, region in enumerate(found or []):
        key, since = region_key(region), [item_id, position]
        known = regions.get(key)
        if known is None or known["since"] > since:
            regions[key] = {**region, "since": since}


def _ordered(regions: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(regions.values(), key=lambda region: region["since"])


def _keyword_counts(first: Any) -> dict[str, int]:
    keywords: dict[str, int] = {}
    for kw in (first["keywords"] or []):
        keywords[kw["term"]] = keywords.get(kw["term"], 0) + 1
    return keywords


def _story_values(story_id: int, rows: list[Any], now: datetime) -> Story:
    """A story from all its articles' inputs, in item id order: the first one gives its title, url
    and keywords."""
    first = rows[0]
    regions: dict[str, dict[str, Any]] = {}
    for r in rows:
        _add_regions(regions, int(r["item_id"]), r["regions"])
    return Story(
        id=story_id,
        first_seen=min(r["fetched_at"] for r in rows),
        event_time=min(r["event_time"] for r in rows),
        title=first["title"],
        url=first["url"],
        size=len(rows),
        sources=sorted({r["source"] for r in rows}),
        totals=merge_totals([r["totals"] for r in rows]),
        regions=_ordered(regions),
        keywords=_keyword_counts(first),
        escalation_score=max(float(r["escalation_score"]) for r in rows),
        first_item_id=int(first["item_id"]),
        updated_at=now,
    )


def _extensible(story: Story) -> bool:
    """Written with what :func:`_extended` needs (rows from before ``first_item_id`` are not)."""
    return story.first_item_id is not None and all("since" in r for r in story.regions or [])


def _extended(story: Story, rows: list[Any], now: datetime) -> Story:
    """``story`` with ``rows`` (new to it, in item id order) added, equal to :func:`_story_values`
    over all its articles: counts add, minima and maxima combine, the first article is the lower of
    its ``first_item_id`` and the rows', and regions merge by their first mention."""
    assert story.first_item_id is not None  # _extensible
    regions = {region_key(region): region for region in story.regions or []}
    for r in rows:
        _add_regions(regions, int(r["item_id"]), r["regions"])
    first = rows[0] if int(rows[0]["item_id"]) < story.first_item_id else None
    return Story(
        id=story.id,
        first_seen=min(story.first_seen, *(r["fetched_at"] for r in rows)),
        event_time=min(story.event_time, *(r["event_time"] for r in rows)),
        title=story.title if first is None else first["title"],
        url=story.url if first is None else first["url"],
        size=story.size + len(rows),
        sources=sorted({*(story.sources or []), *(r["source"] for r in rows)}),
        totals=merge_totals([story.totals, *(r["totals"] for r in rows)]),
        regions=_ordered(regions),
        keywords=story.keywords if first is None else _keyword_counts(first),
        escalation_score=max(story.escalation_score, *(float(r["escalation_score"]) for r in rows)),
        first_item_id=story.first_item_id if first is None else int(first["item_id"]),
        updated_at=now,
    )


STORY_LOCK_SPACE = 0x52617364  # "Rasd": the first key of the stories' advisory locks


def lock_stories(conn: Connection, story_ids: set[int]) -> None:
    """Hold these stories until the transaction ends, before their rows and articles are read.

    Two batches that both bring an article of one story (syndicated copies fetched from two feeds
    at once) would otherwise each recompute it without the other's uncommitted article, and the one
    that commits last would overwrite the story with a partial count of its articles and sources.
    On PostgreSQL: transaction-scoped advisory locks, taken in id order (so no two batches deadlock).
    SQLite needs none: its write transactions (BEGIN IMMEDIATE) already run one at a time.
    """
    if conn.dialect.name != "postgresql" or not story_ids:
        return
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:space, id) FROM unnest(CAST(:ids AS integer[])) AS id"),
                 {"space": STORY_LOCK_SPACE, "ids": sorted(story_ids)})


# What a story is computed from: these article columns and these of its item.
STORY_ARTICLE_INPUTS = ("item_id", "story_id", "totals", "regions", "keywords", "escalation_score")
STORY_ITEM_INPUTS = ("source", "title", "url", "event_time", "fetched_at")


def refresh_stories(conn: Connection, story_ids: set[int], now: datetime,
                    fresh: list[dict[str, Any]] | None = None, *,
                    stored: dict[int, Story] | None = None,
                    previous: dict[int, int | None] | None = None,
                    texts: dict[int, dict[str, Any]] | None = None) -> dict[int, Story]:
    """Recompute stories' aggregate rows from their articles (idempotent; safe under re-process).

    ``fresh``: rows (``STORY_ARTICLE_INPUTS`` + ``STORY_ITEM_INPUTS``) of articles this transaction has just saved. They are used as
    given and only the stories' other articles are read back: decoding the batch's own JSON columns
    again was a tenth of a worker's time under load.

    ``stored`` (the story rows as read after :func:`save_articles` locked them) and ``previous``
    (its result) let most stories skip even that read. A story none of whose articles moved in this
    batch (no ``previous`` story is it) is extended from its row (:func:`_extended`); a story with no
    row yet and none of the batch's previous stories has only fresh articles. The rest (moved or
    re-processed articles, rows written before ``first_item_id`` existed) are recomputed from all
    their articles.

    ``texts`` (item id → title, text_clean, entities of the batch's articles) feed the search index
    (:func:`story_index.index_stories`) without reading them back.
    """
    if not story_ids:
        return {}
    fresh = fresh or []
    grouped = _by_story(r for r in fresh if r["story_id"] in story_ids)
    out: dict[int, Story] = {}
    if stored is not None and previous is not None:
        moved = {int(s) for s in previous.values() if s is not None}
        for sid, rows in grouped.items():
            if sid in moved:
                continue
            story = stored.get(sid)
            if story is None:
                out[sid] = _story_values(sid, rows, now)
            elif _extensible(story):
                out[sid] = _extended(story, rows, now)
    rest = story_ids - out.keys()
    if rest:
        regrouped = _by_story([*_other_articles(conn, rest, [r["item_id"] for r in fresh]),
                               *(r for r in fresh if r["story_id"] in rest)])
        out.update({sid: _story_values(sid, regrouped[sid], now) for sid in rest if sid in regrouped})
        gone = [sid for sid in rest if sid not in regrouped]
        if gone:
            conn.execute(sa.delete(stories).where(one_of(conn, stories.c.id, gone)))
            story_index.drop_stories(conn, gone)
    out = {sid: out[sid] for sid in sorted(out)}
    if out:
        values = [story.columns() for story in out.values()]
        upsert(conn, stories, values, key=["id"], update=[k for k in values[0] if k != "id"])
        story_index.index_stories(conn, out, stored, texts)
    return out


def _by_story(rows: Iterable[Any]) -> dict[int, list[Any]]:
    """Article inputs grouped by story, each group in item id order (the first article first)."""
    grouped: dict[int, list[Any]] = {}
    for r in sorted(rows, key=lambda r: int(r["item_id"])):
        grouped.setdefault(int(r["story_id"]), []).append(r)
    return grouped


def _other_articles(conn: Connection, story_ids: set[int], saved: list[int]) -> list[dict[str, Any]]:
    """The story inputs of the stories' articles other than ``saved``, read in two indexed lookups.

    Not one join: right after a burst of inserts the planner's estimate for ``story_id = ANY(…)``
    can be far too high (no fresh statistics yet), and it then hashes the *whole* items table to find
    ~100 rows (docs/decisions/story-inputs-two-lookups.md).
    """
    query = sa.select(*(articles.c[k] for k in STORY_ARTICLE_INPUTS)).where(one_of(conn, articles.c.story_id, story_ids))
    if saved:
        query = query.where(none_of(conn, articles.c.item_id, saved))
    found = [dict(r) for r in conn.execute(query).mappings()]
    if not found:
        return []
    by_item = {int(r["id"]): r for r in conn.execute(
        sa.select(items.c.id, *(items.c[k] for k in STORY_ITEM_INPUTS))
        .where(one_of(conn, items.c.id, [r["item_id"] for r in found]))).mappings()}
    return [{**r, **{k: by_item[r["item_id"]][k] for k in STORY_ITEM_INPUTS}} for r in found if r["item_id"] in by_item]


def get_stories(conn: Connection, story_ids: set[int]) -> dict[int, Story]:
    if not story_ids:
        return {}
    rows = conn.execute(sa.select(stories).where(one_of(conn, stories.c.id, story_ids))).mappings()
    return {int(r["id"]): story_from_row(r) for r in rows}


def list_articles(conn: Connection, *, feed_id: int | None = None, since: datetime | None = None,
                  limit: int = 100) -> list[ArticleListing]:
    q = (
        sa.select(items.c.id, items.c.feed_id, items.c.source, items.c.url, items.c.title, items.c.published,
                  items.c.event_time, items.c.state, articles.c.story_id, articles.c.duplicate_of,
                  articles.c.totals, articles.c.escalation_score, articles.c.regions)
        .select_from(items.outerjoin(articles, articles.c.item_id == items.c.id))
        .order_by(items.c.id.desc())
        .limit(limit)
    )
    if feed_id is not None:
        q = q.where(items.c.feed_id == feed_id)
    if since is not None:
        q = q.where(items.c.event_time >= since)
    return [ArticleListing(**{**r, "state": ItemState(r["state"])}) for r in conn.execute(q).mappings()]
