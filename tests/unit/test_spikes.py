"""Spike detector: hand-made cases, state round-trips, and a small fixed-seed evaluation."""

from __future__ import annotations

import importlib.util
import json
import math
import random
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from worker.settings import Settings
from worker.signals.spikes import (
    Decision,
    Params,
    RegionState,
    baseline_of,
    bucket_index,
    evaluate,
    fold,
    history_range,
    nb_tail,
    slow_level,
    window_range,
)

T0 = datetime(2025, 3, 1, tzinfo=UTC)
P = Params(scales=(3,), scale_min_stories=(3,))  # one 3-hour window: the state machine's mechanics
MULTI = Params()  # defaults: 3 h, 24 h and 72 h windows


def run(counts: list[int], sources: int = 5, params: Params = P, roundtrip: bool = False,
        start: int = 200) -> list[tuple[int, Decision]]:
    """Evaluate at the end of every hour from ``start`` on, as the worker does.

    The first call passes all earlier buckets as history (a region with a past); later calls pass
    the one bucket that just left the window.
    """
    w = params.span
    out = []
    state: RegionState | None = None
    for h in range(start, len(counts)):
        hist = counts[: h - w + 1] if h == start else [counts[h - w]]
        now = T0 + timedelta(hours=h, minutes=59)
        decision, state = evaluate(hist, counts[max(0, h - w + 1): h + 1], sources, state, now, params)
        if roundtrip:
            state = RegionState.from_json(json.loads(json.dumps(state.to_json())))
        if decision is not None:
            out.append((h, decision))
    return out


def test_params_from_settings_uses_every_signal_setting() -> None:
    s = Settings(alert_window_hours=4, alert_p_watch=1e-4, baseline_season_prior_days=0)
    p = Params.from_settings(s)
    assert (p.window_hours, p.p_watch, p.season_prior_days, p.min_sources) == (4, 1e-4, 0, 2)
    assert (p.scales, p.scale_min_stories, p.span) == ((3, 24, 72), (4, 5, 8), 72)
    p = Params.from_settings(Settings(alert_scales_hours="6", alert_scale_min_stories="4"))
    assert (p.scales, p.windows(), p.span) == ((6,), ((6, 4),), 6)


def test_nb_tail_exact_values() -> None:
    # Poisson(1): P(X >= 3) = 1 - e^-1 (1 + 1 + 1/2)
    assert nb_tail(3, 1.0, 1.0) == pytest.approx(1 - math.exp(-1) * 2.5, rel=1e-12)
    # NB(r=2, p=0.5): mean 2, variance 4, P(X >= 1) = 1 - 0.25
    assert nb_tail(1, 2.0, 4.0) == pytest.approx(0.75, rel=1e-12)
    # far tail stays accurate (no 1 - x cancellation): Poisson(1) P(X >= 20) ~ e^-1/20!
    assert nb_tail(20, 1.0, 1.0) == pytest.approx(math.exp(-1) / math.factorial(20) * 1.0501, rel=1e-3)
    assert nb_tail(0, 5.0, 5.0) == 1.0


def test_flat_history_gives_no_alert() -> None:
    assert run([2] * 400) == []


def test_three_stories_from_one_source_is_not_enough() -> None:
    counts = [0] * 200 + [0, 0, 3]
    assert run(counts, sources=1) == []
    alerts = run(counts, sources=2)
    assert [(h, d.severity, d.kind, d.observed) for h, d in alerts] == [(202, "watch", "new", 3)]


def test_new_region_needs_more_support() -> None:
    # No history at all: prior only (0.05/h), so 4 stories are very unlikely, but warm-up needs 5.
    d, state = evaluate([], [0, 1, 3], 3, None, T0, P)
    assert d is None
    assert state.through_bucket == bucket_index(T0) - P.window_hours  # the (empty) history was folded
    d, state = evaluate([], [2, 2, 3], 3, None, T0, P)
    assert d is not None
    # The pooled overdispersion prior (phi 2) makes a new region's tail heavy: 7 stories reach watch.
    assert (d.kind, d.severity, d.observed, d.expected) == ("new", "watch", 7, 0.15)
    assert d.window_start == T0 - timedelta(hours=2)
    assert d.window_end == T0 + timedelta(hours=1)


def test_one_episode_gives_exactly_one_alert() -> None:
    counts = [1] * 300 + [30, 30, 30, 30] + [1] * 50
    alerts = run(counts)
    assert [(h, d.kind, d.severity) for h, d in alerts] == [(300, "new", "critical")]


def test_severity_rise_gives_one_more_alert_each_step() -> None:
    counts = [1] * 300 + [5, 6, 7, 12, 30, 30] + [1] * 50
    alerts = run(counts)
    assert [(h, d.kind, d.severity, d.observed) for h, d in alerts] == [
        (301, "new", "watch", 12), (302, "escalation", "critical", 18)]
    assert alerts[1][1].p_value < 1e-8 < alerts[0][1].p_value


