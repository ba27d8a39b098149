"""Regions: the catalogue with current story volume and alert level, and each region's timeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query

from worker.api.auth import Reader, Res
from worker.api.schemas import Problem, RegionSeriesOut, RegionSummary, as_utc
from worker.services import regions as catalogue
from worker.services.timelines import SpanError, region_series
from worker.signals.spikes import Params
from worker.store import alerts_repo, stories_repo

router = APIRouter(tags=["read"])
ALERT_CURRENT = timedelta(hours=24)


@router.get("/regions", response_model=list[RegionSummary], responses={400: {"model": Problem}})
def list_regions(res: Res, _: Reader,
                 since: Annotated[datetime | None, Query(description="count stories from (default: 7 days ago)")] = None,
                 all: Annotated[bool, Query(description="also regions with no story and no alert")] = False,
                 ) -> list[dict[str, Any]]:
    """Regions with their story volume since ``since`` (event time) and the highest severity of their
    alerts whose window ended in the last 24 hours."""
    now = datetime.now(UTC)
    start = as_utc(since) or now - timedelta(days=7)
    with res.engine.connect() as conn:
        volumes = stories_repo.region_volumes(conn, start)
        levels = alerts_repo.latest_severities(conn, now - ALERT_CURRENT)
    out = []
    for key, info in catalogue.catalogue().items():
        if all or key in volumes or key in levels:
            out.append({**info.to_json(), "stories": volumes.get(key, 0), "alert_severity": levels.get(key)})
    return out


@router.get("/regions/{key}/series", response_model=RegionSeriesOut,
            responses={400: {"model": Problem}, 404: {"model": Problem}})
def region_timeline(res: Res, _: Reader, key: Annotated[str, Path(max_length=200)],
                    scale: Literal["hour", "day"] = "hour",
                    since: Annotated[datetime | None, Query(description="default: 72 hours / 30 days before until")] = None,
                    until: Annotated[datetime | None, Query(description="default: now")] = None) -> dict[str, Any]:
    """Observed unique stories per bucket (event time), the baseline's expected value and ±2 sd band
    (the spike detector's own model, recomputed from the stored stories), and the alerts raised."""
    keys = catalogue.resolve(key)
    if not keys:
        raise HTTPException(status_code=404, detail=f"unknown region {key[:80]!r}")
    info = catalogue.info(keys[0])
    params = replace(Params.from_settings(res.settings), bucket_seconds=3600)
    try:
        with res.engine.connect() as conn:
            body = region_series(conn, keys[0], scale, as_utc(since), as_utc(until), datetime.now(UTC), params)
    except SpanError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    return {"region": info.to_json() if info else {"key": keys[0]}, **body}
