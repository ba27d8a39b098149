"""HTML (or plain text) → article text with one paragraph per line.

Feeds hand us fragments of HTML, sometimes entity-escaped plain text, sometimes plain text with
line breaks. Everything downstream (paragraph dedup, extraction spans) works on the same shape:
paragraphs separated by a single ``\\n``, whitespace collapsed inside them, no invisible
characters that would break matching or offsets.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["BLOCK_TAGS", "clean_plain", "html_to_text"]

BLOCK_TAGS = frozenset(
    [
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
        "article", "header", "footer", "aside", "nav", "table", "tr", "td", "th", "thead", "tbody", "tfoot",
        "caption", "figure", "figcaption", "pre", "hr", "dl", "dt", "dd", "main", "address", "details",
        "summary", "form", "fieldset", "legend", "center"
    ]
)
_SKIP_TAGS = frozenset(
    [
        "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head", "title",
        "button", "select"
    ]
)
_VOID_TAGS = frozenset(
    [
        "br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track",
        "wbr", "param"
    ]
)

# Bidi controls and zero-width characters: invisible, yet they split words for matching.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x061C, 0x00AD,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)],
    None,
)
# Every kind of horizontal space becomes a plain space (NBSP included).
_SPACES = dict.fromkeys([0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000, 0x09, 0x0B, 0x0C], " ")
_INVISIBLE_RE = re.compile("[" + "".join(chr(c) for c in _INVISIBLE) + "]")
_SPACES_RE = re.compile("[" + "".join(chr(c) for c in _SPACES) + "]")
_WS = re.compile(r"[ ]{2,}")
_BLOCK = re.compile(r"<\s*/?\s*(?:" + "|".join(sorted(BLOCK_TAGS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?\s*>|<!--")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS and tag not in _VOID_TAGS:
            self._skip += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and tag not in _VOID_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def clean_plain(text: str) -> str:
    """Normalise line structure of plain text: invisible chars out, spaces collapsed, empty lines dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    # Regex substitution, not str.translate: translate with a dict is slow on non-ASCII text.
    # Most articles have neither set, and each sub scans the whole text: str.isprintable tells first
    # (every invisible character and odd space is Cf, Zs or Cc, so unprintable), ~5x cheaper than
    # a character-class search in sre. A line break is unprintable too, hence per line.
    lines = text.split("\n")
    if not all(line.isprintable() for line in lines):
        text = _INVISIBLE_RE.sub("", text)
        text = _SPACES_RE.sub(" ", text)
        lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    if any("  " in line for line in stripped):
        stripped = [_WS.sub(" ", line) for line in stripped]
    return "\n".join([line for line in stripped if line])


def html_to_text(markup: str) -> str:
    """Text of an HTML fragment or document, one paragraph per line; plain text keeps its line breaks."""
    if not _TAG.search(markup):
        unescaped = html.unescape(markup)
        if not _TAG.search(unescaped):
            return clean_plain(unescaped)
        markup = unescaped  # entity-escaped HTML, as some feeds double-escape their content
    parser = _Extractor()
    if _BLOCK.search(markup):
        # In HTML, source newlines are just whitespace; only block tags make paragraphs.
        markup = markup.replace("\r", " ").replace("\n", " ")
    # else: plain text with a few inline tags (<b>, <a>): its line breaks are its paragraphs.
    parser.feed(markup)
    parser.close()
    return clean_plain("".join(parser.parts))
