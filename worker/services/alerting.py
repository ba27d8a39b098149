"""Spike evaluation per region (event time) and webhook delivery with retries kept in the database.

Evaluation reads story counts from the signal counters, runs the pure detector
(worker.signals.spikes) and stores an alert whose id is derived from (region, window, severity),
so a re-run, a second worker or a replay of the same input never produces a second copy.
Deliveries are rows claimed by a short periodic task; the retry schedule lives in
``deliveries.next_attempt_at``, never in broker ETAs.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from worker import metrics
from worker.alerts import delivery as policy
from worker.alerts.levels import carried_below, enclosing_regions, inside, rank
from worker.alerts.payload import StoryRef, build_alert
from worker.alerts.signing import sign_headers
from worker.alerts.tolls import alert_tolls, story_toll
from worker.keys import ALERT_STREAM, region_lock
from worker.logging import get_logger
from worker.models import Region
from worker.models import region_key as stored_region_key
from worker.resources import Resources
from worker.services.regions import district_parents
from worker.signals import locks
from worker.signals.counters import SignalCounters
from worker.signals.spikes import Decision, Params, RegionState, bucket_index, evaluate
from worker.states import DeliveryState
from worker.store import alerts_repo
from worker.store.alerts_repo import DueDelivery
from worker.store.filters import one_of
from worker.store.tables import stories

log = get_logger(__name__)
HISTORY_HOURS = 720


def params_of(res: Resources) -> Params:
    return Params.from_settings(res.settings)


def counters_of(res: Resources) -> SignalCounters:
    return SignalCounters.from_settings(res.redis, res.settings)


@dataclass
class SweepResult:
    decisions: list[Decision] = field(default_factory=list)
    state: RegionState = field(default_factory=RegionState)


def busy_steps(counts: dict[int, int], first: int, last: int, params: Params) -> list[int]:
    """Buckets in ``first..last`` where some scale's window holds its fewest stories (so could alert)."""
    if not counts:
        return []
    scales = params.windows()
    lo = max(first - params.span, min(counts))
    hi = min(last, max(counts) + params.span)
    if hi < lo:
        return []
    prefix = [0]
    for b in range(lo, hi + 1):
        prefix.append(prefix[-1] + counts.get(b, 0))
    out = []
    for b in range(max(first, lo), hi + 1):
        i = b - lo + 1
        if any(prefix[i] - prefix[max(0, i - w)] >= least for w, least in scales):
            out.append(b)
    return out


