"""Feed bytes → :class:`ParsedFeed` (RSS 0.9x/2.0, RSS 1.0/RDF, Atom). Pure: no I/O.

Encoding is decided here, not left to feedparser's fallbacks: BOM, then the HTTP charset, then
the XML declaration, then strict UTF-8, then charset-normalizer restricted to the encodings
Arabic feeds really use. A declared Latin-1/windows-1252 that is plainly Arabic windows-1256 (a
common server misconfiguration) is corrected. The text is then handed to feedparser as UTF-8
with the declaration rewritten, so a windows-1256 feed never turns into mojibake.

HTML in summaries/content is kept raw (no sanitising, no URI rewriting): cleaning is the text
module's job. Entity declarations that reference other entities are dropped by feedparser
before parsing, so billion-laughs documents are not expanded (see tests).
"""

from __future__ import annotations

import codecs
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
from charset_normalizer import from_bytes
from feedparser.datetimes import _parse_date as feedparser_date
from lxml import etree

from worker.errors import ParseError
from worker.models import ParsedFeed, ParsedItem

MAX_ITEMS = 2000
MAX_TITLE_CHARS = 1000
DETECT_CANDIDATES = ["utf_8", "cp1256", "iso8859_6", "utf_16", "cp1252"]
LATIN_FAMILY = frozenset({"cp1252", "latin_1", "iso8859_1", "iso8859_15", "ascii"})

_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_XML_DECL_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HTML = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE | re.DOTALL)
_Q = r"""(?:"[^"]*"|'[^']*')"""
_DOCTYPE = re.compile(rf"<!DOCTYPE(?:[^>\[\"']|{_Q})*(?:\[(?:[^\]\"']|{_Q})*\])?\s*>", re.IGNORECASE)
_ENTITY_DECL = re.compile(rf"<!ENTITY(?:[^>\"']|{_Q})*>", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_]")
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF|channel)[\s>]", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF8, "utf_8_sig"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)


# --------------------------------------------------------------------------- encoding


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name.replace("-", "_")
    except LookupError:
        return None


