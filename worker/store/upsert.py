"""Dialect-neutral ``INSERT … ON CONFLICT`` for SQLite and PostgreSQL (same statement shape on both).

Statements are built once per (dialect, table, key, columns) and executed with a list of rows
(executemany), because building a SQLAlchemy statement per row costs more than running it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_for(conn: Connection, table: sa.Table) -> Any:
    return _insert(conn.dialect.name, table)


def _insert(dialect: str, table: sa.Table) -> Any:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


@lru_cache(maxsize=256)
def _upsert_stmt(dialect: str, table: sa.Table, key: tuple[str, ...], update: tuple[str, ...]) -> Any:
    stmt = _insert(dialect, table)
    if update:
        return stmt.on_conflict_do_update(index_elements=list(key), set_={c: stmt.excluded[c] for c in update})
    return stmt.on_conflict_do_nothing(index_elements=list(key))


def upsert(
    conn: Connection,
    table: sa.Table,
    values: dict[str, Any] | list[dict[str, Any]],
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert rows; on a natural-key conflict update ``update`` columns (or do nothing).

    Every row of a list must have the same columns (executemany).
    """
    rows = values if isinstance(values, list) else [values]
    if not rows:
        return
    conn.execute(_upsert_stmt(conn.dialect.name, table, tuple(key), tuple(update or ())), rows)


def insert_ignore_returning(
    conn: Connection, table: sa.Table, values: dict[str, Any], key: Sequence[str], returning: sa.Column[Any]
) -> Any | None:
    """Insert unless the key exists; return the new row's ``returning`` value, or None if it existed."""
    stmt = insert_for(conn, table).values(values).on_conflict_do_nothing(index_elements=list(key))
    row = conn.execute(stmt.returning(returning)).first()
    return None if row is None else row[0]


def insert_many_ignore(conn: Connection, table: sa.Table, rows: list[dict[str, Any]], key: Sequence[str],
                       returning: Sequence[sa.Column[Any]]) -> list[tuple[Any, ...]]:
    """Insert a batch unless keys exist; returns ``returning`` of the rows this call inserted."""
    if not rows:
        return []
    stmt = _upsert_stmt(conn.dialect.name, table, tuple(key), ()).returning(*returning)
    return [tuple(r) for r in conn.execute(stmt, rows)]
