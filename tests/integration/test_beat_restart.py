"""The beat keeps scheduling through a Valkey restart and a lost lock (real Valkey, real beat process).

Before worker/beat.py, the first tick during a restart ended the beat process (``BusyLoadingError``
or a refused connection on the lock extend) and no feed was polled until a standby's lock wait ran out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from tests.integration.harness import deployment
from worker.broker import EmbeddedValkey
from worker.keys import BEAT_LOCK as BEAT_LOCK_KEY

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]


def test_beat_survives_a_valkey_restart_and_a_lost_lock(tmp_path: Path) -> None:
    valkey = EmbeddedValkey(tmp_path / "valkey").start()
    try:
        client = redis.Redis.from_url(valkey.url)
        with deployment(tmp_path / "rasd", valkey.url, "", {"RASD_BEAT_POLL_SECONDS": "1"}) as rasd:
            beat = rasd.start("beat")
            # No worker runs: every poll_due the beat sends stays in the fetch queue, so its length counts ticks.
            rasd.wait_for(lambda: client.llen("fetch") >= 2, 60, "beat sending poll_due")

            valkey.kill()
            rasd.wait_for(lambda: "beat.redis_unavailable" in beat.log(), 30, "a tick that found Valkey down")
            assert beat.popen.poll() is None, beat.log()
            valkey.start()
            client = redis.Redis.from_url(valkey.url)
            after_restart = client.llen("fetch")
            rasd.wait_for(lambda: client.llen("fetch") >= after_restart + 3, 30, "poll_due again after the restart")

            client.delete(BEAT_LOCK_KEY)  # as if the lock had expired while Valkey was away
            rasd.wait_for(lambda: "beat.lock_reacquired" in beat.log(), 30, "the beat taking its lock back")
            assert client.exists(BEAT_LOCK_KEY) == 1
            after_lock = client.llen("fetch")
            rasd.wait_for(lambda: client.llen("fetch") >= after_lock + 3, 30, "poll_due with the new lock")
            assert beat.popen.poll() is None, beat.log()
            assert "beat raised exception" not in beat.log()
    finally:
        valkey.stop()
