"""`rasd demo`: an offline tour. Serves the bundled sample feeds on 127.0.0.1, runs the service on a
separate data dir, registers the feeds, and shows items landing, being deduplicated and extracted.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from worker.alerts.receiver import WebhookReceiver, format_alert
from worker.alerts.signing import generate_secret
from worker.clock import utcnow
from worker.demo import demo_feed_files, serve_demo_feeds
from worker.demo.timeshift import shifted_copies
from worker.services.runner import ServiceGroup
from worker.settings import Settings
from worker.states import ItemState
from worker.store import feeds_repo
from worker.store.db import make_engine
from worker.store.tables import articles, items, webhooks

DEMO_ENV = {
    "RASD_FETCH_ALLOW_HOSTS": "127.0.0.1",
    "RASD_IMPORT_FEEDS_ON_START": "false",
    "RASD_BEAT_POLL_SECONDS": "2",
    "RASD_FULLTEXT_MIN_CHARS": "0",  # demo items link to .invalid hosts: do not fetch pages
    "RASD_LOG_LEVEL": "WARNING",
    "RASD_API_OPEN_READS": "true",  # the dashboard opens without a token (the demo binds to 127.0.0.1)
    "RASD_API_HOST": "127.0.0.1",
}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_settings(data_dir: Path) -> Settings:
    for key, value in DEMO_ENV.items():
        os.environ[key] = value
    os.environ["RASD_DATA_DIR"] = str(data_dir)
    os.environ.pop("RASD_DATABASE_URL", None)
    os.environ.pop("RASD_REDIS_URL", None)
    os.environ.setdefault("RASD_API_PORT", str(_free_port()))
    return Settings()


def counts(engine: sa.Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        n_items = conn.execute(sa.select(sa.func.count()).select_from(items)).scalar_one()
        n_done = conn.execute(sa.select(sa.func.count()).select_from(items).where(items.c.state != ItemState.PENDING)
                              ).scalar_one()
        n_stories = conn.execute(sa.select(sa.func.count(sa.distinct(articles.c.story_id)))).scalar_one()
    return int(n_items), int(n_done), int(n_stories)


def run_demo(console: Console, data_dir: Path, timeout: float = 180.0) -> int:
    if data_dir.exists():  # a fresh start every time: the demo's story is told from the beginning
        shutil.rmtree(data_dir)
    feed_dir = data_dir / "feeds"
    shifted_copies(demo_feed_files(), feed_dir, utcnow())
    files = sorted(feed_dir.glob("demo-*.xml"))
    secret = generate_secret()
    with serve_demo_feeds(feed_dir) as base_url, WebhookReceiver([secret]) as receiver:
        # the API's free port is picked once the feed server and the receiver hold theirs: a port picked
        # before them is released, and the receiver's bind to port 0 could be handed the same one
        settings = demo_settings(data_dir)
        console.print(f"[bold]Rasd demo[/bold]: serving {len(files)} sample feeds at {base_url} "
                      f"(data in {data_dir}); webhook receiver at {receiver.url}")
        group = ServiceGroup(settings, components=("worker", "beat", "api"))
        try:
            group.start()
            engine = make_engine(settings.effective_database_url)
            with engine.begin() as conn:
                for f in files:
                    feeds_repo.add_feed(conn, f"{base_url}/{f.name}", utcnow(), name=f.stem,
                                        interval=3600)
                conn.execute(sa.insert(webhooks).values(url=receiver.url, secret=secret,
                                                        created_at=utcnow()))
            expected = sum(f.read_bytes().count(b"<item>") + f.read_bytes().count(b"<entry>") for f in files)
            deadline = time.monotonic() + timeout
            last = (-1, -1, -1)
            while time.monotonic() < deadline:
                now_counts = counts(engine)
                if now_counts != last:
                    console.print(f"  items stored {now_counts[0]}/{expected}, processed {now_counts[1]}, "
                                  f"unique stories {now_counts[2]}")
                    last = now_counts
                if now_counts[0] >= expected and now_counts[1] >= now_counts[0]:
                    break
                if group.check():
                    console.print(f"[red]{group.check()} exited[/red]")
                    return 1
                time.sleep(0.5)
            else:
                console.print("[red]timed out waiting for the demo items[/red]")
                return 1
            show_articles(console, engine)
            engine.dispose()
            code, alert_id = wait_for_alert(console, receiver, deadline)
            if code == 0:
                url = f"http://{settings.api_host}:{settings.api_port}/#/alerts/{alert_id}"
                console.print(f"[bold]dashboard[/bold] (the alert's evidence and timeline): {url}")
                if sys.stdin.isatty():
                    console.print("serving the dashboard until Ctrl-C")
                    return group.wait_forever()
            return code
        finally:
            group.stop()


def wait_for_alert(console: Console, receiver: WebhookReceiver, deadline: float) -> tuple[int, str]:
    console.print("waiting for the escalation alert to reach the webhook receiver…")
    while time.monotonic() < deadline:
        verified = [r for r in receiver.deliveries if r.verified]
        if verified:
            for r in verified:
                console.print(f"[green]signature verified[/green] webhook-id {r.webhook_id}")
                console.print("  " + format_alert(r.body))
            return 0, str(verified[0].body["id"])
        time.sleep(0.5)
    console.print("[red]no alert was delivered before the deadline[/red]")
    return 1, ""


def show_articles(console: Console, engine: sa.Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(items.c.id, items.c.source, items.c.title, articles.c.story_id, articles.c.totals,
                      articles.c.regions)
            .join(articles, articles.c.item_id == items.c.id).order_by(items.c.event_time)
        ).all()
    table = Table("id", "feed", "story", "killed", "injured", "regions", "title", title="articles")
    for r in rows:
        totals = r.totals or {}
        regions = ", ".join(sorted({g["name_en"] for g in (r.regions or [])}))
        table.add_row(str(r.id), str(r.source)[:18], str(r.story_id), _n(totals.get("killed")),
                      _n(totals.get("injured")), regions[:30], str(r.title)[:50])
    console.print(table)


def _n(value: object) -> str:
    return "" if value is None else str(value)
