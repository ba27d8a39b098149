"""Round 10 (issue 18; docs/casualties.md, "Tenth round"): current tolls missed by reading and one
miscount — choking cases, a plural verb before a second trigger, a clause opened by غداة after the
figure, an indefinite wounded subject, a count's singular noun and verb, brackets after the people and
after عدد, "لقي اثنان", a place named before in a definite phrase. Every sentence here is written for
these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_FRIDAY = date(2024, 3, 15)


def _totals(text: str, reference: date | None = None) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_choking_cases_are_wounded() -> None:
    assert _totals("وسجل المسعفون 25 حالة اختناق في البلدة بعد القصف.") == {"killed": None, "injured": 25}
    assert _totals("وأفاد الأطباء بوقوع 12 حالة اختناق بين السكان.")["injured"] == 12


def test_a_plural_verb_keeps_its_subject_before_it() -> None:
    # "قتلوا" agrees with the 9 told before it: the 14 after "وأصيب" are wounded only
    text = "وذكر الدفاع المدني أن 9 أشخاص على الأقل قتلوا وأصيب 14 بجروح عندما انهار المبنى."
    assert _totals(text) == {"killed": 9, "injured": 14}
    # without the plural, "قتل وأصيب 14" is one combined figure
    assert _totals("وقال المسؤول إنه قتل وأصيب 14 شخصا في انهيار المبنى.") == {"killed": None, "injured": None}


def test_a_clause_opened_by_ghadat_after_the_figure_does_not_date_it() -> None:
    text = "وتسبب القصف الجمعة بمقتل مدني وإصابة ثلاثة مدنيين، غداة مقتل خمسة مدنيين الخميس."
    assert _totals(text, _FRIDAY) == {"killed": 1, "injured": 3}


def test_an_indefinite_wounded_subject_is_one() -> None:
    text = "وأفاد الهلال الأحمر بأن رجلا آخر أصيب بشظايا قرب السوق."
    assert _totals(text)["injured"] == 1
    # a person described by the verb ("a man who was wounded"), or one told again, is no new figure
    assert _totals("وتحدث شاب أصيب في المواجهات عن تجربته للصحفيين.")["injured"] is None
    assert _totals("وقال الطبيب إن الرجل أصيب بشظية في الكتف.")["injured"] is None


def test_another_before_a_kill_verb_is_not_a_person() -> None:
    # "وفي حادث آخر قتل …": آخر ends a phrase, it is no victim
    assert _totals("وفي حادث آخر قتل وأصيب العشرات في قصف على البلدة.")["killed"] is None


def test_a_count_with_a_singular_noun_and_verb() -> None:
    text = "وقال مندوب المنظمة إن أكثر من 300 متظاهر أصيب بجروح في المواجهات."
    assert _totals(text)["injured"] == 300


def test_words_in_brackets_between_the_people_and_the_verb() -> None:
    text = "وأضاف المصدر أن 6 أشخاص (عمال) أصيبوا في الحريق."
    assert _totals(text)["injured"] == 6


def test_a_group_phrase_between_the_people_and_the_verb() -> None:
    text = "وقال المتحدث إن 23 عنصرا من الجماعة المسلحة في الوادي قتلوا في المعارك."
    assert _totals(text)["killed"] == 23


def test_a_count_in_brackets_after_adad() -> None:
    text = "وأعلن الجيش القضاء على عدد (12) عنصر مسلح خلال المداهمات."
    assert _totals(text)["killed"] == 12
    # the brackets alone, with no عدد before them, stay a reference number
    assert _totals("وأعلن الجيش القضاء على (12) خلال المداهمات.")["killed"] is None


def test_two_after_laqiya_is_the_count_not_a_noun_before_it() -> None:
    assert _totals("لقي اثنان، أحدهما مسعف، مصرعهما في القصف.")["killed"] == 2


def test_a_definite_place_named_before_makes_the_next_its_region() -> None:
    text = ("وثق المرصد 11 حالة اختناق بين المدنيين في بلدة كفرنبل بالسهل الغربي.\n"
            "وأكد المرصد توثيق 11 حالة اختناق بعد قصف لبلدة في السهل الغربي، قرب حماة.")
    assert _totals(text)["injured"] == 11


def test_duals_of_people_named_by_rank_or_work() -> None:
    assert _totals("ولقي قياديان بارزان في الجماعة مصرعهما في غارة على مواقعها.")["killed"] == 2
    assert _totals("وأصيب خبيران في انفجار داخل المستودع.")["injured"] == 2


def test_a_part_of_a_vague_toll_dates_no_counted_figure() -> None:
    # the vague toll told today, with its named part, does not make the next day-before toll context
    text = ("لقي العشرات مصرعهم بينهم ضابطان في غارة على العاصمة، حسبما أفادت وسائل إعلام اليوم السبت.\n"
            "ومساء الجمعة، استهدفت الطائرات مبنى في العاصمة، مما أسفر عن مقتل 30 شخصا.")
    assert _totals(text, date(2024, 3, 16))["killed"] == 30
