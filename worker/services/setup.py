"""First-start preparation shared by `rasd run`, `rasd migrate` and the tests."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import structlog
import yaml

from worker.clock import utcnow
from worker.errors import ConfigError
from worker.settings import Settings
from worker.store import feeds_repo
from worker.store.db import make_engine, migrate
from worker.store.tables import feeds

log = structlog.get_logger(__name__)

_ADD_HINT = "no feed will be polled; add some with `rasd feeds add URL` or `rasd feeds import FILE.yaml`"


def load_feed_file(path: Path) -> list[dict[str, object]]:
    """The entries of a feed list (``feeds:`` mapping or a bare list); a clear error when unreadable."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the feed list {path}: {exc}") from exc
    entries = data.get("feeds", data) if isinstance(data, dict) else data
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"the feed list {path} must be a list of feeds (or a mapping with a 'feeds' list)")
    return [dict(e) for e in entries]


def prepare_storage(settings: Settings) -> list[str]:
    """Migrate the schema, and on the very first start import the bundled feed list.

    Returns warnings for the operator (also logged): a start with no feed to poll says so, and why,
    instead of running silently idle.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.effective_database_url
    migrate(url)
    engine = make_engine(url)
    warnings: list[str] = []
    try:
        with engine.begin() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(feeds)).scalar_one()
            if count == 0 and settings.import_feeds_on_start:
                path = settings.feeds_file
                if not path.exists():
                    warnings.append(f"feed list {path} not found (RASD_FEEDS_FILE): {_ADD_HINT}")
                else:
                    entries = load_feed_file(path)
                    if not entries:
                        warnings.append(f"feed list {path} is empty: {_ADD_HINT}")
                    else:
                        count = feeds_repo.import_feeds(conn, entries, utcnow(),
                                                        settings.poll_interval_default)
                        log.info("feeds.imported", count=count, path=str(path))
    finally:
        engine.dispose()
    for w in warnings:
        log.warning("feeds.none", reason=w)
    return warnings
