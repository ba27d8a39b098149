"""The slow-burn test on real Valkey: a weeks-long ramp, which the 72-hour baseline follows, alerts
once (and says so in ``scale``); a flat busy region and a sparse region with a small burst do not
fire it. Stories are counted as the pipeline counts them and regions swept as a replay sweeps them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from worker.resources import Resources
from worker.services.alerting import counters_of, evaluate_and_alert, evaluate_region, signal_generation
from worker.signals.spikes import Params, RegionState, bucket_index, slow_level
from worker.store.tables import alerts, region_state

pytestmark = [pytest.mark.integration]
START = datetime(2026, 9, 1, tzinfo=UTC)
REGION = "SY:district:Afrin"


def count_days(res: Resources, daily: list[int]) -> None:
    """Day ``d`` gets ``daily[d]`` stories spread evenly over its hours, from four sources in turn."""
    entries = [([REGION], str(10_000 * d + i), f"src{(d + i) % 4}",
                START + timedelta(days=d, hours=int((i + 0.5) * 24 / n)))
               for d, n in enumerate(daily) for i in range(n)]
    counters_of(res).add_stories(entries)


def sweep_days(res: Resources, first_day: int, days: int) -> tuple[list[dict[str, object]], RegionState]:
    """Sweep the region hour by hour from ``first_day`` to the end of ``days``, as a replay does."""
    last = START + timedelta(days=days) - timedelta(seconds=1)
    evaluate_region(res, REGION, bucket_index(START + timedelta(days=first_day)), bucket_index(last), last)
    with res.engine.connect() as conn:
        payloads = [r.payload for r in conn.execute(sa.select(alerts).order_by(alerts.c.window_end))]
        state = conn.execute(sa.select(region_state.c.state).where(region_state.c.region_key == REGION)).scalar_one()
    return payloads, RegionState.from_json(state)


def test_a_weeks_long_ramp_alerts_once_through_the_slow_burn_test(res: Resources) -> None:
    # Five weeks of 2 stories a day, then three weeks rising to 12 a day, then a week at 12.
    ramp = [2] * 35 + [2 + round(10 * i / 20) for i in range(21)] + [12] * 7
    count_days(res, ramp)
    payloads, state = sweep_days(res, 7, len(ramp))
    assert [(p["kind"], p["scale"], p["scale_hours"], p["severity"], p["observed"], p["expected"]) for p in payloads] == [
        ("new", "slow_burn", 72, "watch", 19, 6.0)]
    assert payloads[0]["window"] == {"start": "2026-10-13T02:00:00Z", "end": "2026-10-16T02:00:00Z"}
    assert state.episode_open  # the ramp is still one open episode: no second alert while it lasts
    # Re-sweeping the same days stores nothing more.
    again, _ = sweep_days(res, 7, len(ramp))
    assert again == payloads


def test_a_flat_busy_region_never_fires(res: Resources) -> None:
    count_days(res, [10] * 45)
    payloads, state = sweep_days(res, 7, 45)
    assert payloads == []
    # The slow-burn test was armed (a month of known history) and saw 10 a day: it had its chance.
    assert slow_level(state, Params()) == (10.0, 1.0)


def test_a_sparse_region_with_three_stories_in_a_day_does_not_fire_the_slow_burn_test(res: Resources) -> None:
    daily = [1 if d % 10 == 0 else 0 for d in range(60)] + [3]  # 0.1 a day, then 3 in one day
    count_days(res, daily)
    payloads, state = sweep_days(res, 7, len(daily))
    assert payloads == []
    # Two stories in the level's three weeks: under its floor of 10, the region is not slow-burn tested.
    assert (sum(state.days[:21]), slow_level(state, Params())) == (2.0, None)


def test_live_evaluation_after_each_hour_of_stories_gives_the_replay_s_slow_burn_alert(res: Resources) -> None:
    """Live, each hour's stories are counted and the region evaluated at that hour (wall clock =
    event time here); the slow-burn alert is the one a sweep of the same counts stores."""
    ramp = [2] * 35 + [2 + round(10 * i / 20) for i in range(21)] + [12] * 7
    entries = [([REGION], str(10_000 * d + i), f"src{(d + i) % 4}",
                START + timedelta(days=d, hours=int((i + 0.5) * 24 / n), minutes=30))
               for d, n in enumerate(ramp) for i in range(n)]
    counters = counters_of(res)
    by_hour: dict[int, list[tuple[list[str], str, str, datetime]]] = {}
    for e in entries:
        by_hour.setdefault(bucket_index(e[3]), []).append(e)
    for hour in sorted(by_hour):
        counters.add_stories(by_hour[hour])
        evaluate_and_alert(res, [REGION], by_hour[hour][-1][3], signal_generation(res))
    with res.engine.connect() as conn:
        live = [r.payload for r in conn.execute(sa.select(alerts).order_by(alerts.c.window_end))]
        conn.execute(sa.delete(alerts))
        conn.execute(sa.delete(region_state))
        conn.commit()
    replayed, _ = sweep_days(res, 0, len(ramp))
    assert [(p["id"], p["scale"], p["observed"]) for p in live] == [(p["id"], p["scale"], p["observed"]) for p in replayed]
    assert [p["scale"] for p in live] == ["slow_burn"]
