"""Issue bar: 200 syndicated copies of 20 stories, fetched and processed concurrently by two real
`celery worker` processes on a real Valkey → exactly 20 stories."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from pytest_httpserver import HTTPServer

from tests.integration.harness import deployment
from tests.unit.syndication import base_articles, syndicated

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]
FEEDS, STORIES = 10, 20


def feed_xml(feed: int) -> str:
    items = []
    for story, article in enumerate(base_articles()[:STORIES]):
        text = syndicated(article, seed=feed)
        items.append(f"<item><guid>f{feed}-s{story}</guid><title>{escape(article.title)}</title>"
                     f"<link>https://outlet{feed}.example.org/{story}</link>"
                     f"<description>{escape(text)}</description>"
                     f"<pubDate>Tue, 03 Feb 2026 {8 + story % 10:02d}:{feed:02d}:00 GMT</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>outlet {feed}</title>'
            f'{"".join(items)}</channel></rss>')


def test_two_workers_turn_200_copies_into_20_stories(tmp_path: Path, redis_url: str,
                                                     httpserver: HTTPServer) -> None:
    for feed in range(FEEDS):
        httpserver.expect_request(f"/feed{feed}.xml").respond_with_data(
            feed_xml(feed), content_type="application/rss+xml; charset=utf-8")
    with deployment(tmp_path, redis_url, extra_env={"RASD_BEAT_POLL_SECONDS": "3600"}) as rasd:
        for feed in range(FEEDS):
            assert rasd.cli("feeds", "add", httpserver.url_for(f"/feed{feed}.xml"), "--name", f"outlet{feed}",
                            "--interval", "3600").returncode == 0
        rasd.start("worker", "--concurrency", "1", "--hostname", "w1@%h", name="worker1")
        rasd.start("worker", "--concurrency", "1", "--hostname", "w2@%h", name="worker2")
        for feed in range(FEEDS):  # all at once: both workers fetch and process copies concurrently
            assert rasd.cli("reingest", "feed", str(feed + 1)).returncode == 0
        rasd.wait_for(lambda: rasd.scalar("SELECT count(*) FROM items WHERE state = 'processed'") == 200, 120,
                      "200 processed items")
        assert rasd.scalar("SELECT count(*) FROM items") == 200
        assert rasd.scalar("SELECT count(DISTINCT story_id) FROM articles") == STORIES
        assert rasd.scalar("SELECT count(*) FROM stories") == STORIES
        assert rasd.scalar("SELECT min(size) FROM stories") == FEEDS
        # every story holds copies of one base article only (the guid says which)
        mixed = rasd.scalar(
            "SELECT count(*) FROM (SELECT a.story_id FROM articles a JOIN items i ON i.id = a.item_id "
            "GROUP BY a.story_id HAVING count(DISTINCT substr(i.guid, instr(i.guid, '-') + 1)) > 1) AS m")
        assert mixed == 0
