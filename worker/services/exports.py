"""CSV and GeoJSON forms of stories, alerts and articles (pure: rows in, text or dicts out).

CSV cells that a spreadsheet would run as a formula (starting with = + - @ or a tab) get a leading
apostrophe; lists are joined with "; ".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from worker.alerts.payload import iso_z

STORY_COLUMNS = ("story_id", "first_published", "last_published", "title", "url", "sources", "article_count",
                 "region_keys", "admin1", "admin1_ar", "country", "lat", "lon", "killed", "injured", "actors",
                 "keywords", "escalation_score", "alert_severity")
ALERT_COLUMNS = ("alert_id", "created_at", "severity", "region_key", "region", "region_ar", "country", "lat", "lon",
                 "window_start", "window_end", "observed", "expected", "score", "p_value", "killed", "injured",
                 "story_count", "sources", "keywords")
ARTICLE_COLUMNS = ("article_id", "published", "source", "title", "url", "story_id", "duplicate_of", "killed",
                   "injured", "regions", "escalation_score", "state")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(_FORMULA) else value
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if kind is float:
        return repr(round(value, 6))
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return buf.getvalue()


def story_record(story: Mapping[str, Any]) -> dict[str, Any]:
    """One CSV row of a story view (worker.services.stories.story_view)."""
    regions = story["regions"]
    admin1 = [r for r in regions if r["level"] == "admin1"]
    placed = next((r for r in regions if r.get("lat") is not None), None)
    return {
        "story_id": story["id"], "first_published": story["first_published"],
        "last_published": story["last_published"], "title": story["title"], "url": story["url"],
        "sources": story["sources"], "article_count": story["article_count"],
        "region_keys": [r["key"] for r in regions], "admin1": [r["name_en"] for r in admin1],
        "admin1_ar": [r["name_ar"] for r in admin1],
        "country": sorted({r["country"] for r in regions if r.get("country")}),
        "lat": placed["lat"] if placed else None, "lon": placed["lon"] if placed else None,
        "killed": story["killed"], "injured": story["injured"], "actors": story["actors"],
        "keywords": [f"{k}:{n}" for k, n in story["keywords"].items()],
        "escalation_score": story["escalation_score"], "alert_severity": story["alert_severity"],
    }


def alert_record(alert: Mapping[str, Any]) -> dict[str, Any]:
    region = alert.get("region") or {}
    casualties = alert.get("casualties") or {}
    return {
        "alert_id": alert["id"], "created_at": alert.get("created_at"), "severity": alert.get("severity"),
        "region_key": f"{region.get('country')}:{region.get('level')}:{region.get('name_en')}",
        "region": region.get("name_en"), "region_ar": region.get("name_ar"), "country": region.get("country"),
        "lat": region.get("lat"), "lon": region.get("lon"),
        "window_start": (alert.get("window") or {}).get("start"), "window_end": (alert.get("window") or {}).get("end"),
        "observed": alert.get("observed"), "expected": alert.get("expected"), "score": alert.get("score"),
        "p_value": alert.get("p_value"), "killed": casualties.get("killed"), "injured": casualties.get("injured"),
        "story_count": len(alert.get("stories") or []), "sources": alert.get("sources") or [],
        "keywords": [f"{k}:{n}" for k, n in (alert.get("keywords") or {}).items()],
    }


def article_record(article: Mapping[str, Any]) -> dict[str, Any]:
    totals = article.get("totals") or {}
    return {
        "article_id": article["id"], "published": article.get("published"), "source": article.get("source"),
        "title": article.get("title"), "url": article.get("url"), "story_id": article.get("story_id"),
        "duplicate_of": article.get("duplicate_of"), "killed": totals.get("killed"), "injured": totals.get("injured"),
        "regions": [r.get("name_en") for r in article.get("regions") or []],
        "escalation_score": article.get("escalation_score"), "state": article.get("state"),
    }


def point_geometry(regions: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """A Point (one place) or MultiPoint (several) at the regions' centres; None when none is placed."""
    points: list[list[float]] = []
    for r in regions:
        lat, lon = r.get("lat"), r.get("lon")
        if lat is not None and lon is not None and [lon, lat] not in points:
            points.append([lon, lat])
    if not points:
        return None
    return {"type": "Point", "coordinates": points[0]} if len(points) == 1 else {
        "type": "MultiPoint", "coordinates": points}


def feature_collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def story_feature(story: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "id": story["id"], "geometry": point_geometry(story["regions"]),
            "properties": dict(story)}


def article_feature(article: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "id": article["id"], "geometry": point_geometry(article.get("regions") or []),
            "properties": dict(article)}
