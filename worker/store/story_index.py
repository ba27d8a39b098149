"""Read-side indexes of stories, written in the transaction that writes the stories.

``story_regions`` (one row per story and region, with the story's event time) serves region
filters and timelines; ``story_docs`` holds a story's search document (its first article's title
and text in the Arabic matching form of :func:`worker.text.normalize.normalize`) and its actors, with
a full-text index (FTS5 ``story_fts`` on SQLite, a GIN index on PostgreSQL); ``alert_stories`` says
which alerts each story is behind. Only what changed is rewritten: regions when a story's regions or
event time moved, the document when its first article changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.models import region_key
from worker.store.filters import one_of
from worker.store.tables import alert_stories, alerts, articles, items, stories, story_docs, story_regions
from worker.text.normalize import normalize

ACTOR_TYPES = ("ORG", "PER")
MAX_ACTORS = 12


class Indexed(Protocol):
    """What the indexes need of a story row (``articles_repo.Story`` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def event_time(self) -> datetime: ...
    @property
    def regions(self) -> list[dict[str, Any]] | None: ...
    @property
    def first_item_id(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class _Keys:
    """The indexed columns of a stored story, as the backfill reads them."""

    id: int
    event_time: datetime
    regions: list[dict[str, Any]] | None
    first_item_id: int | None


def region_rows(story: Indexed) -> list[dict[str, Any]]:
    """The ``story_regions`` rows of a story row (one per distinct region)."""
    seen: dict[str, dict[str, Any]] = {}
    for region in story.regions or []:
        key = region_key(region)
        if key not in seen:
            seen[key] = {"story_id": int(story.id), "region_key": key, "country": region.get("country"),
                         "event_time": story.event_time}
    return list(seen.values())


def search_doc(title: str, text: str) -> str:
    """What ``q`` is matched against: title and text in the matching form (one alef, no tashkeel…)."""
    return normalize(f"{title}\n{text}")


def actors_of(entities: Iterable[Mapping[str, Any]] | None) -> list[str]:
    """Organisations and people a story's first article names, in order of first mention, unique."""
    out: dict[str, str] = {}
    for e in entities or []:
        if e.get("type") in ACTOR_TYPES:
            key = str(e.get("normalized") or e.get("text") or "")
            if key and key not in out:
                out[key] = str(e.get("text") or key)
    return list(out.values())[:MAX_ACTORS]


def index_stories(conn: Connection, written: Mapping[int, Indexed], stored: Mapping[int, Indexed] | None = None,
                  texts: Mapping[int, Mapping[str, Any]] | None = None) -> None:
    """Bring the indexes of the ``written`` story rows up to date.

    ``stored`` (every story row as it was before, absent = new) lets unchanged parts be skipped and
    new stories be inserted without deleting first; ``texts`` (item id → title, text_clean,
    entities of articles the caller has in hand) spares reading them back."""
    before = stored or {}
    old = set(before) if stored is not None else None  # None: any story may have index rows
    moved = [sid for sid, s in written.items() if _regions_changed(s, before.get(sid))]
    if moved:
        _delete(conn, story_regions, story_regions.c.story_id, moved, old)
        rows = [r for sid in moved for r in region_rows(written[sid])]
        if rows:
            conn.execute(sa.insert(story_regions), rows)
    firsts = {sid: int(s.first_item_id or sid) for sid, s in written.items()
              if _first_changed(s, before.get(sid))}
    if firsts:
        _write_docs(conn, firsts, old, texts or {})


def _delete(conn: Connection, table: sa.Table, column: sa.Column[Any], ids: list[int], old: set[int] | None) -> list[int]:
    """Delete the rows of the stories that may have some (all when ``old`` is None); returns those ids."""
    doomed = ids if old is None else [i for i in ids if i in old]
    if doomed:
        conn.execute(sa.delete(table).where(one_of(conn, column, doomed)))
    return doomed


def drop_stories(conn: Connection, story_ids: list[int]) -> None:
    """Remove deleted stories from the indexes."""
    if not story_ids:
        return
    conn.execute(sa.delete(story_regions).where(one_of(conn, story_regions.c.story_id, story_ids)))
    conn.execute(sa.delete(story_docs).where(one_of(conn, story_docs.c.story_id, story_ids)))
    if conn.dialect.name != "postgresql":
        conn.execute(sa.text("DELETE FROM story_fts WHERE rowid IN (SELECT value FROM json_each(:ids))"),
                     {"ids": _json_ids(story_ids)})


def index_alert(conn: Connection, alert_id: str, severity: str, payload: Mapping[str, Any]) -> None:
    """Record which stories an alert is behind (its payload lists them)."""
    ids = sorted({int(s["story_id"]) for s in payload.get("stories") or [] if str(s.get("story_id", "")).isdigit()})
    if ids:
        conn.execute(sa.insert(alert_stories), [{"alert_id": alert_id, "story_id": i, "severity": severity}
                                                for i in ids])


def backfill(conn: Connection, chunk: int = 2000) -> None:
    """Index every stored story and alert (the migration that created the indexes)."""
    last = 0
    while True:
        rows = [_Keys(**r) for r in conn.execute(
            sa.select(stories.c.id, stories.c.event_time, stories.c.regions, stories.c.first_item_id)
            .where(stories.c.id > last).order_by(stories.c.id).limit(chunk)).mappings()]
        if not rows:
            break
        index_stories(conn, {int(r.id): r for r in rows})
        last = int(rows[-1].id)
    for alert_id, severity, payload in conn.execute(sa.select(alerts.c.id, alerts.c.severity, alerts.c.payload)):
        index_alert(conn, str(alert_id), str(severity), payload or {})


def _regions_changed(new: Indexed, old: Indexed | None) -> bool:
    if old is None:
        return True
    keys = [region_key(r) for r in new.regions or []]
    return keys != [region_key(r) for r in old.regions or []] or new.event_time != old.event_time


def _first_changed(new: Indexed, old: Indexed | None) -> bool:
    return old is None or old.first_item_id is None or new.first_item_id != old.first_item_id


def _write_docs(conn: Connection, firsts: dict[int, int], old: set[int] | None,
                texts: Mapping[int, Mapping[str, Any]]) -> None:
    found: dict[int, Any] = {i: texts[i] for i in firsts.values() if i in texts}
    missing = [i for i in firsts.values() if i not in found]
    if missing:
        found.update({int(r["item_id"]): r for r in conn.execute(
            sa.select(articles.c.item_id, articles.c.text_clean, articles.c.entities, items.c.title)
            .join(items, items.c.id == articles.c.item_id)
            .where(one_of(conn, articles.c.item_id, missing))).mappings()})
    rows = []
    for sid, first in sorted(firsts.items()):
        r = found.get(first)
        rows.append({"story_id": sid, "first_item_id": first,
                     "doc": search_doc(r["title"] or "", r["text_clean"] or "") if r else "",
                     "actors": actors_of(r["entities"]) if r else []})
    doomed = _delete(conn, story_docs, story_docs.c.story_id, sorted(firsts), old)
    sqlite = conn.dialect.name != "postgresql"
    # On SQLite the document lives in story_fts (which keeps its own copy): not stored twice.
    conn.execute(sa.insert(story_docs), [{**r, "doc": ""} for r in rows] if sqlite else rows)
    if sqlite:
        if doomed:
            conn.execute(sa.text("DELETE FROM story_fts WHERE rowid IN (SELECT value FROM json_each(:ids))"),
                         {"ids": _json_ids(doomed)})
        conn.execute(sa.text("INSERT INTO story_fts(rowid, doc) VALUES (:story_id, :doc)"),
                     [{"story_id": r["story_id"], "doc": r["doc"]} for r in rows])


def _json_ids(ids: Iterable[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


_WORD = re.compile(r"[^\W_]+")  # letters and digits: what both engines' tokenizers treat as one word
MAX_TERMS = 16


def query_terms(q: str) -> list[str]:
    """The words of a search string in the matching form (at most ``MAX_TERMS``): every one must
    appear. Operators and punctuation are dropped, so no input is read as full-text syntax."""
    return _WORD.findall(normalize(q))[:MAX_TERMS]


def matches(conn: Connection, terms: list[str]) -> sa.ColumnElement[bool]:
    """``stories.id`` is a story whose document holds every term (callers pass at least one)."""
    if conn.dialect.name == "postgresql":
        query = sa.func.to_tsquery("simple", " & ".join(f"'{t}'" for t in terms))
        found = sa.select(story_docs.c.story_id).where(
            sa.func.to_tsvector("simple", story_docs.c.doc).op("@@")(query))
        return stories.c.id.in_(found.scalar_subquery())
    expr = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
    fts = sa.table("story_fts", sa.column("rowid"))
    hit = sa.literal_column("story_fts").op("MATCH")(expr)
    common = conn.execute(sa.select(sa.func.count()).select_from(
        sa.select(fts.c.rowid).where(hit).limit(COMMON_HITS).subquery())).scalar_one() >= COMMON_HITS
    if common:  # most stories match: probe each candidate, newest first, and stop at the page's end
        return sa.exists(sa.select(sa.literal(1)).select_from(fts).where(hit, fts.c.rowid == stories.c.id))
    return stories.c.id.in_(sa.select(fts.c.rowid).where(hit).scalar_subquery())


# On SQLite, a query matching at least this many stories is checked story by story (newest first,
# until a page is full) instead of materialising every match.
COMMON_HITS = 5000
