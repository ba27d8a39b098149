"""parse_feed: formats, encodings (windows-1256 never mojibake), recovery, hostile documents."""

from __future__ import annotations

import codecs
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.errors import ParseError
from worker.feeds.parse import MAX_ITEMS, MAX_TITLE_CHARS, _fast_rss, decode_body, parse_feed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
BASE = "https://feeds.example.org/rss/syria.xml"
SARAQIB = "مقتل أربعة مدنيين بقصف على سراقب"
ARIHA = "الدفاع المدني: انتشال ضحايا من تحت الأنقاض في أريحا"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_rss20_items_are_normalised() -> None:
    feed = parse_feed(load("rss20_utf8.xml"), {"Content-Type": "application/rss+xml"}, BASE)
    assert (feed.title, feed.link, feed.language, feed.encoding) == (
        "مرصد الشمال - آخر الأخبار", "https://news.example.org/", "ar", "utf_8")
    first, second, third = feed.items
    assert first.guid == "nso-2026-11-0001"
    assert first.link == "https://feeds.example.org/2026/11/saraqib-shelling"  # relative → absolute
    assert first.title == "قصف مدفعي يستهدف أطراف سراقب ومقتل ثلاثة مدنيين"
    assert first.summary.startswith("<p>قُتل ثلاثة مدنيين بينهم طفل")  # raw HTML kept
    assert "<b>سراقب</b>" in first.summary
    assert first.content.endswith("<p>وقال الدفاع المدني إن فرقه انتشلت الضحايا من تحت أنقاض منزلين.</p>")
    assert first.published == datetime(2026, 11, 21, 5, 15, tzinfo=UTC)
    assert first.author == "مراسل إدلب"
    assert first.categories == ["إدلب", "قصف"]
    assert first.language == "ar"
    assert second.guid == "https://news.example.org/2026/11/idlib-raids"
    assert second.content == ""
    assert second.updated is None
    assert third.guid == "nso-2026-11-0003"  # a non-URL guid is never resolved against the base
    assert third.published == datetime(2026, 11, 20, 20, 5, tzinfo=UTC)


def test_atom_entries() -> None:
    feed = parse_feed(load("atom_utf8.xml"), {}, "https://atom.example.net/feed")
    assert feed.title == "وكالة الأنباء الميدانية"
    a, b = feed.items
    assert (a.guid, a.link, a.author, a.categories, a.language) == (
        "urn:uuid:entry-1001", "https://atom.example.net/a/1001", "قسم الأخبار", ["سوريا"], "ar")
    assert a.published == datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
    assert a.updated == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    assert a.summary == "<p>اندلعت اشتباكات عنيفة فجر اليوم على محور سراقب أسفرت عن مقتل سبعة عناصر.</p>"
    assert a.content == "<p>اندلعت اشتباكات عنيفة فجر اليوم على محور سراقب أسفرت عن مقتل سبعة عناصر وإصابة آخرين.</p>"
    # Only <updated>: it stands in for the publication time.
    assert (b.link, b.published, b.updated) == (
        "https://atom.example.net/a/1002", datetime(2026, 11, 21, 7, 10, tzinfo=UTC),
        datetime(2026, 11, 21, 7, 10, tzinfo=UTC))


def test_rss10_rdf() -> None:
    feed = parse_feed(load("rss10_rdf.xml"), {"content-type": "application/rdf+xml"}, BASE)
    (item,) = feed.items
    assert (item.guid, item.link, item.title, item.categories) == (
        "https://rdf.example.com/n/77", "https://rdf.example.com/n/77", "تجدد القصف على بلدة النيرب شرقي إدلب", ["إدلب"])
    assert item.published == datetime(2026, 11, 21, 3, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "headers"),
    [
        ("rss20_cp1256_declared.xml", {}),
        ("rss20_cp1256_declared.xml", {"Content-Type": "application/rss+xml"}),
        ("rss20_cp1256_nodecl.xml", {"Content-Type": "text/xml; charset=windows-1256"}),
        ("rss20_cp1256_nodecl.xml", {"Content-Type": "text/xml; charset=\"cp1256\""}),
        ("rss20_cp1256_nodecl.xml", {}),
        ("rss20_cp1256_nodecl.xml", {"Content-Type": "application/xml"}),
        # Misconfigured servers: a Latin charset on Arabic windows-1256 bytes.
        ("rss20_cp1256_nodecl.xml", {"Content-Type": "text/xml; charset=ISO-8859-1"}),
        ("rss20_cp1256_nodecl.xml", {"Content-Type": "text/xml; charset=windows-1252"}),
        # A lying UTF-8 declaration: the bytes are not UTF-8.
        ("rss20_cp1256_nodecl.xml", {"Content-Type": "text/xml; charset=utf-8"}),
    ],
)
def test_windows_1256_never_mojibake(name: str, headers: dict[str, str]) -> None:
    feed = parse_feed(load(name), headers, BASE)
    assert feed.encoding == "cp1256"
    assert feed.title == "صحيفة الميدان"
    assert [i.title for i in feed.items] == [SARAQIB, ARIHA]
    assert feed.items[0].summary == (
        "قُتل أربعة مدنيين وجُرح سبعة في قصف صاروخي طال سوقاً شعبية في مدينة سراقب بريف إدلب الشرقي.")


