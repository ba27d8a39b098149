"""Two batches with copies of one story, stored at the same time on PostgreSQL: the story counts both.

Copies of a report fetched from two feeds at once are processed by two workers. Each transaction
recomputes the story from its articles, and without a lock neither saw the other's uncommitted copy:
the one that committed last left the story with one article and one source.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import wait_for
from worker.models import ParsedItem
from worker.resources import Resources
from worker.services.ingest import store_items
from worker.services.process import BatchResult, process_batch
from worker.services.setup import prepare_storage
from worker.settings import Settings
from worker.store import articles_repo, feeds_repo
from worker.store.tables import articles, stories

pytestmark = [pytest.mark.integration]

T0 = datetime(2025, 2, 1, 8, 0, tzinfo=UTC)
TITLE = "مقتل سبعة مدنيين في قصف على سراقب"
BODY = ("قتل سبعة مدنيين وأصيب تسعة آخرون في قصف مدفعي استهدف مدينة سراقب شرقي إدلب صباح اليوم، "
        "بحسب ما أفاد به الدفاع المدني الذي قال إن فرقه انتشلت الضحايا من تحت الأنقاض. وأضاف أن القصف "
        "طال سوقاً شعبية وسط المدينة، فيما نزحت عائلات من الأحياء الشرقية نحو القرى المجاورة.")


@pytest.fixture()
def res(tmp_path: Path, redis_url: str, postgres_url: str) -> Iterator[Resources]:
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    settings = Settings(data_dir=tmp_path, redis_url=redis_url, database_url=postgres_url,
                        import_feeds_on_start=False)
    prepare_storage(settings)
    resources = Resources(settings)
    yield resources
    resources.close()


def store_copy(res: Resources, source: str, guid: str, body: str) -> int:
    with res.engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, f"https://{guid}.example.org/rss", T0, name=source)
    item = ParsedItem(guid=guid, link=f"https://{guid}.example.org/a/1", title=TITLE, summary="", content=body,
                      published=T0)
    return store_items(res.engine, feed_id, source, [item], T0 + timedelta(hours=1)).new[0]


def test_copies_stored_by_two_batches_at_once_both_count_in_their_story(
        res: Resources, monkeypatch: pytest.MonkeyPatch) -> None:
    original = store_copy(res, "وكالة الشمال", "north", BODY)
    copy = store_copy(res, "شبكة الساحل", "coast", f"{BODY}\nالمصدر: وكالات")
    refresh = articles_repo.refresh_stories
    refreshed, go = threading.Event(), threading.Event()
    holder: list[int] = []  # the first batch's backend

    def refresh_then_hold(conn: sa.Connection, *args: Any, **kwargs: Any) -> Any:
        out = refresh(conn, *args, **kwargs)
        if threading.current_thread().name == "first":  # its story row is written, not committed yet
            holder.append(int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()))
            refreshed.set()
            go.wait(30)
        return out

    monkeypatch.setattr(articles_repo, "refresh_stories", refresh_then_hold)
    results: dict[str, BatchResult] = {}

    def run(name: str, item_id: int) -> None:
        results[name] = process_batch(res, [item_id], T0 + timedelta(hours=1), allow_fulltext=False)

    first = threading.Thread(target=run, args=("first", original), name="first")
    second = threading.Thread(target=run, args=("second", copy), name="second")
    first.start()
    try:
        wait_for(refreshed.is_set, 30, what="the first batch to hold its story")
        second.start()
        with res.engine.connect() as conn:  # the second batch waits for the first one's transaction

            def second_is_blocked() -> bool:
                assert second.is_alive(), f"the second batch did not wait for the first: {results}"
                blocked = bool(conn.execute(sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE CAST(:holder AS integer) = ANY(pg_blocking_pids(pid))"),
                    {"holder": holder[0]}).scalar_one())
                conn.rollback()  # pg_stat_activity is a snapshot per transaction: each poll needs a new one
                return blocked

            wait_for(second_is_blocked, 30, what="the second batch waiting for the first one's transaction")
    finally:
        go.set()
        first.join(30)
        second.join(30)
    assert (results["first"].processed, results["second"].processed) == (1, 1)
    with res.engine.connect() as conn:
        assert sorted(conn.execute(sa.select(articles.c.item_id, articles.c.story_id)).all()) == [
            (original, original), (copy, original)]
        story = conn.execute(sa.select(stories)).mappings().one()
    assert (story["id"], story["size"], story["title"]) == (original, 2, TITLE)
    assert story["sources"] == sorted(["وكالة الشمال", "شبكة الساحل"])
