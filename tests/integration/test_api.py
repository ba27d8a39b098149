"""The HTTP API on real parts: the FastAPI app over a temp SQLite and the real Valkey (TestClient),
a real HTTP receiver for webhook tests. Auth, SSRF refusals, body limit, and each endpoint's shape."""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from tests.integration.harness import REPO
from worker.alerts.signing import verify
from worker.api.app import create_app
from worker.errors import FetchError
from worker.feeds.ssrf import IPAddress
from worker.models import ParsedItem
from worker.resources import Resources, set_resources
from worker.services.boundaries import region_geometry
from worker.services.ingest import store_items
from worker.services.views import article_view
from worker.settings import Settings
from worker.store import alerts_repo, articles_repo, feeds_repo, tokens_repo
from worker.store.db import migrate

pytestmark = [pytest.mark.integration]

NOW = datetime(2025, 2, 1, 12, 0, tzinfo=UTC)
SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # 24 bytes of base64 → exactly 24 bytes


def fake_resolver(host: str, port: int) -> list[IPAddress]:
    """DNS without the network: one public name, one name that resolves to loopback."""
    table = {"feeds.example.org": "8.8.8.8", "hooks.example.org": "8.8.4.4", "rebind.example.org": "127.0.0.1"}
    if host not in table:
        raise FetchError(f"cannot resolve {host}: unknown in this test")
    return [ipaddress.ip_address(table[host])]