@pytest.mark.parametrize("headers", [{}, {"Content-Type": "text/xml; charset=utf-8"}])
def test_utf8_with_a_stray_bad_byte_stays_utf8(headers: dict[str, str]) -> None:
    body = load("rss20_utf8.xml").replace("ومقتل".encode(), "ومقتل".encode()[:-1] + b" ", 1)
    feed = parse_feed(body, headers, BASE)
    assert feed.encoding == "utf_8"
    assert feed.items[0].title == "قصف مدفعي يستهدف أطراف سراقب ومقت\ufffd  ثلاثة مدنيين"
    assert feed.items[1].title == "غارات جوية على ريف إدلب الجنوبي"


def test_http_charset_wins_over_xml_declaration() -> None:
    body = load("rss20_utf8.xml").replace(b'encoding="utf-8"', b'encoding="windows-1256"')
    feed = parse_feed(body, {"Content-Type": "application/rss+xml; charset=UTF-8"}, BASE)
    assert (feed.encoding, feed.title) == ("utf_8", "مرصد الشمال - آخر الأخبار")


def test_iso_8859_6_declared() -> None:
    text = load("rss20_cp1256_nodecl.xml").decode("cp1256").replace("ُ", "").replace("ً", "")
    body = text.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="ISO-8859-6"?>').encode("iso8859_6")
    feed = parse_feed(body, {}, BASE)
    assert (feed.encoding, feed.items[0].title) == ("iso8859_6", SARAQIB)


@pytest.mark.parametrize(
    ("bom", "codec", "encoding"),
    [(codecs.BOM_UTF8, "utf-8", "utf_8"), (codecs.BOM_UTF16_LE, "utf-16-le", "utf_16"),
     (codecs.BOM_UTF16_BE, "utf-16-be", "utf_16")],
)
def test_byte_order_marks(bom: bytes, codec: str, encoding: str) -> None:
    text = load("rss20_utf8.xml").decode("utf-8")
    if codec != "utf-8":
        text = text.replace('encoding="utf-8"', 'encoding="utf-16"')
    feed = parse_feed(bom + text.encode(codec), {"Content-Type": "text/xml; charset=iso-8859-1"}, BASE)
    assert (feed.encoding, len(feed.items), feed.title) == (encoding, 3, "مرصد الشمال - آخر الأخبار")


def test_decode_body_detects_without_any_declaration() -> None:
    text, enc = decode_body("<rss><channel><title>غارات على ريف حماة الشمالي</title></channel></rss>".encode("cp1256"), {})
    assert (enc, text) == ("cp1256", "<rss><channel><title>غارات على ريف حماة الشمالي</title></channel></rss>")


def test_malformed_feed_is_recovered() -> None:
    feed = parse_feed(load("malformed.xml"), {}, BASE)
    assert feed.recovered_error == "SAXParseException: <unknown>:7:47: not well-formed (invalid token)"
    assert [(i.guid, i.title) for i in feed.items] == [
        ("broken-1", "انفجار عبوة ناسفة في مدينة الباب & إصابة أربعة"),
        ("broken-2", "قصف على أطراف عفرين"),
    ]


def test_empty_feed_is_not_an_error() -> None:
    feed = parse_feed(load("empty.xml"), {}, BASE)
    assert (feed.title, feed.link, feed.items, feed.recovered_error) == (
        "قناة بلا أخبار", "https://empty.example.org/", [], None)


