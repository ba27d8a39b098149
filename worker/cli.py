"""`rasd`: the command line. Each command parses arguments, calls a service, and prints."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from worker.cli_common import (
    EXIT_ERROR,
    EXIT_USAGE,
    console,
    err,
    error_line,
    fail,
    parse_time,
    read_text_input,
)
from worker.clock import utcnow as now
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


# --------------------------------------------------------------------------- service processes


@app.command()
def run() -> None:
    """Run the whole service (worker + beat + API), on an embedded Valkey + SQLite unless configured."""
    from worker.services.runner import ServiceGroup

    s = settings()
    group = ServiceGroup(s)

    def ready(_url: str) -> None:
        for warning in group.warnings:
            err.print(f"[yellow]warning:[/yellow] {warning}")
        err.print(f"[green]rasd running[/green]: API http://{s.api_host}:{s.api_port}  data {s.data_dir.resolve()}"
                  "  (Ctrl-C stops everything)")

    try:
        group.start(on_ready=ready)
    except RasdError as exc:
        group.stop()
        fail(exc.reason)
    raise typer.Exit(group.wait_forever())


def _require_broker() -> None:
    """A reachable broker that will not evict keys, or a clear message and exit. A server that refuses
    connections is waited for up to ``broker_startup_wait`` seconds: a worker restarted while Redis
    restarts (or boots beside it) should start, not exit."""
    import time

    import redis

    from worker.broker import check_eviction_policy, redact_url
    from worker.resources import resolve_redis_url

    cfg = settings()
    where = redact_url(cfg.redis or "embedded Valkey")
    deadline = time.monotonic() + cfg.broker_startup_wait
    delay = 0.1
    while True:
        try:
            check_eviction_policy(resolve_redis_url(cfg))
            return
        except RasdError as exc:
            fail(exc.reason)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            left = deadline - time.monotonic()
            if isinstance(exc, redis.AuthenticationError) or left <= 0:
                fail(f"cannot reach Redis at {where}: {exc}")
            if delay == 0.1:
                err.print(f"Redis at {where} is not reachable yet; waiting up to {cfg.broker_startup_wait:g} s",
                          markup=False, highlight=False)
            time.sleep(min(delay, left))
            delay = min(delay * 2, 2.0)
        except Exception as exc:  # a bad URL and the like: say which server, without its password
            fail(f"cannot reach Redis at {where}: {exc}")


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(help="worker processes")] = 2,
    queues: Annotated[str, typer.Option(help="queues to consume")] = "fetch,process,alerts",
    hostname: Annotated[str, typer.Option(help="node name (unique per machine)")] = "rasd@%h",
) -> None:
    """Run a Celery worker (consumes the fetch, process and alerts queues)."""
    _require_broker()
    from worker.celery_app import app as celery_app

    celery_app.worker_main(["worker", "-Q", queues, "--concurrency", str(concurrency), "--loglevel",
                            settings().log_level, "--without-gossip", "--without-mingle", "-n", hostname])


@app.command()
def beat() -> None:
    """Run the scheduler (RedBeat: only one beat holds the lock at a time)."""
    _require_broker()
    from worker.celery_app import app as celery_app

    celery_app.start(["beat", "--loglevel", settings().log_level])


@app.command()
def api() -> None:
    """Run the HTTP API (uvicorn)."""
    import uvicorn

    from worker.api.app import create_app

    s = settings()
    from worker import metrics

    metrics.mark_process_up("api")
    # log_config=None: uvicorn keeps its hands off logging, so its lines join our JSON stream.
    uvicorn.run(create_app(), host=s.api_host, port=s.api_port, log_level=s.log_level.lower(), log_config=None)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (and import the feed list on first start)."""
    from worker.services.setup import prepare_storage

    for warning in prepare_storage(settings()):
        err.print(f"[yellow]warning:[/yellow] {warning}")
    console.print("database is up to date")


