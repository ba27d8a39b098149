"""End to end on real parts: embedded Valkey, real `celery worker` and beat processes, a real HTTP
feed server on 127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.integration.harness import deployment

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]

ITEMS = [
    ("idlib-1", "قصف مدفعي على أطراف سراقب شرقي إدلب", "أفاد ناشطون بسقوط قذائف على أطراف مدينة سراقب."),
    ("idlib-2", "غارات روسية على محيط الأتارب غربي حلب", "استهدفت غارات جوية محيط بلدة الأتارب."),
    ("idlib-3", "مقتل ثلاثة مدنيين بقصف على كفرنوران", "قتل ثلاثة مدنيين بينهم طفل في قصف على كفرنوران."),
]


def rss(items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>https://news.example.org/{g}</link>"
        f"<description>{d}</description><pubDate>Sat, 01 Feb 2025 10:00:00 GMT</pubDate></item>"
        for g, t, d in items
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>عينة</title>{body}</channel></rss>'


def first_fetch_hangs(httpserver: HTTPServer) -> tuple[threading.Event, threading.Event, list[int]]:
    """Serve the feed, except that the first request hangs (up to 30 s) until ``release`` is set.

    Returns (the first request arrived, release, one entry per request).
    """
    arrived = threading.Event()
    release = threading.Event()
    calls: list[int] = []

    def handler(req: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            arrived.set()
            release.wait(30)  # the first fetch hangs until its worker is dead
        return Response(rss(ITEMS), content_type="application/rss+xml; charset=utf-8")

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    return arrived, release, calls


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_worker_and_beat_ingest_a_feed(db: str, tmp_path: Path, redis_url: str, httpserver: HTTPServer,
                                       request: pytest.FixtureRequest) -> None:
    database_url = request.getfixturevalue("postgres_url") if db == "postgresql" else ""
    if database_url:
        import sqlalchemy as sa

        eng = sa.create_engine(database_url)
        with eng.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        eng.dispose()
    seen_validators: list[str | None] = []

    def handler(req: Request) -> Response:
        seen_validators.append(req.headers.get("If-None-Match"))
        if req.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(rss(ITEMS), content_type="application/rss+xml; charset=utf-8", headers={"ETag": '"v1"'})

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    with deployment(tmp_path, redis_url, database_url, {"RASD_BEAT_POLL_SECONDS": "1"}) as rasd:
        added = rasd.cli("feeds", "add", httpserver.url_for("/feed.xml"), "--name", "Local", "--interval", "1")
        assert added.returncode == 0, added.stderr
        again = rasd.cli("feeds", "add", httpserver.url_for("/feed.xml"), "--name", "Local", "--interval", "1")
        assert (again.returncode, again.stdout.strip()) == (
            0, f"feed 1 already registered: {httpserver.url_for('/feed.xml')} (its name, interval and country were "
               "updated)")
        rasd.start("worker", "--concurrency", "2")
        rasd.start("beat")
        rasd.wait_for(lambda: rasd.scalar("SELECT count(*) FROM items") == 3, 60, "3 items stored")
        # beat keeps polling every second: the second poll is conditional and gets a 304
        rasd.wait_for(lambda: '"v1"' in seen_validators, 30, "a conditional GET with If-None-Match")
        rasd.wait_for(lambda: rasd.scalar("SELECT last_status FROM feeds") == 304, 30, "304 recorded")
        assert rasd.scalar("SELECT count(*) FROM items") == 3
        assert rasd.scalar("SELECT count(DISTINCT unique_key) FROM items") == 3
        titles = rasd.cli("articles", "list", "--json")
        assert titles.returncode == 0, titles.stderr
        assert "مقتل ثلاثة مدنيين بقصف على كفرنوران" in titles.stdout


def test_worker_sigkilled_mid_fetch_refetches_without_duplicates(tmp_path: Path, redis_url: str,
                                                                httpserver: HTTPServer) -> None:
    arrived, release, calls = first_fetch_hangs(httpserver)
    env = {"RASD_VISIBILITY_TIMEOUT": "6", "RASD_BEAT_POLL_SECONDS": "3600"}
    with deployment(tmp_path, redis_url, extra_env=env) as rasd:
        assert rasd.cli("feeds", "add", httpserver.url_for("/feed.xml"), "--interval", "3600").returncode == 0
        worker = rasd.start("worker", "--concurrency", "1")
        queued = rasd.cli("reingest", "feed", "1")
        assert queued.returncode == 0, queued.stderr
        rasd.wait_for(arrived.is_set, 60, "the first fetch to reach the server")
        worker.kill()  # SIGKILL mid-fetch: the task is neither acked nor finished
        release.set()
        assert rasd.scalar("SELECT count(*) FROM items") == 0
        rasd.start("worker", "--concurrency", "1")
        # the unacked task comes back after the visibility timeout and fetches again
        rasd.wait_for(lambda: rasd.scalar("SELECT count(*) FROM items") == 3, 60, "items after restart")
        assert len(calls) >= 2
        assert rasd.scalar("SELECT count(DISTINCT unique_key) FROM items") == 3


def test_feed_held_by_a_killed_worker_is_polled_again_after_the_claim_not_the_visibility_timeout(
        tmp_path: Path, redis_url: str, httpserver: HTTPServer) -> None:
    """With the default hour-long visibility timeout, the fetch task a killed worker held comes back
    only after an hour; the feed's claim (RASD_FETCH_CLAIM_SECONDS, at least the fetch timeout + 5 s)
    makes it due again long before, so the beat polls it again and nothing scrolls off a busy feed."""
    arrived, release, calls = first_fetch_hangs(httpserver)
    env = {"RASD_VISIBILITY_TIMEOUT": "3600", "RASD_BEAT_POLL_SECONDS": "1", "RASD_FETCH_TOTAL_TIMEOUT": "3",
           "RASD_FETCH_CLAIM_SECONDS": "1"}
    with deployment(tmp_path, redis_url, extra_env=env) as rasd:
        assert rasd.cli("feeds", "add", httpserver.url_for("/feed.xml"), "--interval", "3600").returncode == 0
        worker = rasd.start("worker", "--concurrency", "1")
        rasd.start("beat")
        rasd.wait_for(arrived.is_set, 60, "the first fetch to reach the server")
        worker.kill()  # SIGKILL mid-fetch: its task stays unacked for the hour-long visibility timeout
        release.set()
        rasd.start("worker", "--concurrency", "1")
        # due again 8 s after the claim (3 s fetch timeout + 5 s), polled by the beat, fetched again
        rasd.wait_for(lambda: rasd.scalar("SELECT count(*) FROM items") == 3, 60, "items after the claim ran out")
        assert len(calls) == 2
        assert rasd.scalar("SELECT count(DISTINCT unique_key) FROM items") == 3
