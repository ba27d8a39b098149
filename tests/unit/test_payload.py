"""Alert JSON exactly as ARCHITECTURE.md documents it, and the GeoJSON form."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from worker.alerts.payload import StoryRef, alert_id, build_alert, iso_z, to_feature, to_feature_collection
from worker.models import Region
from worker.signals.spikes import Decision

REGION = Region(name_ar="حلب", name_en="Aleppo", country="SY", level="admin1", lat=36.2, lon=37.16)
START = datetime(2025, 3, 1, 9, tzinfo=UTC)
DECISION = Decision(kind="new", severity="warning", p_value=3.4e-6, score=5.469, observed=9, expected=1.25,
                    ratio=7.2, sources=3, window_start=START, window_end=START + timedelta(hours=3), bucket=0)
STORIES = [
    StoryRef("s1", "قصف على ريف حلب", "https://a.example/1", ["alpha", "beta"],
             datetime(2025, 3, 1, 9, 15, 30, 123456, tzinfo=UTC)),
    StoryRef("s2", "اشتباكات في المدينة", "https://b.example/2", ["gamma"],
             datetime(2025, 3, 1, 13, 40, tzinfo=timezone(timedelta(hours=3)))),
]


def _alert() -> dict[str, object]:
    return build_alert(REGION, DECISION, STORIES, {"قصف": 3, "اشتباكات": 5}, {"killed": 4, "injured": None},
                       created_at=datetime(2025, 3, 1, 12, 0, 1, 999, tzinfo=UTC))


def test_slow_burn_alert_names_its_test() -> None:
    slow = replace(DECISION, test="slow_burn", scale=72)
    a = build_alert(REGION, slow, STORIES, {}, {}, created_at=datetime(2025, 3, 1, 12, tzinfo=UTC))
    assert (a["scale"], a["scale_hours"]) == ("slow_burn", 72)


def test_alert_shape_and_values() -> None:
    a = _alert()
    assert list(a) == ["id", "region", "enclosing", "window", "kind", "scale_hours", "scale", "severity",
                       "score", "observed", "expected", "p_value", "keywords", "casualties", "stories", "sources",
                       "created_at"]
    assert (a["enclosing"], a["kind"], a["scale_hours"], a["scale"]) == ([], "new", 3, "3h")
    assert a["id"] == alert_id("SY:admin1:Aleppo", START + timedelta(hours=3), "warning")
    assert a["region"] == {"name_ar": "حلب", "name_en": "Aleppo", "country": "SY", "level": "admin1",
                           "lat": 36.2, "lon": 37.16}
    assert a["window"] == {"start": "2025-03-01T09:00:00Z", "end": "2025-03-01T12:00:00Z"}
    assert (a["severity"], a["score"], a["observed"], a["expected"], a["p_value"]) == (
        "warning", 5.469, 9, 1.25, 3.4e-6)
    assert a["keywords"] == {"اشتباكات": 5, "قصف": 3}
    assert list(a["keywords"]) == ["اشتباكات", "قصف"]  # type: ignore[arg-type]
    assert a["casualties"] == {"killed": 4, "injured": None}
    assert a["stories"] == [
        {"story_id": "s2", "title": "اشتباكات في المدينة", "url": "https://b.example/2", "sources": ["gamma"],
         "published": "2025-03-01T10:40:00Z", "killed": None, "injured": None, "cumulative": []},
        {"story_id": "s1", "title": "قصف على ريف حلب", "url": "https://a.example/1",
         "sources": ["alpha", "beta"], "published": "2025-03-01T09:15:30Z", "killed": None, "injured": None,
             "cumulative": []},
    ]
    assert a["sources"] == ["alpha", "beta", "gamma"]
    assert a["created_at"] == "2025-03-01T12:00:01Z"
    json.dumps(a, ensure_ascii=False, allow_nan=False)  # strictly serialisable


def test_alert_id_is_stable_per_window_and_severity() -> None:
    end = START + timedelta(hours=3)
    assert alert_id("SY:admin1:Aleppo", end, "warning") == _alert()["id"]
    assert alert_id("SY:admin1:Aleppo", end, "critical") != alert_id("SY:admin1:Aleppo", end, "warning")
    assert alert_id("SY:admin1:Aleppo", end, "warning").startswith("alr_")
    assert len(alert_id("SY:admin1:Aleppo", end, "warning")) == 28


def test_iso_z_handles_naive_and_offsets() -> None:
    assert iso_z(datetime(2025, 1, 2, 3, 4, 5)) == "2025-01-02T03:04:05Z"
    assert iso_z(datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-5)))) == "2025-01-02T08:04:05Z"


def test_geojson_feature_and_collection() -> None:
    a = _alert()
    f = to_feature(a)
    assert f["type"] == "Feature"
    assert f["id"] == a["id"]
    assert f["geometry"] == {"type": "Point", "coordinates": [37.16, 36.2]}
    assert f["properties"] == a
    nowhere = Region(name_ar="مكان", name_en="Somewhere", country="YE", level="country")
    b = build_alert(nowhere, DECISION, [], {}, {}, created_at=START)
    assert to_feature(b)["geometry"] is None
    assert b["casualties"] == {"killed": None, "injured": None}
    fc = to_feature_collection([a, b])
    assert fc["type"] == "FeatureCollection"
    assert [x["id"] for x in fc["features"]] == [a["id"], b["id"]]
