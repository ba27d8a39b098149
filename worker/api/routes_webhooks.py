"""Webhook endpoints: add (SSRF-checked, secret generated or validated), list (secrets masked),
show, remove, send a signed test event, delivery log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from worker.api.auth import Admin, Reader, Res
from worker.api.routes_feeds import NOT_FOUND, checked_url
from worker.api.schemas import DeliveryLogOut, IdPath, Problem, WebhookIn, WebhookOut, WebhookTestOut
from worker.errors import RasdError
from worker.services.webhooks import resolve_secret, send_test
from worker.store import alerts_repo, webhooks_repo

router = APIRouter(tags=["webhooks"])


def webhook_view(hook: webhooks_repo.Webhook, *, reveal: bool = False) -> dict[str, Any]:
    return {"id": hook.id, "url": hook.url, "enabled": hook.enabled, "disabled_reason": hook.disabled_reason,
            "failing_since": hook.failing_since, "created_at": hook.created_at,
            "secret": hook.secret if reveal else webhooks_repo.mask_secret(hook.secret)}


def _get(res: Res, webhook_id: int) -> webhooks_repo.Webhook:
    with res.engine.connect() as conn:
        row = webhooks_repo.get_webhook(conn, webhook_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no webhook {webhook_id}")
    return row


@router.get("/webhooks", response_model=list[WebhookOut])
def list_webhooks(res: Res, _: Admin) -> list[dict[str, Any]]:
    with res.engine.connect() as conn:
        return [webhook_view(r) for r in webhooks_repo.list_webhooks(conn)]


@router.post("/webhooks", response_model=WebhookOut, status_code=201, responses={400: {"model": Problem}})
def add_webhook(body: WebhookIn, request: Request, res: Res, _: Admin) -> dict[str, Any]:
    """Register an endpoint. A generated secret is shown in this response only; a given one never is."""
    url = checked_url(request, res, body.url.strip())
    try:
        secret, generated = resolve_secret(body.secret)
    except RasdError as exc:
        raise HTTPException(status_code=400, detail=exc.reason) from None
    with res.engine.begin() as conn:
        webhook_id = webhooks_repo.add_webhook(conn, url, secret, datetime.now(UTC))
        row = webhooks_repo.get_webhook(conn, webhook_id)
    assert row is not None  # inserted in this transaction
    return webhook_view(row, reveal=generated)


@router.get("/webhooks/{webhook_id}", response_model=WebhookOut, responses=NOT_FOUND)
def get_webhook(webhook_id: IdPath, res: Res, _: Admin) -> dict[str, Any]:
    return webhook_view(_get(res, webhook_id))


@router.delete("/webhooks/{webhook_id}", status_code=204, responses=NOT_FOUND)
def remove_webhook(webhook_id: IdPath, res: Res, _: Admin) -> Response:
    with res.engine.begin() as conn:
        if not webhooks_repo.remove_webhook(conn, webhook_id):
            raise HTTPException(status_code=404, detail=f"no webhook {webhook_id}")
    return Response(status_code=204)


@router.post("/webhooks/{webhook_id}/test", response_model=WebhookTestOut, responses=NOT_FOUND)
def test_webhook(webhook_id: IdPath, res: Res, _: Admin) -> dict[str, Any]:
    """Send one signed ``webhook.test`` event now and report what the endpoint answered."""
    return send_test(res, _get(res, webhook_id))


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryLogOut], responses=NOT_FOUND)
def deliveries(webhook_id: IdPath, res: Res, _: Reader,
               limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[dict[str, Any]]:
    """Delivery attempts to this endpoint, newest first."""
    _get(res, webhook_id)
    with res.engine.connect() as conn:
        return [attempt.as_dict() for attempt in alerts_repo.delivery_log_for(conn, webhook_id, limit)]
