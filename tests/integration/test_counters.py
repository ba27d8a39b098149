"""Signal counters on a real Valkey: idempotent adds, removal, windows, sources, TTL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis

from worker.signals.counters import SignalCounters, bucket_of, bucket_start

pytestmark = pytest.mark.integration

T = datetime(2025, 3, 1, 10, 20, tzinfo=UTC)
AL = "SY:admin1:Aleppo"
SY = "SY:country:Syria"


def test_bucket_of_is_event_time() -> None:
    b = bucket_of(T)
    assert b == int(T.timestamp()) // 3600
    assert bucket_start(b) == datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert bucket_of(T.timestamp()) == b
    assert bucket_of(T, 900) == int(T.timestamp()) // 900


def test_add_is_idempotent_and_counts_stories_not_articles(redis_client: redis.Redis) -> None:
    c = SignalCounters(redis_client)
    b = c.bucket_of(T)
    assert c.add_story([AL, SY], "story-1", "alpha", T) == [AL, SY]
    assert c.add_story([AL, SY], "story-1", "alpha", T) == []  # re-run: nothing changes
    assert c.add_story([AL], "story-1", "beta", T + timedelta(minutes=5)) == [AL]  # 2nd article, 2nd source
    assert c.add_story([AL], "story-2", "alpha", T + timedelta(hours=1)) == [AL]
    assert c.counts(AL, b - 1, b + 2) == [0, 1, 1, 0]
    assert c.counts(SY, b, b + 1) == [1, 0]
    assert c.sources(AL, [b]) == 2
    assert c.sources(AL, range(b, b + 2)) == 2
    assert c.source_names(AL, range(b, b + 2)) == ["alpha", "beta"]
    assert c.story_ids(AL, range(b - 3, b + 3)) == ["story-1", "story-2"]
    assert c.counts(AL, b, b - 1) == []
    assert c.sources(AL, []) == 0


def test_batched_adds_group_by_bucket_and_report_only_changed_regions(redis_client: redis.Redis) -> None:
    c = SignalCounters(redis_client)
    b = c.bucket_of(T)
    c.add_story([SY], "old", "alpha", T)
    changed = c.add_stories([
        ([AL, SY], "s1", "alpha", T),
        ([AL, SY], "s1", "beta", T + timedelta(minutes=10)),  # a second source of the same story
        ([AL], "s2", "alpha", T + timedelta(hours=1)),
        ([SY], "old", "alpha", T),  # already counted: SY changes only through s1
    ])
    assert changed == {AL, SY}
    assert c.add_stories([([AL, SY], "s1", "beta", T), ([SY], "old", "alpha", T)]) == set()
    assert c.counts(AL, b, b + 1) == [1, 1]
    assert c.counts(SY, b, b + 1) == [2, 0]
    assert c.source_names(AL, [b]) == ["alpha", "beta"]
    assert c.nonzero_counts(AL, b - 5, b + 5) == {b: 1, b + 1: 1}
    assert c.nonzero_counts(SY, b - 5, b + 5) == {b: 2}
    assert c.add_stories([]) == set()


def test_many_region_reads_equal_the_one_region_reads(redis_client: redis.Redis) -> None:
    c = SignalCounters(redis_client)
    b = c.bucket_of(T)
    c.add_stories([([AL, SY], "s1", "alpha", T), ([AL], "s2", "beta", T + timedelta(hours=2)),
                   ([SY], "s3", "gamma", T - timedelta(hours=3)), ([SY], "s4", "delta", T)])
    empty = "IQ:country:Iraq"
    ranges = {AL: (b - 5, b + 5), SY: (b - 1, b + 1), empty: (b - 5, b + 5), "IQ:admin1:Nineveh": (b, b - 1)}
    assert c.nonzero_counts_many(ranges) == {AL: {b: 1, b + 2: 1}, SY: {b: 2}, empty: {},
                                             "IQ:admin1:Nineveh": {}}
    assert c.nonzero_counts_many(ranges) == {k: c.nonzero_counts(k, *r) for k, r in ranges.items()}
    windows = {AL: range(b, b + 3), SY: range(b - 3, b + 1), empty: range(b, b + 3), "x": range(b, b)}
    assert c.sources_many(windows) == {AL: 2, SY: 3, empty: 0, "x": 0}
    assert c.sources_many(windows) == {k: c.sources(k, w) for k, w in windows.items()}
    assert c.sources_many({}) == {}
    assert c.generations([AL, SY]) == (0, {AL: 0, SY: 0})
    c.bump_generation()
    c.mark_evaluated_many([AL, SY], c.bump_generation())
    c.mark_evaluated(empty, 1)
    assert c.generations([AL, SY, empty]) == (2, {AL: 2, SY: 2, empty: 1})
    assert 0 < redis_client.ttl(f"rasd:sig:{{{AL}}}:evaluated") <= 30 * 86400


def test_remove_story_for_reprocess(redis_client: redis.Redis) -> None:
    c = SignalCounters(redis_client)
    b = c.bucket_of(T)
    c.add_story([AL, SY], "s1", "alpha", T)
    c.add_story([AL], "s1", "beta", T)
    c.add_story([AL], "s2", "beta", T)
    assert c.remove_story([AL, SY, "XX:country:None"], "s1", T) == [AL, SY]
    assert c.remove_story([AL], "s1", T) == []  # idempotent
    assert c.counts(AL, b, b) == [1]
    assert c.counts(SY, b, b) == [0]
    assert c.source_names(AL, [b]) == ["beta"]  # s2 still has beta; s1's alpha is gone


def test_source_names_follow_removals_and_read_buckets_written_before_names_existed(
        redis_client: redis.Redis) -> None:
    c = SignalCounters(redis_client)
    b = c.bucket_of(T)
    c.add_stories([([AL], "s1", "alpha", T), ([AL], "s1", "beta", T), ([AL], "s2", "beta", T)])
    assert c.source_names(AL, [b]) == ["alpha", "beta"]
    assert c.remove_story([AL], "s2", T) == [AL]
    assert c.source_names(AL, [b]) == ["alpha", "beta"]  # s1 still has beta
    assert c.remove_story([AL], "s1", T) == [AL]
    assert c.source_names(AL, [b]) == []
    assert redis_client.exists(f"rasd:sig:{{{AL}}}:{b}:source_names") == 0
    # A bucket from before the names sets: only stories and pairs. Its sources come from the pairs.
    redis_client.sadd(f"rasd:sig:{{{AL}}}:{b + 1}:stories", "s9")
    redis_client.sadd(f"rasd:sig:{{{AL}}}:{b + 1}:sources", "gamma\ts9", "delta\ts9")
    c.add_story([AL], "s3", "alpha", T + timedelta(hours=2))
    assert c.source_names(AL, range(b, b + 3)) == ["alpha", "delta", "gamma"]
    assert c.sources(AL, range(b, b + 3)) == 3


def test_keys_expire(redis_client: redis.Redis) -> None:
    c = SignalCounters(redis_client, retention_days=30)
    c.add_story([AL], "s1", "alpha", T)
    keys = sorted(k.decode() for k in redis_client.keys("rasd:sig:*"))
    b = c.bucket_of(T)
    assert keys == [f"rasd:sig:{{{AL}}}:{b}:source_names", f"rasd:sig:{{{AL}}}:{b}:sources",
                    f"rasd:sig:{{{AL}}}:{b}:stories", f"rasd:sig:{{{AL}}}:buckets"]
    assert c.nonzero_counts(AL, b - 100, b + 100) == {b: 1}
    for k in keys:
        ttl = redis_client.ttl(k)
        assert 30 * 86400 - 5 <= ttl <= 30 * 86400


def test_decoded_client_and_pipelined_counts(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        c = SignalCounters(client, bucket_seconds=900)
        for i in range(40):
            c.add_story([AL], f"s{i}", f"src{i % 3}", T + timedelta(minutes=15 * (i % 8)))
        b = c.bucket_of(T)
        assert c.counts(AL, b, b + 7) == [5] * 8
        assert c.sources(AL, range(b, b + 8)) == 3
        assert c.story_ids(AL, [b])[:2] == ["s0", "s16"]
    finally:
        client.close()


def _pipelined_adds(client: redis.Redis, prefix: str, ttl: int,
                    groups: dict[tuple[str, int], tuple[set[str], set[str], set[str]]]) -> set[str]:
    """The commands add_stories sent before its script (six per region-bucket, two per region): the reference."""
    pipe = client.pipeline(transaction=False)
    buckets: dict[str, dict[str, int]] = {}
    for (rk, b), (stories, pairs, names) in groups.items():
        keys = [f"{prefix}:{{{rk}}}:{b}:{kind}" for kind in ("stories", "sources", "source_names")]
        for key, members in zip(keys, (stories, pairs, names), strict=True):
            pipe.sadd(key, *sorted(members))
        for key in keys:
            pipe.expire(key, ttl)
        buckets.setdefault(rk, {})[str(b)] = b
    for rk, mapping in buckets.items():
        pipe.zadd(f"{prefix}:{{{rk}}}:buckets", mapping)
        pipe.expire(f"{prefix}:{{{rk}}}:buckets", ttl)
    res = pipe.execute()
    return {rk for i, (rk, _) in enumerate(groups) if res[6 * i] or res[6 * i + 1]}


def _contents(client: redis.Redis, prefix: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for key in client.scan_iter(f"{prefix}:*"):
        name = key.decode()[len(prefix):]
        kind = client.type(key).decode()
        value = sorted(client.smembers(key)) if kind == "set" else client.zrange(key, 0, -1, withscores=True)
        out[name] = (kind, value, client.ttl(key) > 0)
    return out


def test_the_counting_script_writes_what_the_pipelined_commands_wrote(redis_client: redis.Redis) -> None:
    """add_stories writes each region with one script call: same keys, members, scores, expiry and
    changed regions as the six commands per region-bucket it replaced, over batches that overlap."""
    ttl = 30 * 86400
    script = SignalCounters(redis_client, retention_days=30, prefix="new")
    batches = [
        [([AL, SY], "s1", "alpha", T), ([AL, SY], "s1", "beta", T + timedelta(minutes=10)),
         ([AL], "s2", "alpha", T + timedelta(hours=1)), ([SY], "s3", "gamma", T - timedelta(days=2))],
        [([AL, SY], "s1", "beta", T), ([SY], "s3", "gamma", T - timedelta(days=2))],  # nothing new
        [([SY], "s3", "delta", T - timedelta(days=2)), ([AL], "s4", "alpha", T)]
        + [([SY], f"m{i}", f"src{i % 7}", T + timedelta(hours=5)) for i in range(1200)],  # > 500 members
    ]
    for entries in batches:
        groups: dict[tuple[str, int], tuple[set[str], set[str], set[str]]] = {}
        for keys, story, source, ts in entries:
            for rk in keys:
                st, pairs, names = groups.setdefault((rk, bucket_of(ts)), (set(), set(), set()))
                st.add(story)
                pairs.add(f"{source}\t{story}")
                names.add(source)
        assert script.add_stories(entries) == _pipelined_adds(redis_client, "old", ttl, groups)
    assert _contents(redis_client, "new") == _contents(redis_client, "old")
    assert len(_contents(redis_client, "new")) == 5 * 3 + 2  # AL: 2 buckets, SY: 3, each 3 sets; 2 indexes
    assert script.nonzero_counts(SY, 0, 10**7)[bucket_of(T + timedelta(hours=5))] == 1200


def test_source_masks_give_each_windows_distinct_sources(redis_client: redis.Redis) -> None:
    """The per-bucket bitmasks (one script call per region) OR to the same distinct sources as the
    names read directly, for buckets with names sets, a bucket with only pairs, and empty buckets."""
    c = SignalCounters(redis_client)
    b = c.bucket_of(T)
    c.add_stories([([AL, SY], "s1", "alpha", T), ([AL], "s1", "beta", T), ([AL], "s2", "gamma", T + timedelta(hours=1)),
                   ([SY], "s3", "beta", T + timedelta(hours=3))])
    redis_client.sadd(f"rasd:sig:{{{AL}}}:{b + 2}:sources", "delta\ts9", "alpha\ts9", "delta\ts8")  # pairs only
    wanted = {AL: [b, b + 1, b + 2, b + 3], SY: [b, b + 3], "IQ:country:Iraq": [b]}
    masks = c.source_masks_many(wanted)
    assert sorted(masks) == sorted(wanted) and all(sorted(masks[k]) == wanted[k] for k in wanted)
    assert [masks[AL][x].bit_count() for x in wanted[AL]] == [2, 1, 2, 0]
    assert masks["IQ:country:Iraq"] == {b: 0}
    for rk, buckets in wanted.items():
        for lo in buckets:
            for hi in buckets:
                window = [x for x in buckets if lo <= x <= hi]
                union = 0
                for x in window:
                    union |= masks[rk][x]
                assert union.bit_count() == c.sources(rk, window)
    assert (masks[AL][b] | masks[AL][b + 2]).bit_count() == 3  # alpha, beta, delta
    assert c.source_masks_many({}) == {} and c.source_masks_many({AL: []}) == {AL: {}}
