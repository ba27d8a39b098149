"""One alert per event, at the most specific level that carries it (pure).

A story counts in its admin1 and in its country, so one burst can qualify at both levels. The
admin1 alert is the one sent (it lists the country as enclosing); a country window is left silent
when at least half of its stories are already in alerts of its admin1 regions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from worker.models import Region


def carried_below(window_story_ids: Iterable[str], admin1_alerts: Iterable[Mapping[str, Any]]) -> bool:
    """Whether admin1 alerts already carry most (>= half) of a country window's stories."""
    ids = {str(s) for s in window_story_ids}
    if not ids:
        return False
    covered = {str(s["story_id"]) for a in admin1_alerts for s in a.get("stories") or []}
    return 2 * len(ids & covered) >= len(ids)


def enclosing_regions(region: Region, story_regions: Sequence[Sequence[Mapping[str, Any]]]) -> list[Region]:
    """The larger regions an admin1 alert's stories also count in: its country, when stored."""
    if region.level != "admin1":
        return []
    for regions in story_regions:
        for r in regions:
            if r.get("level") == "country" and r.get("country") == region.country:
                return [Region(r["name_ar"], r["name_en"], r["country"], "country", r.get("lat"), r.get("lon"))]
    return []
