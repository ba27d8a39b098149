"""Running tolls: extraction says when a counted figure is a day's or period's toll, stories keep
it with their conservative maximum, and an alert never adds it to the incidents it includes."""

from __future__ import annotations

import itertools

from worker.alerts.payload import StoryRef
from worker.alerts.tolls import StoryToll, alert_tolls, story_toll
from worker.extract.casualties import extract_casualties, totals_cumulative, totals_evidence
from worker.pipeline import analyse, extract_text
from worker.store.articles_repo import merge_totals


def test_update_and_toll_cues_mark_the_total_as_running() -> None:
    running = ["ارتفعت حصيلة قتلى القصف على المدينة اليوم إلى 35 قتيلا.",
               "قتل 11 مدنيا في غارة على البلدة. وبذلك يرتفع عدد القتلى اليوم إلى 35.",
               "وبلغت حصيلة قتلى القصف على المحافظة اليوم 35 قتيلا.",
               "وبلغ إجمالي القتلى اليوم 35 شخصا."]
    for text in running:
        assert totals_cumulative(extract_casualties(text)) == {"killed": True, "injured": False}, text
    incident = "قتل 11 مدنيا وأصيب 4 آخرون في غارة على البلدة صباح اليوم."
    assert totals_cumulative(extract_casualties(incident)) == {"killed": False, "injured": False}
    both = "ارتفع عدد القتلى في القصف على المدينة إلى 18 والمصابين إلى 41."
    assert totals_cumulative(extract_casualties(both)) == {"killed": True, "injured": True}


def test_evidence_and_json_say_which_total_is_running() -> None:
    text = "ارتفعت حصيلة قتلى القصف على المدينة اليوم إلى 35 قتيلا. وفي بلدة مجاورة أصيب 12 مدنيا بقذيفة."
    evidence = totals_evidence(extract_casualties(text))
    assert (evidence["killed"]["total"], evidence["killed"]["cumulative"]) == (35, True)
    assert (evidence["injured"]["total"], evidence["injured"]["cumulative"]) == (12, False)
    out = extract_text(text).to_json()
    assert out["totals"] == {"killed": 35, "injured": 12}  # the contract's totals keep their two keys
    assert out["totals_cumulative"] == {"killed": True, "injured": False}
    assert extract_text(text).stored_totals() == {"killed": 35, "injured": 12, "cumulative": ["killed"]}
    assert analyse("قتل 3 مدنيين في قصف على البلدة.").stored_totals() == {"killed": 3, "injured": None}


def test_story_keeps_the_running_flag_of_its_maximum_in_any_order() -> None:
    copies = [{"killed": 30, "injured": None, "cumulative": ["killed"]},
              {"killed": 35, "injured": 4},
              {"killed": 35, "injured": None, "cumulative": ["killed"]},
              None]
    for order in itertools.permutations(copies):
        merged = merge_totals(list(order))
        assert merged == {"killed": 35, "injured": 4, "cumulative": ["killed"]}
        # extending a story copy by copy equals recomputing it from all copies
        assert merge_totals([merge_totals(list(order[:2])), *order[2:]]) == merged
    # a running toll below an incident's figure does not mark the story
    assert merge_totals([{"killed": 12, "injured": None, "cumulative": ["killed"]},
                         {"killed": 20, "injured": None}]) == {"killed": 20, "injured": None}
    assert merge_totals([{"killed": 3, "injured": 1}]) == {"killed": 3, "injured": 1}


def test_alert_over_a_day_toll_and_its_incidents_gives_the_day_toll() -> None:
    day = extract_text("ارتفعت حصيلة قتلى القصف على المحافظة اليوم إلى 35 قتيلا.").stored_totals()
    rows = [{"id": 1, "totals": merge_totals([day])},
            {"id": 2, "totals": merge_totals([extract_text("قتل 11 مدنيا في غارة على البلدة.").stored_totals()])},
            {"id": 3, "totals": {"killed": 3, "injured": 2}},
            {"id": 4, "totals": {"killed": 5, "injured": None}}]
    tolls = [story_toll(r) for r in rows]
    assert tolls == [StoryToll("1", 35, None, ("killed",)), StoryToll("2", 11, None),
                     StoryToll("3", 3, 2), StoryToll("4", 5, None)]
    assert alert_tolls(tolls) == {"killed": 35, "injured": 2}  # not 35 + 11 + 3 + 5 = 54
    # the running flag is per kind: the day's killed toll does not swallow an incident's injured
    mixed = [StoryToll("1", 35, 7, ("killed",)), StoryToll("2", 11, 4)]
    assert alert_tolls(mixed) == {"killed": 35, "injured": 11}
    refs = [StoryRef(t.story_id, "", "", [], None, t.killed, t.injured, t.running_kinds()).to_json() for t in tolls]
    assert [(r["story_id"], r["killed"], r["injured"], r["cumulative"]) for r in refs] == [
        ("1", 35, None, ["killed"]), ("2", 11, None, []), ("3", 3, 2, []), ("4", 5, None, [])]
