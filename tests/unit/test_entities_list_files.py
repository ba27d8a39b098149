"""File rules of the hand-written name lists (worker/extract/lexicon): four columns, one type, a known
category, one row per name, and no phrase that a place or an earlier list already claims (the loader
would let the earlier entry win the key silently)."""

from __future__ import annotations

import pytest

from worker.extract import entities as ent_mod
from worker.extract.entities import lexicon
from worker.extract.gazetteer.matcher import fold_key

_ORG_CATEGORIES = {"agency", "ngo", "monitor", "media", "company", "bank", "central_bank", "sports", "party",
                   "university", "think_tank", "parliament", "state", "armed_group"}
_PER_CATEGORIES = {"head_of_state", "head_of_government", "minister", "royal", "politician", "official",
                   "military", "envoy", "agency_head", "spokesperson", "armed_group_leader", "religious_leader",
                   "activist", "journalist", "business", "scientist", "culture", "sport", "historical"}


def _rows(name: str) -> list[tuple[str, str, str, list[str]]]:
    out = []
    for line in (ent_mod._LEXICON / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cols = line.split("\t")
            assert len(cols) == 4, line
            typ, canonical, actor_type, variants = cols
            out.append((typ, canonical, actor_type, variants.split("|")))
    return out


@pytest.mark.parametrize(("name", "typ", "categories", "min_rows"), [
    ("organisations.tsv", "ORG", _ORG_CATEGORIES, 1000),
    ("people.tsv", "PER", _PER_CATEGORIES, 1300),
])
def test_list_file_rules(name: str, typ: str, categories: set[str], min_rows: int) -> None:
    assert name in ent_mod._ACTOR_FILES
    rows = _rows(name)
    assert len(rows) > min_rows
    assert all(t == typ and actor_type in categories for t, _, actor_type, _ in rows)
    assert len({canonical for _, canonical, _, _ in rows}) == len(rows)  # one row per name
    earlier = ent_mod._ACTOR_FILES[: ent_mod._ACTOR_FILES.index(name)]
    others = {fold_key(v): c for other in earlier for _, c, _, vs in _rows(other) for v in vs}
    places = {fold_key(n) for n, _ in lexicon().gaz.entries()}
    seen: dict[str, str] = {}
    for _, canonical, _, variants in rows:
        for v in variants:
            k = fold_key(v)
            assert v and k not in places, v  # a place would win the key silently
            assert others.get(k, canonical) == canonical, v  # an earlier list's phrase keeps its own name
            assert seen.setdefault(k, canonical) == canonical, v  # one phrase, one name
