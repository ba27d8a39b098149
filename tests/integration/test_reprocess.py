"""Re-process on real parts (SQLite + the real Valkey): twice over the same window gives identical
stored results and signal state; a cancel stops within seconds and leaves every item whole; the
batch tasks run on a real `celery worker` process; a URL re-ingest stores a feed or an article."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from pytest_httpserver import HTTPServer

from tests.conftest import wait_for
from tests.integration.harness import REPO, Proc, Rasd, deployment
from worker.broker import free_port
from worker.keys import DEDUP_PREFIX
from worker.models import ParsedItem
from worker.resources import Resources
from worker.services import reingest
from worker.services.ingest import store_items
from worker.services.process import process_batch, retries
from worker.settings import Settings
from worker.store import feeds_repo, jobs_repo
from worker.store.db import migrate
from worker.store.tables import articles, items, stories
from worker.tasks import jobs as job_tasks

pytestmark = [pytest.mark.integration]

T0 = datetime(2025, 2, 1, 8, 0, tzinfo=UTC)
PLACES = ["إدلب", "حلب", "حمص", "درعا", "دير الزور", "غزة", "خان يونس", "رفح"]
SIGNAL_PREFIXES = ("rasd:sig", DEDUP_PREFIX)


def article_text(i: int) -> tuple[str, str]:
    place = PLACES[i % len(PLACES)]
    n = i % 9 + 2
    title = f"مقتل {n} مدنيين في قصف على {place} (تقرير {i})"
    body = (f"قال مراسلنا إن {n} مدنيين قتلوا وأصيب {n + 3} آخرون في غارة جوية استهدفت حياً سكنياً في {place} "
            f"صباح اليوم. وأضاف أن فرق الإنقاذ ما زالت تبحث عن ناجين تحت الأنقاض. "
            f"وهذا التقرير رقم {i} في سلسلة التغطية، ويختلف عن غيره بتفاصيل الحي والشارع رقم {i * 7}.")
    return title, body


def seed(res: Resources, n: int) -> list[int]:
    """Store ``n`` items of one feed (one hour apart) and process them once."""
    with res.engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, "https://news.example.org/rss", T0, name="مثال")
    parsed = []
    for i in range(n):
        title, body = article_text(i)
        parsed.append(ParsedItem(guid=f"item-{i}", link=f"https://news.example.org/a/{i}", title=title,
                                 summary="", content=body, published=T0 + timedelta(minutes=10 * i)))
    outcome = store_items(res.engine, feed_id, "مثال", parsed, T0 + timedelta(days=2))
    ids = sorted(outcome.new)
    result = process_batch(res, ids, T0 + timedelta(days=2), allow_fulltext=False)
    assert result.processed == n
    return ids


def db_snapshot(res: Resources) -> dict[str, list[dict[str, Any]]]:
    with res.engine.connect() as conn:
        arts = [{k: v for k, v in r.items() if k != "processed_at"}
                for r in conn.execute(sa.select(articles).order_by(articles.c.item_id)).mappings()]
        sts = [{k: v for k, v in r.items() if k != "updated_at"}
               for r in conn.execute(sa.select(stories).order_by(stories.c.id)).mappings()]
    return {"articles": arts, "stories": sts}


def signal_snapshot(client: redis.Redis) -> dict[bytes, Any]:
    """Every signal-counter and dedup-index key with its members/value (TTLs aside)."""
    out: dict[bytes, Any] = {}
    for key in client.scan_iter(count=1000):
        if not key.decode().startswith(SIGNAL_PREFIXES):
            continue
        kind = client.type(key)
        if kind == b"set":
            out[key] = sorted(client.smembers(key))
        elif kind == b"zset":
            out[key] = client.zrange(key, 0, -1, withscores=True)
        elif kind == b"hash":
            out[key] = sorted(client.hgetall(key).items())
        elif kind == b"string":
            out[key] = client.get(key)
        else:
            out[key] = kind
    return out


def processed_at(res: Resources) -> dict[int, datetime]:
    with res.engine.connect() as conn:
        return {int(r[0]): r[1] for r in conn.execute(sa.select(articles.c.item_id, articles.c.processed_at))}


def run_job_inline(res: Resources, since: datetime | None = None, until: datetime | None = None,
                   batch_size: int = reingest.BATCH_SIZE) -> str:
    """Create a re-process job and run its batch functions here (what the worker tasks call)."""
    with res.engine.begin() as conn:
        ids = reingest.select_window(conn, since, until, None)
        job_id = jobs_repo.create_job(conn, "reprocess", {}, len(ids), datetime.now(UTC))
    groups = reingest.batches(ids, batch_size)
    reingest.register_batches(res, job_id, len(groups))
    for n, group in enumerate(groups):
        reingest.run_reprocess_batch(res, job_id, n, group)
    return job_id


def job(res: Resources, job_id: str) -> jobs_repo.Job:
    with res.engine.connect() as conn:
        row = jobs_repo.get_job(conn, job_id)
    assert row is not None
    return row


@pytest.fixture()
def res(tmp_path: Path, redis_url: str) -> Iterator[Resources]:
    settings = Settings(_env_file=None, data_dir=tmp_path, redis_url=redis_url,  # type: ignore[call-arg]
                        fetch_allow_hosts="")
    migrate(settings.effective_database_url)
    resources = Resources(settings)
    yield resources
    resources.close()


def test_reprocess_twice_gives_identical_results_and_signal_state(res: Resources, redis_client: redis.Redis) -> None:
    seed(res, 24)
    first_db, first_signals = db_snapshot(res), signal_snapshot(redis_client)
    assert any(k.startswith(b"rasd:sig") for k in first_signals)  # the seed did count stories
    assert len(first_db["articles"]) == 24

    since, until = T0, T0 + timedelta(hours=3)  # 18 of the 24 items (10 minutes apart)
    job_a = run_job_inline(res, since, until, batch_size=7)
    after_a_db, after_a_signals = db_snapshot(res), signal_snapshot(redis_client)
    job_b = run_job_inline(res, since, until, batch_size=7)
    after_b_db, after_b_signals = db_snapshot(res), signal_snapshot(redis_client)

    assert (job(res, job_a).state, job(res, job_a).done, job(res, job_a).total) == ("done", 18, 18)
    assert (job(res, job_b).state, job(res, job_b).done, job(res, job_b).total) == ("done", 18, 18)
    assert after_b_db == after_a_db == first_db
    assert after_b_signals == after_a_signals == first_signals


def test_cancel_stops_within_seconds_and_leaves_every_item_whole(res: Resources) -> None:
    ids = seed(res, 160)
    before_db, before_times = db_snapshot(res), processed_at(res)
    with res.engine.begin() as conn:
        job_id = jobs_repo.create_job(conn, "reprocess", {}, len(ids), datetime.now(UTC))
    groups = reingest.batches(ids, 80)
    reingest.register_batches(res, job_id, len(groups))
    workers = [threading.Thread(target=reingest.run_reprocess_batch, args=(res, job_id, n, g))
               for n, g in enumerate(groups)]
    for w in workers:
        w.start()
    try:
        wait_for(lambda: job(res, job_id).done >= 10, 30, what="re-process under way")
        asked = time.monotonic()
        job_tasks.cancel_job(res, job_id)
        for w in workers:
            w.join(10)
        stopped_in = time.monotonic() - asked
    finally:
        with res.engine.begin() as conn:  # never leave threads running, even on failure
            jobs_repo.request_cancel(conn, job_id, datetime.now(UTC))
        for w in workers:
            w.join(30)
    assert stopped_in < 5.0
    row = job(res, job_id)
    assert row.state == "cancelled"
    assert row.cancel_requested is True
    assert 10 <= row.done < len(ids)
    after_times = processed_at(res)
    redone = [i for i in ids if after_times[i] != before_times[i]]
    # every item is either fully re-processed (counted) or untouched; results are identical either way
    assert len(redone) == row.done
    assert db_snapshot(res) == before_db
    with res.engine.connect() as conn:
        states = conn.execute(sa.text("SELECT state, count(*) FROM items GROUP BY state")).all()
    assert [tuple(s) for s in states] == [("processed", len(ids))]


def start_worker(rasd: Rasd) -> Proc:
    """A real `celery worker` process on this deployment's env, with the jobs tasks included
    explicitly (so the test does not depend on the app's include list)."""
    log_path = rasd.data_dir / f"worker-{len(rasd.procs)}.log"
    log_file = open(log_path, "wb")  # noqa: SIM115 — closed by Proc.stop
    popen = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "worker.celery_app:app", "worker", "-I", "worker.tasks.jobs",
         "-Q", "fetch,process,alerts", "--concurrency", "2", "--without-gossip", "--without-mingle",
         "-n", "rasd-test@%h", "--loglevel", "INFO"],
        env=rasd.env, cwd=REPO, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)
    proc = Proc("worker", popen, log_path, log_file)
    rasd.procs.append(proc)
    return proc


