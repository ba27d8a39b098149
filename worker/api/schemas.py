"""Request and response bodies of the HTTP API (pydantic), so the OpenAPI spec is meaningful."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL; larger path/body ids are 422, never a 500
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


def as_utc(value: datetime | None) -> datetime | None:
    """Naive times are taken as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Problem(BaseModel):
    detail: str


class FeedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2048, description="http(s) URL of an RSS/Atom/RDF feed (SSRF-checked)")
    name: str = Field("", max_length=200)
    interval: int | None = Field(None, ge=30, le=7 * 86400, description="seconds between checks")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")


class FeedOut(BaseModel):
    id: int
    url: str
    name: str
    country: str | None
    language: str | None
    interval: int
    tags: list[str] | None
    enabled: bool
    paused_reason: str | None
    next_check_at: datetime
    error_count: int
    last_error: str | None
    last_status: int | None
    last_fetched_at: datetime | None
    last_ok_at: datetime | None
    items_total: int
    created_at: datetime
    last_new_item_at: datetime | None = Field(None, description="the last fetch that stored a new item")


class ReprocessWindow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    since: datetime | None = Field(None, description="event time from (inclusive); naive = UTC")
    until: datetime | None = Field(None, description="event time until (exclusive); naive = UTC")
    feed: int | None = Field(None, ge=1, le=MAX_ID)

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, v: datetime | None) -> datetime | None:
        return as_utc(v)


class ReingestIn(BaseModel):
    """Exactly one of: ``{"feed": id, "force": bool}``, ``{"url": "..."}``, ``{"reprocess": {...}}``."""

    model_config = ConfigDict(extra="forbid")
    feed: int | None = Field(None, ge=1, le=MAX_ID, description="re-fetch this feed now")
    force: bool = Field(False, description="with feed: ignore ETag/Last-Modified and re-read the body")
    url: str | None = Field(None, max_length=2048, description="fetch one URL: a feed or an article page")
    reprocess: ReprocessWindow | None = Field(None, description="re-run clean/dedup/extract on stored items")

    @model_validator(mode="after")
    def _exactly_one(self) -> ReingestIn:
        given = [k for k in ("feed", "url", "reprocess") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'feed', 'url' or 'reprocess'")
        return self


class JobRef(BaseModel):
    job_id: str


class Progress(BaseModel):
    done: int
    total: int


class JobOut(BaseModel):
    id: str
    kind: str
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: Progress
    cancel_requested: bool
    params: dict[str, Any]
    outcome: dict[str, Any] | None
    error: str | None
    created_at: datetime
    updated_at: datetime


class RegionOut(BaseModel):
    name_ar: str | None
    name_en: str | None
    country: str | None
    level: str | None


class ArticleOut(BaseModel):
    """The object `rasd articles list --json` prints."""

    id: int
    feed: int | None
    source: str
    url: str | None
    title: str
    published: datetime | None
    story_id: int | None
    duplicate_of: int | None
    totals: dict[str, int | None]
    escalation_score: float
    regions: list[RegionOut]
    state: str | None


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2048, description="http(s) endpoint (SSRF-checked)")
    secret: str | None = Field(None, max_length=200,
                               description="whsec_ + base64 of ≥ 24 bytes; generated when omitted")


class WebhookOut(BaseModel):
    id: int
    url: str
    secret: str = Field(description="masked, except in the response that created a generated secret")
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime


class WebhookTestOut(BaseModel):
    message_id: str
    ok: bool
    status: int | None
    error: str | None
    duration_ms: int


class DeliveryLogOut(BaseModel):
    id: int
    delivery_id: int
    webhook_id: int
    attempt: int
    at: datetime
    status: int | None
    outcome: str
    error: str | None
    duration_ms: int | None


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    scope: Literal["read", "admin"] = "read"


class TokenOut(BaseModel):
    id: int
    name: str
    scope: str
    created_at: datetime
    revoked_at: datetime | None


class TokenCreated(BaseModel):
    id: int
    name: str
    scope: str
    token: str = Field(description="shown only in this response; store it now")


class PlaceOut(BaseModel):
    key: str
    name_ar: str | None
    name_en: str | None
    country: str | None
    level: str | None
    lat: float | None
    lon: float | None


class StoryOut(BaseModel):
    """One story as an event row."""

    id: int
    first_published: datetime
    last_published: datetime
    title: str
    url: str | None
    sources: list[str]
    source_count: int
    article_count: int
    regions: list[PlaceOut]
    killed: int | None = Field(description="largest figure any copy reports (copies are never added up)")
    injured: int | None
    actors: list[str]
    keywords: dict[str, int]
    escalation_score: float
    alert_severity: str | None = Field(description="highest severity of an alert the story is behind")


class StoryPage(BaseModel):
    stories: list[StoryOut]
    next_cursor: str | None = Field(description="pass as cursor= for the next page; null on the last")


class RegionSummary(PlaceOut):
    stories: int = Field(description="stories since `since`")
    alert_severity: str | None = Field(description="highest severity of an alert whose window ended in 24 h")


class SeriesPoint(BaseModel):
    start: str
    observed: int
    expected: float
    low: float
    high: float


class SeriesAlert(BaseModel):
    id: str
    severity: str
    window_start: str
    window_end: str
    observed: int | None
    expected: float | None


class RegionSeriesOut(BaseModel):
    region: PlaceOut
    scale: Literal["hour", "day"]
    points: list[SeriesPoint]
    alerts: list[SeriesAlert]


class MarkOut(BaseModel):
    start: int
    end: int
    kind: Literal["casualty", "escalation"]
    label: str


class SentenceOut(BaseModel):
    text: str
    offset: int = Field(description="where the sentence starts in the article's clean text")
    spans: list[MarkOut]


class ArticleEvidence(BaseModel):
    article_id: int
    source: str
    url: str | None
    title: str
    sentences: list[SentenceOut]


class EvidenceStory(StoryOut):
    evidence: list[ArticleEvidence]


class Band(BaseModel):
    low: float
    high: float


class BaselineOut(BaseModel):
    observed: int | None
    expected: float | None
    p_value: float | None
    window_expected: float = Field(description="expected stories in the window, recomputed from stored stories")
    band: Band
    hours: list[SeriesPoint]


class AlertEvidence(BaseModel):
    alert: dict[str, Any]
    region_key: str
    stories: list[EvidenceStory]
    sources: dict[str, int] = Field(description="articles per source among the alert's stories")
    baseline: BaselineOut
