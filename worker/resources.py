"""Per-process clients (database engine, Redis, HTTP fetcher), built once and rebuilt after fork.

Celery prefork children must not share the parent's sockets, so every accessor checks the pid.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import redis
from sqlalchemy.engine import Engine

from worker.errors import ConfigError
from worker.settings import Settings, get_settings
from worker.store.db import make_engine

if TYPE_CHECKING:  # imported when first used: a CLI command that never fetches skips httpx
    from worker.feeds.fetch import Fetcher


def embedded_url_file(settings: Settings) -> Path:
    return settings.data_dir / "valkey" / "port"


def resolve_redis_url(settings: Settings) -> str:
    """RASD_REDIS_URL, else the embedded Valkey a running `rasd run` started in the data dir."""
    if settings.redis:
        return settings.redis
    from worker.broker import _is_valkey, _pid_alive

    vdir = settings.data_dir / "valkey"
    try:
        port = int((vdir / "port").read_text())
        pid = int((vdir / "valkey.pid").read_text())
    except (OSError, ValueError):
        pid, port = 0, 0
    if pid and _pid_alive(pid) and _is_valkey(pid):
        return f"redis://127.0.0.1:{port}/0"
    raise ConfigError(
        "no Redis: set RASD_REDIS_URL, or start the all-in-one service with `rasd run` "
        f"(its embedded Valkey keeps its port in {vdir / 'port'})"
    )


@dataclass
class Resources:
    settings: Settings
    _pid: int = field(default_factory=os.getpid)
    _engine: Engine | None = None
    _redis: redis.Redis | None = None
    _fetcher: Fetcher | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _check_fork(self) -> None:
        if os.getpid() != self._pid:
            # Drop inherited clients without closing the parent's sockets.
            self._engine = None
            self._redis = None
            self._fetcher = None
            self._pid = os.getpid()

    @property
    def engine(self) -> Engine:
        self._check_fork()
        with self._lock:
            if self._engine is None:
                self._engine = make_engine(self.settings.effective_database_url)
            return self._engine

    @property
    def redis(self) -> redis.Redis:
        self._check_fork()
        with self._lock:
            if self._redis is None:
                self._redis = redis.Redis.from_url(
                    resolve_redis_url(self.settings), socket_timeout=10, socket_connect_timeout=5,
                    retry_on_timeout=True, health_check_interval=30,
                )
            return self._redis

    @property
    def fetcher(self) -> Fetcher:
        self._check_fork()
        with self._lock:
            if self._fetcher is None:
                from worker.feeds.fetch import Fetcher

                self._fetcher = Fetcher(self.settings)
            return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
        if self._redis is not None:
            self._redis.close()
        if self._engine is not None:
            self._engine.dispose()
        self._engine = self._redis = self._fetcher = None


_current: Resources | None = None


def get_resources() -> Resources:
    global _current
    if _current is None:
        _current = Resources(get_settings())
    return _current


def set_resources(resources: Resources | None) -> None:
    """Tests and the CLI install their own (e.g. built from explicit Settings)."""
    global _current
    _current = resources
