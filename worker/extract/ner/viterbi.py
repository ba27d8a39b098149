"""Viterbi decoding of a linear-chain CRF over precomputed label scores (pure; compiled with mypyc).

Plain loops over floats: with the nine BIO labels a 300-token article is ~25,000 additions, which
compiled code does in tens of microseconds where numpy's per-call overhead costs a millisecond.
With exactly nine labels (the shipped model's) a token's scores travel as a fixed tuple of nine
floats, which mypyc keeps unboxed: no list look-up or float object per addition
(docs/ner.md, "Cost"). Both paths add and compare in the same order, so they give the same labels.
"""

from __future__ import annotations

Nine = tuple[float, float, float, float, float, float, float, float, float]


def viterbi(scores: list[list[float]], trans: list[list[float]], starts: list[int]) -> list[int]:
    """Best label index per token. ``scores[i][y]``: token i's state score for label y;
    ``trans[p][y]``: transition p → y; ``starts``: first token of each sentence (decoded apart,
    no transition into a sentence's first token, as CRFsuite)."""
    n_tok = len(scores)
    out: list[int] = [0] * n_tok
    bounds = [*starts, n_tok]
    nine = len(trans) == 9
    for k in range(len(starts)):
        a = bounds[k]
        b = bounds[k + 1]
        if a < b:
            if nine:
                _sentence9(scores, trans, a, b, out)
            else:
                _sentence(scores, trans, a, b, out)
    return out


def _sentence(scores: list[list[float]], trans: list[list[float]], a: int, b: int, out: list[int]) -> None:
    n = len(trans)
    prev = list(scores[a])
    back: list[list[int]] = []
    for i in range(a + 1, b):
        row = scores[i]
        cur = [0.0] * n
        bp = [0] * n
        for y in range(n):
            best = prev[0] + trans[0][y]
            arg = 0
            for p in range(1, n):
                v = prev[p] + trans[p][y]
                if v > best:
                    best = v
                    arg = p
            cur[y] = best + row[y]
            bp[y] = arg
        back.append(bp)
        prev = cur
    y = 0
    for j in range(1, n):
        if prev[j] > prev[y]:
            y = j
    out[b - 1] = y
    for i in range(b - 1, a, -1):
        y = back[i - a - 1][y]
        out[i - 1] = y


def _nine(r: list[float]) -> Nine:
    return (r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])


def _column(trans: list[list[float]], y: int) -> Nine:
    return (trans[0][y], trans[1][y], trans[2][y], trans[3][y], trans[4][y], trans[5][y], trans[6][y],
            trans[7][y], trans[8][y])


def _best(p: Nine, t: Nine) -> tuple[float, int]:
    """max over p of p[k] + t[k] and its first arg max (as :func:`_sentence`'s inner loop)."""
    best = p[0] + t[0]
    arg = 0
    v = p[1] + t[1]
    if v > best:
        best, arg = v, 1
    v = p[2] + t[2]
    if v > best:
        best, arg = v, 2
    v = p[3] + t[3]
    if v > best:
        best, arg = v, 3
    v = p[4] + t[4]
    if v > best:
        best, arg = v, 4
    v = p[5] + t[5]
    if v > best:
        best, arg = v, 5
    v = p[6] + t[6]
    if v > best:
        best, arg = v, 6
    v = p[7] + t[7]
    if v > best:
        best, arg = v, 7
    v = p[8] + t[8]
    if v > best:
        best, arg = v, 8
    return best, arg


def _sentence9(scores: list[list[float]], trans: list[list[float]], a: int, b: int, out: list[int]) -> None:
    """:func:`_sentence` for nine labels, the transitions into each label held as one unboxed tuple."""
    c0, c1, c2 = _column(trans, 0), _column(trans, 1), _column(trans, 2)
    c3, c4, c5 = _column(trans, 3), _column(trans, 4), _column(trans, 5)
    c6, c7, c8 = _column(trans, 6), _column(trans, 7), _column(trans, 8)
    prev = _nine(scores[a])
    back: list[tuple[int, int, int, int, int, int, int, int, int]] = []
    for i in range(a + 1, b):
        r = scores[i]
        s0, b0 = _best(prev, c0)
        s1, b1 = _best(prev, c1)
        s2, b2 = _best(prev, c2)
        s3, b3 = _best(prev, c3)
        s4, b4 = _best(prev, c4)
        s5, b5 = _best(prev, c5)
        s6, b6 = _best(prev, c6)
        s7, b7 = _best(prev, c7)
        s8, b8 = _best(prev, c8)
        back.append((b0, b1, b2, b3, b4, b5, b6, b7, b8))
        prev = (s0 + r[0], s1 + r[1], s2 + r[2], s3 + r[3], s4 + r[4], s5 + r[5], s6 + r[6], s7 + r[7],
                s8 + r[8])
    y = 0
    best = prev[0]
    for j, v in enumerate(prev):
        if v > best:
            best, y = v, j
    out[b - 1] = y
    for i in range(b - 1, a, -1):
        y = back[i - a - 1][y]
        out[i - 1] = y
