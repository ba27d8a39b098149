"""Read replay inputs — RSS/Atom files or JSONL articles — into parsed items (pure: bytes in).

JSONL: one object a line with ``url``, ``title``, ``summary``, ``content``, ``published``
(RFC 822 as feeds write it, or ISO-8601), ``source``. Lines are split on ``\\n`` only (JSON allows
U+2028/U+0085 inside strings). A bad line or an unreadable date is reported with its line number,
never silently dropped or replaced by "now".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from worker.errors import ParseError
from worker.feeds.parse import parse_feed
from worker.models import ParsedItem


@dataclass
class ReplayBatch:
    source: str
    items: list[ParsedItem]
    errors: list[str] = field(default_factory=list)
    skipped: int = 0  # lines not read at all
    bad_dates: int = 0  # items kept without an event time


def parse_time(value: object) -> datetime | None:
    """An RFC 822 (``Sat, 10 Feb 2018 14:56:59 GMT``) or ISO-8601 time as aware UTC; None if unreadable."""
    if not value or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def jsonl_items(data: bytes, name: str) -> list[ReplayBatch]:
    """Group JSONL articles by their ``source`` (a batch per source, as a feed would be)."""
    batches: dict[str, ReplayBatch] = {}
    errors: list[str] = []
    skipped = bad_dates = 0
    # Not splitlines(): it also breaks on U+2028, U+0085, \x1c…, which are valid inside a JSON string.
    for number, line in enumerate(data.decode("utf-8-sig", errors="replace").split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            errors.append(f"{name}:{number}: skipped: {exc}")
            skipped += 1
            continue
        source = str(obj.get("source") or name)
        url = obj.get("url")
        raw_time = obj.get("published")
        published = parse_time(raw_time)
        if published is None:
            bad_dates += 1
            errors.append(f"{name}:{number}: unreadable published date {str(raw_time)[:60]!r}: "
                          "stored with its ingest time")
        item = ParsedItem(
            guid=str(obj.get("id") or url or "") or None, link=str(url) if url else None,
            title=str(obj.get("title") or ""), summary=str(obj.get("summary") or ""),
            content=str(obj.get("content") or ""), published=published,
        )
        batches.setdefault(source, ReplayBatch(source, [])).items.append(item)
    result = list(batches.values()) or [ReplayBatch(name, [])]
    result[0].errors.extend(errors)
    result[0].skipped += skipped
    result[0].bad_dates += bad_dates
    return result


def read_replay_file(data: bytes, name: str) -> list[ReplayBatch]:
    """A ``.jsonl``/``.ndjson`` file is articles; anything else must be a feed."""
    if name.endswith((".jsonl", ".ndjson")):
        return jsonl_items(data, name)
    try:
        feed = parse_feed(data, {}, f"file:///{name}")
    except ParseError as exc:
        return [ReplayBatch(name, [], [f"{name}: {exc.reason}"], skipped=1)]
    return [ReplayBatch(feed.title or name, feed.items)]
