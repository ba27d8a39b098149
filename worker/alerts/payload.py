"""The public Alert JSON (ARCHITECTURE.md) and its GeoJSON form, built from plain values. Pure.

The alert id is derived from (region, window end, severity), so re-evaluating the same window is an
upsert of the same alert rather than a second one; Standard Webhooks uses it as ``webhook-id``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from worker.models import Region
from worker.signals.spikes import Decision


@dataclass(frozen=True)
class StoryRef:
    """One story behind an alert (a dedup cluster, not an article)."""

    story_id: str
    title: str
    url: str
    sources: Sequence[str]
    published: datetime | None
    killed: int | None = None  # the story's conservative totals (what the alert's casualties add up)
    injured: int | None = None
    cumulative: Sequence[str] = ()  # kinds whose figure is a running toll (not added to the incidents)

    def to_json(self) -> dict[str, Any]:
        return {
            "story_id": self.story_id,
            "title": self.title,
            "url": self.url,
            "sources": sorted(set(self.sources)),
            "published": iso_z(self.published) if self.published else None,
            "killed": self.killed,
            "injured": self.injured,
            "cumulative": list(self.cumulative),
        }


def iso_z(ts: datetime) -> str:
    """ISO-8601 UTC with a trailing Z, second precision (naive datetimes are taken as UTC)."""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def alert_id(region_key: str, window_end: datetime, severity: str) -> str:
    digest = hashlib.sha256(f"{region_key}|{iso_z(window_end)}|{severity}".encode()).hexdigest()
    return "alr_" + digest[:24]


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def region_json(region: Region) -> dict[str, Any]:
    return {
        "name_ar": region.name_ar,
        "name_en": region.name_en,
        "country": region.country,
        "level": region.level,
        "lat": region.lat,
        "lon": region.lon,
    }


def build_alert(
    region: Region,
    decision: Decision,
    stories: Iterable[StoryRef],
    keywords: Mapping[str, int],
    casualties: Mapping[str, int | None],
    created_at: datetime,
    max_stories: int = 50,
    enclosing: Sequence[Region] = (),
) -> dict[str, Any]:
    """The Alert object exactly as documented; stories newest first, sources sorted and unique.

    ``enclosing``: the larger regions the event also counts in (a district's admin1 and country, an
    admin1's country), most specific first; they send no alert of their own for it. ``kind`` and
    ``scale_hours`` say whether the episode opened or rose, and which window length fired; ``scale``
    names the test (:func:`scale_name`).
    """
    story_list = sorted(
        stories,
        key=lambda s: (s.published or datetime.min.replace(tzinfo=UTC), s.story_id),
        reverse=True,
    )[:max_stories]
    sources = sorted({src for s in story_list for src in s.sources})
    return {
        "id": alert_id(region.key, decision.window_end, decision.severity),
        "region": region_json(region),
        "enclosing": [region_json(r) for r in enclosing],
        "window": {"start": iso_z(decision.window_start), "end": iso_z(decision.window_end)},
        "kind": decision.kind,
        "scale_hours": decision.scale,
        "scale": scale_name(decision),
        "severity": decision.severity,
        "score": decision.score,
        "observed": decision.observed,
        "expected": _finite(decision.expected),
        "p_value": decision.p_value,
        "keywords": {k: int(v) for k, v in sorted(keywords.items(), key=lambda kv: (-kv[1], kv[0]))},
        "casualties": {"killed": casualties.get("killed"), "injured": casualties.get("injured")},
        "stories": [s.to_json() for s in story_list],
        "sources": sources,
        "created_at": iso_z(created_at),
    }


def scale_name(decision: Decision) -> str:
    """``"3h"``, ``"24h"``, ``"72h"``: a window against the 72-hour baseline; ``"slow_burn"``: the
    slow-burn test (its window against the region's lagged long-memory daily level)."""
    return "slow_burn" if decision.test == "slow_burn" else f"{decision.scale}h"


def to_feature(alert: Mapping[str, Any]) -> dict[str, Any]:
    """GeoJSON Feature: Point at the region's centroid (null geometry when unknown), alert as properties."""
    region = alert["region"]
    lat, lon = region.get("lat"), region.get("lon")
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
    return {"type": "Feature", "id": alert["id"], "geometry": geometry, "properties": dict(alert)}


def to_feature_collection(alerts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """For ``GET /alerts?format=geojson``."""
    return {"type": "FeatureCollection", "features": [to_feature(a) for a in alerts]}
