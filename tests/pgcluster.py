"""A throwaway PostgreSQL cluster in a temp dir (initdb + pg_ctl), for tests that need the real server.

Not under pytest's tmp dir (mode 0700): as root the cluster runs as 'nobody', which must reach it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from worker.broker import free_port


def pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


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


@contextmanager
def pg_cluster(prefix: str = "rasd-pg-", extra_opts: str = "") -> Iterator[PgCluster]:
    """Start a cluster with a database ``rasd``; stopped and removed on exit, even on failure."""
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) are required for the PostgreSQL tests")
    base = Path(tempfile.mkdtemp(prefix=prefix))
    datadir, sockdir, log = base / "data", base / "sock", base / "log"
    sockdir.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root
        shutil.chown(base, "nobody")
        shutil.chown(sockdir, "nobody")
        run_as = ["runuser", "-u", "nobody", "--"]
    try:
        subprocess.run([*run_as, initdb, "-D", str(datadir), "-A", "trust", "-U", "rasd", "--no-sync"],
                       check=True, capture_output=True)
        port = free_port()
        opts = f"-p {port} -k {sockdir} -c listen_addresses=127.0.0.1 -c fsync=off {extra_opts}".strip()
        subprocess.run([*run_as, pg_ctl, "-D", str(datadir), "-o", opts, "-l", str(log), "-w", "start"],
                       check=True, capture_output=True)
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "rasd", "-d", "postgres",
                        "-c", "CREATE DATABASE rasd"], check=True, capture_output=True)
        yield PgCluster(f"postgresql+psycopg://rasd@127.0.0.1:{port}/rasd", datadir, run_as, pg_ctl, opts, log)
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(datadir), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
