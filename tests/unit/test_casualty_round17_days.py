"""Round 17 (issue 18), helper "days": a toll dated today that only rose is yesterday's event counted
again, so yesterday's first count of that event is not an earlier incident told for context. Every
sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_TUESDAY = date(2018, 5, 15)


def _totals(text: str, reference: date | None = _TUESDAY) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def test_yesterday_count_of_the_event_whose_toll_rose_today_stays_counted() -> None:
    # today's sentence only raises the toll of Monday's shelling: Monday's sentence tells the same event,
    # and its wounded (numbered nowhere else) are the news
    text = ("ارتفاع حصيلة قصف البلدة\n"
            "أعلنت مصادر طبية الثلاثاء أن حصيلة قصف البلدة قد ارتفعت إلى 40 قتيلا. "
            "وكان القصف قد أسفر الاثنين عن مقتل 30 شخصا وإصابة 90 آخرين بجروح.")
    assert _totals(text) == {"killed": 40, "injured": 90}


def test_yesterday_toll_after_today_own_toll_stays_background() -> None:
    # a control: today's own new toll (no rise) makes a later sentence dated Monday an earlier incident
    text = ("قصف جديد على البلدة\n"
            "قتل 12 شخصا الثلاثاء في قصف جديد على البلدة. "
            "وكان قصف آخر قد أسفر الاثنين عن مقتل 30 شخصا وإصابة 90 آخرين بجروح.")
    assert _totals(text) == {"killed": 12, "injured": None}
