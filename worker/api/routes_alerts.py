"""Read views: alerts (JSON or GeoJSON), articles, service status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query

from worker.alerts.payload import to_feature_collection
from worker.api.auth import Reader, Res
from worker.api.formats import Format, csv_response, format_responses, geojson_response
from worker.api.schemas import MAX_ID, AlertEvidence, ArticleOut, FeatureCollection, Problem, as_utc
from worker.models import region_key
from worker.services import exports
from worker.services import regions as catalogue
from worker.services.views import article_view
from worker.store import alerts_repo, articles_repo

router = APIRouter(tags=["read"])
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/alerts", response_model=list[dict[str, Any]] | FeatureCollection,
            responses=format_responses(list[dict[str, Any]]))
def list_alerts(res: Res, _: Reader,
                region: Annotated[str | None, Query(max_length=200, description="key, English or Arabic name")] = None,
                severity: Literal["watch", "warning", "critical"] | None = None,
                since: datetime | None = None, format: Format = "json",
                limit: Limit = 100) -> Any:
    """Alerts, newest first: the alert JSON objects, a CSV table, or a GeoJSON FeatureCollection (the
    region's boundary when the package ships it, else a Point at its centre)."""
    keys = catalogue.resolve(region) if region else None
    with res.engine.connect() as conn:
        rows = alerts_repo.list_alerts(conn, since=as_utc(since), region=None if keys else region,
                                       region_keys=keys or None, severity=severity, limit=limit)
    payloads = [r.payload for r in rows]
    if format == "csv":
        return csv_response(exports.to_csv(exports.ALERT_COLUMNS, map(exports.alert_record, payloads)), "alerts")
    if format == "geojson":
        return geojson_response(alert_features(payloads))
    return payloads


def alert_features(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    from worker.services.boundaries import region_geometry

    collection = to_feature_collection(payloads)
    for feature in collection["features"]:
        region = feature["properties"]["region"]
        shape = region_geometry(region_key(region)) if region.get("level") == "admin1" else None
        if shape is not None:
            feature["geometry"] = shape
    return collection


@router.get("/articles", response_model=list[ArticleOut], responses=format_responses(list[ArticleOut]))
def list_articles(res: Res, _: Reader, feed: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                  since: datetime | None = None, format: Format = "json", limit: Limit = 50) -> Any:
    """Stored articles, newest first (the objects `rasd articles list --json` prints), or CSV/GeoJSON."""
    with res.engine.connect() as conn:
        rows = articles_repo.list_articles(conn, feed_id=feed, since=as_utc(since), limit=limit)
    views = [article_view(r) for r in rows]
    if format == "csv":
        return csv_response(exports.to_csv(exports.ARTICLE_COLUMNS, map(exports.article_record, views)), "articles")
    if format == "geojson":
        placed = [{**v, "regions": [catalogue.from_stored(g) for g in v["regions"]]} for v in views]
        return geojson_response(exports.feature_collection(map(exports.article_feature, placed)))
    return views


@router.get("/status", response_model=dict[str, Any])
def status(res: Res, _: Reader) -> dict[str, Any]:
    """Queues, workers, feed health and dead-letter items (as `rasd status --json`)."""
    from worker.services.status import status_report

    return status_report(res)


@router.get("/alerts/{alert_id}", response_model=AlertEvidence, responses={404: {"model": Problem}})
def alert_evidence(res: Res, _: Reader, alert_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    """An alert with its evidence: the stories behind it and, in each article, the sentences carrying
    the casualty figures and escalation terms (with spans); articles per source; the baseline then."""
    from worker.services.evidence import alert_evidence as evidence
    from worker.signals.spikes import Params

    with res.engine.connect() as conn:
        alert = alerts_repo.get_alert(conn, alert_id)
        if alert is None:
            raise HTTPException(status_code=404, detail=f"no alert {alert_id[:64]!r}")
        return evidence(conn, alert, datetime.now(UTC), Params.from_settings(res.settings))
