"""Fuzz feed parsing: any bytes give a ParsedFeed or a ParseError, quickly; what parses can be
processed. Generated feeds (Hypothesis), hand-written nasty files (corpus/) and big generated ones."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import nasty
from tests.fuzz.strategies import LONG, PROFILE, soup
from worker.errors import ParseError
from worker.feeds.parse import MAX_ITEMS, MAX_TITLE_CHARS, parse_feed
from worker.models import ParsedFeed
from worker.pipeline import analyse
from worker.services.ingest import MAX_TEXT

CORPUS = Path(__file__).with_name("corpus")
BASE = "https://feeds.example.org/rss"
SMALL_BOUND = 5.0  # seconds for one small document, parse + analysis of every item
BIG_BOUND = 60.0 if LONG else 30.0  # seconds for one generated monster (2 cores, shared)


def parse_or_reject(body: bytes, headers: dict[str, str], analyse_items: int = 50) -> ParsedFeed | None:
    """What the worker does with a body: parse, then analyse each stored item (text clipped as stored)."""
    try:
        feed = parse_feed(body, headers, BASE)
    except ParseError as exc:
        assert str(exc)
        return None
    assert len(feed.items) <= MAX_ITEMS
    for it in feed.items[:analyse_items]:
        assert len(it.title) <= MAX_TITLE_CHARS
        analyse((it.content or it.summary)[:MAX_TEXT], title=it.title[:MAX_TEXT])
    return feed


ENCODINGS = ["utf-8", "windows-1256", "iso-8859-6", "utf-16", "latin-1", "ascii", "x-bogus"]


@st.composite
def feeds(draw: st.DrawFn) -> tuple[bytes, dict[str, str]]:
    n = draw(st.integers(0, 6))
    items = "".join(
        f"<item><guid>{draw(st.text(max_size=8))}</guid><title>{draw(soup(max_tokens=10))}</title>"
        f"<description>{draw(soup(max_tokens=30))}</description><pubDate>{draw(st.text(max_size=30))}</pubDate>"
        f"<link>{draw(st.sampled_from(['https://a.example/x', '/rel', 'javascript:x', '', '[::1', 'http://']))}</link>"
        "</item>" for _ in range(n))
    root = draw(st.sampled_from(["rss", "atom", "rdf", "none"]))
    if root == "atom":
        doc = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{draw(soup(max_tokens=5))}</title>{items}</feed>'
    elif root == "rdf":
        doc = f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{items}</rdf:RDF>'
    elif root == "rss":
        doc = f'<rss version="2.0"><channel><title>قناة</title>{items}</channel></rss>'
    else:
        doc = items
    declared = draw(st.sampled_from([*ENCODINGS, None]))
    actual = draw(st.sampled_from(["utf-8", "windows-1256", "utf-16"]))
    if declared:
        doc = f'<?xml version="1.0" encoding="{declared}"?>' + doc
    body = doc.encode(actual, errors="replace")
    if draw(st.booleans()):
        body = draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b""])) + body
    if body and draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    if body and draw(st.booleans()):  # flip a few bytes
        data = bytearray(body)
        for pos, val in draw(st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), max_size=5)):
            data[pos] = val
        body = bytes(data)
    headers: dict[str, str] = {}
    ctype = draw(st.sampled_from([None, "application/rss+xml", "text/html", "text/xml; charset=", "application/xml"]))
    if ctype:
        headers["Content-Type"] = ctype + (draw(st.sampled_from(ENCODINGS)) if ctype.endswith("=") else "")
    return body, headers


@PROFILE
@given(feeds())
def test_generated_feeds_parse_or_raise_parse_error(doc: tuple[bytes, dict[str, str]]) -> None:
    parse_or_reject(*doc)


@PROFILE
@given(st.binary(max_size=2000), st.dictionaries(st.sampled_from(["content-type", "Content-Language"]),
                                                 st.text(max_size=40), max_size=2))
def test_random_bytes_parse_or_raise_parse_error(body: bytes, headers: dict[str, str]) -> None:
    parse_or_reject(body, headers)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.xml")), ids=lambda p: p.name)
def test_corpus_file(path: Path) -> None:
    started = time.monotonic()
    parse_or_reject(path.read_bytes(), {})
    assert time.monotonic() - started < SMALL_BOUND


SMALL = [doc for gen in nasty.SMALL for doc in gen()]


@pytest.mark.parametrize("doc", SMALL, ids=[d[0] for d in SMALL])
def test_generated_nasty_feed(doc: nasty.Feed) -> None:
    name, body, headers = doc
    started = time.monotonic()
    parse_or_reject(body, headers)
    assert time.monotonic() - started < SMALL_BOUND, name


def test_nasty_feeds_that_must_parse_keep_their_arabic() -> None:
    docs = {name: (body, headers) for name, body, headers in SMALL}
    for name in ("cp1256-declared", "cp1256-http-says-latin1", "cp1256-no-declaration", "utf8-declared-iso8859-6",
                 "utf8-bom-declared-cp1256", "utf16le-bom-declared-utf8"):
        feed = parse_or_reject(*docs[name])
        assert feed is not None, name
        assert feed.items[0].title.startswith("مقتل ثلاثة مدنيين"), (name, feed.items[0].title[:40])
    lol = parse_or_reject(*docs["billion-laughs"])
    assert lol is None or all(len(it.title) <= MAX_TITLE_CHARS for it in lol.items)
    xxe = parse_or_reject(*docs["xxe-file"])
    assert xxe is None or all("root:" not in it.title for it in xxe.items)


@pytest.mark.parametrize("make", nasty.BIG, ids=[f.__name__ for f in nasty.BIG])
def test_big_generated_feed_is_bounded(make: object) -> None:
    name, body, headers = make()  # type: ignore[operator]
    started = time.monotonic()
    feed = parse_or_reject(body, headers, analyse_items=3)
    elapsed = time.monotonic() - started
    assert elapsed < BIG_BOUND, f"{name}: {elapsed:.1f}s"
    if name == "100k-items":
        assert feed is not None and len(feed.items) == MAX_ITEMS
    if name == "10mb-title":
        assert feed is not None and len(feed.items[0].title) == MAX_TITLE_CHARS
