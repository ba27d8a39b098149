"""Batch region locks on a real Valkey: they exclude, and are excluded by, redis-py's own Lock."""

from __future__ import annotations

import pytest
import redis

from worker.signals import locks

pytestmark = pytest.mark.integration


def test_free_locks_are_taken_and_a_held_one_is_skipped(redis_client: redis.Redis) -> None:
    theirs = redis_client.lock("lock:a", timeout=60)
    assert theirs.acquire(blocking=False)
    held = locks.try_acquire(redis_client, ["lock:a", "lock:b", "lock:c", "lock:b"], timeout=10)
    assert sorted(held) == ["lock:b", "lock:c"]
    assert 9_000 < redis_client.pttl("lock:b") <= 10_000
    assert redis_client.get("lock:b") == held["lock:b"].encode()
    assert locks.release(redis_client, held) == 2
    assert redis_client.exists("lock:b", "lock:c") == 0
    assert redis_client.get("lock:a") == theirs.local.token  # not ours: untouched
    theirs.release()


def test_a_batch_lock_excludes_redis_py_locks_until_released(redis_client: redis.Redis) -> None:
    held = locks.try_acquire(redis_client, ["lock:z"], timeout=10)
    other = redis_client.lock("lock:z", timeout=10)
    assert other.acquire(blocking=False) is False
    assert locks.release(redis_client, held) == 1
    assert other.acquire(blocking=False) is True
    other.release()


def test_release_leaves_a_lock_that_expired_and_was_taken_again(redis_client: redis.Redis) -> None:
    held = locks.try_acquire(redis_client, ["lock:x"], timeout=10)
    redis_client.set("lock:x", "someone-else")  # as if ours had expired and another worker took it
    assert locks.release(redis_client, held) == 0
    assert redis_client.get("lock:x") == b"someone-else"
    assert locks.try_acquire(redis_client, [], timeout=10) == {}
    assert locks.release(redis_client, {}) == 0
