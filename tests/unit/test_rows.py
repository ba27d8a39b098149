"""Typed rows: frozen dataclasses, StrEnum states that are stored as their plain values."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from worker.states import JOB_ACTIVE, JOB_FINAL, DeliveryState, ItemState, JobState, Severity
from worker.store.jobs_repo import Job
from worker.store.tokens_repo import Token
from worker.store.webhooks_repo import Webhook

T = datetime(2026, 11, 19, tzinfo=UTC)


def test_states_are_their_stored_strings() -> None:
    assert [str(s) for s in ItemState] == ["pending", "processed", "dead"]
    assert [str(s) for s in DeliveryState] == ["pending", "delivered", "failed", "cancelled"]
    assert [str(s) for s in JobState] == ["queued", "running", "done", "failed", "cancelled"]
    assert [str(s) for s in Severity] == ["watch", "warning", "critical"]
    assert JobState("done") is JobState.DONE and JobState.DONE == "done"
    assert set(JOB_ACTIVE) | set(JOB_FINAL) == set(JobState) and not set(JOB_ACTIVE) & set(JOB_FINAL)


def test_rows_are_frozen_and_a_webhook_repr_hides_its_secrets() -> None:
    hook = Webhook(id=1, url="https://example.org/hook", secret="whsec_topsecretvalue",
                   previous_secret="whsec_oldsecretvalue", enabled=True, disabled_reason=None, failing_since=None,
                   created_at=T)
    assert "topsecretvalue" not in repr(hook) and "oldsecretvalue" not in repr(hook)
    job = Job(id="j", kind="reprocess", params={"outcome": {"new": 2}}, state=JobState.DONE, total=2, done=2,
              error=None, cancel_requested=False, created_at=T, updated_at=T)
    assert job.outcome == {"new": 2}
    for row in (hook, job, Token(id=1, name="ci", scope="read", created_at=T, revoked_at=None)):
        with pytest.raises(dataclasses.FrozenInstanceError):
            row.id = 2  # type: ignore[misc]
