"""Round 15 (issue 18), background tolls counted: readings that tell a toll cited for context from the
story's own news. Every sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_TUESDAY = date(2018, 4, 17)


def _totals(text: str, reference: date | None = _TUESDAY) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_a_reported_toll_of_the_attack_told_before_is_background() -> None:
    # the story is the inspectors' visit; "the attack" is the one the lead named, its toll cited
    text = ("المفتشون يصلون إلى البلدة المنكوبة\n"
            "وصل فريق من المفتشين الدوليين إلى البلدة للتحقيق في الهجوم بالغاز السام. "
            "وتنفي الحكومة أي دور لها في الهجوم. "
            "ويقول ناشطون محليون إن الهجوم أودى بحياة أكثر من 35 شخصا.")
    assert _totals(text) == {"killed": None, "injured": None}


def test_a_reported_toll_of_the_attack_after_bi_anna_is_background() -> None:
    text = ("منظمة إغاثة تطلب تمويلا جديدا\n"
            "طلبت منظمة إغاثة محلية من المانحين تمويلا جديدا لفرقها في الشمال. "
            "وكانت المنظمة قد أكدت بأن القصف أسفر عن مقتل 12 مدنيا على الأقل.")
    assert _totals(text)["killed"] is None


def test_a_reported_toll_that_says_also_adds_to_the_event_just_told() -> None:
    # a control: "أيضا" ties the wounded to today's clashes of the lead
    text = ("مقتل جندي في اشتباكات بالمدينة\n"
            "قتل جندي في اشتباكات مع مسلحين في حي بالمدينة الثلاثاء. "
            "وذكر مراسلنا أن الاشتباكات أسفرت أيضا عن إصابة 4 جنود خلال تبادل إطلاق النار.")
    assert _totals(text) == {"killed": 1, "injured": 4}


def test_a_reported_toll_whose_sentence_names_today_counts() -> None:
    # a control: the sentence dates the statement and its toll today
    text = ("انفجار في سوق شعبية\n"
            "انفجرت عبوة في سوق شعبية وسط المدينة. "
            "وأكد مسؤول محلي، الثلاثاء، أن الانفجار أسفر عن مقتل 9 أشخاص.")
    assert _totals(text)["killed"] == 9


def test_a_reported_toll_in_the_lead_counts() -> None:
    # a control: the lead's own toll is the story's news, whatever its subject
    text = ("انفجار في سوق شعبية\n"
            "قال مسؤول محلي إن الانفجار أسفر عن مقتل 9 أشخاص في سوق شعبية وسط المدينة.")
    assert _totals(text)["killed"] == 9


def test_a_reported_toll_after_the_storys_own_toll_counts() -> None:
    # a control: the story told a toll of its own first, so "the shelling" may be today's other one
    text = ("قصف متبادل على البلدات\n"
            "قتل 20 شخصا في قصف على البلدات الشرقية. "
            "في المقابل قالت مصادر رسمية إن القصف أسفر عن مقتل 4 أشخاص في العاصمة.")
    assert _totals(text)["killed"] == 24


_FRIDAY = date(2018, 4, 20)


def test_a_toll_over_a_span_after_ala_madar_is_a_running_total() -> None:
    # today's toll in the lead; the week of protests has its own, larger count
    text = ("مواجهات جديدة على الحدود\n"
            "قتل شاب وأصيب 30 آخرون الجمعة في مواجهات على الحدود الشرقية. "
            "وعلى مدار أسبوع من المواجهات، أصيب أكثر من 900 شخص بجروح مختلفة.")
    assert _totals(text, _FRIDAY) == {"killed": 1, "injured": 30}


def test_a_toll_over_the_same_period_is_that_periods_count() -> None:
    text = ("قذيفة على سوق في العاصمة\n"
            "قتل 12 شخصا الجمعة حين سقطت قذيفة على سوق مزدحمة في العاصمة. "
            "وتسببت الغارات في الأسابيع الأخيرة في مقتل 1200 مدني في الضواحي. "
            "وخلال نفس الفترة قتل 40 مدنيا في العاصمة بسبب القذائف.")
    assert _totals(text, _FRIDAY)["killed"] == 12


def test_a_toll_after_tiwal_with_no_span_counts() -> None:
    # a control: "طوال النهار" (all day) names today, no span of earlier days
    text = ("قصف على بلدة في الريف\n"
            "استمر القصف على البلدة طوال النهار وأسفر عن مقتل 12 شخصا.")
    assert _totals(text, _FRIDAY)["killed"] == 12


_SUNDAY = date(2018, 4, 1)


def test_a_quiet_story_dated_to_an_earlier_weekday_cites_that_days_toll() -> None:
    # a war of words on Sunday over Friday's violence; the toll after it is Friday's, cited
    text = ("حرب كلامية بين زعيمين\n"
            "تبادل زعيمان الاتهامات بسبب أعمال العنف على الحدود الجمعة الماضي.\n"
            "ولقي 16 شخصا مصرعهم برصاص الجنود قرب السياج.")
    assert _totals(text, _SUNDAY)["killed"] is None


def test_a_weekday_two_days_back_dates_a_quiet_story() -> None:
    text = ("دولة ثانية تفتتح سفارتها\n"
            "افتتحت دولة ثانية سفارتها في المدينة.\n"
            "وافتتحت دولة أخرى سفارتها الجمعة في حفل رسمي.\n"
            "وتزامن الافتتاح مع احتجاجات واسعة أسفرت عن مقتل 40 شخصا.")
    assert _totals(text, _SUNDAY)["killed"] is None


def test_a_violent_headline_keeps_the_toll_after_an_earlier_weekday() -> None:
    # a control: the headline tells the violence, so the story may well be that day's news
    text = ("مواجهات دامية على الحدود\n"
            "تبادل زعيمان الاتهامات بسبب أعمال العنف على الحدود الجمعة الماضي.\n"
            "ولقي 16 شخصا مصرعهم برصاص الجنود قرب السياج.")
    assert _totals(text, _SUNDAY)["killed"] == 16


def test_a_weekday_that_starts_a_period_dates_no_later_toll() -> None:
    # a control: "منذ … ليل الجمعة" starts a running count; the next sentence's toll is its own
    text = ("الأمم المتحدة تطالب بهدنة فورية\n"
            "حذرت الأمم المتحدة من تدهور الأوضاع منذ تكثيف القصف ليل الجمعة.\n"
            "وأفاد التلفزيون الرسمي بمقتل 6 أشخاص في قذائف على العاصمة.")
    assert _totals(text, _SUNDAY)["killed"] == 6


def test_a_weekday_naming_an_event_by_its_day_dates_no_later_toll() -> None:
    # a control: "هجوم الجمعة الماضي" says which attack the mission studies, not when the text's news is
    text = ("الحكومة تتهم الدول الغربية\n"
            "قالت الحكومة إن بعثة دولية وصلت للتحقيق في هجوم الجمعة الماضي.\n"
            "وذكرت وسائل إعلام رسمية أن الصواريخ التي استهدفت الموقع أدت إلى إصابة 3 أشخاص.")
    assert _totals(text, _SUNDAY)["injured"] == 3


def test_a_past_month_dates_a_quiet_story_too() -> None:
    # a sentence passed today over a December clash; the wound after it is December's
    text = ("الحكم على ناشطة شابة بالسجن\n"
            "قضت محكمة عسكرية بسجن ناشطة شابة بسبب مواجهة مع الجنود وقعت في 15 ديسمبر الماضي أمام منزلها.\n"
            "وأصيب ابن عمها برصاصة في الرأس قرب منزله في القرية.")
    assert _totals(text, date(2018, 3, 21))["injured"] is None
