"""Round 14 (issue 18), arithmetic of the totals: a toll that "rose to" a count after a death named in
between is an update, never a part of the figure before it; bodies counted at a hospital or a morgue are the
dead of the toll told before; "two of the victims" is some of a group told before; a sentence that opens
another item ("هذا و…"، "وعلى الطرف الآخر") adds its dead. Every sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_SATURDAY = date(2018, 4, 7)


def _totals(text: str, reference: date | None = _SATURDAY) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_a_toll_that_rose_after_a_named_death_is_an_update_not_a_second_figure() -> None:
    # the named death sits between "ارتفع" and "إلى": the 12 still replaces the one death told first
    text = ("وفاة مسعف متأثرا بجروحه\nأعلنت الوزارة اليوم وفاة مسعف متأثرا بجروح أصيب بها أمس قرب السياج. "
            "وقالت الوزارة إن عدد القتلى في المواجهات التي شهدتها المنطقة الحدودية في الصباح قد ارتفع بعد وفاة المسعف "
            "الشاب سامر الخطيب إلى 12 قتيلا.")
    assert _totals(text)["killed"] == 12


def test_a_toll_that_rose_twice_counts_its_last_step() -> None:
    text = ("ارتفاع حصيلة المواجهات\nقالت الوزارة اليوم إن عدد قتلى مواجهات الأمس ارتفع إلى 40 قتيلا بينهم 5 أطفال "
            "بعد وفاة رضيعة، قبل أن تعلن لاحقا أن العدد ارتفع إلى 41 قتيلا بعد وفاة الفتى خالد متأثرا بجروحه.")
    assert _totals(text)["killed"] == 41


def test_a_toll_rising_right_before_its_count_stays_an_update() -> None:
    # a control: the update read before this change too
    text = ("ارتفاع الحصيلة\nقتل 9 أشخاص اليوم في انفجار بسوق المدينة. "
            "وارتفعت حصيلة القتلى مساء اليوم إلى 14 قتيلا.")
    assert _totals(text)["killed"] == 14


def test_bodies_a_hospital_received_are_the_dead_of_the_toll_told_before() -> None:
    # the hospital's larger count is the same dead counted where they lie, not another incident
    text = ("غارة على حفل زفاف\nقتل 20 شخصا على الأقل في غارة جوية على حفل زفاف في قرية جبلية مساء اليوم. "
            "وقال مدير المستشفى الرئيسي في المحافظة إن المستشفى تسلم 35 جثة و40 جريحا.")
    assert _totals(text) == {"killed": 20, "injured": 40}


def test_bodies_seen_in_a_morgue_are_part_of_the_toll() -> None:
    text = ("قصف على البلدة\nقتل 50 مدنيا اليوم في قصف مدفعي على البلدة المحاصرة. "
            "وفي مشرحة المستشفى الميداني، شاهد مراسلنا 9 جثث ملفوفة بأغطية بيضاء.")
    assert _totals(text)["killed"] == 50


def test_bodies_at_a_hospital_with_no_toll_before_are_the_toll() -> None:
    # a control: with no toll told before, the hospital's count is the figure
    text = "وصول جثث إلى المستشفى\nتسلم المستشفى الحكومي في المدينة اليوم 12 جثة بعد غارة جوية على سوق شعبي."
    assert _totals(text)["killed"] == 12


def test_two_of_the_victims_are_some_of_the_dead_told_before() -> None:
    text = ("انفجار عبوة ناسفة\nقتل ثلاثة أشخاص اليوم في انفجار عبوة ناسفة زرعت في سيارتهم قرب القرية. "
            "وقالت الشرطة إن اثنين من الضحايا كانا ناخبين في طريقهما إلى مركز اقتراع في بلدة الرشيدية.")
    assert _totals(text)["killed"] == 3


def test_two_of_the_soldiers_are_some_of_the_wounded_told_before() -> None:
    # read as a part before this change too; kept as the injured case of the same reading
    text = ("هجوم على دورية\nأصيب ستة جنود بجروح اليوم في هجوم على دورية عسكرية قرب الحدود. "
            "وقال الجيش إن الأطباء يحاولون إنقاذ حياة اثنين من الجنود المصابين في مستشفى مدينة الكرامة.")
    assert _totals(text)["injured"] == 6


def test_soldiers_killed_in_another_attack_still_add_to_the_civilians() -> None:
    # a control: another side, in another attack, is no part of the toll before it
    text = ("غارة على السوق\nقتل 10 مدنيين اليوم في غارة جوية على السوق الشعبي. "
            "وفي هجوم آخر قتل اثنان من الجنود قرب الحاجز.")
    assert _totals(text)["killed"] == 12


def test_a_sentence_opened_by_haadha_wa_adds_its_dead() -> None:
    text = ("مواجهات في الجبل\nقتل 20 مسلحا اليوم في مواجهات مع الجيش في مديرية الجبل. "
            "هذا ولقي قياديان بارزان في الجماعة مصرعهما في غارة جوية.")
    assert _totals(text)["killed"] == 22


def test_the_dead_on_the_other_side_add_to_the_first_toll() -> None:
    text = ("قذيفة على سوق\nسقطت قذيفة صاروخية اليوم على سوق شعبي في حي النخيل فقتلت 35 شخصا. "
            "وعلى الطرف الآخر أسفر القصف المتواصل على أطراف حي النخيل عن مقتل 29 مدنيا.")
    assert _totals(text)["killed"] == 64


def test_a_smaller_count_without_such_a_word_stays_a_part() -> None:
    # a control: the same smaller count with no word that adds it is a part of the toll
    text = ("قصف على البلدة\nقتل 20 شخصا اليوم في قصف مدفعي على البلدة. "
            "وقالت مصادر طبية إن 6 أطفال قتلوا في القصف.")
    assert _totals(text)["killed"] == 20
