"""Regressions for bugs the fuzzers found in worker/ code (all fixed).

parse_feed promises "a ParsedFeed or ParseError"; anything else escaping it would leave the
feed's error unrecorded, never backed off or paused, and all its other items lost. Invalid
character references now become U+FFFD, a bad link is dropped alone, NUL is stripped before
storage, and ingest turns any parser exception into a recorded ParseError.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from worker.errors import ParseError
from worker.feeds.parse import parse_feed
from worker.models import ParsedItem

RSS = '<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>{title}</title><link>{link}</link></item></channel></rss>'


def parse_ok_or_parse_error(body: bytes) -> str:
    try:
        feed = parse_feed(body, {}, "https://feeds.example.org/rss")
    except ParseError:
        return "ParseError"
    return feed.items[0].title


def test_surrogate_char_ref_is_parse_error_or_replaced() -> None:
    assert parse_ok_or_parse_error(RSS.format(title="قتلى &#xD800; غزة", link="https://a.example/1").encode()) == \
        "قتلى \ufffd غزة"


def test_out_of_range_char_ref_is_parse_error_or_replaced() -> None:
    assert parse_ok_or_parse_error(RSS.format(title="قتلى &#99999999; غزة", link="https://a.example/1").encode()) == \
        "قتلى \ufffd غزة"


def test_invalid_ipv6_link_does_not_sink_the_feed() -> None:
    assert parse_ok_or_parse_error(RSS.format(title="خبر", link="http://[bad").encode()) == "خبر"


@pytest.fixture()
def pg_engine(postgres_url: str) -> Iterator[sa.Engine]:
    from worker.store.db import make_engine, migrate

    name = f"fuzz_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    migrate(url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


@pytest.mark.postgres
def test_nul_in_title_is_stored_on_postgresql(pg_engine: sa.Engine) -> None:
    from worker.services.ingest import store_items

    feed = parse_feed(RSS.format(title="قصف&#0;على حي", link="https://a.example/1").encode(), {}, "https://x.example/")
    assert feed.items[0].title == "قصف\ufffdعلى حي"  # the invalid reference is replaced, not kept
    raw_nul = ParsedItem(guid="3", link="https://a.example/3", title="قصف\x00على حي", summary="", content="x\x00y",
                         published=None)
    good = ParsedItem(guid="2", link="https://a.example/2", title="خبر سليم", summary="", content="",
                      published=None)
    outcome = store_items(pg_engine, None, "fuzz", [feed.items[0], raw_nul, good], datetime(2026, 2, 3, tzinfo=UTC))
    assert len(outcome.new) == 3
    with pg_engine.connect() as conn:
        titles = [r[0] for r in conn.execute(sa.text("SELECT title FROM items ORDER BY id"))]
    assert titles == ["قصف\ufffdعلى حي", "قصفعلى حي", "خبر سليم"]
