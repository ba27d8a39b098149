"""Process stored items: clean → (full text) → dedup → extract → store → signal counters.

Work is batched: one query loads the batch, extraction runs per item (pure code), the dedup
index is asked once for the whole batch (one pipelined round trip, copies inside the batch see
each other), and one transaction writes every article and story. A failure of one item's
extraction is recorded on that item only. Attempts are counted *before* work starts, so an item
that crashes the process each time is still parked as ``dead`` after ``max_attempts``; an item
that is being retried is processed alone, so a poison item cannot take its batch-mates with it.
"""

from __future__ import annotations

import traceback
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from worker import metrics
from worker.dedup.fingerprint import Fingerprint, fingerprint
from worker.logging import get_logger
from worker.models import region_key
from worker.pipeline import Extraction, clean_and_extract
from worker.resources import Resources
from worker.states import ItemState
from worker.store import articles_repo, items_repo
from worker.store.articles_repo import Story
from worker.store.filters import one_of
from worker.store.items_repo import Item
from worker.store.tables import items

log = get_logger(__name__)


@dataclass
class BatchResult:
    processed: int = 0
    failed: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)
    needs_fulltext: list[int] = field(default_factory=list)
    regions: set[str] = field(default_factory=set)
    # The part of ``failed`` that failed because the database or Redis was unreachable: not the
    # items' fault (their attempt was taken back), so they are retried together, not one by one.
    outage: list[int] = field(default_factory=list)


RETRY_DELAY = 30  # seconds before a failed item is processed again


def retries(result: BatchResult, chunk: int) -> list[list[int]]:
    """The process tasks that retry a batch's failures (each after ``RETRY_DELAY``).

    An item that failed on its own is retried alone, so a poison item cannot take batch-mates with
    it. Items that failed in an outage go back in batches of ``chunk``: retried one task per item,
    every item in flight at a database or Valkey restart paid a whole batch's overhead (its own
    task, transactions and dedup round trip). Processing still isolates any of them that had
    already been attempted before (``begin_batch``).
    """
    shared = set(result.outage)
    alone = [[item_id] for item_id in result.failed if item_id not in shared]
    together = [result.outage[i:i + chunk] for i in range(0, len(result.outage), chunk)]
    return alone + together


def raw_text(item: Item) -> str:
    """The richest text we have: fetched full text, else content, else summary."""
    return item.fulltext or item.content or item.summary or ""


def wants_fulltext(item: Item, min_chars: int) -> bool:
    if item.fulltext or item.fulltext_error or not item.url:
        return False
    return len(raw_text(item)) < min_chars


def vague_bounds(res: Resources) -> dict[str, int]:
    s = res.settings
    return {"tens": s.vague_tens, "dozens": s.vague_dozens, "hundreds": s.vague_hundreds,
            "thousands": s.vague_thousands, "few": s.vague_few}


# (raw text, title, vague bounds, reference date, MinHash permutations): all analyse_item needs.
ExtractionJob = tuple[str, str, dict[str, int], date | None, int]


@dataclass(frozen=True)
class Analysed:
    """One item's extraction and its dedup fingerprint. Both are pure CPU work, so both are done
    where the CPU is (a replay's process pool) and the storing process only talks to Redis and the
    database."""

    extraction: Extraction
    fingerprint: Fingerprint


def analyse_item(job: ExtractionJob) -> Analysed | str:
    """Pure extraction of one item; an error comes back as its message (picklable, for a pool)."""
    text, title, bounds, reference, num_perm = job
    try:
        cleaned, extraction = clean_and_extract(text, title=title, vague_bounds=bounds, reference=reference)
        return Analysed(extraction, fingerprint(cleaned, num_perm))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"


@dataclass
class Batch:
    """A batch between its two halves: loaded and counted (attempts) / extracted and stored."""

    result: BatchResult
    attempts: dict[int, int] = field(default_factory=dict)
    fresh: list[Item] = field(default_factory=list)
    retried: list[Item] = field(default_factory=list)


