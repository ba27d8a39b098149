"""Shared fixtures: real servers on loopback, stopped by the fixture even when a test fails."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from tests.pgcluster import pg_cluster
from worker.broker import EmbeddedValkey

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def wait_for(predicate: Callable[[], object], timeout: float = 10.0, interval: float = 0.02, what: str = "") -> object:
    """Poll ``predicate`` until it returns a truthy value or the deadline passes (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)


@pytest.fixture(scope="session")
def valkey_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedValkey]:
    server = EmbeddedValkey(tmp_path_factory.mktemp("valkey"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def redis_url(valkey_server: EmbeddedValkey) -> Iterator[str]:
    """A clean logical database on the session's real Valkey."""
    client = redis.Redis.from_url(valkey_server.url)
    client.flushall()
    client.close()
    yield valkey_server.url


@pytest.fixture()
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the session (initdb + pg_ctl), stopped at session end."""
    try:
        with pg_cluster() as cluster:
            yield cluster.url
    except RuntimeError as exc:
        pytest.fail(str(exc))
