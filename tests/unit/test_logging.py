"""One log stream: structlog events and library records (Celery, uvicorn, alembic, SQLAlchemy) leave as
JSON lines through one handler, secrets masked."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import structlog

from tests.conftest import wait_for
from worker.broker import free_port
from worker.logging import HANDLER_NAME, configure_logging, get_logger
from worker.settings import Settings


@pytest.fixture()
def stream() -> Iterator[io.StringIO]:
    out = io.StringIO()
    configure_logging(Settings(log_level="INFO"), stream=out)  # type: ignore[arg-type]
    yield out
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if h.get_name() != HANDLER_NAME]
    root.setLevel(logging.WARNING)
    logging.captureWarnings(False)
    structlog.reset_defaults()


def lines(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_library_records_and_structlog_events_share_one_json_stream(stream: io.StringIO) -> None:
    logging.getLogger("celery.worker.consumer.connection").info("Connected to %s", "redis://:hunter2@h:6379/0")
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET",
                                             "/alerts?token=hunter2&limit=5", "1.1", 200)
    logging.getLogger("sqlalchemy.engine").warning("cannot reach postgresql://rasd:hunter2@db/rasd")
    logging.getLogger("alembic.runtime.migration").warning("upgrade failed")
    logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")  # quiet below DEBUG
    get_logger("worker.test").info("webhook.added", secret="whsec_hunter2", url="https://u:hunter2@h/x")
    got = lines(stream)
    assert "hunter2" not in stream.getvalue()
    assert [(g["logger"], g["level"], g["event"]) for g in got] == [
        ("celery.worker.consumer.connection", "info", "Connected to redis://:***@h:6379/0"),
        ("uvicorn.access", "info", '127.0.0.1:5 - "GET /alerts?token=***&limit=5 HTTP/1.1" 200'),
        ("sqlalchemy.engine", "warning", "cannot reach postgresql://rasd:***@db/rasd"),
        ("alembic.runtime.migration", "warning", "upgrade failed"),
        ("worker.test", "info", "webhook.added"),
    ]
    assert got[-1]["secret"] == "***" and got[-1]["url"] == "https://u:***@h/x"
    assert all(str(g["timestamp"]).endswith("Z") for g in got)


def test_warnings_and_bearer_tokens_are_log_lines_too(stream: io.StringIO) -> None:
    import warnings

    warnings.warn("running as root", UserWarning, stacklevel=1)
    logging.getLogger("uvicorn.error").error("rejected header Authorization: Bearer abc.DEF-123")
    got = lines(stream)
    assert got[0]["logger"] == "py.warnings" and "running as root" in str(got[0]["event"])
    assert got[1]["event"] == "rejected header Authorization: Bearer ***"


def test_api_process_logs_uvicorn_as_json_with_the_query_secret_masked(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASD_")}
    env.update({"RASD_DATA_DIR": str(tmp_path), "RASD_API_PORT": str(port), "RASD_IMPORT_FEEDS_ON_START": "false"})
    log = tmp_path / "api.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "worker.cli", "api"], env=env, cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True)
        try:
            def up() -> bool:
                try:
                    return httpx.get(f"http://127.0.0.1:{port}/healthz?token=hunter2", timeout=1).status_code == 200
                except httpx.HTTPError:
                    return False

            wait_for(up, 60, interval=0.1, what="the API to answer")
            wait_for(lambda: "/healthz" in log.read_text(), 10, what="the access log line")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
    text = log.read_text(encoding="utf-8")
    assert "hunter2" not in text
    records = [json.loads(line) for line in text.splitlines()]  # every line is JSON
    access = [r for r in records if r.get("logger") == "uvicorn.access"]
    assert access and str(access[0]["event"]).endswith('"GET /healthz?token=*** HTTP/1.1" 200')
    assert any(r.get("logger") == "uvicorn.error" and r["event"] == "Application startup complete." for r in records)
