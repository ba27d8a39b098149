"""JSONL replay input: RFC 822 and ISO dates, unreadable dates reported by line, U+2028 kept inside lines."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from worker.feeds.replay_input import jsonl_items, parse_time


def _line(**fields: object) -> str:
    return json.dumps({"source": "مصدر", "title": "عنوان", "content": "نص", **fields}, ensure_ascii=False)


def test_parse_time_reads_rfc822_and_iso() -> None:
    assert parse_time("Sat, 10 Feb 2018 14:56:59 GMT") == datetime(2018, 2, 10, 14, 56, 59, tzinfo=UTC)
    assert parse_time("Sat, 10 Feb 2018 16:56:59 +0200") == datetime(2018, 2, 10, 14, 56, 59, tzinfo=UTC)
    assert parse_time("2018-02-10T14:56:59Z") == datetime(2018, 2, 10, 14, 56, 59, tzinfo=UTC)
    assert parse_time("2018-02-10T16:56:59+02:00") == datetime(2018, 2, 10, 14, 56, 59, tzinfo=UTC)
    assert parse_time("2018-02-10 14:56:59") == datetime(2018, 2, 10, 14, 56, 59, tzinfo=UTC)
    assert parse_time("yesterday afternoon") is None
    assert parse_time("") is None
    assert parse_time(None) is None


def test_rfc822_iso_and_unreadable_dates_in_jsonl() -> None:
    lines = [
        _line(url="https://a.example/1", published="Sat, 10 Feb 2018 14:56:59 GMT"),
        _line(url="https://a.example/2", published="2018-02-11T11:00:00Z"),
        _line(url="https://a.example/3", published="العاشر من فبراير"),
    ]
    [batch] = jsonl_items("\n".join(lines).encode(), "in.jsonl")
    assert [i.published for i in batch.items] == [
        datetime(2018, 2, 10, 14, 56, 59, tzinfo=UTC), datetime(2018, 2, 11, 11, 0, tzinfo=UTC), None]
    assert batch.bad_dates == 1 and batch.skipped == 0
    assert len(batch.errors) == 1 and batch.errors[0].startswith("in.jsonl:3: unreadable published date")


def test_line_separators_inside_strings_are_not_line_breaks() -> None:
    lines = [
        _line(url="https://a.example/1", published="2018-02-10T10:00:00Z", content="سطر أول\u2028سطر ثان"),
        _line(url="https://a.example/2", published="2018-02-10T11:00:00Z", title="عنوان\u0085تابع"),
        "{not json",
        _line(url="https://a.example/4", published="2018-02-10T12:00:00Z"),
    ]
    [batch] = jsonl_items(("\n".join(lines) + "\n").encode(), "in.jsonl")
    assert [i.link for i in batch.items] == ["https://a.example/1", "https://a.example/2", "https://a.example/4"]
    assert batch.items[0].content == "سطر أول\u2028سطر ثان"
    assert batch.items[1].title == "عنوان\u0085تابع"
    assert batch.skipped == 1
    assert [e.split(": ")[0] for e in batch.errors] == ["in.jsonl:3"]
