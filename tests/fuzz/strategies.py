"""Hypothesis strategies that produce the text Arabic news feeds really contain, and worse.

Plain ``st.text()`` rarely reaches the deep paths of the extractors (number words next to
casualty verbs next to place names), so most strategies are "token soups": real Arabic tokens,
digits in three scripts, diacritics, tatweel, bidi controls, HTML tags and entities, glued with
random separators.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

LONG = os.environ.get("RASD_FUZZ_LONG", "") not in ("", "0")

# Default run: modest examples and a per-input deadline (the "bounded time" requirement).
settings.register_profile("rasd-fuzz", max_examples=60, deadline=2000, derandomize=False,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("rasd-fuzz-long", max_examples=3000, deadline=5000,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile("rasd-fuzz-long" if LONG else "rasd-fuzz")

WORDS = [
    # casualties and events
    "قتل", "مقتل", "قتلى", "قتيلا", "قتيلاً", "جرح", "جريح", "جرحى", "إصابة", "مصابين", "شهيد", "شهداء",
    "استشهد", "أصيب", "بجروح", "مدني", "مدنيين", "طفل", "أطفال", "نساء", "عنصر", "عناصر", "جندي",
    "قصف", "غارة", "غارات", "انفجار", "اشتباكات", "هجوم", "مسيرة", "صاروخ", "قذيفة", "عبوة", "ناسفة",
    # numbers and quantifiers
    "واحد", "اثنان", "اثنين", "ثلاثة", "ثلاث", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة",
    "أحد عشر", "عشرون", "عشرين", "مئة", "مائة", "مئتين", "ألف", "آلاف", "ألفين", "مليون", "عشرات",
    "مئات", "بضعة", "عدد من", "نحو", "قرابة", "أكثر من", "ما لا يقل عن", "حوالي", "و", "ونصف",
    # places, actors, dates
    "إدلب", "حلب", "سراقب", "غزة", "رفح", "خان يونس", "بغداد", "الموصل", "صنعاء", "تعز", "بيروت",
    "جنين", "طرابلس", "الخرطوم", "دمشق", "درعا", "الجيش", "تنظيم داعش", "حزب الله", "الأمم المتحدة",
    "الدفاع المدني", "المرصد السوري", "أمس", "اليوم", "الثلاثاء", "يناير", "كانون الثاني", "2024",
    # boilerplate
    "اقرأ أيضاً", "اقرأ أيضا:", "شارك", "تابعونا على", "المصدر:", "حقوق النشر محفوظة",
]
DIGITS = st.one_of(st.integers(0, 10**12).map(str), st.integers(0, 99999).map(
    lambda n: str(n).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))),
    st.integers(0, 99999).map(lambda n: str(n).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))),
    st.sampled_from(["1,234", "1.5", "١٬٢٣٤", "٣٫٥", "10-15", "٢٠–٣٠", "1e9", "0x10", "٫", "٬٬"]))
ODD = st.sampled_from([
    "\u0640", "\u064b", "\u064e\u0651", "\u0670", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e",
    "\u2066", "\u00a0", "\ufeff", "\ufffd", "\u0000", "\r\n", "\n\n", "\t", "،", "؛", "؟", ".", "!",
    "«", "»", "\"", "'", "(", ")", "-", "ـــ", "ﻻ", "ﷲ", "ﺍ", "\U0001f525", "\u0301", "ٱ", "ی", "ک",
])
# Once-found parse_feed bugs (tests/fuzz/test_known_bugs.py) are back in: surrogate and
# out-of-range references, a broken IPv6 link.
HTML = st.sampled_from([
    "&#xD800;", "&#99999999;", "&#x110000;", "<link>http://[bad</link>",
    "<p>", "</p>", "<br>", "<br/>", "<div class='x'>", "</div>", "<script>alert(1)</script>", "<style>p{}</style>",
    "<!-- c -->", "<![CDATA[ x ]]>", "&amp;", "&lt;", "&#1602;", "&#x642;", "&nbsp;", "&bogus;", "&#0;",
    "<a href='javascript:x'>", "</a>", "<img src=x onerror=y>", "<", ">", "&",
    "<p", "</", "<!DOCTYPE html>", "<table><tr><td>", "</td></tr></table>", "<li>", "<h1>", "</h1>",
])
SEP = st.sampled_from([" ", " ", " ", "\n", "، ", " و", ". ", "\n\n", ""])

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS), DIGITS, ODD, HTML)


@st.composite
def soup(draw: st.DrawFn, max_tokens: int = 80, html: bool = True) -> str:
    """A run of tokens with random separators: Arabic news-like text with traps."""
    tokens = draw(st.lists(token if html else st.one_of(st.sampled_from(WORDS), DIGITS, ODD), max_size=max_tokens))
    seps = draw(st.lists(SEP, min_size=len(tokens), max_size=len(tokens)))
    return "".join(t + s for t, s in zip(tokens, seps, strict=True))


any_text = st.one_of(st.text(max_size=300), soup(), soup(html=False))
