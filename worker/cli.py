"""`rasd`: the command line. Each command parses arguments, calls a service, and prints."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from worker.errors import RasdError
from worker.settings import Settings, get_settings

app = typer.Typer(help="Rasd — Arabic news monitoring: ingest feeds, extract casualties and entities, alert.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
feeds_app = typer.Typer(help="Manage feeds.", no_args_is_help=True)
reingest_app = typer.Typer(help="Fetch again / process again.", no_args_is_help=True)
articles_app = typer.Typer(help="Stored articles.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")
app.add_typer(reingest_app, name="reingest")
app.add_typer(articles_app, name="articles")

console = Console()
err = Console(stderr=True)


def now() -> datetime:
    return datetime.now(UTC)


def settings() -> Settings:
    return get_settings()


def engine() -> Any:
    from worker.resources import get_resources
    from worker.store.db import migrate

    s = settings()
    migrate(s.effective_database_url)
    return get_resources().engine


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


# --------------------------------------------------------------------------- service processes


@app.command()
def run() -> None:
    """Run the whole service (worker + beat + API), on an embedded Valkey + SQLite unless configured."""
    from worker.services.runner import ServiceGroup

    s = settings()
    group = ServiceGroup(s)
    try:
        group.start(on_ready=lambda url: err.print(
            f"[green]rasd running[/green]: API http://{s.api_host}:{s.api_port}  data {s.data_dir.resolve()}"
            "  (Ctrl-C stops everything)"))
    except RasdError as exc:
        group.stop()
        fail(exc.reason)
    raise typer.Exit(group.wait_forever())


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(help="worker processes")] = 2,
    queues: Annotated[str, typer.Option(help="queues to consume")] = "fetch,process,alerts",
) -> None:
    """Run a Celery worker (consumes the fetch, process and alerts queues)."""
    from worker.resources import resolve_redis_url

    try:
        resolve_redis_url(settings())
    except RasdError as exc:
        fail(exc.reason)
    from worker.celery_app import app as celery_app

    celery_app.worker_main(["worker", "-Q", queues, "--concurrency", str(concurrency), "--loglevel",
                            settings().log_level, "--without-gossip", "--without-mingle", "-n", "rasd@%h"])


@app.command()
def beat() -> None:
    """Run the scheduler (RedBeat: only one beat holds the lock at a time)."""
    from worker.resources import resolve_redis_url

    try:
        resolve_redis_url(settings())
    except RasdError as exc:
        fail(exc.reason)
    from worker.celery_app import app as celery_app

    celery_app.start(["beat", "--loglevel", settings().log_level])


@app.command()
def api() -> None:
    """Run the HTTP API (uvicorn)."""
    import uvicorn

    from worker.api.app import create_app

    s = settings()
    uvicorn.run(create_app(), host=s.api_host, port=s.api_port, log_level=s.log_level.lower())


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (and import the feed list on first start)."""
    from worker.services.setup import prepare_storage

    prepare_storage(settings())
    console.print("database is up to date")


# --------------------------------------------------------------------------- feeds


def _check_feed_url(url: str) -> None:
    from worker.feeds.ssrf import AllowList, check_url

    try:
        check_url(url, AllowList(settings().allow_hosts))
    except RasdError as exc:
        fail(f"refused {url}: {exc.reason}")


@feeds_app.command("add")
def feeds_add(url: str, name: Annotated[str, typer.Option()] = "",
              interval: Annotated[int | None, typer.Option(help="seconds between checks")] = None,
              country: Annotated[str | None, typer.Option()] = None) -> None:
    """Register a feed (checked by the SSRF guard)."""
    from worker.store import feeds_repo

    _check_feed_url(url)
    with engine().begin() as conn:
        feed_id = feeds_repo.add_feed(conn, url, now(), name=name, country=country,
                                      interval=interval or settings().poll_interval_default)
    console.print(f"feed {feed_id} added: {url}")


