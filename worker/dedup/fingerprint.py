"""Exact and near-duplicate fingerprints of article text (pure).

* ``content_hash``: sha256 of the matching form with punctuation and whitespace collapsed, so the
  same text with other diacritics, alef forms, digits or spacing is an exact duplicate.
* MinHash over word shingles of the matching form (outlet credits stripped first). We use rensa's
  ``RMinHash`` (Rust; two orders of magnitude faster than datasketch at the same accuracy).
  Signatures are stored as 4-bit b-bit MinHash (two permutations per byte: 64 bytes for 128), and
  similarity is estimated from those nibbles with the chance agreement (1/16) removed: nearly the
  accuracy of the 32-bit values for an eighth of the memory (docs/decisions/minhash-library.md).
* LSH banding: ``bands`` × ``rows`` of the full 32-bit values; each band gives a 5-byte bucket key
  (band index + 4 bytes of blake2b).
"""

from __future__ import annotations

import hashlib
import re
import struct
from typing import NamedTuple

from rensa import RMinHash

from worker.text.clean import CleanResult
from worker.text.normalize import match_words, normalize

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_ROWS",
    "SEED",
    "SHINGLE",
    "Fingerprint",
    "band_keys",
    "candidate_probability",
    "compact",
    "content_hash",
    "fingerprint",
    "is_near_duplicate",
    "shingles",
    "similarity",
    "strip_credits",
    "word_list",
]

SHINGLE = 5  # measured: best margin around J = 0.5 on tests/unit/syndication.py (see bench/dedup.py)
SEED = 1_297
DEFAULT_BANDS = 16
DEFAULT_ROWS = 3
_CHANCE = 1.0 / 16.0

# Outlet credits that syndication adds or removes: "(سكاي نيوز عربية)", "المصدر: وكالات", "- وكالات".
_CREDIT_LINE = re.compile(r"\s*(?:[(\[«][^()\[\]«»\n]{2,40}[)\]»]|المصدر\s*[:：].{0,40}|(?:وكالات|رويترز)[\W_]*)\s*$")
_CREDIT_HEAD = re.compile(r"^\s*[(\[«][^()\[\]«»\n]{2,40}[)\]»]\s*[-–—:،]?\s*")
_CREDIT_TAIL = re.compile(r"\s*[-–—]?\s*[(\[«][^()\[\]«»\n]{2,40}[)\]»]\s*\.?\s*$")


class Fingerprint(NamedTuple):
    """A tuple rather than a frozen dataclass: replay's process pool pickles it, and a compiled
    (mypyc) frozen dataclass cannot be unpickled (its __setstate__ assigns the frozen fields)."""

    exact: str          # content_hash
    signature: bytes    # compact b-bit signature, one byte per permutation
    bands: list[bytes]  # LSH bucket keys, one per band


def strip_credits(text: str) -> str:
    """Remove outlet credit lines and a credit at the very start or end (they differ between copies)."""
    lines = text.split("\n")
    lines = ["" if line.count(" ") < 8 and _CREDIT_LINE.match(line) else line for line in lines]
    text = "\n".join(lines)
    head_credit = _CREDIT_HEAD.match(text)  # match, not sub: sub tries the ^ at every position
    if head_credit:
        text = text[head_credit.end():]
    # Only the end can hold a trailing credit: search the last 80 characters, not the whole text,
    # and only when they end as a credit must (a closing bracket, then at most a full stop).
    head, tail = text[:-80], text[-80:]
    end = tail.rstrip()
    if end.endswith("."):
        end = end[:-1].rstrip()
    if not end.endswith((")", "]", "»")):
        return head + tail
    return head + _CREDIT_TAIL.sub("", tail, count=1)


def word_list(text: str) -> list[str]:
    """Words of the matching form, punctuation dropped."""
    return match_words(normalize(text))


def content_hash(text: str) -> str:
    """sha256 hex of the matching form with punctuation and whitespace collapsed."""
    return hashlib.sha256(" ".join(word_list(text)).encode("utf-8")).hexdigest()


def _shingles_of(ws: list[str], size: int) -> list[str]:
    """``" ".join`` of every run of ``size`` consecutive words, cut out of one joined string.

    One slice per shingle instead of a tuple and a join (3x cheaper compiled); same strings.
    """
    if len(ws) <= size:
        return [" ".join(ws)] if ws else []
    joined = " ".join(ws)
    starts = [0] * (len(ws) + 1)  # starts[i]: offset of word i; starts[n] = len(joined) + 1
    pos = 0
    for i, w in enumerate(ws):
        starts[i] = pos
        pos += len(w) + 1
    starts[len(ws)] = pos
    return [joined[starts[i]:starts[i + size] - 1] for i in range(len(ws) - size + 1)]


def shingles(text: str, size: int = SHINGLE) -> list[str]:
    """Overlapping word n-grams of the credit-stripped matching form (the whole text when shorter)."""
    return _shingles_of(word_list(strip_credits(text)), size)


def _utf8_shingles(joined: bytes, size: int) -> list[bytes]:
    """``_shingles_of`` as UTF-8 slices of ``" ".join(words).encode()``: the same tokens to rensa (it
    hashes a str as its UTF-8 bytes, so the digest is unchanged), which spares rensa a UTF-8 cache per
    shingle (docs/decisions/minhash-library.md). The encoding serves the content hash too. Words never hold a space (they come
    from ``str.split``), and no other UTF-8 sequence holds byte 0x20.
    """
    words = joined.split(b" ")
    n = len(words)
    if n <= size:
        return [joined]
    # Two running offsets (start of the first word, end of the last), no list of boxed ints.
    start, end = 0, -1
    for k in range(size):
        end += len(words[k]) + 1
    out = [joined[start:end]]
    for i in range(n - size):
        start += len(words[i]) + 1
        end += len(words[i + size]) + 1
        out.append(joined[start:end])
    return out


