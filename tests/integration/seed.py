"""Stories and alerts for the analyst's-view tests, made by the real pipeline from our own Arabic
sentences (store_items → process_batch), plus alerts stored as the detector would store them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from worker.alerts.payload import StoryRef, build_alert
from worker.models import ParsedItem, Region
from worker.resources import Resources
from worker.services.ingest import store_items
from worker.services.process import process_batch
from worker.signals.spikes import Decision
from worker.store import alerts_repo
from worker.store.tables import items, stories

NOW = datetime(2025, 2, 1, 12, 0, tzinfo=UTC)

# (source, guid, title, text, hours before NOW). Items 1 and 2 are one event told by two sources
# with different figures (the story keeps the larger, never the sum); the rest are distinct events.
ARTICLES: list[tuple[str, str, str, str, int]] = [
    ("alpha.example.org", "a1", "مقتل خمسة مدنيين في قصف على مدينة إدلب",
     "قتل خمسة مدنيين وأصيب عشرة آخرون في قصف مدفعي استهدف مدينة إدلب صباح اليوم، بحسب الدفاع المدني. "
     "وقال مسعفون إن القصف طال سوقا شعبيا وسط المدينة.", 3),
    ("beta.example.org", "b1", "مقتل سبعة مدنيين في قصف على مدينة إدلب",
     "قتل سبعة مدنيين وأصيب عشرة آخرون في قصف مدفعي استهدف مدينة إدلب صباح اليوم، بحسب الدفاع المدني. "
     "وقال مسعفون إن القصف طال سوقا شعبيا وسط المدينة.", 3),
    ("gamma.example.org", "g1", "غارة جوية على ريف حلب الشمالي",
     "أصيب ثلاثة أشخاص بجروح في غارة جوية استهدفت قرية في ريف حلب الشمالي مساء أمس، "
     "وأفاد سكان بأن الطائرات حلقت فوق المنطقة لساعات.", 20),
    ("alpha.example.org", "a2", "افتتاح مدرسة جديدة في مدينة حماة",
     "افتتحت مديرية التربية في حماة مدرسة جديدة تتسع لخمسمئة طالب، "
     "وقال مدير المدرسة إن الدوام سيبدأ الأسبوع المقبل.", 30),
    ("beta.example.org", "b2", "اشتباكات عنيفة في ريف إدلب الجنوبي",
     "قتل جنديان في اشتباكات عنيفة اندلعت فجر اليوم في ريف إدلب الجنوبي، "
     "واستخدمت فيها الأسلحة الثقيلة بحسب مصادر محلية.", 5),
]


@dataclass
class Seeded:
    story_ids: list[int]
    alert_id: str


def seed(res: Resources, now: datetime = NOW) -> Seeded:
    """Run the articles through the pipeline, then store one alert for Idlib over its stories."""
    for source, guid, title, text, hours in ARTICLES:
        item = ParsedItem(guid=guid, link=f"https://{source}/{guid}", title=title, summary=text, content="",
                          published=now - timedelta(hours=hours))
        store_items(res.engine, None, source, [item], now)
    with res.engine.connect() as conn:
        ids = [int(r[0]) for r in conn.execute(sa.select(items.c.id).order_by(items.c.id))]
    process_batch(res, ids, now, allow_fulltext=False)
    with res.engine.connect() as conn:
        story_rows = [dict(r) for r in conn.execute(sa.select(stories).order_by(stories.c.id)).mappings()]
    return Seeded([int(r["id"]) for r in story_rows], store_idlib_alert(res, story_rows, now))


def store_idlib_alert(res: Resources, story_rows: list[dict[str, Any]], now: datetime) -> str:
    idlib = [r for r in story_rows if any(g["name_en"] == "Idlib" for g in r["regions"] or [])]
    region = Region("إدلب", "Idlib", "SY", "admin1", 35.9306, 36.6339)
    end = now.replace(minute=0)
    decision = Decision(kind="new", severity="warning", p_value=1e-6, score=6.0, observed=len(idlib), expected=0.3,
                        ratio=6.7, sources=2, window_start=end - timedelta(hours=3), window_end=end,
                        bucket=int(end.timestamp() // 3600) - 1)
    refs = [StoryRef(str(r["id"]), r["title"], r["url"] or "", r["sources"] or [], r["event_time"]) for r in idlib]
    payload = build_alert(region, decision, refs, {"قصف": 2}, {"killed": 9, "injured": 10}, now)
    with res.engine.begin() as conn:
        alerts_repo.insert_alert(conn, payload["id"], region.key, "warning", decision.window_start,
                                 decision.window_end, payload, now)
    return str(payload["id"])
