"""Poll benchmark: conditional GETs of N feeds against local servers, parsing changed bodies.

A separate process runs an asyncio HTTP/1.1 server (keep-alive) serving N feeds under 50 host
names (all 127.0.0.1, resolved by an injected resolver and allow-listed): 80 % answer 304 to a
conditional GET, 20 % return a new 30-item Arabic RSS every time. The client is the production
``Fetcher`` (SSRF guard, per-host limit, size cap) driven by a thread pool; changed bodies are
hashed and parsed with ``parse_feed``.

Run: .venv/bin/python bench/poll.py   (prints one JSON object; < 2 minutes)
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import multiprocessing as mp
import os
import platform
import socket
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from worker.feeds.fetch import Fetcher, body_hash
from worker.feeds.parse import parse_feed
from worker.feeds.ssrf import IPAddress
from worker.settings import Settings

HOSTS = 50
THREADS = 16
PER_HOST_LIMIT = 4
ITEMS = 30
CHANGED_EVERY = 5  # feed i changes when i % 5 == 0 → 20 %


def feed_template() -> bytes:
    items = "".join(
        f"<item><title>قصف مدفعي على أطراف سراقب يوقع {i + 1} إصابات بين المدنيين</title>"
        f"<link>https://bench.example/FEED/SEQ/{i}</link><guid isPermaLink=\"false\">FEED-SEQ-{i}</guid>"
        f"<pubDate>Sat, 21 Nov 2026 08:{i:02d}:00 +0300</pubDate><category>إدلب</category>"
        "<description><![CDATA[<p>أفادت مصادر محلية بأن قصفاً مدفعياً استهدف الأحياء الشرقية لمدينة سراقب "
        "بريف إدلب صباح اليوم، ما أدى إلى إصابة مدنيين ونزوح عدد من العائلات نحو المخيمات الحدودية، "
        "فيما أعلن الدفاع المدني أن فرقه تعمل على إسعاف المصابين.</p>]]></description></item>"
        for i in range(ITEMS)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>نشرة FEED</title>'
        f"<link>https://bench.example/FEED</link><language>ar</language>{items}</channel></rss>"
    ).encode()


async def _serve(sock: socket.socket) -> None:
    template = feed_template()
    seq: dict[int, int] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                inm = ""
                for line in lines[1:]:
                    if line[:14].lower() == "if-none-match:":
                        inm = line[14:].strip()
                feed = int(path.rsplit("/", 1)[1])
                if feed % CHANGED_EVERY == 0:
                    seq[feed] = seq.get(feed, 0) + 1
                    etag = f'"{feed}-{seq[feed]}"'
                else:
                    etag = f'"{feed}-static"'
                if inm == etag:
                    writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nContent-Length: 0\r\n\r\n".encode())
                else:
                    body = template.replace(b"FEED", str(feed).encode()).replace(b"SEQ", str(seq.get(feed, 0)).encode())
                    writer.write(
                        f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\nETag: {etag}\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, sock=sock, backlog=1024)
    async with server:
        await server.serve_forever()


def _server_main(sock: socket.socket) -> None:
    asyncio.run(_serve(sock))


def resolver(host: str, port: int) -> list[IPAddress]:
    return [ipaddress.ip_address("127.0.0.1")]


def run_pass(fetcher: Fetcher, urls: list[str], etags: dict[str, str | None], parse: bool) -> dict[str, Any]:
    """Poll every URL once (conditional when an ETag is known); parse changed bodies."""
    def poll(url: str) -> tuple[int, int]:
        result = fetcher.fetch(url, etag=etags.get(url))
        etags[url] = result.etag
        if result.body is None or not parse:
            return result.status, 0
        body_hash(result.body)
        return result.status, len(parse_feed(result.body, result.headers, result.final_url).items)

    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(poll, urls))
    elapsed = time.perf_counter() - started
    changed = sum(1 for status, _ in outcomes if status == 200)
    items = sum(n for _, n in outcomes)
    return {
        "polls": len(urls),
        "seconds": round(elapsed, 3),
        "polls_per_s": round(len(urls) / elapsed, 1),
        "changed": changed,
        "not_modified": sum(1 for status, _ in outcomes if status == 304),
        "changed_per_s": round(changed / elapsed, 1),
        "items_per_s": round(items / elapsed, 1),
    }


def bench(n: int, port: int) -> dict[str, Any]:
    settings = Settings(_env_file=None, fetch_allow_hosts="127.0.0.1",  # type: ignore[call-arg]
                        fetch_per_host_limit=PER_HOST_LIMIT, fetch_total_timeout=30.0)
    urls = [f"http://h{i % HOSTS}.bench.test:{port}/feed/{i}" for i in range(n)]
    unchanged = [u for i, u in enumerate(urls) if i % CHANGED_EVERY]
    changed = [u for i, u in enumerate(urls) if i % CHANGED_EVERY == 0]
    etags: dict[str, str | None] = {}
    with Fetcher(settings, resolver=resolver, max_connections=100) as fetcher:
        run_pass(fetcher, urls, etags, parse=False)  # first poll: learn the ETags
        mixed = run_pass(fetcher, urls, etags, parse=True)
        only_unchanged = run_pass(fetcher, unchanged, etags, parse=True)
        only_changed = run_pass(fetcher, changed, etags, parse=True)
    return {"mixed": mixed, "unchanged_only": only_unchanged, "changed_only": only_changed}


def main() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    port = sock.getsockname()[1]
    server = mp.get_context("fork").Process(target=_server_main, args=(sock,), daemon=True)
    server.start()
    started = time.perf_counter()
    try:
        results = {str(n): bench(n, port) for n in (1000, 5000)}
    finally:
        server.terminate()
        server.join(5)
        sock.close()
    body = feed_template()
    headers = {"content-type": "application/rss+xml; charset=utf-8"}
    parse_ms: dict[bool, list[float]] = {True: [], False: []}
    for fast in (True, False):
        for _ in range(20):
            t = time.perf_counter()
            parse_feed(body, headers, "https://bench.example/rss", allow_fast=fast)
            parse_ms[fast].append((time.perf_counter() - t) * 1000)
    worst_unchanged = min(r["unchanged_only"]["polls_per_s"] for r in results.values())
    worst_changed = min(r["changed_only"]["changed_per_s"] for r in results.values())
    print(json.dumps({
        "benchmark": "poll",
        "feeds": results,
        "parse_30_items_ms_median": {"lxml_fast_path": round(statistics.median(parse_ms[True]), 2),
                                     "feedparser": round(statistics.median(parse_ms[False]), 2)},
        "body_bytes": len(body),
        "pool": {"threads": THREADS, "hosts": HOSTS, "per_host_limit": PER_HOST_LIMIT,
                 "max_connections": 100, "client_processes": 1, "server": "asyncio, separate process"},
        "targets": {"unchanged_polls_per_s": 300, "changed_feeds_per_s": 40,
                    "met": worst_unchanged >= 300 and worst_changed >= 40},
        "total_seconds": round(time.perf_counter() - started, 1),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
