"""Load generator: a threaded RSS server on 127.0.0.1 publishing Arabic reports at a steady rate.

Each *event* is written once (its own words: a random village, figures and made-up names keep two
events far apart for MinHash) and published on one feed; with probability ``syndication`` it is
also published, with another title and a credit line, on other feeds (a syndicated copy: same
story, different guid). Feeds list their newest ``window`` items, newest first, like real ones.

The server remembers every guid it has served at least once: that is "published" for the
invariants (an item that left a feed's window before anyone fetched it was never published).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

# Governorates the gazetteer resolves: (phrase in the text, admin1 region key).
REGIONS = [
    ("مدينة إدلب", "SY:admin1:Idlib"),
    ("مدينة حلب", "SY:admin1:Aleppo"),
    ("مدينة درعا", "SY:admin1:Daraa"),
    ("مدينة الموصل", "IQ:admin1:Nineveh"),
    ("مدينة تعز", "YE:admin1:Taiz"),
]
ACTORS = ["القوات الحكومية", "طائرات حربية", "مسلحون مجهولون", "فصائل مسلحة", "طائرة مسيرة"]
ATTACKS = ["قصف مدفعي", "غارة جوية", "هجوم بعبوة ناسفة", "قصف صاروخي", "اشتباكات عنيفة"]
NUMBERS = ["ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة"]
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
CREDITS = ["المصدر: وكالات", "نقلاً عن مراسلنا", "(رويترز)", "المصدر: مواقع محلية"]
POISON_MARKER = "رصد-سم-٧٣٩"  # the test-only sitecustomize makes analyse() raise on this string


def made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 8)))


@dataclass
class Event:
    n: int
    region: str  # region key it should count in
    title: str
    body: str
    copies: list[tuple[int, str]] = field(default_factory=list)  # (feed index, guid)


def write_event(n: int, rng: random.Random) -> tuple[str, str, str]:
    place, key = rng.choice(REGIONS)
    village, person, unit = made_up_word(rng), made_up_word(rng), made_up_word(rng)
    killed, injured = rng.choice(NUMBERS), rng.choice(NUMBERS)
    attack, actor = rng.choice(ATTACKS), rng.choice(ACTORS)
    extra = " ".join(made_up_word(rng) for _ in range(12))
    title = f"مقتل {killed} مدنيين في {attack} على قرية {village} قرب {place}"
    body = (
        f"قتل {killed} مدنيين وأصيب {injured} آخرون بجروح في {attack} نفذته {actor} على قرية {village} "
        f"في ريف {place} صباح اليوم، بحسب ما أفاد به مصدر طبي. "
        f"وقال المسعف {person} إن فرق الدفاع المدني انتشلت الضحايا من تحت الأنقاض، "
        f"فيما أعلنت وحدة {unit} حالة الاستنفار في المنطقة. {extra}. "
        f"وتشهد المنطقة تصعيداً متواصلاً منذ أيام، في حادثة رقم {n} هذا الشهر."
    )
    return key, title, body


def _item_xml(guid: str, title: str, body: str, published: datetime) -> bytes:
    """An item's RSS element, rendered once when it is published (a feed lists up to 2,000)."""
    return (f"<item><guid isPermaLink=\"false\">{guid}</guid><title>{escape(title)}</title>"
            f"<link>http://127.0.0.1/news/{guid}</link><description>{escape(body)}</description>"
            f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate></item>").encode()


class FeedServer:
    """``with FeedServer(feeds=4, rate=20) as fs: fs.start_publishing(); ... fs.served_guids``."""

    def __init__(self, feeds: int = 4, rate: float = 20.0, syndication: float = 0.5, window: int = 2000,
                 seed: int = 7) -> None:
        self.n_feeds, self.rate, self.syndication, self.window = feeds, rate, syndication, window
        self.rng = random.Random(seed)
        self.items: list[list[dict[str, Any]]] = [[] for _ in range(feeds)]  # newest last
        self.events: list[Event] = []
        self.served: set[str] = set()
        self.requests = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._publisher: threading.Thread | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.fail_next: dict[int, int] = {}  # feed index → HTTP status to answer once

    # --- publishing ---------------------------------------------------------------------------
    def publish_event(self, *, poison: bool = False) -> Event:
        with self._lock:
            n = len(self.events)
            key, title, body = write_event(n, self.rng)
            if poison:
                body = f"{body} {POISON_MARKER}"
            event = Event(n, key, title, body)
            home = self.rng.randrange(self.n_feeds)
            targets = [home]
            if not poison and self.rng.random() < self.syndication:
                others = [f for f in range(self.n_feeds) if f != home]
                targets += self.rng.sample(others, self.rng.randint(1, len(others)))
            now = datetime.now(UTC)
            for k, feed in enumerate(targets):
                guid = f"ev{n}-f{feed}"
                t = title if k == 0 else f"{self.rng.choice(['عاجل: ', 'بالفيديو: ', ''])}{title}"
                b = body if k == 0 else f"{body}\n{self.rng.choice(CREDITS)}"
                self.items[feed].append({"guid": guid, "xml": _item_xml(guid, t, b, now)})
                event.copies.append((feed, guid))
            self.events.append(event)
            return event

    def _publish_loop(self, total: int | None) -> None:
        started = time.monotonic()
        n = 0
        while not self._stop.is_set() and (total is None or n < total):
            due = started + n / self.rate
            delay = due - time.monotonic()
            if delay > 0 and self._stop.wait(delay):
                break
            self.publish_event()
            n += 1

    def start_publishing(self, total: int | None = None) -> None:
        self._publisher = threading.Thread(target=self._publish_loop, args=(total,), name="loadgen", daemon=True)
        self._publisher.start()

    def stop_publishing(self) -> None:
        self._stop.set()
        if self._publisher is not None:
            self._publisher.join(10)

    def wait_published(self, timeout: float) -> bool:
        if self._publisher is None:
            return True
        self._publisher.join(timeout)
        return not self._publisher.is_alive()

    # --- serving ------------------------------------------------------------------------------
    def render(self, feed: int) -> bytes:
        with self._lock:
            items = self.items[feed][-self.window:]
            for it in items:
                self.served.add(it["guid"])
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>مصدر {feed}</title>'
                f"<link>http://127.0.0.1/</link>".encode() + b"".join(it["xml"] for it in reversed(items))
                + b"</channel></rss>")

    def url(self, feed: int) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/feed/{feed}.xml"

    def start(self) -> FeedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                try:
                    feed = int(self.path.rsplit("/", 1)[-1].split(".")[0])
                except ValueError:
                    feed = -1
                server.requests += 1
                status = server.fail_next.pop(feed, None) if feed >= 0 else 404
                if status is None and not 0 <= feed < server.n_feeds:
                    status = 404
                body = server.render(feed) if status is None else b""
                self.send_response(status or 200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_publishing()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- expectations ---------------------------------------------------------------------------
    def served_guids(self) -> set[str]:
        with self._lock:
            return set(self.served)

    def story_of_guid(self) -> dict[str, int]:
        with self._lock:
            return {guid: e.n for e in self.events for _, guid in e.copies}
