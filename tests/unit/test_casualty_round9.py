"""Round 9 (issue 18; docs/casualties.md, "Ninth round"): background figures counted and current tolls
missed — a time closing the sentence after the figure's clause, a toll in a relative clause on an event
named by construct, a count up to a point of the year, a yesterday clause inside an "also" sentence, the
resumptive pronoun between a trigger and its count, a cue word glued to its count. Every sentence here
is written for these tests."""

from __future__ import annotations

from datetime import date

from worker.extract.casualties import compute_totals, extract_casualties

_THURSDAY = date(2024, 3, 14)
_SATURDAY = date(2024, 3, 16)


def _totals(text: str, reference: date | None = None) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text, reference=reference))


def _killed(text: str, reference: date | None = None) -> int | None:
    return _totals(text, reference)["killed"]


def test_a_bare_time_closing_the_sentence_dates_the_figure() -> None:
    assert _killed("وقتل 30 شخصا في غارة على بلدة في ريف حمص، الأسبوع الماضي.") is None
    assert _killed("وقتل 30 شخصا في غارة على بلدة في ريف حمص، العام الماضي.") is None
    # a clause of today's time or no time keeps it
    assert _killed("وقتل 30 شخصا في غارة على بلدة في ريف حمص، وفق مصادر طبية.") == 30


def test_a_coordinated_figure_carries_the_time_that_closes_the_sentence() -> None:
    text = "وقتل 12 متظاهرا، وأصيب أكثر من 300 الاثنين الماضي، خلال مواجهات على الحدود."
    assert _totals(text, _THURSDAY) == {"killed": None, "injured": None}
    assert _killed("وقتل 41 مدنيا على الأقل، و5 جنود منذ بداية الاحتجاجات في المدينة.") is None
    # the figure's own clause names today: only the coordinated figure is earlier
    text = "وقتل 12 متظاهرا اليوم، وأصيب أكثر من 300 منذ بداية الاحتجاجات."
    assert _totals(text) == {"killed": 12, "injured": None}


def test_a_toll_on_an_event_named_by_construct_is_the_known_event() -> None:
    text = ("اجتماع طارئ لمجلس الأمن حول سوريا\n"
            "عقد مجلس الأمن اجتماعا طارئا اليوم في نيويورك لبحث الوضع في سوريا.\n"
            "وردت دول غربية بضربات على هجوم خان شيخون الذي قتل فيه 80 شخصا.")
    assert _killed(text) is None
    # the same toll as the story's own news (in the lead) counts
    assert _killed("قتل 80 شخصا في هجوم على بلدة اليوم.") == 80


def test_a_count_up_to_a_point_of_the_year_is_a_running_total() -> None:
    assert _killed("وحتى بداية أبريل، استهدفت الغارات 50 مستشفى، مما أسفر عن مقتل 70 شخصا.") is None
    assert _killed("وحتى نهاية الشهر، قتل 70 شخصا في الغارات على المستشفيات.") is None


def test_an_also_sentence_is_the_event_just_told_whatever_day_a_clause_names() -> None:
    text = ("أعلنت مصادر طبية، السبت، مقتل 20 شخصا في قصف على البلدة. "
            "وأضافت أن القصف أسفر أيضا عن إصابة 150 شخصا في البلدة، التي تعرضت لغارات، الجمعة.")
    assert _totals(text, _SATURDAY) == {"killed": 20, "injured": 150}
    # without أيضا a yesterday sentence after today's still tells an earlier incident
    text = ("أعلنت مصادر طبية، السبت، مقتل 20 شخصا في قصف على البلدة. "
            "وأسفر قصف آخر الجمعة عن إصابة 150 شخصا في البلدة.")
    assert _totals(text, _SATURDAY) == {"killed": 20, "injured": None}


def test_the_resumptive_pronoun_of_a_relative_clause_sits_between_trigger_and_count() -> None:
    assert _killed("نفذ مسلح عملية طعن قتل فيها شرطيان قرب المحطة اليوم.") == 2
    assert _killed("وقع انفجار في السوق قتل فيه 6 أشخاص.") == 6
    assert _totals("تعرضت القافلة لهجوم أصيب خلاله 4 جنود.")["injured"] == 4


def test_a_cue_word_glued_to_its_count_is_read() -> None:
    assert _killed("أعلنت الشرطة مقتل12 شخصا في انفجار بالمدينة.") == 12
    assert _totals("قتل 3 أشخاص وأصيب15 آخرون في حادث سير.") == {"killed": 3, "injured": 15}


def test_the_time_of_a_trailing_cause_dates_the_figure() -> None:
    assert _killed("وقتل 26 مسلحا، جراء ضربات صاروخية استهدفت في العام الماضي قاعدة عسكرية.") is None
    assert _killed("وقتل 26 مسلحا، إثر غارة على قاعدة عسكرية منذ بداية الشهر.") is None
    # a cause with no earlier time keeps the figure
    assert _killed("وقتل 26 مسلحا، جراء ضربات صاروخية استهدفت قاعدة عسكرية.") == 26


def test_an_aside_sentence_is_background_unless_it_names_today() -> None:
    assert _killed("يذكر أن جنديا أعدم شابا جريحا في المدينة.") is None
    assert _killed("وتجدر الإشارة إلى أن 4 أشخاص قتلوا في حادث مماثل.") is None
    assert _killed("يذكر أن 4 أشخاص قتلوا في الانفجار صباح اليوم.") == 4


def test_a_relative_clause_between_the_counted_people_and_their_predicate() -> None:
    text = "وقالت المنظمة إن سبعة أشخاص ممن يتلقون العلاج في المستشفى مصابون بجروح خطيرة."
    assert _totals(text)["injured"] == 7
    assert _killed("وقال الدفاع المدني إن خمسة أشخاص الذين كانوا داخل المبنى لقوا حتفهم.") == 5


def test_blame_or_its_denial_names_a_known_death() -> None:
    assert _killed("نفت الشركة التسبب في مقتل عامل في الموقع.") is None
    assert _killed("ونفت الحكومة ضلوعها في اغتيال ضابط في الخارج.") is None
    # a death caused, told as news (the verb, no verbal noun), counts
    assert _killed("انهار مبنى قديم في المدينة مما تسبب في وفاة 3 أشخاص.") == 3


def test_a_vague_toll_holds_no_later_toll_that_opens_its_own_breakdown() -> None:
    text = ("وتشن القوات منذ أسابيع حملة على المنطقة، أدت إلى مقتل المئات.\n"
            "وقتل ثلاثة مدنيين بينهم طفل في قصف على البلدة اليوم.")
    assert _killed(text) == 3
    text = ("وقال إن المواجهات خلفت عددا من الجرحى في صفوف الشرطة.\n"
            "وأضاف أن عدد الجرحى بلغ 12 منهم 9 من الشرطة.")
    assert _totals(text)["injured"] == 12
    # a bare count after the vague toll ("اثنين منهم") is still its part
    assert _totals("وأصيب العشرات في المواجهات. ووصفت حالة اثنين منهم بأنها خطيرة.")["injured"] is None
