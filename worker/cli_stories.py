"""`rasd stories list`: stories as events (the rows of ``GET /stories``), as a table, JSON lines, CSV or
GeoJSON, with the API's filters."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Annotated, Literal

import typer
from rich.table import Table

stories_app = typer.Typer(help="Stories as events (one row per real-world report and its copies).",
                          no_args_is_help=True)
OutFormat = Literal["table", "json", "csv", "geojson"]


def _time(value: str | None, name: str) -> datetime | None:
    from worker.cli import fail

    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except ValueError:
        fail(f"--{name}: not an ISO date or time: {value[:40]!r}")
        raise


@stories_app.command("list")
def stories_list(
    region: Annotated[str | None, typer.Option(help="region key, English or Arabic name")] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2")] = None,
    since: Annotated[str | None, typer.Option(help="event time from (ISO; naive = UTC)")] = None,
    until: Annotated[str | None, typer.Option(help="event time until, exclusive")] = None,
    min_killed: Annotated[int | None, typer.Option(min=0)] = None,
    severity: Annotated[str | None, typer.Option(help="behind an alert of at least: watch|warning|critical")] = None,
    q: Annotated[str | None, typer.Option("--q", "-q", help="words that must all appear")] = None,
    cursor: Annotated[str | None, typer.Option(help="next page (printed on stderr)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    format: Annotated[str, typer.Option("--format", help="table | json | csv | geojson")] = "table",
) -> None:
    """Stories, newest event first: killed/injured are the largest figure any copy gives, never a sum."""
    from worker.api.routes_stories import render_stories
    from worker.cli import console, err, fail, jsonable
    from worker.cli_admin import resources
    from worker.services.stories import BadQuery, StoryQuery, story_page

    if format not in ("table", "json", "csv", "geojson"):
        fail(f"--format must be table, json, csv or geojson, not {format!r}")
    if severity is not None and severity not in ("watch", "warning", "critical"):
        fail(f"--severity must be watch, warning or critical, not {severity!r}")
    sq = StoryQuery(region=region, country=country, since=_time(since, "since"), until=_time(until, "until"),
                    min_killed=min_killed, severity=severity, q=q, cursor=cursor, limit=limit)
    try:
        with resources().engine.connect() as conn:
            views, nxt = story_page(conn, sq)
    except BadQuery as exc:
        fail(exc.reason)
        return
    if format == "csv":
        sys.stdout.write(render_stories(views, nxt, "csv").body.decode("utf-8").lstrip("\ufeff"))
    elif format == "geojson":
        sys.stdout.write(render_stories(views, nxt, "geojson").body.decode("utf-8") + "\n")
    elif format == "json":
        for v in views:
            sys.stdout.write(json.dumps(jsonable(v), ensure_ascii=False) + "\n")
    else:
        table = Table("story", "first published", "articles", "sources", "regions", "killed", "injured", "title")
        for v in views:
            table.add_row(str(v["id"]), jsonable(v["first_published"]), str(v["article_count"]),
                          str(v["source_count"]), ", ".join(r["name_en"] or "" for r in v["regions"])[:40],
                          "" if v["killed"] is None else str(v["killed"]),
                          "" if v["injured"] is None else str(v["injured"]), v["title"][:60])
        console.print(table)
    if nxt:
        err.print(f"next page: --cursor {nxt}")
