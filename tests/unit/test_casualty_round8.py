"""Round 8 (issue 18; docs/casualties.md, "Which figures add up"): incident arithmetic — tolls of
different attackers, an earlier report of a toll, a known place and its wider region, an added title
figure, a stated total of a sentence's parts, a singular person coordinated before a count. Every
sentence here is written for these tests."""

from __future__ import annotations

from worker.extract.casualties import compute_totals, extract_casualties


def _killed(text: str) -> int | None:
    return compute_totals(extract_casualties(text))["killed"]


def test_tolls_of_different_attackers_are_summed() -> None:
    assert _killed("قتل 40 شخصا في غارات روسية على بلدات الغوطة الشرقية اليوم. "
                   "وقال المرصد إن القصف التركي قتل 12 شخصا اليوم.") == 52
    assert _killed("قتل 9 مدنيين في قصف القوات الحكومية على الغوطة اليوم. "
                   "وقتل 4 مدنيين جراء قذائف أطلقتها فصائل مسلحة على أحياء العاصمة.") == 13
    assert _killed("قتل 9 مدنيين جراء استهداف مجموعات مسلحة أحياء العاصمة اليوم. "
                   "وقتل 30 مدنيا في قصف القوات الحكومية على الغوطة.") == 39


def test_one_attacker_or_an_unnamed_one_keeps_the_smaller_toll_a_part() -> None:
    assert _killed("قتل 40 شخصا في غارات روسية على بلدات الغوطة الشرقية اليوم. "
                   "وقال المرصد إن الغارات الروسية قتلت 12 طفلا.") == 40
    assert _killed("قتل 40 شخصا في غارات روسية على بلدات الغوطة الشرقية اليوم. "
                   "وقال المرصد إن 12 طفلا قتلوا.") == 40
    # the victims named after an attack word are no attacker: "استهداف قوات النظام" is the target
    assert _killed("قتل 40 شخصا في قصف تركي على المدينة اليوم. "
                   "وأدى استهداف قوات النظام إلى مقتل 12 عنصرا.") == 40


def test_an_earlier_report_is_an_estimate_of_the_toll_told_before() -> None:
    assert _killed("قتل خمسة عمال في انفجار بمصنع في المدينة اليوم. "
                   "وكانت مصادر محلية قالت إن ثلاثة عمال قتلوا في الانفجار بمنطقة الصناعات.") == 5
    assert _killed("قتل خمسة عمال في انفجار بمصنع في المدينة اليوم. "
                   "وكانت حصيلة سابقة قد أفادت بمقتل ثلاثة عمال في بلدة الصناعات.") == 5
    # كان without a report verb is an earlier event (background), as before
    assert _killed("قتل خمسة عمال في انفجار بمصنع في المدينة اليوم. "
                   "وكان ثلاثة عمال قد قتلوا في انفجار مماثل الشهر الماضي.") == 5


def test_a_known_place_then_its_wider_region_is_no_new_incident() -> None:
    assert _killed("قتل 9 مدنيين في قصف على بلدة كفرنبل اليوم. "
                   "وقتل 9 مدنيين في قصف على بلدة كفرنبل في شمال سوريا.") == 9
    # a new place first, then a known one, is a town of that region: another incident
    assert _killed("قتل 9 مدنيين في قصف على مدينة حلب اليوم. "
                   "وقتل 9 مدنيين في قصف على بلدة الأتارب بريف حلب.") == 18


def test_an_added_title_figure_is_not_inside_the_body_toll() -> None:
    assert _killed("مقتل فلسطينيين في غزة ووفاة ثالث في الضفة\n"
                   "قتل فلسطينيان برصاص الجيش في غزة اليوم خلال الاحتجاجات.") == 3
    assert _killed("مقتل جندي في هجوم على حاجز\n"
                   "قتل ثلاثة جنود في هجوم على حاجز عسكري صباح اليوم.") == 3


def test_a_stated_total_after_its_parts_in_one_sentence() -> None:
    assert _killed("قال مسؤول إن أربعة حراس وثلاثة موظفين قتلوا في الهجوم، لكن وزارة الصحة "
                   "أجملت لاحقا عدد القتلى 11 شخصا.") == 11


def test_a_singular_person_coordinated_before_a_count() -> None:
    totals = compute_totals(extract_casualties(
        "وقال البيان إن ضابطا وثلاثة جنود قتلوا وأصيب ثلاثة ضباط خلال الاشتباكات اليوم."))
    assert totals == {"killed": 4, "injured": 3}
    # the noun a number counts is not another person
    assert _killed("قتل 15 طفلا وامرأتان في غارة على مدرسة اليوم.") == 17


def test_one_person_each_of_two_nationalities_is_two_people() -> None:
    assert _killed("مقتل جندي بريطاني بانفجار قنبلة في سوريا\n"
                   "أعلنت الوزارة مقتل جندي أميركي في انفجار عبوة ناسفة أمس.") == 2
    assert _killed("مقتل جندي بريطاني بانفجار قنبلة في سوريا\n"
                   "قتل جندي بريطاني في انفجار عبوة ناسفة أمس. ويأتي مقتل الجندي الأميركي بعد يوم من "
                   "تصريحات الرئيس.") == 2
    # the same nationality told again is the same person
    assert _killed("مقتل جندي بريطاني بانفجار قنبلة في سوريا\n"
                   "قتل جندي بريطاني في انفجار عبوة ناسفة أمس. وكان الجندي البريطاني يعمل مع قوات "
                   "التحالف.") == 1


def test_a_campaign_in_its_nth_week_has_a_running_toll() -> None:
    assert _killed("وأسفرت الاحتجاجات، التي تدخل الجمعة أسبوعها الثالث، عن مقتل 30 شخصا. "
                   "وقتل متظاهر برصاص الشرطة اليوم.") == 1
    assert _killed("قتل 30 شخصا في الاحتجاجات التي خرجت اليوم في المدينة.") == 30


def test_an_intervention_is_a_long_period() -> None:
    assert _killed("تحطمت طائرة نقل عسكرية عند هبوطها في القاعدة اليوم ما أدى إلى مقتل 20 شخصا كانوا "
                   "على متنها. وقتل 50 جنديا خلال التدخل العسكري في البلاد بحسب حصيلة رسمية.") == 20
