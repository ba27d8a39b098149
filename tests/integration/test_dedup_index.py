"""DedupIndex against a real Valkey: racing worker processes, expiry, idempotency."""

from __future__ import annotations

import multiprocessing as mp
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from tests.conftest import wait_for
from tests.unit.syndication import base_articles, sibling, syndicated
from worker.dedup.index import SCRIPT_BATCH, Decision, DedupIndex
from worker.text.clean import clean_article

pytestmark = pytest.mark.integration


def _corpus() -> list[tuple[int, int, str]]:
    """(article id, story index, cleaned text): 10 copies of each of 20 stories, shuffled ids."""
    rows = []
    for story, article in enumerate(base_articles()[:20]):
        for seed in range(10):
            # seed 0 and 1 are the same text exactly: an exact duplicate racing between processes
            raw = article.text if seed < 2 else syndicated(article, seed)
            rows.append((story, clean_article(raw).text))
    rng = random.Random(7)
    rng.shuffle(rows)
    return [(i + 1, story, text) for i, (story, text) in enumerate(rows)]


def _worker(url: str, items: list[tuple[int, str]], barrier: Any, out: Any, batch: int) -> None:
    client = redis.Redis.from_url(url)
    index = DedupIndex(client)
    barrier.wait(timeout=30)
    results: list[tuple[int, int, int | None]] = []
    now = time.time()
    if batch:
        for i in range(0, len(items), batch):
            chunk = [(aid, text, now) for aid, text in items[i:i + batch]]
            for (aid, _, _), d in zip(chunk, index.assign_many(chunk), strict=True):
                results.append((aid, d.story_id, d.duplicate_of))
    else:
        for aid, text in items:
            d = index.assign(aid, text, now)
            results.append((aid, d.story_id, d.duplicate_of))
    out.put(results)
    client.close()


@pytest.mark.parametrize("batch", [0, 7])
def test_two_racing_processes_make_exactly_one_story_per_event(redis_url: str, batch: int) -> None:
    corpus = _corpus()
    story_of = {aid: story for aid, story, _ in corpus}
    # Both processes see copies of every story at about the same time: interleave, do not split by story.
    halves = [[(aid, text) for aid, _, text in corpus[k::2]] for k in (0, 1)]
    # spawn, not fork: a forked child of a test process that runs server threads can inherit a held
    # lock and hang; each child opens its own Redis connection anyway.
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(redis_url, half, barrier, out, batch)) for half in halves]
    for p in procs:
        p.start()
    try:
        results = [row for _ in procs for row in out.get(timeout=120)]
        for p in procs:
            p.join(timeout=30)
            assert p.exitcode == 0
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join(5)
    assert len(results) == 200
    stories: dict[int, set[int]] = {}
    for aid, story_id, _dup in results:
        stories.setdefault(story_of[aid], set()).add(story_id)
    assert len(stories) == 20
    assert all(len(ids) == 1 for ids in stories.values()), stories
    story_ids = {next(iter(ids)) for ids in stories.values()}
    assert len(story_ids) == 20
    # the story id is the id of one of the story's own articles, and that article opened the story
    by_id = {aid: (story_id, dup) for aid, story_id, dup in results}
    for story, ids in stories.items():
        (sid,) = ids
        assert story_of[sid] == story
        assert by_id[sid] == (sid, None)
    # exactly one of each pair of identical texts names the other as its exact duplicate
    dups = [(aid, dup) for aid, _s, dup in results if dup is not None]
    assert dups, "identical copies must be reported as exact duplicates"
    assert all(story_of[dup] == story_of[aid] for aid, dup in dups)


def test_idempotent_reassign(redis_client: redis.Redis) -> None:
    index = DedupIndex(redis_client)
    a, b = base_articles()[0], base_articles()[1]
    now = time.time()
    first = index.assign(10, a.text, now)
    copy = index.assign(11, syndicated(a, 3), now)
    other = index.assign(12, b.text, now)
    assert first == Decision(10, None, 0.0)
    assert (copy.story_id, copy.duplicate_of) == (10, None)
    assert copy.similarity >= 0.5
    assert other == Decision(12, None, 0.0)
    again = index.assign(11, syndicated(a, 3), now)
    assert again == copy
    assert again.repeated and not copy.repeated
    # even with other text, a known id keeps its decision (re-processing never moves an article)
    assert index.assign(12, a.text, now) == other
    assert index.assign_many([(10, a.text, now), (11, "", now), (13, a.text, now)]) == [
        first, copy, Decision(10, 10, 1.0)]


def test_same_town_different_events_stay_separate(redis_client: redis.Redis) -> None:
    index = DedupIndex(redis_client)
    now = time.time()
    base = base_articles()[3]
    decisions = index.assign_many([(100 + s, clean_article(sibling(base, s).text).text, now) for s in range(15)])
    assert [d.story_id for d in decisions] == [100 + s for s in range(15)]