def _arabic_share(text: str) -> float:
    """Share of Arabic letters among the non-ASCII letters of ``text`` (0 when there are none)."""
    letters = [c for c in text if ord(c) > 127 and c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f") / len(letters)


def _mostly_utf8(body: bytes) -> bool:
    """UTF-8 with a stray bad byte or two (a truncated character): keep UTF-8, do not re-guess.

    windows-1256 Arabic read as UTF-8 fails on nearly every non-ASCII byte; real UTF-8 with a
    glitch fails on a tiny share of its characters.
    """
    text = body.decode("utf_8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if ord(c) > 127) - bad
    return good >= 50 * bad


def _looks_cp1256(body: bytes) -> bool:
    return _arabic_share(body.decode("cp1256", errors="replace")) >= 0.8


def decode_body(body: bytes, headers: dict[str, str]) -> tuple[str, str]:
    """``(text, encoding)`` for a feed body; see the module docstring for the order of evidence."""
    for bom, bom_enc in _BOMS:
        if body.startswith(bom):
            return body.decode(bom_enc, errors="replace").lstrip("\ufeff"), bom_enc.removesuffix("_sig")
    content_type = headers.get("content-type", "")
    http_charset = _CHARSET.search(content_type)
    declared = _XML_DECL.search(body[:512])
    for name in (http_charset.group(1) if http_charset else None,
                 declared.group(1).decode("ascii") if declared else None):
        enc = _codec(name)
        if enc is None:
            continue
        try:
            text = body.decode(enc)
        except UnicodeDecodeError:
            if enc == "utf_8" and _mostly_utf8(body):
                return body.decode("utf_8", errors="replace"), "utf_8"
            continue  # lying declaration: fall through to detection
        if enc in LATIN_FAMILY and _looks_cp1256(body) and _arabic_share(text) < 0.5:
            return body.decode("cp1256"), "cp1256"
        return text, enc
    try:
        return body.decode("utf_8"), "utf_8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(body):
        return body.decode("utf_8", errors="replace"), "utf_8"
    if _looks_cp1256(body):
        return body.decode("cp1256"), "cp1256"
    best = from_bytes(body, cp_isolation=DETECT_CANDIDATES).best()
    if best is not None:
        enc = _codec(best.encoding) or "utf_8"
        return str(best), enc
    return body.decode("utf_8", errors="replace"), "utf_8"


# --------------------------------------------------------------------------- parsing


def parse_feed(body: bytes, headers: dict[str, str], base_url: str, *, allow_fast: bool = True) -> ParsedFeed:
    """Parse one feed document; :class:`ParseError` when it is not a feed we can recover.

    ``allow_fast=False`` forces feedparser even for plain RSS 2.0 (tests compare both paths).
    """
    hdrs = {k.lower(): v for k, v in headers.items()}
    if not body or not body.strip():
        raise ParseError("empty document")
    text, encoding = decode_body(body, hdrs)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ParseError("empty document")
    text = _XML_DECL_TEXT.sub(r'\1"utf-8"', _strip_dtd(_safe_char_refs(text.replace("\x00", ""))), count=1)
    media_type = hdrs.get("content-type", "application/xml").split(";", 1)[0].strip() or "application/xml"
    fp_headers = dict(hdrs)
    fp_headers["content-type"] = f"{media_type}; charset=utf-8"
    # No base for feedparser: it would also "resolve" non-URL guids against it, changing the
    # item's natural key when a feed moves. Links are made absolute below instead.
    fp_headers.pop("content-location", None)
    data = text.encode("utf-8")
    fast = _fast_rss(data, base_url, hdrs.get("content-language"), encoding) if allow_fast else None
    if fast is not None:
        return fast
    result = feedparser.parse(data, response_headers=fp_headers, sanitize_html=False, resolve_relative_uris=False)
    entries = result.get("entries", [])
    bozo = result.get("bozo_exception") if result.get("bozo") else None
    if not result.get("version") and not entries:
        if _HTML.search(text[:4096]) or (media_type == "text/html" and not _FEED_ROOT.search(text[:4096])):
            raise ParseError("not a feed: HTML page")
        raise ParseError(f"not a feed: {bozo or 'no RSS, Atom or RDF root element'}")
    feed = result.get("feed", {})
    base = feed.get("link") if _is_absolute(feed.get("link")) else None
    item_base = base_url
    items = [_item(e, item_base, feed.get("language")) for e in entries[:MAX_ITEMS]]
    return ParsedFeed(
        title=_clip(feed.get("title", "")),
        link=base or _join(item_base, feed.get("link")),
        language=feed.get("language"),
        encoding=encoding,
        items=items,
        recovered_error=f"{type(bozo).__name__}: {bozo}" if bozo is not None else None,
    )


def _strip_dtd(text: str) -> str:
    """Drop the DOCTYPE and every entity declaration from the prolog.

    Feeds need no DTD; removing it means no entity is ever expanded (billion laughs, external
    entities), and expat is never asked to spend a second detecting an amplification attack.
    Undeclared references then stay literal text (``&lol9;``) via the loose parser.
    """
    first = _FIRST_ELEMENT.search(text)
    end = first.start() if first else len(text)
    head = text[:end]
    if "<!" not in head:
        return text
    head = _ENTITY_DECL.sub("", _DOCTYPE.sub("", head))
    return head + text[end:]


_CHAR_REF = re.compile(r"&#(?:[xX]([0-9A-Fa-f]{1,8})|([0-9]{1,10}));")


def _valid_xml_char(cp: int) -> bool:
    return cp in (0x9, 0xA, 0xD) or 0x20 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD or 0x10000 <= cp <= 0x10FFFF


def _safe_char_refs(text: str) -> str:
    """Numeric character references to code points XML forbids (NUL, surrogates, > U+10FFFF)
    become U+FFFD, so one bad reference cannot make the parser raise and lose the whole feed."""
    if "&#" not in text:
        return text

    def fix(m: re.Match[str]) -> str:
        cp = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        return m.group(0) if _valid_xml_char(cp) else "&#xFFFD;"

    return _CHAR_REF.sub(fix, text)


def _is_absolute(url: Any) -> bool:
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


def _join(base: str, url: Any) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    try:
        return urljoin(base, url.strip())
    except ValueError:  # e.g. "http://[bad": drop this one link, keep the item and the feed
        return None


def _clip(title: Any) -> str:
    text = str(title or "").strip()
    return text[:MAX_TITLE_CHARS]


def _item(entry: Any, base: str, feed_language: str | None) -> ParsedItem:
    content = entry.get("content") or []
    published = _date(entry, "published") or _date(entry, "updated") or _date(entry, "created")
    language = None
    for key in ("title_detail", "summary_detail"):
        detail = entry.get(key) or {}
        language = language or detail.get("language")
    guid = (entry.get("id") or "").strip() or None
    return ParsedItem(
        guid=guid,
        link=_join(base, entry.get("link")),
        title=_clip(entry.get("title")),
        summary=str(entry.get("summary") or ""),
        content=str(content[0].get("value", "")) if content else "",
        published=published,
        updated=_date(entry, "updated"),
        author=(entry.get("author") or None),
        categories=[t.get("term") for t in entry.get("tags") or [] if t.get("term")],
        language=language or feed_language,
    )


def _date(entry: Any, key: str) -> datetime | None:
    """``key`` as an aware UTC datetime; feedparser's parsed struct_time is already UTC."""
    # dict.get: FeedParserDict.get maps updated→published with a DeprecationWarning.
    parsed: time.struct_time | None = dict.get(entry, f"{key}_parsed")
    if parsed is not None:
        when = _from_struct(parsed)
        if when is not None:
            return when
    raw = dict.get(entry, key)
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        value = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError):
        try:
            value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# --------------------------------------------------------------------------- fast path
#
# feedparser is slow (pure-Python SAX handlers; docs/decisions/feed-parse-fast-path.md). Most feeds
# are plain, well-formed RSS 2.0 with a handful of known item elements; those are read with lxml
# with feedparser's conventions reproduced (whitespace stripped, guid as link when no <link>,
# content:encoded as summary when no description, feedparser's date parser). Anything else —
# Atom, RDF, unknown or namespaced extras, markup inside text elements, malformed XML — goes to
# feedparser. tests/unit/test_parse.py checks both paths give identical results.

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC = "{http://purl.org/dc/elements/1.1/}"
_ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
_MEDIA = "{http://search.yahoo.com/mrss/}"
_FAST_ITEM_TAGS = frozenset({
    "title", "link", "guid", "pubDate", "description", "category", "comments", "enclosure",
    _CONTENT, _DC + "creator", _DC + "date", _DC + "subject", _MEDIA + "thumbnail", _MEDIA + "content",
})
_FAST_ATTR_TAGS = frozenset({"guid", "category", "enclosure", _MEDIA + "thumbnail", _MEDIA + "content"})
_FAST_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                               remove_comments=True, remove_pis=True)


