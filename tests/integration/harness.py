"""Start real Rasd processes (celery worker, beat, API, `rasd run`) for integration tests.

Every process is started in its own session and stopped (SIGTERM, then SIGKILL of the whole
process group) by the context manager, even when the test fails. Logs go to files that are
printed when a wait times out, so a failure explains itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import sqlalchemy as sa

from worker.store.db import make_engine, migrate

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes]

    def log(self) -> str:
        self.log_file.flush()
        return self.log_path.read_text(errors="replace")[-6000:]

    def stop(self, timeout: float = 10.0) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log_file.close()

    def kill(self) -> None:
        """SIGKILL the whole process group (a crash: no warm shutdown, no ack)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)


@dataclass
class Rasd:
    """Environment of one test deployment: data dir, database, broker, allow-list."""

    data_dir: Path
    redis_url: str
    database_url: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: list[Proc] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'rasd.sqlite3'}"
        migrate(self.database_url)
        self.engine = make_engine(self.database_url)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RASD_")}
        env.update({
            "RASD_DATA_DIR": str(self.data_dir),
            "RASD_REDIS_URL": self.redis_url,
            "RASD_DATABASE_URL": self.database_url,
            "RASD_FETCH_ALLOW_HOSTS": "127.0.0.1,localhost",
            "RASD_IMPORT_FEEDS_ON_START": "false",
            "RASD_LOG_LEVEL": "INFO",
            "RASD_FULLTEXT_MIN_CHARS": "0",  # no page fetches to the fixtures' non-loopback URLs
            "PYTHONUNBUFFERED": "1",
        })
        env.update(self.extra_env)
        return env

    def start(self, *args: str, name: str = "") -> Proc:
        name = name or args[0]
        log_path = self.data_dir / f"{name}-{len(self.procs)}.log"
        log_file = open(log_path, "wb")  # noqa: SIM115 — closed by Proc.stop
        popen = subprocess.Popen([sys.executable, "-m", "worker.cli", *args], env=self.env, cwd=REPO,
                                 stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
        proc = Proc(name, popen, log_path, log_file)
        self.procs.append(proc)
        return proc

    def cli(self, *args: str, input_text: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "worker.cli", *args], env=self.env, cwd=REPO,
                              capture_output=True, text=True, input=input_text, timeout=timeout)

    def scalar(self, sql: str) -> object:
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()

    def wait_for(self, predicate: object, timeout: float = 30.0, what: str = "") -> object:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate() if callable(predicate) else predicate
            if value:
                return value
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {p.name} ---\n{p.log()}" for p in self.procs)
                raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{logs}")
            time.sleep(0.05)

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()
        self.procs.clear()
        self.engine.dispose()


@contextmanager
def deployment(data_dir: Path, redis_url: str, database_url: str = "",
               extra_env: dict[str, str] | None = None) -> Iterator[Rasd]:
    rasd = Rasd(data_dir, redis_url, database_url, extra_env or {})
    try:
        yield rasd
    finally:
        rasd.stop_all()
