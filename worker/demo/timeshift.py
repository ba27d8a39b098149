"""Move the sample feeds' dates so their newest item is a few minutes old.

The demo then shows live alerting as it happens: the escalation cluster falls in the detector's
current window instead of last week. Works on bytes (dates are ASCII), so the windows-1256 file
keeps its encoding byte for byte.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

_RFC822 = re.compile(rb"<pubDate>([^<]+)</pubDate>")
_ISO = re.compile(rb"<(published|updated)>([^<]+)</\1>")


def _dates(data: bytes) -> list[datetime]:
    found = [parsedate_to_datetime(m.group(1).decode()) for m in _RFC822.finditer(data)]
    found += [datetime.fromisoformat(m.group(2).decode()) for m in _ISO.finditer(data)]
    return [d if d.tzinfo else d.replace(tzinfo=UTC) for d in found]


def shift_bytes(data: bytes, delta: timedelta) -> bytes:
    def rfc(m: re.Match[bytes]) -> bytes:
        when = parsedate_to_datetime(m.group(1).decode()) + delta
        return b"<pubDate>" + format_datetime(when).encode() + b"</pubDate>"

    def iso(m: re.Match[bytes]) -> bytes:
        tag = m.group(1)
        when = datetime.fromisoformat(m.group(2).decode()) + delta
        return b"<" + tag + b">" + when.isoformat().encode() + b"</" + tag + b">"

    return _ISO.sub(iso, _RFC822.sub(rfc, data))


# The last item of the Idlib escalation cluster in the bundled feeds (see worker/demo/__init__.py).
CLUSTER_END = datetime(2026, 11, 19, 8, 50, tzinfo=UTC)


def shifted_copies(files: list[Path], target: Path, now: datetime, anchor: datetime = CLUSTER_END,
                   lag: timedelta = timedelta(minutes=5)) -> timedelta:
    """Write copies of ``files`` into ``target`` with every date moved by one common delta, so that
    ``anchor`` lands ``lag`` before ``now`` (later items then lie in the future and are clamped to
    their fetch time, as live items would be)."""
    delta = (now - lag) - anchor
    target.mkdir(parents=True, exist_ok=True)
    for f in files:
        (target / f.name).write_bytes(shift_bytes(f.read_bytes(), delta))
    return delta
