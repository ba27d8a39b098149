"""Known-item skipping: a changed feed body is parsed only for the items its last fetch did not list,
with exactly the result a full parse gives for them; any doubt means a full parse."""

from __future__ import annotations

from pathlib import Path

from worker.feeds.known_items import DIGEST_SIZE, pack, reduce_known, unpack
from worker.feeds.parse import MAX_ITEMS, parse_feed
from worker.services.ingest import parse_new_items

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
URL = "https://feeds.example.org/rss/syria.xml"
HEADERS = {"content-type": "application/rss+xml; charset=utf-8"}
TOWNS = ["سراقب", "أريحا", "كفرنبل", "معرة النعمان", "الأتارب", "جسر الشغور"]


def item(n: int, town: str | None = None) -> str:
    town = town or TOWNS[n % len(TOWNS)]
    return (f"<item><guid isPermaLink=\"false\">sy-{n}</guid><title>قصف على {town} (تقرير {n})</title>"
            f"<link>/2026/12/{n}</link><description><![CDATA[<p>قتل {n} مدنيين في {town}.</p>]]></description>"
            f"<pubDate>Tue, 01 Dec 2026 0{n % 10}:00:00 GMT</pubDate></item>")


def rss(items: list[str], built: str = "Tue, 01 Dec 2026 08:00:00 GMT", language: str = "ar") -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>مرصد الشمال</title>'
            f"<link>https://news.example.org/</link><language>{language}</language>"
            f"<lastBuildDate>{built}</lastBuildDate>\n" + "\n".join(items) + "\n</channel></rss>").encode()


def test_known_items_are_cut_and_the_rest_parses_exactly_as_in_the_whole_document() -> None:
    first = reduce_known(rss([item(3), item(2), item(1)]), HEADERS, URL, frozenset())
    assert first is not None
    assert (first.skipped, first.kept, len(first.digests), len(set(first.digests))) == (0, (True,) * 3, 3, 3)
    assert all(len(d) == DIGEST_SIZE for d in first.digests)
    # The next poll: two new items on top, the three old ones below, and a rebuilt lastBuildDate.
    body = rss([item(5), item(4), item(3), item(2), item(1)], built="Tue, 01 Dec 2026 09:00:00 GMT")
    second = reduce_known(body, HEADERS, URL, frozenset(first.digests))
    assert second is not None
    assert second.kept == (True, True, False, False, False)
    assert second.digests[2:] == first.digests
    assert second.skipped == 3
    assert b"sy-1<" not in second.body and b"sy-5<" in second.body and b"sy-4<" in second.body
    assert parse_feed(second.body, HEADERS, URL).items == parse_feed(body, HEADERS, URL).items[:2]
    assert unpack(second.remembered(2)) == frozenset(second.digests)


def test_an_edited_item_is_new_again() -> None:
    before = reduce_known(rss([item(2), item(1)]), HEADERS, URL, frozenset())
    assert before is not None
    after = reduce_known(rss([item(2), item(1, town="إدلب")]), HEADERS, URL, frozenset(before.digests))
    assert after is not None
    assert after.kept == (False, True)
    assert [i.title for i in parse_feed(after.body, HEADERS, URL).items] == ["قصف على إدلب (تقرير 1)"]


def test_anything_that_changes_how_items_read_changes_every_digest() -> None:
    base = reduce_known(rss([item(2), item(1)]), HEADERS, URL, frozenset())
    assert base is not None
    variants = [
        (rss([item(2), item(1)], language="en"), HEADERS, URL),  # channel language is inherited by items
        (rss([item(2), item(1)]), {"content-type": "application/rss+xml; charset=windows-1256"}, URL),
        (rss([item(2), item(1)]), {**HEADERS, "content-language": "en"}, URL),
        (rss([item(2), item(1)]), HEADERS, "https://mirror.example.org/rss/syria.xml"),  # relative links
    ]
    for body, headers, url in variants:
        other = reduce_known(body, headers, url, frozenset(base.digests))
        assert other is not None
        assert other.kept == (True, True)
        assert not set(other.digests) & set(base.digests)


