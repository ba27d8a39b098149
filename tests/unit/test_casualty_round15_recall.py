"""Round 15 (issue 18; docs/casualties.md, "Fifteenth round"): current figures the rules missed. Every
sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_FRIDAY = date(2018, 3, 2)


def _totals(text: str, reference: date | None = _FRIDAY) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_a_story_that_comes_after_a_toll_under_a_violent_headline_counts_that_toll() -> None:
    text = ("غارات جوية تدك مواقع المسلحين في العاصمة\n"
            "شنت الطائرات الحربية اليوم سلسلة من الغارات على مواقع المسلحين في أطراف العاصمة. "
            "وتأتي الغارات بعد مقتل 9 جنود في هجوم على نقطة تفتيش جنوب البلاد.")
    assert _totals(text) == {"killed": 9, "injured": None}


def test_a_statement_that_comes_after_a_toll_counts_both_kinds() -> None:
    text = ("الأمم المتحدة تدين قصف السوق\n"
            "وجاءت تصريحات المسؤول الأممي بعد مقتل 4 مدنيين وإصابة 11 آخرين في قصف استهدف سوقا شعبيا.")
    assert _totals(text) == {"killed": 4, "injured": 11}


def test_a_quiet_headline_keeps_the_earlier_toll_background() -> None:
    # a control: the story is a false alarm, the toll it comes after is context
    text = ("صافرات الإنذار تدوي في المدينة\n"
            "دوت صافرات الإنذار اليوم في المدينة دون سقوط صواريخ. "
            "وتأتي الصافرات بعد مقتل 9 جنود في هجوم على نقطة تفتيش جنوب البلاد.")
    assert _totals(text)["killed"] is None


def test_a_story_with_a_figure_of_its_own_keeps_the_earlier_toll_background() -> None:
    # a control: the story's own wounded is its news, the toll it comes after is an earlier event
    text = ("إصابة شرطي بإطلاق نار في المدينة\n"
            "أصيب شرطي اليوم بإطلاق نار قرب مركز المدينة. "
            "ويأتي الحادث بعد مقتل 9 جنود في هجوم على نقطة تفتيش جنوب البلاد.")
    assert _totals(text) == {"killed": None, "injured": 1}


def test_a_toll_the_sentence_also_dates_earlier_stays_background() -> None:
    # a control: a cue besides the after-word dates the toll
    text = ("غارات جوية تدك مواقع المسلحين في العاصمة\n"
            "شنت الطائرات الحربية اليوم سلسلة من الغارات على مواقع المسلحين في أطراف العاصمة. "
            "وتأتي الغارات بعد مقتل 9 جنود في هجوم على نقطة تفتيش جنوب البلاد الشهر الماضي.")
    assert _totals(text)["killed"] is None


_WEDNESDAY = date(2018, 3, 14)


def test_a_day_set_off_by_commas_between_the_toll_and_its_count_is_skipped() -> None:
    text = ("قصف عنيف على البلدات المحاصرة\n"
            "أفادت مصادر طبية بارتفاع حصيلة القتلى المدنيين في البلدات المحاصرة، يوم الأربعاء، إلى 27 شخصا "
            "جراء القصف المدفعي.")
    assert _totals(text, _WEDNESDAY) == {"killed": 27, "injured": None}


def test_a_toll_raised_to_a_count_after_la_reads_like_ila() -> None:
    text = ("حادث سير على الطريق الدولي\n"
            "وارتفعت حصيلة قتلى حادث السير، الأربعاء، لـ 12 شخصا بعد وفاة اثنين من المصابين في المستشفى.")
    assert _totals(text, _WEDNESDAY)["killed"] == 12


def test_a_toll_with_its_day_unset_by_commas_reads_as_before() -> None:
    # a control: the plain order was read before this round
    text = "قصف عنيف على البلدات المحاصرة\nارتفعت حصيلة القتلى المدنيين يوم الأربعاء إلى 27 شخصا."
    assert _totals(text, _WEDNESDAY)["killed"] == 27


def test_a_count_of_visitors_after_a_day_set_off_by_commas_is_no_toll() -> None:
    # a control: no toll noun before the count
    text = "معرض الكتاب يختتم أعماله\nووصل عدد الزوار، يوم الأربعاء، إلى 27 ألف شخص."
    assert _totals(text, _WEDNESDAY) == {"killed": None, "injured": None}


def test_one_person_who_met_death_after_an_that_counts_one() -> None:
    text = ("قصف على سوق شعبي\n"
            "أفادت مصادر محلية أن امرأة لقيت حتفها وأصيب طفلان في قصف استهدف السوق الشعبي وسط المدينة.")
    assert _totals(text) == {"killed": 1, "injured": 2}


def test_a_named_person_who_met_death_after_an_that_counts_one() -> None:
    text = ("غارة جوية على قرية حدودية\n"
            "وذكرت الصحيفة أن سميث لقي مصرعه في غارة جوية استهدفت القرية التي كان يعمل فيها.")
    assert _totals(text)["killed"] == 1


def test_a_person_told_again_who_met_death_counts_nothing_new() -> None:
    # a control: a definite subject is a person the text already told
    text = ("تحقيق في حادث قديم\n"
            "وقال المحقق إن الرجل لقي حتفه بعد أن سقط من الطابق العاشر.")
    assert _totals(text)["killed"] is None


def test_one_person_met_death_with_the_verb_first_still_counts_one() -> None:
    # a control: the verb-first order was read before this round
    text = "حادث سير على الطريق الدولي\nلقي سائق حتفه وأصيب اثنان من الركاب في حادث سير على الطريق الدولي."
    assert _totals(text) == {"killed": 1, "injured": 2}


def test_a_non_commissioned_officer_and_a_soldier_are_two() -> None:
    text = "بيان عسكري جديد\nوأعلن الجيش في بيانه إصابة ضابط صف وجندي خلال الاشتباكات مع المسلحين."
    assert _totals(text) == {"killed": None, "injured": 2}


def test_officers_killed_and_a_non_commissioned_officer_and_a_soldier_hurt() -> None:
    text = "بيان عسكري جديد\nوأضاف البيان أنه قتل ثلاثة ضباط وأصيب ضابط صف وجندي من القوات المشاركة."
    assert _totals(text) == {"killed": 3, "injured": 2}


def test_an_officer_and_a_non_commissioned_officer_stay_two() -> None:
    # a control: the compound after the first noun was read before this round
    text = "بيان عسكري جديد\nوأعلن الجيش في بيانه إصابة ضابط وضابط صف خلال الاشتباكات مع المسلحين."
    assert _totals(text)["injured"] == 2


def test_a_lone_non_commissioned_officer_is_one() -> None:
    # a control
    text = "بيان عسكري جديد\nوأعلن الجيش في بيانه إصابة ضابط صف خلال الاشتباكات مع المسلحين."
    assert _totals(text)["injured"] == 1


def test_a_long_group_between_laqiya_and_its_death_object_still_reads() -> None:
    text = ("معارك عنيفة في الريف الشرقي\n"
            "لقي 12 من عناصر الجماعة المسلحة والمقاتلين الموالين لها مصرعهم اليوم في المعارك.")
    assert _totals(text)["killed"] == 12


def test_a_breakdown_set_off_by_commas_between_laqiya_and_its_death_object() -> None:
    text = ("انفجار في ورشة للصيانة\n"
            "لقي اثنان من المهندسين، أحدهما سوري والآخر أردني، مصرعهما في انفجار داخل الورشة.")
    assert _totals(text)["killed"] == 2


def test_laqiya_without_a_death_object_is_no_toll() -> None:
    # a control: "met" something else
    text = ("زيارة إلى الريف الشرقي\n"
            "لقي 12 من عناصر الجماعة المسلحة والمقاتلين الموالين لها ترحيبا واسعا في القرية.")
    assert _totals(text)["killed"] is None


def test_laqiya_with_its_death_object_close_reads_as_before() -> None:
    # a control
    text = "حادث سير على الطريق الدولي\nلقي 5 أشخاص مصرعهم في حادث سير على الطريق الدولي."
    assert _totals(text)["killed"] == 5
