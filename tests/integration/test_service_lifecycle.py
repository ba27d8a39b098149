"""`rasd run` as users run it: embedded Valkey, one process group, clean stop; orphan clean-up;
refusal of an evicting Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis

from tests.conftest import wait_for
from worker.broker import EmbeddedValkey, _pid_alive, check_eviction_policy, free_port, stop_orphan
from worker.errors import ConfigError

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]
REPO = Path(__file__).resolve().parents[2]


def children_of(pid: int) -> set[int]:
    """All descendants of ``pid`` (from /proc), to prove nothing is left running."""
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in kids.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def test_rasd_run_serves_and_stops_everything_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    feeds_file = tmp_path / "feeds.yaml"  # loopback URLs: the test sends no traffic off this machine
    feeds_file.write_text("feeds:\n" + "".join(
        f"  - {{name: Local {i}, url: 'http://127.0.0.1:9/feed-{i}.xml', country: SY, interval: 3600}}\n"
        for i in range(25)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASD_")}
    env.update({"RASD_DATA_DIR": str(tmp_path / "var"), "RASD_API_PORT": str(port),
                "RASD_IMPORT_FEEDS_ON_START": "true", "RASD_FEEDS_FILE": str(feeds_file),
                "RASD_FETCH_ALLOW_HOSTS": "127.0.0.1", "RASD_BEAT_POLL_SECONDS": "3600"})
    proc = subprocess.Popen([sys.executable, "-m", "worker.cli", "run"], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        def ready() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(ready, 60, what="/readyz to answer 200")
        descendants = children_of(proc.pid)
        assert len(descendants) >= 4  # valkey, worker (+ pool children), beat, api
        valkey_pid = int((tmp_path / "var" / "valkey" / "valkey.pid").read_text())
        assert valkey_pid in descendants
        # the bundled feed list was imported on first start
        listed = subprocess.run([sys.executable, "-m", "worker.cli", "feeds", "list", "--json"], env=env,
                                cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert listed.returncode == 0, listed.stderr
        assert len(listed.stdout.splitlines()) == 25
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
        assert time.monotonic() - started < 10
        wait_for(lambda: not any(_pid_alive(p) for p in descendants), 5, what="every child to exit")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        for pid in children_of(proc.pid):
            os.kill(pid, signal.SIGKILL)


def test_orphaned_embedded_valkey_is_stopped_on_next_start(tmp_path: Path) -> None:
    first = EmbeddedValkey(tmp_path).start()
    orphan_pid = first.process.pid if first.process else 0
    first.process = None  # the parent "dies" without stopping it
    assert _pid_alive(orphan_pid)
    second = EmbeddedValkey(tmp_path)
    try:
        second.start()
        assert second.process is not None and second.process.pid != orphan_pid
        assert not _pid_alive(orphan_pid) or _zombie(orphan_pid)
        assert redis.Redis.from_url(second.url).ping() is True
    finally:
        second.stop()
    assert stop_orphan(tmp_path / "valkey.pid") is False  # nothing left to clean


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


def test_server_with_eviction_policy_is_refused(tmp_path: Path) -> None:
    with EmbeddedValkey(tmp_path) as server:
        client = redis.Redis.from_url(server.url)
        client.config_set("maxmemory-policy", "allkeys-lru")
        with pytest.raises(ConfigError) as info:
            check_eviction_policy(server.url)
        assert "maxmemory-policy=allkeys-lru" in str(info.value)
        assert "noeviction" in str(info.value)
        client.config_set("maxmemory-policy", "noeviction")
        check_eviction_policy(server.url)  # accepted
        client.close()
