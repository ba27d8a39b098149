"""Escalation alerts on real Arabic news: replay a JSONL file, score Rasd's alerts against labelled
episodes, and compute two plain daily rules on the same stored stories, side by side.

    python bench/alerts_real.py [ARTICLES.jsonl EPISODES.json] [--split YYYY-MM-DD]

Without paths it reads ../shared/data/ant-dev/ (the development data beside the checkout), as
`make bench` runs it; when that is missing it prints {"skipped": ...}.

Replays into a fresh data dir (SQLite + embedded Valkey) with ``replay_paths`` (what `rasd replay`
runs). Matching rule (see the episodes file): an alert catches an episode when its region name
(``name_ar``/``name_en``, normalised) is one of the episode's accepted names and its window starts in
[start − 1 day, end + 1 day]. Alerts in a labelled quiet region-period are false alarms; alerts
matching neither an episode nor a minor event are "unmatched" (counted per region-month).
Rules, per stored region and UTC day over unique escalation stories (what Rasd counts):
EMM-style: today ≥ 5 and ≥ 3 × mean of the 7 days before; Huginn-style: today ≥ 3 and
> mean + 3σ of the 14 days before. Prints one JSON object. Data: ANT Corpus (see docs/BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from worker.broker import EmbeddedValkey  # noqa: E402
from worker.logging import configure_logging  # noqa: E402
from worker.resources import Resources  # noqa: E402
from worker.services import replay as replay_service  # noqa: E402
from worker.services.setup import prepare_storage  # noqa: E402
from worker.settings import Settings  # noqa: E402
from worker.store.tables import alerts, stories  # noqa: E402

NOW = datetime(2019, 1, 1, tzinfo=UTC)  # after the corpus: every article is in the past
DEV = REPO.parent / "shared" / "data" / "ant-dev"
CITATION = ("ANT Corpus v2.1: A. Chouigui, O. Ben Khiroun, B. Elayeb, \"An Arabic Multi-source News Corpus: "
            "Experimenting on Single-document Extractive Summarization\", AJSE 46(8), 2021")


def norm(name: str) -> str:
    """The matching rule's normalisation: diacritics dropped, أإآ→ا, ى→ي, ة→ه, case folded."""
    s = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    for a, b in (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ى", "ي"), ("ة", "ه")):
        s = s.replace(a, b)
    return s.casefold().strip()


def day_of(ts: datetime) -> date:
    return ts.astimezone(UTC).date()


class Labels:
    def __init__(self, data: dict[str, Any]) -> None:
        self.episodes = data["episodes"]
        self.minor = data["minor"]
        self.quiet = data["quiet"]

    @staticmethod
    def _names(*lists: Iterable[str]) -> set[str]:
        return {norm(n) for lst in lists for n in lst}

    @staticmethod
    def _within(start: datetime, lo: str, hi: str, slack: int) -> bool:
        d = day_of(start)
        return date.fromisoformat(lo) - timedelta(days=slack) <= d <= date.fromisoformat(hi) + timedelta(days=slack)

    def episode_of(self, names: set[str], start: datetime) -> list[str]:
        return [e["id"] for e in self.episodes if names & self._names(e["accept_ar"], e["accept_en"])
                and self._within(start, e["start"], e["end"], 1)]

    def minor_of(self, names: set[str], start: datetime) -> list[str]:
        return [m["id"] for m in self.minor if names & self._names(m["region_ar"], [m["region_en"]])
                and self._within(start, m["start"], m["end"], 1)]

    def quiet_of(self, names: set[str], start: datetime) -> list[str]:
        return [f"{q['region_en']} {q['start']}" for q in self.quiet
                if names & self._names(q["region_ar"], [q["region_en"]]) and self._within(start, q["start"], q["end"], 0)]


def score(found: list[dict[str, Any]], labels: Labels, lo: date | None = None, hi: date | None = None,
          region_months: int = 0) -> dict[str, Any]:
    """``found``: alerts as {"names", "start", "kind", "region"}; only episodes starting in [lo, hi].
    ``region_months``: (region, month) pairs with any escalation story, the false-alarm exposure."""
    eps = [e for e in labels.episodes if (lo is None or date.fromisoformat(e["start"]) >= lo)
           and (hi is None or date.fromisoformat(e["start"]) <= hi)]
    in_period = [a for a in found if (lo is None or day_of(a["start"]) >= lo) and (hi is None or day_of(a["start"]) <= hi)]
    first: dict[str, datetime] = {}
    quiet: list[str] = []
    unmatched: dict[str, int] = defaultdict(int)
    for a in in_period:
        hits = [h for h in labels.episode_of(a["names"], a["start"]) if h in {e["id"] for e in eps}]
        for h in hits:
            first[h] = min(first.get(h, a["start"]), a["start"])
        q = labels.quiet_of(a["names"], a["start"])
        quiet += [f"{a['region']} {a['start']:%Y-%m-%d %H:%M}" for _ in q[:1]]
        if not labels.episode_of(a["names"], a["start"]) and not labels.minor_of(a["names"], a["start"]):
            unmatched[f"{a['region']}|{a['start']:%Y-%m}"] += 1
    lags = [(first[e["id"]] - datetime.fromisoformat(e["start"]).replace(tzinfo=UTC)).total_seconds() / 3600
            for e in eps if e["id"] in first]
    months = len({(d.year, d.month) for d in (day_of(a["start"]) for a in in_period)}) or 1
    return {
        "episodes": len(eps), "caught": len(first), "missed": sorted(e["id"] for e in eps if e["id"] not in first),
        "median_lag_hours_from_start": round(statistics.median(lags), 1) if lags else None,
        "alerts": len(in_period), "quiet_period_alerts": len(quiet), "quiet_alerts": quiet,
        "unmatched_alerts": sum(unmatched.values()),
        "region_months_with_unmatched": len(unmatched),
        "unmatched_per_region_month": round(sum(unmatched.values()) / region_months, 3) if region_months else None,
        "unmatched_top": dict(sorted(unmatched.items(), key=lambda kv: -kv[1])[:8]),
        "months": months,
    }


def daily_counts(rows: list[dict[str, Any]]) -> tuple[dict[str, dict[date, int]], dict[str, set[str]], dict[str, str]]:
    """Unique escalation stories per stored region and UTC day (what the counters hold, by day)."""
    per: dict[str, dict[date, set[int]]] = defaultdict(lambda: defaultdict(set))
    names: dict[str, set[str]] = {}
    label: dict[str, str] = {}
    for r in rows:
        if float(r["escalation_score"] or 0) <= 0:
            continue
        t = r["event_time"] if r["event_time"].tzinfo else r["event_time"].replace(tzinfo=UTC)
        for reg in r["regions"] or []:
            key = f"{reg['country']}:{reg['level']}:{reg['name_en']}"
            per[key][day_of(t)].add(int(r["id"]))
            names[key] = {norm(reg["name_ar"]), norm(reg["name_en"])}
            label[key] = reg["name_en"]
    return ({k: {d: len(s) for d, s in v.items()} for k, v in per.items()}, names, label)


def rule_alerts(per_day: dict[str, dict[date, int]], names: dict[str, set[str]], label: dict[str, str],
                rule: str) -> list[dict[str, Any]]:
    out = []
    for key, days in per_day.items():
        first = min(days)
        d, last = first, max(days)
        while d <= last:
            today = days.get(d, 0)
            fire = False
            if rule == "emm":
                prev = [days.get(d - timedelta(days=i), 0) for i in range(1, 8)]
                fire = today >= 5 and today >= 3 * (sum(prev) / 7)
            else:
                prev = [days.get(d - timedelta(days=i), 0) for i in range(1, 15)]
                m = sum(prev) / 14
                sd = statistics.pstdev(prev)
                fire = today >= 3 and today > m + 3 * sd
            if fire:
                out.append({"names": names[key], "start": datetime(d.year, d.month, d.day, tzinfo=UTC),
                            "kind": "day", "region": label[key], "level": key.split(":")[1]})
            d += timedelta(days=1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("jsonl", type=Path, nargs="?", default=DEV / "middle-east-2018-02-to-05.jsonl")
    ap.add_argument("episodes", type=Path, nargs="?", default=DEV / "episodes.json")
    ap.add_argument("--split", default="2018-04-01", help="first day of the check half (tune before, check after)")
    args = ap.parse_args()
    if not args.jsonl.is_file() or not args.episodes.is_file():
        print(json.dumps({"benchmark": "alerts_real", "skipped": f"no data at {args.jsonl} / {args.episodes}"}))
        return
    labels = Labels(json.loads(args.episodes.read_text(encoding="utf-8")))
    tmp = Path(tempfile.mkdtemp(prefix="rasd-alerts-real-"))
    valkey = EmbeddedValkey(tmp / "valkey").start()
    eval_cpu = [0.0]
    real_eval = replay_service.evaluate_many

    def timed_eval(*a: Any, **kw: Any) -> list[str]:  # evaluation CPU, apart from extraction
        t = time.thread_time()  # this thread only: the pool's result thread runs beside it
        try:
            return real_eval(*a, **kw)
        finally:
            eval_cpu[0] += time.thread_time() - t

    replay_service.evaluate_many = timed_eval  # type: ignore[assignment]
    try:
        settings = Settings(data_dir=tmp / "data", redis_url=valkey.url, import_feeds_on_start=False, log_level="WARNING")
        configure_logging(settings)  # warnings only, on stderr: stdout is the JSON result
        prepare_storage(settings)
        res = Resources(settings)
        commands = int(res.redis.info("stats")["total_commands_processed"])
        summary = replay_service.replay_paths(res, [args.jsonl], NOW, deliver=False).to_json()
        commands = int(res.redis.info("stats")["total_commands_processed"]) - commands - 1  # less this INFO
        with res.engine.connect() as conn:
            alert_rows = [dict(r) for r in conn.execute(sa.select(alerts)).mappings()]
            story_rows = [dict(r) for r in conn.execute(sa.select(stories)).mappings()]
        res.close()
    finally:
        valkey.stop()
        shutil.rmtree(tmp, ignore_errors=True)  # a replay's data dir is ~100 MB; nothing reads it afterwards
    rasd = []
    for r in sorted(alert_rows, key=lambda r: (r["window_start"], r["region_key"])):
        p = r["payload"]
        rasd.append({"names": {norm(p["region"]["name_ar"]), norm(p["region"]["name_en"])},
                     "start": datetime.fromisoformat(p["window"]["start"].replace("Z", "+00:00")),
                     "kind": p.get("kind", "new"), "region": p["region"]["name_en"],
                     "scale": p.get("scale") or p.get("scale_hours"), "level": p["region"].get("level")})
    per_day, names, label = daily_counts(story_rows)
    emm = rule_alerts(per_day, names, label, "emm")
    hug = rule_alerts(per_day, names, label, "huginn")
    split = date.fromisoformat(args.split)
    before = split - timedelta(days=1)

    def exposure(lo: date | None, hi: date | None) -> int:
        return len({(k, d.year, d.month) for k, days in per_day.items() for d in days
                    if (lo is None or d >= lo) and (hi is None or d <= hi)})

    def three(found: list[dict[str, Any]]) -> dict[str, Any]:
        levels: dict[str, dict[str, Any]] = {}
        for level in sorted({str(a["level"]) for a in found}):  # each level scored alone, all months
            alone = score([a for a in found if a["level"] == level], labels)
            levels[level] = {k: alone[k] for k in ("alerts", "caught", "quiet_period_alerts", "unmatched_alerts")}
        return {"by_level": levels, "all": score(found, labels, region_months=exposure(None, None)),
                "tune_half": score(found, labels, None, before, exposure(None, before)),
                "check_half": score(found, labels, split, None, exposure(split, None))}

    scales: dict[str, int] = defaultdict(int)
    for a in rasd:
        scales[f"{a['kind']}:{a['scale']}"] += 1
    print(json.dumps({
        "benchmark": "alerts_real", "articles": summary["items_read"], "processed": summary["processed"],
        "skipped_lines": summary["skipped_lines"], "unreadable_dates": summary["unreadable_dates"],
        "unique_stories": summary["unique_stories"], "replay_seconds": summary["seconds"],
        "articles_per_second": summary["articles_per_second"],
        "evaluation_cpu_ms_per_article": round(1000 * eval_cpu[0] / max(1, summary["processed"]), 3),
        "redis_commands_per_article": round(commands / max(1, summary["processed"]), 2),
        "split": args.split, "region_months": exposure(None, None), "rasd_alert_kinds": dict(scales),
        "rasd": three(rasd), "emm_daily": three(emm), "huginn_daily": three(hug),
        "data": CITATION, "nproc": os.cpu_count(),
    }, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
