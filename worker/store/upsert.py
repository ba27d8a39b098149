"""Dialect-neutral ``INSERT … ON CONFLICT`` for SQLite and PostgreSQL (same statement shape on both).

Statements are built once per (dialect, table, key, columns) and executed with a list of rows
(executemany), because building a SQLAlchemy statement per row costs more than running it.

A batch insert that returns what it inserted (:func:`insert_many_ignore`) is, on PostgreSQL, one
``INSERT … SELECT … FROM jsonb_to_recordset(:rows)``: the batch travels as one JSON document. The
multi-row ``VALUES`` form SQLAlchemy would use has one placeholder per value, and psycopg parses
such a statement again on every execution (docs/decisions/postgres-statements.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache, partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from worker.store.db import json_dumps


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
    """Insert a batch unless keys exist; returns ``returning`` of the rows this call inserted.

    Every row must have the same columns. A key given twice in one batch is inserted once.
    """
    if not rows:
        return []
    columns = tuple(rows[0])
    if conn.dialect.name == "postgresql" and len(rows) > 1 and _travels_as_json(table, columns):
        stmt = _from_recordset(table, tuple(key), columns, tuple(returning))
        return [tuple(r) for r in conn.execute(stmt, {"rows": _recordset_json(conn, table, rows, columns)})]
    stmt = _upsert_stmt(conn.dialect.name, table, tuple(key), ()).returning(*returning)
    return [tuple(r) for r in conn.execute(stmt, rows)]


# Column types whose values JSON carries without loss (no floats: orjson writes NaN as null).
_JSON_SAFE = (sa.Integer, sa.String, sa.DateTime, sa.Boolean, sa.JSON)


def _travels_as_json(table: sa.Table, columns: tuple[str, ...]) -> bool:
    return all(isinstance(_impl(table.c[c].type), _JSON_SAFE) for c in columns)


def _impl(type_: Any) -> Any:
    return type_.impl_instance if isinstance(type_, TypeDecorator) else type_


@lru_cache(maxsize=64)
def _from_recordset(table: sa.Table, key: tuple[str, ...], columns: tuple[str, ...],
                    returning: tuple[sa.Column[Any], ...]) -> Any:
    """``INSERT … SELECT … FROM jsonb_to_recordset(:rows) … ON CONFLICT DO NOTHING RETURNING …``.

    JSON columns arrive as JSON text and are cast back, so None is stored as the JSON type stores
    it (JSON null, not SQL NULL); the recordset would turn a JSON null into SQL NULL.
    """
    json_columns = {c for c in columns if isinstance(table.c[c].type, sa.JSON)}
    source = sa.func.jsonb_to_recordset(sa.cast(sa.bindparam("rows", type_=sa.Text), postgresql.JSONB)) \
        .table_valued(*(sa.column(c, sa.Text if c in json_columns else _impl(table.c[c].type)) for c in columns)) \
        .render_derived(name="batch", with_types=True)
    select = sa.select(*(sa.cast(source.c[c], postgresql.JSONB) if c in json_columns else source.c[c]
                         for c in columns))
    stmt = postgresql.insert(table).from_select(list(columns), select)
    return stmt.on_conflict_do_nothing(index_elements=list(key)).returning(*returning)


def _recordset_json(conn: Connection, table: sa.Table, rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """The rows as one JSON array, each value as its column would bind it (naive UTC datetimes)."""
    convert: dict[str, Any] = {}
    for c in columns:
        type_ = table.c[c].type
        if isinstance(type_, sa.JSON):
            convert[c] = json_dumps
        elif isinstance(type_, TypeDecorator):
            convert[c] = partial(type_.process_bind_param, dialect=conn.dialect)
    return json_dumps([{c: (convert[c](row[c]) if c in convert else row[c]) for c in columns} for row in rows])
