"""Webhook delivery: the retry policy (pure) and one HTTP attempt (I/O).

Policy follows the Standard Webhooks recommendations: 2xx is success; 3xx is a failure and is never
followed (the user must fix the URL); 410 disables the endpoint; 429/502/503/504 and other errors
retry on a schedule spanning ~1.5 days, honouring ``Retry-After``; an endpoint that has failed
without a single success for ``webhook_disable_after_days`` is disabled. Retries are persisted by
the caller (``next_attempt_at`` in the database), never as long broker ETAs.

The signing secret never reaches this module: callers pass ready-made headers, and errors only
carry the URL without its query string or user info.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import httpx

from worker.clock import utcnow
from worker.errors import BlockedAddress, FetchError
from worker.feeds.schedule import parse_retry_after  # the one Retry-After parser (feeds and webhooks)

# Delay before attempt n+1 after attempt n failed (seconds); attempt 1 is immediate.
SCHEDULE: tuple[int, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
JITTER = 0.2  # +-20 %
MAX_RETRY_AFTER = 24 * 3600.0  # a server cannot park a delivery longer than this
RETRY_AFTER_STATUSES = frozenset({429, 503})

UrlGuard = Callable[[str], object]


@dataclass(frozen=True)
class AttemptResult:
    """What one POST did. ``status`` is None when no response arrived (``error`` says why)."""

    status: int | None
    duration: float
    error: str | None = None
    retry_after: float | None = None  # seconds, from the response's Retry-After
    blocked: bool = False  # the SSRF guard refused the URL; nothing was sent
    location: str | None = None  # redirect target we did not follow


@dataclass(frozen=True)
class Outcome:
    kind: str  # success | retry | disable | fail
    retry_after: float | None
    reason: str


def classify(result: AttemptResult | int | BaseException, retry_after: float | None = None) -> Outcome:
    """Map a status code, an exception or an :class:`AttemptResult` onto what to do next."""
    if isinstance(result, BaseException):
        if isinstance(result, BlockedAddress):
            return Outcome("disable", None, f"ssrf guard: {result}")
        return Outcome("retry", None, f"network error: {type(result).__name__}")
    if isinstance(result, AttemptResult):
        if result.blocked:
            return Outcome("disable", None, f"ssrf guard: {result.error}")
        if result.status is None:
            return Outcome("retry", None, result.error or "no response")
        status, retry_after = result.status, result.retry_after
        if 300 <= status < 400:
            target = f" to {result.location}" if result.location else ""
            return Outcome("fail", None, f"HTTP {status}: redirect{target} not followed; update the webhook URL")
    else:
        status = result
    if 200 <= status < 300:
        return Outcome("success", None, f"HTTP {status}")
    if 300 <= status < 400:
        return Outcome("fail", None, f"HTTP {status}: redirect not followed; update the webhook URL")
    if status == 410:
        return Outcome("disable", None, "HTTP 410 Gone: the receiver asked to stop")
    if status in RETRY_AFTER_STATUSES:
        return Outcome("retry", retry_after, f"HTTP {status}: throttled")
    return Outcome("retry", None, f"HTTP {status}")


def schedule_for(max_attempts: int) -> tuple[int, ...]:
    """The delays for ``max_attempts`` attempts (RASD_WEBHOOK_MAX_ATTEMPTS): :data:`SCHEDULE` cut
    short, or extended by repeating its last, longest delay."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    return SCHEDULE[:max_attempts] + (SCHEDULE[-1],) * max(0, max_attempts - len(SCHEDULE))


def next_attempt_after(
    attempt_no: int,
    now: datetime,
    rng: random.Random,
    retry_after: float | None = None,
    schedule: tuple[int, ...] = SCHEDULE,
    jitter: float = JITTER,
) -> datetime | None:
    """When to make attempt ``attempt_no + 1`` after attempt ``attempt_no`` (1-based) failed at ``now``.

    None means give up (schedule exhausted). The scheduled delay is jittered by ``+-jitter``; a
    ``Retry-After`` wins when it asks for a later time.
    """
    if attempt_no < 1:
        raise ValueError("attempt_no is 1-based")
    if attempt_no >= len(schedule):
        return None
    delay = schedule[attempt_no] * (1.0 + rng.uniform(-jitter, jitter))
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return now + timedelta(seconds=delay)


def should_disable(failing_since: datetime | None, now: datetime, disable_after_days: float) -> bool:
    """True once an endpoint has failed continuously (no success) for ``disable_after_days``."""
    return failing_since is not None and now - failing_since >= timedelta(days=disable_after_days)


def redact_url(url: str) -> str:
    """URL without user info, query or fragment: safe for logs and error messages."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        return "(invalid url)"


def ssrf_guard(allow_hosts: list[str]) -> UrlGuard:
    """The production guard: :func:`worker.feeds.ssrf.check_url` with the configured allow-list."""
    from worker.feeds.ssrf import AllowList, check_url

    allow = AllowList(allow_hosts)

    def guard(url: str) -> object:
        return check_url(url, allow)

    return guard


def send_webhook(
    client: httpx.Client,
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float = 15.0,
    url_guard: UrlGuard | None = None,
    now: Callable[[], datetime] = utcnow,
) -> AttemptResult:
    """POST ``body`` once. Never follows redirects, never raises for network trouble.

    ``url_guard`` raises :class:`worker.errors.BlockedAddress` for URLs that must not be reached
    (pass :func:`ssrf_guard`); it is required so no caller forgets it — pass ``lambda u: None`` only
    in tests that target loopback.
    """
    if url_guard is None:
        raise ValueError("url_guard is required (use ssrf_guard(settings.allow_hosts))")
    safe_url = redact_url(url)
    started = time.monotonic()
    try:
        url_guard(url)
    except FetchError as exc:
        return AttemptResult(None, 0.0, error=f"{exc.reason}", blocked=isinstance(exc, BlockedAddress))
    send_headers = {"content-type": "application/json", **headers}
    try:
        with client.stream(
            "POST", url, content=body, headers=send_headers, timeout=httpx.Timeout(timeout),
            follow_redirects=False,
        ) as resp:
            status = resp.status_code
            retry_after = parse_retry_after(resp.headers.get("retry-after"), now())
            if retry_after is not None:
                retry_after = min(retry_after, MAX_RETRY_AFTER)
            location = resp.headers.get("location") if 300 <= status < 400 else None
    except httpx.TimeoutException as exc:
        return AttemptResult(None, time.monotonic() - started, error=f"timeout ({type(exc).__name__}) after "
                             f"{timeout:g}s posting to {safe_url}")
    except httpx.HTTPError as exc:
        return AttemptResult(None, time.monotonic() - started,
                             error=f"{type(exc).__name__} posting to {safe_url}")
    return AttemptResult(status, time.monotonic() - started, retry_after=retry_after,
                         location=redact_url(location) if location else None)
