"""Detector evaluation on synthetic hourly story counts: recall by episode size, false alerts.

20 regions x 182 days, overdispersed (gamma-mixed Poisson = negative binomial) background with daily
seasonality, rates 0.1..20 stories/h, injected escalation episodes of 2x/3x/4x/8x (with a floor of a few
stories/h for tiny rates:
the multiplier applies to at least 1 story/h) lasting 1..12 h. Compares Rasd's detector with two anchors on the same data:
EMM-style (window count / mean of past windows >= ratio) and Huginn-style (mean + 3 sigma over 14 days).
Two more regimes: sparse (0.005-0.2 stories/h, bursty) and slow ramps (rates rising 2-4x over 2-4
weeks: recall, detection delay and false alerts, with and without the slow-burn test).
Stdlib only, fixed seeds, prints one JSON object.
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import statistics
import sys
import time
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from worker.signals.spikes import Params, RegionState, evaluate

T0 = datetime(2025, 1, 1, tzinfo=UTC)
MULTS = (2, 3, 4, 8)
LENGTHS = (1, 2, 3, 6, 12)
N_SOURCES = 8
BURN_IN_H = 72


@dataclass
class Episode:
    start: int
    length: int
    mult: int

    @property
    def end(self) -> int:
        return self.start + self.length - 1


@dataclass
class Region:
    rate: float
    counts: list[int]
    sources: list[int]  # bitmask of sources per hour
    episodes: list[Episode] = field(default_factory=list)


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 60:  # normal approximation is fine for a background this large
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def place_episodes(rng: random.Random, hours: int, n_episodes: int, lengths: tuple[int, ...],
                   mults: tuple[int, ...]) -> tuple[list[Episode], list[float]]:
    """One episode per equal slot after the burn-in (48 h clear on each side), and the hourly boost."""
    episodes: list[Episode] = []
    slot = (hours - BURN_IN_H) // n_episodes
    for i in range(n_episodes):
        length = rng.choice(lengths)
        lo = BURN_IN_H + i * slot + 48
        start = rng.randrange(lo, lo + max(1, slot - 48 - length - 48))
        episodes.append(Episode(start=start, length=length, mult=rng.choice(mults)))
    boost = [0.0] * hours
    for ep in episodes:
        for h in range(ep.start, ep.end + 1):
            boost[h] = ep.mult
    return episodes, boost


def synth_region(rng: random.Random, rate: float, hours: int, n_episodes: int, shape: float = 8.0) -> Region:
    episodes, boost = place_episodes(rng, hours, n_episodes, LENGTHS, MULTS)
    weights = [1.0 / (i + 1) for i in range(N_SOURCES)]
    counts, srcs = [], []
    for h in range(hours):
        season = 1.0 + 0.3 * math.sin(2 * math.pi * (h % 24) / 24)
        lam = rate * season * rng.gammavariate(shape, 1.0 / shape)
        if boost[h]:
            m = boost[h]
            lam = m * max(lam, 1.0)  # floor: a tiny region's 4x episode still means 4 stories/h
        c = poisson(rng, lam)
        mask = 0
        for s in rng.choices(range(N_SOURCES), weights=weights, k=c):
            mask |= 1 << s
        counts.append(c)
        srcs.append(mask)
    return Region(rate=rate, counts=counts, sources=srcs, episodes=episodes)


def synth(n_regions: int, days: int, seed: int, episodes_per_month: float = 2.0) -> list[Region]:
    rng = random.Random(seed)
    hours = days * 24
    n_ep = max(1, round(episodes_per_month * days / 30.4))
    rates = [0.1 * (200 ** (i / max(1, n_regions - 1))) for i in range(n_regions)]
    return [synth_region(rng, r, hours, n_ep) for r in rates]


SPARSE_MULTS = (2, 4, 8)
SPARSE_LENGTHS = (6, 12, 24, 48)
SPARSE_FLOOR = 0.1  # stories/h: the multiplier applies to at least this (a 4x surge is >= 0.4/h, ~10 a day)


def synth_sparse_region(rng: random.Random, rate: float, hours: int, n_episodes: int,
                        day_shape: float = 1.0, follow_up: float = 0.5) -> Region:
    """Sparse and bursty, as a small region in real news: the day's rate is gamma-mixed (shape
    ``day_shape``: some days a region is in the news, most days not), and each story brings
    Poisson(``follow_up``) follow-ups within the next 3 hours from other sources. Episodes are
    day-scale surges (6-48 h) of ``mult`` x max(rate, SPARSE_FLOOR)."""
    episodes, boost = place_episodes(rng, hours, n_episodes, SPARSE_LENGTHS, SPARSE_MULTS)
    weights = [1.0 / (i + 1) for i in range(N_SOURCES)]
    counts, srcs = [0] * hours, [0] * hours
    day_factor = 1.0
    for h in range(hours):
        if h % 24 == 0:
            day_factor = rng.gammavariate(day_shape, 1.0 / day_shape)
        lam = boost[h] * max(rate, SPARSE_FLOOR) if boost[h] else rate * day_factor
        for _ in range(poisson(rng, lam)):
            for k, when in enumerate([h] + [h + rng.randrange(0, 3) for _ in range(poisson(rng, follow_up))]):
                if when < hours:
                    counts[when] += 1
                    srcs[when] |= 1 << (rng.choices(range(N_SOURCES), weights=weights)[0] if k == 0
                                        else rng.randrange(N_SOURCES))
    return Region(rate=rate, counts=counts, sources=srcs, episodes=episodes)


def synth_sparse(n_regions: int, days: int, seed: int, episodes_per_month: float = 1.0) -> list[Region]:
    rng = random.Random(seed)
    hours = days * 24
    n_ep = max(1, round(episodes_per_month * days / 30.4))
    rates = [0.005 * (40 ** (i / max(1, n_regions - 1))) for i in range(n_regions)]  # 0.005..0.2
    return [synth_sparse_region(rng, r, hours, n_ep) for r in rates]


def score_sparse(regions: list[Region], alerts: list[list[tuple[int, str]]], days: int, grace: int = 24
                 ) -> dict[str, object]:
    """Caught: any alert in [start, end + grace]; false: a ``new`` alert outside every such span."""
    hit: dict[str, list[int]] = {}
    false = burn = 0
    for region, al in zip(regions, alerts, strict=True):
        for ep in region.episodes:
            key = f"{ep.mult}x_{ep.length}h"
            hit.setdefault(key, []).append(int(any(ep.start <= h <= ep.end + grace for h, _ in al)))
        for h, kind in al:
            if h < BURN_IN_H:
                burn += 1
            elif kind == "new" and not any(ep.start <= h <= ep.end + grace for ep in region.episodes):
                false += 1
    region_months = len(regions) * (days - BURN_IN_H / 24) / 30.4
    big = [x for k, v in hit.items() for x in v if int(k.split("x")[0]) >= 4 and int(k.split("_")[1][:-1]) >= 12]
    return {
        "recall": {k: round(sum(v) / len(v), 3) for k, v in sorted(hit.items())},
        "recall_ge4x_ge12h": round(sum(big) / len(big), 3) if big else None,
        "false_new_alerts": false, "false_per_region_month": round(false / region_months, 3),
        "burn_in_alerts": burn, "alerts": sum(len(a) for a in alerts),
    }


RAMP_MULTS = (2, 3, 4)
RAMP_DAYS = (14, 21, 28)
RAMP_HOLD_DAYS = 7


@dataclass
class Ramp:
    start: int  # hour the rise begins
    days: int  # days the rise lasts (then it holds RAMP_HOLD_DAYS at the top, then falls back)
    mult: int

    @property
    def top(self) -> int:
        return self.start + self.days * 24

    @property
    def end(self) -> int:
        return self.top + RAMP_HOLD_DAYS * 24 - 1


def synth_ramp_region(rng: random.Random, rate: float, days: int, n_ramps: int, day_shape: float = 4.0) -> tuple[Region, list[Ramp]]:
    """A region whose news rises slowly: the rate climbs linearly to ``mult`` x over 2-4 weeks, holds a
    week, and falls back; days are gamma-mixed (shape ``day_shape``) and hours follow the daily season.
    One ramp per equal slot, starting 40-50 days into it, so the long-memory baseline is known first."""
    hours = days * 24
    slot = days // n_ramps
    ramps = []
    for i in range(n_ramps):
        ramps.append(Ramp(start=(i * slot + 40 + rng.randrange(0, 10)) * 24 + rng.randrange(24),
                          days=rng.choice(RAMP_DAYS), mult=rng.choice(RAMP_MULTS)))
    weights = [1.0 / (i + 1) for i in range(N_SOURCES)]
    counts, srcs = [], []
    day_factor = 1.0
    for h in range(hours):
        if h % 24 == 0:
            day_factor = rng.gammavariate(day_shape, 1.0 / day_shape)
        boost = 1.0
        for r in ramps:
            if r.start <= h < r.top:
                boost = 1.0 + (r.mult - 1) * (h - r.start) / (r.top - r.start)
            elif r.top <= h <= r.end:
                boost = float(r.mult)
        season = 1.0 + 0.3 * math.sin(2 * math.pi * (h % 24) / 24)
        c = poisson(rng, rate * boost * season * day_factor)
        mask = 0
        for s in rng.choices(range(N_SOURCES), weights=weights, k=c):
            mask |= 1 << s
        counts.append(c)
        srcs.append(mask)
    return Region(rate=rate, counts=counts, sources=srcs), ramps


def score_ramps(ramps: list[list[Ramp]], alerts: list[list[tuple[int, str]]], days: int, n_regions: int,
                grace: int = 72) -> dict[str, object]:
    """Caught: any alert in [start, end]; delay: days from the start of the rise to the first one;
    false: a ``new`` alert outside every [start, end + grace] (the 72-hour window still holds it)."""
    hit: dict[str, list[int]] = {}
    delays: list[float] = []
    false = burn = 0
    for rs, al in zip(ramps, alerts, strict=True):
        for r in rs:
            inside = [h for h, _ in al if r.start <= h <= r.end]
            hit.setdefault(f"{r.mult}x_{r.days}d", []).append(int(bool(inside)))
            if inside:
                delays.append((inside[0] - r.start) / 24)
        for h, kind in al:
            if h < 30 * 24:
                burn += 1
            elif kind == "new" and not any(r.start <= h <= r.end + grace for r in rs):
                false += 1
    region_months = n_regions * (days - 30) / 30.4
    every = [x for v in hit.values() for x in v]
    big = [x for k, v in hit.items() for x in v if int(k.split("x")[0]) >= 3]
    return {
        "recall": {k: round(sum(v) / len(v), 3) for k, v in sorted(hit.items())},
        "recall_all": round(sum(every) / len(every), 3), "recall_ge3x": round(sum(big) / len(big), 3) if big else None,
        "delay_days_median": round(statistics.median(delays), 2) if delays else None,
        "delay_days_range": [round(min(delays), 2), round(max(delays), 2)] if delays else None,
        "false_new_alerts": false, "false_per_region_month": round(false / region_months, 3),
        "burn_in_alerts": burn, "alerts": sum(len(a) for a in alerts),
    }


def evaluate_ramps(n_regions: int = 20, days: int = 182, seed: int = 20250103,
                   params: Params | None = None) -> dict[str, object]:
    """The slow-ramp regime: Rasd with and without its slow-burn test, and the daily rules."""
    p = params or Params()
    rng = random.Random(seed)
    rates = [0.05 * (40 ** (i / max(1, n_regions - 1))) for i in range(n_regions)]  # 0.05..2 stories/h
    made = [synth_ramp_region(rng, r, days, 2) for r in rates]
    regions, ramps = [m[0] for m in made], [m[1] for m in made]
    t = time.perf_counter()
    rasd = [run_rasd(r, p, kinds=True) for r in regions]
    rasd_s = time.perf_counter() - t
    no_slow = [run_rasd(r, replace(p, slow_days=0), kinds=True) for r in regions]
    slow_alerts = sum(1 for al in rasd for h, k in al if k == "new") - sum(1 for al in no_slow for h, k in al if k == "new")
    return {
        "rasd": {**score_ramps(ramps, rasd, days, n_regions), "seconds": round(rasd_s, 2),
                 "new_alerts_vs_without_slow_burn": slow_alerts},
        "rasd_without_slow_burn": score_ramps(ramps, no_slow, days, n_regions),
        "emm_daily": score_ramps(ramps, [daily_rule(r, "emm") for r in regions], days, n_regions),
        "huginn_daily": score_ramps(ramps, [daily_rule(r, "huginn") for r in regions], days, n_regions),
    }


def daily_rule(region: Region, rule: str) -> list[tuple[int, str]]:
    """The plain daily rules of bench/alerts_real.py on the same hours (checked at each day's end)."""
    days = [sum(region.counts[d * 24:(d + 1) * 24]) for d in range(len(region.counts) // 24)]
    out = []
    for d, today in enumerate(days):
        if rule == "emm":
            prev = days[max(0, d - 7):d]
            fire = len(prev) == 7 and today >= 5 and today >= 3 * sum(prev) / 7
        else:
            prev = days[max(0, d - 14):d]
            m = sum(prev) / len(prev) if prev else 0.0
            sd = math.sqrt(sum((x - m) ** 2 for x in prev) / len(prev)) if prev else 0.0
            fire = len(prev) == 14 and today >= 3 and today > m + 3 * sd
        if fire:
            out.append((d * 24 + 23, "new"))
    return out


def run_rasd(region: Region, params: Params, kinds: bool = False) -> list[tuple[int, str]]:
    """Alerts as (bucket, severity) — or (bucket, kind) — when evaluating at the end of every hour."""
    w = params.span
    state: RegionState | None = None
    out = []
    for h in range(len(region.counts)):
        hist = [region.counts[h - w]] if h - w >= 0 else []
        win = region.counts[max(0, h - w + 1): h + 1]
        srcs = []
        for hours, _ in params.windows():
            mask = 0
            for m in region.sources[max(0, h - hours + 1): h + 1]:
                mask |= m
            srcs.append(mask.bit_count())
        now = T0 + timedelta(hours=h, minutes=59)
        decision, state = evaluate(hist, win, srcs, state, now, params)
        if decision is not None:
            out.append((h, decision.kind if kinds else decision.severity))
    return out


def run_emm(region: Region, w: int, ratio: float, min_stories: int, spacing: int, days: int = 14) -> list[int]:
    """EMM-style: window count vs the mean of all past window counts over ``days``."""
    past: deque[int] = deque(maxlen=days * 24)
    out, last = [], -10**9
    for h in range(len(region.counts)):
        c = sum(region.counts[max(0, h - w + 1): h + 1])
        if len(past) >= 24:
            avg = sum(past) / len(past)
            if c >= min_stories and c >= ratio * max(avg, 1e-9) and h - last > spacing:
                out.append(h)
                last = h
        past.append(c)
    return out


def run_huginn(region: Region, w: int, k: float, spacing: int, days: int = 14) -> list[int]:
    """Huginn-style peak detector: window count > mean + k*sigma of past window counts."""
    past: deque[int] = deque(maxlen=days * 24)
    out, last = [], -10**9
    for h in range(len(region.counts)):
        c = sum(region.counts[max(0, h - w + 1): h + 1])
        if len(past) >= 24:
            n = len(past)
            mean = sum(past) / n
            sd = math.sqrt(sum((x - mean) ** 2 for x in past) / n)
            if c > mean + k * sd and h - last > spacing:
                out.append(h)
                last = h
        past.append(c)
    return out


def score(regions: list[Region], alerts: list[list[int]], w: int, cooldown: int, days: int) -> dict[str, object]:
    hit: dict[str, list[int]] = {}
    false = burn = 0
    for region, al in zip(regions, alerts, strict=True):
        for ep in region.episodes:
            detected = any(ep.start <= a <= ep.end + w - 1 for a in al)
            key = f"{ep.mult}x_{'ge3h' if ep.length >= 3 else 'lt3h'}"
            hit.setdefault(key, []).append(int(detected))
        for a in al:
            if a < BURN_IN_H:
                burn += 1
                continue
            if not any(ep.start <= a <= ep.end + w - 1 + cooldown for ep in region.episodes):
                false += 1
    region_months = len(regions) * (days - BURN_IN_H / 24) / 30.4
    recall = {k: round(sum(v) / len(v), 3) for k, v in sorted(hit.items())}
    counts = {k: len(v) for k, v in sorted(hit.items())}
    big = [x for k, v in hit.items() for x in v if int(k.split("x")[0]) >= 4 and k.endswith("ge3h")]
    return {
        "recall": recall,
        "episodes": counts,
        "recall_ge4x_ge3h": round(sum(big) / len(big), 3) if big else None,
        "false_alerts": false,
        "false_per_region_month": round(false / region_months, 3),
        "burn_in_alerts": burn,
        "alerts": sum(len(a) for a in alerts),
    }


def evaluate_all(n_regions: int = 20, days: int = 182, seed: int = 20250101, params: Params | None = None) -> dict[str, object]:
    p = params or Params()
    regions = synth(n_regions, days, seed)
    cooldown = round(p.cooldown_hours)
    t = time.perf_counter()
    rasd = [run_rasd(r, p) for r in regions]
    rasd_s = time.perf_counter() - t
    severities: dict[str, int] = {}
    for al in rasd:
        for _, sev in al:
            severities[sev] = severities.get(sev, 0) + 1
    emm = [run_emm(r, p.window_hours, 3.0, p.min_stories, cooldown) for r in regions]
    hug = [run_huginn(r, p.window_hours, 3.0, cooldown) for r in regions]
    return {
        "rasd": {**score(regions, [[h for h, _ in a] for a in rasd], p.window_hours, cooldown, days),
                 "severities": severities, "seconds": round(rasd_s, 2)},
        "emm_ratio3": score(regions, emm, p.window_hours, cooldown, days),
        "huginn_3sigma_14d": score(regions, hug, p.window_hours, cooldown, days),
    }


def evaluate_sparse(n_regions: int = 20, days: int = 182, seed: int = 20250102,
                    params: Params | None = None) -> dict[str, object]:
    p = params or Params()
    regions = synth_sparse(n_regions, days, seed)
    t = time.perf_counter()
    rasd = [run_rasd(r, p, kinds=True) for r in regions]
    rasd_s = time.perf_counter() - t
    return {
        "rasd": {**score_sparse(regions, rasd, days), "seconds": round(rasd_s, 2)},
        "emm_daily": score_sparse(regions, [daily_rule(r, "emm") for r in regions], days),
        "huginn_daily": score_sparse(regions, [daily_rule(r, "huginn") for r in regions], days),
    }


def main() -> None:
    t = time.perf_counter()
    result = {
        "benchmark": "detector",
        "data": {"regions": 20, "days": 182, "seed": 20250101, "background": "NB(shape 8) x daily season ±30%",
                 "rates_per_hour": [0.1, 20.0], "multipliers": list(MULTS), "lengths_h": list(LENGTHS),
                 "burn_in_hours": BURN_IN_H},
        **evaluate_all(),
        "sparse": {"data": {"regions": 20, "days": 182, "seed": 20250102, "rates_per_hour": [0.005, 0.2],
                            "background": "Poisson x daily gamma(shape 1) + Poisson(0.5) follow-ups within 3 h",
                            "multipliers": list(SPARSE_MULTS), "lengths_h": list(SPARSE_LENGTHS),
                            "floor_per_hour": SPARSE_FLOOR, "episodes_per_month": 1.0},
                   **evaluate_sparse()},
        "slow_ramp": {"data": {"regions": 20, "days": 182, "seed": 20250103, "rates_per_hour": [0.05, 2.0],
                               "background": "Poisson x daily season ±30% x daily gamma(shape 4)",
                               "multipliers": list(RAMP_MULTS), "ramp_days": list(RAMP_DAYS),
                               "hold_days": RAMP_HOLD_DAYS, "ramps_per_region": 2},
                      **evaluate_ramps()},
        "targets": {"recall_ge4x_ge3h": 0.95, "false_per_region_month_max": 0.5},
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
    }
    result["total_seconds"] = round(time.perf_counter() - t, 2)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
