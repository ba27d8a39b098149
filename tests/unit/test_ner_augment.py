"""Mention replacement for the tagger's training data (``bench._ner_augment``)."""

from __future__ import annotations

import random

from bench._ner_augment import augment, labelled, mentions, replace_mentions
from worker.extract.ner.conll import Sentence

S1: Sentence = [("زار", "O"), ("سامر", "B-PER"), ("الخطيب", "I-PER"), ("حلب", "B-LOC"), (".", "O")]
S2: Sentence = [("قالت", "O"), ("هالة", "B-PER"), ("إن", "O"), ("نادي", "B-ORG"), ("الأمل", "I-ORG"),
                ("فاز", "O")]
S3: Sentence = [("عاد", "O"), ("المطر", "O"), ("أمس", "O")]
S4: Sentence = [("في", "O"), ("طرطوس", "I-LOC"), ("ودمشق", "B-LOC")]  # an I- that opens a span, as conlleval


def test_mentions_by_type_in_reading_order() -> None:
    assert mentions([S1, S2, S3, S4]) == {
        "PER": [("سامر", "الخطيب"), ("هالة",)],
        "LOC": [("حلب",), ("طرطوس",), ("ودمشق",)],
        "ORG": [("نادي", "الأمل")],
    }


def test_a_replacement_carries_its_own_labels() -> None:
    assert labelled(("نادي", "الأمل", "الرياضي"), "ORG") == [
        ("نادي", "B-ORG"), ("الأمل", "I-ORG"), ("الرياضي", "I-ORG")]
    # one candidate per type: every mention becomes it, whatever its length was
    pool = {"PER": [("هالة",)], "LOC": [("طرطوس",)]}
    assert replace_mentions(S1, pool, random.Random(0)) == [
        ("زار", "O"), ("هالة", "B-PER"), ("طرطوس", "B-LOC"), (".", "O")]
    assert replace_mentions(S4, pool, random.Random(0)) == [
        ("في", "O"), ("طرطوس", "B-LOC"), ("طرطوس", "B-LOC")]
    # no candidate of a type, or p = 0: the mention stays as it was
    assert replace_mentions(S2, pool, random.Random(0)) == [
        ("قالت", "O"), ("هالة", "B-PER"), ("إن", "O"), ("نادي", "B-ORG"), ("الأمل", "I-ORG"), ("فاز", "O")]
    assert replace_mentions(S1, pool, random.Random(0), p=0.0) == S1


def test_augment_is_seeded_and_leaves_out_unchanged_copies() -> None:
    sents = [S1, S2, S3, S4]
    out = augment(sents, k=2, p=1.0, seed=3)
    assert out == augment(sents, k=2, p=1.0, seed=3)
    assert out == [
        # round 1: S1 and S2 drew their own mentions back (left out); S4's opening I- comes back as B-
        [("في", "O"), ("طرطوس", "B-LOC"), ("حلب", "B-LOC")],
        # round 2
        [("زار", "O"), ("هالة", "B-PER"), ("ودمشق", "B-LOC"), (".", "O")],
        [("قالت", "O"), ("سامر", "B-PER"), ("الخطيب", "I-PER"), ("إن", "O"), ("نادي", "B-ORG"),
         ("الأمل", "I-ORG"), ("فاز", "O")],
        [("في", "O"), ("ودمشق", "B-LOC"), ("حلب", "B-LOC")],
    ]
    # a sentence without mentions never gives a copy; the words come from the sentences given only
    assert all(s != S3 for s in out)
    words = {w for s in sents for w, _ in s}
    assert {w for s in out for w, _ in s} <= words
    assert augment(sents, k=1, p=0.0) == []
