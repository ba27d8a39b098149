"""Process stored items: clean → (full text) → dedup → extract → store → signal counters.

Each item is handled on its own so one poison item cannot block its batch: its attempts are
counted *before* work starts (a crash that kills the process still counts), and after
``max_attempts`` it is parked as ``dead`` with its error instead of being retried forever.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from worker import metrics
from worker.logging import get_logger
from worker.pipeline import Extraction, analyse
from worker.resources import Resources
from worker.store import articles_repo, items_repo

log = get_logger(__name__)


@dataclass
class BatchResult:
    processed: int = 0
    failed: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)
    needs_fulltext: list[int] = field(default_factory=list)
    regions: set[str] = field(default_factory=set)


def raw_text(item: dict[str, Any]) -> str:
    """The richest text we have: fetched full text, else content, else summary."""
    return str(item.get("fulltext") or item.get("content") or item.get("summary") or "")


def wants_fulltext(item: dict[str, Any], min_chars: int) -> bool:
    if item.get("fulltext") or item.get("fulltext_error") or not item.get("url"):
        return False
    return len(raw_text(item)) < min_chars


def vague_bounds(res: Resources) -> dict[str, int]:
    s = res.settings
    return {"tens": s.vague_tens, "dozens": s.vague_dozens, "hundreds": s.vague_hundreds,
            "thousands": s.vague_thousands, "few": s.vague_few}


def process_batch(res: Resources, item_ids: list[int], now: datetime, *,
                  allow_fulltext: bool = True) -> BatchResult:
    result = BatchResult()
    for item_id in item_ids:
        with res.engine.connect() as conn:
            found = items_repo.get_items(conn, [item_id])
        if not found:
            continue
        item = found[0]
        if allow_fulltext and wants_fulltext(item, res.settings.fulltext_min_chars):
            result.needs_fulltext.append(item_id)
            continue
        with res.engine.begin() as conn:
            attempts = items_repo.mark_attempt(conn, item_id)
        if attempts > res.settings.max_attempts:
            with res.engine.begin() as conn:
                items_repo.set_state(conn, item_id, "dead", item.get("last_error") or "exceeded max attempts")
            metrics.count_processed("dead")
            result.dead.append(item_id)
            continue
        try:
            regions = process_item(res, item, now)
        except Exception as exc:  # one item's failure is recorded, never fatal to the batch
            error = f"{type(exc).__name__}: {exc}"
            log.error("process.failed", item_id=item_id, error=error, attempts=attempts,
                      trace=traceback.format_exc(limit=5))
            dead = attempts >= res.settings.max_attempts
            with res.engine.begin() as conn:
                items_repo.set_state(conn, item_id, "dead" if dead else "pending", error[:2000])
            metrics.count_processed("dead" if dead else "failed")
            (result.dead if dead else result.failed).append(item_id)
            continue
        result.processed += 1
        result.regions.update(regions)
        metrics.count_processed("ok")
    return result


def process_item(res: Resources, item: dict[str, Any], now: datetime) -> set[str]:
    """Run the pipeline for one item; returns the region keys whose signal windows changed."""
    from worker.dedup.index import DedupIndex

    extraction: Extraction = analyse(raw_text(item), title=item["title"], vague_bounds=vague_bounds(res))
    event_ts = item["event_time"].timestamp()
    index = DedupIndex(res.redis, window_days=res.settings.dedup_window_days, num_perm=res.settings.dedup_num_perm,
                       threshold=res.settings.dedup_threshold)
    decision = index.assign(item["id"], extraction.text_clean, event_ts)
    metrics.count_dedup("exact_duplicate" if decision.duplicate_of else
                        "new_story" if decision.story_id == item["id"] else "near_duplicate")
    for c in extraction.casualties:
        metrics.count_casualty(c.kind)
    for e in extraction.entities:
        metrics.count_entity(e.type)
    with res.engine.begin() as conn:
        story_before = articles_repo.get_story(conn, decision.story_id) or {}
        previous = articles_repo.save_article(conn, {
            "item_id": item["id"], "story_id": decision.story_id, "duplicate_of": decision.duplicate_of,
            "similarity": decision.similarity, "text_clean": extraction.text_clean,
            "removed_paragraphs": extraction.removed_paragraphs,
            "casualties": [c.to_json() for c in extraction.casualties], "totals": extraction.totals,
            "entities": [e.to_json() for e in extraction.entities],
            "keywords": [k.to_json() for k in extraction.keywords],
            "escalation_score": extraction.escalation_score,
            "regions": [{**r.to_json(), "lat": r.lat, "lon": r.lon} for r in extraction.regions],
            "processed_at": now,
        })
        story = articles_repo.refresh_story(conn, decision.story_id, now)
        moved_from = previous["story_id"] if previous and previous["story_id"] != decision.story_id else None
        old_story = articles_repo.get_story(conn, moved_from) if moved_from is not None else None
        if moved_from is not None:
            articles_repo.refresh_story(conn, moved_from, now)
        items_repo.set_state(conn, item["id"], "processed")
    changed = update_signals(res, decision.story_id, story_before, story)
    if moved_from is not None and old_story is not None:
        changed |= update_signals(res, moved_from, old_story,
                                  articles_repo.get_story_fresh(res.engine, moved_from))
    return changed


def counted_regions(story: dict[str, Any]) -> set[str]:
    """Region keys a story is counted in: only escalation stories count toward spikes."""
    if not story or float(story.get("escalation_score") or 0) <= 0:
        return set()
    return {f"{r['country']}:{r['level']}:{r['name_en']}" for r in story.get("regions") or []}


def update_signals(res: Resources, story_id: int, before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """Move a story's membership in the (region, bucket) sets from its old state to its new one.

    Set membership makes this idempotent: re-processing the same story changes nothing.
    """
    from worker.signals.counters import SignalCounters

    counters = SignalCounters(res.redis, bucket_seconds=res.settings.bucket_seconds,
                              retention_days=res.settings.signal_retention_days)
    old_keys, new_keys = counted_regions(before), counted_regions(after)
    changed: set[str] = set()
    if before and (old_keys - new_keys or (after and before["event_time"] != after["event_time"])):
        changed |= set(counters.remove_story(sorted(old_keys), str(story_id), before["event_time"]))
    if new_keys:
        for source in after["sources"]:
            changed |= set(counters.add_story(sorted(new_keys), str(story_id), source, after["event_time"]))
    return changed
