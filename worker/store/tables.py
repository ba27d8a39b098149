"""SQLAlchemy Core tables. Natural keys carry unique constraints so every write can be an upsert."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (SQLite has no time zones), always returned timezone-aware."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.String(2048), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("country", sa.String(2)),
    sa.Column("language", sa.String(10), server_default="ar"),
    sa.Column("interval", sa.Integer, nullable=False, server_default="300"),
    sa.Column("tags", JSONType),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.text("true")),
    sa.Column("paused_reason", sa.Text),
    sa.Column("next_check_at", UTCDateTime, nullable=False),
    sa.Column("claimed_until", UTCDateTime),
    sa.Column("etag", sa.String(512)),
    sa.Column("last_modified", sa.String(128)),
    sa.Column("body_hash", sa.String(64)),
    sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_fetched_at", UTCDateTime),
    sa.Column("last_ok_at", UTCDateTime),
    sa.Column("items_total", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_new_item_at", UTCDateTime),  # the last fetch that stored a new item
    sa.Index("ix_feeds_due", "enabled", "next_check_at"),
)

# Digests of the items a feed's last stored fetch listed (worker.feeds.known_items): the next fetch
# parses only the items that are not among them. Kept apart from ``feeds`` so feed listings stay small.
feed_item_digests = sa.Table(
    "feed_item_digests",
    metadata,
    sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("digests", sa.LargeBinary, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
    sa.Column("source", sa.String(200), nullable=False, server_default=""),
    sa.Column("unique_key", sa.String(128), nullable=False, unique=True),
    sa.Column("guid", sa.String(2048)),
    sa.Column("url", sa.String(2048)),
    sa.Column("canonical_url", sa.String(2048), index=True),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
    sa.Column("content", sa.Text, nullable=False, server_default=""),
    sa.Column("fulltext", sa.Text),
    sa.Column("fulltext_error", sa.Text),
    sa.Column("author", sa.String(500)),
    sa.Column("categories", JSONType),
    sa.Column("language", sa.String(10)),
    sa.Column("published", UTCDateTime),
    sa.Column("event_time", UTCDateTime, nullable=False, index=True),
    sa.Column("fetched_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    # pending -> processed | dead (after max attempts, with last_error)
    sa.Column("state", sa.String(16), nullable=False, server_default="pending", index=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("story_id", sa.Integer, index=True),
    sa.Column("duplicate_of", sa.Integer),
    sa.Column("similarity", sa.Float),
    sa.Column("text_clean", sa.Text, nullable=False),
    sa.Column("removed_paragraphs", sa.Integer, nullable=False, server_default="0"),
    sa.Column("casualties", JSONType),
    sa.Column("totals", JSONType),
    sa.Column("entities", JSONType),
    sa.Column("keywords", JSONType),
    sa.Column("escalation_score", sa.Float, nullable=False, server_default="0"),
    sa.Column("regions", JSONType),
    sa.Column("processed_at", UTCDateTime, nullable=False),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # the first article's item id
    sa.Column("first_seen", UTCDateTime, nullable=False),
    sa.Column("event_time", UTCDateTime, nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("url", sa.String(2048)),
    sa.Column("size", sa.Integer, nullable=False, server_default="1"),
    sa.Column("sources", JSONType),
    sa.Column("totals", JSONType),
    sa.Column("regions", JSONType),
    sa.Column("keywords", JSONType),
    sa.Column("escalation_score", sa.Float, nullable=False, server_default="0"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # Its first article (lowest item id), which gives the title, url and keywords: with it, new
    # copies extend the row instead of reading every article back (NULL: the story predates it and
    # is recomputed in full when next touched).
    sa.Column("first_item_id", sa.Integer),
)

webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("secret", sa.String(200), nullable=False),
    sa.Column("previous_secret", sa.String(200)),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.text("true")),
    sa.Column("disabled_reason", sa.Text),
    sa.Column("failing_since", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("region_key", sa.String(200), nullable=False, index=True),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("window_start", UTCDateTime, nullable=False),
    sa.Column("window_end", UTCDateTime, nullable=False),
    sa.Column("payload", JSONType, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False, index=True),
    sa.UniqueConstraint("region_key", "window_end", "severity", name="uq_alerts_region_window_severity"),
)

region_state = sa.Table(
    "region_state",
    metadata,
    sa.Column("region_key", sa.String(200), primary_key=True),
    sa.Column("state", JSONType, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("alert_id", sa.String(64), sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("webhook_id", sa.Integer, sa.ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("message_id", sa.String(64), nullable=False),
    # pending -> delivered | failed (gave up) | cancelled (endpoint disabled)
    sa.Column("state", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UTCDateTime),
    sa.Column("claimed_until", UTCDateTime),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("delivered_at", UTCDateTime),
    sa.UniqueConstraint("alert_id", "webhook_id", name="uq_deliveries_alert_webhook"),
    sa.Index("ix_deliveries_due", "state", "next_attempt_at"),
)

delivery_log = sa.Table(
    "delivery_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False),
    sa.Column("webhook_id", sa.Integer, nullable=False, index=True),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("status", sa.Integer),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("duration_ms", sa.Integer),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("scope", sa.String(16), nullable=False),  # read | admin
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("params", JSONType),
    sa.Column("state", sa.String(16), nullable=False),  # queued | running | done | failed | cancelled
    sa.Column("total", sa.Integer, nullable=False, server_default="0"),
    sa.Column("done", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.Text),
    sa.Column("cancel_requested", sa.Boolean, nullable=False, server_default=sa.text("false")),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Read-side indexes of stories, written with them (worker.store.story_index): which regions each
# story is in (region filters and timelines without scanning the stories' JSON), the story's
# search text (Arabic matching form, full-text indexed: FTS5 on SQLite, a GIN index on PostgreSQL)
# and actors, and which alerts each story is behind.
story_regions = sa.Table(
    "story_regions",
    metadata,
    sa.Column("story_id", sa.Integer, primary_key=True),
    sa.Column("region_key", sa.String(200), primary_key=True),
    sa.Column("country", sa.String(2)),
    sa.Column("event_time", UTCDateTime, nullable=False),
    sa.Index("ix_story_regions_region_time", "region_key", "event_time"),
    sa.Index("ix_story_regions_country_time", "country", "event_time"),
)

story_docs = sa.Table(
    "story_docs",
    metadata,
    sa.Column("story_id", sa.Integer, primary_key=True),
    sa.Column("first_item_id", sa.Integer, nullable=False),
    sa.Column("doc", sa.Text, nullable=False, server_default=""),
    sa.Column("actors", JSONType),
)

alert_stories = sa.Table(
    "alert_stories",
    metadata,
    sa.Column("alert_id", sa.String(64), sa.ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("story_id", sa.Integer, primary_key=True, index=True),
    sa.Column("severity", sa.String(16), nullable=False),
)
