"""The calibration figure every benchmark prints: best of 5 ``sum(range(10**6))``, wall ms (~15-20 ms
on a current desktop core). Machines here are shared and their speed drifts; quote it with a figure.
Not a benchmark itself (bench/run_all.py skips modules whose name starts with ``_``)."""

from __future__ import annotations

import time


def reference_ms() -> float:
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        sum(range(1_000_000))
        best = min(best, time.perf_counter() - t0)
    return round(best * 1000, 1)


def code_variant() -> str:
    """Which build of the pure modules ran: "mypyc" (all compiled) or "python" (their sources)."""
    from worker import _compiled

    build = _compiled.describe()
    return "mypyc" if build["compiled"] == build["of"] else "python"
