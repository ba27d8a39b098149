"""The bundled demo feeds parse, carry the stories the demo relies on, and are served over loopback."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import charset_normalizer
import feedparser
import httpx
import pytest

from worker.demo import CONTENT_TYPES, DEMO_DIR, demo_feed_files, serve_demo_feeds

LEVANT_TITLE = "مقتل عشرين عنصرا من القوات الحكومية بينهم ثلاثة ضباط في هجوم على محور كفرنبل"
IDLIB_WORDS = ("إدلب", "سراقب", "كفرنبل", "أريحا", "جبل الزاوية", "معرة النعمان")


def _parse(path: Path) -> feedparser.FeedParserDict:
    data = path.read_bytes()
    if path.name.endswith("-1256.xml"):
        return feedparser.parse(data, response_headers={"content-type": "application/rss+xml; charset=windows-1256"})
    return feedparser.parse(data)


def _when(entry: feedparser.FeedParserDict) -> dt.datetime:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)


def test_files_and_counts() -> None:
    assert [p.name for p in demo_feed_files()] == ["demo-gaza-atom.xml", "demo-levant-1256.xml", "demo-syria.xml"]
    counts = {p.name: len(_parse(p).entries) for p in demo_feed_files()}
    assert counts == {"demo-gaza-atom.xml": 8, "demo-levant-1256.xml": 8, "demo-syria.xml": 12}


@pytest.mark.parametrize("name,version", [("demo-syria.xml", "rss20"), ("demo-gaza-atom.xml", "atom10")])
def test_utf8_feeds_parse_cleanly(name: str, version: str) -> None:
    parsed = _parse(DEMO_DIR / name)
    assert parsed.bozo is False
    assert parsed.version == version
    assert parsed.encoding.lower() == "utf-8"
    for entry in parsed.entries:
        assert entry.link.startswith("https://") and ".demo.invalid/" in entry.link
        assert entry.title.strip() and len(entry.summary) > 80


def test_windows_1256_feed_has_no_declaration_and_decodes_as_cp1256() -> None:
    data = (DEMO_DIR / "demo-levant-1256.xml").read_bytes()
    assert data.startswith(b"<rss ")  # no XML declaration at all
    assert b"encoding" not in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    parsed = _parse(DEMO_DIR / "demo-levant-1256.xml")
    assert parsed.bozo is False
    titles = [e.title for e in parsed.entries]
    assert LEVANT_TITLE in titles
    assert parsed.feed.title == "أخبار المشرق (بيانات تجريبية)"
    # Left to itself feedparser falls back to windows-1252 and produces mojibake: the fetcher must detect.
    naive = feedparser.parse(data)
    assert LEVANT_TITLE not in [e.get("title") for e in naive.entries]
    assert charset_normalizer.from_bytes(data).best().encoding == "cp1256"


def test_escalation_cluster_in_idlib() -> None:
    """≥ 5 Idlib items from 3 feeds inside 3 hours on 19 Nov 2026, over a calm background."""
    start = dt.datetime(2026, 11, 19, 6, 0, tzinfo=dt.UTC)
    end = start + dt.timedelta(hours=3)
    in_window: Counter[str] = Counter()
    background_idlib = 0
    for path in demo_feed_files():
        for entry in _parse(path).entries:
            text = entry.title + " " + entry.summary
            if not any(word in text for word in IDLIB_WORDS):
                continue
            if start <= _when(entry) < end:
                in_window[path.name] += 1
            else:
                background_idlib += 1
                assert _when(entry) < start - dt.timedelta(days=1)
    assert in_window == Counter({"demo-syria.xml": 4, "demo-levant-1256.xml": 2, "demo-gaza-atom.xml": 2})
    assert background_idlib == 2  # olive harvest, schools reopening


def test_syndicated_near_copies_share_the_original_title() -> None:
    titles = [e.title for p in demo_feed_files() for e in _parse(p).entries]
    suffixed = [t for t in titles if re.search(r"\((سكاي نيوز عربية|الأناضول)\)$", t)]
    assert len(suffixed) == 2
    for title in suffixed:
        original = re.sub(r"\s*\([^)]*\)$", "", title)
        assert original in titles
    assert Counter(titles)["دخول قافلة مساعدات أممية عبر معبر باب الهوى إلى شمال غرب سوريا"] == 2


def test_timezones_are_explicit_and_sensible() -> None:
    offsets = set()
    for path in demo_feed_files():
        raw = path.read_bytes()
        offsets |= set(re.findall(rb"(\+0[23]00|\+0[23]:00)</(?:pubDate|published)>", raw))
        for entry in _parse(path).entries:
            when = _when(entry)
            assert dt.datetime(2026, 11, 12, tzinfo=dt.UTC) <= when <= dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    assert offsets == {b"+0300", b"+02:00"}


def test_server_serves_files_with_expected_content_types() -> None:
    with serve_demo_feeds() as base_url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        with httpx.Client(base_url=base_url, timeout=5) as client:
            r1256 = client.get("/demo-levant-1256.xml")
            assert r1256.status_code == 200
            assert r1256.headers["content-type"] == "application/rss+xml"
            assert r1256.content == (DEMO_DIR / "demo-levant-1256.xml").read_bytes()
            ratom = client.get("/demo-gaza-atom.xml")
            assert ratom.headers["content-type"] == "application/atom+xml; charset=utf-8"
            assert feedparser.parse(ratom.content).entries[0].title == (
                "وكالة الأونروا تعيد فتح ثلاث مدارس كمراكز تعليم مؤقتة في غزة"
            )
            rsyria = client.get("/demo-syria.xml")
            again = client.get("/demo-syria.xml", headers={"If-Modified-Since": rsyria.headers["last-modified"]})
            assert again.status_code == 304
            assert client.get("/missing.xml").status_code == 404
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/demo-syria.xml", timeout=2)


def test_server_serves_another_directory_and_stops_on_error(tmp_path: Path) -> None:
    (tmp_path / "one.xml").write_bytes(b"<rss version='2.0'><channel><title>t</title></channel></rss>")
    with pytest.raises(RuntimeError, match="boom"), serve_demo_feeds(tmp_path) as base_url:
        response = httpx.get(f"{base_url}/one.xml", timeout=5)
        assert response.headers["content-type"] == "application/xml"
        raise RuntimeError("boom")
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/one.xml", timeout=2)


def test_project_parser_reads_every_demo_feed_as_served() -> None:
    """With the headers the demo server sends, the pipeline's own parser gets the Arabic right."""
    from worker.feeds.parse import parse_feed

    for path in demo_feed_files():
        ctype = CONTENT_TYPES[path.name]
        parsed = parse_feed(path.read_bytes(), {"Content-Type": ctype}, f"http://127.0.0.1/{path.name}")
        assert len(parsed.items) == {"demo-syria.xml": 12, "demo-gaza-atom.xml": 8, "demo-levant-1256.xml": 8}[path.name]
        assert parsed.encoding.replace("-", "_").lower() in {"utf_8", "cp1256"}
        if path.name == "demo-levant-1256.xml":
            assert parsed.encoding.replace("-", "_").lower() == "cp1256"
            assert LEVANT_TITLE in [item.title for item in parsed.items]
            assert parsed.title == "أخبار المشرق (بيانات تجريبية)"
