"""Webhook endpoints: secret handling and the signed test event (shared by the API and the CLI)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from worker.alerts import delivery as policy
from worker.alerts.signing import decode_secret, generate_secret, sign_headers
from worker.clock import utcnow
from worker.resources import Resources
from worker.store.webhooks_repo import Webhook


def resolve_secret(given: str | None) -> tuple[str, bool]:
    """``(secret, generated)``: a new ``whsec_`` secret when none is given, else the given one
    checked to decode to at least 24 bytes (raises InvalidSecret with the reason)."""
    if not given:
        return generate_secret(), True
    decode_secret(given)
    return given, False


def test_event(now: datetime) -> tuple[str, bytes]:
    """A ``webhook.test`` message id and body, so a receiver can check its signature handling."""
    msg_id = f"msg_test_{uuid.uuid4().hex}"
    body = {"type": "webhook.test", "id": msg_id, "created_at": now.astimezone(UTC).isoformat(),
            "message": "Rasd test event: if this verified, alerts will too."}
    return msg_id, json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def send_test(res: Resources, webhook: Webhook, now: datetime | None = None) -> dict[str, Any]:
    """Send one signed test event now (SSRF-guarded, no retries, not recorded as a delivery)."""
    from worker.services.alerting import webhook_client

    now = now or utcnow()
    msg_id, body = test_event(now)
    secrets = [s for s in (webhook.secret, webhook.previous_secret) if s]
    headers = sign_headers(msg_id, int(now.timestamp()), body, secrets)
    with webhook_client(res) as client:
        result = policy.send_webhook(client, webhook.url, body, headers, timeout=res.settings.webhook_timeout,
                                     url_guard=policy.ssrf_guard(res.settings.allow_hosts))
    ok = result.status is not None and 200 <= result.status < 300
    return {"message_id": msg_id, "ok": ok, "status": result.status, "error": result.error,
            "duration_ms": int(result.duration * 1000)}
