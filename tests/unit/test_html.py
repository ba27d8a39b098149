from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.text.html import clean_plain, html_to_text


def test_blocks_become_lines_and_inline_tags_do_not() -> None:
    html = "<div><h2>عنوان الخبر</h2><p>قتل <b>ثلاثة</b> أشخاص.</p><p>وأصيب <a href='#'>خمسة</a> آخرون.</p></div>"
    assert html_to_text(html) == "عنوان الخبر\nقتل ثلاثة أشخاص.\nوأصيب خمسة آخرون."


def test_br_li_blockquote_split_paragraphs() -> None:
    html = "سطر أول<br>سطر ثان<br/><ul><li>بند ١</li><li>بند ٢</li></ul><blockquote>اقتباس</blockquote>نهاية"
    assert html_to_text(html) == "سطر أول\nسطر ثان\nبند ١\nبند ٢\nاقتباس\nنهاية"


def test_script_style_comments_dropped_and_entities_decoded() -> None:
    html = ("<style>p{color:red}</style><script>var x='<p>لا</p>';</script><!-- تعليق -->"
            "<p>&quot;الهدنة&quot; &amp; المفاوضات&#1548; غزة&nbsp;&nbsp;اليوم</p>")
    assert html_to_text(html) == "\"الهدنة\" & المفاوضات، غزة اليوم"


def test_bidi_and_zero_width_removed_arabic_punctuation_kept() -> None:
    text = "\u202bقال\u200f المسؤول\u200b،\u2066 هل\u2069 انتهى\u200d القصف؟\u202c؛ \ufeffنعم"
    assert html_to_text(f"<p>{text}</p>") == "قال المسؤول، هل انتهى القصف؟؛ نعم"


def test_whitespace_collapsed_and_empty_paragraphs_dropped() -> None:
    html = "<p>  قصف \t\n  على   البلدة  </p><p> </p><p>&nbsp;</p><div><p>خبر ثان</p></div>"
    assert html_to_text(html) == "قصف على البلدة\nخبر ثان"


def test_plain_text_passes_through_with_line_breaks() -> None:
    text = "السطر الأول  من الخبر\r\n\r\nالسطر الثاني\u00a0هنا\n   \nالسطر الثالث"
    assert html_to_text(text) == "السطر الأول من الخبر\nالسطر الثاني هنا\nالسطر الثالث"


def test_plain_text_with_less_than_sign_is_not_html() -> None:
    assert html_to_text("درجة الحرارة < 5 و 3 > 2") == "درجة الحرارة < 5 و 3 > 2"


def test_entity_escaped_html_is_unescaped_then_parsed() -> None:
    assert html_to_text("&lt;p&gt;فقرة أولى&lt;/p&gt;&lt;p&gt;فقرة ثانية&lt;/p&gt;") == "فقرة أولى\nفقرة ثانية"


@pytest.mark.parametrize(("raw", "expected"), [("", ""), ("   ", ""), ("<p></p>", ""), ("a\n\n\nb", "a\nb")])
def test_degenerate_inputs(raw: str, expected: str) -> None:
    assert html_to_text(raw) == expected


def test_clean_plain_keeps_tashkeel() -> None:
    assert clean_plain("قُتِلَ  رجلٌ") == "قُتِلَ رجلٌ"


def test_text_with_only_inline_tags_keeps_its_line_breaks() -> None:
    raw = "قتل <b>ثلاثة</b> أشخاص.\nوأصيب <a href='/x'>خمسة</a> آخرون."
    assert html_to_text(raw) == "قتل ثلاثة أشخاص.\nوأصيب خمسة آخرون."


def test_source_newlines_inside_block_html_are_spaces() -> None:
    assert html_to_text("<p>قتل ثلاثة\nأشخاص</p>\n<p>فقرة</p>") == "قتل ثلاثة أشخاص\nفقرة"


_ODD = [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x061C, 0x00AD, 0x202A, 0x202E, 0x2066, 0x2069,
        0x00A0, 0x1680, 0x2000, 0x200A, 0x202F, 0x205F, 0x3000, 0x09, 0x0B, 0x0C]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(["ق", "ت", "ل", "a", "1", " ", "\n", "\r", "\u2028", "\x07", "\x85", "،",
                                         *map(chr, _ODD)]), max_size=60))
def test_clean_plain_output_has_one_shape(text: str) -> None:
    """Whatever comes in: no invisible characters, every odd space a plain one, no runs of spaces,
    lines stripped and non-empty, and nothing else changed (the words and their order stay)."""
    invisible = {chr(c) for c in _ODD[:13]}
    out = clean_plain(text)
    assert not any(c in invisible or c in "\u00a0\u1680\u2000\u200a\u202f\u205f\u3000\t\x0b\x0c\r" for c in out)
    assert "  " not in out
    assert all(line and line == line.strip() for line in out.split("\n")) or out == ""
    expected = "".join(c for c in text if c not in invisible)
    assert out.split() == expected.split()


def test_every_character_clean_plain_rewrites_is_unprintable() -> None:
    """clean_plain only looks for them when some line is not str.isprintable()."""
    from worker.text.html import _INVISIBLE, _SPACES

    rewritten = [chr(c) for c in (*_INVISIBLE, *_SPACES)]
    assert len(rewritten) == 37
    assert [c for c in rewritten if c.isprintable()] == []
