"""Compiled (mypyc, ``make native``) against Python source for the pure per-article modules.

Prints one JSON object: µs per article (CPU, one core) for clean, fingerprint of the clean result,
and extract_text on the news corpus of bench/extract.py, in fresh processes that alternate between
the two builds (RASD_NATIVE=0 makes the package import the .py sources), median of PASSES passes
in each and of ROUNDS processes;
and the ratio source / compiled. Run: .venv/bin/python bench/native.py (about 40 s).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._calibration import reference_ms  # noqa: E402

ROUNDS = 3  # fresh processes per build, alternating
PASSES = 5  # timed passes over the corpus in each process (median)
STAGES = ("clean", "fingerprint", "extract_text")


def one_pass() -> dict[str, object]:
    """Run in the child: time each stage over the corpus (after one warm-up pass)."""
    from bench._calibration import code_variant
    from bench.extract import news_corpus
    from worker.dedup.fingerprint import fingerprint
    from worker.pipeline import extract_text
    from worker.text.clean import clean_article

    texts = news_corpus()
    cleaned = [clean_article(t) for t in texts]
    for c in cleaned:
        fingerprint(c)
        extract_text(c.text)
    out: dict[str, object] = {"code": code_variant()}
    n = len(texts)
    per: dict[str, list[float]] = {stage: [] for stage in STAGES}
    for _ in range(PASSES):
        c0 = time.process_time()
        cleaned = [clean_article(t) for t in texts]
        c1 = time.process_time()
        for c in cleaned:
            fingerprint(c)
        c2 = time.process_time()
        for c in cleaned:
            extract_text(c.text)
        c3 = time.process_time()
        for stage, seconds in zip(STAGES, (c1 - c0, c2 - c1, c3 - c2), strict=True):
            per[stage].append(seconds / n * 1e6)
    out.update({stage: statistics.median(v) for stage, v in per.items()})
    return out


def _child(native: bool) -> dict[str, float]:
    env = {**os.environ, "RASD_NATIVE": "1" if native else "0"}
    proc = subprocess.run([sys.executable, "-c", "import json, bench.native as b; print(json.dumps(b.one_pass()))"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    started = time.perf_counter()
    calibration = reference_ms()
    runs: dict[str, list[dict[str, float]]] = {"python": [], "mypyc": []}
    for _ in range(ROUNDS):
        for native in (False, True):
            r = _child(native)
            runs[str(r["code"])].append(r)
    result: dict[str, object] = {"benchmark": "native", "rounds": ROUNDS, "articles": 300,
                                 "clock": "process_time (CPU)", "reference_sum_range_1e6_ms": calibration}
    if not runs["mypyc"]:
        result["error"] = "no compiled build in use: run make native"
    else:
        per = {code: {s: round(statistics.median(float(r[s]) for r in rs), 1) for s in STAGES}
               for code, rs in runs.items()}
        result["us_per_article"] = per
        result["speedup_python_over_mypyc"] = {s: round(per["python"][s] / per["mypyc"][s], 2) for s in STAGES}
        total = {code: sum(v.values()) for code, v in per.items()}
        result["speedup_all_three"] = round(total["python"] / total["mypyc"], 2)
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
