"""Dialect-neutral ``INSERT … ON CONFLICT`` for SQLite and PostgreSQL (same statement shape on both)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_for(conn: Connection, table: sa.Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert(
    conn: Connection,
    table: sa.Table,
    values: dict[str, Any] | list[dict[str, Any]],
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert rows; on a natural-key conflict update ``update`` columns (or do nothing)."""
    if isinstance(values, list) and not values:
        return
    stmt = insert_for(conn, table).values(values)
    if update:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key), set_={c: getattr(stmt.excluded, c) for c in update}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    conn.execute(stmt)


def insert_ignore_returning(
    conn: Connection, table: sa.Table, values: dict[str, Any], key: Sequence[str], returning: sa.Column[Any]
) -> Any | None:
    """Insert unless the key exists; return the new row's ``returning`` value, or None if it existed."""
    stmt = insert_for(conn, table).values(values).on_conflict_do_nothing(index_elements=list(key))
    row = conn.execute(stmt.returning(returning)).first()
    return None if row is None else row[0]