def make_settings(tmp_path: Path, redis_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": tmp_path, "redis_url": redis_url, "fetch_allow_hosts": "",
                              "api_max_body_bytes": 4096, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Api:
    def __init__(self, res: Resources) -> None:
        self.res = res
        self.client = TestClient(create_app(res, resolver=fake_resolver))
        self.admin = self.token("ops", "admin")
        self.read = self.token("dashboard", "read")

    def token(self, name: str, scope: str) -> str:
        with self.res.engine.begin() as conn:
            return tokens_repo.create_token(conn, name, scope, NOW)[1]

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def make_api(tmp_path: Path, redis_url: str) -> Iterator[Callable[..., Api]]:
    made: list[Api] = []

    def factory(**overrides: Any) -> Api:
        settings = make_settings(tmp_path, redis_url, **overrides)
        migrate(settings.effective_database_url)
        api = Api(Resources(settings))
        made.append(api)
        return api

    yield factory
    for api in made:
        api.client.close()
        api.res.close()


@pytest.fixture()
def api(make_api: Callable[..., Api]) -> Api:
    return make_api()


# --------------------------------------------------------------------------- auth


def test_no_token_is_401_and_a_bad_token_is_401(api: Api) -> None:
    for method, path in (("GET", "/feeds"), ("POST", "/feeds"), ("GET", "/alerts"), ("GET", "/tokens")):
        r = api.client.request(method, path, json={"url": "https://feeds.example.org/rss"})
        assert (r.status_code, r.json(), r.headers["www-authenticate"]) == (401, {"detail": "missing bearer token"},
                                                                            "Bearer")
    r = api.client.get("/feeds", headers=api.auth("rasd_not-a-real-token"))
    assert (r.status_code, r.json()) == (401, {"detail": "invalid or revoked token"})


def test_read_token_reads_but_cannot_write(api: Api) -> None:
    assert api.client.get("/feeds", headers=api.auth(api.read)).json() == []
    for method, path, body in (("POST", "/feeds", {"url": "https://feeds.example.org/rss"}),
                               ("POST", "/reingest", {"feed": 1}), ("DELETE", "/feeds/1", None),
                               ("POST", "/webhooks", {"url": "https://hooks.example.org/in"}),
                               ("GET", "/tokens", None), ("POST", "/jobs/x/cancel", None)):
        r = api.client.request(method, path, json=body, headers=api.auth(api.read))
        assert (r.status_code, r.json()) == (403, {"detail": "this endpoint needs an admin token"}), path


def test_revoked_token_is_401_and_admin_manages_tokens_over_the_api(api: Api) -> None:
    created = api.client.post("/tokens", json={"name": "ci", "scope": "read"}, headers=api.auth(api.admin))
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("rasd_") and len(body["token"]) == 5 + 43
    assert api.client.get("/articles", headers=api.auth(body["token"])).status_code == 200
    listed = api.client.get("/tokens", headers=api.auth(api.admin)).json()
    assert [(t["name"], t["scope"], t["revoked_at"]) for t in listed] == [
        ("ops", "admin", None), ("dashboard", "read", None), ("ci", "read", None)]
    assert "token_hash" not in listed[0] and "token" not in listed[0]
    assert api.client.delete(f"/tokens/{body['id']}", headers=api.auth(api.admin)).status_code == 204
    r = api.client.get("/articles", headers=api.auth(body["token"]))
    assert (r.status_code, r.json()) == (401, {"detail": "invalid or revoked token"})
    assert api.client.delete("/tokens/999", headers=api.auth(api.admin)).status_code == 404


def test_open_reads_serve_gets_without_a_token_but_not_tokens_or_writes(make_api: Callable[..., Api]) -> None:
    api = make_api(api_open_reads=True)
    assert (api.client.get("/feeds").status_code, api.client.get("/articles").status_code) == (200, 200)
    assert api.client.get("/alerts").json() == []
    assert api.client.get("/tokens").status_code == 401
    assert api.client.get("/webhooks").status_code == 401
    assert api.client.post("/feeds", json={"url": "https://feeds.example.org/rss"}).status_code == 401
    assert api.client.get("/feeds", headers=api.auth("rasd_wrong")).status_code == 401


# --------------------------------------------------------------------------- SSRF and limits

BLOCKED = [
    ("http://127.0.0.1:1/", "blocked: 127.0.0.1 is loopback"),
    ("http://169.254.169.254/latest/meta-data", "blocked: 169.254.169.254 is link-local (cloud metadata)"),
    ("http://[::1]/", "blocked: ::1 is loopback"),
    ("http://0x7f000001/", "blocked: 0x7f000001 means 127.0.0.1, which is loopback"),
    ("http://rebind.example.org/feed", "blocked: rebind.example.org resolves to 127.0.0.1, which is loopback"),
    ("file:///etc/passwd", "blocked: scheme 'file' is not allowed (http/https only)"),
]


@pytest.mark.parametrize(("url", "reason"), BLOCKED)
def test_ssrf_urls_are_refused_with_the_reason(api: Api, url: str, reason: str) -> None:
    for path, body in (("/reingest", {"url": url}), ("/feeds", {"url": url}), ("/webhooks", {"url": url})):
        r = api.client.post(path, json=body, headers=api.auth(api.admin))
        assert (r.status_code, r.json()) == (400, {"detail": reason}), path
    assert api.client.get("/feeds", headers=api.auth(api.admin)).json() == []
    assert api.client.get("/webhooks", headers=api.auth(api.admin)).json() == []


def test_body_over_the_limit_is_413(api: Api) -> None:
    big = {"url": "https://feeds.example.org/rss", "name": "x" * 5000}
    r = api.client.post("/feeds", json=big, headers=api.auth(api.admin))
    assert (r.status_code, r.json()) == (413, {"detail": "request body over the 4096-byte limit"})

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"url": "https://feeds.example.org/rss", "name": "'
        for _ in range(10):
            yield b"y" * 1000
        yield b'"}'

    r = api.client.post("/feeds", content=chunks(), headers={**api.auth(api.admin),
                                                              "Content-Type": "application/json"})
    assert r.status_code == 413
    assert api.client.get("/feeds", headers=api.auth(api.admin)).json() == []


# --------------------------------------------------------------------------- endpoints


def test_feeds_crud(api: Api) -> None:
    h = api.auth(api.admin)
    r = api.client.post("/feeds", json={"url": "https://feeds.example.org/rss", "name": "مثال", "interval": 600,
                                        "country": "sy"}, headers=h)
    assert r.status_code == 201
    feed = r.json()
    assert (feed["url"], feed["name"], feed["interval"], feed["country"], feed["enabled"]) == (
        "https://feeds.example.org/rss", "مثال", 600, "SY", True)
    assert api.client.get(f"/feeds/{feed['id']}", headers=h).json() == feed
    with api.res.engine.begin() as conn:
        feeds_repo.record_failure(conn, feed["id"], NOW, reason="HTTPStatusError: 500", status=500,
                                  next_check_at=NOW + timedelta(hours=1), pause_reason="paused after 8 failures")
    resumed = api.client.post(f"/feeds/{feed['id']}/resume", headers=h).json()
    assert (resumed["paused_reason"], resumed["error_count"]) == (None, 0)
    assert api.client.post("/feeds", json={"url": "https://feeds.example.org/rss", "interval": 1},
                           headers=h).status_code == 422
    again = api.client.post("/feeds", json={"url": "https://feeds.example.org/rss", "name": "مثال"}, headers=h)
    assert (again.status_code, again.json()["id"]) == (200, feed["id"])  # known URL: updated, not added
    assert api.client.delete(f"/feeds/{feed['id']}", headers=h).status_code == 204
    assert api.client.get(f"/feeds/{feed['id']}", headers=h).status_code == 404
    assert api.client.delete(f"/feeds/{feed['id']}", headers=h).status_code == 404


def test_reingest_and_jobs(api: Api) -> None:
    h = api.auth(api.admin)
    assert api.client.post("/reingest", json={"feed": 42}, headers=h).json() == {"detail": "no feed 42"}
    r = api.client.post("/reingest", json={"feed": 1, "url": "https://feeds.example.org/rss"}, headers=h)
    assert r.status_code == 422
    with api.res.engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, "https://feeds.example.org/rss", NOW)
        conn.execute(feeds_repo.feeds.update().values(etag='"v1"', last_modified="Sat, 01 Feb 2025 10:00:00 GMT"))
    r = api.client.post("/reingest", json={"feed": feed_id, "force": True}, headers=h)
    assert r.status_code == 202
    job = api.client.get(f"/jobs/{r.json()['job_id']}", headers=api.auth(api.read)).json()
    assert (job["kind"], job["state"], job["progress"], job["params"]) == (
        "reingest_feed", "queued", {"done": 0, "total": 1}, {"feed": feed_id, "force": True})
    with api.res.engine.connect() as conn:
        feed = feeds_repo.get_feed(conn, feed_id)
    assert feed is not None and (feed.etag, feed.last_modified) == (None, None)  # forced: validators dropped
    queued = [json.loads(m) for m in api.res.redis.lrange("fetch", 0, -1)]
    assert [m["headers"]["task"] for m in queued] == ["worker.tasks.jobs.reingest_feed"]

    url_job = api.client.post("/reingest", json={"url": "https://feeds.example.org/a/1"}, headers=h).json()
    cancelled = api.client.post(f"/jobs/{url_job['job_id']}/cancel", headers=h).json()
    assert (cancelled["state"], cancelled["cancel_requested"]) == ("cancelled", True)

    empty = api.client.post("/reingest", json={"reprocess": {"since": "2020-01-01T00:00:00Z",
                                                            "until": "2020-01-02T00:00:00"}}, headers=h).json()
    job = api.client.get(f"/jobs/{empty['job_id']}", headers=h).json()
    assert (job["kind"], job["state"], job["progress"]) == ("reprocess", "done", {"done": 0, "total": 0})
    assert job["params"] == {"since": "2020-01-01T00:00:00+00:00", "until": "2020-01-02T00:00:00+00:00",
                             "feed": None}
    backwards = api.client.post("/reingest", json={"reprocess": {"since": "2020-01-02T00:00:00Z",
                                                                "until": "2020-01-01T00:00:00Z"}}, headers=h)
    assert (backwards.status_code, backwards.json()) == (400, {"detail": "'since' must be before 'until'"})
    assert api.client.get("/jobs/nope", headers=h).status_code == 404
    assert api.client.post("/jobs/nope/cancel", headers=h).status_code == 404


