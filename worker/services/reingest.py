"""Re-ingest (a feed again, or one URL that may be a feed or an article page) and re-process
(clean/dedup/extract stored raw items again with the current code), tracked as jobs.

Orchestration only: fetching, parsing, storing and processing are done by the modules they name.
Enqueueing lives in :mod:`worker.tasks.jobs`; this module does the work a task runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.errors import ParseError
from worker.feeds.parse import parse_feed
from worker.feeds.ssrf import AllowList, Resolver, check_url, system_resolver
from worker.logging import get_logger
from worker.models import ParsedItem
from worker.resources import Resources
from worker.settings import Settings
from worker.store import jobs_repo
from worker.store.tables import items

log = get_logger(__name__)
BATCH_SIZE = 200  # items per re-process task: short enough to cancel quickly, long enough to amortise
PENDING_TTL = 7 * 86400


def utcnow() -> datetime:
    return datetime.now(UTC)


def check_submitted_url(url: str, settings: Settings, resolver: Resolver = system_resolver) -> None:
    """SSRF guard for a URL a user submits; raises BlockedAddress/FetchError with the reason."""
    check_url(url, AllowList(settings.allow_hosts), resolver)


# --------------------------------------------------------------------------- one URL


@dataclass
class UrlOutcome:
    kind: str  # feed | article
    final_url: str
    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    unchanged: int = 0

    @property
    def to_process(self) -> list[int]:
        return self.new_ids + self.updated_ids

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "final_url": self.final_url, "new": len(self.new_ids),
                "updated": len(self.updated_ids), "unchanged": self.unchanged, "item_ids": self.to_process}


def article_from_html(html: str, url: str) -> ParsedItem:
    """Title and main text of an article page (trafilatura); ParseError when there is no text."""
    import trafilatura
    from trafilatura.settings import set_date_params

    # The default date format is day-only: ask for the time too, so 11:00Z is not stored as 00:00Z.
    dates = {**set_date_params(True), "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
    raw = trafilatura.extract(html, url=url, output_format="json", with_metadata=True, favor_recall=True,
                              date_extraction_params=dates)
    data: dict[str, Any] = json.loads(raw) if raw else {}
    text = str(data.get("text") or "").strip()
    if not text:
        raise ParseError("not a feed and no article text found on the page")
    title = str(data.get("title") or "").strip()
    if title and text.startswith(title):
        text = text[len(title):].lstrip()
    published = _page_date(data.get("date"))
    return ParsedItem(guid=None, link=url, title=title, summary="", content=text, published=published)


def _page_date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def ingest_url(res: Resources, url: str, now: datetime) -> UrlOutcome:
    """Fetch ``url`` (SSRF-guarded); store a feed's items, or the page as one article item.

    Items get ``feed_id=None`` and the host as source; an article's key is its canonical URL, so
    submitting the same page twice stores it once (and re-processes it only if its text changed).
    """
    from worker.services.ingest import store_items

    result = res.fetcher.fetch(url, force=True)
    body = result.body or b""
    source = (urlsplit(result.final_url).hostname or "").removeprefix("www.")
    try:
        parsed = parse_feed(body, result.headers, result.final_url)
        kind, entries = "feed", parsed.items
    except ParseError:
        html = body.decode(_charset(result.headers), errors="replace")
        kind, entries = "article", [article_from_html(html, result.final_url)]
    outcome = store_items(res.engine, None, source, entries, now)
    log.info("reingest.url", url=url, kind=kind, new=len(outcome.new), updated=len(outcome.updated))
    return UrlOutcome(kind, result.final_url, outcome.new, outcome.updated, outcome.unchanged)


def _charset(headers: dict[str, str]) -> str:
    ctype = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    for part in ctype.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            name = value.strip("\"' ")
            try:
                "".encode(name)
                return name
            except LookupError:
                break
    return "utf-8"


# --------------------------------------------------------------------------- re-process


def select_window(conn: Connection, since: datetime | None, until: datetime | None,
                  feed_id: int | None) -> list[int]:
    """Ids of stored items whose event time is in ``[since, until)`` (optionally one feed's)."""
    q = sa.select(items.c.id).order_by(items.c.id)
    if since is not None:
        q = q.where(items.c.event_time >= since)
    if until is not None:
        q = q.where(items.c.event_time < until)
    if feed_id is not None:
        q = q.where(items.c.feed_id == feed_id)
    return [int(r[0]) for r in conn.execute(q)]


def batches(ids: list[int], size: int = BATCH_SIZE) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def pending_key(job_id: str) -> str:
    """Redis set of a job's unfinished batch numbers (the job ends when it is empty)."""
    return f"rasd:job:{job_id}:pending"


def register_batches(res: Resources, job_id: str, count: int) -> None:
    if count:
        key = pending_key(job_id)
        res.redis.sadd(key, *range(count))
        res.redis.expire(key, PENDING_TTL)


@dataclass
class BatchProgress:
    processed: int = 0
    failed: list[int] = field(default_factory=list)
    cancelled: bool = False
    regions: set[str] = field(default_factory=set)


def run_reprocess_batch(res: Resources, job_id: str, batch_no: int, item_ids: list[int],
                        clock: Callable[[], datetime] = utcnow) -> BatchProgress:
    """Re-process items one by one, checking for cancellation before each.

    Each item is re-processed whole (process_item writes its article, story and state in one
    transaction; dedup and counters are idempotent) or not at all, so a cancel leaves every item
    either re-processed or untouched. ``done`` grows by one per item, atomically.
    """
    from worker.services.process import process_batch

    progress = BatchProgress()
    try:
        with res.engine.begin() as conn:
            jobs_repo.start(conn, job_id, clock())
        for item_id in item_ids:
            with res.engine.begin() as conn:
                if jobs_repo.cancel_requested(conn, job_id):
                    progress.cancelled = True
                    break
                # A re-process is a fresh start: earlier attempts must not park the item as dead.
                conn.execute(sa.update(items).where(items.c.id == item_id).values(attempts=0))
            result = process_batch(res, [item_id], clock(), allow_fulltext=False)
            progress.processed += result.processed
            progress.failed += result.failed + result.dead
            progress.regions |= result.regions
            with res.engine.begin() as conn:
                jobs_repo.add_done(conn, job_id, 1, clock())
                if result.failed or result.dead:
                    jobs_repo.set_error(conn, job_id, f"item {item_id} failed to re-process", clock())
    finally:
        batch_finished(res, job_id, batch_no, clock())
    return progress


def batch_finished(res: Resources, job_id: str, batch_no: int, now: datetime) -> None:
    """Mark one batch finished; the last one to finish closes the job (done or cancelled)."""
    pipe = res.redis.pipeline(transaction=True)
    pipe.srem(pending_key(job_id), batch_no)
    pipe.scard(pending_key(job_id))
    _, remaining = pipe.execute()
    if int(remaining) == 0:
        with res.engine.begin() as conn:
            cancelled = jobs_repo.cancel_requested(conn, job_id)
            jobs_repo.finish(conn, job_id, "cancelled" if cancelled else "done", now)
