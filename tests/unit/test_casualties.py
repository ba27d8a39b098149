"""Gold-set and behaviour tests for casualty extraction and article totals (CASUALTY_CONVENTIONS.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from worker.extract.casualties import (
    compute_totals,
    extract_casualties,
    totals_approximate,
    vague_bounds_from,
)
from worker.models import Casualty
from worker.settings import Settings

GOLD_DIR = Path(__file__).parent / "gold"


def _load(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (GOLD_DIR / name).read_text(encoding="utf-8").splitlines() if line]


GOLD = _load("casualties.jsonl")
# Written in three rounds after the extractor; each round was scored once before any fix (first-pass
# numbers are in the module report), then kept as regression. Items with "known_gap" (a documented
# limitation, the reason is in the item) count in the precision/recall report but are not asserted.
HELDOUT = _load("casualties_heldout.jsonl")
EXACT = GOLD + [g for g in HELDOUT if "known_gap" not in g]
FIELDS = ("kind", "count", "approximate", "vague", "background", "perpetrator", "update", "sub_of")


def _row(c: Casualty) -> dict[str, Any]:
    return {f: getattr(c, f) for f in FIELDS}


def test_gold_set_is_big_enough() -> None:
    assert len(GOLD) >= 110
    ids = [g["id"] for g in GOLD + HELDOUT]
    assert len(set(ids)) == len(ids)
    assert [g["id"] for g in HELDOUT if "known_gap" in g] == ["h70"]


@pytest.mark.parametrize("item", EXACT, ids=[g["id"] for g in EXACT])
def test_gold(item: dict[str, Any]) -> None:
    cas = extract_casualties(item["text"])
    assert [_row(c) for c in cas] == item["figures"]
    assert compute_totals(cas) == item["totals"]
    for c in cas:  # spans index the text we were given
        assert item["text"][c.span[0]:c.span[1]] == c.text


def _prf(items: list[dict[str, Any]], kind: str) -> tuple[float, float, int, int, int]:
    """Micro precision/recall of (kind, count, sub_of is None) figures over a gold set."""
    tp = fp = fn = 0
    for g in items:
        want = [(f["count"], f["sub_of"] is None) for f in g["figures"] if f["kind"] == kind]
        got = [(c.count, c.sub_of is None) for c in extract_casualties(g["text"]) if c.kind == kind]
        rest = list(want)
        for x in got:
            if x in rest:
                rest.remove(x)
                tp += 1
            else:
                fp += 1
        fn += len(rest)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, tp, fp, fn


def test_precision_recall_report(capsys: pytest.CaptureFixture[str]) -> None:
    report: dict[str, Any] = {}
    for name, items in (("gold", GOLD), ("heldout", HELDOUT)):
        part: dict[str, Any] = {}
        for kind in ("killed", "injured"):
            p, r, tp, fp, fn = _prf(items, kind)
            part[kind] = {"precision": round(p, 3), "recall": round(r, 3), "tp": tp, "fp": fp, "fn": fn}
            assert p >= 0.95 and r >= 0.95
        gaps = [g["id"] for g in items if "known_gap" in g]
        part["known_gaps"] = gaps
        ok = sum(compute_totals(extract_casualties(g["text"])) == g["totals"] for g in items)
        part["totals_exact"] = f"{ok}/{len(items)}"
        report[name] = part
    with capsys.disabled():
        print("\ncasualty P/R:", json.dumps(report))


# --- behaviour beyond the gold set -------------------------------------------------------------
def test_seed_like_article_links_parts_to_headline_total() -> None:
    item = next(g for g in GOLD if g["id"] == "seed_like")
    cas = extract_casualties(item["text"])
    assert compute_totals(cas) == {"killed": 48, "injured": None}
    assert totals_approximate(cas) == {"killed": True, "injured": False}
    assert [c.who for c in cas[:3]] == ["soldiers", "officers", "حزب الله fighters"]
    assert cas[0].text == "48"


def test_who_labels() -> None:
    cases = {
        "قتل 5 مدنيين في القصف": "civilians",
        "قتل 3 أطفال في القصف": "children",
        "قتلت 4 نساء في القصف": "women",
        "قتل 6 جنود في الكمين": "soldiers",
        "قتل 2 من ضباط الجيش": "officers",
        "قتل 7 عناصر من حركة حماس": "حركة حماس fighters",
        "قتل 9 من عناصر الشرطة": "police",
    }
    for text, who in cases.items():
        cas = extract_casualties(text)
        assert [c.who for c in cas] == [who], text


def test_vague_bounds_are_parameters() -> None:
    cas = extract_casualties("قتل عشرات المدنيين وأصيب المئات", vague_bounds={"tens": 20, "hundreds": 200})
    assert [(c.kind, c.count, c.vague, c.lower_bound) for c in cas] == [
        ("killed", None, True, 20), ("injured", None, True, 200)]
    assert compute_totals(cas) == {"killed": None, "injured": None}


def _c(kind: str, count: int | None, **kw: Any) -> Casualty:
    return Casualty(kind=kind, count=count, approximate=kw.pop("approximate", False), who=kw.pop("who", None),
                    span=kw.pop("span", (0, 1)), text="x", **kw)


def test_compute_totals_rules_on_hand_built_lists() -> None:
    assert compute_totals([]) == {"killed": None, "injured": None}
    # rule 2: sub-counts never added
    assert compute_totals([_c("killed", 48), _c("killed", 11, sub_of=0), _c("killed", 14, sub_of=0)]) == {
        "killed": 48, "injured": None}
    # rule 3: separate incidents summed
    assert compute_totals([_c("killed", 3), _c("killed", 5)])["killed"] == 8
    # rule 4: update supersedes
    assert compute_totals([_c("killed", 20), _c("killed", 27, update=True)])["killed"] == 27
    # rule 5: the same mention listed twice counts once; restatements elsewhere carry sub_of
    assert compute_totals([_c("killed", 5), _c("killed", 5)])["killed"] == 5
    assert compute_totals([_c("killed", 5), _c("killed", 5, span=(40, 41), sub_of=0)])["killed"] == 5
    # equal tolls of separate incidents still add up (rule 3)
    assert compute_totals([_c("killed", 3), _c("killed", 3, span=(40, 41))])["killed"] == 6
    # rules 1, 7, 8, 9, 12
    assert compute_totals([
        _c("killed", 350000, background=True), _c("killed", None, vague=True, lower_bound=10),
        _c("killed_or_injured", 70), _c("killed", 1, perpetrator=True), _c("displaced", 3000),
        _c("arrested", 20), _c("injured", 4),
    ]) == {"killed": None, "injured": 4}
    assert totals_approximate([_c("killed", 40, approximate=True), _c("injured", 3)]) == {
        "killed": True, "injured": False}


def test_spans_index_text_with_tashkeel_and_indic_digits() -> None:
    text = "وقُتِلَ ١٢ شَخْصاً، وأُصِيبَ ٣٠ آخرون."
    cas = extract_casualties(text)
    assert [(c.kind, c.count, c.text) for c in cas] == [("killed", 12, "١٢"), ("injured", 30, "٣٠")]


def test_empty_and_non_arabic() -> None:
    assert extract_casualties("") == []
    assert extract_casualties("12 people were killed") == []
    assert extract_casualties("\n\n...،،") == []


def test_vague_bounds_from_settings() -> None:
    bounds = vague_bounds_from(Settings(vague_tens=15))
    assert bounds == {"tens": 15, "dozens": 12, "hundreds": 100, "thousands": 1000, "few": 3}
    cas = extract_casualties("قتل عشرات المدنيين", vague_bounds=bounds)
    assert [(c.count, c.vague, c.lower_bound) for c in cas] == [(None, True, 15)]