class _NotSimple(Exception):
    pass


def _text(el: Any) -> str:
    if len(el):
        raise _NotSimple(el.tag)  # markup inside a text element: feedparser's rules apply
    return str(el.text or "").strip()


def _fast_rss(data: bytes, base_url: str, content_language: str | None, encoding: str) -> ParsedFeed | None:
    try:
        root = etree.fromstring(data, _FAST_PARSER)
    except etree.XMLSyntaxError:
        return None
    if root.tag != "rss" or root.get("version") not in ("2.0", "0.92") or len(root) != 1:
        return None
    channel = root[0]
    if channel.tag != "channel" or None in root.nsmap or any(k.startswith("{") for k in channel.attrib):
        return None  # a default namespace or xml:base/xml:lang changes how feedparser reads it
    try:
        title = link = language = None
        items = []
        for el in channel:
            if el.tag == "item":
                items.append(el)
            elif el.tag == "title" and title is None:
                title = _text(el)
            elif el.tag == "link" and link is None:
                link = _text(el)
            elif el.tag == "language" and language is None:
                language = _text(el) or None
            elif el.tag == _ATOM_LINK and el.get("rel", "alternate") == "alternate":
                return None  # an alternate atom:link becomes feedparser's feed link
            elif el.tag in ("title", "link", "language") or not isinstance(el.tag, str):
                return None  # repeated, or an entity reference node
        parsed = [_fast_item(el, base_url, content_language, language) for el in items[:MAX_ITEMS]]
    except _NotSimple:
        return None
    return ParsedFeed(
        title=_clip(title), link=_join(base_url, link) if link else None, language=language or content_language,
        encoding=encoding, items=parsed, recovered_error=None,
    )


def _fast_item(item: Any, base_url: str, content_language: str | None, channel_language: str | None) -> ParsedItem:
    fields: dict[str, str] = {}
    categories: list[str] = []
    guid_is_link = False
    for el in item:
        tag = el.tag
        if tag not in _FAST_ITEM_TAGS or (el.attrib and tag not in _FAST_ATTR_TAGS):
            raise _NotSimple(str(tag))
        if tag in _FAST_ATTR_TAGS and tag != "guid" and tag != "category":
            if len(el):
                raise _NotSimple(tag)
            continue  # enclosure/media elements carry nothing ParsedItem keeps
        if tag == "category" and el.attrib:
            raise _NotSimple(tag)  # domain= changes feedparser's tag scheme
        value = _text(el)
        if tag in ("category", _DC + "subject"):
            if value and value not in categories:
                categories.append(value)
            continue
        if tag == "guid":
            if el.attrib and set(el.attrib) != {"isPermaLink"}:
                raise _NotSimple(tag)
            guid_is_link = el.get("isPermaLink", "true") == "true"
        if tag in fields:
            raise _NotSimple(f"repeated {tag}")
        fields[tag] = value
    guid = fields.get("guid") or None
    link = fields.get("link") or (guid if guid_is_link and guid else None)
    content = fields.get(_CONTENT, "")
    summary = fields.get("description", content)
    updated = _fast_date(fields.get(_DC + "date"))  # feedparser maps dc:date to "updated"
    published = _fast_date(fields.get("pubDate")) or updated
    # feedparser: a text element's language is the HTTP Content-Language, else the channel's;
    # an item with no text element falls back to the feed's language.
    has_text = any(k in fields for k in ("title", "description", _CONTENT))
    language = (content_language or channel_language) if has_text else (channel_language or content_language)
    return ParsedItem(
        guid=guid,
        link=_join(base_url, link),
        title=_clip(fields.get("title")),
        summary=summary,
        content=content,
        published=published,
        updated=updated,
        author=fields.get(_DC + "creator") or None,
        categories=categories,
        language=language,
    )


def _fast_date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    parsed = feedparser_date(raw)
    return _from_struct(parsed) if parsed is not None else None


def _from_struct(parsed: time.struct_time) -> datetime | None:
    """feedparser's struct_time (always UTC) as an aware datetime."""
    try:
        return datetime(parsed.tm_year, parsed.tm_mon, parsed.tm_mday, parsed.tm_hour, parsed.tm_min,
                        parsed.tm_sec, tzinfo=UTC)
    except (ValueError, TypeError, AttributeError):
        return None
