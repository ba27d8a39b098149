"""Conditional GET of feeds (and other untrusted URLs) with the SSRF guard, deadlines and size caps.

Build one :class:`Fetcher` per process (shared httpx client, connection pooling) and call
:meth:`Fetcher.fetch` from any thread.

Safety properties, each enforced here rather than trusted to the server:

* **SSRF at connect time.** The httpx client uses a network backend that resolves the host,
  checks *every* address with :func:`worker.feeds.ssrf.check_host`, and connects to the checked
  address. There is no gap between check and connect (no DNS rebinding), and redirects, which
  are followed by hand (at most ``fetch_max_redirects``), pass through the same backend.
* **Deadlines.** connect/read timeouts per socket operation, plus a total deadline: every socket
  operation's timeout is clamped to the time left, so a server dripping one byte a second is cut
  off at the deadline, not at ``read_timeout`` after it.
* **Size cap after decompression.** The body is inflated here, in bounded pieces, from the raw
  stream; a gzip bomb stops at ``fetch_max_bytes`` with at most one small piece in memory.
"""

from __future__ import annotations

import contextvars
import hashlib
import ssl
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

import httpcore
import httpx

from worker.clock import utcnow
from worker.errors import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    RateLimited,
    TooLarge,
    TooManyRedirects,
)
from worker.feeds.limits import HostLimiter, InProcessHostLimiter
from worker.feeds.schedule import parse_retry_after
from worker.feeds.ssrf import AllowList, Resolver, check_host, parse_ip_literal, split_url, system_resolver
from worker.models import FetchResult
from worker.settings import Settings

ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
ACCEPT_ENCODING = "gzip, deflate"  # only what we can inflate with a bounded output size
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PIECE = 64 * 1024  # max bytes produced per decompression step

# Monotonic deadline of the fetch running in this thread/context; read by the network stream.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("rasd_fetch_deadline", default=None)


def body_hash(body: bytes) -> str:
    """sha256 hex of a body, stored per feed so an unchanged 200 body is not parsed again."""
    return hashlib.sha256(body).hexdigest()


# --------------------------------------------------------------------------- network backend


