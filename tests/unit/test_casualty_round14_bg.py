"""Round 14 (issue 18), background tolls counted: readings that tell a toll cited for context from the
story's own news. Every sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_FRIDAY = date(2018, 5, 18)


def _totals(text: str, reference: date | None = _FRIDAY) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_todays_step_before_an_after_word_does_not_date_the_repeated_toll() -> None:
    # "today" belongs to the summit that met after the deaths; the same toll is dated Monday further on
    text = ("قمة طارئة في العاصمة\n"
            "عقد القادة العرب قمة طارئة الجمعة في العاصمة بعد مقتل 45 متظاهرا وإصابة 900 آخرين قرب الحدود. "
            "وقال رئيس القمة إن العالم صامت منذ مقتل 45 متظاهرا الاثنين قرب الحدود.")
    assert _totals(text) == {"killed": None, "injured": None}


def test_a_repeated_toll_dated_today_after_the_after_word_still_counts() -> None:
    # a control: the toll's own time (after بعد) is today, so the repeat is the story's news
    text = ("قمة طارئة في العاصمة\n"
            "عقد القادة العرب قمة طارئة في العاصمة بعد مقتل 45 متظاهرا الجمعة قرب الحدود. "
            "وقال رئيس القمة إن العالم صامت منذ مقتل 45 متظاهرا قرب الحدود منذ بدء الاحتجاجات.")
    assert _totals(text)["killed"] == 45
