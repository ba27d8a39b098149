"""SSRF guard: decide whether an outbound HTTP request may reach a host.

Pure apart from DNS, which is injected (``resolver``) so tests and callers control it. The guard
checks the *resolved* addresses (every one of them), never the spelling of the host, so the
legacy IPv4 forms (``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``) and IPv6 wrappers
of IPv4 (mapped, NAT64, 6to4, Teredo) are classified by the address they really reach.

Used by feed fetching, webhook delivery and re-ingest. :mod:`worker.feeds.fetch` calls
:func:`check_host` at *connect time* and connects to the address it checked, which closes the
DNS-rebinding window a check-then-connect design leaves open.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from worker.errors import BlockedAddress, ConfigError, FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[IPAddress]]

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# Ordered: the first matching network names the reason (specific before general).
_V4_BLOCKED: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_V4("0.0.0.0/32"), "unspecified"),
    (_V4("0.0.0.0/8"), "reserved ('this network' 0.0.0.0/8)"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("169.254.169.254/32"), "link-local (cloud metadata)"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("100.64.0.0/10"), "shared address space (CGNAT 100.64.0.0/10)"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("255.255.255.255/32"), "broadcast"),
    (_V4("240.0.0.0/4"), "reserved"),
    (_V4("192.0.0.0/24"), "reserved (IETF protocol assignments)"),
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("198.18.0.0/15"), "benchmarking"),
    (_V4("192.88.99.0/24"), "reserved (6to4 relay anycast)"),
)

_V6_BLOCKED: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("::/96"), "reserved (IPv4-compatible IPv6)"),
    (_V6("64:ff9b:1::/48"), "reserved (local-use NAT64)"),
    (_V6("100::/64"), "reserved (discard-only)"),
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("2001::/23"), "reserved (IETF protocol assignments)"),
    (_V6("fd00:ec2::254/128"), "unique local (cloud metadata)"),
    (_V6("fc00::/7"), "unique local (private)"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local (deprecated, private)"),
    (_V6("ff00::/8"), "multicast"),
    (_V6("::/8"), "reserved"),
)

_MAPPED = _V6("::ffff:0:0/96")
_NAT64 = _V6("64:ff9b::/96")
_SIX_TO_FOUR = _V6("2002::/16")
_TEREDO = _V6("2001::/32")


def classify(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be contacted, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv4Address):
        for net, why in _V4_BLOCKED:
            if ip in net:
                return why
        return None if ip.is_global else "not globally routable"
    embedded = _embedded_v4(ip)
    if embedded is not None:
        kind, v4 = embedded
        inner = classify(v4)
        if kind == "Teredo":
            return f"Teredo tunnel (client {v4}{', ' + inner if inner else ''})"
        return f"{kind} of {v4}, which is {inner}" if inner else None
    for net6, why in _V6_BLOCKED:
        if ip in net6:
            return why
    return None if ip.is_global else "not globally routable"


def _embedded_v4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address an IPv6 transition form really reaches."""
    if ip in _MAPPED:
        return "IPv4-mapped IPv6", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _NAT64:
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return "6to4", ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF)
    if ip in _TEREDO:
        return "Teredo", ipaddress.IPv4Address(~int(ip) & 0xFFFFFFFF)
    return None


def parse_ip_literal(host: str) -> IPAddress | None:
    """Parse ``host`` as an IP the way ``inet_aton``/browsers do, or None for a hostname.

    Accepts dotted forms with 1-4 parts, each decimal, ``0x`` hex or ``0`` octal
    (``127.1``, ``0177.0.0.1``, ``0x7f000001``, ``2130706433``) and bracketed or bare IPv6.
    """
    h = host.strip().rstrip(".").lower()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    if ":" in h:
        try:
            return ipaddress.IPv6Address(h.split("%", 1)[0])
        except ValueError:
            return None
    parts = h.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values: list[int] = []
    for part in parts:
        value = _parse_number(part)
        if value is None:
            return None
        values.append(value)
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(values)):
        return None
    number = 0
    for v in head:
        number = number * 256 + v
    number = (number << (8 * (5 - len(values)))) | last
    return ipaddress.IPv4Address(number)


