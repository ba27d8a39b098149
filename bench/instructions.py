"""Instructions per article for clean + fingerprint, counted by valgrind's callgrind.

This machine's timings drift by ±30% between runs (shared cores), so small changes to the pure
text code cannot be judged by seconds. Callgrind counts executed instructions, which do not depend
on what else runs: the same build and input give the same count. Only the two entry points are
counted (``--toggle-collect``), not the imports or the corpus generation. Cache misses are not
counted, so a figure here is a comparison, not a speed; bench/dedup.py gives the speed.

Prints one JSON object. Needs ``valgrind`` (prints ``"skipped"`` without it).
Run: .venv/bin/python bench/instructions.py
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ARTICLES = 120  # every 15th of bench/dedup.py's 1,800 (unique stories and syndicated copies)
WARM_UP = 10

_CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from worker.dedup.fingerprint import fingerprint
from worker.text.clean import clean_article
texts = json.load(open(sys.argv[2], encoding="utf-8"))
for t in texts[:{warm}]:
    fingerprint(clean_article(t))
for t in texts:
    fingerprint(clean_article(t))
"""


# mypyc's C functions of the two entry points: only the instructions under them are counted.
ENTRY_SYMBOLS = ["CPyDef_clean___clean_article", "CPyDef_fingerprint___fingerprint"]


def main() -> None:
    from bench._calibration import code_variant
    from bench.dedup import _corpus

    started = time.perf_counter()
    code = code_variant()
    result: dict[str, object] = {"benchmark": "instructions", "code": code,
                                 "machine": {"python": platform.python_version(), "platform": platform.platform()}}
    valgrind = shutil.which("valgrind")
    if valgrind is None or code != "mypyc":
        print(json.dumps({**result, "skipped": "valgrind not found" if valgrind is None else
                          "counts the compiled build only (make native)"}))
        return
    unique, copies = _corpus()
    texts = (unique + copies)[::15][:ARTICLES]
    with tempfile.TemporaryDirectory(prefix="rasd-bench-instr-") as tmp:
        corpus = Path(tmp) / "corpus.json"
        corpus.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        out = Path(tmp) / "callgrind.out"
        toggles = [f"--toggle-collect={s}" for s in ENTRY_SYMBOLS]
        proc = subprocess.run(
            [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", *toggles, sys.executable, "-c",
             _CHILD.format(warm=WARM_UP), str(REPO), str(corpus)],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}, check=False)
        found = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
        if proc.returncode != 0 or found is None:
            raise SystemExit(f"callgrind failed ({proc.returncode}): {proc.stderr[-2000:]}")
    counted = len(texts) + WARM_UP
    total = int(found.group(1))
    print(json.dumps({
        **result,
        "articles": len(texts), "counted_calls": counted,
        "scope": "clean_article + fingerprint (mypyc build), PYTHONHASHSEED=0",
        "instructions_total": total,
        "instructions_per_article": round(total / counted),
        "seconds": round(time.perf_counter() - started, 1),
    }))


if __name__ == "__main__":
    main()
