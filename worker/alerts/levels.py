"""One alert per event, at the most specific level that carries it (pure).

A story counts in its district (when it names one), its admin1 and its country, so one burst can
qualify at every level. The most specific alert is the one sent, listing the larger regions as
enclosing; a window at a larger level is left silent when at least half of its stories are already
in alerts of the regions inside it. Levels are judged from the most specific up (:func:`rank`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from worker.models import Region

LEVELS = ("district", "admin1", "country")  # most specific first: the order regions are judged in


def level_of(region_key: str) -> str:
    return region_key.split(":", 2)[1]


def rank(region_key: str) -> int:
    """0 for a district, 1 for an admin1, 2 for a country (sort key: the order to evaluate in)."""
    level = level_of(region_key)
    return LEVELS.index(level) if level in LEVELS else 1  # an unknown level is judged as admin1s are


def inside(region_key: str, other_key: str, parents: Mapping[str, str]) -> bool:
    """Whether ``other_key`` is a region strictly inside ``region_key``: a country holds its districts
    and admin1s, an admin1 the districts ``parents`` (district key → admin1 key) puts in it."""
    level = level_of(region_key)
    if level == "country":
        return other_key.split(":", 1)[0] == region_key.split(":", 1)[0] and rank(other_key) < rank(region_key)
    if level == "admin1":
        return parents.get(other_key) == region_key
    return False


def carried_below(window_story_ids: Iterable[str], below_alerts: Iterable[Mapping[str, Any]]) -> bool:
    """Whether alerts of regions inside this one already carry most (>= half) of a window's stories."""
    ids = {str(s) for s in window_story_ids}
    if not ids:
        return False
    covered = {str(s["story_id"]) for a in below_alerts for s in a.get("stories") or []}
    return 2 * len(ids & covered) >= len(ids)


def enclosing_regions(region: Region, story_regions: Sequence[Sequence[Mapping[str, Any]]],
                      parent: str | None = None) -> list[Region]:
    """The larger regions an alert's stories also count in, as stored: for an admin1 its country, for
    a district its admin1 (``parent``, the admin1's key) and then its country."""
    wanted: list[str] = []
    if region.level == "district" and parent is not None:
        wanted.append(parent)
    if region.level in ("district", "admin1"):
        wanted.append(f"{region.country}:country:")
    found: dict[str, Region] = {}
    for regions in story_regions:
        for r in regions:
            key = f"{r.get('country')}:{r.get('level')}:{r.get('name_en')}"
            for w in wanted:
                if w not in found and (key == w or (w.endswith(":") and key.startswith(w))):
                    found[w] = Region(r["name_ar"], r["name_en"], r["country"], r["level"], r.get("lat"), r.get("lon"))
    return [found[w] for w in wanted if w in found]
