"""Context lists induced from news (tools/build_contexts.py) and their flags as tagger features
(sentences written for these tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from worker.extract.ner.features import TOKEN_RE, Resources, word_features
from worker.extract.ner.resources import NER_DIR, list_memberships, load_contexts
from worker.text.normalize import normalize

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import build_contexts as bc  # noqa: E402


def _doc(text: str) -> list[str]:
    return TOKEN_RE.findall(normalize(text))


def test_cue_kinds_marks_the_word_after_each_kind_of_cue() -> None:
    doc = _doc("قالت حركة النور إن وزير الخارجية سامر حداد زار بلدة تلعدا")
    kinds = bc.cue_kinds(doc, bc._titles())
    assert [(w, k) for w, k in zip(doc, kinds, strict=True) if k] == [
        ("النور", "ORG"), ("سامر", "PER"), ("تلعدا", "LOC")]


def test_cue_kinds_reads_heads_with_a_proclitic_and_skips_title_qualifiers() -> None:
    doc = _doc("وأعلنت وشركة مرعيان أن الرئيس الأمريكي زياد منصور وصل إلى مخيم الأمل")
    kinds = bc.cue_kinds(doc, bc._titles())
    assert [(w, k) for w, k in zip(doc, kinds, strict=True) if k] == [
        ("مرعيان", "ORG"), ("زياد", "PER"), ("الامل", "LOC")]
    # a stop word after the title ends the search, as the title rule does (السابق is one)
    doc = _doc("الرئيس السابق زياد")
    assert bc.cue_kinds(doc, bc._titles()) == [None, None, None]


def test_counts_and_flags_by_share_and_support(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [_doc(t) for t in ("قالت حركة النور إن", "حركة النور", "والنور", "النور هنا", "النور", "النور")]
    counts = bc.count(docs)
    assert (counts["النور"]["n"], counts["النور"]["ORG"]) == (5, 2)
    assert (counts["~نور"]["n"], counts["~نور"]["ORG"]) == (6, 2)  # والنور joins its stripped form
    monkeypatch.setattr(bc, "MIN_COUNT", 3)
    monkeypatch.setattr(bc, "MIN_HITS", 2)
    assert bc.flags(counts) == [("~نور", 6, 2, 0, 0, "ORGCTX"), ("النور", 5, 2, 0, 0, "ORGCTX")]
    monkeypatch.setattr(bc, "STRONG", 0.4)
    assert bc.flags(counts)[1][-1] == "ORGCTX2"
    monkeypatch.setattr(bc, "MIN_COUNT", 6)
    assert bc.flags(counts) == [("~نور", 6, 2, 0, 0, "ORGCTX")]


def test_load_contexts_strips_the_marker_and_merges(tmp_path: Path) -> None:
    f = tmp_path / "c.tsv"
    f.write_text("# header\nالنور\t5\t2\t0\t0\tORGCTX\n~نور\t6\t4\t0\t0\tORGCTX2\n~سامر\t9\t0\t5\t0\tPERCTX2\n"
                 "سامر\t9\t0\t2\t2\tPERCTX,LOCCTX\n", encoding="utf-8")
    assert load_contexts(f) == {"النور": ("ORGCTX",), "نور": ("ORGCTX2",), "سامر": ("LOCCTX", "PERCTX", "PERCTX2")}
    assert load_contexts(tmp_path / "absent.tsv") == {}


def test_context_flags_and_org_heads_are_features_only_when_asked(tmp_path: Path) -> None:
    f = tmp_path / "c.tsv"
    f.write_text("مرعيان\t9\t6\t0\t0\tORGCTX2\n~رعيان\t9\t6\t0\t0\tORGCTX2\n", encoding="utf-8")
    lists = list_memberships(f)
    assert "ORGHEAD" in lists[normalize("حركة")]
    # with a proclitic the stripped form carries the head flag (وحركة → حركه: sORGHEAD)
    assert "g=sORGHEAD" in word_features("وحركة", Resources({}, lists))[2]
    assert "+1g=ORGCTX2" in word_features("مرعيان", Resources({}, lists))[3]
    # off by default: the shipped tagger's lists and package carry neither (measured, not shipped)
    plain = list_memberships()
    assert "ORGHEAD" not in plain.get(normalize("حركة"), ())
    assert not any(f.endswith(("CTX", "CTX2")) for fl in plain.values() for f in fl)
    assert not (NER_DIR / "contexts.tsv").exists()
