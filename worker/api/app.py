"""FastAPI application: health, readiness and metrics (routers for feeds, alerts, webhooks, jobs
are added in worker/api/routes_*.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse

from worker import metrics
from worker.resources import Resources, get_resources


def create_app(resources: Resources | None = None) -> FastAPI:
    app = FastAPI(title="Rasd", version="0.1.0", description="Arabic news monitoring: casualties, entities, alerts")
    app.state.resources = resources

    def res() -> Resources:
        return app.state.resources or get_resources()

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"])
    def readyz() -> Response:
        """Readiness: the broker and the database answer."""
        checks: dict[str, Any] = {}
        try:
            checks["broker"] = bool(res().redis.ping())
        except Exception as exc:
            checks["broker"] = f"error: {type(exc).__name__}"
        try:
            with res().engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            checks["database"] = True
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        ok = all(v is True for v in checks.values())
        return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks},
                            status_code=200 if ok else 503)

    @app.get("/metrics", tags=["ops"])
    def prometheus_metrics() -> Response:
        body, content_type = metrics.render_metrics()
        return Response(body, media_type=content_type)

    return app
