"""Arabic number recognition: digits, words in every gender/case, compounds, vague and approximate."""

from __future__ import annotations

import pytest

from worker.extract.numbers import T_COMMA, T_NUM, T_STOP, T_WORD, NumberMatch, find_numbers, fold, tokenize


def _one(text: str) -> NumberMatch:
    found = find_numbers(text)
    assert len(found) == 1, [(m.text, m.value) for m in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("48", 48), ("١٢", 12), ("۱۵", 15), ("1,200", 1200), ("١٬٢٠٠", 1200), ("1.200", 1200),
        ("2,600,000", 2600000), ("3 آلاف", 3000), ("20 ألفا", 20000), ("1.5 مليون", 1500000),
        ("٢ مليون", 2000000),
        ("واحد", 1), ("واحدة", 1), ("إحدى", 1), ("اثنان", 2), ("اثنين", 2), ("اثنتان", 2), ("اثنتين", 2),
        ("ثلاث", 3), ("ثلاثة", 3), ("أربع", 4), ("أربعة", 4), ("اربعة", 4), ("خمس", 5), ("خمسة", 5),
        ("ست", 6), ("ستة", 6), ("سبع", 7), ("سبعة", 7), ("ثماني", 8), ("ثمانية", 8), ("تسع", 9),
        ("تسعة", 9), ("عشر", 10), ("عشرة", 10),
        ("أحد عشر", 11), ("احد عشر", 11), ("إحدى عشرة", 11), ("اثنا عشر", 12), ("اثني عشر", 12),
        ("اثنتا عشرة", 12), ("ثلاثة عشر", 13), ("ثلاث عشرة", 13), ("تسعة عشر", 19),
        ("عشرون", 20), ("عشرين", 20), ("ثلاثون", 30), ("أربعين", 40), ("خمسون", 50), ("ستين", 60),
        ("سبعون", 70), ("ثمانين", 80), ("تسعون", 90), ("تسعين", 90),
        ("مئة", 100), ("مائة", 100), ("مئتان", 200), ("مائتان", 200), ("مئتين", 200), ("مائتين", 200),
        ("ثلاثمئة", 300), ("ثلاثمائة", 300), ("ثلاث مئة", 300), ("خمسمائة", 500), ("تسعمئة", 900),
        ("ألف", 1000), ("ألفاً", 1000), ("ألفان", 2000), ("ألفين", 2000), ("ثلاثة آلاف", 3000),
        ("عشرة آلاف", 10000), ("أحد عشر ألفاً", 11000), ("مئة ألف", 100000), ("مليون", 1000000),
        ("مليونين", 2000000),
        ("خمسة وعشرون", 25), ("خمسة و عشرون", 25), ("ثلاثمائة وخمسة وعشرون", 325),
        ("ألفان وخمسمئة", 2500), ("مائة وعشرة", 110), ("ألف وثلاثمائة وخمسون", 1350),
        ("وخمسة", 5), ("بخمسة", 5), ("لثلاثة", 3), ("فأربعة", 4), ("السبعة", 7), ("الثلاثة", 3),
        ("وَخَمْسَةٌ", 5), ("عشـــرة", 10),
    ],
)
def test_values(text: str, value: int) -> None:
    m = _one(text)
    assert (m.value, m.text, m.vague, m.approximate) == (value, text, False, False)


@pytest.mark.parametrize("text", ["جنديين", "جنديان", "قتيلان", "قتيلين", "طفلان", "شخصين", "امرأتين", "جثتين"])
def test_duals_are_two(text: str) -> None:
    m = _one(text)
    assert (m.value, m.dual) == (2, True)


@pytest.mark.parametrize(
    ("text", "bound"),
    [("عشرات", 10), ("العشرات", 10), ("مئات", 100), ("المئات", 100), ("آلاف", 1000), ("الآلاف", 1000),
     ("بضعة", 3), ("بضع", 3), ("عدد من", 3), ("العديد من", 3), ("عشرات الآلاف", 10000),
     ("مئات الآلاف", 100000), ("ملايين", 1000000)],
)
def test_vague(text: str, bound: int) -> None:
    m = _one(text)
    assert (m.value, m.vague, m.lower_bound) == (None, True, bound)


def test_vague_bounds_from_parameters() -> None:
    m = find_numbers("عشرات", vague_bounds={"tens": 20})[0]
    assert m.lower_bound == 20


@pytest.mark.parametrize(
    "text",
    ["نحو 48", "بنحو 48", "حوالي 48", "حوالى 48", "قرابة 48", "زهاء 48", "أكثر من 48", "ما يزيد على 48",
     "ما يزيد عن 48", "ما لا يقل عن 48", "على الأقل 48", "48 على الأقل", "أقل من 48", "ما يقارب 48"],
)
def test_approximate(text: str) -> None:
    m = _one(text)
    assert (m.value, m.approximate, m.text) == (48, True, "48")


def test_spans_index_original_text() -> None:
    text = "قُتِلَ ثَلاثَةٌ وَعِشْرُونَ، وأصيب ١٬٢٠٠ شخص"
    found = find_numbers(text)
    assert [(m.value, text[m.start:m.end]) for m in found] == [(23, "ثَلاثَةٌ وَعِشْرُونَ"), (1200, "١٬٢٠٠")]


def test_not_numbers() -> None:
    assert find_numbers("يوم الأحد في المئة") == []
    assert find_numbers("عدد القتلى") == []
    assert [m.value for m in find_numbers("بين 5 و10")] == [5, 10]  # digits never join across و
    assert [m.value for m in find_numbers("خمسة وعشرة")] == [5, 10]  # unit + ten is not a compound


def test_fold_and_tokenize() -> None:
    assert fold("إِحْدَى عَشْرَةَ") == "احدي عشره"
    text = "قتل ٣، وأصيب 5."
    toks = tokenize(text)
    assert list(zip(toks.kinds, toks.norms, strict=True)) == [
        (T_WORD, "قتل"), (T_NUM, "3"), (T_COMMA, "،"), (T_WORD, "واصيب"), (T_NUM, "5"), (T_STOP, ".")]
    assert [text[s:e] for s, e in zip(toks.starts, toks.ends, strict=True)] == ["قتل", "٣", "،", "وأصيب", "5", "."]


def test_tokenize_ranges_insert_boundaries() -> None:
    text = "قتل 3. كلام آخر. وأصيب 5."
    toks = tokenize(text, [(0, 6), (17, len(text))])
    assert toks.norms == ["قتل", "3", ".", "", "واصيب", "5", "."]
    assert toks.kinds[3] == T_STOP


def test_a_second_arabic_decimal_separator_is_dropped_not_fatal() -> None:
    """Found by the Hypothesis fuzzer: "3٫53٫5" raised ValueError from float() and failed the item."""
    assert [(m.value, m.text) for m in find_numbers("3٫53٫5 قتيلا")] == [(3.535, "3٫53٫5")]
    assert [(m.value, m.text) for m in find_numbers("1٫5")] == [(1.5, "1٫5")]
