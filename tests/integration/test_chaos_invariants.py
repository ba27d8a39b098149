"""The fault suite's story checks (tests/chaos/invariants.py) on small hand-made stores, both engines."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.chaos.invariants import DEDUP_THRESHOLD, merge_similarity, miscounted_stories
from tests.integration.harness import Rasd
from worker.store import articles_repo, feeds_repo, items_repo
from worker.store.items_repo import NewItem
from worker.store.tables import stories

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TEMPLATE = ("قتل {n} مدنيين وأصيب ستة آخرون بجروح في قصف مدفعي على قرية {village} في ريف مدينة إدلب صباح "
            "اليوم، بحسب ما أفاد به مصدر طبي. وقال المسعف {person} إن فرق الدفاع المدني انتشلت الضحايا من تحت "
            "الأنقاض، فيما أعلنت الفرق المحلية حالة الاستنفار في المنطقة.")
OTHER = ("أعلنت وزارة الزراعة افتتاح موسم قطاف الزيتون في الساحل، وتوقعت إنتاجاً يفوق العام الماضي بفضل "
         "الأمطار الغزيرة، فيما طالب المزارعون بدعم أسعار الأسمدة ونقل المحصول إلى المعاصر.")


def _store(engine: Engine, texts: dict[str, str], stories_of: dict[int, list[str]]) -> dict[str, int]:
    """Items with these guids and bodies, and articles grouped into stories (keyed by a guid index)."""
    with engine.begin() as conn:
        feed_id = feeds_repo.add_feed(conn, "https://example.org/rss", T0)
        batch = [NewItem(g, g, {"guid": g, "url": f"https://example.org/{g}", "canonical_url":
                                f"https://example.org/{g}", "title": "", "summary": "", "content": body,
                                "published": T0, "event_time": T0}) for g, body in texts.items()]
        ids = dict(zip(texts, items_repo.upsert_items(conn, feed_id, "Example", batch, T0).new, strict=True))
        for guids in stories_of.values():
            story = ids[guids[0]]
            articles_repo.save_articles(conn, [{
                "item_id": ids[g], "story_id": story, "duplicate_of": None, "similarity": 0.9, "text_clean": "x",
                "removed_paragraphs": 0, "casualties": [], "totals": {"killed": 1, "injured": None},
                "entities": [], "keywords": [], "escalation_score": 0.5, "regions": [], "processed_at": T0}
                for g in guids])
            articles_repo.refresh_stories(conn, {story}, T0)
    return ids


def test_a_merge_of_two_events_is_explained_only_by_a_similarity_at_the_threshold(engine: Engine) -> None:
    texts = {"ev0-f0": TEMPLATE.format(n="أربعة", village="جكحد", person="زذفسغص"),
             "ev0-f1": TEMPLATE.format(n="أربعة", village="جكحد", person="زذفسغص") + "\nالمصدر: وكالات",
             "ev1-f0": TEMPLATE.format(n="أربعة", village="جكحد", person="يهتجمصتر"),
             "ev2-f0": OTHER}
    event_of = {g: int(g[2]) for g in texts}
    ids = _store(engine, texts, {0: ["ev0-f0", "ev0-f1"], 1: ["ev1-f0"], 2: ["ev2-f0"]})
    rasd = cast(Rasd, SimpleNamespace(engine=engine))
    assert merge_similarity(rasd, ids["ev0-f0"], event_of) == 0.0  # copies of one event only
    with engine.begin() as conn:  # event 1, one word apart, joins event 0; event 2 joins event 1
        conn.execute(sa.text("UPDATE articles SET story_id = :s WHERE item_id = :i"),
                     [{"s": ids["ev0-f0"], "i": ids["ev1-f0"]}, {"s": ids["ev1-f0"], "i": ids["ev2-f0"]}])
    assert merge_similarity(rasd, ids["ev0-f0"], event_of) >= DEDUP_THRESHOLD
    assert merge_similarity(rasd, ids["ev1-f0"], event_of) == 0.0  # only event 2's article is left in it
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE articles SET story_id = :s WHERE item_id = :i"),
                     {"s": ids["ev0-f0"], "i": ids["ev2-f0"]})
    assert merge_similarity(rasd, ids["ev0-f0"], event_of) >= DEDUP_THRESHOLD  # the best pair decides
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE articles SET story_id = :s WHERE item_id = :i"),
                     [{"s": ids["ev2-f0"], "i": ids["ev0-f0"]}, {"s": ids["ev2-f0"], "i": ids["ev0-f1"]},
                      {"s": ids["ev1-f0"], "i": ids["ev1-f0"]}])
    assert merge_similarity(rasd, ids["ev2-f0"], event_of) < DEDUP_THRESHOLD  # unrelated texts


def test_a_story_row_that_differs_from_its_recomputation_is_reported(engine: Engine) -> None:
    texts = {"ev0-f0": OTHER, "ev0-f1": OTHER + "\nالمصدر: وكالات", "ev1-f0": TEMPLATE}
    ids = _store(engine, texts, {0: ["ev0-f0", "ev0-f1"], 1: ["ev1-f0"]})
    rasd = cast(Rasd, SimpleNamespace(engine=engine))
    assert miscounted_stories(rasd) == []
    first, second = ids["ev0-f0"], ids["ev1-f0"]
    with engine.begin() as conn:
        conn.execute(sa.update(stories).where(stories.c.id == first).values(size=1, totals={"killed": 3}))
        conn.execute(sa.text("UPDATE articles SET story_id = 999 WHERE item_id = :i"), {"i": second})
    report: list[Any] = miscounted_stories(rasd)
    assert report == [
        "999: articles without a row",
        f"{second}: row without articles",
        f"{first}: row != recomputed {{'size': (1, 2), 'totals': ({{'killed': 3}}, {{'killed': 1, 'injured': None}})}}",
    ]