def _time_left(timeout: float | None, exc: type[Exception]) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise exc("total deadline exceeded")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """Clamps every socket operation to the current fetch's total deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _time_left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """Resolve, check every address against the SSRF guard, then connect to a checked address."""

    def __init__(self, allow: AllowList, resolver: Resolver = system_resolver) -> None:
        self._allow = allow
        self._resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = check_host(host, port, self._allow, self._resolver)
        last: Exception | None = None
        for ip in addresses:
            try:
                stream = super().connect_tcp(
                    str(ip), port, _time_left(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise BlockedAddress("blocked: unix sockets are not allowed")


class GuardedTransport(httpx.HTTPTransport):
    """httpx transport whose connection pool dials through :class:`GuardedBackend`; no proxies."""

    def __init__(self, allow: AllowList, resolver: Resolver = system_resolver,
                 limits: httpx.Limits | None = None, verify: bool | ssl.SSLContext = True) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=100, keepalive_expiry=30)
        super().__init__(trust_env=False, limits=limits, verify=verify)
        # httpx.HTTPTransport has no network_backend parameter, so its pool is rebuilt with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allow, resolver),
        )


def build_guarded_client(
    allow: AllowList,
    resolver: Resolver = system_resolver,
    timeout: httpx.Timeout | None = None,
    user_agent: str | None = None,
    limits: httpx.Limits | None = None,
    verify: bool | ssl.SSLContext = True,
) -> httpx.Client:
    """An httpx client that can only reach public (or allow-listed) addresses; for webhooks too.

    It never follows redirects itself; callers follow them by hand (each hop is guarded anyway).
    """
    headers = {"User-Agent": user_agent} if user_agent else None
    return httpx.Client(
        transport=GuardedTransport(allow, resolver, limits, verify),
        timeout=timeout or httpx.Timeout(10.0),
        follow_redirects=False,
        trust_env=False,
        headers=headers,
    )


# --------------------------------------------------------------------------- bounded inflation


def _inflate(chunks: Iterable[bytes], wbits: int) -> Iterator[bytes]:
    """zlib/gzip/raw-deflate inflate yielding pieces of at most PIECE bytes (bombs stay small)."""
    d = zlib.decompressobj(wbits)
    first = True
    for chunk in chunks:
        data = chunk
        while data:
            try:
                out = d.decompress(data, PIECE)
            except zlib.error:
                if first and wbits == zlib.MAX_WBITS:  # "deflate" sent as raw deflate
                    wbits = -zlib.MAX_WBITS
                    d = zlib.decompressobj(wbits)
                    first = False
                    continue
                raise
            first = False
            if out:
                yield out
            data = d.unconsumed_tail
            if d.eof and not data and d.unused_data:  # concatenated gzip members
                data = d.unused_data
                d = zlib.decompressobj(wbits)
    tail = d.flush()
    if tail:
        yield tail


def _decoded(chunks: Iterable[bytes], content_encoding: str) -> Iterable[bytes]:
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    stream = chunks
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            stream = _inflate(stream, 16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            stream = _inflate(stream, zlib.MAX_WBITS)
        elif coding != "identity":
            raise FetchError(f"unsupported content-encoding {coding!r}")
    return stream


# --------------------------------------------------------------------------- fetcher


class Fetcher:
    """One per process: conditional GETs through a shared, SSRF-guarded httpx client."""

    def __init__(
        self,
        settings: Settings,
        *,
        resolver: Resolver = system_resolver,
        limiter: HostLimiter | None = None,
        allow: AllowList | None = None,
        max_connections: int = 100,
        clock: Callable[[], datetime] = utcnow,
        verify: bool | ssl.SSLContext = True,
    ) -> None:
        self._clock = clock
        self._max_bytes = settings.fetch_max_bytes
        self._max_redirects = settings.fetch_max_redirects
        self._total = settings.fetch_total_timeout
        self._limiter: HostLimiter = limiter or InProcessHostLimiter(settings.fetch_per_host_limit)
        timeout = httpx.Timeout(
            connect=settings.fetch_connect_timeout,
            read=settings.fetch_read_timeout,
            write=settings.fetch_read_timeout,
            pool=settings.fetch_connect_timeout,
        )
        limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections, keepalive_expiry=30
        )
        self._allow = allow if allow is not None else AllowList(settings.allow_hosts)
        self._client = build_guarded_client(self._allow, resolver, timeout, settings.fetch_user_agent, limits, verify)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None, force: bool = False
    ) -> FetchResult:
        """GET ``url``; 304 gives ``body=None``. ``force`` drops the validators (re-ingest)."""
        started = time.monotonic()
        token = _DEADLINE.set(started + self._total)
        try:
            return self._fetch(url, etag, last_modified, force, started)
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"timed out fetching {url}: {type(exc).__name__} ({exc})") from exc
        except httpx.InvalidURL as exc:
            raise BlockedAddress(f"blocked: invalid URL {url!r} ({exc})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"fetching {url} failed: {type(exc).__name__}: {exc}") from exc
        finally:
            _DEADLINE.reset(token)

    def _fetch(self, url: str, etag: str | None, last_modified: str | None, force: bool,
               started: float) -> FetchResult:
        headers = {"Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING}
        if force:
            headers["Cache-Control"] = "no-cache"
        else:
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        current = url
        for hop in range(self._max_redirects + 1):
            _, host, port = split_url(current)
            if parse_ip_literal(host) is not None:
                # IP literals need no DNS: check now, so odd spellings httpx rejects
                # (0177.0.0.1) still get the guard's reason. Names are checked at connect time.
                check_host(host, port, self._allow)
            with self._limiter.slot(host, self._left()):
                request = self._client.build_request("GET", current, headers=headers)
                response = self._client.send(request, stream=True)
                try:
                    if response.status_code in REDIRECT_STATUSES:
                        location = response.headers.get("location")
                        if not location:
                            raise HTTPStatusError(f"HTTP {response.status_code} without Location from {current}",
                                                  response.status_code)
                        if hop == self._max_redirects:
                            raise TooManyRedirects(
                                f"more than {self._max_redirects} redirects fetching {url} (last: {current})")
                        current = str(response.url.join(location))
                        continue
                    return self._result(url, current, response, started)
                finally:
                    response.close()
        raise AssertionError("unreachable")  # pragma: no cover

    def _left(self) -> float:
        deadline = _DEADLINE.get()
        left = (deadline - time.monotonic()) if deadline is not None else self._total
        if left <= 0:
            raise FetchTimeout("total deadline exceeded")
        return left

    def _result(self, url: str, final_url: str, response: httpx.Response, started: float) -> FetchResult:
        status = response.status_code
        headers = {k.lower(): v for k, v in response.headers.items()}
        retry_after = parse_retry_after(headers.get("retry-after"), self._clock())
        if status == 429 or (status == 503 and retry_after is not None):
            raise RateLimited(
                f"rate limited: HTTP {status} from {final_url}"
                + (f", retry after {retry_after:.0f}s" if retry_after is not None else ""),
                retry_after=retry_after,
            )
        if status >= 400:
            raise HTTPStatusError(f"HTTP {status} from {final_url}", status)
        if status == 304:
            body = None
        elif status < 200 or status >= 300:
            raise HTTPStatusError(f"unexpected HTTP {status} from {final_url}", status)
        else:
            body = self._read_body(response, headers)
            # The body is decoded here, so the encoding/length headers no longer describe it.
            headers.pop("content-encoding", None)
            headers.pop("content-length", None)
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            headers=headers,
            body=body,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            elapsed=time.monotonic() - started,
        )

    def _read_body(self, response: httpx.Response, headers: dict[str, str]) -> bytes:
        cap = self._max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLarge(f"body of {declared} bytes is over the {cap}-byte cap")
        raw_seen = 0

        def raw() -> Iterator[bytes]:
            nonlocal raw_seen
            for chunk in response.iter_raw(PIECE):
                raw_seen += len(chunk)
                if raw_seen > cap:
                    raise TooLarge(f"body is over the {cap}-byte cap")
                yield chunk

        body = bytearray()
        try:
            for piece in _decoded(raw(), headers.get("content-encoding", "")):
                if len(body) + len(piece) > cap:
                    raise TooLarge(f"body is over the {cap}-byte cap after decompression")
                body += piece
                self._left()
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}") from exc
        return bytes(body)
