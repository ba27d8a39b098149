"""Processed articles and their stories (a story = one real-world report and its syndicated copies)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.store.tables import articles, items, stories
from worker.store.upsert import upsert

ARTICLE_UPDATE = ("story_id", "duplicate_of", "similarity", "text_clean", "removed_paragraphs", "casualties",
                  "totals", "entities", "keywords", "escalation_score", "regions", "processed_at")


def save_article(conn: Connection, values: dict[str, Any]) -> dict[str, Any] | None:
    """Upsert an article's results; returns the previous row (for re-process bookkeeping) or None."""
    prev = conn.execute(sa.select(articles).where(articles.c.item_id == values["item_id"])).mappings().first()
    upsert(conn, articles, values, key=["item_id"], update=ARTICLE_UPDATE)
    return dict(prev) if prev else None


def merge_totals(copies: list[dict[str, Any] | None]) -> dict[str, int | None]:
    """A story's totals: the conservative maximum over its copies for each kind, never the sum."""
    merged: dict[str, int | None] = {"killed": None, "injured": None}
    for totals in copies:
        for kind in merged:
            value = (totals or {}).get(kind)
            if value is not None:
                current = merged[kind]
                merged[kind] = value if current is None else max(current, value)
    return merged


def refresh_story(conn: Connection, story_id: int, now: datetime) -> dict[str, Any]:
    """Recompute a story's aggregate row from its articles (idempotent; safe under re-process)."""
    rows = conn.execute(
        sa.select(articles.c.item_id, articles.c.totals, articles.c.regions, articles.c.keywords,
                  articles.c.escalation_score, items.c.source, items.c.title, items.c.url, items.c.event_time,
                  items.c.fetched_at)
        .join(items, items.c.id == articles.c.item_id)
        .where(articles.c.story_id == story_id)
        .order_by(articles.c.item_id)
    ).mappings().all()
    if not rows:
        conn.execute(sa.delete(stories).where(stories.c.id == story_id))
        return {}
    first = rows[0]
    regions: dict[str, dict[str, Any]] = {}
    keywords: dict[str, int] = {}
    for r in rows:
        for region in r["regions"] or []:
            regions.setdefault(f"{region['country']}:{region['level']}:{region['name_en']}", region)
    for kw in (first["keywords"] or []):
        keywords[kw["term"]] = keywords.get(kw["term"], 0) + 1
    values = {
        "id": story_id,
        "first_seen": min(r["fetched_at"] for r in rows),
        "event_time": min(r["event_time"] for r in rows),
        "title": first["title"],
        "url": first["url"],
        "size": len(rows),
        "sources": sorted({r["source"] for r in rows}),
        "totals": merge_totals([r["totals"] for r in rows]),
        "regions": list(regions.values()),
        "keywords": keywords,
        "escalation_score": max(float(r["escalation_score"]) for r in rows),
        "updated_at": now,
    }
    upsert(conn, stories, values, key=["id"],
           update=[k for k in values if k != "id"])
    return values


def get_story(conn: Connection, story_id: int) -> dict[str, Any] | None:
    row = conn.execute(sa.select(stories).where(stories.c.id == story_id)).mappings().first()
    return dict(row) if row else None


def get_story_fresh(engine: sa.Engine, story_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return get_story(conn, story_id) or {}


def list_articles(conn: Connection, *, feed_id: int | None = None, since: datetime | None = None,
                  limit: int = 100) -> list[dict[str, Any]]:
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
    return [dict(r) for r in conn.execute(q).mappings()]


def count_stories(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(stories)).scalar_one())
