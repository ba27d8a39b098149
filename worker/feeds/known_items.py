"""Cut the items a feed already served out of its body before parsing (pure: bytes in, bytes out).

A changed feed body is mostly the items of the last fetch plus a few new ones: a busy feed that
lists its last 2,000 items and gained 60 since the last poll used to be parsed and looked up in
full, so the work grew with the feed's window, not with what it published
(docs/decisions/known-items.md).

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
# An opening item tag (group 1), a plain closing one (group 2), a comment (group 3), or any other
# ``</item…`` (no group).
_TAG = re.compile(rb"<(?:(item|entry)[\s>/]|/(item|entry)\s*>|(!--)|/(?:item|entry))")
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


def _elements(body: bytes) -> tuple[list[int], list[int]] | None:
    """Starts and ends of every item element, or ``None`` unless each opening and closing item tag
    of the document belongs to exactly one of them (no nesting, no tag inside a CDATA or comment).

    One regex pass finds every item tag and comment (only one: it is the costly part). Tags must alternate open, close, open… with the same name; a ``</item``
    that is not a plain closing tag (``</items>``, ``</item x>``) counts as doubt.
    """
    starts: list[int] = []
    ends: list[int] = []
    name = b""
    for m in _TAG.finditer(body):
        opened, closed = m.group(1), m.group(2)
        if opened is not None:
            if name:
                return None  # an item tag inside the previous element
            name = opened
            starts.append(m.start())
        elif closed is not None and closed == name:
            ends.append(m.end())
            name = b""
        elif m.group(3) is not None:
            comment_end = body.find(b"-->", m.end())
            comment = body[m.end():comment_end] if comment_end >= 0 else body[m.end():]
            if b"<item" in comment or b"<entry" in comment:
                return None  # a commented-out item: tags there are not elements
        else:
            return None  # a closing tag no element accounts for, or not a plain closing tag
    if name or not starts:
        return None
    return starts, ends


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
    starts, ends = elements
    # The text around and between the items; ``gaps[i + 1]`` follows item ``i``.
    gaps = [body[a:b] for a, b in zip([0, *ends], [*starts, len(body)], strict=True)]
    # The frame without the blank runs between items, so it does not change as items come and go.
    frame = [gaps[0], *(p for p in gaps[1:-1] if p.strip()), gaps[-1]]
    key = _context(b"\x00".join(frame), headers, base_url)
    blake2b, view = hashlib.blake2b, memoryview(body)
    digests = tuple(blake2b(view[a:b], digest_size=DIGEST_SIZE, key=key).digest()
                    for a, b in zip(starts, ends, strict=True))
    kept = tuple(d not in known for d in digests)
    if all(kept):
        return Reduced(body, digests, kept)
    parts = [gaps[0]]
    for a, b, keep, after in zip(starts, ends, kept, gaps[1:], strict=True):
        if keep:
            parts.append(body[a:b])
        parts.append(after)
    return Reduced(b"".join(parts), digests, kept)