def test_documents_whose_items_cannot_be_delimited_are_parsed_whole() -> None:
    cdata_close = item(1).replace("</p>]]>", "</p></item>]]>")  # a closing tag inside CDATA
    commented = "<!-- <item>old</item> -->"
    nested = "<item><title>أ</title><item><title>ب</title></item></item>"
    for items in ([cdata_close, item(2)], [commented, item(2)], [nested], []):
        assert reduce_known(rss(items), HEADERS, URL, frozenset()) is None
    assert reduce_known(rss([item(1)]).decode().encode("utf-16"), HEADERS, URL, frozenset()) is None
    assert reduce_known(rss(["<item/>", item(1)]), HEADERS, URL, frozenset()) is None  # an empty item


def test_atom_entries() -> None:
    body = (FIXTURES / "atom_utf8.xml").read_bytes()
    headers = {"content-type": "application/atom+xml"}
    whole = reduce_known(body, headers, URL, frozenset())
    assert whole is not None and len(whole.digests) == 2
    reduced = reduce_known(body, headers, URL, frozenset(whole.digests[:1]))
    assert reduced is not None and reduced.kept == (False, True)
    assert parse_feed(reduced.body, headers, URL).items == parse_feed(body, headers, URL).items[1:]


def test_pack_and_unpack() -> None:
    digests = [bytes([i]) * DIGEST_SIZE for i in range(3)]
    assert unpack(pack(digests)) == frozenset(digests)
    assert unpack(None) == frozenset() and unpack(b"") == frozenset()


def test_parse_new_items_remembers_only_items_it_returned() -> None:
    body = rss([item(n) for n in range(MAX_ITEMS + 1, 0, -1)])  # one item past the parser's cap
    feed, remember, skipped = parse_new_items(body, HEADERS, URL, frozenset())
    assert (len(feed.items), skipped, len(remember) // DIGEST_SIZE) == (MAX_ITEMS, 0, MAX_ITEMS)
    # Next poll: one new item on top. The item past the cap was never stored, so it is parsed now.
    grown = rss([item(n) for n in range(MAX_ITEMS + 2, 0, -1)])
    feed, remember, skipped = parse_new_items(grown, HEADERS, URL, unpack(remember))
    assert [i.guid for i in feed.items] == [f"sy-{MAX_ITEMS + 2}", "sy-1"]
    assert (skipped, len(remember) // DIGEST_SIZE) == (MAX_ITEMS, MAX_ITEMS + 2)


def test_parse_new_items_without_delimitable_items_parses_all_and_remembers_none() -> None:
    body = rss(["<!-- <item>old</item> -->", item(2), item(1)])
    feed, remember, skipped = parse_new_items(body, HEADERS, URL, frozenset())
    assert ([i.guid for i in feed.items], remember, skipped) == (["sy-2", "sy-1"], b"", 0)


def test_a_stray_or_odd_closing_tag_means_a_full_parse() -> None:
    for odd in ("</item x>", "</items>", "</entry>", "</itemize>"):
        stray = item(1).replace("</title>", f"</title>{odd}")
        assert reduce_known(rss([stray, item(2)]), HEADERS, URL, frozenset()) is None, odd


def test_comments_without_items_and_spaced_closing_tags_still_reduce() -> None:
    body = rss(["<!-- generated by the CMS -->", item(2).replace("</item>", "</item  >"), item(1)])
    first = reduce_known(body, HEADERS, URL, frozenset())
    assert first is not None and len(first.digests) == 2
    reduced = reduce_known(body, HEADERS, URL, frozenset(first.digests[1:]))
    assert reduced is not None and reduced.kept == (True, False)
    assert b"<!-- generated by the CMS -->" in reduced.body and b"sy-1<" not in reduced.body
    assert parse_feed(reduced.body, HEADERS, URL).items == parse_feed(body, HEADERS, URL).items[:1]
    # A comment left open swallows the rest of the document: anything after it is in doubt.
    assert reduce_known(rss([item(2), "<!-- <item>"]), HEADERS, URL, frozenset()) is None
