"""Round 12 (issue 18; docs/casualties.md, "Twelfth round"): a story whose headline tells no
violence and whose first toll comes late reports something else, and that toll is context. Every
sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties, totals_evidence
from worker.extract.casualties.current import DEEP_TOLL_START

_QUIET_TITLE = "وزير الخارجية يستقبل نظيره ويبحثان التعاون التجاري"
_VIOLENT_TITLE = "هجوم على قرية في الشمال"
_TOLL = "وقتل 12 شخصا في هجوم على قرية قريبة."


def _filler(chars: int) -> str:
    """Own sentences about trade talks, ``chars`` characters or a little more, no casualty word."""
    out: list[str] = []
    i = 1
    while sum(len(s) + 1 for s in out) < chars:
        out.append(f"وناقش الجانبان في الجلسة رقم {i} ملفات التعاون الاقتصادي وتبادل السلع والاستثمار.")
        i += 1
    return " ".join(out)


def _article(title: str, before: int) -> str:
    return f"{title}\n{_filler(before)} {_TOLL}"


def _killed(text: str) -> int | None:
    return compute_totals(extract_casualties(text))["killed"]


def test_a_late_toll_under_a_headline_without_violence_is_context() -> None:
    text = _article(_QUIET_TITLE, DEEP_TOLL_START)
    assert text.index(_TOLL) > DEEP_TOLL_START
    assert _killed(text) is None
    rows = totals_evidence(extract_casualties(text))["killed"]["figures"]
    assert [(r["count"], r["current"], r["reason"]) for r in rows] == [(12, False, "background")]


def test_the_same_toll_early_in_the_story_counts() -> None:
    assert _killed(_article(_QUIET_TITLE, 300)) == 12


def test_a_headline_that_tells_violence_keeps_the_late_toll() -> None:
    assert _killed(_article(_VIOLENT_TITLE, DEEP_TOLL_START)) == 12
    # an accident or a disaster in the headline tells the story's event too
    assert _killed(_article("تحطم طائرة صغيرة قرب المطار", DEEP_TOLL_START)) == 12
    assert _killed(_article("زلزال يضرب المنطقة الجبلية", DEEP_TOLL_START)) == 12
    # the casualty words themselves, with a clitic
    assert _killed(_article("وفاة طفلين وإصابة والدتهما في المدينة", DEEP_TOLL_START)) == 12


def test_no_title_line_means_no_judgement_on_the_story() -> None:
    text = f"{_filler(DEEP_TOLL_START)} {_TOLL}"
    assert _killed(text) == 12


def test_an_early_current_toll_keeps_a_late_one_current() -> None:
    # the story tells casualties in its lead: a later toll is judged by its own sentence
    text = (f"{_QUIET_TITLE}\nوقالت الشرطة إن 3 أشخاص قتلوا اليوم في حادث سير على الطريق.\n"
            f"{_filler(DEEP_TOLL_START)} وقتل 4 أشخاص آخرين في حادث ثان اليوم.")
    assert _killed(text) == 7


def test_a_timeline_year_line_dates_the_entry_under_it() -> None:
    # a list of earlier crashes after today's: one entry is dated only by its year's own line
    text = ("تحطم طائرة ركاب في منطقة جبلية\nأكدت السلطات تحطم طائرة ركاب اليوم ومقتل 12 شخصا كانوا على متنها.\n"
            "وهذه أبرز حوادث الطيران في البلاد:\n2014\nأغسطس: تحطم طائرة صغيرة ومقتل 39 راكبا.\n"
            "2009\nتحطم طائرة بعد اندلاع حريق على متنها ومقتل 168 شخصا أثناء رحلة إلى الخارج.\n")
    assert compute_totals(extract_casualties(text, reference=date(2018, 2, 18)))["killed"] == 12
