"""bench/_casualty_history.py: a current figure that earlier articles counted is marked background
(the issue-18 known-toll experiment; own-written sentences)."""

from datetime import date

from bench._casualty_history import HistoryRule, KnownToll, current_tolls, index_tolls, mark_known_tolls
from worker.extract.casualties import compute_totals, extract_casualties

EARLIER = "قتل 12 مدنيا في قصف على مدينة حلب."
LATER = "دان الاتحاد الأوروبي القصف على حلب.\nوقتل 12 مدنيا في القصف، وقتل 3 جنود في هجوم قرب درعا."
UPDATE = "ارتفعت حصيلة القتلى في قصف حلب إلى 15 مدنيا."
TODAY = date(2026, 3, 10)
ONE_REPORT = HistoryRule(min_days=2, max_days=21, min_count=5, min_reports=1, fresh_days=0)
Known = dict[tuple[str, int], list[KnownToll]]


def _known(*days: date, countries: frozenset[str] = frozenset({"SY"})) -> Known:
    tolls: list[KnownToll] = []
    for i, day in enumerate(days):
        tolls += current_tolls(extract_casualties(EARLIER, reference=day), day, countries, f"earlier-{i}")
    return index_tolls(tolls)


def _totals(text: str, known: Known, rule: HistoryRule,
            countries: frozenset[str] = frozenset({"SY"})) -> tuple[dict[str, int | None], list[tuple[int | None, bool]]]:
    marked = mark_known_tolls(extract_casualties(text, reference=TODAY), known, TODAY, countries, "this", rule)
    return compute_totals(marked), [(c.count, c.background) for c in marked]


def test_the_counted_figures_of_an_article_become_known_tolls() -> None:
    tolls = current_tolls(extract_casualties(LATER, reference=TODAY), TODAY, {"SY"}, "a")
    assert [(t.kind, t.count, t.published, t.article) for t in tolls] == [
        ("killed", 12, TODAY, "a"), ("killed", 3, TODAY, "a")]


def test_a_toll_counted_days_before_is_background_and_the_new_incident_stays() -> None:
    assert _totals(LATER, {}, ONE_REPORT) == ({"killed": 15, "injured": None}, [(12, False), (3, False)])
    assert _totals(LATER, _known(date(2026, 3, 5)), ONE_REPORT) == (
        {"killed": 3, "injured": None}, [(12, True), (3, False)])


def test_same_day_too_old_another_country_or_a_larger_update_stay_current() -> None:
    assert _totals(LATER, _known(date(2026, 3, 10)), ONE_REPORT)[0]["killed"] == 15
    assert _totals(LATER, _known(date(2026, 1, 5)), ONE_REPORT)[0]["killed"] == 15
    assert _totals(LATER, _known(date(2026, 3, 5), countries=frozenset({"IQ"})), ONE_REPORT)[0]["killed"] == 15
    assert _totals(UPDATE, _known(date(2026, 3, 5)), ONE_REPORT)[0]["killed"] == 15


def test_the_default_rule_wants_three_old_reports_and_none_fresh() -> None:
    old = (date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 5))
    assert _totals(LATER, _known(*old[:2]), HistoryRule())[0]["killed"] == 15
    assert _totals(LATER, _known(*old), HistoryRule())[0]["killed"] == 3
    assert _totals(LATER, _known(*old, date(2026, 3, 9)), HistoryRule())[0]["killed"] == 15
