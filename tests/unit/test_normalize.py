from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from worker.text import normalize as N
from worker.text.normalize import fold_char, normalize, normalize_with_offsets

# Arabic letters and marks, presentation forms (ﻻ ﻷ ﷲ ﺑ), both digit sets, Latin, punctuation, bidi
# and zero-width characters, NBSP, and a few characters that expand under NFKC (ﬁ, ①, ㎏).
ALPHABET = (
    [chr(c) for c in range(0x0621, 0x064B)] + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640", "ٱ", "ی", "ک", "ۀ"] + [chr(c) for c in range(0x0660, 0x066A)]
    + [chr(c) for c in range(0x06F0, 0x06FA)] + list("ﻻﻷﻹﻵﷲﺑﺎﻟﻌﺮﺑﻴﺔ") + list("ﬁ①㎏ẞİ")
    + list("abcXYZ019 .,،؛؟«»-\n") + ["\u200e", "\u200f", "\u202b", "\u2067", "\u200b", "\u00a0"]
)
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=80)


def test_matching_form_examples() -> None:
    assert normalize("قُتِلَ") == "قتل"
    assert normalize("أحمد إبراهيم آمنة ٱلله") == "احمد ابراهيم امنه الله"
    assert normalize("مستشفى المدينة") == "مستشفي المدينه"
    assert normalize("الجيش العربـــي") == "الجيش العربي"
    assert normalize("٤٨ قتيلاً و۱۲ جريحاً") == "48 قتيلا و12 جريحا"
    assert normalize("ﻻ ﻷن") == "لا لان"
    assert normalize("Reuters AFP") == "reuters afp"
    assert normalize("قال\u200f المسؤول") == "قال المسؤول"
    assert normalize("سطر\nسطر") == "سطر\nسطر"


def test_display_span_of_a_word_with_tashkeel_includes_its_marks() -> None:
    display = "وقَدْ قُتِلَ ٤٨ شخصاً"
    n = normalize_with_offsets(display)
    assert n.text == "وقد قتل 48 شخصا"
    s = n.text.index("قتل")
    assert n.to_display(s, s + 3) == (6, 12)
    assert display[6:12] == "قُتِلَ"
    s = n.text.index("48")
    assert display[slice(*n.to_display(s, s + 2))] == "٤٨"
    s = n.text.index("شخصا")
    assert display[slice(*n.to_display(s, s + 4))] == "شخصاً"


def test_expansion_maps_both_chars_to_the_ligature() -> None:
    display = "ﻻ يوجد"
    n = normalize_with_offsets(display)
    assert n.text == "لا يوجد"
    assert n.to_display(0, 1) == (0, 1)
    assert n.to_display(1, 2) == (0, 1)
    assert n.to_display(0, 2) == (0, 1)
    assert n.to_display(3, 7) == (2, 6)


def test_identity_when_nothing_changes() -> None:
    n = normalize_with_offsets("قتل 48 شخصا")
    assert n.to_display(4, 6) == (4, 6)
    assert n.to_display(11, 11) == (11, 11)


def test_out_of_range_span_is_an_error() -> None:
    n = normalize_with_offsets("قتل")
    for span in ((0, 4), (2, 1), (-1, 2)):
        try:
            n.to_display(*span)
        except ValueError:
            continue
        raise AssertionError(f"{span} accepted")


@settings(max_examples=400, deadline=None)
@given(texts)
def test_fast_path_equals_per_character_reference(text: str) -> None:
    reference = "".join(fold_char(c) for c in text)
    assert normalize(text) == reference
    assert normalize_with_offsets(text).text == reference
    assert N._normalize_fast(text) == reference or N._SLOW.search(text)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_every_matching_char_comes_from_its_display_char(text: str) -> None:
    n = normalize_with_offsets(text)
    for i, ch in enumerate(n.text):
        d = n.display_index(i)
        assert 0 <= d < len(text)
        assert ch in fold_char(text[d])
        if i:
            assert n.display_index(i - 1) <= d  # monotone


@settings(max_examples=400, deadline=None)
@given(texts, st.data())
def test_spans_round_trip(text: str, data: st.DataObject) -> None:
    n = normalize_with_offsets(text)
    m = len(n.text)
    start = data.draw(st.integers(0, m))
    end = data.draw(st.integers(start, m))
    ds, de = n.to_display(start, end)
    assert 0 <= ds <= de <= len(text)
    folded = normalize(text[ds:de])
    assert n.text[start:end] in folded
    starts_clean = start == 0 or start == m or n.display_index(start - 1) != n.display_index(start)
    ends_clean = end == m or end == 0 or n.display_index(end - 1) != n.display_index(end)
    if starts_clean and ends_clean and start < end:
        assert folded == n.text[start:end]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["قُتِلَ", "أَحْمَدُ", "٤٨", "ﻻ", "المدينة", "إدلب", "مستشفى"]), min_size=1, max_size=12))
def test_found_words_map_to_their_display_words(words: list[str]) -> None:
    display = " ".join(words)
    n = normalize_with_offsets(display)
    for m in re.finditer(r"\S+", n.text):
        ds, de = n.to_display(m.start(), m.end())
        assert normalize(display[ds:de]) == m.group()
        assert display[ds:de] in words


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*ALPHABET, "_", "\\", "^", "~", "%", "٪", "…", "—", "\t", "$", "€"]),
               max_size=80))
def test_match_words_equals_regex_words(text: str) -> None:
    from worker.text.normalize import match_words

    m = normalize(text)
    assert match_words(m) == re.findall(r"[^\W_]+", m)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*ALPHABET, "_", "\\", "^", "~", "%", "٪", "…", "—", "\t", "$", "€", ".", "؟",
                                         "!", "?", "«", "»", "،", "\n", "]", "-"]), max_size=80),
       st.booleans())
def test_strip_punctuation_maps_each_mark_to_one_space(text: str, keep_stops: bool) -> None:
    """Every non-word, non-space character becomes a word break, except the sentence stops when they
    are kept (what paragraph dedup splits sentences on)."""
    from worker.text.normalize import strip_punctuation

    stops = ".!?؟" if keep_stops else ""
    out = strip_punctuation(text, keep_stops=keep_stops)
    expected = "".join(c if c.isspace() or c in stops or c.isalnum() else " " for c in text)  # "_" too
    assert out.split() == expected.split()
    assert out.count("\n") == text.count("\n")  # line structure kept: paragraphs stay aligned
