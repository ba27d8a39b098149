"""The promises checked after a chaos run, computed from the database, Redis and the receivers."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from itertools import combinations
from typing import Any

import redis
import sqlalchemy as sa

from tests.chaos.loadgen import FeedServer
from tests.integration.harness import Rasd
from worker.alerts.receiver import WebhookReceiver
from worker.dedup.fingerprint import fingerprint, similarity
from worker.pipeline import clean_and_extract
from worker.services.process import raw_text
from worker.store import articles_repo, items_repo

DEDUP_THRESHOLD = 0.5  # the default RASD_DEDUP_THRESHOLD, which the chaos workers run with


def stored_items(rasd: Rasd) -> list[dict[str, Any]]:
    with rasd.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.text(
            "SELECT i.id, i.guid, i.state, i.attempts, i.last_error, a.story_id FROM items i "
            "LEFT JOIN articles a ON a.item_id = i.id")).mappings()]


def miscounted_stories(rasd: Rasd) -> list[str]:
    """Stories whose row is not what recomputing it from all its articles gives (every column but
    ``updated_at``), rows without articles and articles without a row. Concurrent batches with
    copies of one story once left it with one article and one source; most rows are now extended
    in place rather than recomputed (``articles_repo._extended``), which this checks as well."""
    now = datetime.now(UTC)
    with rasd.engine.begin() as conn:
        ids = {int(i) for (i,) in conn.execute(sa.text("SELECT id FROM stories UNION SELECT story_id FROM articles"))}
        stored = articles_repo.get_stories(conn, ids)
        recomputed = articles_repo.refresh_stories(conn, ids, now)  # rolled back below
        conn.rollback()

    def columns(story: articles_repo.Story) -> dict[str, Any]:
        return {k: v for k, v in story.columns().items() if k != "updated_at"}

    out = [f"{sid}: articles without a row" for sid in sorted(recomputed.keys() - stored.keys())]
    out += [f"{sid}: row without articles" for sid in sorted(stored.keys() - recomputed.keys())]
    for sid in sorted(stored.keys() & recomputed.keys()):
        row, expected = columns(stored[sid]), columns(recomputed[sid])
        if row != expected:
            diff = {k: (row.get(k), expected.get(k)) for k in expected if row.get(k) != expected.get(k)}
            out.append(f"{sid}: row != recomputed {diff}")
    return out


def merge_similarity(rasd: Rasd, story_id: int, event_of: dict[str, int]) -> float:
    """The highest dedup similarity between two articles of a story that are copies of different
    events, fingerprinted as processing does: at or above the threshold, the index merged them by
    design (the load's events share one template), not through a lost or doubled write."""
    with rasd.engine.connect() as conn:
        rows = items_repo.get_items(conn, [int(i) for i in conn.execute(sa.text(
            "SELECT item_id FROM articles WHERE story_id = :sid"), {"sid": story_id}).scalars()])
    prints = [(event_of[r.guid or ""], fingerprint(clean_and_extract(raw_text(r), title=r.title)[0], 128))
              for r in rows]
    return max((similarity(a.signature, b.signature) for (ea, a), (eb, b) in combinations(prints, 2) if ea != eb),
               default=0.0)


def signal_sets(client: redis.Redis) -> dict[str, dict[int, set[str]]]:
    """region key → bucket → story ids, from the ``rasd:sig:{region}:bucket:stories`` sets."""
    out: dict[str, dict[int, set[str]]] = defaultdict(dict)
    for key in client.scan_iter(match="rasd:sig:*:stories", count=1000):
        k = key.decode()
        region = k[k.index("{") + 1:k.index("}")]
        bucket = int(k[k.index("}") + 2:].split(":")[0])
        out[region][bucket] = {m.decode() for m in client.smembers(key)}
    return out


def check(rasd: Rasd, client: redis.Redis, server: FeedServer, live: WebhookReceiver,
          poison_guid: str, max_attempts: int) -> dict[str, Any]:
    served = server.served_guids()
    event_of = server.story_of_guid()
    region_of_event = {e.n: e.region for e in server.events}
    rows = stored_items(rasd)
    by_guid: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_guid[r["guid"]].append(r)
    report: dict[str, Any] = {"published": len(served), "stored_rows": len(rows), "stored_unique": len(by_guid)}
    report["lost"] = sorted(served - set(by_guid))
    report["duplicate_rows"] = sorted(g for g, rs in by_guid.items() if len(rs) > 1)
    report["unexpected"] = sorted(set(by_guid) - served)
    states: dict[str, int] = defaultdict(int)
    for r in rows:
        states[r["state"]] += 1
    report["states"] = dict(states)
    not_processed = [r["guid"] for r in rows if r["state"] != "processed" and r["guid"] != poison_guid]
    report["not_processed"] = not_processed[:20]
    # Why each one stopped: a fault-parked item says "exceeded max attempts", a code error its message.
    report["not_processed_why"] = {r["guid"]: {"state": r["state"], "attempts": r["attempts"],
                                               "last_error": (r["last_error"] or "")[:300]}
                                   for r in rows if r["guid"] in not_processed[:20]}

    # Stories: all copies of one event share one story; two events never share one.
    story_of_event: dict[int, set[int]] = defaultdict(set)
    events_of_story: dict[int, set[int]] = defaultdict(set)
    for r in rows:
        if r["story_id"] is None or r["guid"] == poison_guid:
            continue
        n = event_of[r["guid"]]
        story_of_event[n].add(int(r["story_id"]))
        events_of_story[int(r["story_id"])].add(n)
    report["events_split"] = sorted(n for n, s in story_of_event.items() if len(s) > 1)  # double-counted
    merged = {s: merge_similarity(rasd, s, event_of) for s, ev in events_of_story.items() if len(ev) > 1}
    report["stories_merged"] = sorted(s for s, sim in merged.items() if sim < DEDUP_THRESHOLD)
    report["stories_merged_as_near_duplicates"] = {
        str(s): {"events": sorted(events_of_story[s]), "similarity": round(sim, 4)}
        for s, sim in sorted(merged.items()) if sim >= DEDUP_THRESHOLD}
    miscounted = miscounted_stories(rasd)
    report["stories_miscounted"] = miscounted[:20]
    report["stories_miscounted_count"] = len(miscounted)

    # Signal windows: each story once per region, in one bucket, and every expected story present.
    sets = signal_sets(client)
    double_bucketed, missing, extra = [], [], []
    for region, buckets in sets.items():
        seen: dict[str, int] = defaultdict(int)
        for members in buckets.values():
            for m in members:
                seen[m] += 1
        double_bucketed += [f"{region}:{m}" for m, c in seen.items() if c > 1]
    counted = {region: set().union(*b.values()) for region, b in sets.items()}
    for n, stories in story_of_event.items():
        sid = str(min(stories))
        if sid not in counted.get(region_of_event[n], set()):
            missing.append(f"{region_of_event[n]}:{sid}")
    roots = {str(s) for s in events_of_story}
    for region, members in counted.items():
        extra += [f"{region}:{m}" for m in members - roots]
    report["signal_regions"] = {r: len(m) for r, m in sorted(counted.items())}
    report["signal_double_bucketed"] = double_bucketed[:20]
    report["signal_missing"] = missing[:20]
    report["signal_missing_count"] = len(missing)
    report["signal_extra"] = extra[:20]

    # Alerts: every stored alert reached the live endpoint (2xx, verified), one webhook-id per alert.
    with rasd.engine.connect() as conn:
        alert_ids = {r[0] for r in conn.execute(sa.text("SELECT id FROM alerts"))}
        deliveries = [dict(r) for r in conn.execute(sa.text(
            "SELECT d.alert_id, d.state, d.attempts, w.url FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id"))
            .mappings()]
    got = live.deliveries
    ok_ids = {d.body["id"] for d in got if d.status < 300 and d.verified and isinstance(d.body, dict)}
    ids_per_alert: dict[str, set[str | None]] = defaultdict(set)
    for d in got:
        if isinstance(d.body, dict):
            ids_per_alert[d.body["id"]].add(d.webhook_id)
    report["alerts"] = len(alert_ids)
    report["alerts_undelivered"] = sorted(alert_ids - ok_ids)
    report["alerts_with_several_webhook_ids"] = sorted(a for a, ids in ids_per_alert.items() if len(ids) > 1)
    report["receiver_requests"] = len(got)
    report["receiver_statuses"] = dict(sorted(_count(d.status for d in got).items()))
    report["delivery_states"] = dict(_count(f"{'live' if d['url'] == live.url else 'gone'}:{d['state']}"
                                            for d in deliveries))

    # Poison: parked dead with its error after max_attempts, not retried forever.
    poison = by_guid.get(poison_guid, [{}])[0]
    report["poison"] = {"state": poison.get("state"), "attempts": poison.get("attempts"),
                        "error": (poison.get("last_error") or "")[:120]}
    report["poison_ok"] = (poison.get("state") == "dead" and "chaos poison" in (poison.get("last_error") or "")
                           and max_attempts <= int(poison.get("attempts") or 0) <= max_attempts + 2)
    return report


def _count(values: Any) -> dict[Any, int]:
    out: dict[Any, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return dict(out)
