"""Items: idempotent upsert of parsed feed items and processing state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.states import ItemState
from worker.store.filters import one_of
from worker.store.tables import items
from worker.store.upsert import insert_many_ignore


@dataclass(frozen=True)
class NewItem:
    """An item ready to store: identity and content already computed by pure code."""

    unique_key: str
    content_hash: str
    values: dict[str, Any]  # guid, url, canonical_url, title, summary, content, published, event_time, …


@dataclass(frozen=True, slots=True)
class Item:
    """A stored item's row, fields in column order."""

    id: int
    feed_id: int | None
    source: str
    unique_key: str
    guid: str | None
    url: str | None
    canonical_url: str | None
    title: str
    summary: str
    content: str
    fulltext: str | None
    fulltext_error: str | None
    author: str | None
    categories: list[str] | None
    language: str | None
    published: datetime | None
    event_time: datetime
    fetched_at: datetime
    updated_at: datetime
    content_hash: str
    state: ItemState
    attempts: int
    last_error: str | None


def _item(row: Any) -> Item:
    return Item(**{**row, "state": ItemState(row["state"])})


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An item parked after its last attempt: what `rasd status` lists."""

    id: int
    feed_id: int | None
    url: str | None
    title: str
    attempts: int
    last_error: str | None

    def as_dict(self) -> dict[str, Any]:
        """The status report's JSON entry (`rasd status --json`, ``GET /status``)."""
        return asdict(self)


@dataclass
class UpsertOutcome:
    new: list[int]
    updated: list[int]
    unchanged: int

    @property
    def to_process(self) -> list[int]:
        return self.new + self.updated


def upsert_items(conn: Connection, feed_id: int | None, source: str, batch: Sequence[NewItem],
                 now: datetime) -> UpsertOutcome:
    """Store a batch: new keys are inserted, changed content updated and re-queued, the rest skipped.

    Insert uses ON CONFLICT DO NOTHING, so two workers storing the same item concurrently
    still produce one row.
    """
    outcome = UpsertOutcome([], [], 0)
    if not batch:
        return outcome
    keys = [b.unique_key for b in batch]
    existing = {
        r.unique_key: (r.id, r.content_hash)
        for r in conn.execute(sa.select(items.c.unique_key, items.c.id, items.c.content_hash)
                              .where(one_of(conn, items.c.unique_key, keys)))
    }
    seen: set[str] = set()
    inserts: list[dict[str, Any]] = []
    for b in batch:
        if b.unique_key in seen:  # the same item twice in one feed body
            outcome.unchanged += 1
            continue
        seen.add(b.unique_key)
        if b.unique_key in existing:
            item_id, old_hash = existing[b.unique_key]
            if old_hash == b.content_hash:
                outcome.unchanged += 1
                continue
            conn.execute(sa.update(items).where(items.c.id == item_id).values(
                **b.values, content_hash=b.content_hash, updated_at=now, state=ItemState.PENDING, attempts=0,
                last_error=None))
            outcome.updated.append(item_id)
            continue
        inserts.append({**b.values, "feed_id": feed_id, "source": source, "unique_key": b.unique_key,
                        "content_hash": b.content_hash, "fetched_at": now, "updated_at": now})
    if inserts:
        # Keys inserted concurrently by another worker come back from nobody: they count as unchanged.
        inserted = insert_many_ignore(conn, items, _uniform(inserts), ["unique_key"], [items.c.id])
        outcome.new.extend(sorted(int(r[0]) for r in inserted))
        outcome.unchanged += len(inserts) - len(inserted)
    return outcome


def _uniform(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """executemany needs the same keys in every row."""
    keys = set().union(*rows)
    return [{k: r.get(k) for k in keys} for r in rows]


def get_items(conn: Connection, ids: Sequence[int]) -> list[Item]:
    if not ids:
        return []
    rows = conn.execute(sa.select(items).where(one_of(conn, items.c.id, ids)).order_by(items.c.id)).mappings()
    return [_item(r) for r in rows]


def mark_attempts(conn: Connection, item_ids: Sequence[int]) -> dict[int, int]:
    """Count an attempt before processing (one UPDATE … RETURNING), so a poison item is parked after
    N tries even if it kills the worker process each time."""
    if not item_ids:
        return {}
    rows = conn.execute(sa.update(items).where(one_of(conn, items.c.id, item_ids))
                        .values(attempts=items.c.attempts + 1).returning(items.c.id, items.c.attempts))
    return {int(i): int(n) for i, n in rows}


def uncount_attempts(conn: Connection, item_ids: Sequence[int]) -> None:
    """Take back the attempt counted for a batch that failed for reasons outside the items."""
    if item_ids:
        conn.execute(sa.update(items).where(one_of(conn, items.c.id, item_ids), items.c.attempts > 0)
                     .values(attempts=items.c.attempts - 1))


def set_state(conn: Connection, item_id: int, state: ItemState, error: str | None = None) -> None:
    conn.execute(sa.update(items).where(items.c.id == item_id).values(state=state, last_error=error))


def count_by_state(conn: Connection) -> dict[str, int]:
    rows = conn.execute(sa.select(items.c.state, sa.func.count()).group_by(items.c.state))
    return {str(s): int(n) for s, n in rows}


def dead_letters(conn: Connection, limit: int = 50) -> list[DeadLetter]:
    rows = conn.execute(
        sa.select(items.c.id, items.c.feed_id, items.c.url, items.c.title, items.c.attempts, items.c.last_error)
        .where(items.c.state == ItemState.DEAD).order_by(items.c.id.desc()).limit(limit)
    ).mappings()
    return [DeadLetter(**r) for r in rows]
