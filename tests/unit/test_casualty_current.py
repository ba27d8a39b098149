"""Current event versus background, repeats across title and body, and the evidence behind totals
(issue 18; docs/casualties.md "Current event"). Every sentence here is written for these tests."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from worker.extract.casualties import extract_casualties, totals_evidence
from worker.pipeline import analyse

ROOT = Path(__file__).resolve().parents[2]


def _totals(body: str, title: str = "", reference: date | None = None) -> dict[str, int | None]:
    return analyse(body, title=title, reference=reference).totals


def _rows(body: str, reference: date | None = None) -> list[tuple[str, int | None, int | None, bool]]:
    return [(c.kind, c.count, c.sub_of, c.background) for c in extract_casualties(body, reference=reference)]


# --- the two own-written checks of the issue ------------------------------------------------------
def test_headline_and_lead_repeat_counts_once() -> None:
    result = analyse("قُتل 20 مدنيا وأصيب 15 آخرون في غارة جوية استهدفت سوقا شعبيا.",
                     title="مقتل عشرين مدنيا في غارة على ريف إدلب")
    assert result.totals == {"killed": 20, "injured": 15}
    assert [(c.kind, c.count, c.sub_of) for c in result.casualties] == [
        ("killed", 20, None), ("killed", 20, 0), ("injured", 15, None)]


def test_incidents_in_three_named_places_are_summed() -> None:
    body = "قتل 5 مدنيين في قصف على مدينة حلب.\nقتل 7 أشخاص في انفجار بمدينة حمص.\nقتل 3 جنود في هجوم قرب درعا."
    assert _totals(body) == {"killed": 15, "injured": None}


def test_same_count_in_another_named_place_adds_up_but_a_restatement_does_not() -> None:
    assert _totals("قتل 9 أشخاص في غارة على سوق في مدينة أريحا.\nوفي ريف حلب قتل 9 آخرون في قصف مدفعي.") == {
        "killed": 18, "injured": None}
    assert _totals("قتل 6 مدنيين في قصف على مدينة دوما.\n"
                   "وقال مسعفون إن 6 مدنيين قتلوا في القصف الذي استهدف المدينة صباحا.") == {
        "killed": 6, "injured": None}


# --- one victim, duals, coordinated singulars, "at least" -----------------------------------------
@pytest.mark.parametrize(("text", "totals"), [
    ("أعلنت الوزارة مقتل جندي في هجوم على حاجز.", {"killed": 1, "injured": None}),
    ("أسفر الكمين عن مقتل ضابط وجندي.", {"killed": 2, "injured": None}),
    ("أدى القصف إلى مقتل طفلين.", {"killed": 2, "injured": None}),
    ("وأصيب ضابط وضابط صف في الاشتباك.", {"killed": None, "injured": 2}),
    ("قتل رقيب في اشتباك مع مسلحين.", {"killed": 1, "injured": None}),
    ("أصيب أحد المحتجين برصاصة في ساقه.", {"killed": None, "injured": 1}),
    ("وأسفر القصف عن مقتل \"23 مقاتلا\" على الأقل.", {"killed": 23, "injured": None}),
    ("وأعلن الجيش القضاء على 13 مسلحا في المداهمات.", {"killed": 13, "injured": None}),
    ("وأسفر القصف عن مقتل شخص واحد في الحي.", {"killed": 1, "injured": None}),
    ("وقُتل الإثنين ما لا يقل عن 55 شخصا في المواجهات.", {"killed": 55, "injured": None}),
    ("وقُتل الجنديان الاثنان في الكمين.", {"killed": 2, "injured": None}),
])
def test_victim_nouns_and_counts(text: str, totals: dict[str, int | None]) -> None:
    assert _totals(text) == totals


def test_at_least_keeps_the_number_and_marks_it_approximate() -> None:
    result = analyse("قتل ما لا يقل عن 12 شخصا في انفجار سيارة مفخخة.")
    assert (result.totals["killed"], result.totals_approximate["killed"]) == (12, True)


# --- background: temporal anchors, aggregates, comparisons, zones ---------------------------------
@pytest.mark.parametrize("text", [
    "وقتل أكثر من 350 ألف شخص منذ بداية الحرب.",
    "وقتل 400 شخص في المحافظة منذ عام ٢٠١٥.",
    "وقتل 45 متظاهرا منذ مارس.",
    "وكان هجوم مماثل قد أودى بحياة 12 شخصا الشهر الماضي.",
    "وقتل 30 شخصا في تفجير مماثل العام الماضي.",
    "ولقي أكثر من 400 مدني مصرعهم، في خمسة أيام من الغارات الجوية.",
    "وارتفع عدد ضحايا ثلاثة أسابيع من القصف إلى 1100 قتيل.",
    "وقتل 46 جنديا حتى الآن في العملية.",
    "وقالت الحكومة إن الميليشيا قتلت 13 ألف مدني وجرحت 27 ألفا.",
])
def test_background_only_gives_null(text: str) -> None:
    assert _totals(text) == {"killed": None, "injured": None}


def test_current_figure_kept_beside_a_running_total() -> None:
    text = "قتل 4 مدنيين اليوم في قصف على بلدة كفرنبل. وارتفع عدد القتلى منذ بداية الشهر إلى 90 مدنيا."
    assert _rows(text) == [("killed", 4, None, False), ("killed", 90, None, True)]
    assert _totals(text) == {"killed": 4, "injured": None}


def test_weekday_is_read_against_the_publication_date() -> None:
    text = "وقتل 7 أشخاص يوم الاثنين في غارة على السوق."
    assert _totals(text, reference=date(2018, 5, 15)) == {"killed": 7, "injured": None}  # Tuesday
    assert _totals(text, reference=date(2018, 5, 16)) == {"killed": None, "injured": None}  # Wednesday
    assert _totals(text) == {"killed": 7, "injured": None}  # no date: not judged


def test_dated_incident_before_the_publication_date_is_background() -> None:
    text = "وكانت غارة في التاسع من شباط قد أسفرت عن مقتل 14 عسكريا."
    assert _totals(text, reference=date(2018, 4, 10)) == {"killed": None, "injured": None}
    assert _totals(text, reference=date(2018, 2, 10)) == {"killed": 14, "injured": None}


def test_a_cue_earlier_in_the_sentence_scopes_forward_unless_the_clause_says_today() -> None:
    assert _totals("وفي فبراير الماضي، استهدفت غارات قافلة، مما أسفر عن مقتل 100 جندي.") == {
        "killed": None, "injured": None}
    assert _totals("ومنذ الأسبوع الماضي تتواصل المعارك، وقتل اليوم 8 مقاتلين.") == {"killed": 8, "injured": None}


def test_comparison_with_an_earlier_war_is_not_the_figure_time() -> None:
    text = "وفي أعنف يوم منذ حرب عام 2014، قتل 30 شخصا في المواجهات."
    assert _totals(text, reference=date(2018, 5, 15)) == {"killed": 30, "injured": None}


def test_an_earlier_event_after_comes_after_is_background() -> None:
    text = "قتل 5 أشخاص في قصف على بلدة سراقب. ويأتي القصف بعد يومين من مقتل 14 شخصا في غارة مماثلة."
    assert _rows(text) == [("killed", 5, None, False), ("killed", 14, None, True)]


def test_a_continuation_of_a_background_sentence_is_background() -> None:
    assert _totals("وقتل 48 فلسطينيا منذ بدء الاحتجاجات. كما أصيب أكثر من 1700 آخرين بالرصاص.") == {
        "killed": None, "injured": None}


def test_teaser_line_after_the_article_is_not_counted() -> None:
    text = "قتل 5 أشخاص في قصف على بلدة سراقب.\nحصيلة الحرب في سوريا: أكثر من 300 قتيل"
    assert _rows(text) == [("killed", 5, None, False), ("killed", 300, None, True)]


def test_disaster_tolls_are_not_war_scale() -> None:
    assert _totals("وبلغت حصيلة الزلزال 12 ألف قتيل.") == {"killed": 12000, "injured": None}


def test_repeat_of_a_background_figure_is_background() -> None:
    body = "قتل أكثر من 400 مدني منذ يوم الأحد في الغوطة.\nوقال المرصد إن 400 مدني قتلوا في القصف."
    assert _totals(body) == {"killed": None, "injured": None}


# --- title and body ---------------------------------------------------------------------------
def test_title_total_holds_the_body_parts_and_a_smaller_title_figure_is_inside_the_body() -> None:
    assert _totals("قتل 6 جنود و4 مدنيين في الاشتباكات.", title="مقتل 10 في اشتباكات بطرابلس") == {
        "killed": 10, "injured": None}
    assert _totals("قتل 12 شخصا في قصف على بلدة، بينهم 3 أطفال.", title="مقتل 3 أطفال في قصف") == {
        "killed": 12, "injured": None}


# --- evidence ----------------------------------------------------------------------------------
def test_evidence_lists_every_figure_behind_each_total() -> None:
    text = "مقتل 20 مدنيا في غارة\nقُتل 20 مدنيا وأصيب 15 آخرون في الغارة. وقتل 300 شخص منذ بداية الحرب."
    ev = totals_evidence(extract_casualties(text))
    assert ev["killed"]["total"] == 20 and ev["injured"]["total"] == 15
    assert [(r["figure"], r["count"], r["current"], r["counted"], r["reason"]) for r in ev["killed"]["figures"]] == [
        (0, 20, True, True, "counted"),
        (1, 20, True, False, "included in figure 0"),
        (3, 300, False, False, "background"),
    ]
    first = ev["killed"]["figures"][0]
    assert (first["span"], first["text"], first["who"], first["kind"]) == ([5, 7], "20", "civilians", "killed")
    assert [(r["count"], r["counted"]) for r in ev["injured"]["figures"]] == [(15, True)]


def test_rasd_extract_json_keeps_its_keys_and_adds_the_evidence() -> None:
    body = "مقتل عشرين مدنيا في غارة على ريف إدلب\nقُتل 20 مدنيا وأصيب 15 آخرون في الغارة."
    proc = subprocess.run([sys.executable, "-m", "worker.cli", "extract", "-", "--json"], input=body, text=True,
                          capture_output=True, cwd=ROOT, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"text_clean", "casualties", "totals", "totals_approximate", "totals_evidence", "entities",
                        "keywords", "escalation_score", "regions", "totals_cumulative"}
    assert out["totals"] == {"killed": 20, "injured": 15}
    assert out["totals_cumulative"] == {"killed": False, "injured": False}
    assert [(r["count"], r["counted"]) for r in out["totals_evidence"]["killed"]["figures"]] == [(20, True), (20, False)]
