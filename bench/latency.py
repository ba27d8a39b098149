"""End-to-end alert latency: from enqueueing the fetch that sees the spike-completing item to the
webhook receiver's 2xx. Real `rasd worker` + `rasd beat` processes, embedded Valkey, SQLite, a
local feed server and a WebhookReceiver, default settings otherwise.

Each trial uses a fresh governorate (88 in the gazetteer): reports from two sources are
primed first (the detector's smallest window minimum, ``Params.windows()``, less one; the country
levels above these governorates may alert while they are primed, and are not trials), then the trial
publishes the one that completes the spike and
enqueues worker.tasks.fetch_feed. Trials start 1 s apart. Breakdown: fetch→alert stored, and
alert stored→delivered (dispatch_deliveries runs every 5 s from beat). Prints one JSON object.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from tests.integration.harness import deployment  # noqa: E402
from worker.alerts.receiver import WebhookReceiver  # noqa: E402
from worker.alerts.signing import generate_secret  # noqa: E402
from worker.broker import EmbeddedValkey  # noqa: E402
from worker.celery_app import make_celery  # noqa: E402
from worker.settings import Settings  # noqa: E402
from worker.signals.spikes import Params  # noqa: E402
from worker.store.tables import feeds, webhooks  # noqa: E402

TRIALS = 50
GAZ = REPO / "worker" / "extract" / "gazetteer" / "places.tsv"
ATTACKS = ["قصف مدفعي", "غارة جوية", "هجوم مسلح", "قصف صاروخي", "تفجير عبوة ناسفة"]
WORDS = ["الشمالية", "الجنوبية", "الشرقية", "الغربية", "القديمة"]


def regions(n: int) -> list[tuple[str, str]]:
    out = []
    for line in GAZ.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("#") or len(cols) < 8 or cols[2] != "admin1" or cols[7]:
            continue
        out.append((cols[0].split("|")[0], f"{cols[4]}:admin1:{cols[1]}"))
    return out[:n]


def report(name_ar: str, k: int, trial: int) -> tuple[str, str]:
    title = f"مقتل {k + 2} مدنيين في {ATTACKS[k % 5]} على محافظة {name_ar}"
    body = (f"قتل {k + 2} مدنيين وأصيب آخرون في {ATTACKS[k % 5]} استهدف الأحياء {WORDS[k % 5]} في محافظة {name_ar} "
            f"اليوم، وفق مصادر طبية. التقرير {trial}-{k} يذكر أن فرق الإسعاف نقلت الجرحى إلى المستشفيات "
            f"وسط حالة من التوتر، فيما تواصل القصف على المنطقة لليوم {k + 3} على التوالي.")
    return title, body


class Feeds:
    def __init__(self) -> None:
        self.items: dict[str, list[tuple[str, str, str]]] = {"p1": [], "p2": [], "t": []}
        self.lock = threading.Lock()
        fs = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                name = self.path.strip("/").split(".")[0]
                with fs.lock:
                    items = list(fs.items.get(name, []))
                now = format_datetime(datetime.now(UTC), usegmt=True)
                body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>' + name + "</title>"
                        + "".join(f"<item><guid>{g}</guid><title>{escape(t)}</title><description>{escape(b)}"
                                  f"</description><pubDate>{now}</pubDate></item>" for g, t, b in reversed(items))
                        + "</channel></rss>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{name}.xml"

    def add(self, name: str, item: tuple[str, str, str]) -> None:
        with self.lock:
            self.items[name].append(item)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rasd-latency-"))
    valkey = EmbeddedValkey(tmp / "valkey").start()
    fs = Feeds()
    secret = generate_secret()
    regs = regions(TRIALS)
    env = {"RASD_BEAT_POLL_SECONDS": "3600", "RASD_LOG_LEVEL": "WARNING"}
    try:
        with WebhookReceiver([secret]) as rx, deployment(tmp / "rasd", valkey.url, "", env) as rasd:
            now = datetime.now(UTC)
            ids = {}
            with rasd.engine.begin() as conn:
                for name in ("p1", "p2", "t"):
                    ids[name] = int(conn.execute(sa.insert(feeds).values(
                        url=fs.url(name), name=f"source-{name}", interval=3600, created_at=now, tags=[],
                        next_check_at=datetime(2100, 1, 1, tzinfo=UTC)).returning(feeds.c.id)).scalar_one())
                conn.execute(sa.insert(webhooks).values(url=rx.url, secret=secret, created_at=now))
            settings = Settings(data_dir=tmp / "rasd", redis_url=valkey.url, import_feeds_on_start=False)
            app = make_celery(settings)
            # one story short of the smallest window minimum; trials whose alert existed before the send are excluded
            prime = min(n for _, n in Params.from_settings(settings).windows()) - 1
            rasd.start("worker", "--concurrency", "2")
            rasd.start("beat")
            for i, (name_ar, _) in enumerate(regs):
                for k in range(prime):
                    fs.add("p1" if k % 2 == 0 else "p2", (f"prime-{i}-{k}", *report(name_ar, k, i)))
            for name in ("p1", "p2"):
                app.send_task("worker.tasks.fetch_feed", args=[ids[name]], queue="fetch")
            rasd.wait_for(lambda: rasd.scalar("SELECT count(*) FROM items WHERE state = 'processed'") == prime * TRIALS,
                          120, "primed stories processed")
            sent: dict[str, float] = {}
            for i, (name_ar, key) in enumerate(regs):
                fs.add("t", (f"spike-{i}", *report(name_ar, prime, i)))
                sent[key] = time.time()
                app.send_task("worker.tasks.fetch_feed", args=[ids["t"]], queue="fetch")
                time.sleep(1.0)  # pacing between trials (not a synchronisation wait)
            deadline = time.monotonic() + 60
            got: dict[str, float] = {}
            while time.monotonic() < deadline and len(got) < len(sent):
                for d in rx.deliveries:
                    if d.status < 300 and isinstance(d.body, dict):
                        region = d.body.get("region") or {}
                        key = f"{region.get('country')}:{region.get('level')}:{region.get('name_en')}"
                        if key in sent and key not in got:
                            got[key] = d.received_at.timestamp()
                time.sleep(0.05)
            with rasd.engine.connect() as conn:
                created = {r[0]: r[1] for r in conn.execute(sa.text(
                    "SELECT region_key, min(created_at) FROM alerts GROUP BY region_key"))}
            app.close()
    finally:
        valkey.stop()
    got = {k: v for k, v in got.items() if v > sent[k]}  # an alert raised before the trial is not a trial
    lat = [got[k] - sent[k] for k in got]
    to_alert, to_deliver = [], []
    for k in got:
        c = created.get(k)
        if c is not None:
            c = (datetime.fromisoformat(c) if isinstance(c, str) else c)
            c = c.replace(tzinfo=UTC) if c.tzinfo is None else c
            to_alert.append(c.timestamp() - sent[k])
            to_deliver.append(got[k] - c.timestamp())
    out = {
        "benchmark": "latency", "trials": len(sent), "delivered": len(got),
        "p50_s": round(statistics.median(lat), 3) if lat else None, "p95_s": round(pct(lat, 0.95), 3) if lat else None,
        "max_s": round(max(lat), 3) if lat else None, "target_p95_s": 2.0,
        "fetch_to_alert_stored_p50_s": round(statistics.median(to_alert), 3) if to_alert else None,
        "fetch_to_alert_stored_p95_s": round(pct(to_alert, 0.95), 3) if to_alert else None,
        "alert_stored_to_delivered_p50_s": round(statistics.median(to_deliver), 3) if to_deliver else None,
        "alert_stored_to_delivered_p95_s": round(pct(to_deliver, 0.95), 3) if to_deliver else None,
        "note": "dispatch_deliveries runs every 5 s from beat; alert_stored_to_delivered is that wait",
        "python": platform.python_version(),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
