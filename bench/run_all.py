"""Run every bench/*.py, collect the JSON object each prints, measure the anchors, and write
docs/BENCHMARKS.md (figures, machine, comparison with the anchors). Prints one JSON object too.

Anchors: raw feedparser on the same feed (the floor for parsing), the same casualty extraction as
plain ``re`` loops (what a naive extractor costs), datasketch vs rensa MinHash (from bench/dedup.py)
and EMM NewsBrief's published scale (~300,000 articles/day ≈ 3.5/s) as the rate of a global system.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._calibration import code_variant  # noqa: E402

EMM_PER_S = 300_000 / 86_400
TIMEOUT = 240
TIMEOUTS = {"api.py": 900}  # builds 100,000 stories on SQLite and on PostgreSQL first


def machine() -> dict[str, Any]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem_kb = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines()
                  if ln.startswith("MemTotal"))
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "pure_modules": code_variant()}  # "mypyc" after make native; RASD_NATIVE=0 gives "python"


def run_bench(path: Path) -> dict[str, Any]:
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                              timeout=TIMEOUTS.get(path.name, TIMEOUT), cwd=REPO)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {TIMEOUTS.get(path.name, TIMEOUT)}s"}
    out: dict[str, Any] = {"wall_s": round(time.monotonic() - started, 1)}
    parsed = _last_json_object(proc.stdout)
    if parsed is None:
        out["error"] = f"exit {proc.returncode}: {proc.stderr.strip()[-400:]}"
    else:
        out.update(parsed)
    return out


def _last_json_object(stdout: str) -> dict[str, Any] | None:
    """The benchmark's JSON object: the whole output (indented JSON), else its last JSON line."""
    try:
        whole = json.loads(stdout)
    except ValueError:
        whole = None
    if isinstance(whole, dict):
        return whole
    for line in reversed(stdout.strip().splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def anchors() -> dict[str, Any]:
    """Parsing and extraction anchors, measured here on the same inputs as Rasd's own path."""
    import random

    import feedparser

    from tests.chaos.loadgen import write_event
    from worker.extract.casualties import extract_casualties
    from worker.feeds.parse import parse_feed
    rng = random.Random(3)
    events = [write_event(i, rng) for i in range(300)]
    feed = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>' + "".join(
        f"<item><guid>{i}</guid><title>{t}</title><description>{b}</description>"
        f"<pubDate>Tue, 03 Feb 2026 10:00:00 GMT</pubDate></item>" for i, (_, t, b) in enumerate(events[:30]))
        + "</channel></rss>").encode()

    def best(fn: Any, rounds: int = 5) -> float:
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    rasd_parse = best(lambda: [parse_feed(feed, {}, "https://x/") for _ in range(20)]) / 20
    fp_parse = best(lambda: [feedparser.parse(feed) for _ in range(20)]) / 20
    texts = [b for _, _, b in events]
    number = r"(\d+|[٠-٩]+|ثلاثة|أربعة|خمسة|ستة|سبعة|ثمانية|تسعة|عشرة)"
    naive = [re.compile(rf"(?:قتل|مقتل)\s+{number}"), re.compile(rf"(?:أصيب|إصابة)\s+{number}"),
             re.compile(rf"{number}\s+(?:قتلى|قتيلا|شهداء)"), re.compile(rf"{number}\s+(?:جرحى|مصابين)")]
    re_time = best(lambda: [[p.findall(t) for p in naive] for t in texts]) / len(texts)
    rasd_time = best(lambda: [extract_casualties(t) for t in texts]) / len(texts)
    return {
        "parse_30_items_rasd_ms": round(rasd_parse * 1000, 3), "parse_30_items_feedparser_ms": round(fp_parse * 1000, 3),
        "parse_ratio_rasd_over_feedparser": round(rasd_parse / fp_parse, 2),
        "casualties_rasd_us_per_article": round(rasd_time * 1e6, 1),
        "casualties_plain_re_us_per_article": round(re_time * 1e6, 1),
        "casualties_ratio_rasd_over_re": round(rasd_time / re_time, 1),
        "emm_newsbrief_articles_per_s": round(EMM_PER_S, 2),
    }


