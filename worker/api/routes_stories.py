"""Stories as events: filters, full-text search, cursor pages; JSON, CSV or GeoJSON."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query

from worker.api.auth import Reader, Res
from worker.api.formats import Format, csv_response, format_responses, geojson_response
from worker.api.schemas import Problem, StoryPage, as_utc
from worker.services import exports
from worker.services.stories import MAX_QUERY_CHARS, BadQuery, StoryQuery, story_page

router = APIRouter(tags=["read"])


@router.get("/stories", response_model=StoryPage,
            responses={**format_responses(StoryPage), 400: {"model": Problem}})
def list_stories(
    res: Res, _: Reader,
    region: Annotated[str | None, Query(max_length=200, description="region key, English or Arabic name")] = None,
    country: Annotated[str | None, Query(max_length=2, description="ISO 3166-1 alpha-2")] = None,
    since: Annotated[datetime | None, Query(description="event time from (inclusive); naive = UTC")] = None,
    until: Annotated[datetime | None, Query(description="event time until (exclusive); naive = UTC")] = None,
    min_killed: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    severity: Annotated[Literal["watch", "warning", "critical"] | None,
                        Query(description="behind an alert of at least this severity")] = None,
    q: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS,
                                   description="words that must all appear in the title or text")] = None,
    cursor: Annotated[str | None, Query(max_length=100, description="next_cursor of the previous page")] = None,
    format: Format = "json",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    """One row per story (a real-world report and its syndicated copies), newest event first.
    killed/injured are the story's conservative figures: the largest any copy reports, never a sum."""
    sq = StoryQuery(region=region, country=country, since=as_utc(since), until=as_utc(until), min_killed=min_killed,
                    severity=severity, q=q, cursor=cursor, limit=limit)
    try:
        with res.engine.connect() as conn:
            views, nxt = story_page(conn, sq)
    except BadQuery as exc:
        raise HTTPException(status_code=400, detail=exc.reason) from None
    return render_stories(views, nxt, format)


def render_stories(views: list[dict[str, Any]], nxt: str | None, format: str) -> Any:
    if format == "csv":
        return csv_response(exports.to_csv(exports.STORY_COLUMNS, map(exports.story_record, views)), "stories", nxt)
    if format == "geojson":
        return geojson_response(exports.feature_collection(map(exports.story_feature, views)), nxt)
    return {"stories": views, "next_cursor": nxt}