@pytest.mark.xdist_group("celery")
def test_reprocess_job_runs_on_a_real_worker(tmp_path: Path, redis_url: str, redis_client: redis.Redis,
                                             res: Resources) -> None:
    with deployment(tmp_path, redis_url, res.settings.effective_database_url) as rasd:
        ids = seed(res, 30)
        before_db, before_signals = db_snapshot(res), signal_snapshot(redis_client)
        start_worker(rasd)
        job_id = job_tasks.submit_reprocess(res, None, None, None, batch_size=8)
        rasd.wait_for(lambda: job(res, job_id).state == "done", 60, "re-process job done on the worker")
        row = job(res, job_id)
        assert (row.done, row.total, row.error) == (len(ids), len(ids), None)
        assert db_snapshot(res) == before_db
        assert signal_snapshot(redis_client) == before_signals


FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>محلي</title>
<item><guid>loc-1</guid><title>اشتباكات في ريف حماة الشمالي</title><link>https://local.example.org/1</link>
<description>اندلعت اشتباكات عنيفة في ريف حماة الشمالي.</description></item>
<item><guid>loc-2</guid><title>قصف على أطراف درعا البلد</title><link>https://local.example.org/2</link>
<description>تعرضت أطراف درعا البلد لقصف مدفعي.</description></item></channel></rss>"""

PAGE = """<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>موقع الأخبار</title></head><body>
<nav>الرئيسية | سياسة | اقتصاد</nav><article><h1>سقوط قذائف على حي سكني في حلب</h1>
<p>سقطت عدة قذائف صباح اليوم على حي سكني في مدينة حلب، ما أدى إلى مقتل أربعة مدنيين وإصابة تسعة آخرين بجروح
متفاوتة، بحسب ما أفاد به الدفاع المدني في بيان نشره على صفحته.</p>
<p>وأوضح البيان أن فرق الإسعاف نقلت المصابين إلى المستشفى الجامعي، وأن الأضرار طالت عدداً من المباني والمحال
التجارية في الشارع الرئيسي للحي، فيما عملت فرق أخرى على إزالة الركام وفتح الطرقات أمام حركة السيارات.</p>
<p>ويأتي هذا القصف بعد أيام من هدوء نسبي شهدته المدينة، وسط مخاوف السكان من تجدد التصعيد في الأسابيع المقبلة
مع استمرار التوتر على خطوط التماس في الريف الغربي.</p></article><footer>جميع الحقوق محفوظة</footer></body></html>"""


@pytest.mark.xdist_group("celery")
def test_reingest_url_stores_a_feed_or_an_article_page_on_a_real_worker(
        tmp_path: Path, redis_url: str, res: Resources, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(FEED, content_type="application/rss+xml; charset=utf-8")
    httpserver.expect_request("/news/aleppo").respond_with_data(PAGE, content_type="text/html; charset=utf-8")
    with deployment(tmp_path, redis_url, res.settings.effective_database_url) as rasd:
        start_worker(rasd)
        feed_job = job_tasks.submit_reingest_url(res, httpserver.url_for("/feed.xml"))
        page_job = job_tasks.submit_reingest_url(res, httpserver.url_for("/news/aleppo"))
        for job_id in (feed_job, page_job):
            rasd.wait_for(lambda j=job_id: job(res, j).state in ("done", "failed"), 60, "re-ingest job ended")
        feed_row, page_row = job(res, feed_job), job(res, page_job)
        assert (feed_row.state, feed_row.outcome["kind"], feed_row.outcome["new"]) \
            == ("done", "feed", 2)
        assert (page_row.state, page_row.outcome["kind"], page_row.outcome["new"]) \
            == ("done", "article", 1)
        page_item = page_row.outcome["item_ids"][0]
        rasd.wait_for(lambda: rasd.scalar(f"SELECT state FROM items WHERE id = {page_item}") == "processed", 60,
                      "the article page processed")
        with res.engine.connect() as conn:
            item = conn.execute(sa.text("SELECT feed_id, source, title, content, canonical_url FROM items "
                                        f"WHERE id = {page_item}")).one()
            totals = conn.execute(sa.text(f"SELECT totals FROM articles WHERE item_id = {page_item}")).scalar()
        assert item.feed_id is None
        assert item.source == "localhost"
        assert item.title == "سقوط قذائف على حي سكني في حلب"
        assert "مقتل أربعة مدنيين وإصابة تسعة آخرين" in item.content.replace("\n", " ")
        assert "جميع الحقوق محفوظة" not in item.content
        assert item.canonical_url == httpserver.url_for("/news/aleppo").replace("http://", "https://")
        # Raw SQL returns the JSON column as text on SQLite.
        assert (json.loads(totals) if isinstance(totals, str) else totals) == {"killed": 4, "injured": 9}
        # the same page again is the same item (key = canonical URL), not a second one
        again = job_tasks.submit_reingest_url(res, httpserver.url_for("/news/aleppo"))
        rasd.wait_for(lambda: job(res, again).state == "done", 60, "second re-ingest done")
        assert job(res, again).params["outcome"]["new"] == 0
        assert rasd.scalar("SELECT count(*) FROM items WHERE feed_id IS NULL") == 3


def test_items_caught_in_a_redis_outage_are_retried_together_and_not_charged_an_attempt(
        res: Resources, tmp_path: Path) -> None:
    with res.engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, "https://news.example.org/rss", T0, name="مثال")
    parsed = [ParsedItem(guid=f"item-{i}", link=f"https://news.example.org/a/{i}", title=article_text(i)[0],
                         summary="", content=article_text(i)[1], published=T0 + timedelta(minutes=i)) for i in range(5)]
    ids = sorted(store_items(res.engine, feed_id, "مثال", parsed, T0 + timedelta(days=2)).new)
    # The same database, and a Redis that refuses connections (nothing listens on the port).
    down = Resources(res.settings.with_redis(f"redis://127.0.0.1:{free_port()}/0"))
    try:
        result = process_batch(down, ids, T0 + timedelta(days=2), allow_fulltext=False)
    finally:
        down.close()
    assert (result.processed, result.failed, result.outage, result.dead) == (0, ids, ids, [])
    assert retries(result, chunk=3) == [ids[:3], ids[3:]]  # together, in process-sized chunks
    with res.engine.connect() as conn:
        rows = conn.execute(sa.select(items.c.state, items.c.attempts, items.c.last_error)
                            .where(items.c.id.in_(ids))).all()
    assert {(state, attempts) for state, attempts, _ in rows} == {("pending", 0)}
    assert all(error.startswith("ConnectionError") for _, _, error in rows)
    # Redis is back: the retry is a fresh batch and stores every item.
    again = process_batch(res, ids, T0 + timedelta(days=2), allow_fulltext=False)
    assert (again.processed, again.failed, again.outage) == (5, [], [])


def test_a_redelivered_process_task_skips_stored_items_and_never_parks_them(res: Resources) -> None:
    """A batch lost after its items were stored comes back from the broker: the queue's path must not
    charge those items another attempt, or enough redeliveries park stored articles as dead."""
    with res.engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, "https://news.example.org/rss", T0, name="مثال")
    parsed = [ParsedItem(guid=f"redelivered-{i}", link=f"https://news.example.org/r/{i}", title=article_text(i)[0],
                         summary="", content=article_text(i)[1], published=T0 + timedelta(minutes=i)) for i in range(3)]
    ids = sorted(store_items(res.engine, feed_id, "مثال", parsed, T0 + timedelta(days=2)).new)
    first = process_batch(res, ids, T0 + timedelta(days=2), allow_fulltext=False, pending_only=True)
    assert (first.processed, first.failed, first.dead) == (3, [], [])
    for _ in range(res.settings.max_attempts + 1):
        again = process_batch(res, ids, T0 + timedelta(days=2), allow_fulltext=False, pending_only=True)
        assert (again.processed, again.failed, again.dead) == (0, [], [])
    with res.engine.connect() as conn:
        rows = conn.execute(sa.select(items.c.state, items.c.attempts).where(items.c.id.in_(ids))).all()
    assert sorted(rows) == [("processed", 1)] * 3
    # Re-processing means to redo stored items: without pending_only they are processed again.
    redo = process_batch(res, ids, T0 + timedelta(days=2), allow_fulltext=False)
    assert (redo.processed, redo.failed, redo.dead) == (3, [], [])