def begin_batch(res: Resources, item_ids: list[int], *, allow_fulltext: bool = True,
                pending_only: bool = False) -> Batch:
    """Load items, set aside those that need their page first, count an attempt for the rest and
    park those over ``max_attempts``. ``pending_only`` drops items already processed or parked: a
    redelivered task must not charge them an attempt (nor park a stored item as dead)."""
    batch = Batch(BatchResult())
    with res.engine.connect() as conn:
        loaded = items_repo.get_items(conn, item_ids)
    if pending_only:
        loaded = [item for item in loaded if item.state == ItemState.PENDING]
    todo: list[Item] = []
    for item in loaded:
        if allow_fulltext and wants_fulltext(item, res.settings.fulltext_min_chars):
            batch.result.needs_fulltext.append(item.id)
        else:
            todo.append(item)
    if not todo:
        return batch
    with res.engine.begin() as conn:
        batch.attempts = items_repo.mark_attempts(conn, [i.id for i in todo])
    for item in todo:
        n = batch.attempts[item.id]
        if n > res.settings.max_attempts:
            _fail(res, item.id, item.last_error or "exceeded max attempts", dead=True,
                  result=batch.result)
        else:
            (batch.retried if n > 1 else batch.fresh).append(item)
    return batch


def extraction_jobs(res: Resources, items: list[Item]) -> list[ExtractionJob]:
    bounds, num_perm = vague_bounds(res), res.settings.dedup_num_perm
    return [(raw_text(item), item.title, bounds, item.published.date() if item.published else None,
             num_perm) for item in items]


def finish_batch(res: Resources, batch: Batch, outputs: list[Analysed | str], now: datetime) -> BatchResult:
    """Store the fresh items' extractions; retried items are then processed one at a time."""
    _store(res, batch.fresh, outputs, batch.attempts, now, batch.result)
    for item in batch.retried:
        _store(res, [item], [analyse_item(job) for job in extraction_jobs(res, [item])], batch.attempts, now,
               batch.result)
    return batch.result


def process_batch(res: Resources, item_ids: list[int], now: datetime, *,
                  allow_fulltext: bool = True, pool: Executor | None = None,
                  pending_only: bool = False) -> BatchResult:
    """Process items; ``pool`` (e.g. a process pool in `rasd replay`) runs extraction in parallel.
    The queue's task passes ``pending_only``; re-process and re-ingest mean to redo stored items."""
    batch = begin_batch(res, item_ids, allow_fulltext=allow_fulltext, pending_only=pending_only)
    jobs = extraction_jobs(res, batch.fresh)
    outputs = list(pool.map(analyse_item, jobs, chunksize=16)) if pool and len(jobs) > 1 else \
        [analyse_item(job) for job in jobs]
    return finish_batch(res, batch, outputs, now)


def _fail(res: Resources, item_id: int, error: str, *, dead: bool, result: BatchResult) -> None:
    with res.engine.begin() as conn:
        items_repo.set_state(conn, item_id, ItemState.DEAD if dead else ItemState.PENDING, error[:2000])
    metrics.count_processed("dead" if dead else "failed")
    (result.dead if dead else result.failed).append(item_id)


def _store(res: Resources, items: list[Item], outputs: list[Analysed | str],
           attempts: dict[int, int], now: datetime, result: BatchResult) -> None:
    """Record per-item extraction failures, then dedup and store the rest together."""
    extracted: list[tuple[Item, Analysed]] = []
    for item, out in zip(items, outputs, strict=True):
        if isinstance(out, str):  # one item's failure is recorded, never fatal to the batch
            error, _, trace = out.partition("\n")
            log.error("process.failed", item_id=item.id, error=error, attempts=attempts[item.id], trace=trace)
            _fail(res, item.id, error, dead=attempts[item.id] >= res.settings.max_attempts, result=result)
        else:
            extracted.append((item, out))
    if not extracted:
        return
    try:
        result.regions |= store_extractions(res, extracted, now)
    except Exception as exc:  # storage trouble: the whole (already extracted) batch is retried
        error = f"{type(exc).__name__}: {exc}"
        ids = [i.id for i, _ in extracted]
        outage = is_outage(exc)
        log.error("process.store_failed", items=ids, error=error, outage=outage)
        if outage:  # the database or broker blinked: not the items' fault, so the attempt is not counted
            with res.engine.begin() as conn:
                items_repo.uncount_attempts(conn, ids)
        for item, _ in extracted:
            dead = not outage and attempts[item.id] >= res.settings.max_attempts
            _fail(res, item.id, error, dead=dead, result=result)
        if outage:
            result.outage.extend(ids)
        return
    result.processed += len(extracted)
    metrics.count_processed("ok", len(extracted))


def is_outage(exc: BaseException) -> bool:
    """A lost connection to the database or Redis, as opposed to something about the items."""
    import redis
    from sqlalchemy import exc as sa_exc

    return isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | redis.ConnectionError
                      | redis.TimeoutError | redis.BusyLoadingError)


