"""The CLI as a user runs it (a real process): one service behind `feeds add` for CLI and API, exit
codes 0 / 1 (error) / 2 (usage), and bad input answered with one line, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration]


def rasd(tmp_path: Path, *args: str, stdin: bytes | None = None, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASD_")}
    env.update({"RASD_DATA_DIR": str(tmp_path / "var"), "RASD_IMPORT_FEEDS_ON_START": "false",
                "RASD_LOG_LEVEL": "WARNING", **env_extra})
    done = subprocess.run([sys.executable, "-m", "worker.cli", *args], env=env, cwd=tmp_path,
                          input=stdin, capture_output=True, timeout=120)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def assert_no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout


def test_feeds_add_normalises_like_the_api_and_refuses_with_exit_2(tmp_path: Path) -> None:
    added = rasd(tmp_path, "feeds", "add", "  http://127.0.0.1:9/feed.xml ", "--country", "sy", "--name", "Local",
                 RASD_FETCH_ALLOW_HOSTS="127.0.0.1")
    assert (added.returncode, added.stdout.strip()) == (0, "feed 1 added: http://127.0.0.1:9/feed.xml")
    listed = rasd(tmp_path, "feeds", "list", "--json")
    row = json.loads(listed.stdout)
    assert (row["url"], row["country"], row["name"]) == ("http://127.0.0.1:9/feed.xml", "SY", "Local")
    refused = rasd(tmp_path, "feeds", "add", "http://169.254.169.254/latest/meta-data")
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: refused http://169.254.169.254/latest/meta-data: ")
    assert "link-local (cloud metadata)" in refused.stderr
    assert_no_traceback(refused)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {name: Meta, url: 'http://169.254.169.254/x', country: SY}\n", encoding="utf-8")
    imported = rasd(tmp_path, "feeds", "import", str(feeds))
    assert imported.returncode == 2 and "link-local (cloud metadata)" in imported.stderr
    assert len(rasd(tmp_path, "feeds", "list", "--json").stdout.splitlines()) == 1  # nothing imported
