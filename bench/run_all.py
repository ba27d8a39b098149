"""Run every bench/*.py, collect the JSON object each prints, measure the anchors, and write
docs/BENCHMARKS.md (figures, machine, comparison with the anchors). Prints one JSON object too.

Anchors: raw feedparser on the same feed (the floor for parsing), the same casualty extraction as
plain ``re`` loops (what a naive extractor costs), datasketch vs rensa MinHash (from bench/dedup.py)
and EMM NewsBrief's published scale (~300,000 articles/day ≈ 3.5/s) as the rate of a global system.

The file is merged, not overwritten: each ``### bench/NAME.py`` section that ran is replaced in its
place (a new one goes before the first such section that sorts after it), every other section (the
ones "measured by hand", whose heading is not exactly ``### bench/NAME.py``) is kept verbatim, and
``run_all.py NAME…`` refreshes the header and the named sections only. ``HAND_RUN`` harnesses are
never run here; the file lists them in one line.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._calibration import code_variant  # noqa: E402

EMM_PER_S = 300_000 / 86_400
TIMEOUT = 240
TIMEOUTS = {"api.py": 900}  # builds 100,000 stories on SQLite and on PostgreSQL first
BENCHMARKS = REPO / "docs" / "BENCHMARKS.md"
# Research harnesses run by hand (their figures are hand-written sections), with why not here.
HAND_RUN = {
    "ner": "scores the held-out last 10% of ANERcorp, which is scored once per shipped model (docs/ner.md); "
           "without its networks it would score the CRF alone, not the shipped tagger",
    "ner_errors": "trains the inner-split CRF and window network, 5–10 min, over the 240 s timeout",
    "ner_net": "multi-seed torch training of window-network variants, many minutes per variant",
}
# Anchor rows computed from a benchmark's results: kept from the old file when that one did not run.
_ANCHOR_SOURCES = {"MinHash (bench/dedup.py)": "dedup",
                   "extract, one core (articles/CPU s, bench/extract.py)": "extract",
                   "throughput (articles/s)": "replay"}


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


def split_figures(md: str) -> tuple[str, list[str]]:
    """The text before the first section after ``## Figures``, and each section verbatim (heading to
    the next ``##``/``###`` heading); no ``## Figures``: the whole text is the head."""
    lines = md.splitlines(keepends=True)
    fig = next((i for i, ln in enumerate(lines) if ln.rstrip() == "## Figures"), None)
    if fig is None:
        return md, []
    starts = [i for i in range(fig + 1, len(lines)) if lines[i].startswith(("## ", "### "))]
    if not starts:
        return md, []
    bounds = [*starts, len(lines)]
    return "".join(lines[:starts[0]]), ["".join(lines[a:b]) for a, b in pairwise(bounds)]


def section_name(section: str) -> str | None:
    """NAME of a generated ``### bench/NAME.py`` section; None for any other (hand-written) one."""
    m = re.fullmatch(r"### bench/(\w+)\.py", section.split("\n", 1)[0].rstrip())
    return m.group(1) if m else None