@app.command()
def demo(data_dir: Annotated[Path, typer.Option(help="where the demo keeps its data")] = Path("var/demo"),
         timeout: Annotated[float, typer.Option(help="seconds to wait for the pipeline")] = 180.0) -> None:
    """Offline tour: local sample feeds → worker → dedup and extraction → (alerts to a local receiver)."""
    from worker.services.demo import run_demo

    raise typer.Exit(run_demo(console, data_dir, timeout))


# --------------------------------------------------------------------------- feeds


@feeds_app.command("add")
def feeds_add(url: str, name: Annotated[str, typer.Option()] = "",
              interval: Annotated[int | None, typer.Option(help="seconds between checks")] = None,
              country: Annotated[str | None, typer.Option()] = None) -> None:
    """Register a feed (checked by the SSRF guard)."""
    from worker.services.feeds import add_feed

    try:
        feed, created = add_feed(engine(), settings(), url, now(), name=name, interval=interval, country=country)
    except RasdError as exc:
        fail(f"refused {url}: {exc.reason}", EXIT_USAGE)
    if not created:
        console.print(f"feed {feed.id} already registered: {feed.url} (its name, interval and country were "
                      "updated)", soft_wrap=True, highlight=False)
    else:
        console.print(f"feed {feed.id} added: {feed.url}"
                      + ("" if name else " (named after its title at the first fetch)"), soft_wrap=True,
                      highlight=False)


