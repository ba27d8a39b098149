"""Per-region spike detector: Gamma-Poisson baseline, negative-binomial tail test, episode state machine.

Pure and deterministic: inputs are hourly story counts by event time, the output depends only on
them and on the JSON-serialisable :class:`RegionState`, so replaying history gives the same alerts.

Model (see docs/alerting.md for a worked example):

* Daily profile. Per slot of the day (24 for hourly buckets) an EWMA of counts (half-life
  ``season_halflife_days``) gives a factor ``f`` relative to the day's mean, shrunk toward 1 by
  ``season_prior_days`` pseudo-days.
* Baseline. With decay ``d = 0.5 ** (1 / H)`` (``H = halflife_hours``) each folded bucket updates
  ``S = d*S + x`` (stories) and ``N = d*N + f`` (exposure). A Gamma prior with mean ``prior_rate``
  worth ``prior_weight`` hours (itself fading with a half-life of ``min(H, prior_weight)`` hours of
  history, so it rules a new region and never biases an established one) gives the posterior
  ``level ~ Gamma(a = prior_rate*w0 + S, b = w0 + N)``. Counts are winsorised at
  ``mean + winsor_sigmas*sd + 1`` once warmed up, so an episode barely moves the baseline.
* Overdispersion. ``phi`` = EWMA of squared Pearson residuals ``(x - mu)**2 / mu`` (1 for Poisson),
  shrunk toward 1 with ``prior_weight`` pseudo-hours, never below 1.
* Test. The window sum ``X`` over the last ``W`` buckets is compared with a negative binomial whose
  mean is ``F*a/b`` (``F`` = sum of the window's profile factors, ~W) and whose variance is
  ``F*phi*a/b + F**2*a/b**2`` (noise + level uncertainty);
  ``p = P(X >= observed)``.
* Support. ``observed >= min_stories`` from ``>= min_sources`` sources and ``observed/expected >=
  min_ratio``; a region with under ``warmup_hours`` of data needs ``new_region_min_stories``.
* Severity. watch/warning/critical when ``p`` is below the threshold AND the volume is at least the
  level's minimum.
* Episodes. The first qualifying window opens an episode and alerts. While it is open, only a rise
  in severity alerts again. It stays open while ``p <= p_close`` (hysteresis, looser than watch) and
  closes once ``cooldown_hours`` pass without that.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

SEVERITIES = ("watch", "warning", "critical")
_RANK = {s: i + 1 for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Params:
    """Detector thresholds; build from settings with :meth:`from_settings`."""

    bucket_seconds: int = 3600
    halflife_hours: float = 72.0
    prior_rate: float = 0.05
    prior_weight_hours: float = 24.0
    window_hours: int = 3
    min_stories: int = 3
    min_sources: int = 2
    p_watch: float = 1e-3
    p_warning: float = 1e-5
    p_critical: float = 1e-8
    cooldown_hours: float = 6.0
    p_close: float = 1e-2
    min_ratio: float = 2.0
    volume_warning: int = 5
    volume_critical: int = 8
    warmup_hours: float = 24.0
    new_region_min_stories: int = 5
    winsor_sigmas: float = 5.0
    season_halflife_days: float = 14.0
    season_prior_days: float = 7.0
    season_prior_stories: float = 5.0
    scales: tuple[int, ...] = (3, 24, 72)
    scale_min_stories: tuple[int, ...] = (4, 5, 8)
    phi_prior: float = 3.0
    phi_prior_stories: float = 10.0
    phi_max: float = 4.0
    slow_days: int = 21  # days of the slow-burn baseline (0 disables the slow-burn test)
    slow_lag_days: int = 7  # days between that baseline and the window, so a ramp does not feed it
    slow_window_hours: int = 72
    slow_min_stories: int = 15
    slow_min_baseline_stories: float = 10.0
    slow_p: float = 1e-4
    slow_min_ratio: float = 2.0

    @property
    def slow_ring(self) -> int:
        """Daily totals kept in the state: baseline days, lag days and the day being folded."""
        return self.slow_days + self.slow_lag_days + 1 if self.slow_days > 0 else 0

    @property
    def span(self) -> int:
        """Buckets of the longest window: the baseline is folded up to just before it."""
        return max(self.scales) if self.scales else self.window_hours

    def windows(self) -> tuple[tuple[int, int], ...]:
        """(hours, fewest stories) per scale; the scale list defaults to ``window_hours`` alone."""
        if not self.scales:
            return ((self.window_hours, self.min_stories),)
        mins = self.scale_min_stories or (self.min_stories,)
        return tuple((w, max(self.min_stories, mins[min(i, len(mins) - 1)])) for i, w in enumerate(self.scales))

    @classmethod
    def from_settings(cls, s: Any) -> Params:
        """Map the ``Settings`` fields (section "signals and alerts") onto detector parameters."""
        return cls(
            bucket_seconds=s.bucket_seconds,
            halflife_hours=s.baseline_halflife_hours,
            prior_rate=s.baseline_prior_rate,
            prior_weight_hours=s.baseline_prior_weight_hours,
            window_hours=s.alert_window_hours,
            min_stories=s.alert_min_stories,
            min_sources=s.alert_min_sources,
            p_watch=s.alert_p_watch,
            p_warning=s.alert_p_warning,
            p_critical=s.alert_p_critical,
            cooldown_hours=s.alert_cooldown_hours,
            p_close=s.alert_p_close,
            min_ratio=s.alert_min_ratio,
            volume_warning=s.alert_volume_warning,
            volume_critical=s.alert_volume_critical,
            warmup_hours=s.alert_warmup_hours,
            new_region_min_stories=s.alert_new_region_min_stories,
            winsor_sigmas=s.baseline_winsor_sigmas,
            season_halflife_days=s.baseline_season_halflife_days,
            season_prior_days=s.baseline_season_prior_days,
            season_prior_stories=s.baseline_season_prior_stories,
            scales=_ints(s.alert_scales_hours) or (s.alert_window_hours,),
            scale_min_stories=_ints(s.alert_scale_min_stories),
            phi_prior=s.baseline_phi_prior,
            phi_prior_stories=s.baseline_phi_prior_stories,
            phi_max=s.baseline_phi_max,
            slow_days=s.alert_slow_baseline_days,
            slow_lag_days=s.alert_slow_lag_days,
            slow_window_hours=s.alert_slow_window_hours,
            slow_min_stories=s.alert_slow_min_stories,
            slow_min_baseline_stories=s.alert_slow_min_baseline_stories,
            slow_p=s.alert_slow_p,
            slow_min_ratio=s.alert_slow_min_ratio,
        )


def _ints(text: str) -> tuple[int, ...]:
    """``"3,24,72"`` → (3, 24, 72)."""
    return tuple(int(x) for x in str(text).replace(" ", "").split(",") if x)


@dataclass
class RegionState:
    """Everything the detector remembers about a region; store ``to_json()`` in a DB row."""

    through_bucket: int | None = None  # last bucket folded into the baseline
    s: float = 0.0  # EWMA-weighted story count
    n: float = 0.0  # EWMA-weighted hours
    q: float = 0.0  # EWMA of squared deviations (x - mu)^2 (overdispersion), after warm-up
    qn: float = 0.0  # EWMA of the expected counts mu over the same hours
    hours: int = 0  # buckets folded so far (the prior's weight decays with it)
    season_s: list[float] = field(default_factory=list)  # per slot of the day: EWMA story counts
    season_n: list[float] = field(default_factory=list)  # per slot of the day: EWMA days
    season_f: list[float] = field(default_factory=list)  # the profile, refreshed once a day by fold
    days: list[float] = field(default_factory=list)  # (winsorised) daily totals, oldest first, for the slow-burn test
    day_last: int | None = None  # UTC day number of ``days[-1]`` (the day of ``through_bucket``)
    day_first: int | None = None  # UTC day number of the first story folded: ``days`` is known from then
    slow_m: float = -1.0  # the slow-burn level (stories a day) as of ``day_last``; -1 while not armed
    slow_phi: float = 1.0  # its day-level overdispersion
    episode_open: bool = False
    episode_severity: str | None = None  # highest severity alerted in the open episode
    episode_started: int | None = None  # bucket index
    last_active_bucket: int | None = None  # last bucket whose window still met p_close
    last_alert_bucket: int | None = None
    last_alert_severity: str | None = None
    alerts: int = 0

    def to_json(self) -> dict[str, Any]:
        # Not ``asdict``: it deep-copies every float of the daily profile, and the live path saves
        # each region's state after every batch.
        out = {f: getattr(self, f) for f in self.__dataclass_fields__}
        out["season_s"], out["season_n"] = list(self.season_s), list(self.season_n)
        out["season_f"], out["days"] = list(self.season_f), list(self.days)
        return out

    def copy(self) -> RegionState:
        return replace(self, season_s=list(self.season_s), season_n=list(self.season_n),
                       season_f=list(self.season_f), days=list(self.days))

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> RegionState:
        if not data:
            return cls()
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Decision:
    """An alert to raise: ``kind`` is "new" (episode opened) or "escalation" (severity rose)."""

    kind: str
    severity: str
    p_value: float
    score: float  # -log10(p), capped at 300
    observed: int
    expected: float
    ratio: float
    sources: int
    window_start: datetime
    window_end: datetime
    bucket: int
    scale: int = 3  # hours of the window that fired
    test: str = "window"  # "window": against the 72-hour baseline; "slow_burn": against the lagged daily level


@dataclass(frozen=True)
class Baseline:
    rate: float  # posterior mean stories/hour
    a: float
    b: float
    phi: float  # overdispersion (Var/mean of hourly counts), >= 1
    data_hours: float  # EWMA-weighted hours of data behind the baseline


@dataclass(frozen=True)
class WindowTest:
    observed: int
    expected: float
    p_value: float
    severity: str | None  # severity the p-value and volume reach (support checked separately)
    supported: bool
    baseline: Baseline = field(repr=False)


def bucket_index(ts: datetime, bucket_seconds: int = 3600) -> int:
    """Bucket number of an aware datetime (event time)."""
    return math.floor(ts.timestamp() / bucket_seconds)


def bucket_start(index: int, bucket_seconds: int = 3600) -> datetime:
    return datetime.fromtimestamp(index * bucket_seconds, tz=UTC)


def baseline_of(state: RegionState, p: Params) -> Baseline:
    """Posterior of the region's level (stories per baseline hour) and its overdispersion."""
    prior_w = p.prior_weight_hours * 0.5 ** (state.hours / min(p.halflife_hours, p.prior_weight_hours))
    a = p.prior_rate * prior_w + state.s
    b = prior_w + state.n
    # Moment estimator sum (x - mu)^2 / sum mu, with a pooled prior worth phi_prior_stories expected
    # stories: a sparse region (little expected count) keeps the prior, a busy one its own data.
    phi = (state.q + p.phi_prior * p.phi_prior_stories) / (state.qn + p.phi_prior_stories)
    phi = min(p.phi_max, max(1.0, phi))
    return Baseline(rate=a / b, a=a, b=b, phi=phi, data_hours=state.n)


