"""Rasd installed as a user installs it: the wheel, runtime dependencies only (pinned by
constraints.txt), a fresh venv, `rasd run` from an empty directory."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.conftest import wait_for
from tests.integration.test_service_lifecycle import children_of
from worker.broker import _pid_alive, free_port
from worker.services.setup import load_feed_file

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.xdist_group("celery")]
REPO = Path(__file__).resolve().parents[2]


def _run(args: list[str | Path], **kw: object) -> None:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=480, **kw)  # type: ignore[call-overload]
    assert done.returncode == 0, f"{args[:4]} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """bin/ of a fresh venv holding the built wheel and its runtime dependencies, nothing else."""
    root = tmp_path_factory.mktemp("install")
    src = root / "src"
    # Build from a copy so the checkout gets no build/ or egg-info; compiled modules go along, as in the image.
    shutil.copytree(REPO / "worker", src / "worker", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", root / "dist", src])
    wheels = list((root / "dist").glob("rasd-*.whl"))
    assert len(wheels) == 1
    _run([sys.executable, "-m", "venv", root / "venv"])
    bin_dir = root / "venv" / "bin"
    _run([bin_dir / "python", "-m", "pip", "install", "-q", "-c", REPO / "constraints.txt", wheels[0]])
    yield bin_dir


@pytest.mark.timeout(900)
def test_installed_wheel_runs_from_an_empty_directory(installed: Path, tmp_path: Path) -> None:
    run_dir = tmp_path / "empty"
    run_dir.mkdir()
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RASD_", "PYTHON", "PROMETHEUS_")) and k != "VIRTUAL_ENV"}
    # No poll for an hour: the bundled feeds are real outlets and the test sends no traffic off this machine.
    env.update({"RASD_API_PORT": str(port), "RASD_BEAT_POLL_SECONDS": "3600"})
    where = subprocess.run([installed / "python", "-c", "import worker; print(worker.__file__)"], env=env,
                           cwd=run_dir, capture_output=True, text=True, timeout=60)
    assert where.stdout.startswith(str(installed.parent)), where  # the installed copy, not the checkout
    log = (tmp_path / "rasd-run.log").open("wb")
    proc = subprocess.Popen([installed / "rasd", "run"], env=env, cwd=run_dir, stdout=log, stderr=log,
                            start_new_session=True)
    descendants: set[int] = set()

    def output() -> str:
        return (tmp_path / "rasd-run.log").read_text(encoding="utf-8", errors="replace")[-4000:]

    try:
        def ready() -> bool:
            assert proc.poll() is None, f"rasd run exited {proc.returncode}:\n{output()}"
            try:
                return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(ready, 120, interval=0.2, what="/readyz to answer 200")
        assert "feed list" not in output()  # no "missing or empty feed list" warning
        # The bundled feed list was found from the package and imported on first start.
        listed = subprocess.run([installed / "rasd", "feeds", "list", "--json"], env=env, cwd=run_dir,
                                capture_output=True, text=True, timeout=60)
        assert listed.returncode == 0, listed.stderr
        assert len(listed.stdout.splitlines()) == len(load_feed_file(REPO / "schedules" / "feeds.yaml"))
        # The beat schedule has every task of the bundled beat.yaml (RedBeat keeps them in Redis).
        valkey_port = int((run_dir / "var" / "valkey" / "port").read_text())
        client = redis.Redis(port=valkey_port, decode_responses=True)
        expected = {f"rasd:beat:{name}" for name in ("poll_due", "dispatch_deliveries", "sample_queues",
                                                      "housekeeping")}
        wait_for(lambda: expected <= set(client.zrange("rasd:beat::schedule", 0, -1)), 60, interval=0.2,
                 what="beat to schedule every task")
        client.close()
        descendants = children_of(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0, output()
        wait_for(lambda: not any(_pid_alive(p) for p in descendants), 10, what="every child to exit")
    finally:
        # Embedded Valkey runs in its own session: found through the tree (before the parent goes) or its pidfile.
        leftovers = descendants | children_of(proc.pid)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        with contextlib.suppress(OSError, ValueError):
            leftovers.add(int((run_dir / "var" / "valkey" / "valkey.pid").read_text()))
        for pid in leftovers:
            if _pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
        log.close()
