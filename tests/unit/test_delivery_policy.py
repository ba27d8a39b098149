"""Delivery policy: schedule with jitter, Retry-After, status classification, disabling."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from worker.alerts.delivery import (
    SCHEDULE,
    AttemptResult,
    Outcome,
    classify,
    next_attempt_after,
    redact_url,
    should_disable,
)
from worker.errors import BlockedAddress
from worker.feeds.schedule import parse_retry_after

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def test_schedule_matches_spec_recommendation() -> None:
    assert SCHEDULE == (0, 5, 300, 1800, 7200, 18000, 36000, 36000)


@pytest.mark.parametrize("attempt_no", range(1, len(SCHEDULE)))
def test_next_attempt_within_jitter_bounds(attempt_no: int) -> None:
    rng = random.Random(attempt_no)
    for _ in range(200):
        when = next_attempt_after(attempt_no, NOW, rng)
        assert when is not None
        delay = (when - NOW).total_seconds()
        base = SCHEDULE[attempt_no]
        assert base * 0.8 <= delay <= base * 1.2


def test_jitter_is_reproducible_with_seeded_rng() -> None:
    a = [next_attempt_after(3, NOW, random.Random(42)) for _ in range(2)]
    assert a[0] == a[1]
    assert a[0] == NOW + timedelta(seconds=1800 * (1 + random.Random(42).uniform(-0.2, 0.2)))


def test_give_up_after_schedule() -> None:
    assert next_attempt_after(len(SCHEDULE), NOW, random.Random(0)) is None
    with pytest.raises(ValueError):
        next_attempt_after(0, NOW, random.Random(0))


def test_retry_after_later_of_schedule_and_header() -> None:
    rng = random.Random(1)
    # schedule says ~5 s, server says 120 s: wait 120 s
    assert next_attempt_after(2 - 1, NOW, rng, retry_after=120.0) == NOW + timedelta(seconds=120)
    # schedule says ~30 min, server says 10 s: the schedule wins
    when = next_attempt_after(3, NOW, random.Random(1), retry_after=10.0)
    assert when is not None and (when - NOW).total_seconds() >= 1800 * 0.8
    # absurd Retry-After is capped at one day
    assert next_attempt_after(1, NOW, rng, retry_after=10**9) == NOW + timedelta(days=1)


def test_parse_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("120", NOW) == 120.0
    assert parse_retry_after("Sat, 01 Mar 2025 12:05:00 GMT", NOW) == 300.0
    assert parse_retry_after("Sat, 01 Mar 2025 11:00:00 GMT", NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


@pytest.mark.parametrize(
    ("status", "kind"),
    [(200, "success"), (204, "success"), (299, "success"), (301, "fail"), (307, "fail"), (400, "retry"),
     (404, "retry"), (410, "disable"), (429, "retry"), (500, "retry"), (502, "retry"), (503, "retry")],
)
def test_classify_status(status: int, kind: str) -> None:
    assert classify(status).kind == kind


def test_classify_results_and_exceptions() -> None:
    assert classify(AttemptResult(429, 0.1, retry_after=30.0)) == Outcome("retry", 30.0, "HTTP 429: throttled")
    assert classify(503, retry_after=7.0) == Outcome("retry", 7.0, "HTTP 503: throttled")
    assert classify(AttemptResult(500, 0.1, retry_after=30.0)).retry_after is None
    assert classify(AttemptResult(302, 0.1, location="https://x.example/new")) == Outcome(
        "fail", None, "HTTP 302: redirect to https://x.example/new not followed; update the webhook URL")
    assert classify(AttemptResult(None, 15.0, error="timeout")) == Outcome("retry", None, "timeout")
    assert classify(AttemptResult(None, 0.0, error="blocked: 10.0.0.1 is private", blocked=True)).kind == "disable"
    assert classify(httpx.ConnectError("refused")) == Outcome("retry", None, "network error: ConnectError")
    assert classify(BlockedAddress("blocked: x")).kind == "disable"


def test_disable_after_five_days_of_failures() -> None:
    assert should_disable(None, NOW, 5.0) is False
    assert should_disable(NOW - timedelta(days=4, hours=23), NOW, 5.0) is False
    assert should_disable(NOW - timedelta(days=5), NOW, 5.0) is True


def test_redact_url_drops_credentials_and_query() -> None:
    assert redact_url("https://user:pw@hooks.example:8443/a/b?token=s3cr3t#x") == "https://hooks.example:8443/a/b"
    assert redact_url("http://[::1]:9000/h?k=v") == "http://[::1]:9000/h"
