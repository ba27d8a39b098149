"""insert_many_ignore: a batch (one ``jsonb_to_recordset`` statement on PostgreSQL) stores exactly
what row-at-a-time inserts store, returns only what it inserted, and skips keys that exist or
repeat, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from worker.store.tables import items
from worker.store.upsert import insert_many_ignore

T0 = datetime(2026, 3, 1, 12, 0, 0, 250_001, tzinfo=UTC)
BEIRUT = timezone(timedelta(hours=3))


def row(key: str, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "feed_id": None, "source": "مصدر \"الشمال\"", "unique_key": key, "guid": f"g-{key}", "url": None,
        "canonical_url": None, "title": "قصف على سراقب\\إدلب", "summary": "سطر أول\nسطر ثان \t «اقتباس» 🚑",
        "content": "", "author": None, "categories": ["إدلب", "قصف \"مدفعي\""], "language": "ar",
        "published": datetime(2026, 3, 1, 9, 30, tzinfo=BEIRUT), "event_time": T0, "fetched_at": T0,
        "updated_at": T0, "content_hash": "h-" + key}
    base.update(values)
    return base


ROWS = [row("a"), row("b", categories=[], published=None, title=""), row("c", categories=None, guid=None),
        row("d", categories=[{"term": "سوريا", "n": 2}], summary="")]


def stored(conn: Connection) -> list[dict[str, Any]]:
    """Every column but the id, and whether categories is SQL NULL."""
    cols = [c for c in items.c if c.name != "id"]
    query = sa.select(*cols, items.c.categories.is_(None).label("categories_is_sql_null")).order_by(items.c.unique_key)
    return [dict(r) for r in conn.execute(query).mappings()]


def test_a_batch_stores_what_single_rows_store(engine: Engine) -> None:
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with engine.begin() as conn:
        returned = insert_many_ignore(conn, items, ROWS, ["unique_key"], [items.c.unique_key])
        # One statement for the batch on PostgreSQL, the batch as one JSON document.
        assert ("jsonb_to_recordset" in statements[-1]) is (engine.dialect.name == "postgresql")
        by_batch = stored(conn)
        conn.execute(sa.delete(items))
        for r in ROWS:
            assert len(insert_many_ignore(conn, items, [r], ["unique_key"], [items.c.id])) == 1
        assert stored(conn) == by_batch
    assert sorted(k for (k,) in returned) == ["a", "b", "c", "d"]
    a, b, c, d = by_batch
    assert (a["title"], a["summary"], a["categories"], a["published"], a["event_time"], a["source"]) == (
        "قصف على سراقب\\إدلب", "سطر أول\nسطر ثان \t «اقتباس» 🚑", ["إدلب", "قصف \"مدفعي\""],
        datetime(2026, 3, 1, 6, 30, tzinfo=UTC), T0, "مصدر \"الشمال\"")
    assert (b["categories"], b["published"], c["categories"], c["guid"], d["categories"]) == (
        [], None, None, None, [{"term": "سوريا", "n": 2}])
    # None in a JSON column is stored as JSON null (not SQL NULL), whichever way it was inserted.
    assert c["categories_is_sql_null"] is False


def test_only_new_keys_are_inserted_and_returned_once(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_many_ignore(conn, items, ROWS[:2], ["unique_key"], [items.c.id])
        again = insert_many_ignore(conn, items, [row("b", title="أخرى"), row("e"), row("e", title="نسخة"), row("f")],
                                   ["unique_key"], [items.c.unique_key])
        titles = dict(conn.execute(sa.select(items.c.unique_key, items.c.title)).all())
    assert sorted(k for (k,) in again) == ["e", "f"]
    assert titles == {"a": "قصف على سراقب\\إدلب", "b": "", "e": "قصف على سراقب\\إدلب", "f": "قصف على سراقب\\إدلب"}
