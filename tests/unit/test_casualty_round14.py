"""Round 14 (issue 18; docs/casualties.md, "Fourteenth round"): the day-after reading per kind, and a
year that dates what an anniversary remembers. Every sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_TUESDAY = date(2018, 5, 15)


def _totals(text: str, reference: date | None = _TUESDAY) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_the_day_after_toll_counts_when_only_the_other_kind_is_numbered_in_the_lead() -> None:
    # the lead numbers only the wounded (the dead as "tens"): the killed toll told "the day after" is still the news
    text = ("مجلس الأمن يعقد جلسة طارئة حول الحدود\n"
            "عقد مجلس الأمن اجتماعا طارئا الثلاثاء بعد مقتل العشرات وإصابة أكثر من 1500 شخص قرب الحدود. "
            "وبحث المجلس اليوم الثلاثاء الأوضاع على الحدود غداة يوم دام هو الأكثر دموية منذ 2014 قتل فيه 45 شخصا.")
    assert _totals(text) == {"killed": 45, "injured": 1500}


def test_the_day_after_word_far_before_the_toll_still_reads() -> None:
    text = ("الحكومة تعلن الحداد\nأعلنت الحكومة اليوم الحداد العام غداة هجوم مسلح استهدف سوقا شعبيا مزدحما "
            "في وسط المدينة القديمة قتل فيه 23 شخصا.")
    assert _totals(text)["killed"] == 23


def test_a_day_after_toll_of_another_day_stays_background() -> None:
    # a control: the same reading needs the step to be today's
    text = ("الحكومة تعلن الحداد\nأعلنت الحكومة الحداد العام غداة هجوم مسلح استهدف سوقا شعبيا مزدحما "
            "في وسط المدينة القديمة قتل فيه 23 شخصا.")
    assert _totals(text)["killed"] is None


def test_a_year_after_the_toll_that_an_anniversary_remembers_does_not_date_the_toll() -> None:
    text = ("مظاهرات في ذكرى التهجير\nقتل 12 شخصا اليوم خلال مظاهرات نظمت في الذكرى السبعين "
            "لتهجير آلاف السكان من قراهم ومنازلهم في العام 1948.")
    assert _totals(text)["killed"] == 12


def test_the_toll_an_anniversary_remembers_stays_background() -> None:
    text = ("مظاهرات في ذكرى الأحداث\nتتجدد المظاهرات في مثل هذا اليوم من كل عام لإحياء ذكرى مقتل "
            "ستة أشخاص خلال احتجاجات عام 1976.")
    assert _totals(text)["killed"] is None


def test_a_past_year_after_the_toll_without_an_anniversary_still_dates_it() -> None:
    text = "تقرير عن الحرب\nقتل 12 شخصا خلال مظاهرات نظمت في المدينة في العام 1948."
    assert _totals(text)["killed"] is None


def test_victims_of_a_harm_that_kills_no_one_are_no_casualties() -> None:
    text = "وزير يستقيل بعد اتهامات\nوقالت صحفية إنها كانت إحدى ضحايا التحرش في مكتب الوزير."
    assert _totals(text) == {"killed": None, "injured": None}
    text = "خلاف على القوائم\nوقال الرجل إنه كان إحدى ضحايا تشابه الأسماء عند الحواجز."
    assert _totals(text)["killed"] is None


def test_one_victim_of_a_shelling_is_still_counted() -> None:
    text = "قصف على البلدة\nوكان الطفل إحدى ضحايا القصف على البلدة اليوم."
    assert _totals(text)["killed"] == 1


def test_a_woman_or_a_prisoner_named_by_a_singular_noun_is_one() -> None:
    for sentence in ("قتلت متطوعة أجنبية في قصف على الجبهة اليوم.", "أعلنت الوزارة اليوم وفاة أسير في المستشفى.",
                     "قتلت ممرضة اليوم في قصف على المستشفى.", "أعلن الجيش اليوم مقتل شابة برصاص قناص."):
        assert _totals(f"خبر عاجل\n{sentence}")["killed"] == 1, sentence
    assert _totals("خبر عاجل\nأعلن الجيش اليوم مقتل ممرضة وطبيب في قصف على المستشفى.")["killed"] == 2


def test_a_known_woman_named_by_a_definite_noun_is_not_news_of_a_death() -> None:
    text = "قضية الممرضة\nوطالبت الأسرة بالتحقيق في مقتل الممرضة قبل عامين."
    assert _totals(text)["killed"] is None
