"""`rasd run`: the all-in-one service as one process group.

Starts (or connects to) Valkey, migrates the database, imports the bundled feed list on first
start, then runs worker, beat and API as child processes. SIGINT/SIGTERM stops all of it —
children first (Celery warm shutdown), then the embedded Valkey — within 10 s. Children get
PR_SET_PDEATHSIG so that even a SIGKILLed parent leaves nothing running; a Valkey orphan left by
other means is stopped on the next start (see worker.broker).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from worker.broker import EmbeddedValkey, check_eviction_policy
from worker.settings import Settings

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def spawn(args: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(args), env=env, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)


def stop_processes(procs: Sequence[subprocess.Popen[bytes]], timeout: float) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


@dataclass
class ServiceGroup:
    settings: Settings
    components: Sequence[str] = ("worker", "beat", "api")
    extra_env: dict[str, str] = field(default_factory=dict)
    valkey: EmbeddedValkey | None = None
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    redis_url: str = ""
    warnings: list[str] = field(default_factory=list)  # from first-start preparation (e.g. no feeds)

    def start(self, on_ready: Callable[[str], None] | None = None) -> ServiceGroup:
        from worker.services.setup import prepare_storage

        if self.settings.redis:
            self.redis_url = self.settings.redis
        else:
            self.valkey = EmbeddedValkey(self.settings.data_dir / "valkey").start()
            self.redis_url = self.valkey.url
        check_eviction_policy(self.redis_url)
        self.warnings = prepare_storage(self.settings)
        env = {**os.environ, **self.extra_env, "RASD_REDIS_URL": self.redis_url,
               "RASD_DATA_DIR": str(self.settings.data_dir.resolve())}
        if self.settings.database:
            env["RASD_DATABASE_URL"] = self.settings.database
        # One metrics directory for all children, so the API's /metrics covers workers and beat too.
        env.setdefault("PROMETHEUS_MULTIPROC_DIR", str((self.settings.data_dir / "metrics").resolve()))
        shutil.rmtree(env["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
        for name in self.components:
            self.procs[name] = spawn([sys.executable, "-m", "worker.cli", name], env)
        if on_ready:
            on_ready(self.redis_url)
        return self

    def check(self) -> str | None:
        """Name of a child that exited, or None while all run."""
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                return name
        return None

    def stop(self, timeout: float = 8.0) -> None:
        stop_processes(list(self.procs.values()), timeout)
        self.procs.clear()
        if self.valkey is not None:
            self.valkey.stop(timeout=2.0)
            self.valkey = None

    def wait_forever(self) -> int:
        """Block until a signal or a child dies; always stop everything."""
        stopping = {"flag": False}

        def _handler(signum: int, _frame: object) -> None:
            stopping["flag"] = True

        signal.signal(signal.SIGTERM, _handler)
        signal.signal(signal.SIGINT, _handler)
        code = 0
        try:
            while not stopping["flag"]:
                dead = self.check()
                if dead:
                    print(f"rasd: {dead} exited with {self.procs[dead].returncode}; stopping", file=sys.stderr)
                    code = 1
                    break
                time.sleep(0.2)
        finally:
            self.stop()
        return code