def store_extractions(res: Resources, extracted: list[tuple[Item, Analysed]], now: datetime
                      ) -> set[str]:
    """Dedup the batch, write articles and stories in one transaction, then move signal counts."""
    from worker.dedup.index import DedupIndex

    index = DedupIndex.from_settings(res.redis, res.settings)
    decisions = index.assign_fingerprints([(item.id, out.fingerprint, item.event_time.timestamp())
                                           for item, out in extracted])
    rows: list[dict[str, Any]] = []  # the articles' column values, as save_articles upserts them
    dedup_results: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for (item, out), decision in zip(extracted, decisions, strict=True):
        ex = out.extraction
        dedup_results["exact_duplicate" if decision.duplicate_of else
                      "new_story" if decision.story_id == item.id else "near_duplicate"] += 1
        kinds.update(c.kind for c in ex.casualties)
        types.update(e.type for e in ex.entities)
        rows.append({
            "item_id": item.id, "story_id": decision.story_id, "duplicate_of": decision.duplicate_of,
            "similarity": decision.similarity, "text_clean": ex.text_clean,
            "removed_paragraphs": ex.removed_paragraphs,
            "casualties": [c.to_json() for c in ex.casualties], "totals": ex.stored_totals(),
            "entities": [e.to_json() for e in ex.entities], "keywords": [k.to_json() for k in ex.keywords],
            "escalation_score": ex.escalation_score,
            "regions": [{**r.to_json(), "lat": r.lat, "lon": r.lon} for r in ex.regions],
            "processed_at": now,
        })
    _count(dedup_results, kinds, types)
    with res.engine.begin() as conn:
        previous = articles_repo.save_articles(conn, rows)
        story_ids = {r["story_id"] for r in rows} | {p for p in previous.values() if p is not None}
        before = articles_repo.get_stories(conn, story_ids)
        after = articles_repo.refresh_stories(conn, story_ids, now, fresh=[
            {**{k: row[k] for k in articles_repo.STORY_ARTICLE_INPUTS},
             **{k: getattr(item, k) for k in articles_repo.STORY_ITEM_INPUTS}}
            for row, (item, _) in zip(rows, extracted, strict=True)], stored=before, previous=previous,
            texts={row["item_id"]: {"title": item.title, "text_clean": row["text_clean"], "entities": row["entities"]}
                   for row, (item, _) in zip(rows, extracted, strict=True)})
        conn.execute(sa.update(items).where(one_of(conn, items.c.id, [r["item_id"] for r in rows]))
                     .values(state=ItemState.PROCESSED, last_error=None))
    return update_signals(res, [(sid, before.get(sid), after.get(sid)) for sid in sorted(story_ids)])


def _count(dedup_results: Counter[str], kinds: Counter[str], types: Counter[str]) -> None:
    """Metrics of a batch, one increment per label (not one per figure or entity)."""
    for result, n in dedup_results.items():
        metrics.count_dedup(result, n)
    for kind, n in kinds.items():
        metrics.count_casualty(kind, n)
    for entity_type, n in types.items():
        metrics.count_entity(entity_type, n)


def counted_regions(story: Story | None) -> set[str]:
    """Region keys a story is counted in: only escalation stories count toward spikes."""
    if story is None or story.escalation_score <= 0:
        return set()
    return {region_key(r) for r in story.regions or []}


def update_signals(res: Resources, changes: list[tuple[int, Story | None, Story | None]]) -> set[str]:
    """Move stories' membership in the (region, bucket) sets from their old state to the new one.

    ``changes`` holds (story id, story before, story after). Set membership makes this idempotent:
    re-processing the same story changes nothing. Additions go in one pipelined round trip.
    """
    from worker.signals.counters import SignalCounters

    counters = SignalCounters.from_settings(res.redis, res.settings)
    changed: set[str] = set()
    additions: list[tuple[list[str], str, str, Any]] = []
    for story_id, before, after in changes:
        old_keys, new_keys = counted_regions(before), counted_regions(after)
        moved = before is not None and after is not None and before.event_time != after.event_time
        if before is not None and old_keys and (old_keys - new_keys or moved or after is None):
            changed |= set(counters.remove_story(sorted(old_keys), str(story_id), before.event_time))
        if after is not None and new_keys:
            additions += [(sorted(new_keys), str(story_id), source, after.event_time)
                          for source in after.sources or []]
    return changed | counters.add_stories(additions)
