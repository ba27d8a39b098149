"""Fuzz the pure text functions: no unhandled exception and bounded time on any input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import PROFILE, any_text, soup
from worker.extract.numbers import find_numbers
from worker.pipeline import analyse, extract_text
from worker.text.clean import clean_article
from worker.text.html import clean_plain, html_to_text
from worker.text.normalize import match_words, normalize, normalize_with_offsets, strip_punctuation

analyse("تحميل أولي: مقتل ثلاثة في إدلب")  # load lexicons/gazetteer once, outside the per-input deadline


@PROFILE
@given(any_text)
def test_html_to_text_and_clean_plain_accept_anything(markup: str) -> None:
    text = html_to_text(markup)
    assert isinstance(text, str)
    assert isinstance(clean_plain(markup), str)


@PROFILE
@given(any_text)
def test_clean_article_never_grows_unbounded(raw: str) -> None:
    result = clean_article(raw)
    assert isinstance(result.text, str)
    assert len(result.text) <= len(raw) + 10 + raw.count("\n") + raw.count(">") * 2


@PROFILE
@given(any_text)
def test_normalize_is_idempotent_and_offsets_map_back(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    mapped = normalize_with_offsets(text)
    assert mapped.text == once
    assert mapped.display == text
    for i in range(0, len(mapped.text) + 1, max(1, len(mapped.text) // 7)):
        assert 0 <= mapped.display_index(i) <= len(text)
    assert isinstance(match_words(once), list)
    assert isinstance(strip_punctuation(once), str)


@PROFILE
@given(soup(html=False), st.sampled_from([None, {"tens": 10, "dozens": 12, "hundreds": 100, "thousands": 1000,
                                                 "few": 3}]))
def test_find_numbers_spans_are_inside_the_text(text: str, bounds: dict[str, int] | None) -> None:
    for m in find_numbers(text, vague_bounds=bounds):
        assert 0 <= m.start <= m.end <= len(text)
        if m.value is None:
            assert m.vague and m.lower_bound is not None and m.lower_bound >= 0
        else:
            assert m.value >= 0


@PROFILE
@given(soup(max_tokens=120, html=False))
def test_extract_text_totals_are_consistent(text: str) -> None:
    result = extract_text(text)
    for c in result.casualties:
        assert 0 <= c.span[0] <= c.span[1] <= len(text)
        assert c.count is None or c.count >= 0
    for kind, total in result.totals.items():
        assert total is None or total >= 0, kind
    assert result.escalation_score >= 0
    assert result.to_json()["text_clean"] == text


@PROFILE
@given(any_text, st.one_of(st.just(""), soup(max_tokens=15)))
def test_analyse_accepts_any_article(raw: str, title: str) -> None:
    result = analyse(raw, title=title)
    assert isinstance(result.text_clean, str)
    assert result.removed_paragraphs >= 0
