"""The well-known people list (worker/extract/lexicon/people.tsv): matches and exclusions (file rules: test_entities_list_files.py)."""

from __future__ import annotations

from worker.extract.entities import extract_entities
from worker.extract.ner.resources import list_memberships


def _found(text: str) -> list[tuple[str, str, str, str]]:
    return [(e.type, e.text, e.normalized, e.source) for e in extract_entities(text, tagger=False)]




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




def test_people_are_tagger_features() -> None:
    lists = list_memberships()
    assert "PER" in lists["شيراك"]  # one-word name
    assert "PERW" in lists["كوندوليزا"]  # word of a multi-word name
