"""A small webhook receiver for tests, ``rasd demo`` and people trying Rasd out.

Threaded stdlib HTTP server on 127.0.0.1 (free port) that verifies Standard Webhooks signatures
with :func:`worker.alerts.signing.verify`, records every request, and can be told to misbehave
(fail with a status, answer 410/429 with ``Retry-After``, hang) for N requests or until reset.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

from worker.alerts.signing import DEFAULT_TOLERANCE, SignatureError, verify
from worker.clock import utcnow

MAX_BODY = 1_048_576


@dataclass(frozen=True)
class Received:
    """One request as the receiver saw it."""

    webhook_id: str | None
    timestamp: str | None
    headers: dict[str, str]
    body: Any  # parsed JSON, or None when the body was not JSON
    raw: bytes
    verified: bool
    reason: str | None  # why verification failed, or the failure mode that answered
    status: int  # what the receiver answered
    received_at: datetime


@dataclass
class _Mode:
    status: int | None = None
    retry_after: str | None = None
    hang: float = 0.0
    remaining: int | None = None  # None = until reset


def format_alert(alert: dict[str, Any]) -> str:
    """One readable line for a verified alert (used by ``rasd demo``), or for another event such as
    ``rasd webhooks test``'s ``webhook.test``."""
    if "region" not in alert or "severity" not in alert:
        return f"[{str(alert.get('type', 'event')).upper()}] id {alert.get('id')} at {alert.get('created_at')}"
    region = alert.get("region") or {}
    cas = alert.get("casualties") or {}
    kws = ", ".join(list((alert.get("keywords") or {}).keys())[:5])
    return (
        f"[{str(alert.get('severity', '?')).upper():8}] {region.get('name_en')} / {region.get('name_ar')} "
        f"({region.get('country')})  {alert.get('observed')} stories vs {alert.get('expected')} expected, "
        f"p={_g(alert.get('p_value'))}  killed={cas.get('killed')} injured={cas.get('injured')}  "
        f"window {alert.get('window', {}).get('start')}..{alert.get('window', {}).get('end')}"
        + (f"  keywords: {kws}" if kws else "")
    )


def _g(value: Any) -> str:
    return f"{value:.2g}" if isinstance(value, (int, float)) else str(value)


class WebhookReceiver:
    """Context manager: ``with WebhookReceiver([secret]) as rx: ... rx.url ... rx.wait_for(1, 5)``."""

    def __init__(
        self,
        secrets: Sequence[str],
        clock: Callable[[], datetime] = utcnow,
        tolerance: int = DEFAULT_TOLERANCE,
        echo: TextIO | None = None,
        port: int = 0,
    ) -> None:
        self.secrets = list(secrets)
        self.clock = clock
        self.tolerance = tolerance
        self.echo = echo
        self.port = port  # 0: any free port
        self.deliveries: list[Received] = []
        self._mode = _Mode()
        self._cond = threading.Condition()
        self._in_flight = 0  # requests being handled, so stop() can wait for them
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- failure modes --------------------------------------------------------------------
    def fail(self, status: int, count: int | None = None, retry_after: str | int | None = None) -> None:
        """Answer ``status`` (e.g. 500, 410, 429) to the next ``count`` requests (None = until reset)."""
        with self._cond:
            self._mode = _Mode(status=status, retry_after=None if retry_after is None else str(retry_after),
                               remaining=count)

    def hang(self, seconds: float, count: int | None = None) -> None:
        """Hold the next ``count`` requests for ``seconds`` before answering normally (cut short on exit)."""
        with self._cond:
            self._mode = _Mode(hang=seconds, remaining=count)

    def reset(self) -> None:
        with self._cond:
            self._mode = _Mode()

    def _take_mode(self) -> _Mode:
        with self._cond:
            mode = self._mode
            if mode.remaining is not None:
                mode.remaining -= 1
                if mode.remaining <= 0:
                    self._mode = _Mode()
            return _Mode(mode.status, mode.retry_after, mode.hang, None)

    # --- lifecycle ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("receiver not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                with receiver._cond:
                    receiver._in_flight += 1
                try:
                    receiver._handle(self)
                finally:
                    with receiver._cond:
                        receiver._in_flight -= 1
                        receiver._cond.notify_all()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="webhook-receiver",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        with self._cond:  # a request cut short by the stop is recorded before stop() returns
            self._cond.wait_for(lambda: self._in_flight == 0, timeout=5)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- requests -------------------------------------------------------------------------
    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until ``count`` requests were recorded; raise TimeoutError otherwise."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.deliveries) >= count, timeout=timeout):
                raise TimeoutError(f"expected {count} deliveries, got {len(self.deliveries)} in {timeout}s")
            return list(self.deliveries)

    @property
    def verified(self) -> list[Received]:
        with self._cond:
            return [d for d in self.deliveries if d.verified]

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        length = int(req.headers.get("content-length") or 0)
        raw = req.rfile.read(min(length, MAX_BODY)) if length > 0 else b""
        headers = {k.lower(): v for k, v in req.headers.items()}
        now = self.clock()
        verified, reason = False, None
        try:
            verify(headers, raw, self.secrets, now, self.tolerance)
            verified = True
        except SignatureError as exc:
            reason = exc.reason
        try:
            body: Any = json.loads(raw) if raw else None
        except (ValueError, UnicodeDecodeError):
            body = None
        mode = self._take_mode()
        if mode.hang > 0:
            self._stop.wait(mode.hang)
        if mode.status is not None:
            status, reason = mode.status, reason or f"failure mode: {mode.status}"
        else:
            status = 204 if verified else 401
        rec = Received(
            webhook_id=headers.get("webhook-id"), timestamp=headers.get("webhook-timestamp"), headers=headers,
            body=body, raw=raw, verified=verified, reason=reason, status=status, received_at=now,
        )
        # Echo before recording: a caller that waited for the delivery then sees its line.
        if self.echo is not None and verified and mode.status is None and isinstance(body, dict):
            print(format_alert(body), file=self.echo, flush=True)
        with self._cond:
            self.deliveries.append(rec)
            self._cond.notify_all()
        try:
            req.send_response(status)
            if mode.retry_after is not None:
                req.send_header("Retry-After", mode.retry_after)
            req.send_header("Content-Length", "0")
            req.end_headers()
        except OSError:
            pass  # the sender gave up (timeout); the request is still recorded


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m worker.alerts.receiver [--port N] SECRET...``: print the URL, then each verified event."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m worker.alerts.receiver",
                                     description="Receive and verify Rasd webhooks (Standard Webhooks signatures).")
    parser.add_argument("secrets", nargs="+", metavar="SECRET", help="whsec_... secret(s) of the endpoint")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    args = parser.parse_args(argv)
    try:
        rx = WebhookReceiver(args.secrets, echo=sys.stdout, port=args.port).start()
    except OSError as exc:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"listening on {rx.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        rx.stop()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