@feeds_app.command("list")
def feeds_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List feeds with their health (paused feeds show why)."""
    from worker.store import feeds_repo

    with engine().connect() as conn:
        rows = feeds_repo.list_feeds(conn)
    if as_json:
        for r in rows:
            sys.stdout.write(json.dumps(jsonable(r.as_dict()), ensure_ascii=False) + "\n")
        return
    table = Table("id", "name", "status", "errors", "next check", "last error / reason")
    for r in rows:
        status = "paused" if r.paused_reason else ("disabled" if not r.enabled else
                                                    ("failing" if r.error_count else "ok"))
        table.add_row(str(r.id), r.name[:30], status, str(r.error_count),
                      jsonable(r.next_check_at), (r.paused_reason or r.last_error or "")[:70])
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
    from worker.services.feeds import import_feeds
    from worker.services.setup import load_feed_file

    entries = load_feed_file(path)
    try:
        n = import_feeds(engine(), settings(), entries, now())
    except RasdError as exc:
        fail(f"refused a feed of {path}: {exc.reason}", EXIT_USAGE)
        return
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

    since_dt = parse_time(since, "--since")
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
            as_json: Annotated[bool, typer.Option("--json", help="one JSON object (the default)")] = True,
            pretty: Annotated[bool, typer.Option(help="indent the JSON")] = False,
            published: Annotated[str | None, typer.Option(help="publication date (ISO), resolves أمس etc.")] = None,
            ) -> None:
    """Clean + extract one text and print one JSON object (casualties, totals, entities, keywords)."""
    from worker.pipeline import analyse

    raw = read_text_input(path)
    try:  # the publication's own calendar day, whatever its offset
        reference = date.fromisoformat(published.strip()[:10]) if published else None
    except ValueError:
        fail(f"--published: not an ISO date: {published!r} (e.g. 2026-11-19)", EXIT_USAGE)
    s = settings()
    result = analyse(raw, vague_bounds={"tens": s.vague_tens, "dozens": s.vague_dozens,
                                        "hundreds": s.vague_hundreds, "thousands": s.vague_thousands,
                                        "few": s.vague_few},
                     reference=reference)
    out = result.to_json()
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2 if pretty else None) + "\n")


# --------------------------------------------------------------------------- replay and alerts


@app.command()
def replay(paths: Annotated[list[Path], typer.Argument(help="RSS/Atom files or .jsonl articles")],
           as_json: Annotated[bool, typer.Option("--json")] = False,
           allow_partial: Annotated[bool, typer.Option(
               "--allow-partial", help="exit 0 even when some input lines or files were skipped")] = False) -> None:
    """Ingest files through the full pipeline in event time, then print a summary.

    Exits with status 1 when input was skipped (unreadable lines or files) unless --allow-partial.

    Uses the running service's Valkey and database when there is one; otherwise starts an
    embedded Valkey for the duration of the command.
    """
    from rich.progress import Progress

    from worker.broker import EmbeddedValkey
    from worker.resources import Resources, resolve_redis_url, set_resources
    from worker.services.replay import replay_paths
    from worker.services.setup import prepare_storage

    s = settings()
    embedded: EmbeddedValkey | None = None
    try:
        resolve_redis_url(s)
    except RasdError:
        embedded = EmbeddedValkey(s.data_dir / "valkey").start()
        s = s.with_redis(embedded.url)
    try:
        prepare_storage(s.model_copy(update={"import_feeds_on_start": False}))
        res = Resources(s)
        set_resources(res)
        # No auto-refresh thread: replay forks extraction workers, and a fork must not copy a lock
        # held by another thread.
        with Progress(console=err, transient=True, disable=as_json, auto_refresh=False) as progress:
            task = progress.add_task("processing", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)
                progress.refresh()

            summary = replay_paths(res, paths, now(), on_progress=advance)
        res.close()
    finally:
        if embedded is not None:
            embedded.stop()
    out = summary.to_json()
    if as_json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    else:
        console.print(f"{out['items_read']} items read from {out['files']} files: {out['new']} new, "
                      f"{out['updated']} updated, {out['unchanged']} unchanged")
        console.print(f"{out['processed']} processed ({out['articles_per_second']} articles/s), "
                      f"{out['unique_stories']} unique stories, {len(out['alerts'])} alerts")
        console.print(f"{out['skipped_lines']} input lines skipped, {out['unreadable_dates']} unreadable dates")
        for e in out["errors"]:
            err.print(f"[yellow]warning:[/yellow] {e}")
    if summary.skipped_lines and not allow_partial:
        err.print(f"[red]error:[/red] {summary.skipped_lines} input lines skipped "
                  "(fix them, or pass --allow-partial to accept partial input)")
        raise typer.Exit(1)


alerts_app = typer.Typer(help="Alerts raised by the spike detector.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("list")
def alerts_list(as_json: Annotated[bool, typer.Option("--json")] = False,
                since: Annotated[str | None, typer.Option(help="ISO time")] = None,
                limit: Annotated[int, typer.Option(min=1)] = 100,
                offset: Annotated[int, typer.Option(min=0, help="skip this many (to page)")] = 0,
                all_: Annotated[bool, typer.Option("--all", help="every stored alert, ignoring --limit")] = False,
                ) -> None:
    """Stored alerts, newest first (one JSON object a line with --json).

    When more alerts exist than are shown, says so on stderr with the --offset of the next page.
    """
    from worker.store import alerts_repo

    since_at = parse_time(since, "--since")
    with engine().connect() as conn:
        total = alerts_repo.count_alerts(conn, since=since_at)
        rows = alerts_repo.list_alerts(conn, since=since_at, limit=max(total, 1) if all_ else limit, offset=offset)
    if as_json:
        for r in rows:
            sys.stdout.write(json.dumps(r.payload, ensure_ascii=False) + "\n")
    else:
        table = Table("created", "severity", "region", "window", "stories", "killed", "score")
        for r in rows:
            render_alert_row(table, r.payload)
        console.print(table)
    shown_to = offset + len(rows)
    if shown_to < total:
        err.print(f"showing alerts {offset + 1 if rows else offset}–{shown_to} of {total}; "
                  f"next page: --offset {shown_to} (or --all)")


def render_alert_row(table: Table, a: dict[str, Any]) -> None:
    colour = {"watch": "yellow", "warning": "dark_orange", "critical": "red"}.get(a["severity"], "white")
    table.add_row(a["created_at"], f"[{colour}]{a['severity']}[/{colour}]",
                  f"{a['region']['name_en']} / {a['region']['name_ar']} ({a['region']['country']})",
                  f"{a['window']['start']} → {a['window']['end']}", str(a["observed"]),
                  "" if a["casualties"]["killed"] is None else str(a["casualties"]["killed"]), str(a["score"]))


@alerts_app.command("watch")
def alerts_watch(from_start: Annotated[bool, typer.Option(help="show stored alerts first")] = False) -> None:
    """Print new alerts live as they are raised (Ctrl-C to stop)."""
    import redis as redis_lib

    from worker.keys import ALERT_STREAM
    from worker.resources import resolve_redis_url

    try:
        client = redis_lib.Redis.from_url(resolve_redis_url(settings()), socket_timeout=None)
    except RasdError as exc:
        fail(exc.reason)
        return
    last = "0" if from_start else "$"
    err.print("watching for alerts… (Ctrl-C to stop)")
    try:
        while True:
            reply: Any = client.xread({ALERT_STREAM: last}, block=5000) or []
            for _stream, entries in reply:
                for entry_id, fields in entries:
                    last = entry_id
                    alert = json.loads(fields[b"alert"])
                    table = Table("created", "severity", "region", "window", "stories", "killed", "score")
                    render_alert_row(table, alert)
                    console.print(table)
                    for story in alert["stories"][:5]:
                        console.print(f"   • {story['title']}  [dim]{', '.join(story['sources'])}[/dim]")
    except KeyboardInterrupt:
        pass


# --------------------------------------------------------------------------- status


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Queues, workers, feed health and dead-letter items."""
    from worker.services.status import collect_status

    report = collect_status(settings())
    if as_json:
        sys.stdout.write(json.dumps(jsonable(report), ensure_ascii=False) + "\n")
        return
    render_status(report)


