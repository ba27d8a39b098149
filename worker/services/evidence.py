"""Why an alert fired: its stories with the sentences that carry their casualty figures and
escalation terms (marked by span), how many articles each source gave, and the baseline at the time.

:func:`marked_sentences` is pure; :func:`alert_evidence` reads the store.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.services.stories import story_views
from worker.services.timelines import region_series
from worker.signals.spikes import Params
from worker.store import stories_repo
from worker.store.alerts_repo import Alert
from worker.store.filters import one_of
from worker.store.stories_repo import StoryFilter
from worker.store.tables import articles, items

_END = re.compile(r"[.!?؟\n]")
MAX_COPIES = 10  # articles shown per story


def marked_sentences(text: str, marks: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """The sentences of ``text`` holding the marks (start, end, kind, label), in text order, each with
    its marks as offsets into the sentence. Marks outside the text are ignored."""
    by_sentence: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for start, end, kind, label in sorted(marks):
        if not 0 <= start < end <= len(text):
            continue
        s0 = _sentence_start(text, start)
        s1 = _sentence_end(text, end)
        by_sentence.setdefault((s0, s1), []).append({"start": start, "end": end, "kind": kind, "label": label})
    out = []
    for (s0, s1), found in sorted(by_sentence.items()):
        raw = text[s0:s1]
        lead = len(raw) - len(raw.lstrip())
        out.append({"text": raw.strip(), "offset": s0 + lead,
                    "spans": [{"start": m["start"] - s0 - lead, "end": m["end"] - s0 - lead, "kind": m["kind"],
                               "label": m["label"]} for m in found]})
    return _merge_overlapping(out)


def _sentence_start(text: str, at: int) -> int:
    last = 0
    for m in _END.finditer(text, 0, at):
        last = m.end()
    return last


def _sentence_end(text: str, at: int) -> int:
    m = _END.search(text, at)
    return m.end() if m else len(text)


def _merge_overlapping(sentences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A mark that runs over a sentence end makes two sentences overlap: keep the first, which holds it."""
    out: list[dict[str, Any]] = []
    for s in sentences:
        if out and s["offset"] < out[-1]["offset"] + len(out[-1]["text"]):
            continue
        out.append(s)
    return out


def article_marks(casualties: list[dict[str, Any]] | None, keywords: list[dict[str, Any]] | None
                  ) -> list[tuple[int, int, str, str]]:
    marks = []
    for c in casualties or []:
        if c.get("background"):
            continue
        count = c.get("count")
        label = f"{c.get('kind')}: {count}" if count is not None else str(c.get("kind"))
        marks.append((int(c["span"][0]), int(c["span"][1]), "casualty", label))
    for k in keywords or []:
        marks.append((int(k["span"][0]), int(k["span"][1]), "escalation", str(k["term"])))
    return marks


def alert_evidence(conn: Connection, alert: Alert, now: datetime, params: Params) -> dict[str, Any]:
    payload = dict(alert.payload)
    ids = [int(s["story_id"]) for s in payload.get("stories") or [] if str(s.get("story_id", "")).isdigit()]
    rows = stories_repo.list_stories(conn, StoryFilter(ids=ids), limit=max(1, len(ids))) if ids else []
    views = story_views(conn, rows)
    copies = _copies(conn, ids)
    per_source: dict[str, int] = {}
    for view in views:
        arts = copies.get(view["id"], [])
        for a in arts:
            per_source[a["source"]] = per_source.get(a["source"], 0) + 1
        view["evidence"] = [{
            "article_id": int(a["item_id"]), "source": a["source"], "url": a["url"], "title": a["title"],
            "sentences": marked_sentences(a["text_clean"] or "", article_marks(a["casualties"], a["keywords"])),
        } for a in arts[:MAX_COPIES]]
    window_start, window_end = alert.window_start, alert.window_end
    hourly = replace(params, bucket_seconds=3600)
    timeline = region_series(conn, alert.region_key, "hour", window_start, window_end, now, hourly)
    mean = sum(p["expected"] for p in timeline["points"])
    sd = math.sqrt(sum(((p["high"] - p["expected"]) / 2) ** 2 for p in timeline["points"]))
    return {
        "alert": payload,
        "region_key": alert.region_key,
        "stories": views,
        "sources": dict(sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0]))),
        "baseline": {
            "observed": payload.get("observed"), "expected": payload.get("expected"),
            "p_value": payload.get("p_value"),
            "window_expected": round(mean, 4),
            "band": {"low": round(max(0.0, mean - 2 * sd), 4), "high": round(mean + 2 * sd, 4)},
            "hours": timeline["points"],
        },
    }


def _copies(conn: Connection, story_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not story_ids:
        return {}
    rows = conn.execute(
        sa.select(articles.c.item_id, articles.c.story_id, articles.c.text_clean, articles.c.casualties,
                  articles.c.keywords, items.c.source, items.c.url, items.c.title)
        .join(items, items.c.id == articles.c.item_id)
        .where(one_of(conn, articles.c.story_id, story_ids)).order_by(articles.c.item_id)).mappings()
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(int(r["story_id"]), []).append(dict(r))
    return out
