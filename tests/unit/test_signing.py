"""Standard Webhooks signing: the spec's official test vector, rotation, and refusals."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from worker.alerts.signing import (
    InvalidSecret,
    MissingHeader,
    SignatureMismatch,
    TimestampOutOfTolerance,
    decode_secret,
    generate_secret,
    sign,
    sign_headers,
    verify,
)

# Test vector from the Standard Webhooks reference libraries.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TS = 1614265330
BODY = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
NOW = datetime.fromtimestamp(TS, tz=UTC)


def test_official_test_vector() -> None:
    assert sign(MSG_ID, TS, BODY, SECRET) == EXPECTED
    assert sign(MSG_ID, TS, BODY, SECRET.removeprefix("whsec_")) == EXPECTED


def test_headers_and_verify_roundtrip() -> None:
    headers = sign_headers(MSG_ID, TS, BODY, [SECRET])
    assert headers == {"webhook-id": MSG_ID, "webhook-timestamp": str(TS), "webhook-signature": EXPECTED}
    assert verify(headers, BODY, [SECRET], NOW) == MSG_ID
    # header names are case-insensitive on the wire
    assert verify({k.upper(): v for k, v in headers.items()}, BODY, [SECRET], NOW) == MSG_ID


def test_rotation_two_secrets_two_signatures() -> None:
    new = generate_secret()
    headers = sign_headers(MSG_ID, TS, BODY, [new, SECRET])
    sigs = headers["webhook-signature"].split(" ")
    assert len(sigs) == 2
    assert sigs[1] == EXPECTED
    assert verify(headers, BODY, [SECRET], NOW) == MSG_ID  # receiver still on the old secret
    assert verify(headers, BODY, [new], NOW) == MSG_ID  # receiver already on the new one


def test_tampered_body_rejected() -> None:
    headers = sign_headers(MSG_ID, TS, BODY, [SECRET])
    with pytest.raises(SignatureMismatch, match="tampered body or wrong secret"):
        verify(headers, b'{"test": 2432232315}', [SECRET], NOW)


def test_wrong_secret_rejected() -> None:
    headers = sign_headers(MSG_ID, TS, BODY, [SECRET])
    with pytest.raises(SignatureMismatch):
        verify(headers, BODY, [generate_secret()], NOW)


@pytest.mark.parametrize("skew", [301, -301, 3600])
def test_timestamp_outside_tolerance_rejected(skew: int) -> None:
    headers = sign_headers(MSG_ID, TS, BODY, [SECRET])
    with pytest.raises(TimestampOutOfTolerance):
        verify(headers, BODY, [SECRET], NOW + timedelta(seconds=skew))


@pytest.mark.parametrize("skew", [300, -300, 0])
def test_timestamp_inside_tolerance_accepted(skew: int) -> None:
    headers = sign_headers(MSG_ID, TS, BODY, [SECRET])
    assert verify(headers, BODY, [SECRET], NOW + timedelta(seconds=skew)) == MSG_ID


def test_missing_headers_and_bad_signatures() -> None:
    headers = sign_headers(MSG_ID, TS, BODY, [SECRET])
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        partial = {k: v for k, v in headers.items() if k != name}
        with pytest.raises(MissingHeader, match=name):
            verify(partial, BODY, [SECRET], NOW)
    with pytest.raises(SignatureMismatch, match="no v1 signature"):
        verify({**headers, "webhook-signature": "v1a,abc v2,xyz"}, BODY, [SECRET], NOW)
    with pytest.raises(TimestampOutOfTolerance, match="not an integer"):
        verify({**headers, "webhook-timestamp": "soon"}, BODY, [SECRET], NOW)
    # the spec's multi-signature case: one valid among junk
    junk = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
    assert verify({**headers, "webhook-signature": f"{junk} {EXPECTED}"}, BODY, [SECRET], NOW) == MSG_ID


def test_secret_rules() -> None:
    secret = generate_secret()
    assert secret.startswith("whsec_")
    assert len(decode_secret(secret)) == 32
    short = "whsec_" + base64.b64encode(b"x" * 23).decode()
    with pytest.raises(InvalidSecret, match=r"24\.\.64 bytes, got 23"):
        decode_secret(short)
    with pytest.raises(InvalidSecret, match="not valid base64"):
        decode_secret("whsec_not base64!")
    with pytest.raises(InvalidSecret):
        sign_headers(MSG_ID, TS, BODY, [])


def test_errors_never_contain_the_secret() -> None:
    headers = sign_headers(MSG_ID, TS, BODY, [SECRET])
    for exc_type, args in ((SignatureMismatch, (headers, b"x", [SECRET], NOW)),):
        with pytest.raises(exc_type) as info:
            verify(*args)
        assert SECRET.removeprefix("whsec_") not in str(info.value)
    with pytest.raises(InvalidSecret) as info2:
        decode_secret("whsec_" + base64.b64encode(b"k" * 10).decode())
    assert base64.b64encode(b"k" * 10).decode() not in str(info2.value)
