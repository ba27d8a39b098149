"""Standard Webhooks signatures (https://www.standardwebhooks.com/), symmetric ``v1`` scheme.

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}`` and the key is the base64-decoded
part of a ``whsec_`` secret. Several secrets give several space-separated signatures, so a receiver
keeps working while the sender rotates keys. Pure: stdlib only, the clock is passed in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as _secrets
from collections.abc import Mapping, Sequence
from datetime import datetime

from worker.errors import RasdError

PREFIX = "whsec_"
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
DEFAULT_TOLERANCE = 300


class SignatureError(RasdError):
    """A webhook did not verify; the message says why (never includes a secret)."""


class InvalidSecret(SignatureError):
    pass


class MissingHeader(SignatureError):
    pass


class TimestampOutOfTolerance(SignatureError):
    pass


class SignatureMismatch(SignatureError):
    pass


def generate_secret(nbytes: int = 32) -> str:
    """A new random ``whsec_`` secret (32 bytes by default)."""
    if not MIN_SECRET_BYTES <= nbytes <= MAX_SECRET_BYTES:
        raise InvalidSecret(f"secret length must be {MIN_SECRET_BYTES}..{MAX_SECRET_BYTES} bytes")
    return PREFIX + base64.b64encode(_secrets.token_bytes(nbytes)).decode("ascii")


def decode_secret(secret: str) -> bytes:
    """Key bytes of a ``whsec_`` secret (the prefix is optional, as in the reference libraries)."""
    raw = secret[len(PREFIX):] if secret.startswith(PREFIX) else secret
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSecret("secret is not valid base64") from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise InvalidSecret(f"secret must decode to {MIN_SECRET_BYTES}..{MAX_SECRET_BYTES} bytes, got {len(key)}")
    return key


def _check_token(value: str, what: str) -> None:
    if not value or "." in value or any(c.isspace() for c in value):
        raise SignatureError(f"{what} must be non-empty without '.' or whitespace")


def sign(msg_id: str, timestamp: int, body: bytes, secret: str) -> str:
    """One ``v1,<base64>`` signature."""
    _check_token(msg_id, "webhook-id")
    to_sign = f"{msg_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(decode_secret(secret), to_sign, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def sign_headers(msg_id: str, timestamp: int, body: bytes, secrets: Sequence[str]) -> dict[str, str]:
    """The three Standard Webhooks headers; one signature per secret (rotation = two secrets)."""
    if not secrets:
        raise InvalidSecret("at least one secret is required")
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": " ".join(sign(msg_id, timestamp, body, s) for s in secrets),
    }


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise MissingHeader(f"missing header {name}")


def verify(
    headers: Mapping[str, str],
    body: bytes,
    secrets: Sequence[str],
    now: datetime,
    tolerance: int = DEFAULT_TOLERANCE,
) -> str:
    """Check headers + body against any of ``secrets``; return the webhook id or raise SignatureError.

    ``now`` must be timezone-aware. The timestamp check comes first so replays are refused cheaply.
    """
    msg_id = _header(headers, "webhook-id")
    ts_text = _header(headers, "webhook-timestamp")
    sig_text = _header(headers, "webhook-signature")
    try:
        ts = int(ts_text)
    except ValueError:
        raise TimestampOutOfTolerance("webhook-timestamp is not an integer") from None
    skew = now.timestamp() - ts
    if skew > tolerance:
        raise TimestampOutOfTolerance(f"timestamp too old ({int(skew)} s > {tolerance} s)")
    if skew < -tolerance:
        raise TimestampOutOfTolerance(f"timestamp too far in the future ({int(-skew)} s > {tolerance} s)")
    if not secrets:
        raise InvalidSecret("at least one secret is required")
    offered = [part.split(",", 1)[1] for part in sig_text.split() if part.startswith("v1,")]
    if not offered:
        raise SignatureMismatch("no v1 signature in webhook-signature")
    for secret in secrets:
        expected = sign(msg_id, ts, body, secret).split(",", 1)[1]
        if any(hmac.compare_digest(expected.encode(), o.encode()) for o in offered):
            return msg_id
    raise SignatureMismatch("no signature matched (tampered body or wrong secret)")
