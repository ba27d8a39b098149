"""Known tolls (issue 18, bench-only experiment): a current figure that earlier articles counted.

Why: a later story (a reaction, an analysis, a follow-up) cites the toll of an event days earlier
with no cue in its sentence; a streaming system has seen that toll in the articles it stored before.
This tests whether "the same (kind, number) was counted as current N days ago" marks such figures
background. Measured in docs/casualties.md ("Known tolls from earlier articles"): it does not
separate them from today's tolls (most current tolls repeat an earlier number by chance), so it is
not part of the extractor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from worker.extract.casualties.incidents import eligible
from worker.extract.casualties.tables import COUNTED
from worker.extract.casualties.totals import counted_figures
from worker.models import Casualty


@dataclass(frozen=True)
class KnownToll:
    """A toll an earlier article counted for its current event: kind, number, day, countries, article."""

    kind: str
    count: int
    published: date
    countries: frozenset[str]
    article: str


@dataclass(frozen=True)
class HistoryRule:
    """Which earlier tolls make a figure a repeat: reported ``min_days`` to ``max_days`` before, by
    at least ``min_reports`` articles, none of them fewer than ``fresh_days`` before (a story still
    being reported is today's news); counts below ``min_count`` never match; with
    ``same_country`` the articles must share a named country (or one names none)."""

    min_days: int = 2
    max_days: int = 21
    min_count: int = 5
    min_reports: int = 3
    fresh_days: int = 2
    same_country: bool = True


def current_tolls(casualties: Sequence[Casualty], published: date, countries: Iterable[str],
                  article: str) -> list[KnownToll]:
    """The figures that make an article's totals, as later articles compare with them."""
    where = frozenset(countries)
    return [KnownToll(kind, int(c.count or 0), published, where, article)
            for kind in COUNTED for c in counted_figures(casualties, kind)]


def index_tolls(tolls: Iterable[KnownToll]) -> dict[tuple[str, int], list[KnownToll]]:
    """Known tolls by (kind, count), so an article's lookup reads only its own numbers."""
    out: dict[tuple[str, int], list[KnownToll]] = {}
    for t in tolls:
        out.setdefault((t.kind, t.count), []).append(t)
    return out


def mark_known_tolls(casualties: Sequence[Casualty], known: dict[tuple[str, int], list[KnownToll]],
                     reference: date | None, countries: Iterable[str], article: str,
                     rule: HistoryRule = HistoryRule()) -> list[Casualty]:
    """``casualties`` with each current figure that repeats a known toll under ``rule`` marked
    background; another number (a larger update) stays current."""
    if reference is None:
        return list(casualties)
    where = frozenset(countries)
    out: list[Casualty] = []
    for c in casualties:
        repeat = False
        if eligible(c) and c.kind in COUNTED and int(c.count or 0) >= rule.min_count:
            old: set[str] = set()
            fresh = False
            for t in known.get((c.kind, int(c.count or 0)), ()):
                if t.article == article or (rule.same_country and where and t.countries and not where & t.countries):
                    continue
                age = (reference - t.published).days
                fresh = fresh or 0 <= age < rule.fresh_days
                if rule.min_days <= age <= rule.max_days:
                    old.add(t.article)
            repeat = len(old) >= rule.min_reports and not fresh
        out.append(replace(c, background=True) if repeat else c)
    return out
