"""API tokens: only a sha256 of each token is stored, so a database leak does not leak access."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from worker.store.tables import api_tokens

SCOPES = ("read", "admin")
PREFIX = "rasd_"


@dataclass(frozen=True, slots=True)
class Token:
    """An API token's row, without its hash."""

    id: int
    name: str
    scope: str  # read | admin
    created_at: datetime
    revoked_at: datetime | None


def _token(row: Any) -> Token:
    return Token(id=int(row["id"]), name=row["name"], scope=row["scope"], created_at=row["created_at"],
                 revoked_at=row["revoked_at"])


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """``rasd_`` + 32 random bytes, URL-safe base64 (shown once, never stored)."""
    return PREFIX + secrets.token_urlsafe(32)


def create_token(conn: Connection, name: str, scope: str, now: datetime) -> tuple[int, str]:
    """Store a new token's hash; returns ``(id, token)`` — the only time the token is seen."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    token = new_token()
    row = conn.execute(sa.insert(api_tokens).values(name=name, token_hash=hash_token(token), scope=scope,
                                                    created_at=now).returning(api_tokens.c.id)).first()
    assert row is not None
    return int(row[0]), token


def verify_token(conn: Connection, token: str) -> Token | None:
    """The active token row matching ``token``, or None (unknown or revoked).

    Lookup is by hash (an index seek on a value the caller cannot steer byte by byte) and the stored
    hash is compared in constant time as well.
    """
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    row = conn.execute(sa.select(api_tokens).where(api_tokens.c.token_hash == digest)).mappings().first()
    if row is None or not hmac.compare_digest(str(row["token_hash"]), digest) or row["revoked_at"] is not None:
        return None
    return _token(row)


def list_tokens(conn: Connection) -> list[Token]:
    """Tokens without their hashes."""
    cols = [api_tokens.c.id, api_tokens.c.name, api_tokens.c.scope, api_tokens.c.created_at,
            api_tokens.c.revoked_at]
    return [_token(r) for r in conn.execute(sa.select(*cols).order_by(api_tokens.c.id)).mappings()]


def revoke_token(conn: Connection, token_id: int, now: datetime) -> bool:
    """Revoke (idempotent: revoking twice keeps the first time); False if the id is unknown."""
    exists = conn.execute(sa.select(api_tokens.c.id).where(api_tokens.c.id == token_id)).first()
    if exists is None:
        return False
    conn.execute(sa.update(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                 .values(revoked_at=now))
    return True
