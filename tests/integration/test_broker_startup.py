"""`rasd worker` started while Redis is down: it waits for the server (a restart, a boot beside it)
instead of exiting, and gives up with one clear line once the wait is over. Real processes: the
worker CLI and an embedded Valkey started on the port the worker was told to use."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.harness import deployment
from worker.broker import EmbeddedValkey, free_port

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]


def test_a_worker_started_while_redis_is_down_waits_for_it(tmp_path: Path) -> None:
    port = free_port()
    with deployment(tmp_path, f"redis://127.0.0.1:{port}/0", extra_env={"RASD_BROKER_STARTUP_WAIT": "120"}) as rasd:
        worker = rasd.start("worker", "--concurrency", "1", name="worker")
        rasd.wait_for(lambda: "is not reachable yet; waiting up to 120 s" in worker.log(), what="the wait notice")
        server = EmbeddedValkey(tmp_path / "valkey", port=port)
        try:
            server.start()
            rasd.wait_for(lambda: " ready." in worker.log(), timeout=90, what="the worker to be ready")
            assert worker.popen.poll() is None
            assert "cannot reach Redis" not in worker.log()
        finally:
            worker.stop()
            server.stop()


def test_a_worker_gives_up_on_unreachable_redis_after_the_wait(tmp_path: Path) -> None:
    port = free_port()
    with deployment(tmp_path, f"redis://127.0.0.1:{port}/0", extra_env={"RASD_BROKER_STARTUP_WAIT": "0.5"}) as rasd:
        done = rasd.cli("worker", timeout=60)
    assert done.returncode == 1
    assert f"cannot reach Redis at redis://127.0.0.1:{port}/0" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
