"""The one wall clock: every "now" Rasd takes for itself comes from here (timezone-aware UTC).

Functions that decide by time take ``now`` as an argument; only entry points call :func:`utcnow`.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
