"""The worker's parent warms up before forking its pool: pure code loaded, no connection opened."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, os, sys
from worker.celery_app import warm_up
from worker.extract import gazetteer
before = gazetteer.load.cache_info().currsize
warm_up()
sockets = []
for fd in os.listdir("/proc/self/fd"):
    try:
        sockets.append(os.readlink(f"/proc/self/fd/{fd}"))
    except FileNotFoundError:  # the directory listing's own descriptor, closed by now
        pass
print(json.dumps({"gazetteer_before": before, "gazetteer_after": gazetteer.load.cache_info().currsize,
                  "modules": sorted(m for m in ("worker.services.process", "worker.services.ingest",
                                                "worker.services.alerting") if m in sys.modules),
                  "sockets": [s for s in sockets if s.startswith("socket:")]}))
"""


def test_warm_up_loads_the_extraction_tables_and_opens_no_connection() -> None:
    env = {"PATH": "/usr/bin:/bin", "RASD_REDIS_URL": "redis://127.0.0.1:9/0",
           "RASD_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "gazetteer_before": 0, "gazetteer_after": 1, "sockets": [],
        "modules": ["worker.services.alerting", "worker.services.ingest", "worker.services.process"]}
