"""bench/casualties_real.py splits and the committed annotation files (annotations only: no texts, no scoring)."""

from collections import Counter

import pytest

from bench._casualty_sample import split_of
from bench.casualties_real import _DEFAULT_NOTES, _UNTOUCHED, _WORK, _lines, _read_notes, heldout_dir, select

NOTES = _read_notes(_DEFAULT_NOTES)
TAGS = {"current", "background", "vague", "none"}


def test_each_round_file_lands_in_its_own_split() -> None:
    counts = Counter(a["split"] for a in NOTES)
    assert counts["dev"] + counts["test"] == 285
    assert [counts[name] for name in (
        "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10", "dev11", "dev12", "dev13",
        "dev14", "dev15", "dev16", "dev17")] == [120, 104, 100, 100, 120, 120, 120, 120, 100, 100, 100, 100, 100, 100,
                                                 100, 80]


def test_work_holds_every_scored_round_and_never_the_test_set_or_an_untouched_round() -> None:
    rounds = {"dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10", "dev11", "dev12",
              "dev13", "dev14", "dev15", "dev16"}
    assert {a["split"] for a in select(NOTES, "work")} == rounds
    assert {a["split"] for a in select(NOTES, "all")} == rounds | {"test"}
    assert {a["split"] for a in select(NOTES, "both")} == rounds | {"test"}


def test_the_test_split_is_only_the_held_back_articles() -> None:
    # dev11 … dev17 are drawn from the test half of the hash, but their files, not the hash, name their splits
    test = select(NOTES, "test")
    assert len(test) == 122 and all(split_of(a["docno"]) == "test" for a in test)
    late = {a["docno"] for a in NOTES if a["split"] in ("dev11", "dev12", "dev13", "dev14", "dev15", "dev16", "dev17")}
    assert len(late) == 680 and not late & {a["docno"] for a in test}


def test_each_scored_round_is_selectable_by_name() -> None:
    for name in ("dev7", "dev8", "dev9"):
        chosen = select(NOTES, name)
        assert len(chosen) == 120 and {a["split"] for a in chosen} == {name}
    for name in ("dev10", "dev11", "dev12", "dev13", "dev14", "dev15", "dev16"):
        chosen = select(NOTES, name)
        assert len(chosen) == 100 and {a["split"] for a in chosen} == {name}
    assert len(select(NOTES, "dev17")) == 80


def test_rounds_3_to_10_come_from_the_dev_half_dev11_to_dev17_from_the_test_half_and_none_twice() -> None:
    docnos = [a["docno"] for a in NOTES]
    assert len(docnos) == len(set(docnos))
    late = [a["docno"] for a in NOTES if a["split"] in ("dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10")]
    assert len(late) == 884 and all(split_of(d) == "dev" for d in late)
    for name in ("dev11", "dev12", "dev13", "dev14", "dev15", "dev16"):
        chosen = [a["docno"] for a in NOTES if a["split"] == name]
        assert len(chosen) == 100 and all(split_of(d) == "test" for d in chosen), name
    dev17 = [a["docno"] for a in NOTES if a["split"] == "dev17"]
    assert len(dev17) == 80 and all(split_of(d) == "test" for d in dev17)


def test_dev6_composition() -> None:
    tags = Counter(a["note"].split(":", 1)[0] for a in NOTES if a["split"] == "dev6")
    assert tags == {"current": 38, "background": 42, "vague": 4, "none": 36}  # SK-918 corrected after the agreement check


# Per round: the note tags, then how many killed totals, approximate ones and injured totals it holds.
_COMPOSITION = [
    ("dev7", {"current": 33, "background": 38, "vague": 10, "none": 39}, 31, 8, 17),
    ("dev8", {"current": 35, "background": 33, "vague": 8, "none": 44}, 31, 5, 15),
    ("dev9", {"current": 39, "background": 42, "vague": 4, "none": 35}, 35, 8, 20),
    ("dev10", {"current": 26, "background": 33, "vague": 3, "none": 38}, 21, 5, 11),
    ("dev11", {"current": 27, "background": 36, "vague": 5, "none": 32}, 25, 2, 11),
    ("dev12", {"current": 23, "background": 32, "vague": 10, "none": 35}, 20, 3, 11),
    ("dev13", {"current": 36, "background": 26, "vague": 4, "none": 34}, 31, 11, 14),
    ("dev14", {"current": 28, "background": 30, "vague": 5, "none": 37}, 25, 8, 12),
    ("dev15", {"current": 37, "background": 20, "vague": 7, "none": 36}, 36, 6, 14),
    ("dev16", {"current": 29, "background": 16, "vague": 3, "none": 52}, 25, 9, 13),
    ("dev17", {"current": 24, "background": 11, "vague": 6, "none": 39}, 19, 6, 15),
]


@pytest.mark.parametrize(("name", "tags", "killed", "approx", "injured"), _COMPOSITION)
def test_round_composition(name: str, tags: dict[str, int], killed: int, approx: int, injured: int) -> None:
    rows = [a for a in NOTES if a["split"] == name]
    assert Counter(a["note"].split(":", 1)[0] for a in rows) == tags
    assert sum(a["killed"] is not None for a in rows) == killed
    assert sum(a["approx"] for a in rows) == approx
    assert sum(a["injured"] is not None for a in rows) == injured


def test_every_annotation_is_well_formed() -> None:
    for a in NOTES:
        assert set(a) == {"docno", "killed", "injured", "approx", "note", "split"}, a["docno"]
        tag, _, why = a["note"].partition(": ")
        assert tag in TAGS and why, a["docno"]
        for kind in ("killed", "injured"):
            assert a[kind] is None or (isinstance(a[kind], int) and a[kind] > 0), a["docno"]
        # approx describes the killed total, and only a current note carries totals
        assert not (a["approx"] and a["killed"] is None), a["docno"]
        assert (tag == "current") == (a["killed"] is not None or a["injured"] is not None), a["docno"]


def test_work_files_hold_no_held_out_note_and_the_held_out_folder_holds_only_held_out_notes() -> None:
    # a search over bench/data/casualties_real*.jsonl must never show a held-back or untouched article's note
    work_files = sorted(_DEFAULT_NOTES.parent.glob("casualties_real*.jsonl"))
    assert [f.name for f in work_files] == ["casualties_real.jsonl", *(f"casualties_real_{n}.jsonl" for n in sorted(_WORK[1:]))]
    assert all(split_of(a["docno"]) == "dev" for a in _lines(_DEFAULT_NOTES))
    held = sorted(f.name for f in heldout_dir(_DEFAULT_NOTES).glob("*.jsonl"))
    assert held == sorted(["casualties_real_test.jsonl", *(f"casualties_real_{n}.jsonl" for n in _UNTOUCHED)])
    assert len(_lines(heldout_dir(_DEFAULT_NOTES) / "casualties_real_test.jsonl")) == 122
    assert all(split_of(a["docno"]) == "test" for a in _lines(heldout_dir(_DEFAULT_NOTES) / "casualties_real_test.jsonl"))