def render_status(report: dict[str, Any]) -> None:
    """`rasd status` as tables (the service returns data; drawing it is the CLI's job)."""
    f = report["feeds"]
    console.print(f"[bold]feeds[/bold]: {f['total']} total, {f['ok']} ok, {len(f['failing'])} failing, "
                  f"{len(f['paused'])} paused")
    if f["paused"] or f["failing"]:
        t = Table("id", "name", "state", "errors", "reason")
        for r in f["paused"]:
            t.add_row(str(r["id"]), r["name"][:30], "paused", str(r["error_count"]), (r["paused_reason"] or "")[:80])
        for r in f["failing"][:20]:
            t.add_row(str(r["id"]), r["name"][:30], "failing", str(r["error_count"]), (r["last_error"] or "")[:80])
        console.print(t)
    console.print(f"[bold]items[/bold]: {report['items']}")
    if "broker_error" in report:
        console.print(f"[red]broker[/red]: {report['broker_error']}")
    else:
        console.print(f"[bold]queues[/bold]: {report['queues']}   [bold]workers[/bold]: {report['workers'] or 'none'}"
                      f"   [bold]beat tick age[/bold]: {report['beat_last_tick_age_s']} s")
    if report["dead_letters"]:
        t = Table("item", "feed", "attempts", "error", title="dead-letter items")
        for d in report["dead_letters"]:
            t.add_row(str(d["id"]), str(d["feed_id"]), str(d["attempts"]), (d["last_error"] or "")[:80])
        console.print(t)


def _register_admin_commands() -> None:
    from worker.cli_admin import reingest_url, reprocess, tokens_app, webhooks_app

    app.add_typer(tokens_app, name="tokens")
    from worker.cli_stories import stories_app

    app.add_typer(stories_app, name="stories")
    app.add_typer(webhooks_app, name="webhooks")
    app.command("reprocess")(reprocess)
    reingest_app.command("url")(reingest_url)
    from worker.cli_ner import ner_app

    app.add_typer(ner_app, name="ner")


_register_admin_commands()


def main() -> None:
    try:
        from worker.logging import configure_logging

        configure_logging(get_settings())
        app()
    except RasdError as exc:  # e.g. invalid settings: one line, no traceback
        error_line(exc)
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
