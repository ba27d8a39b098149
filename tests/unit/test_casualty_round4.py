"""Error classes of the fourth round (issue 18; docs/casualties.md). Every sentence here is written
for these tests."""

from __future__ import annotations

from worker.extract.casualties import compute_totals, extract_casualties
from worker.extract.entities import extract_entities, place_spans
from worker.pipeline import extract_text


def _totals(text: str) -> dict[str, int | None]:
    return compute_totals(extract_casualties(text))


def _rows(text: str) -> list[tuple[str, int | None]]:
    return [(c.kind, c.count) for c in extract_casualties(text)]


# --- coordination ---------------------------------------------------------------------------------
def test_a_count_coordinated_with_a_non_person_count_is_no_figure() -> None:
    text = "قتل 5 جنود في الهجوم على 88 قرية و20 جبلا في المنطقة."
    assert _rows(text) == [("killed", 5)]
    assert _totals(text) == {"killed": 5, "injured": None}
    assert _rows("قتل 4 عناصر وسيطر المهاجمون على ثماني قرى وعشرين تلة.") == [("killed", 4)]


def test_counts_coordinated_with_a_figure_still_take_its_kind() -> None:
    assert _totals("قتل 6 في سراقب و4 في أريحا و3 في معرة النعمان.") == {"killed": 13, "injured": None}
    assert _totals("أصيب ستة في البلدة وأربعة في القرية المجاورة.") == {"killed": None, "injured": 10}


# --- forecasts --------------------------------------------------------------------------------------
def test_a_forecast_toll_is_not_a_figure() -> None:
    assert _rows("وقال المحافظ إن عدد الضحايا قد يصل إلى 180 شخصا.") == []
    assert _rows("قد يصل عدد القتلى إلى 90 بحسب مسؤول في الدفاع المدني.") == []
    assert _rows("وأضاف أن عدد القتلى ربما يتجاوز 40.") == []


def test_a_forecast_leaves_the_stated_toll() -> None:
    text = "قتل 12 شخصا في انفجار الشاحنة، وقال مسؤول إن الحصيلة قد ترتفع إلى 30."
    assert _rows(text) == [("killed", 12)]
    assert _totals(text) == {"killed": 12, "injured": None}


def test_qad_before_a_past_verb_is_a_stated_update() -> None:
    text = "قتل 20 شخصا في القصف. وقد ارتفعت حصيلة القتلى إلى 27 بعد انتشال جثث من تحت الأنقاض."
    assert _totals(text) == {"killed": 27, "injured": None}


# --- other places -----------------------------------------------------------------------------------
def _placed(text: str) -> dict[str, int | None]:
    places = place_spans(extract_entities(text, tagger=False))
    return compute_totals(extract_casualties(text, places=places))


_HOMS = "قصف صاروخي على مطار عسكري في حمص\nقالت وسائل إعلام رسمية إن صواريخ استهدفت مطارا عسكريا في حمص مساء الأحد.\n"


def test_a_toll_in_another_country_with_no_day_of_its_own_is_background() -> None:
    text = _HOMS + "وفي العراق، قتل 12 شخصا في انفجار سيارة مفخخة في بغداد.\n"
    assert _totals(text) == {"killed": 12, "injured": None}  # without the places: counted
    assert _placed(text) == {"killed": None, "injured": None}
    assert extract_text(text).totals == {"killed": None, "injured": None}


def test_a_toll_in_another_country_told_with_its_own_day_counts() -> None:
    text = _HOMS + "وفي العراق، قتل 12 شخصا اليوم في انفجار سيارة مفخخة في بغداد.\n"
    assert _placed(text) == {"killed": 12, "injured": None}


def test_a_toll_in_the_event_country_counts() -> None:
    text = _HOMS + "وفي ريف دمشق، قتل 4 مدنيين في قصف على مدينة دوما.\n"
    assert _placed(text) == {"killed": 4, "injured": None}


def test_a_lead_with_a_toll_or_several_countries_opens_separate_incidents() -> None:
    roundup = ("قتل 5 مدنيين في قصف على مدينة حلب وفي ريف إدلب.\nقتل 7 أشخاص في انفجار بمدينة الموصل.\n")
    assert _placed(roundup) == {"killed": 12, "injured": None}
    two = ("توتر على حدود سوريا ولبنان\nسقطت قذائف في سوريا وفي لبنان مساء الأحد.\n"
           "وفي العراق، قتل 12 شخصا في انفجار سيارة مفخخة.\n")
    assert _placed(two) == {"killed": 12, "injured": None}


def test_a_lead_place_of_a_minor_country_is_not_the_event_place() -> None:
    # the lead names a place of one country, the body mostly another: an ambiguous name, not the event
    text = ("اشتباكات في الأردن\nدارت اشتباكات عنيفة في الأردن مساء الأحد.\n"
            "وفي العراق، قتل 12 شخصا في انفجار في بغداد وأصيب آخرون في الموصل وفي البصرة.\n")
    assert _placed(text) == {"killed": 12, "injured": None}
