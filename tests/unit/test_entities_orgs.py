"""The well-known organisations list (worker/extract/lexicon/organisations.tsv): matches, exclusions, file rules."""

from __future__ import annotations

from worker.extract import entities as ent_mod
from worker.extract.entities import extract_entities, lexicon, regions_for
from worker.extract.gazetteer.matcher import fold_key
from worker.extract.ner.resources import list_memberships

_CATEGORIES = {"agency", "ngo", "monitor", "media", "company", "bank", "central_bank", "sports", "party",
               "university", "think_tank", "parliament", "state", "armed_group"}


def _found(text: str) -> list[tuple[str, str, str, str]]:
    return [(e.type, e.text, e.normalized, e.source) for e in extract_entities(text, tagger=False)]


def _rows(name: str) -> list[tuple[str, str, str, list[str]]]:
    out = []
    for line in (ent_mod._LEXICON / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            typ, canonical, actor_type, variants = line.split("\t")
            out.append((typ, canonical, actor_type, variants.split("|")))
    return out


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


def test_file_rules() -> None:
    """Four columns, ORG only, a known category; no phrase that a place or an actor already claims."""
    rows = _rows("organisations.tsv")
    assert len(rows) > 1000
    assert all(typ == "ORG" and actor_type in _CATEGORIES for typ, _, actor_type, _ in rows)
    actors = {fold_key(v): c for _, c, _, vs in _rows("actors.tsv") for v in vs}
    places = {fold_key(n) for n, _ in lexicon().gaz.entries()}
    seen: dict[str, str] = {}
    for _, canonical, _, variants in rows:
        for v in variants:
            k = fold_key(v)
            assert v and k not in places, v  # a place would win the key silently
            assert actors.get(k, canonical) == canonical, v  # an actor phrase keeps its own name
            assert seen.setdefault(k, canonical) == canonical, v  # one phrase, one organisation


def test_organisations_are_tagger_features() -> None:
    lists = list_memberships()
    assert "ORG" in lists["اليونسكو"]  # one-word name
    assert "ORGW" in lists["مانشستر"]  # word of a multi-word name
