"""Chaos suite configuration: a short run by default (CI, <= 90 s on 2 cores), the full one with
RASD_CHAOS_FULL=1 (`make chaos`). Also a PostgreSQL cluster of its own, so it can be restarted."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import _pg_bin
from worker.broker import free_port

FULL = os.environ.get("RASD_CHAOS_FULL", "") not in ("", "0")


@dataclass(frozen=True)
class ChaosConfig:
    full: bool
    feeds: int
    rate: float  # events per second (each with 0..feeds-1 syndicated copies)
    seconds: float  # load duration
    fault_every: float
    worker_concurrency: int
    drain_timeout: float


def chaos_config() -> ChaosConfig:
    if FULL:
        return ChaosConfig(True, feeds=8, rate=float(os.environ.get("RASD_CHAOS_RATE", "250")),
                           seconds=float(os.environ.get("RASD_CHAOS_SECONDS", "300")), fault_every=30.0,
                           worker_concurrency=2, drain_timeout=600.0)
    return ChaosConfig(False, feeds=4, rate=3.0, seconds=24.0, fault_every=2.4, worker_concurrency=2,
                       drain_timeout=120.0)


@dataclass
class PgCluster:
    url: str
    datadir: Path
    run_as: list[str]
    pg_ctl: str
    opts: str
    log: Path

    def restart(self) -> None:
        """Fast shutdown (open connections are cut) and start again on the same port."""
        subprocess.run([*self.run_as, self.pg_ctl, "-D", str(self.datadir), "-o", self.opts, "-l", str(self.log),
                        "-m", "fast", "-w", "restart"], check=True, capture_output=True, timeout=60)


@pytest.fixture()
def pg_cluster() -> Iterator[PgCluster]:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.fail("PostgreSQL binaries (initdb, pg_ctl) are required for the chaos suite")
    base = Path(tempfile.mkdtemp(prefix="rasd-chaos-pg-"))
    datadir, sockdir = base / "data", base / "sock"
    sockdir.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "nobody")
        shutil.chown(sockdir, "nobody")
        run_as = ["runuser", "-u", "nobody", "--"]
    subprocess.run([*run_as, initdb, "-D", str(datadir), "-A", "trust", "-U", "rasd", "--no-sync"],
                   check=True, capture_output=True)
    port = free_port()
    opts = f"-p {port} -k {sockdir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    log = base / "log"
    subprocess.run([*run_as, pg_ctl, "-D", str(datadir), "-o", opts, "-l", str(log), "-w", "start"],
                   check=True, capture_output=True)
    try:
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "rasd", "-d", "postgres",
                        "-c", "CREATE DATABASE rasd"], check=True, capture_output=True)
        yield PgCluster(f"postgresql+psycopg://rasd@127.0.0.1:{port}/rasd", datadir, run_as, pg_ctl, opts, log)
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(datadir), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
