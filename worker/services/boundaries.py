"""The admin1 boundaries shipped for the dashboard's offline map (worker/api/static/geo/, built by
tools/build_boundaries.py), looked up by Rasd region key."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

BOUNDARIES = Path(__file__).resolve().parents[1] / "api" / "static" / "geo" / "admin1.geojson"


@lru_cache(maxsize=1)
def _by_key() -> dict[str, dict[str, Any]]:
    if not BOUNDARIES.exists():
        return {}
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    return {f["properties"]["key"]: f["geometry"] for f in data["features"] if f["properties"].get("key")}


def region_geometry(key: str) -> dict[str, Any] | None:
    """The region's (simplified) boundary, or None when the map has no polygon for it."""
    return _by_key().get(key)
