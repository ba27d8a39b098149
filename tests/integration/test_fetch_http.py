"""Fetch + parse against real HTTP servers on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from worker.errors import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    ParseError,
    RateLimited,
    TooLarge,
    TooManyRedirects,
)
from worker.feeds.fetch import Fetcher, body_hash
from worker.feeds.parse import parse_feed
from worker.feeds.ssrf import IPAddress
from worker.settings import Settings

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
NOW = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)
SARAQIB_TITLE = "مقتل أربعة مدنيين بقصف على سراقب"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="module")
def _module_server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    try:
        yield srv
    finally:
        srv.clear()
        srv.stop()


@pytest.fixture()
def server(_module_server: HTTPServer) -> Iterator[HTTPServer]:
    """The module's feed server with no handlers and an empty log (stopping werkzeug is slow)."""
    _module_server.clear()
    yield _module_server
    _module_server.clear()


def make_settings(allow: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "fetch_allow_hosts": allow,
        "fetch_connect_timeout": 2.0,
        "fetch_read_timeout": 2.0,
        "fetch_total_timeout": 5.0,
        "fetch_user_agent": "RasdTest/1.0",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture()
def fetcher(server: HTTPServer) -> Iterator[Fetcher]:
    # Only this server (exact address and port) is exempt from the guard.
    f = Fetcher(make_settings(f"127.0.0.1:{server.port}"), clock=lambda: NOW)
    try:
        yield f
    finally:
        f.close()


# --------------------------------------------------------------------------- feeds end to end


@pytest.mark.parametrize(
    ("name", "content_type", "count", "first_title", "encoding"),
    [
        ("rss20_utf8.xml", "application/rss+xml; charset=utf-8", 3,
         "قصف مدفعي يستهدف أطراف سراقب ومقتل ثلاثة مدنيين", "utf_8"),
        ("atom_utf8.xml", "application/atom+xml", 2, "اشتباكات عنيفة على محور سراقب", "utf_8"),
        ("rss10_rdf.xml", "application/rdf+xml", 1, "تجدد القصف على بلدة النيرب شرقي إدلب", "utf_8"),
        ("rss20_cp1256_declared.xml", "application/rss+xml", 2, SARAQIB_TITLE, "cp1256"),
        ("rss20_cp1256_nodecl.xml", "text/xml; charset=windows-1256", 2, SARAQIB_TITLE, "cp1256"),
        ("rss20_cp1256_nodecl.xml", "text/xml", 2, SARAQIB_TITLE, "cp1256"),
        ("rss20_cp1256_nodecl.xml", "text/xml; charset=ISO-8859-1", 2, SARAQIB_TITLE, "cp1256"),
    ],
)
def test_feed_formats_and_encodings(
    server: HTTPServer, fetcher: Fetcher, name: str, content_type: str, count: int, first_title: str, encoding: str
) -> None:
    body = fixture(name)
    server.expect_request("/feed").respond_with_data(body, content_type=content_type)
    result = fetcher.fetch(server.url_for("/feed"))
    assert result.status == 200
    assert result.body == body
    assert result.headers["content-type"] == content_type
    feed = parse_feed(result.body or b"", result.headers, result.final_url)
    assert feed.encoding == encoding
    assert len(feed.items) == count
    assert feed.items[0].title == first_title
    assert feed.recovered_error is None


def test_gzip_feed_is_inflated_and_user_agent_sent(server: HTTPServer, fetcher: Fetcher) -> None:
    body = fixture("rss20_utf8.xml")
    server.expect_request("/gz", headers={"User-Agent": "RasdTest/1.0"}).respond_with_data(
        zlib.compress(body, wbits=31), headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})
    server.expect_request("/deflate").respond_with_data(
        zlib.compress(body), headers={"Content-Encoding": "deflate"})
    for path in ("/gz", "/deflate"):
        result = fetcher.fetch(server.url_for(path))
        assert result.body == body
        assert "content-encoding" not in result.headers
    assert body_hash(body) == body_hash(fixture("rss20_utf8.xml"))
    assert len(body_hash(body)) == 64


