"""Round 7 (issue 18; docs/casualties.md): the reasons the rules record for a background figure, the
split of reading from incident resolution, and the figure labels of bench/casualty_model.py. Every
sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from bench._casualty_features import FEATURES, article_features
from bench.casualty_model import Article, Model, _figure_labels, fit, totals_with
from worker.extract.casualties import compute_totals, extract_casualties
from worker.extract.casualties import current as cu
from worker.extract.casualties.figures import read_figures
from worker.extract.casualties.incidents import resolve_incidents

_TUESDAY = date(2018, 5, 15)
_TWO = ("مقتل 5 مدنيين في قصف على مدينة حلب اليوم.\n"
        "وكان 40 شخصا قتلوا في قصف مماثل على المدينة الشهر الماضي.")


def test_reading_then_resolving_is_extract_casualties() -> None:
    read = read_figures(_TWO, reference=_TUESDAY)
    assert read is not None
    doc, figs = read
    resolve_incidents(doc, figs)
    assert [f.cas for f in figs] == extract_casualties(_TWO, reference=_TUESDAY)
    assert compute_totals([f.cas for f in figs]) == {"killed": 5, "injured": None}
    assert read_figures("اجتمع الوزراء في العاصمة لبحث الميزانية.") is None


def test_the_clause_cue_that_made_a_figure_background_is_recorded() -> None:
    read = read_figures("قتل 300 شخص منذ بداية العام في المحافظة.\nوفي العام الماضي، شن الجيش حملة، "
                        "مما أدى إلى مقتل 70 مسلحا.")
    assert read is not None
    doc, figs = read
    assert [(f.cas.count, cu.background_code(doc, f.first)) for f in figs] == [
        (300, cu.CLAUSE_CUE), (70, cu.CLAUSE_SCOPED)]


def test_the_article_pass_that_made_a_figure_background_is_recorded() -> None:
    read = read_figures("وأدت الحرب المستمرة إلى مقتل 350 ألف شخص.\nقتل 4 جنود في هجوم اليوم.\n"
                        "وسبق للجيش أن شن غارات على البلدة في 16 فبراير 2015.\nوأسفرت الغارات عن مقتل 64 مدنيا.",
                        reference=_TUESDAY)
    assert read is not None
    _doc, figs = read
    assert [(f.cas.count, f.cas.background, f.why) for f in figs] == [
        (350000, True, 0), (4, False, 0), (64, True, cu.WHY_EARLIER)]


def test_figures_whose_flag_decides_the_total_are_labelled() -> None:
    art = Article("own-1", _TWO, _TUESDAY, [], {"killed": 5, "injured": None})
    status, pairs = _figure_labels(art, "killed", 12)
    assert status == "labelled"
    # 5 current (flipping it leaves 0 counted), 40 background (flipping it gives 45)
    assert [(row[FEATURES.index("log_count")], label) for row, label in pairs] == [(5 / 15, 0), (40 / 50, 1)]


def test_a_repeat_is_not_labelled_and_an_impossible_total_gives_no_labels() -> None:
    text = "مقتل 5 مدنيين في قصف على حلب\nقتل 5 مدنيين في قصف على مدينة حلب اليوم."
    status, pairs = _figure_labels(Article("own-2", text, _TUESDAY, [], {"killed": 5, "injured": None}), "killed", 12)
    assert (status, pairs) == ("labelled", [])  # either mention alone makes the 5
    status, pairs = _figure_labels(Article("own-3", text, _TUESDAY, [], {"killed": 7, "injured": None}), "killed", 12)
    assert (status, pairs) == ("unreachable", [])
    status, _ = _figure_labels(Article("own-4", text, _TUESDAY, [], {"killed": 5, "injured": None}), "killed", 1)
    assert status == "too_many"


def test_a_confident_model_overrides_the_rules_and_an_unsure_one_does_not() -> None:
    art = Article("own-5", _TWO, _TUESDAY, [], {"killed": 5, "injured": None})
    read = read_figures(_TWO, reference=_TUESDAY)
    assert read is not None
    rows = [r for r in article_features(*read) if r is not None]
    assert len(rows) == 2 and all(len(r) == len(FEATURES) for r in rows)
    rule = FEATURES.index("rule_background")
    invert = tuple(-8.0 if j == rule else 0.0 for j in range(len(FEATURES)))  # sure the rules are wrong
    assert totals_with(art, None) == {"killed": 5, "injured": None}
    assert totals_with(art, Model(invert, 4.0, 0.8)) == {"killed": 40, "injured": None}
    unsure = tuple(-0.5 if j == rule else 0.0 for j in range(len(FEATURES)))
    assert totals_with(art, Model(unsure, 0.25, 0.8)) == {"killed": 5, "injured": None}


def test_the_fit_separates_a_separable_feature() -> None:
    weights, bias = fit([[0.0], [0.0], [1.0], [1.0]], [0, 0, 1, 1], l2=1.0)
    assert weights[0] > 0 > bias
    assert round(float(weights[0]) + 2 * bias, 6) == 0.0  # symmetric data: the boundary at 0.5


# --- a documented count with no trigger verb (a dev5 class) ------------------------------------------
def test_a_monitors_documented_count_of_people_is_a_toll() -> None:
    text = "وأسفرت المواجهات عن خسائر بشرية، إذ وثق المرصد 9 مقاتلين على الأقل بينهم قائدان."
    assert compute_totals(extract_casualties(text)) == {"killed": 9, "injured": None}
    assert compute_totals(extract_casualties("ووثقت الشبكة 40 مدنيا في غارات اليوم.")) == {"killed": 40,
                                                                                       "injured": None}


def test_a_documented_count_of_things_is_no_toll() -> None:
    assert compute_totals(extract_casualties("ووثقت المنظمة 20 حالة اعتقال و35 خرقا للهدنة.")) == {
        "killed": None, "injured": None}
    assert compute_totals(extract_casualties("وثق المرصد مقتل 5 مدنيين.")) == {"killed": 5, "injured": None}
