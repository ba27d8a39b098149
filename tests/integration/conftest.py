"""Fixtures shared by the integration tests (storage engines, alert resources)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from worker.resources import Resources
from worker.services.setup import prepare_storage
from worker.settings import Settings
from worker.store.db import make_engine, migrate


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each engine: a SQLite file, then the session's PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'rasd.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
        eng = sa.create_engine(url)
        with eng.begin() as conn:  # each test starts from an empty schema
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        eng.dispose()
    migrate(url)
    eng = make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture()
def res(tmp_path: Path, redis_url: str) -> Iterator[Resources]:
    """SQLite storage and the session's real Valkey, as the alert tests use them (a module may override it)."""
    settings = Settings(data_dir=tmp_path, redis_url=redis_url, import_feeds_on_start=False)
    prepare_storage(settings)
    resources = Resources(settings)
    yield resources
    resources.close()
