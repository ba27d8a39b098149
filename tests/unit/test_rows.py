"""Typed rows: frozen dataclasses with their table's columns in its order (JSON lines keep the key
order they had as dicts), StrEnum states that are stored as their plain values."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from worker.states import JOB_ACTIVE, JOB_FINAL, DeliveryState, ItemState, JobState, Severity
from worker.store.alerts_repo import Alert, DeliveryAttempt, DueDelivery
from worker.store.articles_repo import ArticleListing, Story
from worker.store.feeds_repo import Feed
from worker.store.items_repo import DeadLetter, Item
from worker.store.jobs_repo import Job
from worker.store.stories_repo import ListedStory
from worker.store.tables import alerts, deliveries, delivery_log, feeds, items, stories
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


@pytest.mark.parametrize(("row", "table"), [(Feed, feeds), (Item, items), (Story, stories), (Alert, alerts),
                                            (DeliveryAttempt, delivery_log)])
def test_a_row_has_its_tables_columns_in_order(row: type, table: sa.Table) -> None:
    assert [f.name for f in dataclasses.fields(row)] == [c.name for c in table.columns]


def test_joined_rows_add_their_extra_columns_after_the_tables() -> None:
    assert [f.name for f in dataclasses.fields(ListedStory)] == [c.name for c in stories.columns] + ["actors"]
    assert [f.name for f in dataclasses.fields(DueDelivery)] == [c.name for c in deliveries.columns] + [
        "payload", "alert_created_at", "url", "secret", "previous_secret", "enabled", "failing_since"]


def test_every_repository_row_is_frozen() -> None:
    for row in (Feed, Item, DeadLetter, Story, ArticleListing, ListedStory, Alert, DueDelivery, DeliveryAttempt):
        assert row.__dataclass_params__.frozen, row.__name__  # type: ignore[attr-defined]


def test_severities_rank_watch_below_warning_below_critical() -> None:
    assert [s.rank for s in (Severity.WATCH, Severity.WARNING, Severity.CRITICAL)] == [1, 2, 3]
    assert max([Severity("warning"), Severity("critical"), Severity("watch")], key=lambda s: s.rank) == "critical"
    with pytest.raises(ValueError):
        Severity("severe")
