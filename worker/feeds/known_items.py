"""Cut the items a feed already served out of its body before parsing (pure: bytes in, bytes out).

A changed feed body is mostly the items of the last fetch plus a few new ones: a busy feed that
lists its last 2,000 items and gained 60 since the last poll used to be parsed and looked up in
full (~80 µs an item), so the work grew with the feed's window, not with what it published.

Each ``<item>``/``<entry>`` element's raw bytes are hashed, keyed by a digest of the document's
*frame* (everything that is not an item, with the feed-level dates that change on every
rebuild blanked) and of the headers that decide how it is decoded. Items whose digest the
previous fetch recorded are removed from the document; the frame stays, so the remaining items
parse exactly as they would in the whole document. When the item elements cannot be delimited
with certainty (none found, nested or unbalanced tags, a CDATA section or comment holding an
item tag, a UTF-16/32 body), :func:`reduce_known` returns ``None`` and the caller parses the
whole body; the caller also checks that the reduced document yields the items it kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

__all__ = ["DIGEST_SIZE", "Reduced", "pack", "reduce_known", "unpack"]

DIGEST_SIZE = 8
_OPEN = re.compile(rb"<(item|entry)[\s>/]")
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
# Feed-level timestamps a server rewrites on every rebuild; no item is read differently for them.
_VOLATILE = re.compile(rb"<(lastBuildDate|pubDate|updated|ttl|dc:date)>[^<]*</\1>")
_WIDE = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


@dataclass(frozen=True)
class Reduced:
    body: bytes                 # the document without the items already known
    digests: tuple[bytes, ...]  # every item's digest, in document order
    kept: tuple[bool, ...]      # per item: still in ``body`` (not known before)

    @property
    def skipped(self) -> int:
        return self.kept.count(False)

    def remembered(self, parsed: int) -> bytes:
        """Digests to record once the ``parsed`` items (the first kept ones) are stored: the known
        ones and those parsed, never a kept item the parser did not return (e.g. past its cap)."""
        out, left = [], parsed
        for digest, kept in zip(self.digests, self.kept, strict=True):
            if not kept:
                out.append(digest)
            elif left > 0:
                out.append(digest)
                left -= 1
        return pack(out)


def pack(digests: Collection[bytes]) -> bytes:
    return b"".join(digests)


def unpack(blob: bytes | None) -> frozenset[bytes]:
    if not blob:
        return frozenset()
    return frozenset(blob[i:i + DIGEST_SIZE] for i in range(0, len(blob) - DIGEST_SIZE + 1, DIGEST_SIZE))


def _elements(body: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of every item element, or ``None`` unless each opening and closing item tag of
    the document belongs to exactly one of them (no nesting, no tag inside a CDATA or comment)."""
    out: list[tuple[int, int]] = []
    closes = {b"item": 0, b"entry": 0}
    pos = 0
    for m in _OPEN.finditer(body):
        if m.start() < pos:
            return None  # an item tag inside the previous element
        tag = b"</" + m.group(1)
        close = body.find(tag, m.end())
        gt = body.find(b">", close)
        if close < 0 or gt < 0 or body[close + len(tag):gt].strip():
            return None
        closes[m.group(1)] += 1
        pos = gt + 1
        out.append((m.start(), pos))
    # A closing tag no element accounts for (in a CDATA section, say) means an element ended early.
    if not out or any(n and body.count(b"</" + tag) != n for tag, n in closes.items()):
        return None
    if any(b"<item" in c or b"<entry" in c for c in _COMMENT.findall(body)):
        return None  # a commented-out item: tags there are not elements
    return out


def _context(frame: bytes, headers: Mapping[str, str], base_url: str) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for name in ("content-type", "content-language"):
        h.update(headers.get(name, "").encode("utf-8", "replace") + b"\x00")
    h.update(base_url.encode("utf-8", "replace") + b"\x00")
    h.update(_VOLATILE.sub(b"", frame))
    return h.digest()


def reduce_known(body: bytes, headers: Mapping[str, str], base_url: str,
                 known: Collection[bytes]) -> Reduced | None:
    """The body without the items in ``known``, and every item's digest; ``None`` when unsure.

    ``headers`` are the response headers with lower-case names.
    """
    if body.startswith(_WIDE) or b"\x00" in body[:4096]:
        return None  # not an ASCII-compatible encoding: tags cannot be found as bytes
    elements = _elements(body)
    if elements is None:
        return None
    frame_parts, pos = [], 0
    for start, end in elements:
        frame_parts.append(body[pos:start])
        pos = end
    frame_parts.append(body[pos:])
    # The frame without the blank runs between items, so it does not change as items come and go.
    frame = [frame_parts[0], *(p for p in frame_parts[1:-1] if p.strip()), frame_parts[-1]]
    key = _context(b"\x00".join(frame), headers, base_url)
    blake2b = hashlib.blake2b
    digests = tuple(blake2b(body[start:end], digest_size=DIGEST_SIZE, key=key).digest() for start, end in elements)
    kept = tuple(d not in known for d in digests)
    if all(kept):
        return Reduced(body, digests, kept)
    parts = [frame_parts[0]]
    for (start, end), keep, after in zip(elements, kept, frame_parts[1:], strict=True):
        if keep:
            parts.append(body[start:end])
        parts.append(after)
    return Reduced(b"".join(parts), digests, kept)