def test_articles_are_the_cli_objects(api: Api) -> None:
    items = [ParsedItem(guid=f"g{i}", link=f"https://news.example.org/{i}", title=f"خبر رقم {i}", summary="ملخص",
                        content="", published=NOW - timedelta(hours=i)) for i in range(3)]
    store_items(api.res.engine, None, "news.example.org", items, NOW)
    body = api.client.get("/articles?limit=2", headers=api.auth(api.read)).json()
    with api.res.engine.connect() as conn:
        expected = [article_view(r) for r in articles_repo.list_articles(conn, limit=2)]
    assert [b["title"] for b in body] == ["خبر رقم 2", "خبر رقم 1"]
    assert body == [{**e, "published": e["published"].isoformat().replace("+00:00", "Z")} for e in expected]


def test_alerts_json_and_geojson_with_filters(api: Api) -> None:
    def payload(aid: str, name: str, lat: float, lon: float, severity: str) -> dict[str, Any]:
        return {"id": aid, "region": {"name_ar": name, "name_en": name, "country": "SY", "level": "admin1",
                                      "lat": lat, "lon": lon},
                "window": {"start": "2025-02-01T09:00:00Z", "end": "2025-02-01T12:00:00Z"}, "severity": severity,
                "score": 7.5, "observed": 6, "expected": 0.4, "p_value": 1e-6, "keywords": {"قصف": 4},
                "casualties": {"killed": 5, "injured": 9}, "stories": [], "sources": ["a", "b"],
                "created_at": "2025-02-01T12:00:00Z"}

    with api.res.engine.begin() as conn:
        for aid, name, lat, lon, severity, at in (("al-1", "Idlib", 35.9, 36.6, "warning", NOW),
                                                  ("al-2", "Aleppo", 36.2, 37.1, "critical", NOW + timedelta(1))):
            alerts_repo.insert_alert(conn, aid, f"SY:admin1:{name}", severity, at - timedelta(hours=3), at,
                                     payload(aid, name, lat, lon, severity), at)
    h = api.auth(api.read)
    assert [a["id"] for a in api.client.get("/alerts", headers=h).json()] == ["al-2", "al-1"]
    assert [a["id"] for a in api.client.get("/alerts?severity=warning", headers=h).json()] == ["al-1"]
    assert [a["id"] for a in api.client.get("/alerts?region=Aleppo", headers=h).json()] == ["al-2"]
    assert [a["id"] for a in api.client.get("/alerts?since=2025-02-02T00:00:00Z", headers=h).json()] == ["al-2"]
    geo = api.client.get("/alerts?format=geojson&region=Idlib", headers=h).json()
    assert geo["type"] == "FeatureCollection"
    # the region's shipped boundary, not its centre
    assert [(f["id"], f["geometry"]) for f in geo["features"]] == [("al-1", region_geometry("SY:admin1:Idlib"))]
    assert geo["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert geo["features"][0]["properties"]["casualties"] == {"killed": 5, "injured": 9}
    assert api.client.get("/alerts?severity=bogus", headers=h).status_code == 422


def test_webhooks_secrets_are_generated_validated_and_masked(api: Api) -> None:
    h = api.auth(api.admin)
    generated = api.client.post("/webhooks", json={"url": "https://hooks.example.org/in"}, headers=h).json()
    assert generated["secret"].startswith("whsec_") and len(generated["secret"]) == 6 + 44
    given = api.client.post("/webhooks", json={"url": "https://hooks.example.org/b", "secret": SECRET},
                            headers=h).json()
    assert given["secret"] == "whsec_…LaSw"  # a given secret is never echoed back
    short = api.client.post("/webhooks", json={"url": "https://hooks.example.org/c", "secret": "whsec_c2hvcnQ="},
                            headers=h)
    assert (short.status_code, short.json()) == (400, {"detail": "secret must decode to 24..64 bytes, got 5"})
    listed = api.client.get("/webhooks", headers=h).json()
    assert [w["secret"] for w in listed] == [f"whsec_…{generated['secret'][-4:]}", "whsec_…LaSw"]
    assert api.client.get(f"/webhooks/{given['id']}", headers=h).json()["secret"] == "whsec_…LaSw"
    assert api.client.get(f"/webhooks/{given['id']}/deliveries", headers=h).json() == []
    assert api.client.delete(f"/webhooks/{given['id']}", headers=h).status_code == 204
    assert api.client.get(f"/webhooks/{given['id']}", headers=h).status_code == 404


def test_webhook_test_sends_a_signed_event(make_api: Callable[..., Api], httpserver: HTTPServer) -> None:
    api = make_api(fetch_allow_hosts=f"127.0.0.1:{httpserver.port}")
    received: list[tuple[dict[str, str], bytes]] = []

    def handler(req: Request) -> Response:
        received.append((dict(req.headers), req.get_data()))
        return Response(status=204)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    h = api.auth(api.admin)
    hook = api.client.post("/webhooks", json={"url": f"http://127.0.0.1:{httpserver.port}/hook", "secret": SECRET},
                           headers=h).json()
    result = api.client.post(f"/webhooks/{hook['id']}/test", headers=h).json()
    assert (result["ok"], result["status"], result["error"]) == (True, 204, None)
    headers, body = received[0]
    assert verify({k.lower(): v for k, v in headers.items()}, body, [SECRET], datetime.now(UTC)) == \
        result["message_id"]
    assert json.loads(body)["type"] == "webhook.test"


def test_status_reports_on_the_apps_own_stack(api: Api) -> None:
    body = api.client.get("/status", headers=api.auth(api.read)).json()
    assert body["queues"] == {"fetch": 0, "process": 0, "alerts": 0}
    assert (body["feeds"]["total"], body["items"], body["workers"]) == (0, {}, [])


def test_committed_openapi_spec_is_current() -> None:
    r = subprocess.run([sys.executable, "scripts/export_openapi.py", "--check"], cwd=REPO, capture_output=True,
                       text=True, timeout=60)
    assert (r.returncode, r.stderr) == (0, "")


# --------------------------------------------------------------------------- CLI


def test_cli_tokens_and_refused_urls(api: Api) -> None:
    import typer

    from worker.cli_admin import reingest_url, tokens_app, webhooks_app

    app = typer.Typer()
    app.add_typer(tokens_app, name="tokens")
    app.add_typer(webhooks_app, name="webhooks")
    reingest = typer.Typer()
    reingest.command("url")(reingest_url)
    app.add_typer(reingest, name="reingest")
    runner = CliRunner()
    set_resources(api.res)
    try:
        created = runner.invoke(app, ["tokens", "create", "cli", "--scope", "admin"])
        assert created.exit_code == 0, created.output
        token = created.stdout.strip().splitlines()[-1]
        assert api.client.get("/tokens", headers=api.auth(token)).status_code == 200
        listed = runner.invoke(app, ["tokens", "list", "--json"])
        rows = [json.loads(line) for line in listed.stdout.splitlines()]
        assert [(r["id"], r["name"], r["scope"]) for r in rows][-1] == (3, "cli", "admin")
        assert token not in listed.stdout
        assert runner.invoke(app, ["tokens", "revoke", "3"]).exit_code == 0
        assert api.client.get("/tokens", headers=api.auth(token)).status_code == 401
        refused = runner.invoke(app, ["reingest", "url", "http://169.254.169.254/latest/meta-data"])
        assert refused.exit_code == 2
        assert "link-local (cloud metadata)" in refused.output
        hook = runner.invoke(app, ["webhooks", "add", "http://[::1]/hook"])
        assert (hook.exit_code, "::1 is loopback" in hook.output) == (2, True)
    finally:
        set_resources(None)