def _parse_number(part: str) -> int | None:
    if not part:
        return None
    try:
        if part.startswith("0x"):
            return int(part[2:], 16) if part[2:] else 0
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver returns for ``host`` (in its order, de-duplicated)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from exc
    out: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in out:
            out.append(ip)
    return out


@dataclass(frozen=True)
class _Entry:
    host: str | None
    network: IPNetwork | None
    port: int | None


class AllowList:
    """Hosts, IPs and CIDRs exempt from the guard (``RASD_FETCH_ALLOW_HOSTS``).

    Entries: ``feeds.local``, ``127.0.0.1``, ``10.0.0.0/8``, ``::1``, optionally with a port
    (``localhost:8080``, ``127.0.0.1:8080``, ``[::1]:8080``) to exempt one service only.
    A hostname entry exempts whatever that name resolves to; an address entry exempts that
    address under any name.
    """

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self._entries = tuple(_parse_entry(e) for e in entries if e.strip())

    def __bool__(self) -> bool:
        return bool(self._entries)

    def allows_host(self, host: str, port: int) -> bool:
        name = host.strip().rstrip(".").lower().strip("[]")
        return any(e.host == name and e.port in (None, port) for e in self._entries)

    def allows_ip(self, ip: IPAddress, port: int) -> bool:
        candidates: list[IPAddress] = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        return any(
            e.network is not None and e.port in (None, port) and c.version == e.network.version
            and c in e.network
            for e in self._entries
            for c in candidates
        )


def _parse_entry(raw: str) -> _Entry:
    text = raw.strip().lower()
    try:
        return _Entry(None, ipaddress.ip_network(text, strict=False), None)
    except ValueError:
        pass
    host, port = text, None
    if text.startswith("["):
        inner, _, rest = text[1:].partition("]")
        host, port = inner, _port(rest.removeprefix(":"), raw) if rest else None
    elif text.count(":") == 1:
        host, port_text = text.split(":")
        port = _port(port_text, raw)
    try:
        return _Entry(None, ipaddress.ip_network(host, strict=False), port)
    except ValueError:
        pass
    host = host.rstrip(".")
    if not host or any(c in host for c in "/:@ "):
        raise ConfigError(f"invalid allow-list entry {raw!r}")
    return _Entry(host, None, port)


def _port(text: str, raw: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError(f"invalid port in allow-list entry {raw!r}")
    return int(text)


def check_host(host: str, port: int, allow: AllowList, resolver: Resolver = system_resolver) -> list[IPAddress]:
    """Resolve ``host`` and return its addresses, or raise :class:`BlockedAddress`.

    Every resolved address must be public or allow-listed: one private answer among public
    ones blocks the host (a rebinding resolver could hand out either).
    """
    literal = parse_ip_literal(host)
    addresses = [literal] if literal is not None else resolver(host, port)
    if not addresses:
        raise FetchError(f"cannot resolve {host}: no addresses")
    if allow.allows_host(host, port):
        return addresses
    for ip in addresses:
        why = classify(ip)
        if why is not None and not allow.allows_ip(ip, port):
            if literal is not None and _is_canonical_ip(host):
                raise BlockedAddress(f"blocked: {host.strip('[]')} is {why}")
            verb = "means" if literal is not None else "resolves to"
            raise BlockedAddress(f"blocked: {host} {verb} {ip}, which is {why}")
    return addresses


def _is_canonical_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def split_url(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of an http(s) URL, or :class:`BlockedAddress` for anything else."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        raise BlockedAddress(f"blocked: invalid URL {url!r} ({exc})") from exc
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedAddress(f"blocked: scheme {scheme or '(none)'!r} is not allowed (http/https only)")
    if not host:
        raise BlockedAddress(f"blocked: URL {url!r} has no host")
    return scheme, host, port or DEFAULT_PORTS[scheme]


def check_url(url: str, allow: AllowList, resolver: Resolver = system_resolver) -> list[IPAddress]:
    """Scheme + address check of a URL (e.g. when a user adds a feed or webhook)."""
    _, host, port = split_url(url)
    return check_host(host, port, allow, resolver)