def flat(d: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(d, dict):
        for k, v in d.items():
            out.update(flat(v, f"{prefix}{k}."))
    elif isinstance(d, list):
        out[prefix[:-1]] = json.dumps(d, ensure_ascii=False)[:160]
    else:
        out[prefix[:-1]] = d
    return out


def markdown(results: dict[str, dict[str, Any]], anchor: dict[str, Any], mach: dict[str, Any]) -> str:
    lines = ["# Benchmarks", "", "Generated by `make bench` (`bench/run_all.py`); every figure below was measured on",
             "this machine in that run. Re-run to refresh.", "", "## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in mach.items()]
    lines += ["", "## Anchors", "", "| anchor | Rasd | anchor | ratio |", "| --- | --- | --- | --- |",
              f"| parse a 30-item Arabic RSS (ms) | {anchor.get('parse_30_items_rasd_ms')} | raw feedparser "
              f"{anchor.get('parse_30_items_feedparser_ms')} | {anchor.get('parse_ratio_rasd_over_feedparser')}x |",
              f"| casualty extraction (µs/article) | {anchor.get('casualties_rasd_us_per_article')} | plain `re` loops "
              f"{anchor.get('casualties_plain_re_us_per_article')} | {anchor.get('casualties_ratio_rasd_over_re')}x |"]
    dedup = flat(results.get("dedup", {}))
    ds = {k: v for k, v in dedup.items() if "datasketch" in k or "rensa" in k}
    if ds:
        lines.append("| MinHash (bench/dedup.py) | " + ", ".join(f"{k}={v}" for k, v in ds.items() if "rensa" in k)[:200]
                     + " | datasketch: " + ", ".join(f"{k}={v}" for k, v in ds.items() if "datasketch" in k)[:200]
                     + " | |")
    news = results.get("extract", {}).get("news", {})
    if isinstance(news.get("extract_text_articles_per_cpu_s"), int | float):
        lines.append(f"| extract, one core (articles/CPU s, bench/extract.py) | extract_text "
                     f"{news['extract_text_articles_per_cpu_s']}, analyse {news.get('analyse_articles_per_cpu_s')} "
                     f"| target {results['extract'].get('target_articles_per_s')} | |")
    for name, key in (("replay", "articles_per_second"),):
        rate = results.get(name, {}).get(key)
        if isinstance(rate, int | float):
            lines.append(f"| throughput (articles/s) | {rate} (`rasd replay`) | EMM NewsBrief ~300k/day = "
                         f"{anchor['emm_newsbrief_articles_per_s']}/s | {round(rate / EMM_PER_S, 1)}x |")
    lines += ["", "## Figures", ""]
    for name, res in results.items():
        lines += [f"### bench/{name}.py", "", "| key | value |", "| --- | --- |"]
        lines += [f"| {k} | {str(v).replace('|', '/')} |" for k, v in flat(res).items()]
        if res.get("data") and name == "alerts_real":  # the corpus licence asks for the citation with results
            lines += ["", f"Data: {res['data']}."]
        lines.append("")
    return "\n".join(lines) + "\n"


def main() -> None:
    only = set(sys.argv[1:])
    results: dict[str, dict[str, Any]] = {}
    for path in sorted((REPO / "bench").glob("*.py")):
        if path.name == "run_all.py" or path.name.startswith("_") or (only and path.stem not in only):
            continue
        print(f"== {path.name}", file=sys.stderr, flush=True)
        results[path.stem] = run_bench(path)
    mach = machine()
    anchor = anchors()
    (REPO / "docs" / "BENCHMARKS.md").write_text(markdown(results, anchor, mach), encoding="utf-8")
    print(json.dumps({"machine": mach, "anchors": anchor, "results": results}, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
