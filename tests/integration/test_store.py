"""Storage on both engines: migrations, idempotent upserts, due-feed claiming, story aggregation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from pytest_httpserver import HTTPServer
from sqlalchemy.engine import Engine

from worker.store import articles_repo, feeds_repo, items_repo
from worker.store.db import migrate
from worker.store.items_repo import NewItem
from worker.store.tables import items, metadata, stories

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def new_item(key: str, title: str, content_hash: str) -> NewItem:
    return NewItem(key, content_hash, {"guid": key, "url": f"https://example.org/{key}", "canonical_url":
                                       f"https://example.org/{key}", "title": title, "summary": "", "content": "",
                                       "published": T0, "event_time": T0})


def test_migration_creates_every_table_and_is_idempotent(engine: Engine) -> None:
    migrate(engine.url.render_as_string(hide_password=False))
    names = set(sa.inspect(engine).get_table_names())
    assert {t.name for t in metadata.sorted_tables} <= names
    assert "alembic_version" in names
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_item_upsert_is_idempotent_and_detects_changes(engine: Engine) -> None:
    with engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, "https://example.org/rss", T0, name="Example")
        first = items_repo.upsert_items(conn, feed_id, "Example", [new_item("a", "قصف", "h1"),
                                                                  new_item("b", "غارة", "h2")], T0)
    assert (len(first.new), first.updated, first.unchanged) == (2, [], 0)
    with engine.begin() as conn:
        again = items_repo.upsert_items(conn, feed_id, "Example", [new_item("a", "قصف", "h1"),
                                                                  new_item("b", "غارة محدثة", "h3"),
                                                                  new_item("b", "غارة محدثة", "h3")], T0)
    assert (again.new, again.updated, again.unchanged) == ([], [first.new[1]], 2)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(items.c.unique_key, items.c.title, items.c.published)
                            .order_by(items.c.id)).all()
    assert [(r[0], r[1]) for r in rows] == [("a", "قصف"), ("b", "غارة محدثة")]
    assert rows[0][2] == T0  # timezone-aware UTC round trip on both engines


def test_attempts_are_counted_per_item_and_taken_back(engine: Engine) -> None:
    with engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, "https://example.org/rss", T0, name="Example")
        a, b = items_repo.upsert_items(conn, feed_id, "Example", [new_item("a", "قصف", "h1"),
                                                                  new_item("b", "غارة", "h2")], T0).new
    with engine.begin() as conn:
        assert items_repo.mark_attempts(conn, [a, b]) == {a: 1, b: 1}
    with engine.begin() as conn:
        assert items_repo.mark_attempts(conn, [b, 10_000]) == {b: 2}  # an unknown id counts nothing
        items_repo.uncount_attempts(conn, [a, b])
        assert items_repo.mark_attempts(conn, []) == {}
    with engine.connect() as conn:
        assert dict(conn.execute(sa.select(items.c.id, items.c.attempts)).all()) == {a: 0, b: 1}


def test_claim_due_leases_feeds_and_respects_pause(engine: Engine) -> None:
    with engine.begin() as conn:
        ids = [feeds_repo.add_feed(conn, f"https://example.org/{i}.xml", T0) for i in range(3)]
        feeds_repo.record_failure(conn, ids[2], T0, reason="boom", status=500, next_check_at=T0,
                                  pause_reason="paused after 8 consecutive failures")
    with engine.begin() as conn:
        claimed = feeds_repo.claim_due(conn, T0 + timedelta(seconds=1), 10, timedelta(minutes=10))
    assert claimed == ids[:2]
    with engine.begin() as conn:  # leased: not claimable again until the lease ends
        assert feeds_repo.claim_due(conn, T0 + timedelta(minutes=5), 10, timedelta(minutes=10)) == []
        assert feeds_repo.claim_due(conn, T0 + timedelta(minutes=11), 10, timedelta(minutes=10)) == ids[:2]
        feed = feeds_repo.get_feed(conn, ids[2])
    assert feed is not None and feed.paused_reason == "paused after 8 consecutive failures"
    assert feed.error_count == 1 and feed.last_error == "boom"


def test_story_totals_are_the_maximum_over_copies(engine: Engine) -> None:
    with engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, "https://example.org/rss", T0)
        out = items_repo.upsert_items(conn, feed_id, "Example", [new_item("a", "t", "1"), new_item("b", "t", "2")],
                                      T0)
        a, b = out.new
        previous = articles_repo.save_articles(conn, [{
            "item_id": item_id, "story_id": a, "duplicate_of": None, "similarity": 1.0, "text_clean": "x",
            "removed_paragraphs": 0, "casualties": [], "totals": totals, "entities": [], "keywords": [],
            "escalation_score": 0.5, "regions": [], "processed_at": T0}
            for item_id, totals in ((a, {"killed": 20, "injured": None}), (b, {"killed": 27, "injured": 5}))])
        assert previous == {a: None, b: None}
        story = articles_repo.refresh_stories(conn, {a}, T0)[a]
    assert story.totals == {"killed": 27, "injured": 5}
    assert story.size == 2
    assert story.sources == ["Example"]


def test_a_story_refreshed_from_the_batch_rows_equals_one_read_back(engine: Engine) -> None:
    """What processing does: the batch's rows are handed over as saved and only the story's older
    articles are read. Stories (including one an article moved out of) come out as from a full read."""
    regions = [{"country": "SY", "level": "admin1", "name_en": "Idlib", "lat": 35.9, "lon": 36.6}]
    keywords = [{"term": "قصف", "weight": 1.0}]
    with engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, "https://example.org/rss", T0)
        a, b, c = items_repo.upsert_items(conn, feed_id, "Example", [new_item(k, f"title {k}", k) for k in "abc"],
                                          T0).new

        def row(item_id: int, story_id: int, killed: int) -> dict[str, object]:
            return {"item_id": item_id, "story_id": story_id, "duplicate_of": None, "similarity": 0.8,
                    "text_clean": "x", "removed_paragraphs": 0, "casualties": [],
                    "totals": {"killed": killed, "injured": None}, "entities": [], "keywords": keywords,
                    "escalation_score": 0.25 * killed, "regions": regions, "processed_at": T0}

        articles_repo.save_articles(conn, [row(a, a, 4), row(c, a, 1)])  # an earlier batch: c joined a
        articles_repo.refresh_stories(conn, {a}, T0)
    batch = [row(b, a, 9), row(c, c, 2)]  # b joins story a; c is re-processed into a story of its own
    with engine.connect() as conn:
        item_rows = {i.id: i for i in items_repo.get_items(conn, [b, c])}
    fresh = [{**{k: r[k] for k in articles_repo.STORY_ARTICLE_INPUTS},
              **{k: getattr(item_rows[r["item_id"]], k) for k in articles_repo.STORY_ITEM_INPUTS}} for r in batch]
    results = []
    for given in (fresh, None):
        with engine.begin() as conn:
            articles_repo.save_articles(conn, batch)
            results.append(articles_repo.refresh_stories(conn, {a, c}, T0 + timedelta(minutes=1), fresh=given))
            conn.rollback()
    assert results[0] == results[1]
    story_a, story_c = results[0][a], results[0][c]
    assert (story_a.size, story_a.totals, story_a.escalation_score, story_a.title) == \
        (2, {"killed": 9, "injured": None}, 2.25, "title a")
    assert (story_c.size, story_c.totals, story_c.keywords) == (1, {"killed": 2, "injured": None}, {"قصف": 1})
    assert story_a.regions == [{**regions[0], "since": [a, 0]}]  # its first mention: article a, first place


def test_a_changed_feed_stores_only_what_changed_and_remembers_its_items(engine: Engine, httpserver: HTTPServer
                                                                          ) -> None:
    """Fetched twice over real HTTP: the second body's known item is skipped before parsing, the new
    and the edited item are stored exactly as a full parse would; a forced fetch parses everything."""
    from tests.unit.test_known_items import HEADERS, item, rss
    from worker.feeds.fetch import Fetcher
    from worker.feeds.known_items import DIGEST_SIZE
    from worker.services.ingest import fetch_and_store
    from worker.settings import Settings

    settings = Settings(_env_file=None, fetch_allow_hosts="127.0.0.1")  # type: ignore[call-arg]
    url = httpserver.url_for("/rss.xml")
    with engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, url, T0, name="مرصد")
    bodies = [rss([item(2), item(1)]), rss([item(3), item(2), item(1, town="إدلب")])]
    with Fetcher(settings) as fetcher:
        outcomes = []
        for k, body in enumerate([*bodies, bodies[1]]):
            httpserver.clear()
            httpserver.expect_request("/rss.xml").respond_with_data(body, content_type=HEADERS["content-type"])
            outcomes.append(fetch_and_store(engine, fetcher, settings, feed_id, T0 + timedelta(minutes=k),
                                            force=k == 2))
    first, second, forced = outcomes
    assert (first.status, len(first.new_ids), first.updated_ids, first.unchanged) == ("ok", 2, [], 0)
    with engine.connect() as conn:
        stored = {r.guid: r for r in conn.execute(sa.select(items.c.id, items.c.guid, items.c.title))}
        digests = feeds_repo.item_digests(conn, feed_id)
    assert (second.new_ids, second.updated_ids, second.unchanged) == ([stored["sy-3"].id], [stored["sy-1"].id], 1)
    assert (forced.new_ids, forced.updated_ids, forced.unchanged) == ([], [], 3)
    assert stored["sy-1"].title == "قصف على إدلب (تقرير 1)"
    assert sorted(stored) == ["sy-1", "sy-2", "sy-3"]
    assert digests is not None and len(digests) == 3 * DIGEST_SIZE


def _region(name: str) -> dict[str, object]:
    return {"country": "SY", "level": "admin1", "name_en": name, "lat": 35.0, "lon": 36.0}


def test_stories_extended_in_place_equal_stories_recomputed_from_all_their_articles(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Processing's path: the story rows read under the lock are extended by new articles, also ones
    older than the story's first, and only stories that lost or re-processed an article are read back.
    After every batch the stories equal a full recomputation, and the full read ran only where needed."""
    with engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, "https://example.org/rss", T0)
        ids: dict[str, int] = {}
        for k, source in zip("abcdef", ["North", "Coast", "North", "Coast", "East", "North"], strict=True):
            event = T0 + timedelta(minutes={"a": 5, "b": 1, "c": 9, "d": 3, "e": 0, "f": 7}[k])
            item = NewItem(k, k, {"guid": k, "url": f"https://example.org/{k}", "canonical_url":
                                  f"https://example.org/{k}", "title": f"title {k}", "summary": "", "content": "",
                                  "published": event, "event_time": event})
            ids[k] = items_repo.upsert_items(conn, feed_id, source, [item], T0 + timedelta(seconds=len(ids))).new[0]
    a, b, c, d, e, f = (ids[k] for k in "abcdef")
    read_back: list[set[int]] = []
    other_articles = articles_repo._other_articles

    def spy(conn: sa.Connection, story_ids: set[int], saved: list[int]) -> list[dict[str, object]]:
        read_back.append(set(story_ids))
        return other_articles(conn, story_ids, saved)

    monkeypatch.setattr(articles_repo, "_other_articles", spy)

    def article(item_id: int, story_id: int, killed: int | None, regions: list[str], score: float) -> dict[str, object]:
        return {"item_id": item_id, "story_id": story_id, "duplicate_of": None, "similarity": 0.9,
                "text_clean": "x", "removed_paragraphs": 0, "casualties": [],
                "totals": {"killed": killed, "injured": None if killed is None else killed // 2},
                "entities": [], "keywords": [{"term": f"kw{item_id}", "weight": 1.0}],
                "escalation_score": score, "regions": [_region(r) for r in regions], "processed_at": T0}

    batches = [  # (articles, the stories read back in full)
        ([article(a, a, 4, ["Idlib"], 0.5)], set()),                                      # a new story
        ([article(c, a, 9, ["Aleppo", "Idlib"], 0.25), article(d, d, None, [], 0.0)], set()),  # c extends a
        ([article(b, a, 2, ["Hama", "Aleppo"], 1.5)], set()),     # b comes before c, and names Aleppo first
        ([article(e, a, None, ["Homs"], 0.0), article(f, d, 3, ["Daraa"], 0.75)], {d}),  # d written as before 0003
        ([article(c, d, 9, ["Aleppo"], 0.25)], {a}),              # c moves from a to d, before d's first
        ([article(a, a, 1, ["Raqqa"], 0.0)], {a}),                # the founder is re-processed
    ]
    now = T0 + timedelta(hours=1)
    for n, (batch, expected_read) in enumerate(batches):
        read_back.clear()
        if n == 3:  # a row from before first_item_id existed is recomputed once, then extended again
            with engine.begin() as conn:
                conn.execute(sa.update(stories).where(stories.c.id == d).values(first_item_id=None))
        with engine.begin() as conn:
            previous = articles_repo.save_articles(conn, batch)
            story_ids = {int(r["story_id"]) for r in batch} | {p for p in previous.values() if p is not None}
            stored = articles_repo.get_stories(conn, story_ids)
            item_rows = {i.id: i for i in items_repo.get_items(conn, [int(r["item_id"]) for r in batch])}
            fresh = [{**{k: r[k] for k in articles_repo.STORY_ARTICLE_INPUTS},
                      **{k: getattr(item_rows[r["item_id"]], k) for k in articles_repo.STORY_ITEM_INPUTS}}
                     for r in batch]
            given = articles_repo.refresh_stories(conn, story_ids, now, fresh, stored=stored, previous=previous)
        assert set().union(*read_back) == expected_read, f"batch {n}"
        with engine.begin() as conn:
            kept = articles_repo.get_stories(conn, {a, d})
            recomputed = articles_repo.refresh_stories(conn, {a, d}, now)
            conn.rollback()
        assert {sid: replace(s, updated_at=now) for sid, s in kept.items()} == \
            {sid: replace(s, updated_at=now) for sid, s in recomputed.items()}, f"batch {n}"
        assert {sid: given[sid] for sid in given if sid in recomputed} == \
            {sid: recomputed[sid] for sid in given if sid in recomputed}, f"batch {n}"
    story_a, story_d = kept[a], kept[d]
    assert (story_a.size, story_a.title, story_a.sources, story_a.totals, story_a.keywords) == \
        (3, "title a", ["Coast", "East", "North"], {"killed": 2, "injured": 1}, {f"kw{a}": 1})
    assert [r["name_en"] for r in story_a.regions or []] == ["Raqqa", "Hama", "Aleppo", "Homs"]
    assert (story_a.event_time, story_a.escalation_score, story_a.first_item_id) == (T0, 1.5, a)
    assert (story_d.size, story_d.title, story_d.sources, story_d.totals) == \
        (3, "title c", ["Coast", "North"], {"killed": 9, "injured": 4})
    assert [r["name_en"] for r in story_d.regions or []] == ["Aleppo", "Daraa"]
    assert (story_d.first_seen, story_d.event_time, story_d.first_item_id) == \
        (T0 + timedelta(seconds=2), T0 + timedelta(minutes=3), c)


def test_a_feed_added_without_a_name_is_named_after_its_title(engine: Engine, httpserver: HTTPServer) -> None:
    """Over real HTTP: the first fetch names the feed (and its items' source) after the channel title;
    a name given at registration is never replaced."""
    from tests.unit.test_known_items import HEADERS, item, rss
    from worker.feeds.fetch import Fetcher
    from worker.services.ingest import fetch_and_store
    from worker.settings import Settings

    settings = Settings(_env_file=None, fetch_allow_hosts="127.0.0.1")  # type: ignore[call-arg]
    unnamed, named = httpserver.url_for("/a.xml"), httpserver.url_for("/b.xml")
    with engine.begin() as conn:
        a = feeds_repo.add_feed(conn, unnamed, T0)
        b = feeds_repo.add_feed(conn, named, T0, name="اسمي")
        assert (feeds_repo.find_feed(conn, unnamed), feeds_repo.find_feed(conn, "https://nowhere.example/")) == (a, None)
    for path in ("/a.xml", "/b.xml"):
        httpserver.expect_request(path).respond_with_data(rss([item(1)]), content_type=HEADERS["content-type"])
    with Fetcher(settings) as fetcher:
        for feed_id in (a, b):
            assert fetch_and_store(engine, fetcher, settings, feed_id, T0).status == "ok"
    with engine.connect() as conn:
        names = {f.id: f.name for f in feeds_repo.list_feeds(conn)}
        last_new = {f.id: f.last_new_item_at for f in feeds_repo.list_feeds(conn)}
        sources = {int(r.feed_id): r.source for r in conn.execute(sa.select(items.c.feed_id, items.c.source))}
    assert names == {a: "مرصد الشمال", b: "اسمي"}
    assert sources == {a: "مرصد الشمال", b: "اسمي"}
    assert last_new == {a: T0, b: T0}
