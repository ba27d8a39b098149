"""The well-known people list (worker/extract/lexicon/people.tsv): matches, exclusions, file rules."""

from __future__ import annotations

from worker.extract import entities as ent_mod
from worker.extract.entities import extract_entities, lexicon
from worker.extract.gazetteer.matcher import fold_key
from worker.extract.ner.resources import list_memberships

_CATEGORIES = {"head_of_state", "head_of_government", "minister", "royal", "politician", "official",
               "military", "envoy", "agency_head", "spokesperson", "armed_group_leader", "religious_leader",
               "activist", "journalist", "business", "scientist", "culture", "sport", "historical"}


def _found(text: str) -> list[tuple[str, str, str, str]]:
    return [(e.type, e.text, e.normalized, e.source) for e in extract_entities(text, tagger=False)]


def _rows(name: str) -> list[tuple[str, str, str, list[str]]]:
    out = []
    for line in (ent_mod._LEXICON / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cols = line.split("\t")
            assert len(cols) == 4, line
            typ, canonical, actor_type, variants = cols
            out.append((typ, canonical, actor_type, variants.split("|")))
    return out


def test_leaders_with_clitics_and_spelling_variants() -> None:
    text = "اتصل شيراك ببلير ثم بأنجيلا ميركل، وردّ اردوغان وللسيستاني رأي آخر، وقال بن علي يلدريم إن الاجتماع انتهى."
    assert _found(text) == [
        ("PER", "شيراك", "Jacques Chirac", "gazetteer"),
        ("PER", "بلير", "Tony Blair", "gazetteer"),  # ب stays outside the span
        ("PER", "أنجيلا ميركل", "Angela Merkel", "gazetteer"),
        ("PER", "اردوغان", "Recep Tayyip Erdogan", "gazetteer"),  # actors.tsv, no hamza
        ("PER", "للسيستاني", "Ali al-Sistani", "gazetteer"),  # the fused لل stays in the span
        ("PER", "بن علي يلدريم", "Binali Yıldırım", "gazetteer"),
    ]


def test_a_longer_listed_name_wins_over_a_listed_surname() -> None:
    """ماهر الأسد and حافظ الأسد are not Bashar al-Assad; بوش الأب is not his son."""
    text = "زار ماهر الأسد قبر حافظ الأسد، وكتب جورج بوش الأب رسالة إلى بوش."
    assert [(e[1], e[2]) for e in _found(text)] == [
        ("ماهر الأسد", "Maher al-Assad"), ("حافظ الأسد", "Hafez al-Assad"),
        ("جورج بوش الأب", "George H. W. Bush"), ("بوش", "George W. Bush"),
    ]


def test_a_listed_name_after_bin_is_a_father_not_the_person() -> None:
    """In "صالح بن عبدالعزيز آل الشيخ" the listed mufti's name is another man's lineage."""
    text = "وصل الوزير صالح بن عبدالعزيز آل الشيخ، وخطب عبدالعزيز آل الشيخ في الجامع."
    assert [(e[1], e[2], e[3]) for e in _found(text) if e[0] == "PER"] == [
        ("صالح بن عبدالعزيز", "صالح بن عبدالعزيز", "rule"),  # the title's guess, not the list
        ("عبدالعزيز آل الشيخ", "Abdul Aziz Al ash-Sheikh", "gazetteer"),
    ]


def test_ambiguous_words_are_no_people() -> None:
    """Left out on purpose: each is a common first or family name, or an ordinary word."""
    text = ("قال عباس إن صالح وهادي ومبارك سلكوا الطريق الترابي لولا المطر، والمشار إليه صباحي "
            "وظريف ورئيسي في عمله، وعاد الزعيم المنفي.")
    assert [e for e in _found(text) if e[0] == "PER"] == []


def test_file_rules() -> None:
    """Four columns, PER only, a known category; no phrase that a place or another entry claims."""
    rows = _rows("people.tsv")
    assert len(rows) > 1300
    assert all(typ == "PER" and actor_type in _CATEGORIES for typ, _, actor_type, _ in rows)
    assert len({canonical for _, canonical, _, _ in rows}) == len(rows)  # one row per person
    others = {fold_key(v): c for name in ("actors.tsv", "organisations.tsv") for _, c, _, vs in _rows(name) for v in vs}
    places = {fold_key(n) for n, _ in lexicon().gaz.entries()}
    seen: dict[str, str] = {}
    for _, canonical, _, variants in rows:
        for v in variants:
            k = fold_key(v)
            assert v and k not in places, v  # a place would win the key silently
            assert others.get(k, canonical) == canonical, v  # an actor phrase keeps its own name
            assert seen.setdefault(k, canonical) == canonical, v  # one phrase, one person


def test_people_are_tagger_features() -> None:
    lists = list_memberships()
    assert "PER" in lists["شيراك"]  # one-word name
    assert "PERW" in lists["كوندوليزا"]  # word of a multi-word name