def sweep(counts: dict[int, int], sources_at: Any, state: RegionState, first: int, last: int,
          params: Params, busy: list[int] | None = None) -> SweepResult:
    """Evaluate a region bucket by bucket from ``first`` to ``last`` (inclusive), in event time.

    ``counts`` maps bucket → unique stories; ``sources_at(w0, w1)`` gives distinct sources of a
    window and is only called when the window could qualify, so long replays stay cheap.
    ``busy``: :func:`busy_steps` of the same arguments, when the caller has it already.
    """
    out = SweepResult(state=state)
    span = params.span
    scales = params.windows()
    # Only buckets where some window could qualify can alert or keep an episode active; in the
    # others the detector just folds the baseline, which the next evaluation does anyway (bucket by
    # bucket), so they are skipped — the same decisions and final state, at a fraction of the cost.
    # ``last`` is always evaluated so the state is folded to the end of the range.
    steps = list(busy) if busy is not None else busy_steps(counts, first, last, params)
    if not steps or steps[-1] != last:
        steps.append(last)
    # A step at least every HISTORY_HOURS/2 buckets, so each fold sees every skipped bucket.
    filled: list[int] = [first] if steps[0] != first else []
    prev = first
    for b in steps:
        filled.extend(range(prev + HISTORY_HOURS // 2, b, HISTORY_HOURS // 2))
        filled.append(b)
        prev = b
    for cur in filled:
        at = datetime.fromtimestamp((cur + 1) * params.bucket_seconds - 1, tz=UTC)
        st = out.state
        h_end = cur - span
        h_start = h_end - HISTORY_HOURS + 1
        if st.through_bucket is not None:
            h_start = max(h_start, st.through_bucket + 1)
        history = [counts.get(b, 0) for b in range(h_start, h_end + 1)]
        window = [counts.get(b, 0) for b in range(cur - span + 1, cur + 1)]
        srcs = [sources_at(cur - w + 1, cur) if sum(window[span - w:]) >= least else 0 for w, least in scales]
        decision, out.state = evaluate(history, window, srcs, st, at, params)
        if decision is not None:
            out.decisions.append(decision)
    return out


REGION_LOCK_SECONDS = 120  # a region's evaluation lock expires after this, so a dead holder frees it


def evaluate_region(res: Resources, region_key: str, first: int, last: int, now: datetime,
                    generation: int | None = None) -> list[str]:
    """Sweep one region over buckets ``first..last``; store and publish the alerts it raises.

    Waits for the region's lock (another worker may be evaluating it). ``generation``: see
    :func:`evaluate_held`.
    """
    with res.redis.lock(region_lock(region_key), timeout=REGION_LOCK_SECONDS, blocking_timeout=60):
        return evaluate_held(res, {region_key: first}, last, now, generation)


def evaluate_and_alert(res: Resources, region_keys: Iterable[str], now: datetime,
                       generation: int | None = None) -> int:
    """Live path: evaluate each region at the current bucket (after new stories were counted).

    A batch touches about ten regions, evaluated together (:func:`evaluate_many`): one at a time
    this was two transactions and eight round trips each.
    """
    cur = bucket_index(now, res.settings.bucket_seconds)
    return len(evaluate_many(res, dict.fromkeys(region_keys, cur), cur, now, generation))


def evaluate_many(res: Resources, firsts: dict[str, int], last: int, now: datetime,
                  generation: int | None = None) -> list[str]:
    """Sweep each region of ``firsts`` from its first bucket to ``last``, taking their locks.

    The regions whose locks are free are evaluated together (one round trip or query per step for
    all of them); one that another worker is evaluating is then waited for alone: that evaluation
    may have read the counts before the caller's stories were counted.
    """
    keys = sorted(firsts)
    held = locks.try_acquire(res.redis, [region_lock(k) for k in keys], REGION_LOCK_SECONDS)
    try:
        created = evaluate_held(res, {k: firsts[k] for k in keys if region_lock(k) in held}, last, now, generation)
    finally:
        locks.release(res.redis, held)
    for key in keys:
        if region_lock(key) not in held:
            created += evaluate_region(res, key, firsts[key], last, now, generation)
    return created


def evaluate_held(res: Resources, firsts: dict[str, int], last: int, now: datetime,
                  generation: int | None = None) -> list[str]:
    """Sweep each region of ``firsts`` from its first bucket to ``last``; the caller holds their locks.

    ``generation`` (live path): the signal generation after the caller's stories were counted. A
    region whose last evaluation read the counts at or past it has already seen those stories, so it
    is skipped: when evaluation falls behind a burst of batches, the queued requests collapse into
    one evaluation instead of repeating the same one per batch.
    """
    params = params_of(res)
    counters = counters_of(res)
    # The generation is read before any count, so everything counted before it is seen.
    seen, evaluated = counters.generations(sorted(firsts))
    keys = [k for k in sorted(firsts) if generation is None or evaluated[k] < generation]
    if not keys:
        return []
    with res.engine.connect() as conn:
        stored = alerts_repo.get_region_states(conn, keys)
    states = {k: RegionState.from_json(stored.get(k)) for k in keys}
    starts: dict[str, int] = {}
    ranges: dict[str, tuple[int, int]] = {}
    for k, state in states.items():
        first, lo = firsts[k], firsts[k] - HISTORY_HOURS - params.span
        if state.through_bucket is not None:
            # Buckets already folded into the baseline are not evaluated again (a re-run is a no-op).
            first = max(first, min(last, state.through_bucket + params.span))
            lo = max(first - HISTORY_HOURS - params.span, state.through_bucket + 1)
        starts[k], ranges[k] = first, (lo, last)
    counts = counters.nonzero_counts_many(ranges)
    # Sources of every bucket a window could need, for all regions in one round trip; windows are
    # then unions of per-bucket bitmasks (a long sweep tests thousands of windows).
    busy = {k: busy_steps(counts[k], starts[k], last, params) for k in keys}
    need = {k: sorted(b for b in counts[k] if b > starts[k] - params.span) for k in keys if busy[k]}
    masks = counters.source_masks_many(need)

    def sources_of(key: str) -> Any:
        bits = masks.get(key, {})

        def sources_at(a: int, b: int) -> int:
            m = 0
            for x in range(a, b + 1):
                m |= bits.get(x, 0)
            return m.bit_count()
        return sources_at

    created: list[str | None] = []
    folded: dict[str, dict[str, Any]] = {}
    # Most specific level first, so a district's alerts are stored before its admin1 and country judge theirs.
    for k in sorted(keys, key=lambda k: (rank(k), k)):
        result = sweep(counts[k], sources_of(k), states[k], starts[k], last, params, busy[k])
        created += [store_alert(res, k, d, counters, now) for d in result.decisions]
        folded[k] = result.state.to_json()
    with res.engine.begin() as conn:
        alerts_repo.save_region_states(conn, folded, now)
    counters.mark_evaluated_many(keys, seen)
    return [a for a in created if a]


def signal_generation(res: Resources) -> int:
    """Mark a batch's stories as counted; pass the result to :func:`evaluate_and_alert`."""
    return counters_of(res).bump_generation()


def _region_from_stories(region_key: str, rows: list[dict[str, Any]]) -> Region:
    for row in rows:
        for r in row["regions"] or []:
            if stored_region_key(r) == region_key:
                return Region(r["name_ar"], r["name_en"], r["country"], r["level"], r.get("lat"), r.get("lon"))
    country, level, name = region_key.split(":", 2)
    return Region(name, name, country, level)


def alert_links(settings: Any, alert_id: str) -> dict[str, str]:
    """Where a reader of the webhook finds the alert's evidence (API) and its dashboard page."""
    base = (settings.api_public_url or f"http://{settings.api_host}:{settings.api_port}").rstrip("/")
    return {"evidence": f"{base}/alerts/{alert_id}", "dashboard": f"{base}/#/alerts/{alert_id}"}


def store_alert(res: Resources, region_key: str, decision: Decision, counters: SignalCounters,
                now: datetime) -> str | None:
    """Store (and publish) the decision's alert; None if it existed or a lower level carries it."""
    w0 = decision.bucket - decision.scale + 1
    ids = [int(s) for s in counters.story_ids(region_key, range(w0, decision.bucket + 1))]
    country, level, _ = region_key.split(":", 2)
    parents = district_parents()
    with res.engine.connect() as conn:
        if level in ("admin1", "country"):
            # The same event already alerted at a more specific level (evaluated first, see evaluate_held)?
            since = decision.window_start - timedelta(hours=res.settings.alert_cooldown_hours)
            below = [p for k, p in alerts_repo.alerts_below_country_between(conn, country, since, decision.window_end)
                     if inside(region_key, k, parents)]
            if carried_below([str(i) for i in ids], below):
                log.info("alert.carried_below", region=region_key, window_end=decision.window_end.isoformat())
                return None
        rows = [dict(r) for r in conn.execute(sa.select(stories).where(one_of(conn, stories.c.id, ids))).mappings()]
    keywords: dict[str, int] = {}
    for row in rows:
        for term, n in (row["keywords"] or {}).items():
            keywords[term] = keywords.get(term, 0) + int(n)
    tolls = {int(row["id"]): story_toll(row) for row in rows}
    refs = [StoryRef(str(r["id"]), r["title"], r["url"] or "", r["sources"] or [], r["event_time"],
                     tolls[int(r["id"])].killed, tolls[int(r["id"])].injured,
                     tolls[int(r["id"])].running_kinds()) for r in rows]
    region = _region_from_stories(region_key, rows)
    payload = build_alert(region, decision, refs, keywords, alert_tolls(tolls.values()), now,
                          enclosing=enclosing_regions(region, [r["regions"] or [] for r in rows],
                                                     parents.get(region_key)))
    payload["links"] = alert_links(res.settings, str(payload["id"]))
    with res.engine.begin() as conn:
        created = alerts_repo.insert_alert(conn, payload["id"], region_key, decision.severity,
                                           decision.window_start, decision.window_end, payload, now)
    if not created:
        return None
    metrics.count_alert(decision.severity)
    res.redis.xadd(ALERT_STREAM, {"alert": json.dumps(payload, ensure_ascii=False)}, maxlen=10_000,
                   approximate=True)
    log.info("alert.created", alert_id=payload["id"], region=region_key, severity=decision.severity,
             observed=decision.observed, expected=decision.expected)
    return str(payload["id"])


# --------------------------------------------------------------------------- delivery


def webhook_client(res: Resources) -> Any:
    """An httpx client whose connections go only to addresses the SSRF guard accepted."""
    import httpx

    from worker.feeds.fetch import build_guarded_client
    from worker.feeds.ssrf import AllowList

    timeout = httpx.Timeout(res.settings.webhook_timeout)
    return build_guarded_client(AllowList(res.settings.allow_hosts), timeout=timeout,
                                user_agent=res.settings.fetch_user_agent,
                                limits=httpx.Limits(max_connections=20))


def dispatch_due_deliveries(res: Resources, now: datetime, *, rng: random.Random | None = None,
                            limit: int = 50) -> int:
    """Attempt every delivery whose time has come; schedule the next attempt of those that fail."""
    rng = rng or random.Random()
    with res.engine.begin() as conn:
        due = alerts_repo.claim_due_deliveries(conn, now, limit, lease=timedelta(seconds=120))
    if not due:
        return 0
    guard = policy.ssrf_guard(res.settings.allow_hosts)
    with webhook_client(res) as client:
        for d in due:
            attempt_delivery(res, client, guard, d, now, rng)
    return len(due)


def attempt_delivery(res: Resources, client: Any, guard: policy.UrlGuard, d: DueDelivery, now: datetime,
                     rng: random.Random) -> str:
    if not d.enabled:
        with res.engine.begin() as conn:
            alerts_repo.record_attempt(conn, d, now, outcome="disabled", status=None, error="endpoint disabled",
                                       duration_ms=None, next_attempt_at=None, state=DeliveryState.CANCELLED)
        return "cancelled"
    body = json.dumps(d.payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    secrets = [s for s in (d.secret, d.previous_secret) if s]
    # The signature's timestamp is the real send time (receivers check it against their clock);
    # ``now`` is the scheduling clock, which tests and replays may move.
    headers = sign_headers(d.message_id, int(time.time()), body, secrets)
    result = policy.send_webhook(client, d.url, body, headers, timeout=res.settings.webhook_timeout,
                                 url_guard=guard)
    outcome = policy.classify(result)
    duration_ms = int(result.duration * 1000)
    attempt_no = d.attempts + 1
    with res.engine.begin() as conn:
        if outcome.kind == "success":
            alerts_repo.record_attempt(conn, d, now, outcome="delivered", status=result.status, error=None,
                                       duration_ms=duration_ms, next_attempt_at=None, state=DeliveryState.DELIVERED)
            alerts_repo.mark_endpoint(conn, d.webhook_id, now, ok=True)
            metrics.observe_delivery("delivered", (now - d.alert_created_at).total_seconds())
            return "delivered"
        if outcome.kind == "disable":
            alerts_repo.record_attempt(conn, d, now, outcome="disabled", status=result.status,
                                       error=outcome.reason, duration_ms=duration_ms, next_attempt_at=None,
                                       state=DeliveryState.CANCELLED)
            alerts_repo.mark_endpoint(conn, d.webhook_id, now, ok=False, disable_reason=outcome.reason)
            metrics.observe_delivery("disabled")
            return "disabled"
        nxt = policy.next_attempt_after(attempt_no, now, rng, outcome.retry_after,
                                        schedule=policy.schedule_for(res.settings.webhook_max_attempts))
        failing_since = d.failing_since or now
        disable = policy.should_disable(failing_since, now, res.settings.webhook_disable_after_days)
        state = DeliveryState.PENDING if nxt is not None and not disable else DeliveryState.FAILED
        alerts_repo.record_attempt(conn, d, now, outcome="retry" if state == DeliveryState.PENDING else "failed",
                                   status=result.status, error=outcome.reason, duration_ms=duration_ms,
                                   next_attempt_at=nxt if state == DeliveryState.PENDING else None, state=state)
        alerts_repo.mark_endpoint(conn, d.webhook_id, now, ok=False, disable_reason=(
            f"failing continuously for {res.settings.webhook_disable_after_days:g} days; last: {outcome.reason}"
            if disable else None))
    metrics.observe_delivery("retry" if state == DeliveryState.PENDING else "failed")
    log.warning("delivery.failed", delivery_id=d.id, webhook_id=d.webhook_id, attempt=attempt_no,
                reason=outcome.reason, next_attempt_at=nxt.isoformat() if nxt and state == DeliveryState.PENDING else None)
    return state
