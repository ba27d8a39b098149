"""Engine construction and migrations. SQLite gets WAL, a busy timeout and foreign keys so that
prefork workers, beat and the API can share one file; PostgreSQL runs the same statements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def json_dumps(value: Any) -> str:
    """JSON columns through orjson, much faster than json.dumps (docs/decisions/postgres-statements.md).
    Arabic is stored as UTF-8, not \\u escapes; non-string keys become strings, as with json.dumps."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


_JSON = {"json_serializer": json_dumps, "json_deserializer": orjson.loads}


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **_JSON)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy manage transactions; the driver's implicit BEGIN breaks BEGIN IMMEDIATE.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # Take the write lock up front: avoids deadlock-style SQLITE_BUSY on read→write upgrades.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # Positional %s parameters: psycopg re-parses every statement too long for its cache, and these
    # parse faster than %(name)s (docs/decisions/postgres-statements.md).
    return sa.create_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True, paramstyle="format",
                            **_JSON)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Bring the schema to the latest revision (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(url), "head")
