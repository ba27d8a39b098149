"""``one_of``/``none_of`` (``= ANY(array)`` on PostgreSQL, ``IN`` on SQLite) select exactly what
``IN``/``NOT IN`` would, on both engines, and keep one statement text whatever the number of values."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from worker.store.filters import none_of, one_of
from worker.store.tables import stories
from worker.store.upsert import upsert

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ids(conn: Connection, where: sa.ColumnElement[bool]) -> list[int]:
    return [int(i) for i in conn.execute(sa.select(stories.c.id).where(where).order_by(stories.c.id)).scalars()]


def test_one_of_and_none_of_match_as_in_and_not_in(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert(conn, stories, [{"id": k, "first_seen": T0, "event_time": T0, "title": f"خبر {k}", "updated_at": T0}
                               for k in (1, 2, 3, 4)], key=["id"])
        assert ids(conn, one_of(conn, stories.c.id, [2, 4, 9])) == [2, 4]
        assert ids(conn, one_of(conn, stories.c.id, iter([3]))) == [3]
        assert ids(conn, one_of(conn, stories.c.id, [])) == []
        assert ids(conn, none_of(conn, stories.c.id, [2, 4, 9])) == [1, 3]
        assert ids(conn, none_of(conn, stories.c.id, [])) == [1, 2, 3, 4]
        assert ids(conn, one_of(conn, stories.c.title, ["خبر 3", "خبر 5"])) == [3]


def test_the_statement_text_does_not_grow_with_the_values(engine: Engine) -> None:
    with engine.connect() as conn:
        def sql(n: int) -> str:
            return str(sa.select(stories.c.id).where(one_of(conn, stories.c.id, range(n))).compile(conn))

        if engine.dialect.name == "postgresql":
            assert sql(3) == sql(300)
            assert "= ANY" in sql(3)
        else:
            assert "IN" in sql(3)
