"""Throughput of ``extract`` on ~300-word Arabic news articles, one core (issue #4: ≥ 1,000/s).

Prints one JSON object:
* articles/s (CPU time, median of 7 interleaved rounds) for ``extract_text`` (casualties + entities +
  keywords on clean text) and for ``analyse`` (clean + extract, what ``rasd extract`` runs), so the
  cleaning share is visible;
* µs per article for each stage of ``extract_text``, timed in pipeline order (so keywords reuse
  the entities scan, as in ``extract_text``);
* cold start of the gazetteer automaton, median of 5 fresh processes;
* the calibration figure of bench/dedup.py (best of 5 ``sum(range(10**6))``, ms) and the machine.

Corpora (both reused from existing generators, never written here):
* ``news``: 300 reports from ``tests/unit/syndication.py`` (other events of its 30 base reports):
  3 of its 5 kinds are casualty news (shelling, airstrike, clashes), 2 are ordinary news
  (humanitarian, politics); the headline figure;
* ``dense``: 300 articles of bench/extract_casualties.py where every sentence is casualty news
  (the worst case for the casualty stage; cleaning drops their repeated paragraphs, so the clean
  text is shorter than 300 words).

CPU time (``time.process_time``), because other jobs share this machine.
Run: ``.venv/bin/python bench/extract.py`` (about 30 s).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._calibration import code_variant, reference_ms  # noqa: E402
from bench.extract_casualties import make_articles  # noqa: E402
from tests.unit.syndication import base_articles, sibling  # noqa: E402
from worker.extract.casualties import extract_casualties, totals_and_approximate  # noqa: E402
from worker.extract.entities import extract_entities, regions_for  # noqa: E402
from worker.extract.keywords import score_keywords  # noqa: E402
from worker.pipeline import analyse, extract_text  # noqa: E402
from worker.text.clean import clean_article  # noqa: E402

ROUNDS = 7
TARGET = 1000


def news_corpus() -> list[str]:
    """300 distinct reports: 10 other events of each of the 30 base reports (60% casualty news)."""
    return [sibling(a, s).text for a in base_articles() for s in range(10)]


def dense_corpus() -> list[str]:
    """300 articles whose every sentence is casualty news (bench/extract_casualties.py)."""
    return make_articles(300, casualty_share=1.0)


def _pass_cpu_s(fn: Callable[[str], object], texts: list[str]) -> float:
    """CPU seconds for one pass of ``fn`` over ``texts``."""
    c0 = time.process_time()
    for t in texts:
        fn(t)
    return time.process_time() - c0


def _stage_pass(clean: list[str]) -> list[int]:
    """CPU ns of each stage over ``clean``, each article's stages called in ``extract_text``'s order."""
    clock = time.process_time_ns
    totals = [0, 0, 0]
    for t in clean:
        c0 = clock()
        totals_and_approximate(extract_casualties(t))
        c1 = clock()
        regions_for(extract_entities(t))
        c2 = clock()
        score_keywords(t)
        c3 = clock()
        totals[0] += c1 - c0
        totals[1] += c2 - c1
        totals[2] += c3 - c2
    return totals


def _measure(raw: list[str]) -> dict[str, Any]:
    """Rounds interleave every measurement, so a change of load on the machine hits them alike."""
    clean = [clean_article(t).text for t in raw]
    passes: dict[str, tuple[Callable[[str], object], list[str]]] = {
        "extract_text": (extract_text, clean), "analyse": (analyse, raw), "clean": (clean_article, raw)}
    for fn, texts in passes.values():
        for t in texts[:30]:
            fn(t)  # warm-up: lexicons and automata are built once per process
    seconds: dict[str, list[float]] = {name: [] for name in passes}
    stages: list[list[int]] = []
    for _ in range(ROUNDS):
        for name, (fn, texts) in passes.items():
            seconds[name].append(_pass_cpu_s(fn, texts))
        stages.append(_stage_pass(clean))
    n = len(raw)
    us = {name: statistics.median(v) / n * 1e6 for name, v in seconds.items()}
    stage_names = ("casualties", "entities", "keywords")
    return {
        "articles": n,
        "words_per_article_median": {"raw": statistics.median(len(t.split()) for t in raw),
                                     "clean": statistics.median(len(t.split()) for t in clean)},
        "articles_with_casualties": sum(1 for t in clean if extract_casualties(t)),
        "extract_text_articles_per_cpu_s": round(1e6 / us["extract_text"], 1),
        "extract_text_us_per_article": round(us["extract_text"], 1),
        "analyse_articles_per_cpu_s": round(1e6 / us["analyse"], 1),
        "analyse_us_per_article": round(us["analyse"], 1),
        "clean_us_per_article": round(us["clean"], 1),
        "stage_us_per_article": {name: round(statistics.median(r[k] for r in stages) / n / 1000, 1)
                                 for k, name in enumerate(stage_names)},
    }


_COLD = """
import time
c0, w0 = time.process_time(), time.perf_counter()
from worker.extract.entities import lexicon
c1, w1 = time.process_time(), time.perf_counter()
lex = lexicon()
c2, w2 = time.process_time(), time.perf_counter()
print(c1 - c0, c2 - c1, w2 - w1, lex.matcher.sizes[0], lex.matcher.sizes[1])
"""


def cold_start(runs: int = 5) -> dict[str, Any]:
    """Import and automaton build (gazetteer + actors + dates + keywords, one automaton) in fresh processes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _COLD], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True)
        rows.append(out.stdout.split())
    med = statistics.median
    return {
        "import_cpu_s_median": round(med(float(r[0]) for r in rows), 3),
        "automaton_build_cpu_s_median": round(med(float(r[1]) for r in rows), 3),
        "automaton_build_wall_s_median": round(med(float(r[2]) for r in rows), 3),
        "keys": {"entities": int(rows[0][3]), "keywords": int(rows[0][4])},
        "processes": runs,
    }


def main() -> None:
    started = time.perf_counter()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    calibration_before = reference_ms()
    result: dict[str, Any] = {
        "benchmark": "extract",
        "target_articles_per_s": TARGET,
        "rounds": ROUNDS,
        "clock": "process_time (CPU)",
        "news": _measure(news_corpus()),
        "dense": _measure(dense_corpus()),
        "cold_start": cold_start(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "code": code_variant(), "loadavg_1m": round(os.getloadavg()[0], 2), "cores_used": 1,
                    "reference_sum_range_1e6_ms": calibration_before,
                    # the same figure after the run: far apart means the load changed meanwhile
                    "reference_sum_range_1e6_ms_after": reference_ms()},
    }
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
