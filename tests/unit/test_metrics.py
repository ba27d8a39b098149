"""The metric names ops depends on exist, and multiprocess mode aggregates across processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from worker import metrics

REPO = Path(__file__).resolve().parents[2]


def _samples(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(body.decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_every_exported_name_is_rendered() -> None:
    metrics.apply_snapshot(metrics.StateSnapshot(queue_depths={"fetch": 3}, feeds_total=31, taken_at=1.0))
    metrics.mark_process_up("api")
    metrics.observe_fetch("ok", 0.2)
    metrics.observe_delivery("delivered", 2.0)
    metrics.observe_task("worker.tasks.poll_due", 0.01, failed=True)
    body, ctype = metrics.render_metrics()
    assert ctype.startswith("text/plain; version=")
    assert ctype.endswith("charset=utf-8")
    names = {name for name, _ in _samples(body)}
    for name in metrics.EXPORTED_METRICS:
        assert {name, f"{name}_bucket", f"{name}_count"} & names, name
    rendered = {
        re.sub(r"_(bucket|sum|count)$", "", n)
        for n in names
        if n.startswith("rasd_") and not n.endswith("_created")
    }
    assert rendered == set(metrics.EXPORTED_METRICS)
    samples = _samples(body)
    assert samples[("rasd_queue_depth", (("queue", "fetch"),))] == 3.0
    assert samples[("rasd_queue_depth", (("queue", "alerts"),))] == 0.0
    assert samples[("rasd_feeds_total", ())] == 31.0
    assert samples[("rasd_up", (("component", "api"),))] == 1.0


def test_all_fetch_outcomes_exist_before_first_event() -> None:
    body, _ = metrics.render_metrics()
    outcomes = {dict(labels)["outcome"] for name, labels in _samples(body) if name == "rasd_fetch_total"}
    assert outcomes == set(metrics.FETCH_OUTCOMES)


def test_unknown_label_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown fetch outcome 'okay'"):
        metrics.observe_fetch("okay")
    with pytest.raises(ValueError, match="unknown severity"):
        metrics.count_alert("high")
    before = metrics.CASUALTY_FIGURES.labels("other")._value.get()
    metrics.count_casualty("abducted")
    assert metrics.CASUALTY_FIGURES.labels("other")._value.get() == before + 1


def test_multiprocess_mode_sums_counters_across_processes(tmp_path: Path) -> None:
    """Two child processes count fetches; a third renders the sum via MultiProcessCollector."""
    mpdir = tmp_path / "prom"
    mpdir.mkdir()
    (mpdir / "counter_999999.db").write_bytes(b"stale file from a previous run")
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(mpdir), PYTHONPATH=str(REPO))
    script = textwrap.dedent(
        """
        import multiprocessing as mp, sys
        from worker import metrics

        def child(n):
            for _ in range(n):
                metrics.observe_fetch("timeout", 1.5)
            metrics.mark_process_up("worker")

        if __name__ == "__main__":
            metrics.reset_multiproc_dir()  # parent keeps its own files
            ctx = mp.get_context("fork")  # like Celery prefork
            procs = [ctx.Process(target=child, args=(n,)) for n in (2, 5)]
            for p in procs: p.start()
            for p in procs: p.join(30)
            assert all(p.exitcode == 0 for p in procs)
            body, _ = metrics.render_metrics()
            sys.stdout.write(body.decode())
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, timeout=60, cwd=tmp_path, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    samples = _samples(proc.stdout)
    assert samples[("rasd_fetch_total", (("outcome", "timeout"),))] == 7.0
    assert samples[("rasd_fetch_duration_seconds_count", ())] == 7.0
    assert samples[("rasd_up", (("component", "worker"),))] == 1.0
    # parent + two children; the stale file of a previous run was removed by reset_multiproc_dir()
    assert len(list(mpdir.glob("counter_*.db"))) == 3
    assert not (mpdir / "counter_999999.db").exists()


def test_registry_is_default_without_multiproc_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(metrics.MULTIPROC_ENV, raising=False)
    from prometheus_client import REGISTRY

    assert metrics.metrics_registry() is REGISTRY