def _slots(p: Params) -> int:
    """Buckets per day for the daily profile (1 = no profile when buckets do not divide a day)."""
    return 86400 // p.bucket_seconds if 86400 % p.bucket_seconds == 0 and p.season_prior_days > 0 else 1


def season_factors(state: RegionState, p: Params) -> list[float]:
    """Daily profile: each slot's rate relative to the day's mean, shrunk toward 1, mean 1."""
    k = _slots(p)
    if k == 1 or len(state.season_s) != k:
        return [1.0] * k
    tot_s, tot_n = sum(state.season_s), sum(state.season_n)
    if tot_s <= 0 or tot_n <= 0:
        return [1.0] * k
    m = tot_s / tot_n
    # Pseudo-days, but never fewer than season_prior_stories pseudo-stories per slot: a sparse
    # region's profile stays flat until its counts can support one.
    prior = max(p.season_prior_days, p.season_prior_stories / m)
    raw = [(ss + prior * m) / ((sn + prior) * m)
           for ss, sn in zip(state.season_s, state.season_n, strict=True)]
    mean = sum(raw) / k
    return [f / mean for f in raw]


def profile(state: RegionState, p: Params) -> list[float]:
    """The daily profile in use: :func:`season_factors` as of the last day boundary folded."""
    k = _slots(p)
    return state.season_f if len(state.season_f) == k else [1.0] * k


