"""An alert's casualty figures from its stories' (pure).

Each story already carries one conservative total per kind (the maximum over its syndicated copies,
never their sum). The alert adds those up over its stories, except that a story whose figure is a
running total (a day's or a period's toll) includes the incidents reported beside it: the alert
then takes the larger of that running total and the sum of the incidents, never both added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

KINDS = ("killed", "injured")


@dataclass(frozen=True)
class StoryToll:
    story_id: str
    killed: int | None
    injured: int | None
    cumulative: bool = False  # a running total that includes incidents reported separately

    def get(self, kind: str) -> int | None:
        return self.killed if kind == "killed" else self.injured


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def story_toll(row: Mapping[str, Any]) -> StoryToll:
    """A stored story's figures: its own ``killed``/``injured`` columns when the table has them,
    else its ``totals`` JSON; ``cumulative`` when either marks the figure as a running total."""
    totals = row.get("totals") or {}
    own = "killed" in row or "injured" in row
    killed = _int(row.get("killed")) if own else _int(totals.get("killed"))
    injured = _int(row.get("injured")) if own else _int(totals.get("injured"))
    cumulative = bool(row.get("cumulative") or totals.get("cumulative") or totals.get("scope") == "cumulative")
    return StoryToll(str(row["id"]), killed, injured, cumulative)


def alert_tolls(stories: Iterable[StoryToll]) -> dict[str, int | None]:
    """Per kind: sum of the incidents' totals, or the largest running total if that is larger;
    None when no story reports that kind."""
    items = list(stories)
    out: dict[str, int | None] = {}
    for kind in KINDS:
        incidents = [s.get(kind) for s in items if not s.cumulative and s.get(kind) is not None]
        running = [s.get(kind) for s in items if s.cumulative and s.get(kind) is not None]
        if not incidents and not running:
            out[kind] = None
            continue
        out[kind] = max(sum(int(x or 0) for x in incidents), max((int(x or 0) for x in running), default=0))
    return out
