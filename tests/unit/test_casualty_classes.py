"""Error classes found in the third annotation round (dev3, issue 18; docs/casualties.md). Every
sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

MONDAY = date(2018, 5, 28)


def _totals(text: str, reference: date | None = None) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def _rows(text: str, reference: date | None = None) -> list[tuple[str, int | None, bool]]:
    return [(c.kind, c.count, c.background) for c in extract_casualties(text, reference=reference)]


# --- figures ------------------------------------------------------------------------------------
def test_killed_noun_and_injury_noun_with_its_own_count_are_two_figures() -> None:
    text = "ارتفعت حصيلة انفجار السيارة المفخخة في السوق إلى 4 قتلى وإصابة 11 بجروح."
    assert [(k, n) for k, n, _ in _rows(text)] == [("killed", 4), ("injured", 11)]
    assert _totals(text) == {"killed": 4, "injured": 11}


def test_killed_and_wounded_nouns_without_a_second_count_stay_combined() -> None:
    assert [(k, n) for k, n, _ in _rows("أسفر القصف عن سقوط 12 قتيلا وجريحا في البلدة.")] == [
        ("killed_or_injured", 12)]
    assert [(k, n) for k, n, _ in _rows("أسفر القصف عن 7 قتلى وإصابات في صفوف المدنيين.")] == [
        ("killed_or_injured", 7)]


def test_died_of_wounds_counts_one_and_a_plain_death_does_not() -> None:
    assert _totals("توفي شاب الأحد متأثرا بجروح أصيب بها في الانفجار.") == {"killed": 1, "injured": None}
    assert _totals("توفي رجل مسن في منزله بعد مرض طويل.") == {"killed": None, "injured": None}


def test_fell_dead_counts_one() -> None:
    text = "وفتحت الشرطة تحقيقا بشأن الموظف الذي سقط قتيلا برصاص مسلحين قرب منزله."
    assert _totals(text) == {"killed": 1, "injured": None}


def test_a_time_adverb_and_a_place_phrase_may_sit_between_trigger_and_count() -> None:
    assert _totals("وقتل مساء في قريتي الحمرا والزيتون 9 أشخاص جراء القصف.") == {"killed": 9, "injured": None}


# --- repeats ------------------------------------------------------------------------------------
def test_a_quote_restating_the_count_of_its_sentence_counts_once() -> None:
    text = 'وقال المحافظ بعد القصف الذي أسفر عن مقتل 14 مدنيا: "لقد سقط نحو 14 شهيدا في هذا اليوم".'
    assert _totals(text) == {"killed": 14, "injured": None}


def test_equal_counts_in_two_places_of_one_sentence_still_add_up() -> None:
    assert _totals("قتل 3 أشخاص في قصف على حلب و3 آخرون في إدلب.") == {"killed": 6, "injured": None}


# --- current event or background -------------------------------------------------------------------
def test_a_month_later_than_the_publication_month_is_last_year() -> None:
    text = "وفي أكتوبر، قتل أكثر من 200 شخص في تفجير شاحنة وسط العاصمة."
    assert _rows(text, date(2018, 3, 20)) == [("killed", 200, True)]
    assert _totals(text, date(2018, 11, 20)) == {"killed": None, "injured": None}  # last month: earlier
    assert _rows(text, date(2018, 10, 20)) == [("killed", 200, False)]  # this month, no day


def test_a_coming_month_is_not_last_year() -> None:
    text = "قتل 3 متظاهرين اليوم قرب السياج، فيما يستعد المنظمون لمسيرة كبرى في يونيو المقبل."
    assert _totals(text, date(2018, 4, 10)) == {"killed": 3, "injured": None}


def test_the_paragraph_before_dates_a_figure_by_last_weekday() -> None:
    text = "ونفى الجيش أي علاقة له بالأمر. وتعرض المطار لغارة جوية الأحد الماضي.\nوأسفرت الغارة عن مقتل 9 أشخاص."
    assert _rows(text, MONDAY) == [("killed", 9, True)]
    assert _rows("ونفى الجيش أي علاقة له بالأمر.\nوأسفرت الغارة عن مقتل 9 أشخاص.", MONDAY) == [("killed", 9, False)]


def test_yesterday_told_after_a_figure_of_today_is_context() -> None:
    text = ("قتل فلسطيني وأصيب آخر في قصف على بلدة بيت حانون الاثنين.\n"
            "والأحد، قتل 4 مزارعين في قصف مدفعي شرق المدينة.")
    assert _totals(text, MONDAY) == {"killed": 1, "injured": 1}
    assert [bg for k, n, bg in _rows(text, MONDAY) if n == 4] == [True]


def test_yesterday_alone_or_before_today_is_the_event() -> None:
    assert _totals("والأحد، قتل 4 مزارعين في قصف مدفعي شرق المدينة.", MONDAY) == {"killed": 4, "injured": None}
    text = "قتل 4 مزارعين في قصف مدفعي الأحد.\nوقتل فلسطيني في قصف على بلدة عبسان الاثنين."
    assert _totals(text, MONDAY) == {"killed": 5, "injured": None}


def test_a_sub_heading_dates_the_figures_of_its_section() -> None:
    text = ("حذرت موسكو واشنطن من أي عمل عسكري.\nماذا جرى يوم السبت؟\nقال مسعفون إن قنابل ضربت البلدة.\n"
            "وتتراوح تقديرات عدد القتلى في الهجوم المزعوم بين 35 و50 شخصا.")
    wednesday = date(2018, 5, 30)
    assert _totals(text, wednesday) == {"killed": None, "injured": None}
    assert _totals(text.replace("يوم السبت", "اليوم"), wednesday)["killed"] is not None


def test_abbreviation_dots_do_not_cut_a_sentence() -> None:
    text = ("وأكد الرئيس أن بلاده خسرت عشرات الجنود منذ بدء الحملة، وقال لقناة إن.تي.في "
            "إن 31 عنصرا من الجيش قتلوا.")
    assert _rows(text, MONDAY) == [("killed", 31, True)]


def test_more_singular_victims_count_one() -> None:
    assert _totals("أسفر سقوط شظايا الصاروخ عن مقتل مقيم أجنبي وإصابة اثنين.") == {"killed": 1, "injured": 2}
    assert _totals("أعلنت الشرطة اغتيال مرشح للانتخابات البلدية فجر اليوم.") == {"killed": 1, "injured": None}
    assert _totals("وأعلنت النقابة استشهاد صحافي برصاص قناص خلال تغطيته المواجهات.") == {"killed": 1, "injured": None}


def test_a_since_phrase_earlier_in_the_paragraph_makes_its_figures_accumulated() -> None:
    text = "ومنذ بدء هجومها، سيطرت القوات على عشرات القرى. وقتل 140 من مقاتليها مقابل 160 من خصومها خلال المعارك."
    assert _totals(text, MONDAY) == {"killed": None, "injured": None}


def test_a_sentence_turning_to_another_story_takes_no_time_from_the_text_before() -> None:
    text = ("وقال المسؤول إن آلاف الأشخاص غادروا المنطقة منذ فتح الممر. "
            "من جهة أخرى، أعلن المرصد مقتل 12 شخصا في الغارات على البلدة.")
    assert _totals(text, MONDAY) == {"killed": 12, "injured": None}
    assert _totals(text.replace("من جهة أخرى، أعلن", "وأعلن"), MONDAY) == {"killed": None, "injured": None}


def test_wounded_who_died_are_killed() -> None:
    text = "قتل 20 شخصا في القصف على البلدة، وتوفي 7 جرحى لاحقا ليرتفع عدد القتلى إلى 27."
    assert _totals(text) == {"killed": 27, "injured": None}
    assert _rows("وتوفي 3 من الجرحى في المستشفى.") == [("killed", 3, False)]


def test_a_clause_initial_rise_is_an_update_of_the_running_toll() -> None:
    cas = extract_casualties("قتل 20 شخصا في القصف على البلدة. وارتفع عدد القتلى مساء إلى 27.")
    assert [(c.count, c.update, c.running) for c in cas] == [(20, False, False), (27, True, True)]
    assert compute_totals(cas) == {"killed": 27, "injured": None}


def test_the_subject_before_comes_after_is_the_event_and_what_follows_is_earlier() -> None:
    text = "ويأتي مقتل 3 جنود في الانفجار بعد يومين من هجوم قتل فيه 9 مدنيين."
    assert _rows(text, MONDAY) == [("killed", 3, False), ("killed", 9, True)]


def test_a_past_weekday_before_dates_only_a_sentence_that_refers_back_to_its_event() -> None:
    friday = date(2018, 4, 6)
    before = "وبدأ آلاف المتظاهرين احتجاجاتهم على الحدود يوم الجمعة الماضي.\n"
    assert _totals(before + "وأفادت مصادر طبية بإصابة نحو 400 شخص بجروح.", friday) == {"killed": None, "injured": 400}
    assert _totals(before + "وأسفرت المواجهات عن إصابة نحو 400 شخص بجروح.", friday) == {"killed": None, "injured": None}


def test_a_year_inside_a_comparison_dates_nothing() -> None:
    text = "وسقط الاثنين أكبر عدد من القتلى في يوم واحد منذ حرب عام 2014.\nوقال مسؤولون إن 58 شخصا قتلوا."
    assert _totals(text, MONDAY) == {"killed": 58, "injured": None}
    assert _totals(text.replace("أكبر عدد من القتلى في يوم واحد منذ حرب عام 2014", "في حرب عام 2014 عدد كبير"),
                   MONDAY) == {"killed": None, "injured": None}


def test_a_toll_in_a_relative_clause_on_a_known_event_is_background() -> None:
    lead = "وصل فريق المفتشين الدوليين إلى العاصمة بعد تأخير طويل.\n"
    text = lead + "وسيحقق الفريق في الهجوم على البلدة الذي قتل فيه نحو 40 شخصا."
    assert _rows(text, MONDAY) == [("killed", 40, True)]
    told = "قتل 40 شخصا في هجوم على سوق البلدة.\nوتبنى التنظيم الهجوم الذي قتل فيه 40 شخصا."
    assert _totals(told, MONDAY) == {"killed": 40, "injured": None}
    named_day = lead + "وأدانت الحكومة المواجهات التي أسفرت عن مقتل 60 شخصا الأحد."
    assert _totals(named_day, MONDAY) == {"killed": 60, "injured": None}


def test_a_four_digit_count_is_not_a_year() -> None:
    text = 'وأعلنت الوزارة سقوط "43 شهيدا برصاص الجيش، فيما أصيب قرابة 2000 شخص بجروح".'
    assert _rows(text, MONDAY) == [("killed", 43, False), ("injured", 2000, False)]
    assert _rows("وقتل أكثر من 2000 شخص في حرب عام 2014.", MONDAY) == [("killed", 2000, True)]


def test_a_span_of_about_two_months_is_a_period() -> None:
    assert _rows("وأحصت المعارضة 2000 قتيل خلال نحو شهرين من القتال.", date(2018, 3, 29)) == [
        ("killed", 2000, True)]


def test_a_known_person_told_again_is_not_a_new_figure() -> None:
    assert _totals("وتطالب العائلة بمحاسبة المسؤولين عن مقتل الشاب خلال المظاهرة.") == {"killed": None, "injured": None}
    told = "مقتل جندي في هجوم على حاجز\nوقتل الجندي برصاص قناص قرب الحاجز العسكري."
    assert _totals(told) == {"killed": 1, "injured": None}


def test_a_named_commander_killed_is_news() -> None:
    assert _totals("وأسفرت العملية عن مقتل القيادي في التنظيم أبو عمر الشمالي.") == {"killed": 1, "injured": None}
