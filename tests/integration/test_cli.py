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


@pytest.mark.parametrize("command", [["alerts", "list"], ["articles", "list"], ["reprocess"]])
def test_a_bad_since_is_a_usage_error_in_one_line(tmp_path: Path, command: list[str]) -> None:
    done = rasd(tmp_path, *command, "--since", "yesterday")
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: --since: not an ISO date or time: 'yesterday' "
                                   "(e.g. 2026-11-19 or 2026-11-19T08:00Z)")
    assert_no_traceback(done)


# Our own sentence (no third-party text): "Three civilians were killed in shelling on Idlib yesterday."
SENTENCE = "قتل ثلاثة مدنيين في قصف على مدينة إدلب أمس، وأصيب خمسة آخرون.\n"


def test_extract_reads_windows_1256_like_utf8(tmp_path: Path) -> None:
    utf8, cp1256 = tmp_path / "utf8.txt", tmp_path / "cp1256.txt"
    utf8.write_bytes(SENTENCE.encode("utf-8"))
    cp1256.write_bytes(SENTENCE.encode("cp1256"))
    a = rasd(tmp_path, "extract", str(utf8), "--published", "2026-11-19")
    b = rasd(tmp_path, "extract", str(cp1256), "--published", "2026-11-19")
    piped = rasd(tmp_path, "extract", "-", "--published", "2026-11-19", stdin=SENTENCE.encode("cp1256"))
    assert (a.returncode, b.returncode, piped.returncode) == (0, 0, 0), b.stderr
    out = json.loads(a.stdout)
    assert out["totals"]["killed"] == 3 and out["totals"]["injured"] == 5
    assert json.loads(b.stdout) == out == json.loads(piped.stdout)


def test_extract_refuses_a_truncated_or_missing_file_in_one_line(tmp_path: Path) -> None:
    cut = tmp_path / "cut.txt"
    cut.write_bytes(SENTENCE.rstrip("\n").encode("utf-8")[:-2])  # "." dropped, and the last byte of "ن"
    done = rasd(tmp_path, "extract", str(cut))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.strip() == (f"error: {cut} ends in the middle of a UTF-8 character (cut short?); "
                                   "nothing was extracted")
    missing = rasd(tmp_path, "extract", str(tmp_path / "absent.txt"))
    assert (missing.returncode, missing.stderr.strip()) == (2, f"error: no such file: {tmp_path / 'absent.txt'}")
    bad_date = rasd(tmp_path, "extract", "-", "--published", "someday", stdin=SENTENCE.encode())
    assert (bad_date.returncode, bad_date.stderr.strip()) == (
        2, "error: --published: not an ISO date: 'someday' (e.g. 2026-11-19)")
    for done in (missing, bad_date):
        assert_no_traceback(done)


def test_invalid_settings_and_unknown_ids_exit_1_usage_errors_exit_2(tmp_path: Path) -> None:
    assert rasd(tmp_path, "feeds", "remove", "42").returncode == 1  # the operation failed
    assert rasd(tmp_path, "feeds", "remove", "forty-two").returncode == 2  # Click's own usage error
    bad = rasd(tmp_path, "feeds", "list", RASD_API_PORT="0")
    assert (bad.returncode, bad.stderr.strip()) == (
        1, "error: invalid settings: RASD_API_PORT='0': Input should be greater than or equal to 1")
