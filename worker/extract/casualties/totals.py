"""Article totals from the figures (CASUALTY_CONVENTIONS.md), and the evidence behind each total."""

from __future__ import annotations

from collections.abc import Sequence

from worker.extract.casualties.incidents import eligible
from worker.extract.casualties.tables import COUNTED
from worker.models import Casualty


def counted_figures(casualties: Sequence[Casualty], kind: str) -> list[Casualty]:
    """Figures of ``kind`` that enter the total (rules 1, 2, 4, 5, 7, 8, 9, 12)."""
    top = [c for c in casualties if c.kind == kind and c.sub_of is None and eligible(c)]
    # rule 4: the latest update supersedes earlier figures of the kind that are not larger
    kept: list[Casualty] = []
    for c in top:
        if c.update:
            kept = [k for k in kept if int(k.count or 0) > int(c.count or 0)]
        kept.append(c)
    # rule 5: extract_casualties links restatements through sub_of; here only the same mention
    # listed twice (same count, who and span) collapses, so separate incidents with equal tolls
    # ("3 in Daraa … 3 in Idlib") still add up
    out: list[Casualty] = []
    keys: set[tuple[int, str | None, tuple[int, int]]] = set()
    for c in kept:
        key = (int(c.count or 0), c.who, c.span)
        if key in keys:
            continue
        keys.add(key)
        out.append(c)
    return out


def compute_totals(casualties: Sequence[Casualty]) -> dict[str, int | None]:
    """Article totals per CASUALTY_CONVENTIONS.md: ``{"killed": int|None, "injured": int|None}``."""
    return totals_and_approximate(casualties)[0]


def totals_approximate(casualties: Sequence[Casualty]) -> dict[str, bool]:
    """Whether each total rests on an approximate figure (نحو 48 → True)."""
    return totals_and_approximate(casualties)[1]


def totals_and_approximate(casualties: Sequence[Casualty]) -> tuple[dict[str, int | None], dict[str, bool]]:
    """:func:`compute_totals` and :func:`totals_approximate` from one selection of counted figures."""
    totals, approximate, _ = totals_with_flags(casualties)
    return totals, approximate


def totals_cumulative(casualties: Sequence[Casualty]) -> dict[str, bool]:
    """Whether each total is a running toll (a counted figure under an update or toll cue:
    "ارتفع عدد القتلى إلى 35", "حصيلة"), which may include incidents other stories report apart."""
    return totals_with_flags(casualties)[2]


def totals_with_flags(
    casualties: Sequence[Casualty],
) -> tuple[dict[str, int | None], dict[str, bool], dict[str, bool]]:
    """Totals, whether each is approximate and whether each is a running toll, from one selection."""
    totals: dict[str, int | None] = {}
    approximate: dict[str, bool] = {}
    cumulative: dict[str, bool] = {}
    for kind in COUNTED:
        counted = counted_figures(casualties, kind)
        totals[kind] = sum(int(c.count or 0) for c in counted) if counted else None
        approximate[kind] = any(c.approximate for c in counted)
        cumulative[kind] = any(c.running for c in counted)
    return totals, approximate, cumulative


def cumulative_kinds(cumulative: dict[str, bool]) -> list[str]:
    """The stored form of :func:`totals_cumulative`: the kinds whose total is a running toll."""
    return [kind for kind in COUNTED if cumulative.get(kind)]


def vague_bounds_from(settings: object) -> dict[str, int]:
    """``vague_bounds`` for :func:`extract_casualties` from an object with ``vague_*`` attributes
    (``worker.settings.Settings``), without importing the settings module here."""
    return {key: int(getattr(settings, f"vague_{key}")) for key in ("tens", "dozens", "hundreds",
                                                                     "thousands", "few")}



def _reason(c: Casualty, counted: bool, top_ids: set[int]) -> str:
    """Why a figure does or does not make its total (the order follows compute_totals' tests)."""
    if counted:
        return "counted"
    if c.kind == "killed_or_injured":
        return "killed and injured together"
    if c.count is None:
        return "vague"
    if c.background:
        return "background"
    if c.perpetrator:
        return "perpetrator"
    if c.sub_of is not None:
        return f"included in figure {c.sub_of}"
    if id(c) in top_ids:
        return "superseded by a later update"
    return "repeat of a counted figure"


def totals_evidence(casualties: Sequence[Casualty]) -> dict[str, dict[str, object]]:
    """For each total, the figures behind it: every figure of that kind (and every combined
    killed-and-injured figure) with its span, count, who, current or background, and whether and
    why it is counted, so an alert or a reader can show where the number comes from."""
    totals, approximate, cumulative = totals_with_flags(casualties)
    out: dict[str, dict[str, object]] = {}
    for kind in COUNTED:
        counted = {id(c) for c in counted_figures(casualties, kind)}
        top_ids = {id(c) for c in casualties if c.kind == kind and c.sub_of is None and eligible(c)}
        rows: list[dict[str, object]] = []
        for index, c in enumerate(casualties):
            if c.kind != kind and c.kind != "killed_or_injured":
                continue
            rows.append({
                "figure": index, "span": [c.span[0], c.span[1]], "text": c.text, "count": c.count,
                "kind": c.kind, "who": c.who, "current": not c.background, "counted": id(c) in counted,
                "reason": _reason(c, id(c) in counted, top_ids),
            })
        out[kind] = {"total": totals[kind], "approximate": approximate[kind], "cumulative": cumulative[kind],
                     "figures": rows}
    return out
