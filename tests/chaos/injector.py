"""Faults, injected while the load runs, each recorded with what it hit.

Worker faults act like the OS or an operator would: SIGKILL of one prefork child (a task dies
mid-flight), SIGKILL of the whole worker (a crash), SIGTERM of the worker's main process (warm
shutdown, as systemd sends). A "supervisor" restarts each stopped worker, as systemd would.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.integration.harness import Proc, Rasd
from worker.alerts.receiver import WebhookReceiver
from worker.broker import EmbeddedValkey


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@dataclass(frozen=True)
class ProcStat:
    pid: int
    pgid: int
    comm: str
    cpu_ticks: int  # user + system time so far, in clock ticks


def scan_processes() -> list[ProcStat]:
    """Every live process (not zombies), from one scan of /proc."""
    out: list[ProcStat] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        head, tail = text.rsplit(")", 1)
        fields = tail.split()
        if fields[0] != "Z":
            out.append(ProcStat(int(entry.name), int(fields[2]), head.split("(", 1)[1],
                                int(fields[11]) + int(fields[12])))
    return out


def process_groups(scan: list[ProcStat] | None = None) -> dict[int, list[int]]:
    """Live processes by process group (from ``scan``, or a new scan of /proc)."""
    groups: dict[int, list[int]] = {}
    for proc in scan if scan is not None else scan_processes():
        groups.setdefault(proc.pgid, []).append(proc.pid)
    return groups


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Injector:
    rasd: Rasd
    valkey: EmbeddedValkey
    receiver: WebhookReceiver
    gone: WebhookReceiver
    restart_pg: Callable[[], None] | None
    workers: dict[str, Proc]
    worker_args: dict[str, tuple[str, ...]]
    log: list[dict[str, object]] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)
    exits: list[dict[str, object]] = field(default_factory=list)  # workers that stopped on their own

    def record(self, fault: str, **info: object) -> None:
        entry = {"t": round(time.monotonic(), 2), "fault": fault, **info}
        self.log.append(entry)
        print(f"[chaos] {fault} {info}", flush=True)

    def restart_worker(self, name: str) -> None:
        self.workers[name] = self.rasd.start(*self.worker_args[name], name=name)

    def supervise(self) -> None:
        """Restart a worker that exited although no fault stopped it, as systemd's
        ``Restart=on-failure`` would, and record it: the suite fails on any such exit (a Valkey
        restart once made both fetch/process workers exit with "Unrecoverable error")."""
        for name, proc in list(self.workers.items()):
            code = proc.popen.poll()
            if code is not None:
                # The log's tail says why: an exit is otherwise undiagnosable once tmp_path is gone.
                tail = proc.log()[-2000:]
                self.exits.append({"t": round(time.monotonic(), 2), "worker": name, "returncode": code,
                                   "log_tail": tail})
                print(f"[chaos] worker_exited {name} returncode={code}\n{tail}", flush=True)
                self.restart_worker(name)

    # --- worker faults ---------------------------------------------------------------------
    def sigkill_child(self, name: str) -> None:
        kids = children(self.workers[name].popen.pid)
        if kids:
            os.kill(kids[0], signal.SIGKILL)
        self.record("sigkill_prefork_child", worker=name, pid=kids[0] if kids else None)

    def sigkill_worker(self, name: str) -> None:
        self.workers[name].kill()
        self.record("sigkill_worker_group", worker=name)
        self.restart_worker(name)

    def sigterm_worker(self, name: str, timeout: float = 40.0) -> None:
        """Warm shutdown of the main process only; its children must exit with it (no orphans)."""
        proc = self.workers[name]
        pid = proc.popen.pid
        kids = children(pid)
        os.kill(pid, signal.SIGTERM)
        started = time.monotonic()
        try:
            proc.popen.wait(timeout)
        except Exception:
            proc.kill()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(k) for k in kids):
            time.sleep(0.05)
        left = [k for k in kids if alive(k)]
        self.orphans.extend(left)
        self.record("sigterm_warm_shutdown", worker=name, seconds=round(time.monotonic() - started, 1),
                    children_left=left)
        self.restart_worker(name)

    # --- infrastructure faults ----------------------------------------------------------------
    def restart_valkey(self) -> None:
        port = self.valkey.port
        started = time.monotonic()
        self.valkey.kill()
        self.valkey.start()
        assert self.valkey.port == port, "Valkey came back on another port"
        self.record("valkey_sigkill_restart", port=port, seconds=round(time.monotonic() - started, 2))

    def restart_postgres(self) -> None:
        if self.restart_pg is None:
            return
        started = time.monotonic()
        self.restart_pg()
        self.record("postgres_restart", seconds=round(time.monotonic() - started, 2))

    # --- webhook receiver faults --------------------------------------------------------------
    _webhook_mark: int | None = None

    def _webhook_ready(self) -> bool:
        """One receiver fault at a time, the next only after the faulted delivery was retried with a 2xx:
        a second failure of the same delivery would wait 5 minutes (the retry schedule), past the run.
        (A hung request is recorded as 204 by the receiver although the sender timed out: the check is
        on a *later* request with the same webhook-id.)"""
        mark = self._webhook_mark
        if mark is None:
            return True
        got = self.receiver.deliveries
        if len(got) <= mark:
            return False
        faulted = got[mark].webhook_id
        return any(d.webhook_id == faulted and d.status < 300 for d in got[mark + 1:])

    def webhook_fault(self, kind: str) -> None:
        if not self._webhook_ready():
            self.record(f"webhook_{kind}", skipped="previous receiver fault not yet followed by a success")
            return
        self._webhook_mark = len(self.receiver.deliveries)
        if kind == "500":
            self.receiver.fail(500, count=1)
        elif kind == "429":
            self.receiver.fail(429, count=1, retry_after=1)
        elif kind == "timeout":
            self.receiver.hang(4.0, count=1)
        self.record(f"webhook_{kind}", received_so_far=self._webhook_mark)

    def webhook_gone(self) -> None:
        self.gone.fail(410)
        self.record("webhook_410_gone")
