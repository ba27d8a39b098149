from __future__ import annotations

import pytest

from worker.dedup.urls import canonical_url


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTP://WWW.Example.COM:80/News/123/?utm_source=tw&utm_medium=x&b=2&a=1#comments",
     "https://example.com/News/123?a=1&b=2"),
    ("https://example.com:443/a?fbclid=1&gclid=2&dclid=3&msclkid=4&mc_cid=5&mc_eid=6&igshid=7&ref=8&ocid=9&_ga=1"
     "&yclid=2&id=5", "https://example.com/a?id=5"),
    ("https://example.com/news/1/amp", "https://example.com/news/1"),
    ("https://example.com/amp/news/1", "https://example.com/news/1"),
    ("https://example.com/news/1?amp=1", "https://example.com/news/1"),
    ("https://example.com/news/1.amp", "https://example.com/news/1"),
    ("https://amp.example.com/news/1", "https://example.com/news/1"),
    ("https://m.example.com/news/1", "https://example.com/news/1"),
    ("https://mobile.example.com/news/1/", "https://example.com/news/1"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/", "https://example.com/"),
    ("https://example.com:8443/x", "https://example.com:8443/x"),
    ("https://example.com//a///b/", "https://example.com/a/b"),
    ("https://m.com/news", "https://m.com/news"),  # a bare two-label host is not a mobile prefix
])
def test_canonical(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_arabic_path_raw_lower_and_upper_percent_encoding_agree() -> None:
    raw = "https://www.aljazeera.net/news/2024/3/5/قصف-على-غزة"
    lower = "https://aljazeera.net/news/2024/3/5/%d9%82%d8%b5%d9%81-%d8%b9%d9%84%d9%89-%d8%ba%d8%b2%d8%a9"
    upper = lower.upper().replace("HTTPS://ALJAZEERA.NET/NEWS", "https://aljazeera.net/news")
    assert canonical_url(raw) == canonical_url(lower) == canonical_url(upper)
    assert canonical_url(raw) == ("https://aljazeera.net/news/2024/3/5/"
                                  "%D9%82%D8%B5%D9%81-%D8%B9%D9%84%D9%89-%D8%BA%D8%B2%D8%A9")


def test_idna_host() -> None:
    assert canonical_url("https://موقع.مثال/خبر") == "https://xn--4gbrim.xn--mgbh0fb/%D8%AE%D8%A8%D8%B1"


def test_query_values_keep_their_meaning() -> None:
    assert canonical_url("https://example.com/s?q=%D8%BA%D8%B2%D8%A9+%D8%A7%D9%84%D9%8A%D9%88%D9%85&page=2") == (
        "https://example.com/s?page=2&q=%D8%BA%D8%B2%D8%A9%20%D8%A7%D9%84%D9%8A%D9%88%D9%85")
    assert canonical_url("https://example.com/s?b=&a=1&a=0") == "https://example.com/s?a=0&a=1&b="


def test_idempotent() -> None:
    url = "https://M.Example.com/amp/news/%d8%a7?utm_campaign=x&z=1&a=2#frag"
    once = canonical_url(url)
    assert canonical_url(once) == once == "https://example.com/news/%D8%A7?a=2&z=1"
