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
    cumulative: bool | tuple[str, ...] = False  # a running total (all kinds, or these kinds) that includes incidents reported separately

    def get(self, kind: str) -> int | None:
        return self.killed if kind == "killed" else self.injured

    def running(self, kind: str) -> bool:
        """Whether this kind's figure is a running total."""
        return kind in self.cumulative if isinstance(self.cumulative, tuple) else self.cumulative

    def running_kinds(self) -> list[str]:
        return [kind for kind in KINDS if self.running(kind)]


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def story_toll(row: Mapping[str, Any]) -> StoryToll:
    """A stored story's figures: its own ``killed``/``injured`` columns when the table has them,
    else its ``totals`` JSON. ``totals["cumulative"]`` lists the kinds whose figure is a running
    total (as casualty extraction stores it); ``True`` or ``scope == "cumulative"`` marks both."""
    totals = row.get("totals") or {}
    own = "killed" in row or "injured" in row
    killed = _int(row.get("killed")) if own else _int(totals.get("killed"))
    injured = _int(row.get("injured")) if own else _int(totals.get("injured"))
    marked = row.get("cumulative") or totals.get("cumulative")
    cumulative: bool | tuple[str, ...]
    if isinstance(marked, (list, tuple)):
        cumulative = tuple(kind for kind in KINDS if kind in marked)
    else:
        cumulative = bool(marked or totals.get("scope") == "cumulative")
    return StoryToll(str(row["id"]), killed, injured, cumulative)


def alert_tolls(stories: Iterable[StoryToll]) -> dict[str, int | None]:
    """Per kind: sum of the incidents' totals, or the largest running total if that is larger;
    None when no story reports that kind."""
    items = list(stories)
    out: dict[str, int | None] = {}
    for kind in KINDS:
        incidents = [s.get(kind) for s in items if not s.running(kind) and s.get(kind) is not None]
        running = [s.get(kind) for s in items if s.running(kind) and s.get(kind) is not None]
        if not incidents and not running:
            out[kind] = None
            continue
        out[kind] = max(sum(int(x or 0) for x in incidents), max((int(x or 0) for x in running), default=0))
    return out
