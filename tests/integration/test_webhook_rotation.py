"""Secret rotation from the CLI: two signatures during the overlap, one after --finish."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from worker.alerts.receiver import WebhookReceiver
from worker.alerts.signing import generate_secret

pytestmark = [pytest.mark.integration]
REPO = Path(__file__).resolve().parents[2]


def rasd(tmp_path: Path, redis_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASD_")}
    env.update({"RASD_DATA_DIR": str(tmp_path), "RASD_REDIS_URL": redis_url, "RASD_FETCH_ALLOW_HOSTS": "127.0.0.1"})
    return subprocess.run([sys.executable, "-m", "worker.cli", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=60)


def test_rotation_signs_with_both_secrets_until_finished(tmp_path: Path, redis_url: str) -> None:
    old, new = generate_secret(), generate_secret()
    with WebhookReceiver([new]) as receiver:  # the receiver already switched to the new secret
        assert rasd(tmp_path, redis_url, "webhooks", "add", receiver.url, "--secret", old).returncode == 0
        assert rasd(tmp_path, redis_url, "webhooks", "test", "1").returncode == 1  # old secret only: rejected
        rotated = rasd(tmp_path, redis_url, "webhooks", "rotate", "1", "--secret", new)
        assert rotated.returncode == 0, rotated.stderr
        assert new not in rotated.stdout + rotated.stderr  # a given secret is never echoed
        assert rasd(tmp_path, redis_url, "webhooks", "test", "1").returncode == 0
        assert len(receiver.deliveries[-1].headers["webhook-signature"].split()) == 2
        assert rasd(tmp_path, redis_url, "webhooks", "rotate", "1", "--finish").returncode == 0
        assert rasd(tmp_path, redis_url, "webhooks", "test", "1").returncode == 0
        assert len(receiver.deliveries[-1].headers["webhook-signature"].split()) == 1
        assert [r.verified for r in receiver.deliveries] == [False, True, True]
    listed = rasd(tmp_path, redis_url, "webhooks", "list", "--json")
    assert old not in listed.stdout and new not in listed.stdout
