"""Second round of current-event classes (issue 18, dev2; docs/casualties.md "Current event" and
"Incidents"): the time a figure takes from the text around it, and which later figures are parts.
Every sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import extract_casualties
from worker.pipeline import analyse

REF = date(2018, 4, 10)


def _totals(body: str, title: str = "", reference: date | None = REF) -> dict[str, int | None]:
    return analyse(body, title=title, reference=reference).totals


def _killed(body: str, title: str = "", reference: date | None = REF) -> int | None:
    return _totals(body, title, reference)["killed"]


# --- accumulated periods and days named by another event ------------------------------------------
def test_a_period_of_weeks_ending_now_is_an_accumulated_toll() -> None:
    assert _killed("وقتل أكثر من 300 شخص في الأسابيع الأخيرة بحسب منظمة محلية.") is None
    assert _killed("وسقط 40 قتيلا على الحدود هذا الأسبوع.") is None
    assert _killed("وقتل 40 شخصا في الشهرين الماضيين.") is None


def test_a_day_named_by_another_event_is_an_earlier_day() -> None:
    assert _killed("وقتلت الشرطة 12 متظاهرا في اليوم الذي افتتح فيه الجسر الجديد.") is None
    assert _killed("وشيع الأهالي 9 قتلى سقطوا في ذلك اليوم.") is None
    assert _killed("وقتل 9 أشخاص في قصف على السوق اليوم.") == 9


# --- soft cues: an ongoing campaign, a sentence opened by كان -------------------------------------
def test_an_ongoing_campaign_carries_its_running_toll_unless_the_clause_says_today() -> None:
    assert _killed("وقتل 250 شخصا على الأقل في القصف المتواصل على المدينة.") is None
    assert _killed("وقتل اليوم 6 أشخاص في القصف المتواصل على المدينة.") == 6


def test_a_sentence_opened_by_kana_tells_an_earlier_event_but_not_an_earlier_report() -> None:
    assert _killed("وكان 4 جنود قتلوا في كمين قرب الحدود.") is None
    assert _killed("وكانت وسائل إعلام محلية قد نعت ستة من عناصر الشرطة.") == 6
    # a date one day before the publication keeps it current
    assert _killed("وكان 4 جنود قتلوا في كمين قرب الحدود الاثنين.", reference=date(2018, 4, 10)) == 4


# --- breakdowns and one-of ------------------------------------------------------------------------
def test_a_pronoun_breakdown_after_a_total_is_its_parts() -> None:
    assert _killed("وارتفعت حصيلة القتلى في القرية إلى 12 مدنيا، هم 9 أطفال و3 نساء.") == 12


def test_a_number_word_after_its_noun_counts_the_noun() -> None:
    assert _totals("أسفر سقوط القذيفة عن مقتل مزارعين اثنين وإصابة عمال ثلاثة.")["killed"] == 2
    assert _totals("وأسفر الانفجار عن إصابة موظفين اثنين في المبنى.")["injured"] == 2


def test_one_of_the_dead_is_not_a_figure() -> None:
    assert _killed("قتل 4 أشخاص في حادث سير على الطريق الدولي. وقالت العائلة إن أحد القتلى طالب جامعي.") == 4
    assert _killed("وقالت الشرطة إن أحد القتلى كان يقود السيارة.") is None


# --- time from the text before the figure ---------------------------------------------------------
def test_the_companion_of_a_background_running_total_is_background() -> None:
    body = "وبذلك يرتفع عدد القتلى منذ بداية الاحتجاجات إلى 80. وأصيب نحو 900 شخص بالرصاص والغاز."
    assert _totals(body) == {"killed": None, "injured": None}
    body = ("ووثق المركز مقتل 500 مدني منذ بدء الحملة في شباط الماضي.\n"
            "وأضاف المركز أن الحملة أسفرت أيضا عن إصابة 1200 مدني.")
    assert _totals(body) == {"killed": None, "injured": None}
    # "in contrast" gives the other side's count in the same frame
    body = "ووثق المرصد مقتل 1500 مقاتل منذ بدء الهجوم. ووثق في المقابل مقتل 400 عنصر من الفصائل."
    assert _totals(body) == {"killed": None, "injured": None}
    # today's time in the second sentence keeps it current
    body = "وبذلك يرتفع عدد القتلى منذ بداية الاحتجاجات إلى 80. وأصيب اليوم 30 شخصا بالرصاص."
    assert _totals(body) == {"killed": None, "injured": 30}


def test_a_sentence_after_text_dated_to_an_earlier_year_is_background() -> None:
    body = ("تستعد القوات لهجوم جديد على المدينة.\n"
            "وسبق للطيران أن شن غارات على المدينة في أيار 2016، بعد هجوم على حاجز.\n"
            "وأسفرت تلك الغارات عن مقتل 30 مسلحا.")
    assert _killed(body) is None
    # the same sentence after text with no earlier time is the news
    body = "تستعد القوات لهجوم جديد على المدينة.\nوأسفرت غارات الليلة عن مقتل 30 مسلحا."
    assert _killed(body) == 30


def test_a_title_figure_takes_the_time_of_its_lead() -> None:
    body = "نشرت منظمة حقوقية تسجيلا يظهر إطلاق النار على شاب في الخليل قبل أسبوع."
    assert _killed(body, title="مقتل شاب برصاص الجنود في الخليل") is None
    body = "نشرت منظمة حقوقية تسجيلا يظهر إطلاق النار على شاب في الخليل صباح اليوم."
    assert _killed(body, title="مقتل شاب برصاص الجنود في الخليل") == 1


def test_a_sentence_naming_the_earlier_event_again_is_background() -> None:
    body = ("قتل 7 مسلحين في اشتباك مع الجيش اليوم. ويأتي ذلك بعد ثلاثة أيام من مقتل 9 مسلحين خلال إحباط هجوم "
            "على حاجز. وقتل خلال إحباط الهجوم 5 جنود.")
    assert _killed(body) == 7


# --- which later figures are parts ----------------------------------------------------------------
def test_another_sides_dead_are_not_part_of_the_larger_toll() -> None:
    body = "أعلن الجيش مقتل 20 مسلحا في اشتباكات بالجبل. وأسفرت الاشتباكات عن مقتل ضابطين."
    assert _killed(body) == 22
    # armed men may be among the forces' toll (allied militias)
    body = "قتل 30 عنصرا من القوات الحكومية في الهجوم. وقالت مصادر إن 6 مقاتلين من الفصائل الحليفة بين القتلى."
    assert _killed(body) == 30


def test_also_or_in_contrast_adds_a_figure() -> None:
    body = "قتل 15 مدنيا في قصف على البلدة. وقالت وكالة رسمية أيضا إن 3 أشخاص قتلوا بقذائف على العاصمة."
    assert _killed(body) == 18
    body = "قتل 40 شخصا في قصف على البلدات. بالمقابل قالت مصادر حكومية إن القصف أسفر عن مقتل ثلاثة أشخاص."
    assert _killed(body) == 43


def test_parts_named_one_by_one_that_add_up_stay_parts() -> None:
    body = ("قتل 25 مسلحا في غارات على الساحل. وأوضح المراسل أن 18 مسلحا قتلوا في غارة استهدفت عربتين. "
            "وفي سياق متصل، أسفرت غارة على مديرية الزهرة عن مقتل 7 مسلحين.")
    assert _killed(body) == 25
    rows = [(c.count, c.sub_of) for c in extract_casualties(body)]
    assert rows == [(25, None), (18, 0), (7, 0)]
