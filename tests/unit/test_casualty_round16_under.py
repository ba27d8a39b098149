"""Round 16 (issue 18), under-counts: a toll that opens its own breakdown ("N بينهم M") is never a part of
an earlier, smaller figure. Every sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_FRIDAY = date(2018, 5, 4)


def _totals(text: str) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=_FRIDAY))


def test_a_larger_toll_with_its_breakdown_is_not_a_part_of_the_rounded_title_count() -> None:
    # the lead rounds ("أكثر من ألف"), the ministry's count opens its own breakdown: 1210, not 1000
    text = ("مواجهات على الحدود\nأصيب أكثر من ألف متظاهر اليوم في مواجهات قرب السياج. "
            "وقالت وزارة الصحة إن إجمالي المصابين بلغ 1210 بينهم 95 بالرصاص الحي.")
    assert _totals(text) == {"killed": None, "injured": 1210}


def test_a_larger_toll_with_its_breakdown_in_another_town_adds_to_the_smaller_one() -> None:
    # the five (a child among them) cannot be inside the two soldiers told before; Rafah is a new place
    text = ("قصف على بلدتين\nقتل جنديان في هجوم على حاجز في مدينة الشيخ زويد اليوم. "
            "وفي بلدة رفح، لقي خمسة أشخاص بينهم طفل مصرعهم في قصف مدفعي.")
    assert _totals(text)["killed"] == 7


def test_a_smaller_toll_with_its_breakdown_stays_a_part_of_the_larger_one() -> None:
    # control: five of the twelve, told again with their breakdown
    text = ("غارة على سوق\nقتل 12 شخصا في غارة على سوق المدينة اليوم. "
            "وقال مسعفون إن 5 أشخاص بينهم طفلان لقوا مصرعهم قرب المدخل.")
    assert _totals(text)["killed"] == 12


def test_some_of_a_group_told_with_minhum_is_unchanged() -> None:
    # control: "ستة عناصر منهم" is six of the attackers, no breakdown of a toll of its own
    text = ("اشتباك مع مسلحين\nقتل شرطيان في هجوم على دورية اليوم. وقالت الوزارة إن قواتها داهمت مخبأ "
            "المهاجمين وتبادلت معهم إطلاق النار ما أسفر عن قتل ستة عناصر منهم.")
    assert _totals(text)["killed"] == 2
