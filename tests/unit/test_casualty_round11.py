"""Round 11 (issue 18; docs/casualties.md, "Eleventh round"): background counted and incident
arithmetic — an after-word event dated today, parts told one by one in their own places after the
total, a relative clause of habit, the other kind of a repeated background figure, a كان sentence's
event, an air raid against an armed group's shelling, "وذلك بعد", attackers counted with the forces
they attacked, a known event named further before الذي, a bare أحد. Every sentence here is written
for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_FRIDAY = date(2024, 3, 15)


def _totals(text: str, reference: date | None = None) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_an_after_word_event_dated_today_is_no_earlier_event() -> None:
    # the shelling came "after a raid on Friday morning" (a Friday article): both are today's
    text = ("وقتل 5 مدنيين في غارة على البلدة الجمعة. "
            "وجاء القصف بعد غارة استهدفت منزلا في قرية الوادي صباح الجمعة، مما أدى إلى مقتل 4 مدنيين.")
    assert _totals(text, _FRIDAY)["killed"] == 9
    # an after-word event of another day stays background
    text = ("وقتل 5 مدنيين في غارة على البلدة الجمعة. "
            "وجاء القصف بعد غارة استهدفت منزلا في قرية الوادي الثلاثاء، مما أدى إلى مقتل 4 مدنيين.")
    assert _totals(text, _FRIDAY)["killed"] == 5


def test_parts_in_their_own_places_after_the_total() -> None:
    text = ("وقال المرصد إن 20 مدنيا قتلوا اليوم في غارات على الريف. "
            "وأوضح أن غارة على قرية الوادي أدت إلى مقتل 12 مدنيا. "
            "وفي بلدة التلال قتل 8 مدنيين في غارة ثانية.")
    assert _totals(text)["killed"] == 20
    # parts that do not add up to the total are new incidents
    text = ("وقال المرصد إن 20 مدنيا قتلوا اليوم في غارات على الريف. "
            "وأوضح أن غارة على قرية الوادي أدت إلى مقتل 12 مدنيا. "
            "وفي بلدة التلال قتل 9 مدنيين في غارة ثانية.")
    assert _totals(text)["killed"] == 41


def test_a_relative_clause_of_habit_dates_nothing() -> None:
    # "the monitor, which follows the war from its office abroad": what the source does, not the toll's time
    text = "وقال المرصد، الذي يتابع الحرب من مكتبه في الخارج، إن 3 مدنيين قتلوا في قصف على القرية."
    assert _totals(text)["killed"] == 3
    # a war named in the sentence's own account still scopes forward
    text = "وقال المرصد إنه في الحرب على القرية، قتل 3 مدنيين."
    assert _totals(text)["killed"] is None


def test_the_other_kind_told_with_a_repeated_background_figure() -> None:
    # the title dates its 40 over ten days; the body repeats the 40 with 65 wounded in one clause
    text = ("منظمة طبية: 40 قتيلا وأكثر من 60 جريحا في المدينة خلال 10 أيام\n"
            "وقالت المنظمة إن مستشفياتها استقبلت 40 قتيلا و65 جريحا من المدينة، وفق بيان نشرته.")
    assert _totals(text) == {"killed": None, "injured": None}


def test_a_toll_of_the_event_a_pluperfect_sentence_told() -> None:
    text = ("وقصفت طائرات مواقع عسكرية فجر اليوم وأصيب 3 جنود.\n"
            "وكانت الحكومة قد اتهمت الجماعة بشن هجوم على قرية في الجنوب.\n"
            "وقتل في الهجوم 20 شخصا على الأقل.")
    assert _totals(text) == {"killed": None, "injured": 3}
    # a sentence that reports, not an earlier event: the attack told after it is news
    text = ("وقصفت طائرات مواقع عسكرية فجر اليوم وأصيب 3 جنود.\n"
            "وقالت الحكومة إن الجماعة شنت هجوما على قرية في الجنوب.\n"
            "وقتل في الهجوم 20 شخصا على الأقل.")
    assert _totals(text) == {"killed": 20, "injured": 3}


def test_an_air_raid_and_an_armed_group_s_shelling_are_two_incidents() -> None:
    # rebels have no aircraft: their shells' dead are not inside the air raid's toll
    text = ("أسفرت غارات جوية على البلدة عن مقتل 8 مدنيين اليوم. "
            "وقتل 5 مدنيين إثر قصف فصائل المعارضة على المدينة.")
    assert _totals(text)["killed"] == 13
    # a state's shelling may be the same campaign as the unnamed air raid: a part, as before
    text = ("أسفرت غارات جوية على البلدة عن مقتل 8 مدنيين اليوم. "
            "وقتل 5 مدنيين إثر قصف القوات الحكومية على المدينة.")
    assert _totals(text)["killed"] == 8


def test_wa_dhalika_after_tells_an_earlier_event() -> None:
    # "this comes after …": the strike told after the after-word is the cause, an earlier event
    text = ("هدد وزير الدفاع اليوم بالرد على أي هجوم. وتصاعد التوتر بين البلدين، وذلك بعد أن قالت "
            "الحكومة إن طائرات قصفت مطارا عسكريا موقعة 14 قتيلا.")
    assert _totals(text)["killed"] is None
    # the figure before the after-word is the news itself
    text = "وقتل 4 مسلحين في غارة جوية اليوم، وذلك بعد أن كانت مصادر محلية قد أعلنت سقوط مسلحين."
    assert _totals(text)["killed"] == 4


def test_armed_men_counted_after_the_forces_they_attacked_are_perpetrators() -> None:
    text = "وأعلن الجيش مقتل 5 جنود و9 مسلحين إثر هجوم استهدف حاجزا أمنيا صباح اليوم."
    assert _totals(text)["killed"] == 5
    # clashes name no attacker: both sides' dead count
    text = "وأعلن الجيش مقتل 5 جنود و9 مسلحين في اشتباكات قرب الحدود اليوم."
    assert _totals(text)["killed"] == 14


def test_a_known_event_named_further_before_its_relative_clause() -> None:
    # the event noun is six words before الذي: the strike the reader knows, cited in a story about threats
    text = ("هدد المسؤولون اليوم بالرد على أي هجوم جديد.\n"
            "وتوعدت الحكومة بالرد على القصف الجوي على مطار المدينة العسكري الشمالي الذي أوقع 7 قتلى.")
    assert _totals(text)["killed"] is None


def test_a_bare_ahad_after_a_trigger_is_anyone() -> None:
    # "no law allows killing anyone": أحد with nothing after it names no victim
    assert _totals("وقال المسؤول إن القانون لا يبيح قتل أحد.")["killed"] is None
    # one of a group named after it still counts
    assert _totals("وقتل أحد الجنود في الهجوم على الحاجز.")["killed"] == 1
