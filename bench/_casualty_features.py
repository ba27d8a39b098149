"""The signals the casualty rules compute about one figure, as a fixed vector for the learned
current/background decision of bench/casualty_model.py: the rules' decision and which cue or pass
made it, where the figure stands, its count and people, the time words of its sentence."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.extract.casualties import current as cu
from worker.extract.casualties import lexicon as lx
from worker.extract.casualties.context import Doc, Fig, clause_bounds, sentence_range
from worker.extract.numbers import T_NUM

# Order of the vector.
FEATURES: tuple[str, ...] = (
    "rule_background",
    "clause_cue", "clause_scoped", "clause_soft", "clause_trailing",
    "why_heading", "why_war_scale", "why_repeat", "why_continuation", "why_companion", "why_earlier",
    "why_yesterday", "why_known_event", "why_other_place", "why_deep",
    "in_title", "in_lead", "position", "paragraph",
    "killed", "log_count", "one", "hundreds", "approximate", "update", "running", "sub_count",
    "who_civilians", "who_forces", "who_armed",
    "clause_now", "sentence_today", "sentence_yesterday", "sentence_day_or_month", "sentence_year",
    "sentence_cue", "sentence_war", "sentence_known_event", "sentence_turns_topic",
    "sentence_report", "sentence_pluperfect", "sentence_now",
    "same_in_title", "title_current", "lead_current", "largest", "first_of_kind",
    "share_background", "log_candidates", "title_any", "lead_any",
)
_CIVILIANS = frozenset(["civilians", "people", "women", "children", "protesters", "journalists", "medics",
                        "migrants", "Palestinians"])
_FORCES = frozenset(["soldiers", "police", "officers", "pilots"])
_ARMED = frozenset(["fighters", "perpetrators", "suspects"])
_WHY = (cu.WHY_HEADING, cu.WHY_WAR_SCALE, cu.WHY_REPEAT, cu.WHY_CONTINUATION, cu.WHY_COMPANION,
        cu.WHY_EARLIER, cu.WHY_YESTERDAY, cu.WHY_KNOWN_EVENT, cu.WHY_OTHER_PLACE, cu.WHY_DEEP)
_DAY_OR_MONTH = frozenset([*(w for names in lx.WEEKDAYS for w in names), *lx.MONTHS])


def candidate(f: Fig) -> bool:
    """A figure the model decides on: an exact killed or injured count of victims."""
    c = f.cas
    return c.kind in (lx.KILLED, lx.INJURED) and c.count is not None and not c.vague and not c.perpetrator


def _squash(x: float) -> float:
    # a monotone squash of a count into [0, 1): 0 → 0, 10 → 0.5, 1000 → 0.99
    return x / (x + 10.0)


def article_features(doc: Doc, figs: list[Fig]) -> list[list[float] | None]:
    """One vector per figure (None for figures that are not candidates), in ``FEATURES`` order."""
    cands = [f for f in figs if candidate(f)]
    out: list[list[float] | None] = []
    if not cands:
        return [None for _ in figs]
    n_text = max(len(doc.text), 1)
    lead_end = cu.lead_end(doc)
    head = doc.head_end
    title_counts = {(f.cas.kind, f.cas.count) for f in cands if doc.starts[f.first] < head}
    title_current = {f.cas.kind for f in cands if doc.starts[f.first] < head and not f.cas.background}
    lead_current = {f.cas.kind for f in cands if doc.starts[f.first] < lead_end and not f.cas.background}
    largest: dict[str, int] = {}
    first_of: dict[str, Fig] = {}
    for f in cands:
        count = int(f.cas.count or 0)
        largest[f.cas.kind] = max(largest.get(f.cas.kind, 0), count)
        first_of.setdefault(f.cas.kind, f)
    title_any = 1.0 if any(doc.starts[f.first] < head for f in figs) else 0.0
    lead_any = 1.0 if any(doc.starts[f.first] < lead_end for f in figs) else 0.0
    share = sum(1 for f in cands if f.cas.background) / len(cands)
    sent_cache: dict[int, list[float]] = {}
    for f in figs:
        if not candidate(f):
            out.append(None)
            continue
        c = f.cas
        start = doc.starts[f.first]
        code = cu.background_code(doc, f.first)
        row: list[float] = [1.0 if c.background else 0.0]
        row += [1.0 if code == k else 0.0 for k in (cu.CLAUSE_CUE, cu.CLAUSE_SCOPED, cu.CLAUSE_SOFT,
                                                    cu.CLAUSE_TRAILING)]
        row += [1.0 if f.why & bit else 0.0 for bit in _WHY]
        in_title = start < head
        row += [1.0 if in_title else 0.0, 1.0 if not in_title and start < lead_end else 0.0,
                start / n_text, min(doc.text.count("\n", 0, start), 10) / 10.0]
        count = int(c.count or 0)
        row += [1.0 if c.kind == lx.KILLED else 0.0, _squash(float(count)), 1.0 if count == 1 else 0.0,
                1.0 if count >= 100 else 0.0, 1.0 if c.approximate else 0.0, 1.0 if c.update else 0.0,
                1.0 if c.running else 0.0, 1.0 if f.subject or c.sub_of is not None else 0.0]
        who = c.who or ""
        row += [1.0 if who in _CIVILIANS else 0.0, 1.0 if who in _FORCES else 0.0,
                1.0 if who in _ARMED or who.endswith(" fighters") else 0.0]
        lo, hi = clause_bounds(doc, f.first)
        row.append(1.0 if cu.now_anchor(doc, lo, hi) else 0.0)
        row += _sentence_row(doc, f, sent_cache)
        row += [1.0 if (c.kind, c.count) in title_counts and not in_title else 0.0,
                1.0 if c.kind in title_current else 0.0, 1.0 if c.kind in lead_current else 0.0,
                1.0 if count == largest[c.kind] else 0.0, 1.0 if first_of[c.kind] is f else 0.0,
                share, _squash(float(len(cands))), title_any, lead_any]
        out.append(row)
    return out


def _sentence_row(doc: Doc, f: Fig, cache: dict[int, list[float]]) -> list[float]:
    """The time words and cues of the figure's sentence (shared by the figures of one sentence)."""
    hit = cache.get(f.sent)
    if hit is not None:
        return hit
    lo, hi = sentence_range(doc, f.sent, f.first)
    words = doc.norms[lo:hi + 1]
    day = cu.day_of(doc, lo, hi)
    year = any(doc.kinds[k] == T_NUM and len(doc.norms[k]) == 4 and doc.norms[k][:2] in ("19", "20")
               for k in range(lo, hi + 1))
    row = [1.0 if day == 0 else 0.0, 1.0 if day == 1 else 0.0,
           1.0 if not _DAY_OR_MONTH.isdisjoint(words) else 0.0, 1.0 if year else 0.0,
           1.0 if cu.sentence_cues(doc, f.sent, f.first) else 0.0,
           1.0 if not lx.WAR_NOUNS.isdisjoint(words) else 0.0,
           1.0 if cu.names_known_event(doc, lo, hi) else 0.0,
           1.0 if cu.turns_topic(doc, lo, hi) else 0.0,
           1.0 if not lx.REPORT_VERBS.isdisjoint(words) else 0.0,
           1.0 if words and words[0] in lx.PLUPERFECT_OPENERS else 0.0]
    row.append(1.0 if not lx.NOW_WORDS.isdisjoint(words) else 0.0)
    cache[f.sent] = row
    return row
