"""Nasty feed documents, generated at test time (the big ones are never committed).

Each generator returns ``(name, body, headers)``. Small hand-written ones live in ``corpus/``.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator

Feed = tuple[str, bytes, dict[str, str]]

TITLE = "مقتل ثلاثة مدنيين وإصابة خمسة آخرين بقصف على بلدة في ريف إدلب"
BODY = "<p>أفاد الدفاع المدني بأن قصفاً مدفعياً استهدف الأحياء السكنية صباح اليوم &amp; خلّف دماراً.</p>"


def rss(items: str, decl: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return f'{decl}<rss version="2.0"><channel><title>قناة</title><link>https://x.example/</link>{items}</channel></rss>'


def item(i: int, title: str = TITLE, desc: str = BODY) -> str:
    return (f"<item><guid>g-{i}</guid><title>{title} {i}</title><link>https://x.example/a/{i}</link>"
            f"<description><![CDATA[{desc}]]></description><pubDate>Tue, 03 Feb 2026 10:{i % 60:02d}:00 GMT</pubDate></item>")


def many_items(n: int = 100_000) -> Feed:
    return "100k-items", rss("".join(item(i, "خبر", "نص") for i in range(n))).encode(), {}


def huge_title(mb: int = 10) -> Feed:
    title = ("قصف " * (mb * 1024 * 1024 // 8))[: mb * 1024 * 1024 // 2]
    return "10mb-title", rss(item(1, title=title)).encode(), {"content-type": "application/rss+xml"}


def huge_description() -> Feed:
    return "5mb-description", rss(item(1, desc="<p>" + "قتل خمسة، " * 500_000 + "</p>")).encode(), {}


def deep_nesting() -> Feed:
    return "deep-nesting", rss(item(1, desc="<div>" * 50_000 + "نص" + "</div>" * 50_000)).encode(), {}


def truncated() -> Iterator[Feed]:
    body = rss("".join(item(i) for i in range(20))).encode()
    for cut in (1, 10, 40, len(body) // 3, len(body) // 2, len(body) - 7, len(body) - 1):
        yield f"truncated-{cut}", body[:cut], {}
    yield "truncated-mid-utf8", body[: body.index("مقتل".encode()) + 1], {}


def encodings() -> Iterator[Feed]:
    text = rss("".join(item(i) for i in range(5)), decl='<?xml version="1.0" encoding="windows-1256"?>')
    cp = text.encode("cp1256")
    yield "cp1256-declared", cp, {}
    yield "cp1256-http-says-utf8", cp, {"content-type": "application/rss+xml; charset=utf-8"}
    yield "cp1256-http-says-latin1", cp, {"content-type": "text/xml; charset=iso-8859-1"}
    yield "cp1256-no-declaration", rss("".join(item(i) for i in range(5)), decl="").encode("cp1256"), {}
    utf8 = rss("".join(item(i) for i in range(5)), decl='<?xml version="1.0" encoding="iso-8859-6"?>').encode()
    yield "utf8-declared-iso8859-6", utf8, {}
    yield "utf8-bom-declared-cp1256", codecs.BOM_UTF8 + utf8.replace(b"iso-8859-6", b"windows-1256"), {}
    yield "utf16le-bom-declared-utf8", codecs.BOM_UTF16_LE + rss(item(1)).encode("utf-16-le"), {}
    yield "utf16be-no-bom", rss(item(1), decl='<?xml version="1.0" encoding="utf-16"?>').encode("utf-16-be"), {}
    yield "utf32-bom-http-cp1256", codecs.BOM_UTF32_LE + rss(item(1)).encode("utf-32-le"), {
        "content-type": "text/xml; charset=windows-1256"}
    yield "bogus-codec-name", rss(item(1), decl='<?xml version="1.0" encoding="x-no-such-codec"?>').encode(), {
        "content-type": "text/xml; charset=\"utf-99\""}
    yield "mixed-utf8-and-cp1256", utf8[:300] + "قتلى".encode("cp1256") * 40 + utf8[300:], {}
    yield "nul-bytes", utf8.replace(b"<item>", b"<item>\x00\x00", 2), {}
    yield "only-bom", codecs.BOM_UTF8, {}
    yield "whitespace", b" \n\t " * 100, {}


def entity_tricks() -> Iterator[Feed]:
    lol = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "قتل قتل قتل قتل قتل قتل قتل قتل">'
           + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
           + ']><rss version="2.0"><channel><title>&j;</title>' + item(1, title="&j;") + "</channel></rss>")
    yield "billion-laughs", lol.encode(), {}
    xxe = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           + rss(item(1, title="&x;"), decl=""))
    yield "xxe-file", xxe.encode(), {}
    yield "external-dtd", ('<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">'
                           + rss(item(1), decl="")).encode(), {}
    yield "numeric-entities", rss(item(1, title="&#1602;&#x62A;&#0;&#xFFFE;&#x10FFFF;&bogus;&#;&#x;")).encode(), {}
    yield "double-escaped", rss(item(1, desc="&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;")).encode(), {}
    yield "cdata-nesting", rss(item(1, desc="]]><x><![CDATA[ ]]]]><![CDATA[> ]]>")).encode(), {}
    yield "unclosed-doctype", b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + b"x" * 100_000, {}


def structure_tricks() -> Iterator[Feed]:
    yield "html-page", "<!doctype html><html><body><p>ليست خلاصة</p></body></html>".encode(), {
        "content-type": "text/html"}
    yield "json", b'{"items": [1, 2, 3]}', {"content-type": "application/json"}
    yield "atom-no-ids", ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                          + "<entry><title>بلا معرف</title></entry>" * 30 + "</feed>").encode(), {}
    yield "rss-items-outside-channel", ('<rss version="2.0">' + item(1) + item(2) + "</rss>").encode(), {}
    dates = ["31/02/99999 25:61", "0", "Mon, 01 Jan 0001 00:00:00 +9999", "2026-13-45T99:99:99Z", "يوم الثلاثاء"]
    bad = "".join(item(i).replace(f"Tue, 03 Feb 2026 10:{i:02d}:00 GMT", d) for i, d in enumerate(dates))
    yield "bad-dates", rss(bad).encode(), {}
    yield "relative-and-evil-links", rss(item(1).replace("https://x.example/a/1", "javascript:alert(1)")
                                         + item(2).replace("https://x.example/a/2", "//[::1]:99999/x")
                                         + item(3).replace("https://x.example/a/3", "http://a:99999/%zz")).encode(), {}
    yield "binary-garbage", bytes(range(256)) * 64, {}


SMALL: list[Callable[[], Iterator[Feed]]] = [truncated, encodings, entity_tricks, structure_tricks]
BIG: list[Callable[[], Feed]] = [many_items, huge_title, huge_description, deep_nesting]