@feeds_app.command("list")
def feeds_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List feeds with their health (paused feeds show why)."""
    from worker.store import feeds_repo

    with engine().connect() as conn:
        rows = feeds_repo.list_feeds(conn)
    if as_json:
        for r in rows:
            sys.stdout.write(json.dumps(jsonable(r), ensure_ascii=False) + "\n")
        return
    table = Table("id", "name", "status", "errors", "next check", "last error / reason")
    for r in rows:
        status = "paused" if r["paused_reason"] else ("disabled" if not r["enabled"] else
                                                       ("failing" if r["error_count"] else "ok"))
        table.add_row(str(r["id"]), r["name"][:30], status, str(r["error_count"]),
                      jsonable(r["next_check_at"]), (r["paused_reason"] or r["last_error"] or "")[:70])
    console.print(table)


@feeds_app.command("remove")
def feeds_remove(feed_id: int) -> None:
    from worker.store import feeds_repo

    with engine().begin() as conn:
        if not feeds_repo.remove_feed(conn, feed_id):
            fail(f"no feed {feed_id}")
    console.print(f"feed {feed_id} removed")


@feeds_app.command("resume")
def feeds_resume(feed_id: int) -> None:
    """Resume a paused feed and check it now."""
    from worker.store import feeds_repo

    with engine().begin() as conn:
        if not feeds_repo.resume_feed(conn, feed_id, now()):
            fail(f"no feed {feed_id}")
    console.print(f"feed {feed_id} resumed")


@feeds_app.command("import")
def feeds_import(path: Path) -> None:
    """Import feeds from a YAML file (same format as schedules/feeds.yaml)."""
    from worker.services.setup import load_feed_file
    from worker.store import feeds_repo

    entries = load_feed_file(path)
    for e in entries:
        _check_feed_url(str(e["url"]))
    with engine().begin() as conn:
        n = feeds_repo.import_feeds(conn, entries, now(), settings().poll_interval_default)
    console.print(f"{n} feeds imported")


# --------------------------------------------------------------------------- re-ingest


@reingest_app.command("feed")
def reingest_feed(feed_id: int, force: Annotated[bool, typer.Option(help="ignore ETag/Last-Modified")] = False
                  ) -> None:
    """Fetch a feed now (on the workers)."""
    from worker.store import feeds_repo

    with engine().begin() as conn:
        if not feeds_repo.request_fetch(conn, feed_id, now(), force=force):
            fail(f"no feed {feed_id}")
    from worker.resources import resolve_redis_url

    try:
        resolve_redis_url(settings())
    except RasdError as exc:
        fail(exc.reason)
    from worker.tasks import fetch_feed

    fetch_feed.delay(feed_id, force)
    console.print(f"feed {feed_id} queued for fetch{' (forced)' if force else ''}")


# --------------------------------------------------------------------------- articles


@articles_app.command("list")
def articles_list(as_json: Annotated[bool, typer.Option("--json")] = False,
                  feed: Annotated[int | None, typer.Option()] = None,
                  since: Annotated[str | None, typer.Option(help="ISO time")] = None,
                  limit: Annotated[int, typer.Option()] = 50) -> None:
    """Stored articles, newest first."""
    from worker.services.views import article_view
    from worker.store import articles_repo

    since_dt = datetime.fromisoformat(since.replace("Z", "+00:00")) if since else None
    if since_dt and since_dt.tzinfo is None:
        since_dt = since_dt.replace(tzinfo=UTC)
    with engine().connect() as conn:
        rows = [article_view(r) for r in articles_repo.list_articles(conn, feed_id=feed, since=since_dt,
                                                                      limit=limit)]
    if as_json:
        for r in rows:
            sys.stdout.write(json.dumps(jsonable(r), ensure_ascii=False) + "\n")
        return
    table = Table("id", "source", "published", "story", "killed", "injured", "title")
    for r in rows:
        totals = r["totals"] or {}
        table.add_row(str(r["id"]), str(r["source"])[:20], jsonable(r["published"]) or "", str(r["story_id"] or ""),
                      str(totals.get("killed") if totals.get("killed") is not None else ""),
                      str(totals.get("injured") if totals.get("injured") is not None else ""), r["title"][:60])
    console.print(table)


# --------------------------------------------------------------------------- extract


@app.command()
def extract(path: Annotated[str, typer.Argument(help="file, or - for stdin")] = "-",
            as_json: Annotated[bool, typer.Option("--json")] = True) -> None:
    """Clean + extract one text and print one JSON object (casualties, totals, entities, keywords)."""
    from worker.pipeline import analyse

    raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    s = settings()
    result = analyse(raw, vague_bounds={"tens": s.vague_tens, "dozens": s.vague_dozens,
                                        "hundreds": s.vague_hundreds, "thousands": s.vague_thousands,
                                        "few": s.vague_few})
    out = result.to_json()
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=None if not as_json else 1) + "\n")


# --------------------------------------------------------------------------- status


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Queues, workers, feed health and dead-letter items."""
    from worker.services.status import collect_status

    report = collect_status(settings())
    if as_json:
        sys.stdout.write(json.dumps(jsonable(report), ensure_ascii=False) + "\n")
        return
    from worker.services.status import render_status

    render_status(console, report)


def main() -> None:
    try:
        app()
    except RasdError as exc:
        err.print(f"[red]error:[/red] {exc.reason}")
        sys.exit(2)


if __name__ == "__main__":
    main()
