"""An alert's tolls are the sum of its stories' conservative totals; one alert per event across levels."""

from __future__ import annotations

from worker.alerts.levels import carried_below, enclosing_regions, inside, rank
from worker.alerts.tolls import StoryToll, alert_tolls, story_toll
from worker.models import Region


def test_alert_tolls_equal_the_sum_of_story_totals() -> None:
    stories = [story_toll({"id": 1, "totals": {"killed": 11, "injured": 4}}),
               story_toll({"id": 2, "totals": {"killed": 3, "injured": None}}),
               story_toll({"id": 3, "totals": {"killed": 5, "injured": 20}}),
               story_toll({"id": 4, "totals": {"killed": None, "injured": None}}),
               story_toll({"id": 5, "totals": None})]
    assert alert_tolls(stories) == {"killed": 11 + 3 + 5, "injured": 4 + 20}


def test_no_figures_give_none_not_zero() -> None:
    assert alert_tolls([story_toll({"id": 1, "totals": {}})]) == {"killed": None, "injured": None}
    assert alert_tolls([]) == {"killed": None, "injured": None}


def test_a_running_total_is_never_added_to_the_incidents_it_includes() -> None:
    incidents = [StoryToll("a", 11, None), StoryToll("b", 3, 2), StoryToll("c", 5, None)]
    day = StoryToll("d", 35, 40, cumulative=True)
    # 35 + 11 + 3 + 5 = 54 would count the incidents twice: the day's toll includes them.
    assert alert_tolls([*incidents, day]) == {"killed": 35, "injured": 40}
    # A running total below the incidents' sum (an early count) does not lower it.
    assert alert_tolls([*incidents, StoryToll("e", 12, None, cumulative=True)]) == {"killed": 19, "injured": 2}


def test_story_figures_come_from_the_story_columns_when_present() -> None:
    row = {"id": 7, "killed": 9, "injured": None, "totals": {"killed": 2, "injured": 5}}
    assert story_toll(row) == StoryToll("7", 9, None)
    assert story_toll({"id": 8, "totals": {"killed": 30, "scope": "cumulative"}}).cumulative is True


def test_country_window_carried_by_admin1_alerts() -> None:
    idlib_alert = {"stories": [{"story_id": str(i)} for i in range(1, 6)]}
    assert carried_below(["1", "2", "3", "9"], [idlib_alert]) is True  # half or more already alerted
    assert carried_below(["1", "7", "8", "9"], [idlib_alert]) is False
    assert carried_below([], [idlib_alert]) is False
    assert carried_below(["1"], []) is False


def test_enclosing_region_is_the_stored_country() -> None:
    idlib = Region("إدلب", "Idlib", "SY", "admin1")
    regions = [[{"name_ar": "إدلب", "name_en": "Idlib", "country": "SY", "level": "admin1"},
                {"name_ar": "سوريا", "name_en": "Syria", "country": "SY", "level": "country", "lat": 35.0,
                 "lon": 38.5}]]
    assert enclosing_regions(idlib, regions) == [Region("سوريا", "Syria", "SY", "country", 35.0, 38.5)]
    assert enclosing_regions(Region("سوريا", "Syria", "SY", "country"), regions) == []


def test_a_district_alert_encloses_its_admin1_then_its_country() -> None:
    afrin = Region("عفرين", "Afrin", "SY", "district")
    regions = [[{"name_ar": "عفرين", "name_en": "Afrin", "country": "SY", "level": "district"},
                {"name_ar": "حلب", "name_en": "Aleppo", "country": "SY", "level": "admin1", "lat": 36.2, "lon": 37.1},
                {"name_ar": "إدلب", "name_en": "Idlib", "country": "SY", "level": "admin1"},
                {"name_ar": "سوريا", "name_en": "Syria", "country": "SY", "level": "country"}]]
    assert enclosing_regions(afrin, regions, "SY:admin1:Aleppo") == [
        Region("حلب", "Aleppo", "SY", "admin1", 36.2, 37.1), Region("سوريا", "Syria", "SY", "country")]
    # the admin1 comes from the gazetteer (parent), never from another admin1 the stories name
    assert enclosing_regions(afrin, regions, "SY:admin1:Homs") == [Region("سوريا", "Syria", "SY", "country")]


def test_regions_inside_a_region_and_the_order_levels_are_judged_in() -> None:
    parents = {"SY:district:Afrin": "SY:admin1:Aleppo", "SY:district:Douma": "SY:admin1:Rif Dimashq"}
    assert inside("SY:admin1:Aleppo", "SY:district:Afrin", parents) is True
    assert inside("SY:admin1:Aleppo", "SY:district:Douma", parents) is False
    assert inside("SY:country:Syria", "SY:district:Douma", parents) is True
    assert inside("SY:country:Syria", "SY:admin1:Aleppo", parents) is True
    assert inside("SY:country:Syria", "IQ:admin1:Nineveh", parents) is False
    assert inside("SY:district:Afrin", "SY:district:Afrin", parents) is False
    keys = ["SY:country:Syria", "SY:admin1:Aleppo", "SY:district:Afrin", "IQ:admin1:Nineveh"]
    assert sorted(keys, key=lambda k: (rank(k), k)) == [
        "SY:district:Afrin", "IQ:admin1:Nineveh", "SY:admin1:Aleppo", "SY:country:Syria"]
