"""A region's timeline: observed stories per bucket beside the detector's expected value and band.

Pure. The baseline is the detector's own (:mod:`worker.signals.spikes`): hourly counts are folded
bucket by bucket from ``warmup`` buckets before the first shown, and each bucket's expectation is
read *before* it is folded in, as the detector would have seen it. Per hour the expected count is
``rate * f`` (``f`` the bucket's daily-profile factor) with variance ``f*phi*rate + f**2*a/b**2``; a
day adds its 24 hours. The band is expected ± 2 standard deviations (floored at 0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from worker.signals.spikes import Params, RegionState, baseline_of, fold, season_factors, slot_of


@dataclass(frozen=True)
class Point:
    bucket: int  # index in the requested scale (hours or days since the epoch)
    observed: int
    expected: float
    low: float
    high: float


def hourly_expectations(counts: Mapping[int, int], first: int, last: int, p: Params,
                        warmup: int = 720) -> dict[int, tuple[float, float]]:
    """Bucket → (expected, variance) for hours ``first..last`` (inclusive)."""
    st = RegionState()
    start = first - warmup
    out: dict[int, tuple[float, float]] = {}
    for b in range(start, last + 1):
        if b >= first:
            base = baseline_of(st, p)
            f = season_factors(st, p)[slot_of(b, p)]
            out[b] = (base.rate * f, f * base.phi * base.rate + f * f * base.a / (base.b * base.b))
        st = fold(st, [counts.get(b, 0)], b, p)
    return out


def series(counts: Mapping[int, int], first: int, last: int, p: Params, *, per: int = 1,
           warmup: int = 720) -> list[Point]:
    """Points of ``per``-hour buckets (1: hourly, 24: daily) covering hours ``first..last``;
    ``first`` and ``last + 1`` must be multiples of ``per``."""
    exp = hourly_expectations(counts, first, last, p, warmup)
    out: list[Point] = []
    for start in range(first, last + 1, per):
        hours = range(start, start + per)
        observed = sum(counts.get(h, 0) for h in hours)
        mean = sum(exp[h][0] for h in hours)
        sd = math.sqrt(sum(exp[h][1] for h in hours))
        out.append(Point(start // per, observed, round(mean, 4), round(max(0.0, mean - 2 * sd), 4),
                         round(mean + 2 * sd, 4)))
    return out
