"""Stories as events, exports, region timelines and alert evidence over the HTTP API, on SQLite and
PostgreSQL, with stories made by the real pipeline (tests/integration/seed.py)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.seed import Seeded, seed
from tests.integration.test_api import Api, make_settings
from worker.resources import Resources
from worker.store.db import migrate

pytestmark = [pytest.mark.integration]


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path: Path, redis_url: str) -> Iterator[tuple[Api, Seeded]]:
    overrides: dict[str, Any] = {}
    if request.param == "postgresql":
        import sqlalchemy as sa

        url = request.getfixturevalue("postgres_url")
        eng = sa.create_engine(url)
        with eng.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        eng.dispose()
        overrides["database_url"] = url
    settings = make_settings(tmp_path, redis_url, **overrides)
    migrate(settings.effective_database_url)
    api = Api(Resources(settings))
    try:
        yield api, seed(api.res)
    finally:
        api.client.close()
        api.res.close()


def get(api: Api, path: str, **params: Any) -> Any:
    r = api.client.get(path, params=params, headers=api.auth(api.read))
    assert r.status_code == 200, r.text
    return r.json()


def ids(api: Api, **params: Any) -> list[int]:
    return [s["id"] for s in get(api, "/stories", **params)["stories"]]


def test_stories_are_events_with_conservative_tolls(seeded: tuple[Api, Seeded]) -> None:
    api, _ = seeded
    body = get(api, "/stories")
    assert body["next_cursor"] is None
    assert [(x["id"], x["article_count"], x["killed"], x["injured"], x["alert_severity"]) for x in body["stories"]] == [
        (1, 2, 7, 10, "warning"), (5, 1, 2, None, "warning"), (3, 1, None, 3, None), (4, 1, None, None, None)]
    first = body["stories"][0]
    assert (first["title"], first["url"], first["sources"], first["source_count"]) == (
        "مقتل خمسة مدنيين في قصف على مدينة إدلب", "https://alpha.example.org/a1",
        ["alpha.example.org", "beta.example.org"], 2)
    assert (first["first_published"], first["last_published"]) == ("2025-02-01T09:00:00Z", "2025-02-01T09:00:00Z")
    assert [(r["key"], r["name_ar"], r["lat"], r["lon"]) for r in first["regions"]] == [
        ("SY:admin1:Idlib", "إدلب", 35.9306, 36.6339), ("SY:country:Syria", "سوريا", 35.0, 38.5)]
    assert first["actors"] == ["الدفاع المدني"]
    assert first["keywords"]["قصف"] == 3


def test_story_filters(seeded: tuple[Api, Seeded]) -> None:
    api, _ = seeded
    for name in ("إدلب", "ادلب", "محافظة إدلب", "Idlib", "idlib", "SY:admin1:Idlib"):
        assert ids(api, region=name) == [1, 5], name
    assert ids(api, region="حلب") == [3]
    assert ids(api, country="sy") == [1, 5, 3, 4]
    assert ids(api, country="IQ") == []
    assert ids(api, since="2025-02-01T00:00:00Z") == [1, 5]
    assert ids(api, until="2025-02-01T00:00:00") == [3, 4]
    assert ids(api, since="2025-01-31T10:00:00Z", until="2025-02-01T08:00:00Z") == [5, 3]
    assert ids(api, min_killed=3) == [1]
    assert ids(api, min_killed=2) == [1, 5]
    assert ids(api, severity="watch") == [1, 5]
    assert ids(api, severity="critical") == []
    assert ids(api, region="إدلب", min_killed=3, severity="warning") == [1]


def test_full_text_search_is_arabic_normalised(seeded: tuple[Api, Seeded]) -> None:
    api, _ = seeded
    assert ids(api, q="قصف") == [1]
    assert ids(api, q="ادلب") == [1, 5]  # the text says إدلب: one alef in the matching form
    assert ids(api, q="إدلب اشتباكات") == [5]  # every word must appear
    assert ids(api, q="مدرسة") == [4]  # ta marbuta folded both ways
    assert ids(api, q="غارة", region="حلب") == [3]
    assert ids(api, q="كلمة_غير_موجودة") == []  # three words, none in any story
    assert ids(api, q="إدلب_قصف") == [1]  # an underscore separates words, as the tokenizers do
    for hostile in ("' OR 1=1 --", '"; DROP TABLE stories; --', "<script>alert(1)</script>", "NEAR(a b) OR *",
                    "قصف\" OR \"1"):
        r = api.client.get("/stories", params={"q": hostile}, headers=api.auth(api.read))
        assert r.status_code == 200, (hostile, r.text)
        assert r.headers["content-type"] == "application/json"
    assert ids(api) == [1, 5, 3, 4]  # nothing was dropped


def test_cursor_pages_walk_every_story_once(seeded: tuple[Api, Seeded]) -> None:
    api, _ = seeded
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        params: dict[str, Any] = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = get(api, "/stories", **params)
        seen += [x["id"] for x in page["stories"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [1, 5, 3, 4]
    r = api.client.get("/stories", params={"cursor": "not-a-cursor"}, headers=api.auth(api.read))
    assert (r.status_code, r.json()) == (400, {"detail": "cursor is not one this API gave out"})


def test_stories_csv_and_geojson(seeded: tuple[Api, Seeded]) -> None:
    api, _ = seeded
    r = api.client.get("/stories", params={"format": "csv", "limit": 3}, headers=api.auth(api.read))
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"] == 'attachment; filename="stories.csv"'
    assert r.headers["x-next-cursor"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["story_id"], x["killed"], x["injured"], x["article_count"], x["admin1"], x["admin1_ar"]) for x in rows] == [
        ("1", "7", "10", "2", "Idlib", "إدلب"), ("5", "2", "", "1", "Idlib", "إدلب"), ("3", "", "3", "1", "Aleppo", "حلب")]
    assert rows[0]["title"] == "مقتل خمسة مدنيين في قصف على مدينة إدلب"
    assert rows[0]["sources"] == "alpha.example.org; beta.example.org"
    geo = api.client.get("/stories", params={"format": "geojson", "region": "Aleppo"}, headers=api.auth(api.read))
    assert geo.headers["content-type"] == "application/geo+json"
    features = geo.json()["features"]
    assert [(f["id"], f["geometry"]) for f in features] == [
        (3, {"type": "MultiPoint", "coordinates": [[37.1343, 36.2021], [38.5, 35.0]]})]
    assert features[0]["properties"]["injured"] == 3


def test_bad_input_is_a_clear_4xx(seeded: tuple[Api, Seeded]) -> None:
    api, _ = seeded
    h = api.auth(api.read)
    cases = [
        ({"region": "Atlantis"}, 400, "unknown region 'Atlantis'"),
        ({"region": "<b>x</b>"}, 400, "unknown region '<b>x</b>'"),
        ({"since": "2025-02-02T00:00:00Z", "until": "2025-02-01T00:00:00Z"}, 400, "since must be before until"),
        ({"country": "Syria"}, 422, None),
        ({"since": "yesterday"}, 422, None),
        ({"since": "2025-13-45"}, 422, None),
        ({"limit": 10**9}, 422, None),
        ({"limit": 0}, 422, None),
        ({"q": "ق" * 10_000}, 422, None),
        ({"q": "!!! ???"}, 400, "q has no words to search for"),
        ({"min_killed": -1}, 422, None),
        ({"severity": "<script>"}, 422, None),
        ({"format": "xml"}, 422, None),
    ]
    for params, status, detail in cases:
        r = api.client.get("/stories", params=params, headers=h)
        assert r.status_code == status, (params, r.text)
        assert r.headers["content-type"] == "application/json"
        if detail is not None:
            assert r.json()["detail"].startswith(detail), r.json()
    for path in ("/regions/Atlantis/series", "/alerts/alr_nope"):
        assert api.client.get(path, headers=h).status_code == 404
    r = api.client.get("/regions/Idlib/series", params={"scale": "hour", "since": "2020-01-01T00:00:00Z"}, headers=h)
    assert r.status_code == 400 and "at most 800 points" in r.json()["detail"]
    assert api.client.get("/regions/Idlib/series", params={"scale": "week"}, headers=h).status_code == 422
    assert api.client.get("/stories").status_code == 401


def test_alerts_filter_by_arabic_region_and_export(seeded: tuple[Api, Seeded]) -> None:
    api, s = seeded
    for name in ("إدلب", "Idlib", "idlib"):
        assert [a["id"] for a in get(api, "/alerts", region=name)] == [s.alert_id], name
    assert get(api, "/alerts", region="حلب") == []
    r = api.client.get("/alerts", params={"format": "csv"}, headers=api.auth(api.read))
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["alert_id"], x["severity"], x["region_key"], x["region_ar"], x["story_count"]) for x in rows] == [
        (s.alert_id, "warning", "SY:admin1:Idlib", "إدلب", "2")]
    geo = get(api, "/alerts", format="geojson")
    geometry = geo["features"][0]["geometry"]
    assert geometry["type"] in ("Polygon", "MultiPolygon")  # Idlib's boundary, not a point
    ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    assert min(lons) < 36.6339 < max(lons) and min(lats) < 35.9306 < max(lats)
    arts = api.client.get("/articles", params={"format": "csv"}, headers=api.auth(api.read))
    art_rows = list(csv.DictReader(io.StringIO(arts.content.decode("utf-8-sig"))))
    assert sorted(x["title"] for x in art_rows)[0] == "اشتباكات عنيفة في ريف إدلب الجنوبي"
    assert len(art_rows) == 5
    art_geo = get(api, "/articles", format="geojson")
    assert len(art_geo["features"]) == 5


def test_regions_and_their_timelines(seeded: tuple[Api, Seeded]) -> None:
    api, s = seeded
    regions = {r["key"]: r for r in get(api, "/regions", since="2025-01-01T00:00:00Z")}
    assert (regions["SY:admin1:Idlib"]["stories"], regions["SY:admin1:Idlib"]["name_ar"]) == (2, "إدلب")
    assert regions["SY:country:Syria"]["stories"] == 4
    assert regions["SY:admin1:Hama"]["alert_severity"] is None
    series = get(api, "/regions/إدلب/series", scale="hour", since="2025-02-01T00:00:00Z",
                 until="2025-02-01T12:00:00Z")
    assert series["region"]["key"] == "SY:admin1:Idlib"
    assert len(series["points"]) == 12
    observed = {p["start"]: p["observed"] for p in series["points"] if p["observed"]}
    assert observed == {"2025-02-01T07:00:00Z": 1, "2025-02-01T09:00:00Z": 1}
    assert all(p["low"] <= p["expected"] <= p["high"] for p in series["points"])
    # 30 days of silence before: nothing expected; each story then raises the baseline.
    expected = [p["expected"] for p in series["points"]]
    assert expected[0] == 0.0 and expected[7] < expected[8] < expected[10]
    assert [(a["id"], a["severity"]) for a in series["alerts"]] == [(s.alert_id, "warning")]
    daily = get(api, "/regions/SY:admin1:Idlib/series", scale="day", since="2025-01-25T00:00:00Z",
                until="2025-02-02T00:00:00Z")
    assert [(p["start"], p["observed"]) for p in daily["points"]][-2:] == [
        ("2025-01-31T00:00:00Z", 0), ("2025-02-01T00:00:00Z", 2)]


def test_alert_evidence_shows_the_sentences_behind_it(seeded: tuple[Api, Seeded]) -> None:
    api, s = seeded
    ev = get(api, f"/alerts/{s.alert_id}")
    assert ev["alert"]["id"] == s.alert_id
    assert [x["id"] for x in ev["stories"]] == [1, 5]
    assert ev["sources"] == {"beta.example.org": 2, "alpha.example.org": 1}
    copies = ev["stories"][0]["evidence"]
    assert [c["source"] for c in copies] == ["alpha.example.org", "beta.example.org"]
    marked = {(m["kind"], sent["text"][m["start"]:m["end"]]) for sent in copies[1]["sentences"] for m in sent["spans"]}
    assert any(kind == "casualty" and "سبعة" in text for kind, text in marked), marked
    assert ("escalation", "قصف") in marked
    for copy in copies:
        for sent in copy["sentences"]:
            assert sent["text"] and all(0 <= m["start"] < m["end"] <= len(sent["text"]) for m in sent["spans"])
    base = ev["baseline"]
    assert (base["observed"], base["expected"]) == (2, 0.3)
    assert len(base["hours"]) == 3 and base["band"]["low"] <= base["window_expected"] <= base["band"]["high"]


def test_openapi_documents_the_new_endpoints_and_auth(seeded: tuple[Api, Seeded]) -> None:
    api, _ = seeded
    spec = api.client.get("/openapi.json").json()
    for path in ("/stories", "/regions", "/regions/{key}/series", "/alerts/{alert_id}"):
        responses = spec["paths"][path]["get"]["responses"]
        assert {"200", "401"} <= set(responses), path
    assert "403" in spec["paths"]["/tokens"]["get"]["responses"]
    assert "text/csv" in spec["paths"]["/stories"]["get"]["responses"]["200"]["content"]


def test_cli_lists_the_same_stories_in_every_format(seeded: tuple[Api, Seeded]) -> None:
    import json

    from typer.testing import CliRunner

    from worker.cli import app
    from worker.resources import set_resources

    api, _ = seeded
    runner = CliRunner()
    set_resources(api.res)
    try:
        lines = runner.invoke(app, ["stories", "list", "--region", "إدلب", "--format", "json"])
        assert lines.exit_code == 0, lines.output
        assert [json.loads(x) for x in lines.stdout.splitlines()] == get(api, "/stories", region="إدلب")["stories"]
        out = runner.invoke(app, ["stories", "list", "--format", "csv", "--q", "غارة"])
        same = api.client.get("/stories", params={"format": "csv", "q": "غارة", "limit": 50},
                              headers=api.auth(api.read)).content.decode("utf-8-sig")
        assert out.stdout.replace("\r\n", "\n") == same.replace("\r\n", "\n") and same.count("\n") == 2
        geo = runner.invoke(app, ["stories", "list", "--format", "geojson", "--min-killed", "3"])
        assert [f["id"] for f in json.loads(geo.stdout)["features"]] == [1]
        paged = runner.invoke(app, ["stories", "list", "--format", "json", "--limit", "3"])
        assert paged.exit_code == 0 and "next page: --cursor " in paged.stderr
        table = runner.invoke(app, ["stories", "list", "--country", "SY"])
        assert table.exit_code == 0
        assert re.findall(r"^│ +(\d+) ", table.stdout, flags=re.MULTILINE) == ["1", "5", "3", "4"]
        for args, message in ((["--region", "Atlantis"], "unknown region 'Atlantis'"),
                              (["--since", "yesterday"], "--since: not an ISO date or time"),
                              (["--format", "xml"], "--format must be table, json, csv or geojson"),
                              (["--severity", "high"], "--severity must be watch, warning or critical")):
            bad = runner.invoke(app, ["stories", "list", *args])
            assert bad.exit_code == 1 and message in bad.stderr and "Traceback" not in bad.output, bad.output
    finally:
        set_resources(None)


def test_migration_indexes_stories_and_alerts_stored_before_it(tmp_path: Path, redis_url: str) -> None:
    """A database at revision 0003 with processed stories and an alert: upgrading fills story_regions,
    story_docs (+ full text) and alert_stories, and the API then answers from them."""
    import sqlalchemy as sa
    from alembic import command

    from worker.store.db import alembic_config
    from worker.store.tables import alert_stories, story_docs, story_regions

    settings = make_settings(tmp_path, redis_url)
    url = settings.effective_database_url
    migrate(url)
    res = Resources(settings)
    try:
        seeded = seed(res)
        with res.engine.begin() as conn:  # back to 0003 by hand: the data stays, the indexes go
            for table in ("story_fts", "alert_stories", "story_docs", "story_regions"):
                conn.execute(sa.text(f"DROP TABLE {table}"))
            conn.execute(sa.text("ALTER TABLE feeds DROP COLUMN last_new_item_at"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '0003'"))
        command.upgrade(alembic_config(url), "head")
        with res.engine.connect() as conn:
            regions = sorted(tuple(r) for r in conn.execute(sa.select(story_regions.c.story_id, story_regions.c.region_key)))
            docs = conn.execute(sa.select(sa.func.count()).select_from(story_docs)).scalar_one()
            behind = sorted(int(r[0]) for r in conn.execute(sa.select(alert_stories.c.story_id)))
        assert regions == [(1, "SY:admin1:Idlib"), (1, "SY:country:Syria"), (3, "SY:admin1:Aleppo"),
                           (3, "SY:country:Syria"), (4, "SY:admin1:Hama"), (4, "SY:country:Syria"),
                           (5, "SY:admin1:Idlib"), (5, "SY:country:Syria")]
        assert (docs, behind) == (4, [1, 5])
        api = Api(res)
        try:
            assert ids(api, q="ادلب", severity="warning") == [1, 5]
            assert get(api, f"/alerts/{seeded.alert_id}")["sources"] == {"beta.example.org": 2, "alpha.example.org": 1}
        finally:
            api.client.close()
    finally:
        res.close()
