"""Shared fixtures: real servers on loopback, stopped by the fixture even when a test fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from worker.broker import EmbeddedValkey, free_port

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


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway PostgreSQL cluster in a temp dir (initdb + pg_ctl), stopped at session end."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.fail("PostgreSQL binaries (initdb, pg_ctl) are required for the PostgreSQL tests")
    # Not under pytest's tmp dir: that is mode 0700 and the cluster may run as another user.
    base = Path(tempfile.mkdtemp(prefix="rasd-pg-"))
    datadir, sockdir = base / "data", base / "sock"
    sockdir.mkdir()
    env = dict(os.environ)
    run_as: list[str] = []
    if os.geteuid() == 0:
        # initdb refuses root; run the cluster as 'nobody' in a dir it owns.
        shutil.chown(base, "nobody")
        shutil.chown(sockdir, "nobody")
        run_as = ["runuser", "-u", "nobody", "--"]
    subprocess.run([*run_as, initdb, "-D", str(datadir), "-A", "trust", "-U", "rasd", "--no-sync"],
                   check=True, capture_output=True, env=env)
    port = free_port()
    opts = f"-p {port} -k {sockdir} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run([*run_as, pg_ctl, "-D", str(datadir), "-o", opts, "-l", str(base / "log"), "-w", "start"],
                   check=True, capture_output=True, env=env)
    try:
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "rasd", "-d", "postgres",
                        "-c", "CREATE DATABASE rasd"], check=True, capture_output=True)
        yield f"postgresql+psycopg://rasd@127.0.0.1:{port}/rasd"
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(datadir), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
