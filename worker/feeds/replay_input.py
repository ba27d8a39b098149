"""Read replay inputs — RSS/Atom files or JSONL articles — into parsed items (pure: bytes in).

JSONL: one object a line with ``url``, ``title``, ``summary``, ``content``, ``published`` (ISO-8601),
``source``; a bad line is reported with its number and skipped, never silently dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from worker.errors import ParseError
from worker.feeds.parse import parse_feed
from worker.models import ParsedItem


@dataclass
class ReplayBatch:
    source: str
    items: list[ParsedItem]
    errors: list[str] = field(default_factory=list)


def parse_time(value: object) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def jsonl_items(data: bytes, name: str) -> list[ReplayBatch]:
    """Group JSONL articles by their ``source`` (a batch per source, as a feed would be)."""
    batches: dict[str, ReplayBatch] = {}
    errors: list[str] = []
    for number, line in enumerate(data.decode("utf-8-sig", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            errors.append(f"{name}:{number}: {exc}")
            continue
        source = str(obj.get("source") or name)
        url = obj.get("url")
        item = ParsedItem(
            guid=str(obj.get("id") or url or "") or None, link=str(url) if url else None,
            title=str(obj.get("title") or ""), summary=str(obj.get("summary") or ""),
            content=str(obj.get("content") or ""), published=parse_time(obj.get("published")),
        )
        batches.setdefault(source, ReplayBatch(source, [])).items.append(item)
    result = list(batches.values()) or [ReplayBatch(name, [])]
    result[0].errors.extend(errors)
    return result


def read_replay_file(data: bytes, name: str) -> list[ReplayBatch]:
    """A ``.jsonl``/``.ndjson`` file is articles; anything else must be a feed."""
    if name.endswith((".jsonl", ".ndjson")):
        return jsonl_items(data, name)
    try:
        feed = parse_feed(data, {}, f"file:///{name}")
    except ParseError as exc:
        return [ReplayBatch(name, [], [f"{name}: {exc.reason}"])]
    return [ReplayBatch(feed.title or name, feed.items)]
