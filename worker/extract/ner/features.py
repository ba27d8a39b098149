"""Tokens and per-word features of the entity tagger (pure).

Every feature describes ONE word seen at ONE offset (-2..+2) from the token being tagged; there
are no conjunctions across words. That is what lets ``worker.extract.ner.tagger`` score a token
as the sum of five cached per-word vectors instead of asking the CRF library per token, and it is
why training (``worker.extract.ner.train``) and tagging share :func:`word_features` exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from worker.text.normalize import normalize

# A word keeps its tashkeel/tatweel (not \w in Python's re); any other non-space symbol is a token.
TOKEN_RE = re.compile(r"[\w\u064b-\u065f\u0670\u0640\u200c\u200d]+|[^\w\s]")
MAX_FEATURE_CHARS = 40  # a 10,000-character "word" is described by its first 40 characters
OFFSETS = (-2, -1, 0, 1, 2)
_ARABIC = re.compile(r"[\u0621-\u064a]")
_LATIN = re.compile(r"[a-z]")
_DIGIT = re.compile(r"[0-9]")


def tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, token) for every word and punctuation mark of ``text``."""
    for m in TOKEN_RE.finditer(text):
        yield m.start(), m.end(), m.group()


def strip_clitics(w: str) -> str:
    """Matching-form word without و/ف, ب/ل/ك and ال (للجيش → جيش); short words unchanged."""
    if len(w) > 3 and w[0] in "وف":
        w = w[1:]
    if w.startswith("لل") and len(w) > 4:
        return w[2:]
    if len(w) > 3 and w[0] in "بلك":
        w = w[1:]
    if w.startswith("ال") and len(w) > 4:
        w = w[2:]
    return w


def shape(w: str) -> str:
    """Coarse character classes: a(rabic) l(atin) d(igit) p(unct), in order of first sight."""
    out = ""
    if _ARABIC.search(w):
        out += "a"
    if _LATIN.search(w):
        out += "l"
    if _DIGIT.search(w):
        out += "d"
    return out or "p"


@dataclass(frozen=True)
class Resources:
    """Word clusters and list memberships (matching-form words) that features consult."""

    clusters: dict[str, tuple[str, ...]]  # word → cluster ids, coarse to fine
    lists: dict[str, tuple[str, ...]]  # word → list flags (LOC, LOCW, PER, ORG, TITLE, CUE …)


def _describe(raw: str, res: Resources) -> tuple[str, str, str, tuple[str, ...] | None, tuple[str, ...]]:
    """A word's matching form, clitic-stripped form, shape, clusters and list flags."""
    w = normalize(raw[:MAX_FEATURE_CHARS])
    st = strip_clitics(w)
    cl = res.clusters.get(w) or res.clusters.get(st)
    flags = res.lists.get(w, ()) + tuple("s" + f for f in res.lists.get(st, ()) if st != w)
    return w, st, shape(w), cl, flags


def _own(w: str, st: str, sh: str, cl: tuple[str, ...] | None, flags: tuple[str, ...]) -> list[str]:
    own = [f"w={w}", f"st={st}", f"sh={sh}", f"len={min(len(w), 8)}"]
    own.extend(f"p{n}={w[:n]}" for n in (1, 2, 3, 4) if len(w) > n)
    own.extend(f"s{n}={w[-n:]}" for n in (1, 2, 3, 4) if len(w) > n)
    if st != w:
        own.extend((f"stp2={st[:2]}", f"sts2={st[-2:]}"))
    if cl is not None:
        own.extend(f"c{i}={c}" for i, c in enumerate(cl))
    else:
        own.append("c=?")
    own.extend(f"g={f}" for f in flags)
    return own


def own_features(raw: str, res: Resources) -> list[str]:
    """The word's features at its own offset (``word_features(raw, res)[2]``): the tagger derives the
    other offsets' from them, so a new word's row needs only these."""
    return _own(*_describe(raw, res))


def add_own_ids(raw: str, res: Resources, index: dict[str, int], out: list[int]) -> str:
    """Append to ``out`` the ``index`` entries of the word's own features that have one, in order; the
    word's matching form back. Compiled, this is the tagger's per-new-word look-up loop."""
    feats = own_features(raw, res)
    for f in feats:
        j = index.get(f)
        if j is not None:
            out.append(j)
    return feats[0][2:]


def word_features(raw: str, res: Resources) -> tuple[list[str], ...]:
    """Features of one word at each of the five offsets (index 0 = offset -2 … index 4 = +2)."""
    w, st, sh, cl, flags = _describe(raw, res)
    own = _own(w, st, sh, cl, flags)
    near = [f"w={w}", f"st={st}", f"sh={sh}"]
    far = [f"w={w}"]
    if cl is not None:
        near.extend(f"c{i}={c}" for i, c in enumerate(cl))
        far.append(f"c0={cl[0]}")
    else:
        near.append("c=?")
    near.extend(f"g={f}" for f in flags)
    return (
        [f"-2{f}" for f in far],
        [f"-1{f}" for f in near],
        own,
        [f"+1{f}" for f in near],
        [f"+2{f}" for f in far],
    )


BOS = "<s>"
EOS = "</s>"


def edge_features(edge: str) -> tuple[list[str], ...]:
    """Features of the padding beyond a sentence's ends (the same shape as :func:`word_features`)."""
    return ([f"-2{edge}"], [f"-1{edge}"], [], [f"+1{edge}"], [f"+2{edge}"])


def sequence_features(words: list[str], feats: Callable[[str], tuple[list[str], ...]]) -> list[list[str]]:
    """CRF attribute lists of a sentence (training and ``bench/ner.py``; the tagger sums cached scores)."""
    pad_l = edge_features(BOS)
    pad_r = edge_features(EOS)
    per = [pad_l, pad_l] + [feats(w) for w in words] + [pad_r, pad_r]
    out: list[list[str]] = []
    for i in range(len(words)):
        row = ["bias"]
        for k in range(5):
            row.extend(per[i + k][k])
        out.append(row)
    return out


@lru_cache(maxsize=1)
def default_resources() -> Resources:
    """The shipped clusters and our own gazetteer/actor/title lists."""
    from worker.extract.ner.resources import build_resources

    return build_resources()