def test_cooldown_respected_then_new_episode_alerts_again() -> None:
    burst = [50, 50, 50]
    quiet_short = [1] * 5  # inside window + cool-down: same episode
    quiet_long = [1] * 24
    counts = [1] * 300 + burst + quiet_short + burst + quiet_long + burst + [1] * 20
    alerts = run(counts)
    second_burst = 300 + 3 + 5
    third_burst = second_burst + 3 + 24
    assert [(h, d.kind, d.severity) for h, d in alerts] == [
        (300, "new", "critical"), (third_burst, "new", "critical")]
    assert all(not (second_burst <= h < second_burst + 3) for h, _ in alerts)


def test_replay_with_json_state_is_deterministic() -> None:
    counts = [1, 0, 2, 1] * 75 + [8, 9, 12] + [1, 2, 0] * 30 + [20, 22, 25] + [1] * 40
    plain = run(counts)
    via_json = run(counts, roundtrip=True)
    assert [(h, d) for h, d in plain] == [(h, d) for h, d in via_json]
    assert [(h, d.kind, d.severity) for h, d in plain] == [
        (301, "new", "critical"), (393, "new", "critical")]


def test_re_evaluating_the_same_bucket_is_idempotent() -> None:
    history = [1] * 300
    now = T0 + timedelta(hours=303)
    d1, s1 = evaluate(history, [20, 20, 20], 4, None, now, P)
    d2, s2 = evaluate(history, [20, 20, 20], 4, s1, now, P)
    assert d1 is not None and d1.severity == "critical"
    assert d2 is None
    assert s2.to_json() == s1.to_json()
    assert s1.alerts == 1


def test_state_is_not_mutated_and_history_range_follows_state() -> None:
    now = T0 + timedelta(hours=10)
    _, s1 = evaluate([1, 1, 1], [1, 1, 1], 3, None, now, P)
    snapshot = s1.to_json()
    later = now + timedelta(hours=5)
    start, end = history_range(s1, later, P)
    assert (start, end) == (s1.through_bucket + 1, s1.through_bucket + 5)
    assert window_range(later, P) == (end + 1, end + 3)
    evaluate([1] * 5, [1, 1, 1], 3, s1, later, P)
    assert s1.to_json() == snapshot


def test_baseline_converges_to_the_rate() -> None:
    state = None
    for h in range(24 * 30):
        _, state = evaluate([4] if h >= 3 else [], [4, 4, 4], 3, state, T0 + timedelta(hours=h), P)
    assert state is not None
    assert baseline_of(state, P).rate == pytest.approx(4.0, rel=1e-3)


