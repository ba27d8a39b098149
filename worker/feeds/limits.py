"""Per-host concurrency limits, so one slow or strict site never gets more than N requests at once.

:class:`InProcessHostLimiter` is a semaphore per host inside one process. :class:`RedisHostLimiter`
shares the limit between worker processes (and machines) through a Redis sorted set of leases;
a lease expires on its own if its holder dies, so a crashed worker never wedges a host.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from worker.errors import FetchTimeout
from worker.keys import HOST_SLOTS_PREFIX


class HostLimiter(Protocol):
    def slot(self, host: str, timeout: float) -> AbstractContextManager[None]:
        """Hold one of the host's slots for the ``with`` block; FetchTimeout if none frees in time."""
        ...


class InProcessHostLimiter:
    """A bounded semaphore per host, created on first use."""

    def __init__(self, limit: int) -> None:
        self._limit = max(1, limit)
        self._lock = threading.Lock()
        self._sems: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def slot(self, host: str, timeout: float) -> Iterator[None]:
        with self._lock:
            sem = self._sems.setdefault(host, threading.BoundedSemaphore(self._limit))
        if not sem.acquire(timeout=max(0.0, timeout)):
            raise FetchTimeout(f"timed out waiting for a connection slot to {host} (limit {self._limit})")
        try:
            yield
        finally:
            sem.release()


# KEYS[1] = lease set; ARGV = limit, lease ms, token. Uses the server clock so workers on machines
# with skewed clocks agree on expiry.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
  return 1
end
return 0
"""


class RedisHostLimiter:
    """Cross-process per-host limit: a sorted set of lease tokens per host, scored by start time.

    ``lease_seconds`` must exceed the longest fetch (the total deadline); an expired lease is
    dropped by the next acquirer.
    """

    def __init__(self, client: Any, limit: int, lease_seconds: float = 60.0, prefix: str = HOST_SLOTS_PREFIX) -> None:
        self._client = client
        self._limit = max(1, limit)
        self._lease_ms = int(lease_seconds * 1000)
        self._prefix = prefix
        self._acquire = client.register_script(_ACQUIRE)

    @contextmanager
    def slot(self, host: str, timeout: float) -> Iterator[None]:
        key = self._prefix + host
        token = uuid.uuid4().hex
        deadline = time.monotonic() + max(0.0, timeout)
        pause = 0.005
        while not self._acquire(keys=[key], args=[self._limit, self._lease_ms, token]):
            if time.monotonic() >= deadline:
                raise FetchTimeout(f"timed out waiting for a connection slot to {host} (limit {self._limit})")
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, 0.1)
        try:
            yield
        finally:
            self._client.zrem(key, token)
