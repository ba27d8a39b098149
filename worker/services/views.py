"""Public JSON shapes of stored rows (CLI `--json` and the API print the same thing)."""

from __future__ import annotations

from typing import Any

from worker.store.articles_repo import ArticleListing

REGION_FIELDS = ("name_ar", "name_en", "country", "level")


def article_view(row: ArticleListing) -> dict[str, Any]:
    """`rasd articles list --json` object, as ARCHITECTURE.md fixes it."""
    return {
        "id": row.id,
        "feed": row.feed_id,
        "source": row.source,
        "url": row.url,
        "title": row.title,
        "published": row.published,
        "story_id": row.story_id,
        "duplicate_of": row.duplicate_of,
        "totals": row.totals or {"killed": None, "injured": None},
        "escalation_score": float(row.escalation_score or 0.0),
        "regions": [{k: r.get(k) for k in REGION_FIELDS} for r in (row.regions or [])],
        "state": row.state,
    }
