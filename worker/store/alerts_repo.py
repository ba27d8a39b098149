"""Alerts, per-region detector state, and webhook deliveries (one row per alert × endpoint)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.states import DeliveryState, Severity
from worker.store import story_index
from worker.store.filters import one_of
from worker.store.tables import alerts, deliveries, delivery_log, region_state, webhooks
from worker.store.upsert import insert_ignore_returning, upsert


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert's row; ``payload`` is the alert JSON object as webhooks, the CLI and the API give it."""

    id: str
    region_key: str
    severity: Severity
    window_start: datetime
    window_end: datetime
    payload: dict[str, Any]
    created_at: datetime


def _alert(row: Any) -> Alert:
    return Alert(id=row["id"], region_key=row["region_key"], severity=Severity(row["severity"]),
                 window_start=row["window_start"], window_end=row["window_end"], payload=dict(row["payload"]),
                 created_at=row["created_at"])


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A delivery claimed for sending, with its alert's payload and its endpoint (secrets kept out of repr)."""

    id: int
    alert_id: str
    webhook_id: int
    message_id: str
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime | None
    claimed_until: datetime | None
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]
    alert_created_at: datetime
    url: str
    secret: str = field(repr=False)
    previous_secret: str | None = field(repr=False)
    enabled: bool
    failing_since: datetime | None


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One attempt in an endpoint's delivery log."""

    id: int
    delivery_id: int
    webhook_id: int
    attempt: int
    at: datetime
    status: int | None
    outcome: str  # delivered | retry | failed | disabled
    error: str | None
    duration_ms: int | None

    def as_dict(self) -> dict[str, Any]:
        """The API's DeliveryLogOut object."""
        return asdict(self)


def get_region_states(conn: Connection, region_keys: list[str]) -> dict[str, dict[str, Any]]:
    """Detector states of these regions (one query); a region never evaluated is absent."""
    rows = conn.execute(sa.select(region_state.c.region_key, region_state.c.state)
                        .where(one_of(conn, region_state.c.region_key, region_keys)))
    return {str(k): dict(state) for k, state in rows}


def save_region_states(conn: Connection, states: dict[str, dict[str, Any]], now: datetime) -> None:
    upsert(conn, region_state, [{"region_key": k, "state": s, "updated_at": now} for k, s in sorted(states.items())],
           key=["region_key"], update=["state", "updated_at"])


def insert_alert(conn: Connection, alert_id: str, region_key: str, severity: str, window_start: datetime,
                 window_end: datetime, payload: dict[str, Any], now: datetime) -> bool:
    """Store an alert and queue one delivery per enabled endpoint. False if it existed (a re-run)."""
    created = insert_ignore_returning(conn, alerts, {
        "id": alert_id, "region_key": region_key, "severity": Severity(severity), "window_start": window_start,
        "window_end": window_end, "payload": payload, "created_at": now,
    }, key=["id"], returning=alerts.c.id)
    if created is None:
        return False
    story_index.index_alert(conn, alert_id, severity, payload)
    for (webhook_id,) in conn.execute(sa.select(webhooks.c.id).where(webhooks.c.enabled.is_(True))):
        queue_delivery(conn, alert_id, int(webhook_id), now)
    return True


def queue_delivery(conn: Connection, alert_id: str, webhook_id: int, now: datetime) -> None:
    upsert(conn, deliveries, {
        "alert_id": alert_id, "webhook_id": webhook_id, "message_id": f"msg_{alert_id}_{webhook_id}",
        "state": DeliveryState.PENDING, "attempts": 0, "next_attempt_at": now, "created_at": now,
    }, key=["alert_id", "webhook_id"])


def alerts_below_country_between(conn: Connection, country: str, start: datetime, end: datetime
                                 ) -> list[tuple[str, dict[str, Any]]]:
    """(region key, payload) of the country's district and admin1 alerts whose window overlaps ``[start, end]``."""
    q = (sa.select(alerts.c.region_key, alerts.c.payload)
         .where(sa.or_(alerts.c.region_key.startswith(f"{country}:admin1:", autoescape=True),
                       alerts.c.region_key.startswith(f"{country}:district:", autoescape=True)),
                alerts.c.window_end >= start, alerts.c.window_start <= end)
         .order_by(alerts.c.id))
    return [(str(r[0]), dict(r[1])) for r in conn.execute(q)]


def count_alerts(conn: Connection, *, since: datetime | None = None) -> int:
    q = sa.select(sa.func.count()).select_from(alerts)
    if since is not None:
        q = q.where(alerts.c.created_at >= since)
    return int(conn.execute(q).scalar_one())


def list_alerts(conn: Connection, *, since: datetime | None = None, region: str | None = None,
                severity: str | None = None, limit: int = 100, offset: int = 0,
                region_keys: list[str] | None = None) -> list[Alert]:
    """Newest first; ``region`` matches part of a key, ``region_keys`` exact keys."""
    q = sa.select(alerts).order_by(alerts.c.created_at.desc(), alerts.c.id).limit(limit).offset(offset)
    if since is not None:
        q = q.where(alerts.c.created_at >= since)
    if region:
        q = q.where(alerts.c.region_key.contains(region))
    if region_keys is not None:
        q = q.where(one_of(conn, alerts.c.region_key, region_keys))
    if severity:
        q = q.where(alerts.c.severity == severity)
    return [_alert(r) for r in conn.execute(q).mappings()]