def test_keys_expire_after_the_window(redis_client: redis.Redis) -> None:
    window = 1.6
    index = DedupIndex(redis_client, window_seconds=window, shards=16)
    assert (index.window_ms, index.slot_ms) == (1600, 400)
    article = base_articles()[5]
    now = time.time()
    first = index.assign(1, article.text, now)
    assert first.story_id == 1
    slot = int(now * 1000) // index.slot_ms
    expected_at = (slot + 1) * index.slot_ms + index.window_ms
    keys = sorted(k.decode() for k in redis_client.keys("*"))
    assert index.record_key(1, now) in keys
    kinds = {k.split(":")[2] for k in keys}
    assert kinds == {"r", "h", "b"}
    # every key of the slot expires exactly when the slot has left the window
    assert {redis_client.pexpiretime(k) for k in keys} == {expected_at}
    # within the window a copy joins; after the window everything is gone and a copy opens a new story
    assert index.assign(2, syndicated(article, 4), time.time()).story_id == 1
    wait_for(lambda: redis_client.dbsize() == 0, timeout=10, what="dedup keys to expire")
    assert index.assign(3, syndicated(article, 4), time.time()).story_id == 3


def test_forget_lets_an_id_be_assigned_afresh(redis_client: redis.Redis) -> None:
    index = DedupIndex(redis_client)
    a, b = base_articles()[7], base_articles()[8]
    now = time.time()
    assert index.assign(1, a.text, now).story_id == 1
    assert index.assign(2, a.text, now) == Decision(1, 1, 1.0)
    index.forget(2, now)
    assert index.assign(2, b.text, now) == Decision(2, None, 0.0)


def test_a_batch_longer_than_one_script_sees_its_own_earlier_articles(redis_client: redis.Redis) -> None:
    index = DedupIndex(redis_client)
    now = time.time()
    base = base_articles()[9]
    others = [(100 + s, clean_article(sibling(base, s).text).text, now) for s in range(SCRIPT_BATCH)]
    copies = [(200, base.text, now), (201, clean_article(syndicated(base, 2)).text, now), (202, base.text, now)]
    decisions = index.assign_many([(1, base.text, now), *others, *copies])
    assert len(decisions) == SCRIPT_BATCH + 4
    assert [d.story_id for d in decisions[1:-3]] == [100 + s for s in range(SCRIPT_BATCH)]
    # the copies are in the second script and join the story opened in the first
    assert decisions[0] == Decision(1, None, 0.0)
    assert decisions[-3] == Decision(1, 1, 1.0)
    assert decisions[-2].story_id == 1 and decisions[-2].duplicate_of is None and decisions[-2].similarity >= 0.5
    assert decisions[-1] == Decision(1, 1, 1.0)


def test_assign_batches_gives_the_decisions_of_assign_many(redis_client: redis.Redis) -> None:
    corpus = _corpus()
    now = time.time()
    batches = [[(aid, text, now) for aid, _, text in corpus[i:i + 30]] for i in range(0, len(corpus), 30)]
    expected = [DedupIndex(redis_client).assign_many(batch, now) for batch in batches]
    redis_client.flushall()
    taken: list[int] = []

    def lazily() -> Iterator[list[tuple[int, str, float]]]:
        for k, batch in enumerate(batches):
            taken.append(k)
            yield batch

    index = DedupIndex(redis_client)
    got = []
    for k, decisions in enumerate(index.assign_batches(lazily(), now)):
        # batch k is handed out once batch k+1 has been taken (prepared while Redis ran batch k)
        assert taken[-1] == min(k + 1, len(batches) - 1)
        got.append(decisions)
    assert got == expected
    assert [d.repeated for ds in got for d in ds] == [False] * len(corpus)
    assert list(index.assign_batches([], now)) == []


def test_assign_batches_raises_what_redis_raised(redis_client: redis.Redis) -> None:
    index = DedupIndex(redis_client)
    now = time.time()
    redis_client.set(f"{index.prefix}:r:{int(now * 1000) // index.slot_ms}:{1 % index.hshards}", "not a hash")
    with pytest.raises(redis.ResponseError):
        list(index.assign_batches([[(1, "نص", now)]], now))


def test_clean_results_are_assigned_like_their_text(redis_client: redis.Redis) -> None:
    now = time.time()
    raws = [syndicated(a, s) for a in base_articles()[:5] for s in range(3)]
    by_text = DedupIndex(redis_client).assign_many([(i + 1, clean_article(r).text, now) for i, r in enumerate(raws)])
    redis_client.flushall()
    by_result = DedupIndex(redis_client).assign_many([(i + 1, clean_article(r), now) for i, r in enumerate(raws)])
    assert by_result == by_text
    assert [d.story_id for d in by_text] == [1, 1, 1, 4, 4, 4, 7, 7, 7, 10, 10, 10, 13, 13, 13]


def test_assign_batches_sends_nothing_after_the_caller_stops(redis_client: redis.Redis) -> None:
    index = DedupIndex(redis_client)
    now = time.time()
    a, b = base_articles()[10], base_articles()[11]
    stream = index.assign_batches([[(1, a.text, now)], [(2, b.text, now)]], now)
    assert next(stream) == [Decision(1, None, 0.0)]
    stream.close()  # batch 2 was prepared while batch 1 ran, but never sent
    assert redis_client.hget(index.record_key(1, now), "1") is not None
    assert redis_client.hget(index.record_key(2, now), "2") is None