def slot_of(bucket: int, p: Params) -> int:
    k = _slots(p)
    return bucket % k if k > 1 else 0


def fold(state: RegionState, counts: Sequence[int], through: int, p: Params) -> RegionState:
    """Fold hourly ``counts`` (the last one is bucket ``through``) into the baseline, idempotently.

    Buckets at or before ``state.through_bucket`` are skipped; buckets missing between the state and
    the first count only decay the sums (no information), so a stale state drifts back to the prior.
    Counts are deseasonalised by the daily profile before they enter the level and variance sums.
    """
    if state.through_bucket is not None and through <= state.through_bucket:
        return state
    d = 0.5 ** (1.0 / p.halflife_hours)
    d_day = 0.5 ** (1.0 / p.season_halflife_days)
    k = _slots(p)
    first = through - len(counts) + 1
    st = state.copy()
    if len(st.season_s) != k:
        st.season_s, st.season_n = [0.0] * k, [0.0] * k
    if st.through_bucket is not None and first > st.through_bucket + 1:
        gap = first - st.through_bucket - 1
        decay = d**gap
        st.s, st.n, st.q, st.qn = st.s * decay, st.n * decay, st.q * decay, st.qn * decay
        st.hours += gap
    start = 0 if st.through_bucket is None else max(0, st.through_bucket + 1 - first)
    factors = profile(st, p)
    # baseline_of, inlined: this loop runs once per region-hour of history
    fade = min(p.halflife_hours, p.prior_weight_hours)
    phi_w = p.phi_prior * p.phi_prior_stories
    ring = p.slow_ring
    if ring and len(st.days) != ring:  # a state from before the slow-burn test: its days start empty
        st.days, st.day_last, st.day_first = [0.0] * ring, None, None
    days = st.days
    bs = p.bucket_seconds
    acc = 0.0  # stories of the day being folded, not yet in ``days[-1]``
    day_was = st.day_last
    n_counts = len(counts)
    i = start
    while i < n_counts:
        # One UTC day at a time: the profile refresh and the daily totals happen at day starts only.
        bucket = first + i
        day = bucket * bs // 86400
        end = min(n_counts, -(-(day + 1) * 86400 // bs) - first) if (k > 1 or ring) else n_counts
        if k > 1 and bucket % k == 0:  # refreshed once a day: the same whatever the chunking of the calls
            factors = st.season_f = season_factors(st, p)
        if ring and day != st.day_last:
            _flush_day(st, acc)
            acc = 0.0
            if st.day_last is not None:  # older totals shift out (a gap of days leaves zeros)
                shift = min(ring, day - st.day_last)
                del days[:shift]
                days.extend([0.0] * shift)
            st.day_last = day
        for j in range(i, end):  # the day's buckets
            slot = (first + j) % k
            f = factors[slot]
            prior_w = p.prior_weight_hours * 0.5 ** (st.hours / fade)
            a = p.prior_rate * prior_w + st.s
            b = prior_w + st.n
            phi = min(p.phi_max, max(1.0, (st.q + phi_w) / (st.qn + p.phi_prior_stories)))
            mu = a / b * f
            warm = st.n >= p.warmup_hours
            sd = math.sqrt(phi * mu + f * f * a / (b * b))
            xc = min(float(counts[j]), mu + p.winsor_sigmas * sd + 1.0) if warm else float(counts[j])
            if warm:  # squared deviations over expected counts: one story on a tiny mean adds ~1 to
                # q against mu to qn, so a burst cannot inflate the variance for weeks
                st.q = d * st.q + (xc - mu) ** 2
                st.qn = d * st.qn + mu
            # ratio estimator: stories over exposure (sum of profile factors) stays unbiased under shrinkage
            st.s, st.n, st.hours = d * st.s + xc, d * st.n + f, st.hours + 1
            st.season_s[slot] = d_day * st.season_s[slot] + xc
            st.season_n[slot] = d_day * st.season_n[slot] + 1.0
            acc += xc
        i = end
    if ring:
        _flush_day(st, acc)
        if st.day_last != day_was:  # the level's days only move when a day begins: once a day, not per call
            st.slow_m, st.slow_phi = _slow_level(st, p) or (-1.0, 1.0)
    st.through_bucket = through
    return st


def _flush_day(st: RegionState, stories: float) -> None:
    """Add the stories folded for ``st.day_last`` to its total; its first day with any starts the history."""
    if stories > 0:
        st.days[-1] += stories
        if st.day_first is None:
            st.day_first = st.day_last


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny, qab, qap, qam = 1e-300, a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def gammainc_lower(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x) (series below a + 1, continued fraction above)."""
    if x <= 0.0:
        return 0.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        ap = a
        for _ in range(1000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return math.exp(log_front) * total
    tiny = 1e-300
    b = x + 1.0 - a
    c, d = 1.0 / tiny, 1.0 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = b + an / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return 1.0 - math.exp(log_front) * h


def nb_tail(k: int, mean: float, var: float) -> float:
    """P(X >= k) for a negative binomial with the given mean and variance (Poisson when var <= mean).

    Closed forms, so the cost does not grow with k or with a heavy tail: Poisson
    P(X >= k) = P(k, mean) (lower incomplete gamma); NB(r, p) P(X >= k) = I_{1-p}(k, r).
    """
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if var <= mean * (1 + 1e-9):
        return min(1.0, max(0.0, gammainc_lower(float(k), mean)))
    r = mean * mean / (var - mean)
    prob = mean / var  # success probability
    return min(1.0, max(0.0, betainc(float(k), r, 1.0 - prob)))


def scaled_poisson_tail(k: int, mean: float, var: float) -> float:
    """P(X >= k) for X = phi * Poisson(mean / phi), phi = var / mean >= 1: the quasi-Poisson count
    (stories arriving in clusters of about phi). A negative binomial with the same variance grows a
    heavy tail as the mean shrinks (shape mean/(phi-1) -> 0), which muted every sparse region."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    phi = max(1.0, var / mean)
    # Poisson P(Y >= y) = P(y, mean) (regularised lower incomplete gamma), continued to real y = k/phi
    return min(1.0, max(0.0, gammainc_lower(k / phi, mean / phi)))


def score_window(observed: int, sources: int, base: Baseline, p: Params, weight: float | None = None,
                 min_stories: int | None = None, tests: int = 1) -> WindowTest:
    """Tail probability of the window sum under the baseline, and the severity it would reach.

    ``weight`` is the window's length in baseline hours (the sum of the daily-profile factors of
    its buckets); without a profile it is ``window_hours``. ``tests``: windows tested at once; the
    p-value is Bonferroni-adjusted for them.
    """
    w = float(p.window_hours) if weight is None else weight
    mean = w * base.rate
    var = w * base.phi * base.rate + w * w * base.a / (base.b * base.b)
    floor = p.min_stories if min_stories is None else min_stories
    least = floor if base.data_hours >= p.warmup_hours else max(floor, p.new_region_min_stories)
    ratio = observed / mean if mean > 0 else math.inf
    supported = observed >= least and sources >= p.min_sources and ratio >= p.min_ratio
    # An unsupported window can neither alert nor keep an episode active: skip the tail probability.
    pv = min(1.0, tests * scaled_poisson_tail(observed, mean, var)) if observed > mean and supported else 1.0
    severity: str | None = None
    if pv <= p.p_critical and observed >= max(least, p.volume_critical):
        severity = "critical"
    elif pv <= p.p_warning and observed >= max(least, p.volume_warning):
        severity = "warning"
    elif pv <= p.p_watch:
        severity = "watch"
    return WindowTest(observed=observed, expected=mean, p_value=pv, severity=severity, supported=supported,
                      baseline=base)


def evaluate(
    history: Sequence[int],
    window_counts: Sequence[int],
    sources: int | Sequence[int],
    state: RegionState | None,
    now: datetime,
    params: Params,
) -> tuple[Decision | None, RegionState]:
    """One evaluation of a region at event time ``now`` (any instant inside the current bucket).

    ``window_counts``: counts of the last ``params.span`` buckets ending with ``now``'s bucket (the
    longest window; shorter windows are its tail). ``history``: counts of the buckets before it, the
    last one being the bucket just before the window; only those newer than ``state.through_bucket``
    are used (see :func:`history_range`). ``sources``: distinct sources among each window's stories
    (one number per scale, or one for all). Every scale is tested against the same baseline with a
    Bonferroni correction; the one reaching the highest severity (then the smallest p) decides.
    Calling again for the same bucket (e.g. after each new story) is safe: the baseline is folded
    once, and only a severity rise within an open episode produces another decision.
    """
    p = params
    st = state if state is not None else RegionState()
    cur = bucket_index(now, p.bucket_seconds)
    span = p.span
    folded = fold(st, history, cur - span, p)
    st = folded.copy() if folded is st else folded  # never mutate the caller's state
    factors = profile(st, p)
    base = baseline_of(st, p)
    scales = p.windows()
    best: tuple[int, int, WindowTest] | None = None
    active = False
    sums: dict[int, int] = {}
    for i, (hours, least) in enumerate(scales):
        observed = sums[hours] = int(sum(window_counts[-hours:])) if len(window_counts) else 0
        if observed < least and best is not None:
            continue  # cannot be supported: no tail probability needed
        n_src = sources if isinstance(sources, int) else (sources[i] if i < len(sources) else 0)
        weight = _weight(factors, cur, hours, p)
        t = score_window(observed, n_src, base, p, weight, least, len(scales))
        active = active or (t.p_value <= p.p_close and t.supported)
        if best is None or _better(t, best[2]):
            best = (i, hours, t)
    assert best is not None
    chosen, hours, t = best
    test = "window"
    slow = None
    fast_fires = t.supported and t.severity is not None
    # The slow-burn result matters only to keep an open episode active or to alert where no window
    # fires; skip its tail probability where it can change neither (busy regions' open episodes).
    needed = (st.episode_open and not active) or (not fast_fires and not (
        st.episode_open and active and not _closes(st, cur, True, p)))
    if needed and p.slow_ring and st.slow_m >= 0:
        w = min(p.slow_window_hours, len(window_counts))
        observed = sums[w] if w in sums else int(sum(window_counts[-w:]))
        if observed >= p.slow_min_stories:
            at = _scale_index(scales, w)
            slow = slow_burn(st, observed, w, sources if isinstance(sources, int) else sources[at], p)
    if slow is not None:
        active = active or (slow.p_value <= p.p_close and slow.supported)
        if slow.supported and slow.severity is not None and not fast_fires:
            # Only where no window of the 72-hour baseline reaches a severity: the slow-burn test
            # catches what that baseline has absorbed, it does not relabel a surge.
            t, hours, test = slow, p.slow_window_hours, "slow_burn"
            chosen = _scale_index(scales, hours)

    if _closes(st, cur, active, p):
        st.episode_open = False
        st.episode_severity = None
        st.episode_started = None
    if st.episode_open and active:
        st.last_active_bucket = max(cur, st.last_active_bucket or cur)

    if t.severity is None or not t.supported:
        return None, st
    if st.episode_open and _RANK[t.severity] <= _RANK.get(st.episode_severity or "", 0):
        return None, st
    kind = "escalation" if st.episode_open else "new"
    if not st.episode_open:
        st.episode_open = True
        st.episode_started = cur
    st.episode_severity = t.severity
    st.last_active_bucket = max(cur, st.last_active_bucket or cur)
    st.last_alert_bucket = cur
    st.last_alert_severity = t.severity
    st.alerts += 1
    win_start = bucket_start(cur - hours + 1, p.bucket_seconds)
    decision = Decision(
        kind=kind,
        severity=t.severity,
        p_value=t.p_value,
        score=round(min(300.0, -math.log10(max(t.p_value, 1e-300))), 3),
        observed=t.observed,
        expected=round(t.expected, 4),
        ratio=round(t.observed / t.expected, 3) if t.expected > 0 else math.inf,
        sources=sources if isinstance(sources, int) else sources[chosen],
        window_start=win_start,
        window_end=win_start + timedelta(seconds=hours * p.bucket_seconds),
        bucket=cur,
        scale=hours,
        test=test,
    )
    return decision, st


def _closes(st: RegionState, cur: int, active: bool, p: Params) -> bool:
    """Whether the open episode closes at bucket ``cur`` (quiet for the cool-down, warm-up over)."""
    if not st.episode_open or st.last_active_bucket is None:
        return False
    quiet = cur - st.last_active_bucket - (1 if active else 0)
    warmed_up = st.n >= p.warmup_hours  # a new region's first episode lasts its warm-up
    # Quiet for the longest window too: its window still holds the event, so it is the same one.
    cooldown = max(p.cooldown_hours * 3600, p.span * p.bucket_seconds)
    return warmed_up and quiet * p.bucket_seconds >= cooldown


def _scale_index(scales: tuple[tuple[int, int], ...], hours: int) -> int:
    """Index of the scale whose window is ``hours`` long (its sources serve the slow-burn test)."""
    for i, (w, _) in enumerate(scales):
        if w == hours:
            return i
    return len(scales) - 1


def slow_level(st: RegionState, p: Params) -> tuple[float, float] | None:
    """Daily level and overdispersion of the slow-burn baseline (as folded), None while not armed."""
    return (st.slow_m, st.slow_phi) if p.slow_ring and st.slow_m >= 0 else None


def _slow_level(st: RegionState, p: Params) -> tuple[float, float] | None:
    """The ``slow_days`` days ending ``slow_lag_days`` before the last day folded: their mean and
    overdispersion; None while they hold under ``slow_min_baseline_stories`` or predate the region."""
    if not p.slow_ring or len(st.days) != p.slow_ring or st.day_last is None or st.day_first is None:
        return None
    if st.day_last - st.day_first < p.slow_ring - 1:  # the baseline days predate the region's first story
        return None
    base = st.days[:p.slow_days]
    total = sum(base)
    if total < p.slow_min_baseline_stories:
        return None
    m = total / p.slow_days
    q = max(0.0, sum(map(operator.mul, base, base)) - total * m)  # sum of (x - m)^2
    # Daily counts are overdispersed (news comes in runs of days): the same pooled, bounded moment
    # estimator as the hourly phi, so one busy day in the baseline cannot mute the test.
    phi = min(p.phi_max, max(1.0, (q + p.phi_prior * p.phi_prior_stories) / (total + p.phi_prior_stories)))
    return m, phi


def slow_burn(st: RegionState, observed: int, hours: int, sources: int, p: Params) -> WindowTest | None:
    """``observed`` stories from ``sources`` sources in the last ``hours`` buckets against the
    region's lagged long-memory daily level (:func:`slow_level`); None when it is not armed.

    A weeks-long ramp moves the 72-hour baseline along with it, so no window is surprising against
    that; against the level of three weeks ending a week earlier it is. Severity is at most watch:
    a slow rise is the start of an episode, and later surges escalate it.
    """
    level = slow_level(st, p)
    if level is None or observed < p.slow_min_stories:
        return None
    m, phi = level
    days = hours * p.bucket_seconds / 86400
    mean = m * days
    var = mean * phi + days * days * m * phi / p.slow_days  # count noise + uncertainty of the level
    ratio = observed / mean
    supported = sources >= p.min_sources and ratio >= p.slow_min_ratio
    pv = scaled_poisson_tail(observed, mean, var) if supported else 1.0
    base = Baseline(rate=m * p.bucket_seconds / 86400, a=m, b=1.0, phi=phi, data_hours=float(p.slow_days * 24))
    return WindowTest(observed=observed, expected=mean, p_value=pv,
                      severity="watch" if pv <= p.slow_p else None, supported=supported, baseline=base)


def _weight(factors: list[float], cur: int, hours: int, p: Params) -> float:
    """Sum of the profile factors of the ``hours`` buckets ending at ``cur`` (whole days sum to k)."""
    k = len(factors)
    days, rest = divmod(hours, k)
    return days * sum(factors) + sum(factors[slot_of(b, p)] for b in range(cur - rest + 1, cur + 1))


def _better(t: WindowTest, than: WindowTest) -> bool:
    """A supported window beats an unsupported one, then higher severity, then smaller p."""
    rank = (t.supported, _RANK.get(t.severity or "", 0) if t.supported else 0, -t.p_value)
    other = (than.supported, _RANK.get(than.severity or "", 0) if than.supported else 0, -than.p_value)
    return rank > other


def history_range(state: RegionState | None, now: datetime, params: Params, max_hours: int = 720) -> tuple[int, int]:
    """Inclusive bucket range the caller should read for ``history`` (may be empty: start > end)."""
    cur = bucket_index(now, params.bucket_seconds)
    end = cur - params.span
    start = end - max_hours + 1
    if state is not None and state.through_bucket is not None:
        start = max(start, state.through_bucket + 1)
    return start, end


def window_range(now: datetime, params: Params) -> tuple[int, int]:
    """Inclusive bucket range of the longest alert window ending with ``now``'s bucket."""
    cur = bucket_index(now, params.bucket_seconds)
    return cur - params.span + 1, cur
