"""schedules/feeds.yaml and schedules/beat.yaml are data other code trusts: check their shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from worker.keys import TASK_QUEUES

REPO = Path(__file__).resolve().parents[2]

# ISO 3166-1 alpha-2 (officially assigned codes).
_ISO2_TEXT = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
ISO2 = set(_ISO2_TEXT.split())


def _load(name: str) -> Any:
    return yaml.safe_load((REPO / "schedules" / name).read_text(encoding="utf-8"))


def test_iso2_table_is_complete() -> None:
    assert len(ISO2) == 249


def test_feeds_yaml_structure() -> None:
    feeds = _load("feeds.yaml")["feeds"]
    assert isinstance(feeds, list)
    assert len(feeds) >= 25
    for feed in feeds:
        assert set(feed) == {"name", "url", "country", "language", "interval", "tags"}, feed
        assert isinstance(feed["name"], str) and feed["name"].strip() == feed["name"] != ""
        parts = urlsplit(feed["url"])
        assert parts.scheme in {"http", "https"}, feed["url"]
        assert parts.netloc and " " not in feed["url"], feed["url"]
        assert feed["country"] in ISO2, feed
        assert feed["language"] == "ar"
        assert isinstance(feed["interval"], int) and feed["interval"] >= 60, feed
        assert isinstance(feed["tags"], list) and feed["tags"], feed
        assert all(isinstance(t, str) and t == t.lower() for t in feed["tags"]), feed


def test_feed_urls_and_names_are_unique() -> None:
    feeds = _load("feeds.yaml")["feeds"]
    urls = [f["url"].rstrip("/").lower() for f in feeds]
    names = [f["name"].lower() for f in feeds]
    assert len(set(urls)) == len(urls)
    assert len(set(names)) == len(names)


def test_feeds_cover_the_outlets_we_promise() -> None:
    names = {f["name"] for f in _load("feeds.yaml")["feeds"]}
    for outlet in ("Al Jazeera", "BBC Arabic", "Sky News Arabia", "Syrian Observatory for Human Rights", "SANA"):
        assert outlet in names
    countries = {f["country"] for f in _load("feeds.yaml")["feeds"]}
    assert {"SY", "IQ", "LB", "PS", "YE"} <= countries


def test_beat_yaml_entries() -> None:
    data = _load("beat.yaml")
    assert data["timezone"] == "UTC"
    schedule = data["beat_schedule"]
    assert set(schedule) == {"poll_due", "dispatch_deliveries", "sample_queues", "housekeeping"}
    for name, entry in schedule.items():
        assert {"task", "schedule", "queue"} <= set(entry), name
        assert set(entry) <= {"task", "schedule", "queue", "expires", "kwargs"}, name
        assert entry["task"] == f"worker.tasks.{name}"
        assert isinstance(entry["schedule"], int | float) and entry["schedule"] > 0
        assert entry["queue"] == TASK_QUEUES[entry["task"]]  # beat sends where the app routes
        if "expires" in entry:
            assert 0 < entry["expires"] <= entry["schedule"], name
    assert schedule["poll_due"]["schedule"] == 15
    assert schedule["dispatch_deliveries"]["schedule"] == 5
    assert schedule["sample_queues"]["schedule"] == 15


def test_package_ships_identical_copies_of_schedules() -> None:
    """schedules/ is the editable source; the package carries copies (`make schedules`)."""
    from worker.schedules import BEAT_FILE, FEEDS_FILE

    for name, bundled in (("feeds.yaml", FEEDS_FILE), ("beat.yaml", BEAT_FILE)):
        assert bundled.read_bytes() == (REPO / "schedules" / name).read_bytes(), f"run `make schedules` ({name})"


def test_every_task_has_its_queue_in_worker_keys() -> None:
    import worker.tasks.jobs  # noqa: F401  (registers the job tasks)
    from worker.celery_app import app

    ours = {name for name in app.tasks if name.startswith("worker.")}
    assert ours and ours <= set(TASK_QUEUES)
    assert {name: route["queue"] for name, route in app.conf.task_routes.items()} == TASK_QUEUES
