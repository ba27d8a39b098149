"""Polling schedule: exact values with an injected clock and random source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from worker.feeds.schedule import (
    backoff_delay,
    next_check_after_failure,
    next_check_after_success,
    parse_retry_after,
    should_pause,
)

NOW = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)


def test_next_check_after_success() -> None:
    assert next_check_after_success(NOW, 300) == datetime(2026, 11, 21, 12, 5, 0, tzinfo=UTC)
    assert next_check_after_success(NOW, 0) == NOW + timedelta(seconds=1)  # never a hot loop


@pytest.mark.parametrize(
    ("failures", "rng", "expected"),
    [
        (0, 0.99, 0.0),
        (1, 0.5, 30.0),      # ceiling 60
        (2, 0.5, 60.0),      # ceiling 120
        (3, 0.25, 60.0),     # ceiling 240
        (4, 1.0, 480.0),
        (9, 0.5, 7680.0),    # ceiling 15360
        (10, 0.5, 10800.0),  # capped at 21600
        (500, 0.5, 10800.0),  # no overflow
        (5, 0.0, 0.0),       # full jitter reaches zero
    ],
)
def test_backoff_full_jitter(failures: int, rng: float, expected: float) -> None:
    assert backoff_delay(failures, 60.0, 21600.0, rng=lambda: rng) == expected


def test_retry_after_wins_when_longer_and_is_capped() -> None:
    assert backoff_delay(1, 60.0, 21600.0, rng=lambda: 0.5, retry_after=900.0) == 900.0
    assert backoff_delay(6, 60.0, 21600.0, rng=lambda: 0.5, retry_after=10.0) == 960.0
    assert backoff_delay(1, 60.0, 21600.0, rng=lambda: 0.5, retry_after=10**9) == 21600.0
    assert backoff_delay(1, 60.0, 21600.0, rng=lambda: 0.5, retry_after=0.0) == 30.0


def test_next_check_after_failure() -> None:
    assert next_check_after_failure(NOW, 2, 60.0, 21600.0, rng=lambda: 0.5) == NOW + timedelta(seconds=60)
    assert next_check_after_failure(NOW, 1, 60.0, 21600.0, rng=lambda: 0.1, retry_after=120) == NOW + timedelta(seconds=120)


def test_should_pause() -> None:
    assert [should_pause(n, 8) for n in (0, 7, 8, 9)] == [False, False, True, True]
    assert should_pause(100, 0) is False  # limit 0 disables pausing


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Sat, 21 Nov 2026 12:01:30 GMT", 90.0),
        ("Saturday, 21-Nov-26 12:02:00 GMT", 120.0),   # RFC 850
        ("Sat Nov 21 12:00:45 2026", 45.0),            # asctime, no zone = GMT
        ("Sat, 21 Nov 2026 11:00:00 GMT", 0.0),        # in the past
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_a_feed_claim_outlasts_its_fetch_but_not_the_visibility_timeout() -> None:
    from worker.settings import Settings
    from worker.tasks import claim_lease

    assert claim_lease(Settings(_env_file=None, visibility_timeout=3600)) == timedelta(seconds=120)
    # a claim shorter than a fetch may take would let the beat queue a second fetch of a feed mid-fetch
    assert claim_lease(Settings(_env_file=None, fetch_claim_seconds=10, fetch_total_timeout=30)) == timedelta(seconds=35)
