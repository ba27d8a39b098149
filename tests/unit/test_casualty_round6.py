"""Error classes of the sixth round (issue 18; docs/casualties.md), found on the pooled misses of dev4
(before round 5) and dev5 (untouched). Every sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_TUESDAY = date(2018, 5, 15)


def _totals(text: str, reference: date | None = None) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


# --- one figure, several mentions: the dated one decides ---------------------------------------------
def test_a_repeat_dated_yesterday_is_the_event_not_background() -> None:
    # the first mention is tied to another time ("غداة"), the second dates the same toll yesterday
    text = ("غداة مقتل 45 متظاهرا، دعت الدول إلى جلسة طارئة لمجلس الأمن.\n"
            "وقالت الوزارة إن 45 متظاهرا قتلوا أمس بالرصاص قرب السياج.")
    assert _totals(text, _TUESDAY) == {"killed": 45, "injured": None}
    assert _totals(text.replace("أمس", "الاثنين"), _TUESDAY) == {"killed": 45, "injured": None}


def test_an_undated_repeat_of_a_background_figure_stays_background() -> None:
    text = ("غداة مقتل 45 متظاهرا، دعت الدول إلى جلسة طارئة لمجلس الأمن.\n"
            "وقالت الوزارة إن 45 متظاهرا قتلوا بالرصاص قرب السياج.")
    assert _totals(text, _TUESDAY) == {"killed": None, "injured": None}


# --- earlier times ----------------------------------------------------------------------------------
def test_a_past_season_dates_a_figure_earlier() -> None:
    assert _totals("وقتل شقيقه في المعارك على الجبهة الصيف الماضي.") == {"killed": None, "injured": None}
    assert _totals("وأصيب 3 من رفاقه في القصف الشتاء الماضي.") == {"killed": None, "injured": None}


def test_years_ago_is_an_earlier_time_but_an_age_is_not() -> None:
    assert _totals("وقتل 4 جنود في انفجار لغم قبل ثلاث سنوات في المنطقة نفسها.") == {"killed": None, "injured": None}
    assert _totals("قتل رجل (40 عاما) في إطلاق نار اليوم.") == {"killed": 1, "injured": None}


def test_last_week_in_the_text_before_dates_a_sentence_naming_its_event() -> None:
    text = "وقع الهجوم على القافلة الأسبوع الماضي قرب المدينة. وأسفر الهجوم عن مقتل 6 جنود."
    assert _totals(text) == {"killed": None, "injured": None}


def test_last_week_of_a_thing_named_in_passing_leaves_todays_toll() -> None:
    # the attempt was last week; the shoot-out that killed two is today's news
    text = "اعتقلت الشرطة المشتبه به في محاولة الاغتيال الأسبوع الماضي. وقتل في تبادل إطلاق نار شرطيان."
    assert _totals(text) == {"killed": 2, "injured": None}


def test_over_the_past_week_is_no_date_for_the_next_sentence() -> None:
    text = "ونفذت القوات عمليات خلال الأسبوع الماضي في الجبال. وأسفرت العملية عن مقتل 5 مسلحين."
    assert _totals(text) == {"killed": 5, "injured": None}


def test_a_week_after_an_attack_dates_the_attacks_toll() -> None:
    text = "ونفذت الطائرات الضربات بعد أسبوع من هجوم على المدينة. وقال مسعفون إن 25 شخصا قتلوا في الهجوم."
    assert _totals(text, date(2018, 4, 15)) == {"killed": None, "injured": None}


def test_a_week_after_yields_to_yesterday_named_in_the_same_text() -> None:
    # reference a Tuesday: the fighting was on Monday evening, a week after the handover
    text = "ودخلت القوات الحي مساء الاثنين، بعد أسبوع من انسحاب الفصائل منه. وقتل 17 من الجنود في الاشتباكات."
    assert _totals(text, date(2018, 3, 20)) == {"killed": 17, "injured": None}


def test_a_campaign_after_khilal_is_a_period_definite_or_not() -> None:
    assert _totals("وقتل أكثر من 300 شخص خلال حملة القصف الأخيرة على البلدات.") == {"killed": None, "injured": None}


# --- what is not a death, what is not killed ---------------------------------------------------------
def test_victims_broken_down_as_dead_and_wounded_are_a_combined_figure() -> None:
    text = "وأفاد مسعف أن هناك سبعة ضحايا على الأقل ما بين قتيل وجريح نقلوا إلى المستشفى."
    assert [(c.kind, c.count) for c in extract_casualties(text)] == [("killed_or_injured", 7)]
    assert _totals(text) == {"killed": None, "injured": None}


def test_lives_risked_are_not_lives_taken() -> None:
    assert extract_casualties("وقال إن الجيش لن يرضى بالمخاطرة بحياة الطيارين في الأجواء.") == []
    assert _totals("أودى القصف بحياة 12 مدنيا في البلدة.") == {"killed": 12, "injured": None}


# --- one person told twice --------------------------------------------------------------------------
def test_a_known_person_told_again_in_another_place_is_one_death() -> None:
    text = ("مقتل ضابط كبير في الشرطة\n"
            "أفاد مصدر أمني بمقتل العميد سالم الراشد، مدير شرطة البلدة في محافظة النهر السبت.\n"
            "ولقي العميد سالم الراشد مصرعه خلال عمليات دهم في منطقة الوادي.")
    assert _totals(text, date(2018, 5, 26)) == {"killed": 1, "injured": None}


def test_two_indefinite_singular_victims_in_two_places_stay_two() -> None:
    assert _totals("قتل جندي في انفجار عبوة في درعا. وفي إدلب، قتل مدني برصاص قناص.") == {"killed": 2, "injured": None}


# --- a singular victim after a place phrase --------------------------------------------------------
def test_a_verb_a_place_then_one_person_is_one_victim() -> None:
    text = 'وفيما يتعلق بالأمن، قتل في محافظة النهر "شرطي وأصيب ثلاثة آخرون بجروح" بحسب قائد الشرطة.'
    assert _totals(text) == {"killed": 1, "injured": 3}
    assert _totals("قتل في مدينة حمص شاب برصاص مجهولين.") == {"killed": 1, "injured": None}
    assert _totals("قتل في مدينة حمص 5 أشخاص في انفجار.") == {"killed": 5, "injured": None}


# --- the verb after a breakdown; "the two others" ----------------------------------------------------
def test_the_verb_after_a_breakdown_names_the_kind_of_its_total() -> None:
    text = "وقال المسعفون الذين ينقلون المصابين إن 11 مدنيا بينهم 3 أطفال وامرأتان لقوا مصرعهم في القصف."
    rows = [(c.kind, c.count, c.sub_of) for c in extract_casualties(text)]
    assert rows == [("killed", 11, None), ("killed", 3, 0), ("killed", 2, 0)]
    assert _totals(text) == {"killed": 11, "injured": None}


def test_two_others_wounded_are_two() -> None:
    assert _totals("وفي المدينة لقي شخص مصرعه وأصيب آخران بسقوط قذيفة.") == {"killed": 1, "injured": 2}
    assert _totals("قتل 3 جنود وأصيب 12 آخرين في الهجوم.") == {"killed": 3, "injured": 12}


# --- last night is today's news ----------------------------------------------------------------------
def test_last_night_named_by_yesterdays_weekday_is_not_an_earlier_day() -> None:
    tuesday = date(2018, 3, 20)
    text = ("قتل 20 مدنيا ليل الاثنين الثلاثاء في غارة على بلدة في الريف. "
            "وعلى جبهة أخرى في حي القدم، قتل 30 جنديا خلال اشتباكات ليل الاثنين.")
    assert _totals(text, tuesday) == {"killed": 50, "injured": None}
    # yesterday's daytime after a toll dated today stays an earlier incident told for context
    text = "قتل 20 مدنيا اليوم في غارة على بلدة في الريف. وفي حي القدم، قتل الاثنين 30 جنديا في اشتباكات."
    assert _totals(text, tuesday) == {"killed": 20, "injured": None}


def test_the_attacking_elements_are_perpetrators() -> None:
    text = "صد الجنود الهجوم على الموقع، وقتل خلال المواجهات 12 من العناصر المهاجمة، بحسب الجيش."
    assert [(c.kind, c.count, c.who) for c in extract_casualties(text)] == [("killed", 12, "perpetrators")]
    assert _totals(text) == {"killed": None, "injured": None}