def _bench() -> object:
    path = Path(__file__).resolve().parents[2] / "bench" / "detector.py"
    spec = importlib.util.spec_from_file_location("bench_detector", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


def test_small_synthetic_evaluation_exact_alerts() -> None:
    bench = _bench()
    regions = bench.synth(2, 30, 7)  # type: ignore[attr-defined]
    alerts = [bench.run_rasd(r, MULTI) for r in regions]  # type: ignore[attr-defined]
    assert alerts == [
        [(159, "critical")],
        [(0, "watch"), (1, "critical"), (223, "watch")],
    ]
    score = bench.score(regions, [[h for h, _ in a] for a in alerts], 3, 6, 30)  # type: ignore[attr-defined]
    assert (score["recall_ge4x_ge3h"], score["false_alerts"], score["burn_in_alerts"]) == (1.0, 0, 2)


def test_small_sparse_evaluation_exact_alerts() -> None:
    bench = _bench()
    regions = bench.synth_sparse(2, 30, 11)  # type: ignore[attr-defined]
    assert [[(e.start, e.length, e.mult) for e in r.episodes] for r in regions] == [[(563, 48, 8)], [(282, 6, 2)]]
    alerts = [bench.run_rasd(r, MULTI, kinds=True) for r in regions]  # type: ignore[attr-defined]
    assert alerts == [[(575, "new"), (578, "escalation"), (585, "escalation")], []]


@pytest.mark.parametrize(("mean", "var"), [(0.3, 3.0), (2.0, 2.0), (5.0, 40.0), (0.05, 0.05), (12.0, 30.0)])
def test_nb_tail_closed_form_matches_the_sum_of_the_pmf(mean: float, var: float) -> None:
    """The incomplete beta/gamma forms equal 1 - sum of the pmf below k, heavy tails included."""
    if var <= mean:
        def pmf(x: int) -> float:
            return math.exp(x * math.log(mean) - mean - math.lgamma(x + 1))
    else:
        r, prob = mean * mean / (var - mean), mean / var

        def pmf(x: int) -> float:
            return math.exp(math.lgamma(x + r) - math.lgamma(r) - math.lgamma(x + 1)
                            + r * math.log(prob) + x * math.log1p(-prob))
    for k in (1, 2, 3, 5, 8, 13):
        expected = 1.0 - sum(pmf(x) for x in range(k))
        assert nb_tail(k, mean, var) == pytest.approx(expected, rel=1e-9, abs=1e-15)


def _sparse_history(days: int) -> list[int]:
    """About 0.02 stories/h: one story every 50 hours."""
    return [1 if h % 50 == 17 else 0 for h in range(days * 24)]


def test_sparse_region_with_a_burst_a_week_ago_still_alerts_on_a_day_long_surge() -> None:
    surge = [1 if h % 2 == 0 else 0 for h in range(24)]  # twelve stories over one day, against ~0.5 a day
    got = {}
    for had_burst in (True, False):
        counts = _sparse_history(30)
        if had_burst:
            week_ago = 30 * 24 - 7 * 24
            counts[week_ago:week_ago + 2] = [6, 5]  # eleven stories in two hours
        counts += surge + [0] * 6
        got[had_burst] = [(h - 30 * 24, d.kind, d.severity, d.scale, d.observed)
                          for h, d in run(counts, params=MULTI, start=24 * 20) if h >= 30 * 24]
    # The burst costs two stories of sensitivity, not the alert (an unbounded phi muted it for weeks).
    assert got == {True: [(18, "new", "watch", 24, 11)], False: [(14, "new", "watch", 24, 9)]}
    counts = _sparse_history(30)
    counts[30 * 24 - 7 * 24: 30 * 24 - 7 * 24 + 2] = [6, 5]
    _, state = evaluate(counts[:-72], counts[-72:], 3, None, T0 + timedelta(hours=30 * 24 - 1, minutes=59), MULTI)
    base = baseline_of(state, MULTI)
    assert 1.0 <= base.phi <= MULTI.phi_prior  # pooled prior, bounded: one burst cannot blow it up
    assert base.rate < 0.05


def test_multi_scale_event_gives_one_new_alert_then_escalations() -> None:
    counts = [1 if h % 6 == 0 else 0 for h in range(24 * 20)]  # ~0.17 stories/h
    counts += [2, 3, 3, 4, 4, 5, 5, 4, 3, 3, 2, 2] + [1] * 60 + [0] * 80
    alerts = run(counts, params=MULTI, start=24 * 19)
    kinds = [d.kind for _, d in alerts]
    assert kinds[0] == "new" and kinds.count("new") == 1
    assert all(k == "escalation" for k in kinds[1:])
    ranks = [("watch", "warning", "critical").index(d.severity) for _, d in alerts]
    assert ranks == sorted(set(ranks))  # each later alert is a strictly higher severity


def _ramp_hours() -> list[int]:
    """Five weeks at 2 stories a day, then three weeks rising to 12 a day (one story per busy hour)."""
    daily = [2] * 35 + [2 + round(10 * i / 20) for i in range(21)] + [12] * 7
    counts = []
    for n in daily:
        day = [0] * 24
        for i in range(n):
            day[int((i + 0.5) * 24 / n)] += 1
        counts += day
    return counts


def test_slow_burn_ramp_alerts_once_and_replays_identically_through_json() -> None:
    counts = _ramp_hours()
    plain = run(counts, params=MULTI, start=24 * 7)
    assert plain == run(counts, params=MULTI, start=24 * 7, roundtrip=True)
    assert [(h, d.kind, d.test, d.scale, d.severity, d.observed, d.expected) for h, d in plain] == [
        (45 * 24 + 1, "new", "slow_burn", 72, "watch", 19, 6.0)]
    # Without the slow-burn test the 72-hour baseline follows the ramp: nothing fires.
    assert run(counts, params=replace(MULTI, slow_days=0), start=24 * 7) == []


def test_a_state_stored_before_the_slow_burn_test_is_read_and_arms_after_a_ring_of_days() -> None:
    old = {k: v for k, v in RegionState(through_bucket=95, s=5.0, n=50.0, hours=96).to_json().items()
           if k not in ("days", "day_last", "day_first")}
    st = RegionState.from_json(old)
    assert (st.days, st.day_last, slow_level(st, MULTI)) == ([], None, None)
    for day in range(MULTI.slow_ring):
        st = fold(st, [1] * 24, 95 + 24 * (day + 1), MULTI)  # whole UTC days
        armed = slow_level(st, MULTI)
        assert (armed is not None) == (day == MULTI.slow_ring - 1)  # known from the first day folded
    assert slow_level(st, MULTI) == (24.0, 1.0)


def test_small_slow_ramp_evaluation_exact_alerts() -> None:
    bench = _bench()
    rng = random.Random(5)
    made = [bench.synth_ramp_region(rng, rate, 90, 1) for rate in (0.1, 0.5)]  # type: ignore[attr-defined]
    assert [[(r.start, r.days, r.mult) for r in ramps] for _, ramps in made] == [[(1184, 28, 3)], [(1156, 14, 3)]]
    alerts = [bench.run_rasd(region, MULTI, kinds=True) for region, _ in made]  # type: ignore[attr-defined]
    assert alerts[0] == [(1693, "new")]  # 21 days into a 28-day rise to 3x
    # The 72-hour baseline alone fires 32 hours later, on a noisy day near the top of the rise.
    assert bench.run_rasd(made[0][0], replace(MULTI, slow_days=0), kinds=True) == [(1725, "new")]  # type: ignore[attr-defined]
    score = bench.score_ramps([ramps for _, ramps in made], alerts, 90, 2)  # type: ignore[attr-defined]
    assert (score["recall_all"], score["delay_days_range"], score["false_new_alerts"]) == (1.0, [7.79, 21.21], 1)