def claim_due_deliveries(conn: Connection, now: datetime, limit: int, lease: timedelta) -> list[DueDelivery]:
    """Pending deliveries whose time has come, leased so that two dispatchers never send one twice."""
    due = (
        sa.select(deliveries.c.id)
        .where(deliveries.c.state == DeliveryState.PENDING, deliveries.c.next_attempt_at <= now,
               sa.or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until <= now))
        .order_by(deliveries.c.next_attempt_at)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = [int(r[0]) for r in conn.execute(
        sa.update(deliveries).where(deliveries.c.id.in_(due.scalar_subquery()))
        .values(claimed_until=now + lease).returning(deliveries.c.id))]
    if not ids:
        return []
    rows = conn.execute(
        sa.select(deliveries, alerts.c.payload, alerts.c.created_at.label("alert_created_at"),
                  webhooks.c.url, webhooks.c.secret, webhooks.c.previous_secret, webhooks.c.enabled,
                  webhooks.c.failing_since)
        .join(alerts, alerts.c.id == deliveries.c.alert_id)
        .join(webhooks, webhooks.c.id == deliveries.c.webhook_id)
        .where(deliveries.c.id.in_(ids))
        .order_by(deliveries.c.id)
    ).mappings()
    return [DueDelivery(**{**r, "state": DeliveryState(r["state"]), "payload": dict(r["payload"]),
                           "enabled": bool(r["enabled"])}) for r in rows]


def record_attempt(conn: Connection, delivery: DueDelivery, now: datetime, *, outcome: str,
                   status: int | None, error: str | None, duration_ms: int | None,
                   next_attempt_at: datetime | None, state: DeliveryState) -> None:
    attempt = delivery.attempts + 1
    conn.execute(sa.update(deliveries).where(deliveries.c.id == delivery.id).values(
        attempts=attempt, last_status=status, last_error=error, next_attempt_at=next_attempt_at,
        state=state, claimed_until=None, delivered_at=now if state == DeliveryState.DELIVERED else None))
    conn.execute(sa.insert(delivery_log).values(
        delivery_id=delivery.id, webhook_id=delivery.webhook_id, attempt=attempt, at=now, status=status,
        outcome=outcome, error=error, duration_ms=duration_ms))


def mark_endpoint(conn: Connection, webhook_id: int, now: datetime, *, ok: bool,
                  disable_reason: str | None = None) -> None:
    """Track continuous failure; disabling an endpoint cancels its pending deliveries."""
    if ok:
        conn.execute(sa.update(webhooks).where(webhooks.c.id == webhook_id).values(failing_since=None))
        return
    conn.execute(sa.update(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.failing_since.is_(None))
                 .values(failing_since=now))
    if disable_reason:
        conn.execute(sa.update(webhooks).where(webhooks.c.id == webhook_id)
                     .values(enabled=False, disabled_reason=disable_reason))
        conn.execute(sa.update(deliveries).where(deliveries.c.webhook_id == webhook_id,
                                                 deliveries.c.state == DeliveryState.PENDING)
                     .values(state=DeliveryState.CANCELLED, last_error=disable_reason))


def delivery_log_for(conn: Connection, webhook_id: int, limit: int = 50) -> list[DeliveryAttempt]:
    rows = conn.execute(sa.select(delivery_log).where(delivery_log.c.webhook_id == webhook_id)
                        .order_by(delivery_log.c.id.desc()).limit(limit)).mappings()
    return [DeliveryAttempt(**r) for r in rows]


def get_alert(conn: Connection, alert_id: str) -> Alert | None:
    row = conn.execute(sa.select(alerts).where(alerts.c.id == alert_id)).mappings().first()
    return _alert(row) if row else None


def alerts_in(conn: Connection, region_key: str, since: datetime, until: datetime) -> list[Alert]:
    """The region's alerts whose window overlaps [since, until), oldest first."""
    rows = conn.execute(sa.select(alerts).where(alerts.c.region_key == region_key, alerts.c.window_end > since,
                                                alerts.c.window_start < until)
                        .order_by(alerts.c.window_end, alerts.c.id)).mappings()
    return [_alert(r) for r in rows]


def latest_severities(conn: Connection, since: datetime) -> dict[str, Severity]:
    """Per region, the highest severity of its alerts whose window ended from ``since``."""
    out: dict[str, Severity] = {}
    for key, stored in conn.execute(sa.select(alerts.c.region_key, alerts.c.severity)
                                    .where(alerts.c.window_end >= since).distinct()):
        severity, known = Severity(stored), out.get(str(key))
        if known is None or severity.rank > known.rank:
            out[str(key)] = severity
    return out
