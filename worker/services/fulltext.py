"""Full text for items whose feed carries only a short summary: fetch the page through the same
SSRF-guarded fetcher and extract the main text with trafilatura. On failure the summary is kept
and the reason recorded, so the item is still processed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from worker.errors import FetchError
from worker.feeds.fetch import Fetcher
from worker.logging import get_logger
from worker.store.tables import items

log = get_logger(__name__)


def extract_main_text(html: bytes | str, url: str | None = None) -> str | None:
    import trafilatura

    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False,
                               favor_precision=True)
    return text.strip() if text and text.strip() else None


def fetch_fulltext(engine: Engine, fetcher: Fetcher, item_id: int) -> bool:
    """Store the page's main text in ``items.fulltext`` (or why not in ``fulltext_error``)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(items.c.url).where(items.c.id == item_id)).first()
    if row is None or not row[0]:
        return False
    url = str(row[0])
    text: str | None = None
    error: str | None = None
    try:
        result = fetcher.fetch(url, force=True)
        text = extract_main_text(result.body or b"", result.final_url)
        if text is None:
            error = "no main text found on the page"
    except FetchError as exc:
        error = f"{type(exc).__name__}: {exc.reason}"
    with engine.begin() as conn:
        conn.execute(sa.update(items).where(items.c.id == item_id).values(
            fulltext=text, fulltext_error=error[:2000] if error else None))
    log.info("fulltext.done", item_id=item_id, ok=text is not None, error=error)
    return text is not None
