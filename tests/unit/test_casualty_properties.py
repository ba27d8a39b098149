"""Property tests: casualty extraction never raises, keeps spans valid and runs in bounded time."""

from __future__ import annotations

import statistics
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.extract.casualties import compute_totals, extract_casualties
from worker.extract.numbers import find_numbers

_WORDS = [
    "قتل", "مقتل", "قتلى", "قتيلا", "وجريحا", "أصيب", "إصابة", "جرحى", "بينهم", "منهم", "بين", "القتلى",
    "نحو", "أكثر", "من", "ما", "لا", "يقل", "عن", "على", "الأقل", "عشرات", "مئات", "آلاف", "الآلاف", "ألف",
    "خمسة", "وعشرون", "ثلاثمائة", "وخمسة", "عشر", "أحد", "اثنا", "مئة", "مليون", "و", "في", "إدلب",
    "وفي", "درعا", "منذ", "بداية", "الحرب", "العام", "الماضي", "ارتفعت", "حصيلة", "إلى", "جنديين",
    "طفل", "الانتحاري", "المهاجمين", "الذين", "نفذوا", "عنصرا", "حزب", "الله", "مايو", "2017", "عاما",
    "سيارات", "غارة", "%", "،", ".", "\n", "48", "١٢", "1,200", "1.5", "٬", "ـ", "َ", "لقي", "حتفهم", "نعى",
]

_ARABIC = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=400)
_MIXED = st.lists(st.sampled_from(_WORDS), max_size=300).map(" ".join)
_ANY = st.text(max_size=300)


def _check(text: str) -> None:
    cas = extract_casualties(text)
    for k, c in enumerate(cas):
        assert 0 <= c.span[0] <= c.span[1] <= len(text)
        assert text[c.span[0]:c.span[1]] == c.text
        assert c.sub_of is None or (0 <= c.sub_of < len(cas) and c.sub_of != k)
        assert c.count is None or c.count > 0
    totals = compute_totals(cas)
    assert set(totals) == {"killed", "injured"}
    for v in totals.values():
        assert v is None or (isinstance(v, int) and v > 0)
    for m in find_numbers(text):
        assert text[m.start:m.end] == m.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_ARABIC, _MIXED, _ANY))
def test_never_raises_and_spans_are_valid(text: str) -> None:
    _check(text)


_ADVERSARIAL = [
    "قتل " * 10000,
    "1" * 50000,
    "1,2" * 16000,
    "و" * 50000,
    "و " * 25000,
    "خمسة و" * 8000,
    "نحو أكثر من " * 4000,
    "بينهم 3 " * 6000,
    "قتلى وجرحى " * 4500,
    "مقتل طفل " * 5000,
    "ما لا يقل عن " * 3800,
    ("قتل 3 في درعا. وفي إدلب قتل 5. " * 1600)[:50000],
    "١٬" * 25000,
    "َ" * 50000,
    "،" * 50000,
]


def test_adversarial_inputs_are_linear() -> None:
    for text in _ADVERSARIAL:
        assert len(text) <= 51000
        start = time.process_time()
        _check(text)
        assert time.process_time() - start < 2.0, text[:30]


def _article(seed: int) -> str:
    parts = ["قتل 3 أشخاص في قصف على درعا اليوم، وأصيب 7 آخرون.", "وفي إدلب، قتل نحو 48 عنصرا بينهم 11 ضابطا.",
             "وقالت وزارة الخارجية إن المحادثات ستستأنف الأسبوع المقبل في العاصمة.",
             "ارتفعت حصيلة القتلى إلى 52 بحسب مصادر طبية محلية.",
             "وكان النزاع قد أودى بحياة أكثر من 350 ألف شخص منذ اندلاعه عام 2011."]
    body = " ".join(parts[(seed + k) % len(parts)] for k in range(12))
    return body + "\n" + body


def test_per_call_time_bounded() -> None:
    """Median ≤ 50 ms per call on texts up to 50 KB (warm-up first; CPU time, so a busy CI box
    does not fail it by scheduling alone)."""
    texts = [_article(k) * 8 for k in range(5)] + [t for t in _ADVERSARIAL if len(t) <= 50000][:6]
    for t in texts[:2]:
        extract_casualties(t)  # warm-up
    times = []
    for t in texts:
        assert len(t) <= 51000
        start = time.process_time()
        extract_casualties(t)
        times.append(time.process_time() - start)
    assert statistics.median(times) <= 0.050, times