def _digest_utf8(joined: bytes, num_perm: int, size: int) -> list[int]:
    mh = RMinHash(num_perm, SEED)
    mh.update(_utf8_shingles(joined, size) if joined else [b""])
    return list(mh.digest())


def _digest_words(ws: list[str], num_perm: int, size: int) -> list[int]:
    return _digest_utf8(" ".join(ws).encode("utf-8"), num_perm, size)


def _digest(text: str, num_perm: int, size: int) -> list[int]:
    return _digest_words(word_list(strip_credits(text)), num_perm, size)


def compact(digest: list[int]) -> bytes:
    """4-bit b-bit MinHash: the low nibble of each value, two per byte (64 bytes for 128 permutations)."""
    if len(digest) % 2:
        digest = [*digest, 0]
    return bytes([((a & 0xF) << 4) | (b & 0xF) for a, b in zip(digest[::2], digest[1::2], strict=True)])


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard from two compact signatures (chance agreement of 1/16 removed)."""
    if len(a) != len(b) or not a:
        raise ValueError("signatures of different lengths")
    x = int.from_bytes(a, "big") ^ int.from_bytes(b, "big")
    # Collapse each nibble to its low bit: 1 when the nibbles differ.
    x |= x >> 1
    x |= x >> 2
    x &= int("1" * (2 * len(a)), 16)
    same = (2 * len(a) - x.bit_count()) / (2 * len(a))
    return max(0.0, (same - _CHANCE) / (1.0 - _CHANCE))


def band_keys(digest: list[int], bands: int = DEFAULT_BANDS, rows: int = DEFAULT_ROWS) -> list[bytes]:
    """One 5-byte bucket key per band: band index + 4 bytes of a hash of its rows."""
    _check_bands(len(digest), bands, rows)
    return _band_keys_packed(_pack(bands * rows, digest), bands, rows)


def _check_bands(num_perm: int, bands: int, rows: int) -> None:
    if bands * rows > num_perm:
        raise ValueError(f"{bands} bands x {rows} rows need {bands * rows} permutations, have {num_perm}")


def _band_keys_packed(packed: bytes, bands: int, rows: int) -> list[bytes]:
    # One struct.pack of all the rows, then a 4*rows-byte slice per band (same bytes as to_bytes per value).
    width = 4 * rows
    blake2b = hashlib.blake2b
    return [bytes((b,)) + blake2b(packed[b * width:(b + 1) * width], digest_size=4).digest()
            for b in range(bands)]


def _pack(n: int, digest: list[int]) -> bytes:
    try:
        return struct.pack(f"<{n}I", *digest[:n])
    except struct.error as exc:  # same failure as int.to_bytes on a value outside 0..2**32-1
        raise OverflowError(str(exc)) from exc


_HIGH_NIBBLE = bytes((i & 0xF) << 4 for i in range(256))
_LOW_NIBBLE = bytes(i & 0xF for i in range(256))


def _compact_packed(packed: bytes) -> bytes:
    """``compact`` of the values packed little-endian: their low bytes, nibbles joined in C."""
    low = packed[::4]
    if len(low) % 2:
        low += b"\0"
    high, rest = low[::2].translate(_HIGH_NIBBLE), low[1::2].translate(_LOW_NIBBLE)
    return (int.from_bytes(high, "big") | int.from_bytes(rest, "big")).to_bytes(len(high), "big")


def fingerprint(text: str | CleanResult, num_perm: int = 128, bands: int = DEFAULT_BANDS, rows: int = DEFAULT_ROWS,
                size: int = SHINGLE) -> Fingerprint:
    """Exact hash, compact signature and LSH bucket keys of one article text.

    Given ``clean_article``'s result, the same as for its ``.text``, reusing the matching form and
    words cleaning already made.
    """
    norm, all_words = _matching(text)
    stripped = strip_credits(norm)
    ws = all_words if stripped == norm else match_words(stripped)
    utf8 = " ".join(all_words).encode("utf-8")
    digest = _digest_utf8(utf8 if ws is all_words else " ".join(ws).encode("utf-8"), num_perm, size)
    _check_bands(len(digest), bands, rows)
    packed = _pack(len(digest), digest)  # one pack serves the signature and the band keys
    exact = hashlib.sha256(utf8).hexdigest()
    return Fingerprint(exact, _compact_packed(packed), _band_keys_packed(packed, bands, rows))


def _matching(text: str | CleanResult) -> tuple[str, list[str]]:
    # Normalise once: credit stripping works on the matching form as well as on the display text.
    if isinstance(text, CleanResult):
        if text.matching is not None and text.words is not None:
            return text.matching, text.words
        text = text.text
    norm = normalize(text)
    return norm, match_words(norm)


def candidate_probability(jaccard: float, bands: int = DEFAULT_BANDS, rows: int = DEFAULT_ROWS) -> float:
    """Chance that two texts with this Jaccard share at least one LSH bucket (the S-curve)."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


def is_near_duplicate(a: Fingerprint, b: Fingerprint, threshold: float = 0.5) -> bool:
    """The index's decision for two texts: same exact hash, or a shared LSH bucket and similarity ≥ threshold."""
    if a.exact == b.exact:
        return True
    return bool(set(a.bands) & set(b.bands)) and similarity(a.signature, b.signature) >= threshold
