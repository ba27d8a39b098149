"""SSRF guard: classification of every address form, literal parsing, allow-list, URL checks."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.errors import BlockedAddress, ConfigError, FetchError
from worker.feeds.ssrf import AllowList, IPAddress, check_host, check_url, classify, parse_ip_literal


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local (cloud metadata)"),
        ("169.254.10.20", "link-local"),
        ("100.64.0.1", "shared address space (CGNAT 100.64.0.0/10)"),
        ("100.100.100.200", "shared address space (CGNAT 100.64.0.0/10)"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "reserved ('this network' 0.0.0.0/8)"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "broadcast"),
        ("192.0.0.8", "reserved (IETF protocol assignments)"),
        ("192.0.2.10", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "unique local (private)"),
        ("fd12:3456::1", "unique local (private)"),
        ("fd00:ec2::254", "unique local (cloud metadata)"),
        ("fec0::1", "site-local (deprecated, private)"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("100::1", "reserved (discard-only)"),
        ("::127.0.0.1", "reserved (IPv4-compatible IPv6)"),
        ("::ffff:127.0.0.1", "IPv4-mapped IPv6 of 127.0.0.1, which is loopback"),
        ("::ffff:169.254.169.254", "IPv4-mapped IPv6 of 169.254.169.254, which is link-local (cloud metadata)"),
        ("::ffff:10.0.0.1", "IPv4-mapped IPv6 of 10.0.0.1, which is private"),
        ("64:ff9b::10.0.0.1", "NAT64 of 10.0.0.1, which is private"),
        ("64:ff9b::127.0.0.1", "NAT64 of 127.0.0.1, which is loopback"),
        ("64:ff9b:1::1", "reserved (local-use NAT64)"),
        ("2002:7f00:1::1", "6to4 of 127.0.0.1, which is loopback"),
        ("2002:a9fe:a9fe::", "6to4 of 169.254.169.254, which is link-local (cloud metadata)"),
        ("2002:c0a8:101::1", "6to4 of 192.168.1.1, which is private"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo tunnel (client 192.0.2.45, documentation)"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo tunnel (client 127.0.0.1, loopback)"),
    ],
)
def test_blocked_addresses(address: str, reason: str) -> None:
    assert classify(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
     "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1"],
)
def test_public_addresses_pass(address: str) -> None:
    assert classify(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0177.0000.0000.0001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("2852039166", "169.254.169.254"),
        ("017700000001", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("127.0.0.0x1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("fe80::1%eth0", "fe80::1"),
    ],
)
def test_ip_literal_forms(host: str, expected: str) -> None:
    assert parse_ip_literal(host) == ipaddress.ip_address(expected)


@pytest.mark.parametrize("host", ["example.com", "1e100.net", "256.1.1.1", "1.2.3.4.5", "08.1.1.1", "", "127.0.0.0xg"])
def test_hostnames_are_not_literals(host: str) -> None:
    assert parse_ip_literal(host) is None


class FakeDNS:
    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = {k: [ipaddress.ip_address(a) for a in v] for k, v in table.items()}
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.calls.append((host, port))
        return self.table[host]


DNS = FakeDNS({
    "news.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "metadata.internal": ["169.254.169.254"],
    "rebind.example": ["93.184.216.34", "10.0.0.7"],
    "feeds.local": ["192.168.10.5"],
})


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "blocked: 127.0.0.1 is loopback"),
        ("http://169.254.169.254/latest/meta-data/", "blocked: 169.254.169.254 is link-local (cloud metadata)"),
        ("http://2130706433/", "blocked: 2130706433 means 127.0.0.1, which is loopback"),
        ("http://0x7f000001/", "blocked: 0x7f000001 means 127.0.0.1, which is loopback"),
        ("http://0177.0.0.1/", "blocked: 0177.0.0.1 means 127.0.0.1, which is loopback"),
        ("http://127.1/", "blocked: 127.1 means 127.0.0.1, which is loopback"),
        ("http://[::1]:8080/", "blocked: ::1 is loopback"),
        ("http://[::ffff:127.0.0.1]/", "blocked: ::ffff:127.0.0.1 is IPv4-mapped IPv6 of 127.0.0.1, which is loopback"),
        ("http://[64:ff9b::a9fe:a9fe]/", "blocked: 64:ff9b::a9fe:a9fe is NAT64 of 169.254.169.254, "
                                         "which is link-local (cloud metadata)"),
        ("http://[2002:a00:1::1]/", "blocked: 2002:a00:1::1 is 6to4 of 10.0.0.1, which is private"),
        ("http://100.64.3.4/", "blocked: 100.64.3.4 is shared address space (CGNAT 100.64.0.0/10)"),
        ("https://metadata.internal/", "blocked: metadata.internal resolves to 169.254.169.254, "
                                       "which is link-local (cloud metadata)"),
        ("http://rebind.example/", "blocked: rebind.example resolves to 10.0.0.7, which is private"),
        ("file:///etc/passwd", "blocked: scheme 'file' is not allowed (http/https only)"),
        ("gopher://127.0.0.1:6379/_INFO", "blocked: scheme 'gopher' is not allowed (http/https only)"),
        ("ftp://news.example/feed", "blocked: scheme 'ftp' is not allowed (http/https only)"),
        ("//news.example/feed", "blocked: scheme '(none)' is not allowed (http/https only)"),
        ("http:///feed", "blocked: URL 'http:///feed' has no host"),
    ],
)
def test_check_url_refuses(url: str, reason: str) -> None:
    with pytest.raises(BlockedAddress) as info:
        check_url(url, AllowList(), DNS)
    assert str(info.value) == reason


def test_userinfo_does_not_hide_the_host() -> None:
    # The host is what follows the last '@'; the userinfo never decides where we connect.
    assert check_url("http://127.0.0.1@news.example/", AllowList(), DNS) == DNS.table["news.example"]
    with pytest.raises(BlockedAddress, match=r"^blocked: 10\.0\.0\.1 is private$"):
        check_url("http://news.example@10.0.0.1/", AllowList(), DNS)


def test_check_url_returns_every_public_address() -> None:
    assert [str(a) for a in check_url("https://news.example/rss", AllowList(), DNS)] == [
        "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]


def test_allow_list_by_name_address_cidr_and_port() -> None:
    allow = AllowList(["feeds.local", "127.0.0.1:8080", "10.0.0.0/8", "[::1]:9000", "  ", "Metrics.Internal."])
    assert check_url("http://feeds.local/rss", allow, DNS) == [ipaddress.ip_address("192.168.10.5")]
    assert check_url("http://127.0.0.1:8080/", allow, DNS) == [ipaddress.ip_address("127.0.0.1")]
    assert check_url("http://2130706433:8080/", allow, DNS) == [ipaddress.ip_address("127.0.0.1")]
    with pytest.raises(BlockedAddress, match=r"^blocked: 127\.0\.0\.1 is loopback$"):
        check_url("http://127.0.0.1:8081/", allow, DNS)  # same address, other service
    assert check_url("http://10.9.8.7/", allow, DNS) == [ipaddress.ip_address("10.9.8.7")]
    assert check_url("http://[::1]:9000/", allow, DNS) == [ipaddress.ip_address("::1")]
    with pytest.raises(BlockedAddress, match=r"^blocked: ::1 is loopback$"):
        check_url("http://[::1]/", allow, DNS)
    assert allow.allows_host("metrics.internal", 443) is True
    assert allow.allows_host("other.internal", 443) is False
    # An address entry also covers the IPv4-mapped spelling of that address.
    assert allow.allows_ip(ipaddress.ip_address("::ffff:10.1.1.1"), 80) is True
    assert bool(AllowList([])) is False


@pytest.mark.parametrize("entry", ["http://x/", "host:99999", "host:abc", "a b"])
def test_invalid_allow_list_entries(entry: str) -> None:
    with pytest.raises(ConfigError):
        AllowList([entry])


def test_unresolvable_and_empty_answers() -> None:
    def nxdomain(host: str, port: int) -> list[IPAddress]:
        raise FetchError(f"cannot resolve {host}: NXDOMAIN")

    with pytest.raises(FetchError, match=r"^cannot resolve nope\.example: NXDOMAIN$"):
        check_host("nope.example", 80, AllowList(), nxdomain)
    with pytest.raises(FetchError, match=r"^cannot resolve empty\.example: no addresses$"):
        check_host("empty.example", 80, AllowList(), lambda h, p: [])


def test_literals_never_reach_the_resolver() -> None:
    dns = FakeDNS({})
    with pytest.raises(BlockedAddress):
        check_host("0x7f000001", 80, AllowList(), dns)
    assert dns.calls == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.integers(0, 2**32 - 1).map(str),
    st.integers(0, 2**32 - 1).map(hex),
    st.integers(0, 2**32 - 1).map(lambda n: "0" + format(n, "o")),
    st.integers(0, 300).map(str),
), min_size=1, max_size=4).map(".".join))
def test_literal_parser_agrees_with_inet_aton(host: str) -> None:
    """Our reading of numeric hosts must match the C library's, or the guard and the socket disagree."""
    try:
        expected: ipaddress.IPv4Address | None = ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        expected = None
    assert parse_ip_literal(host) == expected
