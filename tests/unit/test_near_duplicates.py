"""Quality bars for near-duplicate detection on the deterministic corpus in syndication.py."""

from __future__ import annotations

import functools

from tests.unit.syndication import (
    KINDS,
    base_articles,
    different_event_pairs,
    sibling,
    syndicated,
    variant_pairs,
)
from worker.dedup.fingerprint import Fingerprint, fingerprint, is_near_duplicate, similarity
from worker.text.clean import clean_article

THRESHOLD = 0.5  # settings.dedup_threshold


@functools.lru_cache(maxsize=4096)
def _fp(text: str) -> Fingerprint:
    return fingerprint(clean_article(text).text)


def _decide(pairs: list[tuple[str, str, str]]) -> list[bool]:
    return [is_near_duplicate(_fp(a), _fp(b), THRESHOLD) for _, a, b in pairs]


def test_corpus_has_the_required_shape() -> None:
    bases = base_articles()
    assert len(bases) == 30
    assert {a.kind for a in bases} == set(KINDS)
    assert {a.country for a in bases} == {"syria", "iraq", "yemen", "gaza", "lebanon", "libya"}
    assert all(250 <= a.words() <= 350 for a in bases), [a.words() for a in bases]
    variants = [syndicated(a, s) for a in bases[:5] for s in range(20)]
    # every kind of change the spec lists occurs in the corpus
    assert any("اقرأ أيضا" in v for v in variants)
    assert any(v.startswith(("(سكاي نيوز عربية)", "(الأناضول)", "(أ ف ب)", "(رويترز)")) or
               "\n(سكاي نيوز عربية) " in v or "\n(الأناضول) " in v for v in variants)
    assert any("المصدر: وكالات" in v for v in variants)
    assert any("\u064e" in v or "\u0650" in v for v in variants)
    assert any(c in v for v in variants for c in "٠١٢٣٤٥٦٧٨٩")
    assert len(set(variants)) == len(variants)


def test_near_duplicate_recall_and_precision() -> None:
    positives = variant_pairs()
    negatives = different_event_pairs()
    assert len(positives) >= 500
    assert len(negatives) >= 500
    tp = sum(_decide(positives))
    fp = sum(_decide(negatives))
    recall = tp / len(positives)
    precision = tp / (tp + fp)
    pos_sims = sorted(similarity(_fp(a).signature, _fp(b).signature) for _, a, b in positives)
    neg_sims = sorted(similarity(_fp(a).signature, _fp(b).signature) for _, a, b in negatives)
    print(f"\nnear-duplicates: {len(positives)} variant pairs, {len(negatives)} same-topic different-event pairs; "
          f"recall={recall:.4f} precision={precision:.4f}; variant similarity min={pos_sims[0]:.3f} "
          f"p5={pos_sims[len(pos_sims) // 20]:.3f}; different-event max={neg_sims[-1]:.3f} "
          f"p99={neg_sims[-len(neg_sims) // 100]:.3f}")
    assert recall >= 0.97
    assert precision >= 0.99


def test_different_events_share_town_and_kind_but_not_details() -> None:
    # the negatives are not trivially different: same kind, same town, shared stock sentences
    for base in base_articles()[:10]:
        for seed in range(3):
            other = sibling(base, seed)
            assert (other.kind, other.country, other.town) == (base.kind, base.country, base.town)
            assert other.slots["day"] != base.slots["day"] or other.slots["killed"] != base.slots["killed"] \
                or other.slots["village"] != base.slots["village"]
    sims = [similarity(_fp(a).signature, _fp(b).signature) for _, a, b in different_event_pairs()]
    assert sum(s >= 0.1 for s in sims) / len(sims) > 0.9  # they do overlap, just not enough to merge
