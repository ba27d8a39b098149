"""First-start preparation shared by `rasd run`, `rasd migrate` and the tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
import yaml

from worker.settings import Settings
from worker.store import feeds_repo
from worker.store.db import make_engine, migrate
from worker.store.tables import feeds


def load_feed_file(path: Path) -> list[dict[str, object]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("feeds", data) if isinstance(data, dict) else data
    return [dict(e) for e in entries]


def prepare_storage(settings: Settings) -> None:
    """Migrate the schema, and on the very first start import the bundled feed list."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.effective_database_url
    migrate(url)
    if not settings.import_feeds_on_start or not settings.feeds_file.exists():
        return
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(feeds)).scalar_one() == 0:
                feeds_repo.import_feeds(conn, load_feed_file(settings.feeds_file), datetime.now(UTC),
                                        settings.poll_interval_default)
    finally:
        engine.dispose()
