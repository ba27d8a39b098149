"""FastAPI application: health, readiness and metrics here; feeds, re-ingest jobs, alerts, articles,
webhooks and tokens in worker/api/routes_*.py. Every data endpoint needs a bearer token
(worker/api/auth.py); request bodies are capped (worker/api/body_limit.py)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from worker import metrics
from worker.api import (
    routes_alerts,
    routes_feeds,
    routes_jobs,
    routes_regions,
    routes_stories,
    routes_tokens,
    routes_webhooks,
)
from worker.api.auth import document_auth
from worker.api.body_limit import BodyLimitMiddleware
from worker.feeds.ssrf import Resolver
from worker.logging import get_logger
from worker.resources import Resources, get_resources

log = get_logger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


@asynccontextmanager
async def freeze_startup_heap(app: FastAPI) -> AsyncIterator[None]:
    """Move what start-up built (modules, routes, tables) out of the collector's view, so full
    collections under load scan only per-request objects (docs/decisions/api-gc-freeze.md)."""
    gc.freeze()
    yield


def create_app(resources: Resources | None = None, *, resolver: Resolver | None = None) -> FastAPI:
    """``resources`` default to the process's own; ``resolver`` is the DNS used by the SSRF checks of
    submitted URLs (tests pass one so that no name is ever looked up)."""
    app = FastAPI(title="Rasd", version="0.1.0", description="Arabic news monitoring: casualties, entities, alerts",
                  docs_url=None, redoc_url=None, lifespan=freeze_startup_heap)
    app.state.resources = resources
    app.state.resolver = resolver
    for module in (routes_feeds, routes_jobs, routes_alerts, routes_stories, routes_regions, routes_webhooks,
                   routes_tokens):
        document_auth(module.router)
        app.include_router(module.router)
    app.add_middleware(BodyLimitMiddleware, limit=lambda: (app.state.resources or get_resources())
                       .settings.api_max_body_bytes)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        """The dashboard (its data comes from the read API with the user's token or open reads)."""
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI from the vendored assets: works with no internet."""
        return get_swagger_ui_html(openapi_url="openapi.json", title="Rasd API",
                                   swagger_js_url="static/vendor/swagger-ui-dist/swagger-ui-bundle.js",
                                   swagger_css_url="static/vendor/swagger-ui-dist/swagger-ui.css",
                                   swagger_favicon_url="static/favicon.svg")

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
        from worker.services.status import snapshot

        try:  # deployment-wide gauges are computed at scrape time, here, so they are never stale
            metrics.apply_snapshot(snapshot(res()))
        except Exception as exc:  # the scrape still answers with the process metrics
            log.warning("metrics.snapshot_failed", error=f"{type(exc).__name__}: {exc}")
        body, content_type = metrics.render_metrics()
        return Response(body, media_type=content_type)

    return app
