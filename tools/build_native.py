"""Compile Rasd's pure text, dedup and extraction modules with mypyc, in place.

Why: cleaning, fingerprinting and extraction are most of a worker's CPU per article, and they are
plain type-checked Python. mypyc turns the same source into C extensions (what mypy and black ship
as), measured 1.1-1.6x faster on them (docs/BENCHMARKS.md); nothing is rewritten, so the Python
source stays the single definition and runs unchanged wherever the extensions are missing.

Writes ``worker/_compiled*.so`` beside the sources and ``worker/_compiled.json`` (the sha256 of each
compiled source). ``worker/_compiled.py`` falls back to the Python source for the whole group when
any source no longer matches, so an edit is never shadowed by an old build. Skips the build when
the manifest matches already. ``RASD_NATIVE=0`` skips it (and makes the package ignore the
extensions). Run: ``.venv/bin/python tools/build_native.py`` (``make native``; ``make run``,
``make test`` and ``make bench`` call it).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker._compiled import GROUP, MANIFEST, MODULES, reason_for_source, source_digests  # noqa: E402


def _up_to_date() -> bool:
    """The manifest matches the sources (the same test the package makes at import), was built for
    this Python, and every extension is in place."""
    if not MANIFEST.exists() or reason_for_source() is not None:
        return False
    if json.loads(MANIFEST.read_text(encoding="utf-8")).get("python") != sys.implementation.cache_tag:
        return False
    return all(any(ROOT.joinpath(*m.split(".")[:-1]).glob(m.split(".")[-1] + ".*.so")) for m in MODULES)


def main() -> int:
    if os.environ.get("RASD_NATIVE", "1") == "0":
        print("build_native: RASD_NATIVE=0, using the Python sources")
        return 0
    if _up_to_date():
        print("build_native: compiled modules are up to date")
        return 0
    from mypyc.build import mypycify  # dev dependency (mypy); imported only when building
    from setuptools import setup

    MANIFEST.unlink(missing_ok=True)  # a half-finished build must not look fresh
    t0 = time.perf_counter()
    os.chdir(ROOT)
    paths = [str(Path(*m.split("."))) + ".py" for m in MODULES]
    extensions = mypycify(paths, opt_level="3", group_name=GROUP, target_dir="build/native", verbose=False)
    setup(name="rasd-native", ext_modules=extensions, script_args=[
        "-q", "build_ext", "--inplace", "--build-temp", "build/native/temp", "--build-lib", "build/native/lib"])
    MANIFEST.write_text(json.dumps({"python": sys.implementation.cache_tag, "modules": source_digests()},
                                   indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"build_native: compiled {len(MODULES)} modules in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
