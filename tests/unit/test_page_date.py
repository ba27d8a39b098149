"""A re-ingested article page keeps the time of day of its published time (not midnight)."""

from __future__ import annotations

from datetime import UTC, datetime

from worker.services.reingest import article_from_html

BODY = "".join(f"<p>فقرة رقم {i} من تقرير ميداني عن قصف مدفعي طال أحياء سكنية وأجبر عائلات على النزوح.</p>"
               for i in range(8))


def _page(meta: str) -> str:
    return f"<html><head><title>تقرير</title>{meta}</head><body><article>{BODY}</article></body></html>"


def test_published_time_keeps_its_time_of_day() -> None:
    item = article_from_html(_page('<meta property="article:published_time" content="2018-03-10T11:00:00Z">'),
                             "https://news.example/a")
    assert item.published == datetime(2018, 3, 10, 11, 0, tzinfo=UTC)


def test_offset_is_converted_to_utc() -> None:
    item = article_from_html(
        _page('<meta property="article:published_time" content="2018-03-10T14:30:00+03:00">'),
        "https://news.example/b")
    assert item.published == datetime(2018, 3, 10, 11, 30, tzinfo=UTC)
    assert item.published is not None and item.published.utcoffset() is not None
    assert item.published.isoformat() == "2018-03-10T11:30:00+00:00"
