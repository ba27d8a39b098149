"""Round 13 (issue 18; docs/casualties.md, "Thirteenth round"): a late toll dated today or yesterday
stays the story's news, the event a superlative compares with is context, and a killed count of
campaign scale is a campaign's. Every sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from tests.unit.test_casualty_round12 import _filler
from worker.extract.casualties import compute_totals, extract_casualties, totals_evidence
from worker.extract.casualties.current import DEEP_TOLL_START
from worker.extract.casualties.lexicon import CAMPAIGN_KILLED

_FRIDAY = date(2018, 2, 23)
_QUIET_TITLE = "مجلس الأمن يؤجل التصويت على مشروع القرار"


def _totals(text: str, reference: date | None = _FRIDAY) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_a_late_toll_dated_yesterday_stays_the_story_s_news() -> None:
    toll = "وأكد المرصد مقتل 46 شخصا الخميس في القصف على البلدات."  # Thursday, in a Friday article
    text = f"{_QUIET_TITLE}\n{_filler(DEEP_TOLL_START)} {toll}"
    assert text.index(toll) > DEEP_TOLL_START
    assert _totals(text)["killed"] == 46


def test_a_late_toll_dated_today_stays_the_story_s_news() -> None:
    text = f"{_QUIET_TITLE}\n{_filler(DEEP_TOLL_START)} وقتل 9 أشخاص اليوم في قصف على البلدة."
    assert _totals(text)["killed"] == 9


def test_a_late_undated_toll_under_a_quiet_headline_is_still_context() -> None:
    # the round-12 rule itself is unchanged: no day in the toll's sentence
    text = f"{_QUIET_TITLE}\n{_filler(DEEP_TOLL_START)} وقتل 9 أشخاص في قصف على البلدة."
    assert _totals(text)["killed"] is None


def test_the_event_a_superlative_compares_with_is_context() -> None:
    text = ("تصادم قطارين في الدلتا\nقتل 16 شخصا اليوم في تصادم قطارين قرب محطة البلدة. "
            "وهو أعنف حادث قطارات منذ نوفمبر 2013 عندما اصطدم قطار بحافلة مما أدى لمقتل 27 شخصا.")
    assert _totals(text)["killed"] == 16
    rows = totals_evidence(extract_casualties(text, reference=_FRIDAY))["killed"]["figures"]
    assert [(r["count"], r["current"]) for r in rows] == [(16, True), (27, False)]


def test_a_comparison_without_a_when_clause_keeps_its_own_toll() -> None:
    # "the deadliest since 2013" dates nothing of the toll told in the same sentence
    text = "تصادم قطارين في الدلتا\nقتل 16 شخصا اليوم في أعنف حادث قطارات منذ عام 2013."
    assert _totals(text)["killed"] == 16


def test_a_campaign_scale_killed_count_and_its_wounded_are_the_campaign_s() -> None:
    text = ("الحملة على الغوطة\nوقالت منظمة طبية إنها استقبلت 770 قتيلا و4050 جريحا منذ بدء الحملة. "
            "وأسفرت الحملة عن مقتل أكثر من 1600 مدني وإصابة 5000 آخرين.")
    assert _totals(text) == {"killed": None, "injured": None}


def test_a_campaign_scale_count_beside_today_s_toll_leaves_today_s() -> None:
    text = ("غارات جديدة على البلدة\nوقتل ثمانية مدنيين في الغارات اليوم بحسب المرصد. "
            "وشنت القوات هجوما عنيفا بعد حصار طويل وقتل خلاله أكثر من 1600 مدني.")
    assert _totals(text)["killed"] == 8


def test_the_campaign_mark_spares_smaller_tolls_and_disasters() -> None:
    assert _totals(f"تحطم طائرة عسكرية\nقتل {CAMPAIGN_KILLED - 243} شخصا اليوم في تحطم طائرة عسكرية.")[
        "killed"] == CAMPAIGN_KILLED - 243
    assert _totals("زلزال قوي يضرب الإقليم\nوأسفر الزلزال عن مقتل 900 شخص اليوم.")["killed"] == 900


def test_a_lone_sentence_is_no_story_so_its_large_count_stays() -> None:
    # the campaign mark judges titled articles; a bare sentence keeps what it says
    assert _totals("وقالت الوكالة إن 1200 شخص قتلوا في المعارك.")["killed"] == 1200
    assert _totals("المعارك الأخيرة\nوقالت الوكالة إن 1200 شخص قتلوا في المعارك.")["killed"] is None


def test_a_singular_noun_after_a_count_is_one_more() -> None:
    assert _totals("قصف على البلدة\nقتل 3 مدنيين وجندي في قصف اليوم.")["killed"] == 4
    assert _totals("قصف على البلدة\nوأصيب 5 أشخاص وطفل في القصف اليوم.")["injured"] == 6
    # a definite or non-person noun after the count is no victim
    assert _totals("قصف على البلدة\nقتل 3 أشخاص ومصدر أمني قال إن القصف وقع ليلا.")["killed"] == 3
    assert _totals("قصف على البلدة\nقتل 3 مدنيين والجندي الذي رافقهم نجا.")["killed"] == 3


def test_armed_men_told_before_the_forces_they_attacked_are_the_attackers() -> None:
    text = "إحباط هجوم على حاجز\nأحبط الجيش هجوما على حاجز أمني اليوم مما أسفر عن مقتل 3 مسلحين وجندي."
    assert _totals(text)["killed"] == 1


def test_the_attackers_counted_again_are_still_the_attackers() -> None:
    text = ("مقتل 4 جنود في معركة\nأعلنت الوزارة اليوم مقتل 4 جنود في معركة قتلت خلالها القوات 43 مسلحا من "
            "المهاجمين. وأكدت الوزارة أن القوات تمكنت من قتل 43 إرهابيا خلال المعركة.")
    assert _totals(text)["killed"] == 4


def test_so_far_on_a_day_the_sentence_names_as_today_is_today_s_count() -> None:
    friday = "مواجهات على الحدود\nواندلعت مواجهات عنيفة الجمعة على الحدود وأدت حتى الآن إلى مقتل 12 شخصا."
    assert _totals(friday)["killed"] == 12
    assert _totals(friday.replace("الجمعة", "اليوم"))["killed"] == 12
    # without today named, "so far" is a running total
    assert _totals("مواجهات على الحدود\nوأدت المواجهات حتى الآن إلى مقتل 12 شخصا.")["killed"] is None
    # a Wednesday in a Friday story is no today
    assert _totals(friday.replace("الجمعة", "الأربعاء"))["killed"] is None


_TUESDAY = date(2018, 5, 15)


def test_a_step_taken_today_the_day_after_a_toll_reports_that_toll() -> None:
    text = ("تركيا تستدعي سفيرها\nواستدعت أنقرة الثلاثاء سفيرها للتشاور غداة مقتل 61 متظاهرا برصاص الجنود "
            "على الحدود.")
    assert _totals(text, _TUESDAY)["killed"] == 61


def test_the_day_after_rule_keeps_away_from_stories_with_their_own_toll_or_day() -> None:
    # a toll of today's own: the day before's is context
    own = ("مواجهات جديدة على الحدود\nوقتل متظاهران اثنان الثلاثاء في مواجهات جديدة، غداة مقتل 61 متظاهرا "
           "على الحدود.")
    assert _totals(own, _TUESDAY)["killed"] == 2
    # "the day after" a day that is itself yesterday: two days old
    old = ("تقدم الجيش في الحي\nوتقدم الجيش الاثنين في الحي غداة مقتل 17 مدنيا في قصف على المخيم.")
    assert _totals(old, _TUESDAY)["killed"] is None


def test_a_singular_noun_after_a_count_at_the_very_end_of_a_text() -> None:
    # the noun is the last token: nothing to read after it (an index error once)
    assert _totals("قتل 3 مدنيين وجندي", None)["killed"] == 4
