"""Region timelines for the API: observed stories per hour or day from the stored stories, the
detector's expected value and band over them (worker.signals.timeline), and the alerts raised."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from worker.alerts.payload import iso_z
from worker.services.alerting import HISTORY_HOURS
from worker.signals.spikes import Params, bucket_index
from worker.signals.timeline import series
from worker.store import alerts_repo, stories_repo

SCALES = {"hour": 1, "day": 24}
DEFAULT_SPAN = {"hour": timedelta(hours=72), "day": timedelta(days=30)}
MAX_POINTS = 800


class SpanError(ValueError):
    """The requested range cannot be drawn (reason in the message)."""


def window(scale: str, since: datetime | None, until: datetime | None, now: datetime) -> tuple[int, int]:
    """First and last hour (bucket indexes) of the range, aligned to whole ``scale`` buckets."""
    per = SCALES[scale]
    end = until or now
    start = since or end - DEFAULT_SPAN[scale]
    if start >= end:
        raise SpanError("since must be before until")
    first = bucket_index(start) // per * per
    last = (bucket_index(end - timedelta(microseconds=1)) // per + 1) * per - 1
    if (last - first + 1) // per > MAX_POINTS:
        raise SpanError(f"at most {MAX_POINTS} points per series: narrow since/until or use scale=day")
    return first, last


def region_series(conn: Connection, key: str, scale: str, since: datetime | None, until: datetime | None,
                  now: datetime, params: Params) -> dict[str, Any]:
    per = SCALES[scale]
    first, last = window(scale, since, until, now)
    lo = datetime.fromtimestamp((first - HISTORY_HOURS) * 3600, tz=UTC)
    hi = datetime.fromtimestamp((last + 1) * 3600, tz=UTC)
    counts = stories_repo.region_hour_counts(conn, key, lo, hi)
    points = series(counts, first, last, params, per=per, warmup=HISTORY_HOURS)
    shown_from = datetime.fromtimestamp(first * 3600, tz=UTC)
    alerts = alerts_repo.alerts_in(conn, key, shown_from, hi)
    return {
        "scale": scale,
        "points": [{"start": iso_z(datetime.fromtimestamp(p.bucket * per * 3600, tz=UTC)), "observed": p.observed,
                    "expected": p.expected, "low": p.low, "high": p.high} for p in points],
        "alerts": [{"id": a.id, "severity": a.severity, "window_start": iso_z(a.window_start),
                    "window_end": iso_z(a.window_end), "observed": a.payload.get("observed"),
                    "expected": a.payload.get("expected")} for a in alerts],
    }
