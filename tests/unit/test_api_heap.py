"""The API moves its start-up heap out of the collector's view (docs/decisions/api-gc-freeze.md)."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from worker.api.app import create_app


def test_the_api_freezes_what_start_up_built() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        with TestClient(create_app()) as client:
            assert gc.get_freeze_count() > 0
            assert client.get("/healthz").json() == {"status": "ok"}
    finally:
        gc.unfreeze()
