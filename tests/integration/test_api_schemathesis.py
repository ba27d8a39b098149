"""Property-based API test: Schemathesis drives every operation of the committed spec
(docs/openapi.json) against the real app (ASGI transport, temp SQLite, real Valkey) with an admin
token; no input may cause a server error and every response must match its declared schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.integration.harness import REPO
from tests.integration.test_api import fake_resolver, make_settings
from worker.api.app import create_app
from worker.resources import Resources
from worker.store import feeds_repo, tokens_repo, webhooks_repo
from worker.store.db import migrate

pytestmark = [pytest.mark.integration]

SPEC = REPO / "docs" / "openapi.json"
NOW = datetime(2025, 2, 1, 12, 0, tzinfo=UTC)


@pytest.fixture()
def api_res(tmp_path: Path, redis_url: str) -> Iterator[Resources]:
    settings = make_settings(tmp_path, redis_url)
    migrate(settings.effective_database_url)
    res = Resources(settings)
    with res.engine.begin() as conn:
        feeds_repo.add_feed(conn, "https://feeds.example.org/rss", NOW, name="مثال")
        # a loopback endpoint that only the guard ever sees: test-sends are refused, never sent
        webhooks_repo.add_webhook(conn, "http://127.0.0.1:9/hook", "whsec_" + "A" * 32, NOW)
    yield res
    res.close()


# Schemathesis builds its tests at import time, so the app is built here and the per-test
# Resources (temp database, clean Valkey) are bound to it by the ``admin_token`` fixture.
APP = create_app(None, resolver=fake_resolver)
# /metrics is left out: its scrape-time snapshot pings workers through the import-time Celery app,
# whose broker is not this test's (it belongs to the ops module and has its own tests).
schema = schemathesis.openapi.from_path(SPEC).exclude(path="/metrics")
schema.app = APP


@pytest.fixture()
def admin_token(api_res: Resources) -> Iterator[str]:
    with api_res.engine.begin() as conn:
        token = tokens_repo.create_token(conn, "schemathesis", "admin", NOW)[1]
    APP.state.resources = api_res
    yield token
    APP.state.resources = None


@schema.parametrize()
@hsettings(max_examples=20, deadline=None, derandomize=True, database=None,
           suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_spec(case: Case, admin_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"},
                           checks=[not_a_server_error, response_schema_conformance])
