"""A region's timeline: observed stories per bucket beside the detector's expected value and band.

Pure. The baseline is the detector's own (:mod:`worker.signals.spikes`): hourly counts are folded
from ``warmup`` buckets before the first shown, and each bucket's expectation is read *before* it is
folded in, as the detector would have seen it at the bucket's start. Per hour the expected count is
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


def series(counts: Mapping[int, int], first: int, last: int, p: Params, *, per: int = 1,
           warmup: int = 720) -> list[Point]:
    """Points of ``per``-hour buckets (1: hourly, 24: daily) covering hours ``first..last``;
    ``first`` and ``last + 1`` must be multiples of ``per``. A bucket's expectation is the baseline as
    it stood at the bucket's start (summed over its hours, each with its daily-profile factor)."""
    st = fold(RegionState(), [counts.get(b, 0) for b in range(first - warmup, first)], first - 1, p)
    out: list[Point] = []
    for start in range(first, last + 1, per):
        base = baseline_of(st, p)
        factors = season_factors(st, p)
        mean = var = 0.0
        for h in range(start, start + per):
            f = factors[slot_of(h, p)]
            mean += base.rate * f
            var += f * base.phi * base.rate + f * f * base.a / (base.b * base.b)
        hours = [counts.get(h, 0) for h in range(start, start + per)]
        sd = math.sqrt(var)
        out.append(Point(start // per, sum(hours), round(mean, 4), round(max(0.0, mean - 2 * sd), 4),
                         round(mean + 2 * sd, 4)))
        st = fold(st, hours, start + per - 1, p)
    return out
