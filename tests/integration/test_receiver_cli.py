"""The bundled webhook receiver as a user runs it: `python -m worker.alerts.receiver --port N SECRET`."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import UTC, datetime

import httpx
import pytest

from tests.integration.harness import REPO
from worker.alerts.signing import generate_secret, sign_headers
from worker.services import webhooks

pytestmark = [pytest.mark.integration]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def read_line(proc: subprocess.Popen[str], timeout: float = 15) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    line = proc.stdout.readline()  # the receiver flushes every line it prints
    assert line and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
    return line.rstrip("\n")


def test_receiver_prints_its_url_first_and_survives_a_test_event() -> None:
    secret, port = generate_secret(), free_port()
    proc = subprocess.Popen([sys.executable, "-m", "worker.alerts.receiver", "--port", str(port), secret],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert read_line(proc) == f"listening on http://127.0.0.1:{port}/hook"
        for _ in range(2):  # a second event proves the first did not break the handler
            msg_id, body = webhooks.test_event(datetime.now(UTC))
            headers = sign_headers(msg_id, int(time.time()), body, [secret])
            r = httpx.post(f"http://127.0.0.1:{port}/hook", content=body,
                           headers={**headers, "Content-Type": "application/json"}, timeout=10)
            assert r.status_code in (200, 204)
            line = read_line(proc)
            assert line.startswith(f"[WEBHOOK.TEST] id {msg_id} at ")
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(10)


def test_receiver_refuses_a_port_in_use() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "worker.alerts.receiver", "--port", str(port), generate_secret()],
                              cwd=REPO, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
    assert "Traceback" not in done.stderr
