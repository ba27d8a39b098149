"""The beat scheduler: RedBeat, made to ride out a Redis/Valkey restart instead of exiting.

RedBeat extends its lock and reads due entries from Redis on every tick, and any error there ends
the beat process (``beat raised exception ... BusyLoadingError`` while a restarted Valkey loads its
AOF). A standby beat then waits for the lock to expire, so no feed is polled meanwhile: with
items leaving a busy feed's window that is lost news. Here a tick that cannot reach Redis is
retried a second later; a lock that was lost meanwhile (it expired and a standby took it) sends
this beat back to standby, waiting for the lock like a freshly started one.
"""

from __future__ import annotations

import time
from typing import Any

import redis
import structlog
from kombu.exceptions import OperationalError
from redbeat import RedBeatScheduler
from redis.exceptions import LockError

log = structlog.get_logger(__name__)

RETRY_SECONDS = 1.0
_UNREACHABLE = (redis.ConnectionError, redis.TimeoutError, OperationalError)  # BusyLoadingError is a ConnectionError


class ResilientRedBeatScheduler(RedBeatScheduler):
    """RedBeat whose tick survives the broker going away and coming back."""

    def tick(self, *args: Any, **kwargs: Any) -> float:
        try:
            return float(super().tick(*args, **kwargs))
        except LockError:  # LockNotOwnedError: our lock expired while Redis was away
            log.warning("beat.lock_lost", action="standby until the lock is free")
            self._wait_for_lock()
            return 0.0
        except _UNREACHABLE as exc:
            log.warning("beat.redis_unavailable", error=f"{type(exc).__name__}: {exc}", retry_s=RETRY_SECONDS)
            return RETRY_SECONDS

    def _wait_for_lock(self) -> None:
        """Block like a standby beat until this one holds the lock again (Redis errors retried)."""
        while True:
            try:
                self.lock.acquire()  # blocking; a new token, so the old holder's extend fails
            except _UNREACHABLE as exc:
                log.warning("beat.redis_unavailable", error=f"{type(exc).__name__}: {exc}", retry_s=RETRY_SECONDS)
                time.sleep(RETRY_SECONDS)
                continue
            log.info("beat.lock_reacquired")
            return
