"""`rasd replay` reports skipped input by its exit status; `rasd alerts list` says when there are more."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from worker.alerts.payload import build_alert
from worker.models import Region
from worker.resources import Resources
from worker.services.setup import prepare_storage
from worker.settings import Settings
from worker.signals.spikes import Decision
from worker.store import alerts_repo

pytestmark = [pytest.mark.integration]
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def rasd(args: list[str], data_dir: Path, redis_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASD_")}
    env.update({"RASD_REDIS_URL": redis_url, "RASD_DATA_DIR": str(data_dir), "COLUMNS": "200",
                "RASD_IMPORT_FEEDS_ON_START": "false"})
    return subprocess.run([sys.executable, "-m", "worker.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_replay_exits_non_zero_on_skipped_lines_unless_partial_is_allowed(tmp_path: Path, redis_url: str) -> None:
    path = tmp_path / "in.jsonl"
    good = {"url": "https://a.example/1", "title": "قصف مدفعي على أطراف البلدة", "content": "سقطت قذائف على أطراف البلدة.",
            "published": "Sat, 10 Feb 2018 14:56:59 GMT", "source": "مصدر"}
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n{broken\n", encoding="utf-8")
    strict = rasd(["replay", str(path), "--json"], tmp_path / "a", redis_url)
    assert strict.returncode == 1, strict.stderr
    out = json.loads(strict.stdout)
    assert (out["items_read"], out["skipped_lines"], out["unreadable_dates"]) == (1, 1, 0)
    assert out["errors"][0].startswith("in.jsonl:2: skipped")
    assert "Traceback" not in strict.stderr and "--allow-partial" in strict.stderr
    partial = rasd(["replay", str(path), "--json", "--allow-partial"], tmp_path / "b", redis_url)
    assert partial.returncode == 0, partial.stderr


def test_alerts_list_tells_when_more_exist_than_shown(tmp_path: Path, redis_url: str) -> None:
    settings = Settings(data_dir=tmp_path, redis_url=redis_url, import_feeds_on_start=False)
    prepare_storage(settings)
    res = Resources(settings)
    try:
        region = Region("إدلب", "Idlib", "SY", "admin1")
        with res.engine.begin() as conn:
            for i in range(3):
                start = NOW - timedelta(hours=3 * (i + 1))
                d = Decision("new", "watch", 1e-4, 4.0, 5, 0.5, 10.0, 3, start, start + timedelta(hours=3), i)
                payload = build_alert(region, d, [], {}, {"killed": None, "injured": None}, NOW + timedelta(minutes=i))
                alerts_repo.insert_alert(conn, payload["id"], region.key, "watch", d.window_start, d.window_end,
                                         payload, NOW + timedelta(minutes=i))
    finally:
        res.close()
    first = rasd(["alerts", "list", "--json", "--limit", "2"], tmp_path, redis_url)
    assert first.returncode == 0, first.stderr
    assert len(first.stdout.splitlines()) == 2
    assert "showing alerts 1–2 of 3; next page: --offset 2" in first.stderr
    rest = rasd(["alerts", "list", "--json", "--limit", "2", "--offset", "2"], tmp_path, redis_url)
    assert len(rest.stdout.splitlines()) == 1 and rest.stderr == ""
    every = rasd(["alerts", "list", "--json", "--all", "--limit", "1"], tmp_path, redis_url)
    ids = [json.loads(line)["id"] for line in every.stdout.splitlines()]
    assert len(set(ids)) == 3 and every.stderr == ""
    assert sorted(ids) == sorted(json.loads(x)["id"] for x in (first.stdout + rest.stdout).splitlines())
