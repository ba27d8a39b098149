"""Read views: alerts (JSON or GeoJSON), articles, service status."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from worker.alerts.payload import to_feature_collection
from worker.api.auth import Reader, Res
from worker.api.schemas import MAX_ID, ArticleOut, FeatureCollection, as_utc
from worker.services.views import article_view
from worker.store import alerts_repo, articles_repo

router = APIRouter(tags=["read"])
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/alerts", response_model=list[dict[str, Any]] | FeatureCollection)
def list_alerts(res: Res, _: Reader, region: Annotated[str | None, Query(max_length=200)] = None,
                severity: Literal["watch", "warning", "critical"] | None = None,
                since: datetime | None = None, format: Literal["json", "geojson"] = "json",
                limit: Limit = 100) -> Any:
    """Alerts, newest first: the alert JSON objects, or a GeoJSON FeatureCollection (a Point at each
    region's centroid)."""
    with res.engine.connect() as conn:
        rows = alerts_repo.list_alerts(conn, since=as_utc(since), region=region, severity=severity, limit=limit)
    payloads = [dict(r["payload"]) for r in rows]
    return to_feature_collection(payloads) if format == "geojson" else payloads


@router.get("/articles", response_model=list[ArticleOut])
def list_articles(res: Res, _: Reader, feed: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                  since: datetime | None = None, limit: Limit = 50) -> list[dict[str, Any]]:
    """Stored articles, newest first (the objects `rasd articles list --json` prints)."""
    with res.engine.connect() as conn:
        rows = articles_repo.list_articles(conn, feed_id=feed, since=as_utc(since), limit=limit)
    return [article_view(r) for r in rows]


@router.get("/status", response_model=dict[str, Any])
def status(res: Res, _: Reader) -> dict[str, Any]:
    """Queues, workers, feed health and dead-letter items (as `rasd status --json`)."""
    from worker.services.status import status_report

    return status_report(res)
