"""Write the API's OpenAPI spec to docs/openapi.json (committed; a test checks it is current).

Usage: .venv/bin/python scripts/export_openapi.py [--check]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "docs" / "openapi.json"


def generate() -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from worker.api.app import create_app

    return create_app().openapi()


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = render(generate())
    if "--check" in argv:
        current = SPEC.read_text(encoding="utf-8") if SPEC.exists() else ""
        if current != text:
            print(f"{SPEC} is out of date: run scripts/export_openapi.py", file=sys.stderr)
            return 1
        return 0
    SPEC.parent.mkdir(parents=True, exist_ok=True)
    SPEC.write_text(text, encoding="utf-8")
    print(f"wrote {SPEC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
