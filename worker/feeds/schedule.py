"""When to check a feed next: fixed interval after success, capped exponential backoff after failure.

Pure: the clock (``now``) and the random source (``rng``) are arguments, so tests are exact.
Back-off lives in ``feeds.next_check_at`` (database), never in long broker ETAs.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

Random = Callable[[], float]  # uniform in [0, 1)


def next_check_after_success(now: datetime, interval: float) -> datetime:
    """The next check ``interval`` seconds after ``now`` (at least one second)."""
    return now + timedelta(seconds=max(1.0, interval))


def backoff_delay(
    failures: int,
    base: float,
    cap: float,
    rng: Random = random.random,
    retry_after: float | None = None,
) -> float:
    """Seconds to wait after ``failures`` consecutive failures (1 = first failure).

    Exponential with full jitter (uniform in ``[0, min(cap, base * 2**(failures-1))]``), so many
    feeds failing together do not retry in lock-step. A server's Retry-After wins when longer,
    and is itself capped so a hostile value cannot park a feed forever.
    """
    ceiling = 0.0 if failures <= 0 else min(cap, base * 2.0 ** min(failures - 1, 62))
    delay = ceiling * rng()
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(retry_after, cap))
    return delay


def next_check_after_failure(
    now: datetime, failures: int, base: float, cap: float,
    rng: Random = random.random, retry_after: float | None = None,
) -> datetime:
    """``now`` plus :func:`backoff_delay`."""
    return now + timedelta(seconds=backoff_delay(failures, base, cap, rng, retry_after))


def should_pause(failures: int, limit: int) -> bool:
    """Stop polling a feed (until a person resumes it) after ``limit`` consecutive failures."""
    return limit > 0 and failures >= limit


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP-date; None when absent or garbage."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