@pytest.mark.parametrize(
    ("body", "headers", "reason"),
    [
        (b"", {}, "empty document"),
        (b"  \r\n\t ", {}, "empty document"),
        (codecs.BOM_UTF8, {}, "empty document"),
        (None, {"content-type": "text/html"}, "not a feed: HTML page"),
        (None, {}, "not a feed: HTML page"),
        (b"<html><body><p>Service Unavailable</p></body></html>", {}, "not a feed: HTML page"),
        (b"<p>maintenance</p>", {"content-type": "text/html; charset=utf-8"}, "not a feed: HTML page"),
        (b"hello world", {"content-type": "text/plain"}, "not a feed: <unknown>:2:0: syntax error"),
        (b'{"items": []}', {"content-type": "application/json"},
         "not a feed: <unknown>:2:0: not well-formed (invalid token)"),
        (b"<?xml version='1.0'?><note><to>x</to></note>", {}, "not a feed: no RSS, Atom or RDF root element"),
    ],
)
def test_not_a_feed(body: bytes | None, headers: dict[str, str], reason: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_feed(load("page.html") if body is None else body, headers, BASE)
    assert str(info.value) == reason


def test_billion_laughs_and_external_entities_are_not_expanded() -> None:
    tracemalloc.start()
    try:
        started = time.perf_counter()
        feed = parse_feed(load("billion_laughs.xml"), {}, BASE)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (item,) = feed.items
    assert item.title == "&lol9;"
    assert item.summary == "&xxe;"  # no file content
    assert "root:" not in item.summary
    assert elapsed < 2.0
    assert peak < 5_000_000


def test_single_line_entity_bomb() -> None:
    lol = "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    body = f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a0 "ha">{lol}]><rss version="2.0"><channel>' \
           f"<title>t</title><item><title>&a9;</title><guid>g</guid></item></channel></rss>"
    started = time.perf_counter()
    feed = parse_feed(body.encode(), {}, BASE)
    assert time.perf_counter() - started < 2.0
    assert len(feed.items[0].title) < 100


def test_huge_titles_are_truncated_and_item_count_capped() -> None:
    long_title = "قصف " * 5000
    items = "".join(f"<item><title>{long_title if i == 0 else 'خبر ' + str(i)}</title><guid>g{i}</guid></item>"
                    for i in range(MAX_ITEMS + 50))
    body = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
    feed = parse_feed(body.encode(), {}, BASE)
    assert len(feed.items) == MAX_ITEMS
    assert len(feed.items[0].title) == MAX_TITLE_CHARS
    assert feed.items[-1].guid == f"g{MAX_ITEMS - 1}"


def test_dates_without_parseable_struct_and_missing() -> None:
    body = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>
    <item><title>a</title><guid>a</guid><pubDate>2026-11-21T10:15:00+03:00</pubDate></item>
    <item><title>b</title><guid>b</guid></item>
    <item><title>c</title><guid>c</guid><pubDate>أمس</pubDate></item>
    </channel></rss>""".encode()
    a, b, c = parse_feed(body, {}, BASE).items
    assert a.published == datetime(2026, 11, 21, 7, 15, tzinfo=UTC)
    assert b.published is None
    assert c.published is None


# --------------------------------------------------------------------------- fast path == feedparser

_NS = ('xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
       'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"')


def _rss(items: str, channel_extra: str = "<language>ar</language>") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" {_NS}><channel>'
            f"<title>\n  شبكة الرصد  \n</title><link>https://rasd.example/</link>{channel_extra}"
            f"{items}</channel></rss>").encode()


DIFFERENTIAL_DOCS = {
    "whitespace_and_cdata": _rss(
        "<item><title>\n  غارة على   أريحا \n</title><link> /n/1 </link><guid> g-1 </guid>"
        "<description>  <![CDATA[ <p>نص <b>عريض</b></p> ]]> </description></item>"),
    "escaped_markup_and_entities": _rss(
        "<item><title>مقتل &amp; إصابة &lt;b&gt;عاجل&lt;/b&gt; &#1575;</title><guid isPermaLink=\"false\">x</guid>"
        "<description>plain &amp;amp; text &lt;p&gt;فقرة&lt;/p&gt;</description></item>"),
    "guid_as_link": _rss("<item><guid>https://rasd.example/n/2</guid><title>t</title></item>"
                         "<item><guid isPermaLink=\"true\">https://rasd.example/n/3</guid></item>"
                         "<item><guid isPermaLink=\"false\">not-a-link</guid><title>u</title></item>"),
    "content_only": _rss("<item><title>c</title><content:encoded><![CDATA[<p>المحتوى</p>]]></content:encoded></item>"),
    "dates": _rss("<item><title>a</title><pubDate>Sat, 21 Nov 2026 08:15:00 +0300</pubDate></item>"
                  "<item><title>b</title><dc:date>2026-11-21T05:45:00+02:00</dc:date></item>"
                  "<item><title>c</title><pubDate>21 Nov 2026 08:00 GMT</pubDate></item>"
                  "<item><title>d</title><pubDate>غداً</pubDate></item>"),
    "extras_ignored": _rss(
        "<item><title>m</title><link>https://rasd.example/m</link><enclosure url=\"https://rasd.example/a.jpg\" "
        "type=\"image/jpeg\" length=\"1\"/><media:thumbnail url=\"https://rasd.example/t.jpg\"/>"
        "<comments>https://rasd.example/m#c</comments><dc:creator> مراسلنا </dc:creator>"
        "<category>سوريا</category><dc:subject>إدلب</dc:subject><category>سوريا</category></item>",
        '<atom:link href="https://rasd.example/rss" rel="self" type="application/rss+xml"/><language>ar</language>'),
    "empty_elements": _rss("<item><title/><link></link><guid></guid><description/></item>"),
    "no_language": _rss("<item><title>x</title></item>", ""),
    "no_items": _rss(""),
}


@pytest.mark.parametrize("name", sorted(DIFFERENTIAL_DOCS))
def test_fast_path_matches_feedparser(name: str) -> None:
    body = DIFFERENTIAL_DOCS[name]
    headers = {"Content-Type": "application/rss+xml", "Content-Language": "ar-SY"}
    assert _fast_rss(body, BASE, "ar-SY", "utf_8") is not None  # the fast path really ran
    assert parse_feed(body, headers, BASE) == parse_feed(body, headers, BASE, allow_fast=False)


@pytest.mark.parametrize("name", ["rss20_utf8.xml", "rss20_cp1256_declared.xml", "rss20_cp1256_nodecl.xml", "empty.xml"])
def test_fast_path_matches_feedparser_on_fixtures(name: str) -> None:
    text, encoding = decode_body(load(name), {})
    utf8 = text.replace('encoding="windows-1256"', 'encoding="utf-8"').encode()
    assert _fast_rss(utf8, BASE, None, encoding) is not None  # the fast path really ran
    assert parse_feed(load(name), {}, BASE) == parse_feed(load(name), {}, BASE, allow_fast=False)


_TEXT = st.lists(
    st.sampled_from([*"قصفعلىسراقبإدلب ٠١٢abc&<>\"'/;#=\n\t", "&amp;", "<p>", "</p>", "&lt;b&gt;", "<br/>"]),
    max_size=25,
).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TEXT, _TEXT, _TEXT, st.booleans(), st.booleans()), max_size=4))
def test_fast_path_matches_feedparser_property(items: list[tuple[str, str, str, bool, bool]]) -> None:
    parts = []
    for title, desc, cat, cdata, permalink in items:
        body = f"<![CDATA[{desc.replace(']]>', '')}]]>" if cdata else escape(desc)
        guid = f'<guid isPermaLink="{"true" if permalink else "false"}">{escape(cat) or "g"}</guid>'
        parts.append(f"<item><title>{escape(title)}</title><description>{body}</description>"
                     f"<category>{escape(cat)}</category>{guid}</item>")
    doc = _rss("".join(parts))
    assert _fast_rss(doc, BASE, None, "utf_8") is not None
    assert parse_feed(doc, {}, BASE) == parse_feed(doc, {}, BASE, allow_fast=False)


@pytest.mark.parametrize(
    "doc",
    [
        b'<rss version="2.0"><channel><title>t</title><item><title>a<b>b</b></title></item></channel></rss>',
        b'<rss version="2.0"><channel><title>t</title><item><author>a@b.c (Ali)</author></item></channel></rss>',
        b'<rss version="2.0" xmlns="urn:x"><channel><title>t</title></channel></rss>',
        b'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>'
        b'<atom:link rel="alternate" href="https://x/"/></channel></rss>',
        b'<rss version="2.0"><channel><title>t</title><item><category domain="d">c</category></item></channel></rss>',
        b'<rss version="0.91"><channel><title>t</title></channel></rss>',
    ],
)
def test_unusual_rss_goes_to_feedparser(doc: bytes) -> None:
    assert _fast_rss(doc, BASE, None, "utf_8") is None
    assert parse_feed(doc, {}, BASE) == parse_feed(doc, {}, BASE, allow_fast=False)


_ARABIC_WORDS = st.lists(
    st.text(alphabet=st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةى")), min_size=2, max_size=8),
    min_size=2, max_size=12,
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ARABIC_WORDS, min_size=1, max_size=5))
def test_undeclared_windows_1256_round_trips_exactly(titles: list[str]) -> None:
    items = "".join(f"<item><title>{t}</title><guid>g{i}</guid></item>" for i, t in enumerate(titles))
    doc = f'<?xml version="1.0"?><rss version="2.0"><channel><title>قناة</title>{items}</channel></rss>'
    feed = parse_feed(doc.encode("cp1256"), {}, BASE)
    assert feed.encoding == "cp1256"
    assert [i.title for i in feed.items] == titles