def merge_sections(old: list[str], new: dict[str, str], drop: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Old sections in order, each generated one that ran replaced in place, generated ones named in
    ``drop`` (or repeated) left out, every other kept verbatim; a new one goes before the first old
    generated section that sorts after it, the rest at the end."""
    present = {n for n in map(section_name, old) if n is not None}
    pending = sorted(n for n in new if n not in present)
    out: list[str] = []
    done: set[str] = set()
    for sec in old:
        name = section_name(sec)
        if name is None:
            out.append(sec)
            continue
        while pending and pending[0] < name:
            out.append(new[pending.pop(0)])
        if name in done or name in drop:
            continue
        done.add(name)
        out.append(new.get(name, sec))
    out += [new[n] for n in pending]
    # a kept section without a blank line after it would run into the next one
    return [s if i == len(out) - 1 or s.endswith("\n\n") else s.rstrip("\n") + "\n\n" for i, s in enumerate(out)]


def bench_section(name: str, res: dict[str, Any]) -> str:
    lines = [f"### bench/{name}.py", "", "| key | value |", "| --- | --- |"]
    lines += [f"| {k} | {str(v).replace('|', '/')} |" for k, v in flat(res).items()]
    if res.get("data") and name == "alerts_real":  # the corpus licence asks for the citation with results
        lines += ["", f"Data: {res['data']}."]
    return "\n".join(lines) + "\n\n"


def skipped_line(hand_run: dict[str, str]) -> str:
    return ("Not run by `make bench` (hand-run harnesses; their figures are the sections measured by hand): "
            + "; ".join(f"`bench/{n}.py` ({why})" for n, why in sorted(hand_run.items())) + ".")


def _table_rows(text: str) -> dict[str, str]:
    """Table rows of ``text`` by their first cell."""
    return {ln.split("|")[1].strip(): ln for ln in text.splitlines() if ln.startswith("| ") and ln.count("|") > 2}


def render_head(results: dict[str, dict[str, Any]], anchor: dict[str, Any], mach: dict[str, Any],
                old_head: str = "", hand_run: dict[str, str] | None = None) -> str:
    """Title, machine, anchors and the skipped line; an anchor row from a benchmark that did not run
    (a subset run) is kept from ``old_head``."""
    lines = ["# Benchmarks", "",
             "Generated by `make bench` (`bench/run_all.py`): the machine, the anchors and each `### bench/NAME.py`",
             "section were measured on this machine (`bench/run_all.py NAME…` refreshes the named sections only).",
             "Sections whose heading says \"measured by hand\" were not, and are kept as written.",
             "", "## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in mach.items()]
    lines += ["", "## Anchors", "", "| anchor | Rasd | anchor | ratio |", "| --- | --- | --- | --- |",
              f"| parse a 30-item Arabic RSS (ms) | {anchor.get('parse_30_items_rasd_ms')} | raw feedparser "
              f"{anchor.get('parse_30_items_feedparser_ms')} | {anchor.get('parse_ratio_rasd_over_feedparser')}x |",
              f"| casualty extraction (µs/article) | {anchor.get('casualties_rasd_us_per_article')} | plain `re` loops "
              f"{anchor.get('casualties_plain_re_us_per_article')} | {anchor.get('casualties_ratio_rasd_over_re')}x |"]
    rows: dict[str, str] = {}
    dedup = flat(results.get("dedup", {}))
    ds = {k: v for k, v in dedup.items() if "datasketch" in k or "rensa" in k}
    if ds:
        rows["MinHash (bench/dedup.py)"] = (
            "| MinHash (bench/dedup.py) | " + ", ".join(f"{k}={v}" for k, v in ds.items() if "rensa" in k)[:200]
            + " | datasketch: " + ", ".join(f"{k}={v}" for k, v in ds.items() if "datasketch" in k)[:200] + " | |")
    news = results.get("extract", {}).get("news", {})
    if isinstance(news.get("extract_text_articles_per_cpu_s"), int | float):
        rows["extract, one core (articles/CPU s, bench/extract.py)"] = (
            f"| extract, one core (articles/CPU s, bench/extract.py) | extract_text "
            f"{news['extract_text_articles_per_cpu_s']}, analyse {news.get('analyse_articles_per_cpu_s')} "
            f"| target {results['extract'].get('target_articles_per_s')} | |")
    rate = results.get("replay", {}).get("articles_per_second")
    if isinstance(rate, int | float):
        rows["throughput (articles/s)"] = (
            f"| throughput (articles/s) | {rate} (`rasd replay`) | EMM NewsBrief ~300k/day = "
            f"{anchor['emm_newsbrief_articles_per_s']}/s | {round(rate / EMM_PER_S, 1)}x |")
    old_rows = _table_rows(old_head)
    for label, source in _ANCHOR_SOURCES.items():
        row = rows.get(label) or (old_rows.get(label) if source not in results else None)
        if row:
            lines.append(row)
    lines += ["", "## Figures", ""]
    if hand_run:
        lines += [skipped_line(hand_run), ""]
    return "\n".join(lines) + "\n"


def markdown(results: dict[str, dict[str, Any]], anchor: dict[str, Any], mach: dict[str, Any],
             old: str = "", hand_run: dict[str, str] | None = None) -> str:
    """The new docs/BENCHMARKS.md: ``old`` with a new header and the sections of ``results`` merged in;
    generated sections of ``hand_run`` harnesses (an earlier run's error rows) are dropped."""
    old_head, old_sections = split_figures(old)
    new = {name: bench_section(name, res) for name, res in results.items()}
    return (render_head(results, anchor, mach, old_head, hand_run)
            + "".join(merge_sections(old_sections, new, set(hand_run or ()))))


def main() -> None:
    only = set(sys.argv[1:])
    names = {p.stem for p in (REPO / "bench").glob("*.py") if p.name != "run_all.py" and not p.name.startswith("_")}
    if only - names:
        sys.exit(f"run_all: no benchmark {', '.join(sorted(only - names))} in bench/")
    results: dict[str, dict[str, Any]] = {}
    for name in sorted(names):
        if only and name not in only:
            continue
        if name in HAND_RUN:
            print(f"== {name}.py skipped (run by hand: {HAND_RUN[name]})", file=sys.stderr, flush=True)
            continue
        print(f"== {name}.py", file=sys.stderr, flush=True)
        results[name] = run_bench(REPO / "bench" / f"{name}.py")
    mach = machine()
    anchor = anchors()
    old = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else ""
    BENCHMARKS.write_text(markdown(results, anchor, mach, old, HAND_RUN), encoding="utf-8")
    print(json.dumps({"machine": mach, "anchors": anchor, "results": results, "skipped": sorted(HAND_RUN)},
                     ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
