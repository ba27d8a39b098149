"""`rasd demo` as a new user runs it: offline sample feeds → workers → a signed alert delivered."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]
REPO = Path(__file__).resolve().parents[2]


def test_demo_ends_with_a_verified_alert(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASD_")}
    env.update({"COLUMNS": "200", "PYTHONUNBUFFERED": "1"})
    done = subprocess.run([sys.executable, "-m", "worker.cli", "demo", "--data-dir", str(tmp_path / "demo"),
                           "--timeout", "150"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "items stored 28/28" in done.stdout
    assert "signature verified webhook-id msg_alr_" in done.stdout
    assert "(SY)" in done.stdout
    assert re.search(r"dashboard \(the alert's evidence and timeline\): http://127\.0\.0\.1:\d+/#/alerts/alr_",
                     done.stdout), done.stdout[-2000:]  # the alert is about a Syrian region (the Idlib cluster)
