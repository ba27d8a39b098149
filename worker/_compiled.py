"""Which modules run compiled (mypyc, built by tools/build_native.py) and a guard against stale builds.

The compiled group is one shared library: its modules call each other directly, so when any of
their sources differs from what was compiled, or ``RASD_NATIVE=0`` is set, every module of the
group is imported from its Python source instead (a meta-path finder placed first). Without a
build, Python imports the sources anyway and this does nothing.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

PACKAGE_ROOT = Path(__file__).resolve().parent
GROUP = "worker._compiled"
MANIFEST = PACKAGE_ROOT / "_compiled.json"
# Pure modules only (no Celery; conll.read's one file read aside): text in, values out. Tests monkeypatch
# none of them.
MODULES = (
    "worker.text.html",
    "worker.text.normalize",
    "worker.text.paragraphs",
    "worker.text.clean",
    "worker.dedup.fingerprint",
    "worker.extract.numbers",
    "worker.extract.casualties.lexicon",
    "worker.extract.casualties.tables",
    "worker.extract.casualties.context",
    "worker.extract.casualties.current",
    "worker.extract.casualties.incidents",
    "worker.extract.casualties.figures",
    "worker.extract.casualties.totals",
    "worker.extract.dates",
    "worker.extract.gazetteer.matcher",
    "worker.extract.entities",
    "worker.extract.ner.features",
    "worker.extract.ner.conll",
    "worker.extract.ner.consistency",
    "worker.extract.ner.spans",
    "worker.extract.ner.viterbi",
    "worker.extract.keywords",
)


def source_path(module: str) -> Path:
    return PACKAGE_ROOT.parent.joinpath(*module.split(".")).with_suffix(".py")


def source_digests() -> dict[str, str]:
    """sha256 of each compiled module's source, as recorded in the manifest at build time."""
    return {m: hashlib.sha256(source_path(m).read_bytes()).hexdigest() for m in MODULES}


class SourceFirst(importlib.abc.MetaPathFinder):
    """Imports the named modules from their .py files even where a compiled extension sits beside them."""

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = frozenset(modules)

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules:
            return None
        return importlib.util.spec_from_file_location(fullname, source_path(fullname))


def reason_for_source() -> str | None:
    """Why the group must run from source (None: the compiled build, if any, matches the sources)."""
    if os.environ.get("RASD_NATIVE", "1") == "0":
        return "RASD_NATIVE=0"
    if not MANIFEST.exists():
        return None  # nothing compiled (or a build in progress): plain imports find the sources
    try:
        recorded = json.loads(MANIFEST.read_text(encoding="utf-8"))
        if recorded.get("modules") != source_digests():
            return "sources changed since the last build (run: make native)"
    except (OSError, ValueError) as exc:
        return f"unreadable build manifest: {exc}"
    return None


def install() -> None:
    """Put the source-first finder in place when the compiled group must not be used."""
    if reason_for_source() is not None and not any(isinstance(f, SourceFirst) for f in sys.meta_path):
        sys.meta_path.insert(0, SourceFirst(MODULES))


def compiled_modules() -> list[str]:
    """Modules of the group imported from a compiled extension in this process (for `rasd status`)."""
    return [m for m in MODULES if m in sys.modules and str(getattr(sys.modules[m], "__file__", "")).endswith(".so")]


def describe() -> dict[str, object]:
    """What a worker logs at start: which build of the pure modules it runs, and why not compiled."""
    for module in MODULES:
        __import__(module)
    compiled = compiled_modules()
    reason = reason_for_source()
    if not compiled and reason is None:
        reason = "not built (make native)"
    return {"compiled": len(compiled), "of": len(MODULES), "source_reason": reason}
