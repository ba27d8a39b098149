"""Webhook delivery against real HTTP servers on 127.0.0.1, and the receiver helper."""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from worker.alerts.delivery import SCHEDULE, classify, next_attempt_after, send_webhook, ssrf_guard
from worker.alerts.receiver import WebhookReceiver, format_alert
from worker.alerts.signing import generate_secret, sign_headers

pytestmark = pytest.mark.integration

SECRET = generate_secret()
BODY = json.dumps({"id": "alr_1", "severity": "warning"}).encode()


def no_guard(url: str) -> None:
    return None


def headers_at(ts: datetime, body: bytes = BODY, msg_id: str = "alr_1", secret: str = SECRET) -> dict[str, str]:
    return sign_headers(msg_id, int(ts.timestamp()), body, [secret])


@pytest.fixture()
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as c:
        yield c


def test_2xx_success(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=204)
    res = send_webhook(client, httpserver.url_for("/hook"), BODY, headers_at(datetime.now(UTC)),
                       url_guard=no_guard)
    assert (res.status, res.error, classify(res).kind) == (204, None, "success")
    req, _ = httpserver.log[0]
    assert req.get_data() == BODY
    assert req.headers["content-type"] == "application/json"
    assert req.headers["webhook-id"] == "alr_1"


def test_3xx_is_failure_and_redirect_not_followed(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/hook").respond_with_data("", status=302, headers={"Location": "/moved?k=v"})
    httpserver.expect_request("/moved").respond_with_data("ok")
    res = send_webhook(client, httpserver.url_for("/hook"), BODY, headers_at(datetime.now(UTC)),
                       url_guard=no_guard)
    assert res.status == 302
    out = classify(res)
    assert out.kind == "fail"
    assert "not followed" in out.reason
    assert [r.path for r, _ in httpserver.log] == ["/hook"]  # the target was never requested


def test_410_disables(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/hook").respond_with_data("", status=410)
    res = send_webhook(client, httpserver.url_for("/hook"), BODY, headers_at(datetime.now(UTC)), url_guard=no_guard)
    assert classify(res).kind == "disable"


def test_429_with_retry_after(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/hook").respond_with_data("", status=429, headers={"Retry-After": "90"})
    res = send_webhook(client, httpserver.url_for("/hook"), BODY, headers_at(datetime.now(UTC)), url_guard=no_guard)
    assert (res.status, res.retry_after) == (429, 90.0)
    out = classify(res)
    assert (out.kind, out.retry_after) == ("retry", 90.0)
    now = datetime(2025, 3, 1, tzinfo=UTC)
    assert next_attempt_after(1, now, random.Random(0), out.retry_after) == now + timedelta(seconds=90)


def test_absurd_retry_after_from_a_webhook_is_capped_at_a_day(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/hook").respond_with_data("", status=503, headers={"Retry-After": "999999999"})
    res = send_webhook(client, httpserver.url_for("/hook"), BODY, headers_at(datetime.now(UTC)), url_guard=no_guard)
    assert (res.status, res.retry_after) == (503, 86400.0)


def test_500_retries(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/hook").respond_with_data("boom", status=500)
    res = send_webhook(client, httpserver.url_for("/hook"), BODY, headers_at(datetime.now(UTC)), url_guard=no_guard)
    assert (res.status, classify(res).kind, classify(res).reason) == (500, "retry", "HTTP 500")


def test_timeout_retries_and_hides_query(httpserver: HTTPServer, client: httpx.Client) -> None:
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(10)
        return Response("", status=200)

    httpserver.expect_request("/hook").respond_with_handler(slow)
    try:
        res = send_webhook(client, httpserver.url_for("/hook") + "?token=abc", BODY,
                           headers_at(datetime.now(UTC)), timeout=0.3, url_guard=no_guard)
    finally:
        release.set()
    assert res.status is None
    assert res.error is not None and res.error.startswith("timeout (ReadTimeout) after 0.3s posting to http://")
    assert "token=abc" not in res.error
    assert classify(res).kind == "retry"
    assert 0.3 <= res.duration < 5


def test_connection_refused_retries(client: httpx.Client) -> None:
    with WebhookReceiver([SECRET]) as rx:
        url = rx.url
    res = send_webhook(client, url, BODY, headers_at(datetime.now(UTC)), timeout=2, url_guard=no_guard)
    assert (res.status, classify(res).kind) == (None, "retry")
    assert res.error == f"ConnectError posting to {url}"


def test_ssrf_blocked_url_is_not_contacted(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/hook").respond_with_data("")
    res = send_webhook(client, httpserver.url_for("/hook"), BODY, headers_at(datetime.now(UTC)),
                       url_guard=ssrf_guard([]))
    assert res.blocked is True
    assert res.error == "blocked: 127.0.0.1 is loopback" or "loopback" in (res.error or "")
    assert classify(res).kind == "disable"
    assert httpserver.log == []
    # an explicit allow-list entry lets a local receiver through
    ok = send_webhook(client, httpserver.url_for("/hook"), BODY, headers_at(datetime.now(UTC)),
                      url_guard=ssrf_guard(["127.0.0.1"]))
    assert ok.status == 200


def test_url_guard_is_mandatory(client: httpx.Client) -> None:
    with pytest.raises(ValueError, match="url_guard is required"):
        send_webhook(client, "http://127.0.0.1:9/", BODY, {})


def test_secret_never_logged(httpserver: HTTPServer, client: httpx.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request("/hook").respond_with_data("", status=500)
    res = send_webhook(client, httpserver.url_for("/hook"), BODY, headers_at(datetime.now(UTC)), url_guard=no_guard)
    key = SECRET.removeprefix("whsec_")
    assert key not in caplog.text
    assert key not in repr(res)
    assert key not in classify(res).reason


def test_schedule_with_injected_clock_until_receiver_recovers(client: httpx.Client) -> None:
    """Receiver down for 5 attempts: attempts land at the scheduled offsets, the 6th succeeds."""
    t0 = datetime(2025, 3, 1, 12, tzinfo=UTC)
    clock = {"now": t0}
    rng = random.Random(7)
    with WebhookReceiver([SECRET], clock=lambda: clock["now"]) as rx:
        rx.fail(503, count=5)
        attempts: list[datetime] = []
        attempt_no = 0
        while True:
            attempt_no += 1
            attempts.append(clock["now"])
            res = send_webhook(client, rx.url, BODY, headers_at(clock["now"]), url_guard=no_guard)
            out = classify(res)
            if out.kind == "success":
                break
            assert out.kind == "retry"
            nxt = next_attempt_after(attempt_no, clock["now"], rng, out.retry_after)
            assert nxt is not None
            clock["now"] = nxt
        got = rx.wait_for(6, timeout=5)
    assert attempt_no == 6
    offsets = [(a - t0).total_seconds() for a in attempts]
    lo = hi = 0.0
    for i in range(1, 6):
        lo += SCHEDULE[i] * 0.8
        hi += SCHEDULE[i] * 1.2
        assert lo <= offsets[i] <= hi, (i, offsets[i], lo, hi)
    assert [d.status for d in got] == [503] * 5 + [204]
    assert all(d.verified for d in got)  # every attempt re-signed with its own timestamp
    assert {d.webhook_id for d in got} == {"alr_1"}
    assert [int(d.timestamp or 0) for d in got] == [int(a.timestamp()) for a in attempts]


def test_receiver_rejects_tampered_wrong_secret_and_stale(client: httpx.Client) -> None:
    now = datetime.now(UTC)
    with WebhookReceiver([SECRET]) as rx:
        good = send_webhook(client, rx.url, BODY, headers_at(now), url_guard=no_guard)
        tampered = send_webhook(client, rx.url, BODY + b" ", headers_at(now), url_guard=no_guard)
        wrong = send_webhook(client, rx.url, BODY, headers_at(now, secret=generate_secret()), url_guard=no_guard)
        stale = send_webhook(client, rx.url, BODY, headers_at(now - timedelta(minutes=6)), url_guard=no_guard)
        future = send_webhook(client, rx.url, BODY, headers_at(now + timedelta(minutes=6)), url_guard=no_guard)
        got = rx.wait_for(5, timeout=5)
    assert [r.status for r in (good, tampered, wrong, stale, future)] == [204, 401, 401, 401, 401]
    assert [d.verified for d in got] == [True, False, False, False, False]
    assert got[0].body == {"id": "alr_1", "severity": "warning"}
    assert got[1].reason == "no signature matched (tampered body or wrong secret)"
    assert got[2].reason == "no signature matched (tampered body or wrong secret)"
    assert got[3].reason is not None and got[3].reason.startswith("timestamp too old")
    assert got[4].reason is not None and got[4].reason.startswith("timestamp too far in the future")


def test_receiver_failure_modes(client: httpx.Client) -> None:
    now = datetime.now(UTC)
    with WebhookReceiver([SECRET]) as rx:
        rx.fail(410, count=1)
        assert classify(send_webhook(client, rx.url, BODY, headers_at(now), url_guard=no_guard)).kind == "disable"
        rx.fail(429, count=1, retry_after=30)
        res = send_webhook(client, rx.url, BODY, headers_at(now), url_guard=no_guard)
        assert (res.status, res.retry_after) == (429, 30.0)
        assert send_webhook(client, rx.url, BODY, headers_at(now), url_guard=no_guard).status == 204
        rx.hang(10, count=1)
        res = send_webhook(client, rx.url, BODY, headers_at(now), timeout=0.3, url_guard=no_guard)
        assert res.status is None and classify(res).kind == "retry"
        rx.fail(500)  # until reset
        assert send_webhook(client, rx.url, BODY, headers_at(now), url_guard=no_guard).status == 500
        assert send_webhook(client, rx.url, BODY, headers_at(now), url_guard=no_guard).status == 500
        rx.reset()
        assert send_webhook(client, rx.url, BODY, headers_at(now), url_guard=no_guard).status == 204
    # stop() cut the hang short; every request was recorded, the hung one when it finished
    assert [d.status for d in rx.deliveries] == [410, 429, 204, 500, 500, 204, 204]


def test_receiver_echo_prints_verified_alerts(client: httpx.Client) -> None:
    import io

    alert = {"id": "alr_9", "severity": "critical", "region": {"name_en": "Aleppo", "name_ar": "حلب",
             "country": "SY"}, "observed": 14, "expected": 1.2, "p_value": 3e-9,
             "casualties": {"killed": 3, "injured": None}, "window": {"start": "a", "end": "b"},
             "keywords": {"قصف": 4}}
    body = json.dumps(alert, ensure_ascii=False).encode()
    out = io.StringIO()
    with WebhookReceiver([SECRET], echo=out) as rx:
        send_webhook(client, rx.url, body, headers_at(datetime.now(UTC), body=body, msg_id="alr_9"),
                     url_guard=no_guard)
        rx.wait_for(1, timeout=5)
    assert out.getvalue() == format_alert(alert) + "\n"
    assert out.getvalue().startswith("[CRITICAL] Aleppo / حلب (SY)  14 stories vs 1.2 expected, p=3e-09")
