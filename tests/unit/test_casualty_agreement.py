"""bench/casualty_agreement.py on own tiny annotation files (no article texts)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.casualty_agreement import compare, disagreement, read_annotations

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, rows: list[tuple[str, int | None, int | None, bool, str]]) -> Path:
    path.write_text("".join(json.dumps({"docno": d, "killed": k, "injured": i, "approx": a, "note": f"{t}: own"}) + "\n"
                            for d, k, i, a, t in rows), encoding="utf-8")
    return path


FIRST = [
    ("A", 5, None, False, "current"),    # same
    ("B", 10, 3, True, "current"),       # killed over, injured same, approx differs
    ("C", None, None, False, "background"),  # second counts it: first_null
    ("D", 7, 2, False, "current"),       # killed under, injured second_null
    ("E", None, None, False, "none"),    # same, tag differs
    ("F", 1, None, False, "current"),    # only in first
]
SECOND = [
    ("A", 5, None, False, "current"),
    ("B", 12, 3, False, "current"),
    ("C", 4, None, False, "current"),
    ("D", 6, None, False, "current"),
    ("E", None, None, False, "vague"),
    ("G", 2, None, False, "current"),    # only in second
]


def test_disagreement_classes_read_the_second_against_the_first() -> None:
    assert disagreement(3, 3) is None
    assert disagreement(None, None) is None
    assert disagreement(3, 5) == "over"
    assert disagreement(5, 3) == "under"
    assert disagreement(None, 2) == "first_null"
    assert disagreement(2, None) == "second_null"


def test_compare_counts_agreement_and_classes(tmp_path: Path) -> None:
    first = read_annotations(_write(tmp_path / "a.jsonl", FIRST))
    second = read_annotations(_write(tmp_path / "b.jsonl", SECOND))
    out = compare(first, second, listed=True)
    assert (out["articles"], out["only_in_first"], out["only_in_second"]) == (5, 1, 1)
    killed = out["killed"]
    assert killed["exact_agree"] == 2 and killed["exact_agreement"] == 0.4
    assert killed["disagreements"] == {"over": 1, "under": 1, "one_null": 1, "first_null": 1, "second_null": 0}
    # null vs number: first A B D numbers, C E null; second A B C D numbers, E null -> 4 of 5 agree
    assert killed["null_vs_number_agreement"] == 0.8
    assert (killed["numbers_first"], killed["numbers_second"]) == (3, 4)
    # observed 0.8; chance 0.6*0.8 + 0.4*0.2 = 0.56; kappa (0.8-0.56)/0.44
    assert killed["null_vs_number_kappa"] == round(0.24 / 0.44, 3)
    injured = out["injured"]
    assert injured["exact_agree"] == 4
    assert injured["disagreements"] == {"over": 0, "under": 0, "one_null": 1, "first_null": 0, "second_null": 1}
    assert out["approx_agreement_both_killed"] == {"articles": 3, "agree": 2}
    assert out["tag_agreement"] == 0.6
    assert out["tag_confusion"] == {"background->current": 1, "none->vague": 1}
    assert [(r["docno"], r["kind"], r["class"]) for r in out["disagreement_list"]] == [
        ("B", "killed", "over"), ("C", "killed", "first_null"), ("D", "killed", "under"), ("D", "injured", "second_null")]


def test_identical_files_agree_fully(tmp_path: Path) -> None:
    rows = read_annotations(_write(tmp_path / "a.jsonl", FIRST))
    out = compare(rows, rows)
    assert out["killed"]["exact_agreement"] == 1.0 and out["injured"]["exact_agreement"] == 1.0
    assert out["killed"]["null_vs_number_kappa"] == 1.0
    assert "disagreement_list" not in out


def test_bad_line_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"docno": "A", "killed": "five", "injured": null}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:1: not an annotation"):
        read_annotations(bad)


def test_cli_prints_json_and_reports_a_missing_file_without_traceback(tmp_path: Path) -> None:
    a, b = _write(tmp_path / "a.jsonl", FIRST), _write(tmp_path / "b.jsonl", SECOND)
    script = str(ROOT / "bench" / "casualty_agreement.py")
    ok = subprocess.run([sys.executable, script, str(a), str(b)], capture_output=True, text=True, check=True)
    assert json.loads(ok.stdout)["killed"]["exact_agree"] == 2
    missing = subprocess.run([sys.executable, script, str(a), str(tmp_path / "nope.jsonl")], capture_output=True, text=True)
    assert missing.returncode == 1
    assert "casualty_agreement:" in missing.stderr and "Traceback" not in missing.stderr
