"""The replay sweep skips hours that cannot alert; it must decide exactly as an hour-by-hour sweep."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from worker.services.alerting import HISTORY_HOURS, sweep
from worker.signals.spikes import Decision, Params, RegionState, evaluate


def every_hour(counts: dict[int, int], sources_at: Callable[[int, int], int], first: int, last: int,
               params: Params) -> tuple[list[Decision], RegionState]:
    st, decisions, span = RegionState(), [], params.span
    for cur in range(first, last + 1):
        at = datetime.fromtimestamp((cur + 1) * params.bucket_seconds - 1, tz=UTC)
        h_start = cur - span - HISTORY_HOURS + 1
        if st.through_bucket is not None:
            h_start = max(h_start, st.through_bucket + 1)
        history = [counts.get(b, 0) for b in range(h_start, cur - span + 1)]
        window = [counts.get(b, 0) for b in range(cur - span + 1, cur + 1)]
        srcs = [sources_at(cur - w + 1, cur) for w, _ in params.windows()]
        decision, st = evaluate(history, window, srcs, st, at, params)
        if decision:
            decisions.append(decision)
    return decisions, st


@pytest.mark.parametrize(("seed", "rate"), [(0, 3.0), (1, 0.3), (2, 0.05), (4, 0.3), (5, 1.0)])
def test_skipping_sweep_equals_hour_by_hour(seed: int, rate: float) -> None:
    rng = random.Random(seed)
    counts: dict[int, int] = {}
    for b in range(500_000, 502_000):
        lam = rate * (8 if rng.random() < 0.01 else 1)  # occasional 8x bursts
        n = sum(1 for _ in range(20) if rng.random() < lam / 20)
        if n:
            counts[b] = n
    for b in (501_500, 501_501, 501_502):  # one unmistakable episode, so there is a decision to compare
        counts[b] = counts.get(b, 0) + 8
    params = Params()
    expected, state = every_hour(counts, lambda a, b: 3, 500_100, 501_999, params)
    got = sweep(counts, lambda a, b: 3, RegionState(), 500_100, 501_999, params)
    assert [(d.bucket, d.severity, d.observed) for d in got.decisions] == \
        [(d.bucket, d.severity, d.observed) for d in expected]
    assert got.state.to_json() == state.to_json()
    assert len(expected) >= 1
