"""Test-only fault injection, loaded by worker processes started with PYTHONPATH=tests/chaos/inject.

No real article makes Rasd's extraction raise (the fuzzers look for one), so the chaos suite makes
its own poison item: ``worker.pipeline.clean_and_extract`` (which ``analyse`` calls too) is
wrapped, before ``worker.services.process`` imports it, to raise for any text carrying the marker
``رصد-سم-٧٣٩``. Nothing in worker/ changes;
only processes started with this directory on PYTHONPATH are affected.
"""

from __future__ import annotations

import os
from typing import Any

MARKER = "رصد-سم-٧٣٩"

if os.environ.get("RASD_CHAOS_POISON") == "1":
    import worker.pipeline as _pipeline

    _clean_and_extract = _pipeline.clean_and_extract

    def clean_and_extract(raw: str, *, title: str = "", **options: Any) -> Any:
        if MARKER in raw or MARKER in title:
            raise RuntimeError("chaos poison: extraction crashes on this item every time")
        return _clean_and_extract(raw, title=title, **options)

    _pipeline.clean_and_extract = clean_and_extract  # type: ignore[assignment]
