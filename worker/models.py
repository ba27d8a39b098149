"""Plain dataclasses passed between pure code and adapters (no ORM objects leave ``store``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class FetchResult:
    """Outcome of one conditional GET. ``body`` is None when the server answered 304."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class ParsedItem:
    guid: str | None
    link: str | None
    title: str
    summary: str
    content: str
    published: datetime | None
    updated: datetime | None = None
    author: str | None = None
    categories: list[str] = field(default_factory=list)
    language: str | None = None


@dataclass
class ParsedFeed:
    title: str
    link: str | None
    language: str | None
    encoding: str
    items: list[ParsedItem]
    recovered_error: str | None = None  # malformed XML that the loose parser recovered


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class Casualty:
    kind: str  # killed | injured | killed_or_injured | missing | kidnapped | arrested | displaced
    count: int | None
    approximate: bool
    who: str | None
    span: tuple[int, int]
    text: str
    vague: bool = False
    lower_bound: int | None = None
    background: bool = False
    perpetrator: bool = False
    sub_of: int | None = None  # index in the casualties list of the total this is part of
    update: bool = False
    running: bool = False  # a running toll (حصيلة، ارتفع عدد القتلى إلى): it may include incidents told apart

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "approximate": self.approximate,
            "who": self.who,
            "span": [self.span[0], self.span[1]],
            "text": self.text,
            "vague": self.vague,
            "lower_bound": self.lower_bound,
            "background": self.background,
            "perpetrator": self.perpetrator,
            "sub_of": self.sub_of,
        }


@dataclass
class Entity:
    type: str  # LOC | ORG | PER | DATE
    text: str
    span: tuple[int, int]
    normalized: str
    geo: dict[str, Any] | None = None
    source: str = "rule"  # gazetteer (a listed name) | rule (title/cue words, dates) | tagger (the CRF)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "text": self.text,
            "span": [self.span[0], self.span[1]],
            "normalized": self.normalized,
            "geo": self.geo,
            "source": self.source,
        }


@dataclass
class Keyword:
    term: str
    weight: float
    span: tuple[int, int]

    def to_json(self) -> dict[str, Any]:
        return {"term": self.term, "weight": self.weight, "span": [self.span[0], self.span[1]]}


def region_key(region: Mapping[str, Any]) -> str:
    """:attr:`Region.key` of a region as stored (JSON in articles and stories)."""
    return f"{region['country']}:{region['level']}:{region['name_en']}"


@dataclass(frozen=True)
class Region:
    name_ar: str
    name_en: str
    country: str  # ISO 3166-1 alpha-2
    level: str  # district | admin1 | country
    lat: float | None = None
    lon: float | None = None

    @property
    def key(self) -> str:
        return f"{self.country}:{self.level}:{self.name_en}"

    def to_json(self) -> dict[str, Any]:
        return {"name_ar": self.name_ar, "name_en": self.name_en, "country": self.country, "level": self.level}
