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


_TUESDAY = date(2018, 4, 24)


def test_a_time_closing_the_sentence_dates_the_toll_clauses_before_it() -> None:
    # the leader's death is told in passing, its day closes the sentence three clauses on
    text = ("غارات جديدة على مواقع المتمردين\n"
            "شنت الطائرات غارات على مواقع المتمردين اليوم مما أسفر عن قتلى وجرحى بينهم. "
            "وتراجعت معنويات المقاتلين كثيرا، خاصة إثر مقتل قيادي بارز في الجماعة، في غارة جوية استهدفت سيارته "
            "قرب الميناء، الخميس الماضي.")
    assert _totals(text, _TUESDAY)["killed"] is None


def test_a_later_clause_opened_by_fi_with_an_earlier_time_dates_the_chain() -> None:
    text = ("مقتل قائد ميداني في غارة\n"
            "قتل قائد ميداني للمتمردين في غارة جوية على مدينة ساحلية. "
            "وكانت مصادر محلية قد أكدت، الاثنين، مقتل 3 مدربين أجانب، و5 مقاتلين محليين، "
            "في غارة جوية نفذتها الطائرات قبل أسبوع على معسكر للتدريب.")
    assert _totals(text, _TUESDAY)["killed"] == 1


def test_a_report_dated_today_of_an_older_death_still_counts() -> None:
    # a control: today's first report of a death days old is the story's news
    text = ("مقتل قيادي في غارة\n"
            "أعلن الجيش، الثلاثاء، مقتل قيادي بارز في الجماعة، المسؤول عن هجمات كثيرة، "
            "في غارة جوية استهدفت سيارته قرب الميناء، الخميس الماضي.")
    assert _totals(text, _TUESDAY)["killed"] == 1


def test_an_after_word_in_a_later_clause_does_not_date_the_toll() -> None:
    # a control: what follows "وذلك بعد" is earlier than the toll, not the toll's time
    text = ("ارتفاع حصيلة القصف\n"
            "ارتفعت حصيلة القصف على البلدة اليوم إلى 36 قتيلا، بينهم 13 طفلا، "
            "وذلك بعد وفاة جرحى أصيبوا في قصف الأسبوع الماضي.")
    assert _totals(text, _TUESDAY)["killed"] == 36


_SUNDAY = date(2018, 4, 29)


def test_a_since_the_start_sentence_dates_the_untimed_toll_after_it() -> None:
    # a feature: the paragraph counts since the protests began, the next sentence's toll runs since then too
    text = ("جرحى المسيرات يروون قصصهم\n"
            "يعاني مئات الشبان من إعاقات دائمة. وتقول الوزارة إن حالات البتر تضاعفت منذ بداية المسيرات "
            "الأسبوعية على الحدود. وقتلت القوات 40 متظاهرا وأصابت 1500 آخرين بالرصاص الحي.")
    assert _totals(text, _SUNDAY) == {"killed": None, "injured": None}


def test_a_since_the_start_sentence_does_not_date_a_toll_told_today() -> None:
    # a control: the toll's own sentence names today
    text = ("جرحى المسيرات يروون قصصهم\n"
            "يعاني مئات الشبان من إعاقات دائمة. وتقول الوزارة إن حالات البتر تضاعفت منذ بداية المسيرات "
            "الأسبوعية على الحدود. وقتلت القوات اليوم 4 متظاهرين وأصابت 200 آخرين بالرصاص الحي.")
    assert _totals(text, _SUNDAY) == {"killed": 4, "injured": 200}


_MID_MARCH = date(2018, 3, 14)


def test_a_whole_month_before_dates_the_untimed_toll_after_it() -> None:
    # a report's two-month count: the months named before the toll are over
    text = ("تقرير عن الهجمات على المدارس\n"
            "قالت المنظمة الدولية إنها سجلت 40 هجوما على المدارس في كانون الثاني وشباط. "
            "وأضافت أن هجمات على المدارس قتل فيها 17 طالبا وأصيب 30 آخرون.")
    assert _totals(text, _MID_MARCH) == {"killed": None, "injured": None}


def test_the_current_month_does_not_date_the_toll_after_it() -> None:
    # a control: this month is not over, the toll stays the story's
    text = ("تقرير عن الهجمات على المدارس\n"
            "قالت المنظمة الدولية إنها سجلت 40 هجوما على المدارس في آذار. "
            "وأضافت أن هجمات على المدارس قتل فيها 17 طالبا وأصيب 30 آخرون.")
    assert _totals(text, _MID_MARCH) == {"killed": 17, "injured": 30}
