"""The well-known organisations list (worker/extract/lexicon/organisations.tsv): matches and exclusions (file rules: test_entities_list_files.py)."""

from __future__ import annotations

from worker.extract.entities import extract_entities, regions_for
from worker.extract.ner.resources import list_memberships


def _found(text: str) -> list[tuple[str, str, str, str]]:
    return [(e.type, e.text, e.normalized, e.source) for e in extract_entities(text, tagger=False)]




def test_international_bodies_with_clitics() -> None:
    assert _found("وقّعت منظمة الأغذية والزراعة اتفاقاً مع البنك الدولي وصندوق النقد الدولي.") == [
        ("ORG", "منظمة الأغذية والزراعة", "Food and Agriculture Organization", "gazetteer"),
        ("ORG", "البنك الدولي", "World Bank", "gazetteer"),
        ("ORG", "صندوق النقد الدولي", "International Monetary Fund", "gazetteer"),
    ]


def test_media_sports_and_a_club_named_after_a_city_take_no_region() -> None:
    text = "نقلت وكالة الأنباء الكويتية عن بيان للاتحاد الأفريقي أن الفيفا ستجتمع، وكتبت صحيفة هآرتس عن ريال مدريد."
    ents = extract_entities(text, tagger=False)
    assert [(e.type, e.text, e.normalized, e.source) for e in ents] == [
        ("ORG", "وكالة الأنباء الكويتية", "Kuwait News Agency", "gazetteer"),
        ("ORG", "للاتحاد الأفريقي", "African Union", "gazetteer"),  # the fused لل stays in the span
        ("ORG", "الفيفا", "FIFA", "gazetteer"),
        ("ORG", "صحيفة هآرتس", "Haaretz", "gazetteer"),
        ("ORG", "ريال مدريد", "Real Madrid", "gazetteer"),
    ]
    assert regions_for(ents) == []  # neither Kuwait nor Madrid is where this happens


def test_clubs_parties_and_companies() -> None:
    text = "فاز النادي الأهلي على نادي الزمالك، واجتمع حزب الليكود، وأعلنت شركة بوينغ وإيرباص عن طلبيات من طيران الإمارات."
    assert _found(text) == [
        ("ORG", "النادي الأهلي", "Al Ahly SC", "gazetteer"),
        ("ORG", "نادي الزمالك", "Zamalek SC", "gazetteer"),
        ("ORG", "حزب الليكود", "Likud", "gazetteer"),
        ("ORG", "شركة بوينغ", "Boeing", "gazetteer"),
        ("ORG", "إيرباص", "Airbus", "gazetteer"),
        ("ORG", "طيران الإمارات", "Emirates (airline)", "gazetteer"),
    ]


def test_ordinary_words_and_bare_club_names_are_no_organisations() -> None:
    """Words left out on purpose: each is also an ordinary word, a place, or a phrase of the news."""
    text = ("فتح الأهلي والهلال باب الأمل لليوم السابع على التوالي، وأودى الحادث بحياة رجل، وأفاد شاهد "
            "بأن الشباب السعودي يريد النور بعد إعادة إعمار الحي.")
    assert _found(text) == []
    text = "أعلنت روسيا اليوم أن إسرائيل اليوم تواجه الجزيرة والعربية، وإن تداول الأسهم توقف وإن غازا ساما انتشر."
    assert [e[0] for e in _found(text)] == ["LOC", "LOC"]  # روسيا and إسرائيل, the countries




def test_organisations_are_tagger_features() -> None:
    lists = list_memberships()
    assert "ORG" in lists["اليونسكو"]  # one-word name
    assert "ORGW" in lists["مانشستر"]  # word of a multi-word name
