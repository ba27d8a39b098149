"""Per-host concurrency limits: in-process semaphore and the Redis lease set on the real Valkey."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import wait_for
from worker.errors import FetchTimeout
from worker.feeds.fetch import Fetcher
from worker.feeds.limits import InProcessHostLimiter, RedisHostLimiter
from worker.settings import Settings

pytestmark = pytest.mark.integration


def test_in_process_limit_blocks_then_times_out() -> None:
    limiter = InProcessHostLimiter(2)
    with limiter.slot("a.example", 1.0), limiter.slot("a.example", 1.0):
        with pytest.raises(FetchTimeout, match=r"^timed out waiting for a connection slot to a\.example \(limit 2\)$"), \
                limiter.slot("a.example", 0.05):
            pass
        with limiter.slot("b.example", 0.05):  # other hosts are independent
            pass
    with limiter.slot("a.example", 0.05):
        pass


def test_redis_limit_shared_between_instances(redis_client: redis.Redis) -> None:
    # Two limiter objects stand for two worker processes sharing one Valkey.
    one = RedisHostLimiter(redis_client, limit=2, lease_seconds=30)
    two = RedisHostLimiter(redis_client, limit=2, lease_seconds=30)
    with one.slot("news.example", 1.0), two.slot("news.example", 1.0):
        assert redis_client.zcard("rasd:hostslots:news.example") == 2
        with pytest.raises(FetchTimeout), two.slot("news.example", 0.1):
            pass
        with one.slot("other.example", 0.1):
            pass
    assert redis_client.zcard("rasd:hostslots:news.example") == 0
    with two.slot("news.example", 0.1):
        assert redis_client.zcard("rasd:hostslots:news.example") == 1


def test_redis_lease_of_a_dead_holder_expires(redis_client: redis.Redis) -> None:
    limiter = RedisHostLimiter(redis_client, limit=1, lease_seconds=0.3)
    # A worker that died while holding the slot: its token stays in the set, never released.
    dead = limiter.slot("news.example", 1.0)
    dead.__enter__()
    with limiter.slot("news.example", 3.0):  # waits for the lease to expire, then gets in
        assert redis_client.zcard("rasd:hostslots:news.example") == 1


@pytest.fixture()
def gate_server() -> Iterator[tuple[HTTPServer, dict[str, int]]]:
    stats = {"in_flight": 0, "max": 0, "done": 0, "target": 2}
    lock = threading.Lock()
    both = threading.Event()

    def handler(_: Request) -> Response:
        with lock:
            stats["in_flight"] += 1
            stats["max"] = max(stats["max"], stats["in_flight"])
            if stats["in_flight"] >= stats["target"]:
                both.set()
        # Hold each request until `target` overlap (or 0.3 s pass): a limiter that lets more
        # through than allowed shows up as a higher maximum.
        both.wait(0.3)
        with lock:
            stats["in_flight"] -= 1
            stats["done"] += 1
        return Response("<rss version='2.0'><channel><title>t</title></channel></rss>")

    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.expect_request("/feed").respond_with_handler(handler)
    srv.start()
    try:
        yield srv, stats
    finally:
        srv.clear()
        srv.stop()


@pytest.mark.parametrize("limit", [1, 3])
def test_fetcher_honours_per_host_limit(gate_server: tuple[HTTPServer, dict[str, int]], limit: int) -> None:
    srv, stats = gate_server
    stats["target"] = max(2, limit)
    settings = Settings(_env_file=None, fetch_allow_hosts=f"127.0.0.1:{srv.port}",  # type: ignore[call-arg]
                        fetch_per_host_limit=limit, fetch_total_timeout=10.0)
    with Fetcher(settings) as f, ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: f.fetch(srv.url_for("/feed")).status, range(4)))
    assert results == [200, 200, 200, 200]
    wait_for(lambda: stats["done"] == 4, timeout=5)
    assert stats["max"] == (1 if limit == 1 else 3)
