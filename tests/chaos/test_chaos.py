"""Rasd under load and faults: real `rasd worker`/`rasd beat` processes, a real Valkey (AOF) and
PostgreSQL, a local feed server and webhook receivers; faults injected while the load runs.

Short by default (CI, <= 90 s on 2 cores); RASD_CHAOS_FULL=1 (`make chaos`) runs the long one.
Afterwards the invariants are printed and asserted: nothing lost, nothing stored twice, every
event one story counted once, every alert delivered with one webhook-id, the poison item parked
as dead after RASD_MAX_ATTEMPTS, no orphaned process.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa

from tests.chaos.conftest import ChaosConfig, chaos_config
from tests.chaos.injector import Injector, ProcStat, process_groups, rss_mb, scan_processes
from tests.chaos.invariants import check
from tests.chaos.loadgen import FeedServer
from tests.integration.harness import Rasd, deployment
from tests.pgcluster import PgCluster
from worker.alerts.receiver import WebhookReceiver
from worker.alerts.signing import generate_secret
from worker.broker import EmbeddedValkey
from worker.store.tables import feeds, webhooks

pytestmark = [pytest.mark.chaos, pytest.mark.integration, pytest.mark.xdist_group("celery")]
INJECT = Path(__file__).resolve().parent / "inject"
MAX_ATTEMPTS = 3  # faults come every 2.4 s: two kills of one batch must not park a healthy item


class Sampler(threading.Thread):
    """Peak RSS of worker processes, Valkey memory and CPU time by role, sampled while the run lasts.

    CPU time is summed per process from its first to its last sample (a killed process loses at
    most one tick), so ``cpu_share()`` says where the 2 cores went: which part to make cheaper.
    """

    def __init__(self, rasd: Rasd, client: redis.Redis) -> None:
        super().__init__(daemon=True, name="sampler")
        self.rasd, self.client = rasd, client
        self.stop_event = threading.Event()
        self.peak_process_mb = 0.0
        self.peak_worker_mb = 0.0
        self.peak_valkey_mb = 0.0
        self.valkey_mb: list[float] = []
        self._cpu: dict[tuple[int, str], list[int]] = {}  # (pid, role) → [first ticks, last ticks]
        self._cpu_lock = threading.Lock()
        self._cpu_started = time.monotonic()
        self._machine_start: list[int] = []

    def run(self) -> None:
        while not self.stop_event.wait(0.5):
            scan = scan_processes()  # one scan of /proc a tick: the sampler shares the 2 cores
            self._count_cpu(scan)
            groups = process_groups(scan)
            for proc in list(self.rasd.procs):
                if not proc.name.startswith("w"):
                    continue
                sizes = [rss_mb(p) for p in groups.get(proc.popen.pid, [])]
                if sizes:
                    self.peak_process_mb = max(self.peak_process_mb, max(sizes))
                    self.peak_worker_mb = max(self.peak_worker_mb, sum(sizes))
            try:
                used = int(self.client.info("memory")["used_memory"]) / 2**20
                self.valkey_mb.append(used)
                self.peak_valkey_mb = max(self.peak_valkey_mb, used)
            except redis.RedisError:
                pass

    def _role(self, proc: ProcStat, names: dict[int, str]) -> str | None:
        if proc.pgid in names:
            name = "beat" if names[proc.pgid].startswith("beat") else names[proc.pgid]  # beat1 and beat2 as one
            return f"{name} parent" if proc.pid == proc.pgid else f"{name} children"
        if proc.comm.startswith(("postgres", "postmaster")):
            return "postgresql"
        if "valkey" in proc.comm or "redis" in proc.comm:
            return "valkey"
        if proc.pid == os.getpid():
            return "test process (feed servers, receivers, sampler)"
        return None

    def _count_cpu(self, scan: list[ProcStat]) -> None:
        names = {p.popen.pid: p.name for p in list(self.rasd.procs)}
        with self._cpu_lock:
            if not self._cpu:
                self._cpu_started = time.monotonic()  # the baseline is the first scan
                self._machine_start = machine_ticks()
            for proc in scan:
                role = self._role(proc, names)
                if role is not None:
                    self._cpu.setdefault((proc.pid, role), [proc.cpu_ticks, proc.cpu_ticks])[1] = proc.cpu_ticks

    def cpu_share(self) -> dict[str, float]:
        """CPU time per role since the sampler started, as a share of one core (1.0 = one core busy)."""
        self._count_cpu(scan_processes())
        elapsed = time.monotonic() - self._cpu_started
        hz = os.sysconf("SC_CLK_TCK")
        totals: dict[str, int] = {}
        with self._cpu_lock:
            for (_, role), (first, last) in self._cpu.items():
                totals[role] = totals.get(role, 0) + last - first
        return {role: round(ticks / hz / elapsed, 3) for role, ticks in sorted(totals.items(), key=lambda kv: -kv[1])}

    def machine_share(self) -> dict[str, float]:
        """Since the first scan, in cores: time idle, and time the hypervisor gave to others (steal),
        which explains a slow run on a shared machine better than any code change."""
        now = machine_ticks()
        if not self._machine_start:
            return {}
        delta = [b - a for a, b in zip(self._machine_start, now, strict=True)]
        cores = sum(delta) / max(1, self._elapsed_ticks())
        total = max(1, sum(delta))
        return {"idle_cores": round(cores * (delta[3] + delta[4]) / total, 3),
                "steal_cores": round(cores * delta[7] / total, 3)}

    def _elapsed_ticks(self) -> float:
        return (time.monotonic() - self._cpu_started) * os.sysconf("SC_CLK_TCK")


def machine_ticks() -> list[int]:
    """The aggregate ``cpu`` line of /proc/stat: user nice system idle iowait irq softirq steal …"""
    return [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


def top_commands(client: redis.Redis, n: int = 8) -> dict[str, dict[str, float]]:
    """Valkey's busiest commands by total time (since its last restart, which is one of the faults)."""
    try:
        stats: dict[str, Any] = client.info("commandstats")
    except redis.RedisError:
        return {}
    rows = sorted(stats.items(), key=lambda kv: -float(kv[1]["usec"]))[:n]
    return {name.removeprefix("cmdstat_"): {"calls": int(v["calls"]), "usec": int(v["usec"]),
                                            "usec_per_call": float(v["usec_per_call"])} for name, v in rows}


