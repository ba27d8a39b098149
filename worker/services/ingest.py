"""Fetch a feed, parse it, store its items idempotently, and record the feed's health.

Orchestration only: fetching, parsing, identity and scheduling are done by the modules they name.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from worker import metrics
from worker.dedup.urls import canonical_url
from worker.errors import FetchError, HTTPStatusError, ParseError, RateLimited
from worker.feeds import schedule
from worker.feeds.fetch import Fetcher, body_hash
from worker.feeds.identity import content_fingerprint, event_time, item_key
from worker.feeds.known_items import pack, reduce_known, unpack
from worker.feeds.parse import MAX_ITEMS, parse_feed
from worker.logging import get_logger
from worker.models import ParsedFeed, ParsedItem
from worker.settings import Settings
from worker.store import feeds_repo, items_repo
from worker.store.feeds_repo import Feed
from worker.store.items_repo import NewItem, UpsertOutcome

log = get_logger(__name__)
MAX_TEXT = 200_000  # characters of one item field kept; a 10 MB title is cut, not stored


@dataclass
class IngestOutcome:
    feed_id: int
    status: str  # ok | not_modified | unchanged | error | paused | missing
    new_ids: list[int]
    updated_ids: list[int]
    unchanged: int = 0
    error: str | None = None

    @property
    def to_process(self) -> list[int]:
        return self.new_ids + self.updated_ids


def _clean(value: str | None, limit: int) -> str | None:
    """Cut to ``limit`` and drop NUL (PostgreSQL refuses it in text; one NUL would sink the batch)."""
    if not value:
        return None
    return value[:limit].replace("\x00", "") or None


def to_new_items(feed_id: int | None, parsed: Iterable[ParsedItem], fetched_at: datetime) -> list[NewItem]:
    batch = []
    for it in parsed:
        link = it.link or None
        canon = canonical_url(link) if link else None
        batch.append(NewItem(
            unique_key=item_key(feed_id, it.guid, canon, it.title, it.published),
            content_hash=content_fingerprint(it),
            values={
                "guid": _clean(it.guid, 2048), "url": _clean(link, 2048),
                "canonical_url": _clean(canon, 2048), "title": _clean(it.title, MAX_TEXT) or "",
                "summary": _clean(it.summary, MAX_TEXT) or "", "content": _clean(it.content, MAX_TEXT) or "",
                "author": _clean(it.author, 500), "categories": [c.replace("\x00", "") for c in it.categories[:50]],
                "language": _clean(it.language, 10), "published": it.published,
                "event_time": event_time(it.published, fetched_at),
            },
        ))
    return batch


def store_items(engine: Engine, feed_id: int | None, source: str, parsed: Sequence[ParsedItem],
                now: datetime) -> UpsertOutcome:
    batch = to_new_items(feed_id, parsed, now)
    with engine.begin() as conn:
        outcome = items_repo.upsert_items(conn, feed_id, source, batch, now)
    metrics.count_stored("new", len(outcome.new))
    metrics.count_stored("updated", len(outcome.updated))
    metrics.count_stored("unchanged", outcome.unchanged)
    return outcome


def fetch_and_store(engine: Engine, fetcher: Fetcher, settings: Settings, feed_id: int, now: datetime,
                    *, force: bool = False, rng: schedule.Random = random.random) -> IngestOutcome:
    with engine.connect() as conn:
        feed = feeds_repo.get_feed(conn, feed_id)
        known = unpack(feeds_repo.item_digests(conn, feed_id)) if feed is not None and not force else frozenset()
    if feed is None:
        return IngestOutcome(feed_id, "missing", [], [], error="feed not found")
    log.info("fetch.start", feed_id=feed_id, url=feed.url, force=force)
    try:
        result = fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified, force=force)
        next_check = schedule.next_check_after_success(now, feed.interval)
        if result.not_modified:
            _record_ok(engine, feed_id, now, 304, next_check, None, None, None, 0)
            metrics.observe_fetch("not_modified")
            return IngestOutcome(feed_id, "not_modified", [], [])
        body = result.body or b""
        digest = body_hash(body)
        if digest == feed.body_hash and not force:
            _record_ok(engine, feed_id, now, result.status, next_check, result.etag, result.last_modified, digest, 0)
            metrics.observe_fetch("unchanged")
            return IngestOutcome(feed_id, "unchanged", [], [])
        parsed, remember, skipped = parse_new_items(body, result.headers, result.final_url, known)
        source = feed.name or feed.url
        if source == feed.url and parsed.title.strip():  # registered without a name: take the feed's title
            with engine.begin() as conn:
                source = feeds_repo.name_from_title(conn, feed_id, feed.url, parsed.title) or source
        outcome = store_items(engine, feed_id, source, parsed.items, now)
        metrics.count_stored("unchanged", skipped)
        _record_ok(engine, feed_id, now, result.status, next_check, result.etag, result.last_modified, digest,
                   len(outcome.new), remember)
        metrics.observe_fetch("ok")
        log.info("fetch.ok", feed_id=feed_id, items=len(parsed.items) + skipped, new=len(outcome.new),
                 updated=len(outcome.updated), skipped_known=skipped, recovered_error=parsed.recovered_error)
        return IngestOutcome(feed_id, "ok", outcome.new, outcome.updated, outcome.unchanged + skipped)
    except (FetchError, ParseError) as exc:
        return _record_error(engine, settings, feed, now, exc, rng)


def _parse(body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
    try:
        return parse_feed(body, headers, url)
    except ParseError:
        raise
    except Exception as exc:  # a parser bug must still be recorded, backed off and paused
        raise ParseError(f"parser failed: {type(exc).__name__}: {exc}") from exc


def parse_new_items(body: bytes, headers: dict[str, str], url: str, known: frozenset[bytes]
                    ) -> tuple[ParsedFeed, bytes, int]:
    """Parse the items that the feed's last stored fetch did not list (worker.feeds.known_items).

    Returns the parsed feed, the item digests to record once its items are stored, and how many
    known items were skipped. Whenever the shortcut is in doubt (the reduced document does not
    parse, or yields another number of items than were kept) the whole body is parsed.
    """
    reduced = reduce_known(body, {k.lower(): v for k, v in headers.items()}, url, known)
    if reduced is not None and reduced.skipped:
        try:
            parsed = _parse(reduced.body, headers, url)
        except ParseError:
            parsed = None
        if parsed is not None and len(parsed.items) == min(len(reduced.digests) - reduced.skipped, MAX_ITEMS):
            return parsed, reduced.remembered(len(parsed.items)), reduced.skipped
        log.warning("fetch.known_items_fallback", url=url, skipped=reduced.skipped)
    parsed = _parse(body, headers, url)
    if reduced is None or len(parsed.items) != min(len(reduced.digests), MAX_ITEMS):
        return parsed, b"", 0  # items cannot be matched to their digests: remember none
    return parsed, pack(reduced.digests[:len(parsed.items)]), 0


def _record_ok(engine: Engine, feed_id: int, now: datetime, status: int, next_check: datetime,
               etag: str | None, last_modified: str | None, digest: str | None, new_items: int,
               item_digests: bytes | None = None) -> None:
    """Feed health after a good fetch; the item digests are recorded only now, after the items were
    stored, so a fetch that failed half-way never makes the next one skip an item it did not store."""
    with engine.begin() as conn:
        feeds_repo.record_success(conn, feed_id, now, status=status, next_check_at=next_check, etag=etag,
                                  last_modified=last_modified, body_hash=digest, new_items=new_items)
        if item_digests is not None:
            feeds_repo.save_item_digests(conn, feed_id, item_digests, now)


def _error_outcome_label(exc: Exception) -> str:
    from worker.errors import BlockedAddress, FetchTimeout, TooLarge

    for cls, label in ((BlockedAddress, "blocked"), (RateLimited, "rate_limited"), (FetchTimeout, "timeout"),
                       (TooLarge, "too_large"), (ParseError, "parse_error")):
        if isinstance(exc, cls):
            return label
    return "error"


def _record_error(engine: Engine, settings: Settings, feed: Feed, now: datetime,
                  exc: FetchError | ParseError, rng: schedule.Random) -> IngestOutcome:
    feed_id = feed.id
    failures = feed.error_count + 1
    retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
    status = exc.status if isinstance(exc, HTTPStatusError) else (429 if isinstance(exc, RateLimited) else None)
    reason = f"{type(exc).__name__}: {exc.reason}"
    delay = schedule.backoff_delay(failures, settings.backoff_base, settings.backoff_max, rng, retry_after)
    # A rate limit is the server asking for time, not a broken feed: it never pauses the feed.
    pause = (not isinstance(exc, RateLimited)) and schedule.should_pause(failures, settings.pause_after_failures)
    pause_reason = f"paused after {failures} consecutive failures; last: {reason}" if pause else None
    with engine.begin() as conn:
        feeds_repo.record_failure(conn, feed_id, now, reason=reason, status=status,
                                  next_check_at=now + timedelta(seconds=delay), pause_reason=pause_reason)
    metrics.observe_fetch(_error_outcome_label(exc))
    log.warning("fetch.error", feed_id=feed_id, error=reason, failures=failures, retry_in=round(delay, 1),
                paused=bool(pause))
    return IngestOutcome(feed_id, "paused" if pause else "error", [], [], error=reason)
