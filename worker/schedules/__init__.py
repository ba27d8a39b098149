"""The bundled feed list and beat schedule, shipped inside the package so an installed Rasd finds them.

``schedules/`` at the repository root is the editable source; these are byte-for-byte copies
(``make schedules`` refreshes them, tests/unit/test_feeds_yaml.py fails when they differ).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
FEEDS_FILE = HERE / "feeds.yaml"
BEAT_FILE = HERE / "beat.yaml"