def rescue_stalled(settings_env: dict[str, str]) -> int:
    """The housekeeping safety net, with its clock moved past STALE_PENDING (10 min): re-queue items
    whose processing task was lost. Returns how many it had to re-queue."""
    from worker.celery_app import make_celery
    from worker.resources import Resources
    from worker.services.housekeeping import run_housekeeping
    from worker.settings import Settings

    settings = Settings(data_dir=Path(settings_env["RASD_DATA_DIR"]), redis_url=settings_env["RASD_REDIS_URL"],
                        database_url=settings_env["RASD_DATABASE_URL"], import_feeds_on_start=False)
    res = Resources(settings)
    try:
        report = run_housekeeping(res, datetime.now(UTC) + timedelta(minutes=11))
        ids: list[int] = report["requeue_ids"]
        app = make_celery(settings)
        for i in range(0, len(ids), 50):
            app.send_task("worker.tasks.process_items", args=[ids[i:i + 50]], queue="process")
        app.close()
        return len(ids)
    finally:
        res.close()


def run_chaos(cfg: ChaosConfig, tmp_path: Path, pg: PgCluster) -> dict[str, Any]:
    valkey = EmbeddedValkey(tmp_path / "valkey")
    valkey.start()
    started_groups: list[int] = []
    result: dict[str, Any] = {"config": cfg.__dict__}
    secret, gone_secret = generate_secret(), generate_secret()
    env = {
        "RASD_VISIBILITY_TIMEOUT": "20", "RASD_BEAT_POLL_SECONDS": "1", "RASD_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        # Feeds are local: a fetch takes milliseconds, so a killed worker's feeds are due again 10 s on.
        "RASD_FETCH_TOTAL_TIMEOUT": "5", "RASD_FETCH_CLAIM_SECONDS": "5",
        "RASD_WEBHOOK_TIMEOUT": "2", "RASD_LOG_LEVEL": "WARNING", "RASD_CHAOS_POISON": "1",
        "PYTHONPATH": os.pathsep.join([str(INJECT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    try:
        with FeedServer(feeds=cfg.feeds, rate=cfg.rate) as server, WebhookReceiver([secret]) as live, \
                WebhookReceiver([gone_secret]) as gone, \
                deployment(tmp_path / "rasd", valkey.url, pg.url, env) as rasd:
            (tmp_path / "rasd").mkdir(exist_ok=True)
            now = datetime.now(UTC)
            with rasd.engine.begin() as conn:
                for k in range(cfg.feeds):
                    conn.execute(sa.insert(feeds).values(url=server.url(k), name=f"مصدر {k}",
                                                         interval=cfg.poll_seconds,
                                                         next_check_at=now, created_at=now, tags=[]))
                conn.execute(sa.insert(webhooks).values(url=live.url, secret=secret, created_at=now))
                conn.execute(sa.insert(webhooks).values(url=gone.url, secret=gone_secret, created_at=now))
            conc = str(cfg.worker_concurrency)
            args = {"w1": ("worker", "--concurrency", conc, "--queues", "fetch,process", "--hostname", "w1@%h"),
                    "w2": ("worker", "--concurrency", conc, "--queues", "fetch,process", "--hostname", "w2@%h"),
                    "wa": ("worker", "--concurrency", "1", "--queues", "alerts", "--hostname", "wa@%h")}
            workers = {name: rasd.start(*a, name=name) for name, a in args.items()}
            rasd.start("beat", name="beat1")
            rasd.start("beat", name="beat2")  # two beats at once: RedBeat's lock keeps one active
            client = redis.Redis.from_url(valkey.url)
            sampler = Sampler(rasd, client)
            sampler.start()
            injector = Injector(rasd, valkey, live, gone, pg.restart, workers, args)
            injector.webhook_gone()
            poison = server.publish_event(poison=True)
            poison_guid = poison.copies[0][1]
            total = int(cfg.rate * cfg.seconds)
            t0 = time.monotonic()
            server.start_publishing(total)
            faults = [lambda: injector.sigkill_child("w1"), lambda: injector.webhook_fault("500"),
                      lambda: injector.sigterm_worker("w2"), injector.restart_valkey,
                      lambda: injector.webhook_fault("timeout"), lambda: injector.sigkill_worker("w1"),
                      injector.restart_postgres, lambda: injector.webhook_fault("429"),
                      lambda: injector.sigkill_child("w2"), lambda: server.fail_next.update({0: 503, 1: 429})]
            k = 0
            progress = [(0.0, 0)]  # (seconds into the load, articles processed), at every fault tick
            next_fault = t0 + cfg.fault_every
            while not server.wait_published(timeout=max(0.0, min(1.0, next_fault - time.monotonic()))):
                injector.supervise()  # every second: a worker that exited on its own is restarted
                if time.monotonic() < next_fault:
                    continue
                progress.append((time.monotonic() - t0, int(rasd.scalar("SELECT count(*) FROM articles") or 0)))
                faults[k % len(faults)]()
                k += 1
                next_fault = t0 + (k + 1) * cfg.fault_every
            load_seconds = time.monotonic() - t0
            cpu_during_load = sampler.cpu_share()
            machine_during_load = sampler.machine_share()
            valkey_commands = top_commands(client)
            progress.append((load_seconds, int(rasd.scalar("SELECT count(*) FROM articles") or 0)))
            served_at_load_end = len(server.served_guids())
            started_groups = [p.popen.pid for p in rasd.procs]

            # Drain: everything fetched, processed, alerted and delivered.
            rescued = 0
            deadline = time.monotonic() + cfg.drain_timeout
            last, last_change = None, time.monotonic()
            while time.monotonic() < deadline:
                injector.supervise()
                served = len(server.served_guids())
                stored = int(rasd.scalar("SELECT count(*) FROM items") or 0)
                pending = int(rasd.scalar("SELECT count(*) FROM items WHERE state = 'pending'") or 0)
                poison_state = rasd.scalar(f"SELECT state FROM items WHERE guid = '{poison_guid}'")
                undelivered = int(rasd.scalar("SELECT count(*) FROM deliveries WHERE state = 'pending'") or 0)
                snapshot = (served, stored, pending, poison_state, undelivered)
                if stored >= served and pending == 0 and poison_state == "dead" and undelivered == 0:
                    break
                if snapshot != last:
                    last, last_change = snapshot, time.monotonic()
                elif time.monotonic() - last_change > 8 and pending > (0 if poison_state == "dead" else 1):
                    rescued += rescue_stalled(rasd.env)
                    last_change = time.monotonic()
                time.sleep(0.2)
            drain_seconds = time.monotonic() - t0 - load_seconds
            sampler.stop_event.set()
            sampler.join(5)
            status = rasd.cli("status", "--json")
            report = check(rasd, client, server, live, poison_guid, MAX_ATTEMPTS)
            dead = json.loads(status.stdout)["dead_letters"] if status.returncode == 0 else []
            report["status_dead_letters"] = [d["title"][:30] for d in dead]
            report["poison_in_status"] = any(d["url"] and poison_guid in d["url"] for d in dead)
            articles = int(rasd.scalar("SELECT count(*) FROM articles") or 0)
            report.update({
                "faults": injector.log, "orphans_after_warm_shutdown": injector.orphans,
                "workers_exited_on_their_own": injector.exits,
                "rescued_by_housekeeping": rescued, "load_seconds": round(load_seconds, 1),
                "drain_seconds": round(drain_seconds, 1), "articles": articles,
                "articles_per_second": round(articles / (load_seconds + drain_seconds), 1),
                # Sustained rate: processed while the load ran (the drain also waits out the poison
                # item's retries and webhook back-off, which are not throughput).
                "processed_per_second_during_load": round(progress[-1][1] / load_seconds, 1),
                "backlog_at_load_end": served_at_load_end - progress[-1][1],
                "processed_per_second_per_window": [round((b[1] - a[1]) / (b[0] - a[0]), 1)
                                                    for a, b in itertools.pairwise(progress) if b[0] > a[0]],
                "published_per_second": round(len(server.served_guids()) / load_seconds, 1),
                "cpu_share_during_load": cpu_during_load,
                # The machine is saturated, so the sustained rate is its cores over this cost.
                "cpu_ms_per_article_during_load": round(
                    sum(cpu_during_load.values()) * 1000 / max(progress[-1][1] / load_seconds, 1e-9), 2),
                "machine_during_load": machine_during_load,
                "valkey_top_commands_since_restart": valkey_commands,
                "worker_peak_process_rss_mb": round(sampler.peak_process_mb, 1),
                "worker_peak_group_rss_mb": round(sampler.peak_worker_mb, 1),
                "valkey_peak_used_mb": round(sampler.peak_valkey_mb, 2),
                "valkey_end_used_mb": round(sampler.valkey_mb[-1], 2) if sampler.valkey_mb else None,
                "gone_endpoint_enabled": rasd.scalar(f"SELECT enabled FROM webhooks WHERE url = '{gone.url}'"),
            })
            client.close()
            result.update(report)
    finally:
        valkey.stop()
    # After every part stopped: no process left in any group we started.
    groups = process_groups()
    result["orphans"] = {pgid: groups[pgid] for pgid in started_groups if groups.get(pgid)}
    return result


def test_chaos_invariants(tmp_path: Path, pg_cluster: PgCluster) -> None:
    cfg = chaos_config()
    report = run_chaos(cfg, tmp_path, pg_cluster)
    print("\n[chaos] report " + json.dumps(report, ensure_ascii=False, default=str, indent=1))
    assert report["lost"] == []
    assert report["duplicate_rows"] == []
    assert report["unexpected"] == []
    assert report["not_processed"] == []
    assert report["events_split"] == []
    assert report["stories_merged"] == []
    assert report["workers_exited_on_their_own"] == []
    assert report["stories_miscounted"] == []
    assert report["signal_double_bucketed"] == []
    assert report["signal_missing"] == []
    assert report["signal_extra"] == []
    assert report["alerts"] >= 1
    assert report["alerts_undelivered"] == []
    assert report["alerts_with_several_webhook_ids"] == []
    assert report["poison_ok"], report["poison"]
    assert report["poison_in_status"]
    assert report["gone_endpoint_enabled"] is False
    assert report["orphans_after_warm_shutdown"] == []
    assert report["orphans"] == {}
