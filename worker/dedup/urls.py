"""Canonical article URLs, so tracking parameters, AMP and mobile variants map to one key."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "canonical_url"]

TRACKING_PARAMS = frozenset(
    [
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref",
        "ref_src", "ref_url", "ocid", "_ga", "_gl", "yclid", "twclid", "ttclid", "li_fat_id", "mkt_tok",
        "s_cid", "cmpid", "icid", "ito", "spm", "share", "src_share", "at_medium", "at_campaign",
        "at_custom1", "at_custom2", "__twitter_impression", "amp", "outputtype"
    ]
)
_TRACKING_PREFIXES = ("utm_", "hmb_", "pk_", "mtm_", "ga_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
# Characters that never need escaping in a path / query component (RFC 3986 unreserved + sub-delims).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_SEGMENT_AMP = re.compile(r"/amp(?=/|$)", re.IGNORECASE)


def _host(netloc_host: str) -> str:
    host = netloc_host.rstrip(".").lower()
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    changed = True
    while changed:  # www.m.example.com → example.com
        changed = False
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix):]
                changed = True
    return host


def _requote(part: str, safe: str) -> str:
    """Decode then re-encode, so %D8%A7 and the raw letter and %d8%a7 all become one form."""
    return quote(unquote(part), safe=safe)


def canonical_url(url: str) -> str:
    """One spelling for one article: lower-case host, no tracking, no fragment, AMP/mobile folded."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    if scheme == "http" or scheme == "https":
        scheme = "https"  # the same article is served on both; keep one
    host = _host(parts.hostname or "")
    netloc = host
    if parts.port and parts.port not in _DEFAULT_PORTS.values():
        netloc = f"{host}:{parts.port}"
    path = _requote(parts.path or "/", _PATH_SAFE)
    path = re.sub(r"/{2,}", "/", path)
    path = _SEGMENT_AMP.sub("", path) or "/"
    if path.lower().endswith(".amp"):
        path = path[:-4]
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    query_s = urlencode(sorted(query), quote_via=quote, safe="-._~:@!$'()*,;/")
    return urlunsplit((scheme, netloc, path, query_s, ""))