def test_malformed_feed_recovered(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(fixture("malformed.xml"), content_type="application/rss+xml")
    result = fetcher.fetch(server.url_for("/feed"))
    assert (result.status, len(result.body or b"") > 0) == (200, True)
    feed = parse_feed(result.body or b"", result.headers, result.final_url)
    assert [i.guid for i in feed.items] == ["broken-1", "broken-2"]
    assert feed.recovered_error == "SAXParseException: <unknown>:7:47: not well-formed (invalid token)"


def test_empty_feed_has_no_items(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(fixture("empty.xml"), content_type="application/rss+xml")
    result = fetcher.fetch(server.url_for("/feed"))
    assert (result.status, len(result.body or b"") > 0) == (200, True)
    feed = parse_feed(result.body or b"", result.headers, result.final_url)
    assert (feed.title, feed.items) == ("قناة بلا أخبار", [])


def test_html_page_is_not_a_feed(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(fixture("page.html"), content_type="text/html; charset=utf-8")
    result = fetcher.fetch(server.url_for("/feed"))
    assert (result.status, len(result.body or b"") > 0) == (200, True)
    with pytest.raises(ParseError, match=r"^not a feed: HTML page$"):
        parse_feed(result.body or b"", result.headers, result.final_url)


# --------------------------------------------------------------------------- conditional GET


def test_second_poll_is_conditional_and_gets_304(server: HTTPServer, fetcher: Fetcher) -> None:
    body = fixture("rss20_utf8.xml")
    lm = "Sat, 21 Nov 2026 08:00:00 GMT"
    server.expect_ordered_request("/feed").respond_with_data(
        body, headers={"ETag": '"v1"', "Last-Modified": lm, "Content-Type": "application/rss+xml"})
    server.expect_ordered_request("/feed", headers={"If-None-Match": '"v1"', "If-Modified-Since": lm}) \
        .respond_with_response(Response(status=304, headers={"ETag": '"v1"'}))
    server.expect_ordered_request("/feed").respond_with_data(body, headers={"ETag": '"v1"'})

    first = fetcher.fetch(server.url_for("/feed"))
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', lm)
    second = fetcher.fetch(server.url_for("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert (second.status, second.not_modified, second.body, second.etag) == (304, True, None, '"v1"')
    forced = fetcher.fetch(server.url_for("/feed"), etag=first.etag, last_modified=first.last_modified, force=True)
    assert forced.body == body

    requests = [req for req, _ in server.log]
    assert requests[0].headers.get("If-None-Match") is None
    assert requests[1].headers.get("If-None-Match") == '"v1"'
    assert requests[1].headers.get("If-Modified-Since") == lm
    assert requests[2].headers.get("If-None-Match") is None  # force ignores validators
    assert requests[2].headers.get("If-Modified-Since") is None
    server.check_assertions()


# --------------------------------------------------------------------------- statuses


def test_429_retry_after_seconds(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data("slow down", status=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as info:
        fetcher.fetch(server.url_for("/feed"))
    assert info.value.retry_after == 120.0


def test_503_retry_after_http_date(server: HTTPServer, fetcher: Fetcher) -> None:
    when = format_datetime(NOW + timedelta(seconds=90), usegmt=True)
    server.expect_request("/feed").respond_with_data("busy", status=503, headers={"Retry-After": when})
    with pytest.raises(RateLimited) as info:
        fetcher.fetch(server.url_for("/feed"))
    assert info.value.retry_after == 90.0
    assert str(info.value) == f"rate limited: HTTP 503 from {server.url_for('/feed')}, retry after 90s"


def test_other_errors_raise_http_status_error(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/gone").respond_with_data("gone", status=410)
    server.expect_request("/boom").respond_with_data("boom", status=500)
    server.expect_request("/down").respond_with_data("down", status=503)  # no Retry-After
    for path, status in (("/gone", 410), ("/boom", 500), ("/down", 503)):
        with pytest.raises(HTTPStatusError) as info:
            fetcher.fetch(server.url_for(path))
        assert info.value.status == status


# --------------------------------------------------------------------------- redirects and SSRF


def _redirect_chain(server: HTTPServer, hops: int) -> None:
    for i in range(hops):
        target = f"/r/{i + 1}" if i + 1 < hops else "/final"
        server.expect_request(f"/r/{i}").respond_with_response(Response(status=302, headers={"Location": target}))
    server.expect_request("/final").respond_with_data(fixture("empty.xml"))


def test_five_redirects_are_followed(server: HTTPServer, fetcher: Fetcher) -> None:
    _redirect_chain(server, 5)
    result = fetcher.fetch(server.url_for("/r/0"))
    assert (result.status, result.final_url, result.url) == (200, server.url_for("/final"), server.url_for("/r/0"))


def test_six_redirects_are_too_many(server: HTTPServer, fetcher: Fetcher) -> None:
    _redirect_chain(server, 6)
    with pytest.raises(TooManyRedirects):
        fetcher.fetch(server.url_for("/r/0"))
    assert len(server.log) == 6  # the sixth redirect is not followed


@pytest.fixture(scope="module")
def other_server() -> Iterator[HTTPServer]:
    """A second loopback service that a redirect must NOT reach (not allow-listed)."""
    srv = HTTPServer(host="127.0.0.1", port=0)
    srv.start()
    try:
        srv.expect_request("/secret").respond_with_data("internal admin page")
        yield srv
    finally:
        srv.clear()
        srv.stop()


def test_redirect_to_other_loopback_port_refused(server: HTTPServer, fetcher: Fetcher, other_server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_response(
        Response(status=301, headers={"Location": other_server.url_for("/secret")}))
    with pytest.raises(BlockedAddress, match=r"^blocked: 127\.0\.0\.1 is loopback$"):
        fetcher.fetch(server.url_for("/feed"))
    assert other_server.log == []


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "blocked: 169.254.169.254 is link-local (cloud metadata)"),
        ("http://[::1]/admin", "blocked: ::1 is loopback"),
        ("http://2130706433/", "blocked: 2130706433 means 127.0.0.1, which is loopback"),
        ("http://[::ffff:127.0.0.1]/", "blocked: ::ffff:127.0.0.1 is IPv4-mapped IPv6 of 127.0.0.1, which is loopback"),
        ("file:///etc/passwd", "blocked: scheme 'file' is not allowed (http/https only)"),
    ],
)
def test_redirect_to_internal_targets_refused(server: HTTPServer, fetcher: Fetcher, location: str, reason: str) -> None:
    server.expect_request("/feed").respond_with_response(Response(status=302, headers={"Location": location}))
    with pytest.raises(BlockedAddress) as info:
        fetcher.fetch(server.url_for("/feed"))
    assert str(info.value) == reason


def test_loopback_refused_without_allow_list(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(fixture("empty.xml"))
    with Fetcher(make_settings("")) as f:
        for url, shown in ((server.url_for("/feed"), "127.0.0.1"), (f"http://0x7f000001:{server.port}/feed", "0x7f000001"),
                           (f"http://0177.0.0.1:{server.port}/feed", "0177.0.0.1"),
                           (f"http://127.1:{server.port}/feed", "127.1")):
            with pytest.raises(BlockedAddress) as info:
                f.fetch(url)
            assert str(info.value) in (f"blocked: {shown} is loopback",
                                       f"blocked: {shown} means 127.0.0.1, which is loopback")
    assert server.log == []


class FakeDNS:
    """Injected resolver: names the system cannot resolve, so a success proves where we connected."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        import ipaddress
        self.table = {k: [ipaddress.ip_address(a) for a in v] for k, v in table.items()}
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.calls.append(host)
        return self.table[host]


def test_hostname_allow_list_and_private_resolution(server: HTTPServer) -> None:
    dns = FakeDNS({"feeds.test": ["127.0.0.1"], "intranet.test": ["10.1.2.3"],
                   "mixed.test": ["93.184.216.34", "127.0.0.1"]})
    server.expect_request("/feed").respond_with_data(fixture("empty.xml"))
    with Fetcher(make_settings("feeds.test"), resolver=dns) as f:
        ok = f.fetch(f"http://feeds.test:{server.port}/feed")
        assert ok.status == 200
        assert server.log[0][0].headers["Host"] == f"feeds.test:{server.port}"
        with pytest.raises(BlockedAddress, match=r"^blocked: intranet\.test resolves to 10\.1\.2\.3, which is private$"):
            f.fetch("http://intranet.test/feed")
        with pytest.raises(BlockedAddress, match=r"^blocked: mixed\.test resolves to 127\.0\.0\.1, which is loopback$"):
            f.fetch(f"http://mixed.test:{server.port}/feed")
        # The allow-listed name must not exempt a redirect to the same address under another name.
        server.expect_request("/hop").respond_with_response(
            Response(status=302, headers={"Location": f"http://127.0.0.1:{server.port}/feed"}))
        with pytest.raises(BlockedAddress, match=r"^blocked: 127\.0\.0\.1 is loopback$"):
            f.fetch(f"http://feeds.test:{server.port}/hop")
    # Every connection looked its name up through the injected resolver (never the system's).
    assert sorted(set(dns.calls)) == ["feeds.test", "intranet.test", "mixed.test"]


# --------------------------------------------------------------------------- size caps and deadlines


def gzip_bomb(gib: int = 1) -> bytes:
    """~1 MB of gzip that inflates to ``gib`` GiB of zeros (full-flush blocks repeat byte for byte)."""
    mib = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(1024 * gib):
        crc = zlib.crc32(mib, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + block * (1024 * gib) + c.flush() + struct.pack("<II", crc, (gib << 30) & 0xFFFFFFFF)


def test_gzip_bomb_stopped_at_cap_with_bounded_memory(tmp_path: Path) -> None:
    bomb = gzip_bomb()
    assert len(bomb) < 1_100_000
    (tmp_path / "bomb.gz").write_bytes(bomb)
    # The server runs in a process of its own: tracemalloc counts every thread of this one.
    server = subprocess.Popen([sys.executable, str(Path(__file__).with_name("static_server.py")),
                               str(tmp_path / "bomb.gz"), "Content-Encoding: gzip"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())  # printed once listening; EOF (ValueError) if it died
        cap = 4 * 1024 * 1024
        with Fetcher(make_settings(f"127.0.0.1:{port}", fetch_max_bytes=cap)) as f:
            tracemalloc.start()
            try:
                started = time.monotonic()
                with pytest.raises(TooLarge, match="after decompression"):
                    f.fetch(f"http://127.0.0.1:{port}/bomb")
                elapsed = time.monotonic() - started
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    finally:
        server.kill()
        server.wait(10)
    assert peak < 3 * cap  # the body buffer up to the cap plus one piece, never the gigabyte
    assert elapsed < 3.0


def test_declared_and_streamed_oversize_bodies(server: HTTPServer) -> None:
    big = b"x" * 300_000
    server.expect_request("/declared").respond_with_data(big)

    def chunked(_: Request) -> Response:
        return Response((b"y" * 10_000 for _ in range(30)), content_type="application/xml")

    server.expect_request("/chunked").respond_with_handler(chunked)
    with Fetcher(make_settings(f"127.0.0.1:{server.port}", fetch_max_bytes=100_000)) as f:
        with pytest.raises(TooLarge, match=r"^body of 300000 bytes is over the 100000-byte cap$"):
            f.fetch(server.url_for("/declared"))
        with pytest.raises(TooLarge, match="cap"):
            f.fetch(server.url_for("/chunked"))


@pytest.fixture()
def drip_server() -> Iterator[int]:
    """Raw socket server: valid headers, then one body byte every 0.2 s, forever (until stopped)."""
    stop = threading.Event()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n<")
                try:
                    while not stop.wait(0.2):
                        conn.sendall(b" ")
                except OSError:
                    continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_slow_drip_stopped_at_total_deadline(drip_server: int) -> None:
    settings = make_settings(f"127.0.0.1:{drip_server}", fetch_total_timeout=1.5, fetch_read_timeout=1.0)
    with Fetcher(settings) as f:
        started = time.monotonic()
        with pytest.raises(FetchTimeout):
            f.fetch(f"http://127.0.0.1:{drip_server}/feed.xml")
        elapsed = time.monotonic() - started
    assert 1.4 <= elapsed < 4.0


# --------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HTTPServer, ssl.SSLContext]]:
    """HTTPS on 127.0.0.1 with a self-signed certificate valid only for the name feeds.test."""
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem"), "-subj", "/CN=feeds.test",
                    "-addext", "subjectAltName=DNS:feeds.test"], check=True, capture_output=True)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(d / "cert.pem", d / "key.pem")
    client_ctx = ssl.create_default_context(cafile=str(d / "cert.pem"))
    srv = HTTPServer(host="127.0.0.1", port=0, ssl_context=server_ctx)
    srv.expect_request("/feed").respond_with_data(fixture("atom_utf8.xml"), content_type="application/atom+xml")
    srv.start()
    try:
        yield srv, client_ctx
    finally:
        srv.clear()
        srv.stop()


def test_tls_verifies_the_name_while_connecting_to_the_checked_address(
    tls_server: tuple[HTTPServer, ssl.SSLContext],
) -> None:
    srv, ctx = tls_server
    dns = FakeDNS({"feeds.test": ["127.0.0.1"]})
    settings = make_settings(f"feeds.test,127.0.0.1:{srv.port}")
    with Fetcher(settings, resolver=dns, verify=ctx) as f:
        result = f.fetch(f"https://feeds.test:{srv.port}/feed")
        assert (result.status, result.final_url) == (200, f"https://feeds.test:{srv.port}/feed")
        assert dns.calls == ["feeds.test"]
        # Same server, addressed by IP: the certificate does not cover it, so TLS must fail.
        with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
            f.fetch(f"https://127.0.0.1:{srv.port}/feed")
