"""``column IN (…)`` whose statement text does not depend on how many values there are.

SQLAlchemy renders ``IN`` with one placeholder per value, so a batch of 64 ids is a new statement
for SQLAlchemy and for psycopg, which caches its placeholder conversion only for statements of at
most 50 parameters (docs/decisions/postgres-statements.md). On
PostgreSQL the values are therefore sent as one array (``= ANY(:values)``); SQLite keeps ``IN``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection


def one_of(conn: Connection, column: sa.ColumnElement[Any], values: Iterable[Any]) -> sa.ColumnElement[bool]:
    """``column`` equals one of ``values`` (none: matches nothing), in the connection's dialect."""
    listed = list(values)
    return _equals_any(column, listed) if conn.dialect.name == "postgresql" else column.in_(listed)


def none_of(conn: Connection, column: sa.ColumnElement[Any], values: Iterable[Any]) -> sa.ColumnElement[bool]:
    """``column`` equals none of ``values`` (none: matches every row with a value)."""
    listed = list(values)
    return sa.not_(_equals_any(column, listed)) if conn.dialect.name == "postgresql" else column.not_in(listed)


def _equals_any(column: sa.ColumnElement[Any], values: list[Any]) -> sa.ColumnElement[bool]:
    return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(column.type)))
