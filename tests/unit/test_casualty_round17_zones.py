"""Round 17 (issue 18; docs/casualties.md, "Seventeenth round"), helper "zones": a story whose title names
no violence and asks for, opens or blocks an inquiry reacts to an event already reported. Every sentence
here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_WEDNESDAY = date(2018, 5, 9)


def _totals(text: str, reference: date | None = _WEDNESDAY) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_the_tolls_of_an_inquiry_story_are_the_event_it_looks_into() -> None:
    text = ("منظمات حقوقية تطالب بتحقيق مستقل في أحداث المدينة\n"
            "طالبت منظمات حقوقية بإجراء تحقيق مستقل وشفاف في ما جرى في المدينة. "
            "وقتل 6 أشخاص وأصيب 40 آخرون برصاص قوات الأمن في المدينة.")
    assert _totals(text) == {"killed": None, "injured": None}


def test_an_inquiry_story_with_a_toll_of_yesterday_counts_it() -> None:
    # a control: the toll's sentence names yesterday, the story's own news
    text = ("منظمات حقوقية تطالب بتحقيق مستقل في أحداث المدينة\n"
            "طالبت منظمات حقوقية بإجراء تحقيق مستقل وشفاف في ما جرى في المدينة. "
            "وقتل 6 أشخاص أمس وأصيب 40 آخرون برصاص قوات الأمن في المدينة.")
    assert _totals(text) == {"killed": 6, "injured": 40}


def test_achieving_is_no_inquiry() -> None:
    # a control: "لتحقيق السلام" (to achieve peace) names no inquiry
    text = ("الوزير يدعو لتحقيق السلام في المنطقة\n"
            "دعا الوزير إلى العمل لتحقيق السلام في المنطقة. "
            "وقتل 6 أشخاص وأصيب 40 آخرون برصاص قوات الأمن في المدينة.")
    assert _totals(text) == {"killed": 6, "injured": 40}
