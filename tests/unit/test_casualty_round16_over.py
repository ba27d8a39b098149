"""Round 16 (issue 18; docs/casualties.md, "Sixteenth round"), helper "over": figures counted that
should not be. Every sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_MONDAY = date(2018, 4, 23)


def _totals(text: str, reference: date | None = _MONDAY) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_one_hospitals_intake_of_wounded_is_another_count_of_the_toll() -> None:
    # the hospital's 27 are the raid's wounded counted where they were taken, not a second incident
    text = ("غارة جوية على سوق شعبي\nقتل 12 شخصا وأصيب أكثر من 20 آخرين مساء الأحد في غارة جوية على سوق "
            "شعبي في بلدة ساحلية. وقال مدير المستشفى العام في المحافظة إن المستشفى استقبل 9 جثث و27 جريحا، "
            "بينهم 6 أطفال.")
    assert _totals(text) == {"killed": 12, "injured": 20}


def test_wounded_taken_to_one_of_the_hospitals_are_inside_the_toll() -> None:
    text = ("قصف على حفل في قرية جبلية\nقتل 15 مدنيا وأصيب 30 آخرون مساء الأحد في قصف على حفل في قرية جبلية. "
            "وقالت منظمة طبية إنه تم نقل 34 جريحا إلى أحد مستشفيات المحافظة.")
    assert _totals(text) == {"killed": 15, "injured": 30}


def test_wounded_taken_to_the_hospitals_are_the_toll_itself() -> None:
    # a control: "إلى المستشفيات" (all of them) is the whole count, which refines the lead's round one
    text = ("مواجهات على الحدود\nقتل 4 أشخاص وأصيب أكثر من 300 آخرين اليوم في مواجهات قرب الحدود. "
            "وقالت وزارة الصحة إنه تم نقل 312 جريحا إلى المستشفيات.")
    assert _totals(text) == {"killed": 4, "injured": 312}


def test_wounded_who_were_then_taken_to_a_hospital_are_the_toll() -> None:
    # a control: the verb after the count tells what happened to the toll's wounded
    text = ("هجوم على دورية\nقتل جندي وأصيب خمسة جنود بجروح نقلوا على إثرها إلى مستشفى عسكري اليوم "
            "في هجوم على دورية قرب الحدود.")
    assert _totals(text) == {"killed": 1, "injured": 5}
