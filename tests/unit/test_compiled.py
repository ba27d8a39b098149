"""The mypyc-compiled modules (tools/build_native.py): in use after a build, identical in output to
their Python sources, and never used once a source has changed since the build."""

from __future__ import annotations

import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from worker import _compiled
from worker.dedup.fingerprint import fingerprint
from worker.pipeline import clean_and_extract

ROOT = Path(__file__).resolve().parents[2]
GOLD = Path(__file__).parent / "gold"


def parity_corpus() -> list[str]:
    """Texts of every generator the suite has: syndicated news, dense casualty news, gold sentences,
    the seed-like page, and adversarial repetitions."""
    from bench.extract_casualties import make_articles
    from tests.unit.syndication import base_articles, sibling, syndicated

    bases = base_articles()
    texts = [a.text for a in bases]
    texts += [sibling(a, s).text for a in bases for s in range(3)]
    texts += [syndicated(a, s) for a in bases for s in range(3)]
    texts += make_articles(40, casualty_share=1.0)
    for name in ("casualties.jsonl", "entities.jsonl"):
        texts += [json.loads(line)["text"] for line in (GOLD / name).read_text(encoding="utf-8").splitlines() if line]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "fixtures" / "articles").iterdir())]
    texts += ["نفت مخيم مخيم أمس ، قصف " * 400, "<p>قتل ٥ مدنيين</p>" * 300, "", "   ", "1" * 5000]
    return texts


def outputs() -> dict[str, Any]:
    """Everything the compiled group computes for the corpus, as JSON, plus where each module came from."""
    rows = []
    for raw in parity_corpus():
        cleaned, extraction = clean_and_extract(raw)
        fp = fingerprint(cleaned)
        rows.append({"clean": [cleaned.text, cleaned.removed_paragraphs, cleaned.removed_boilerplate],
                     "extraction": extraction.to_json(),
                     "fingerprint": [fp.exact, fp.signature.hex(), [b.hex() for b in fp.bands]]})
    files = {m: Path(sys.modules[m].__file__ or "").name for m in _compiled.MODULES if m in sys.modules}
    return {"rows": rows, "files": files}


# `make test` builds first, so a missing or stale build is a failure, not a skip; only a run that
# asks for the sources (RASD_NATIVE=0) has nothing compiled to check.
needs_build = pytest.mark.skipif(os.environ.get("RASD_NATIVE") == "0", reason="RASD_NATIVE=0: the sources run")


def _assert_fresh_build() -> None:
    assert _compiled.MANIFEST.exists(), "no compiled build: run make native (make test does)"
    assert _compiled.reason_for_source() is None, _compiled.reason_for_source()


@needs_build
def test_a_fresh_build_is_what_runs() -> None:
    _assert_fresh_build()
    for module in _compiled.MODULES:
        __import__(module)
    assert _compiled.compiled_modules() == list(_compiled.MODULES)
    assert _compiled.describe() == {"compiled": 22, "of": 22, "source_reason": None}


@needs_build
def test_compiled_and_python_sources_give_identical_output() -> None:
    _assert_fresh_build()
    compiled = outputs()
    env = {**os.environ, "RASD_NATIVE": "0"}
    proc = subprocess.run(
        [sys.executable, "-c", "import json, sys; from tests.unit.test_compiled import outputs; "
         "json.dump(outputs(), sys.stdout, ensure_ascii=False)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=True)
    source = json.loads(proc.stdout)
    assert set(source["files"].values()) == {Path(_compiled.source_path(m)).name for m in source["files"]}
    assert all(name.endswith(".so") for name in compiled["files"].values())
    assert len(compiled["rows"]) == len(parity_corpus()) > 250
    for i, (a, b) in enumerate(zip(compiled["rows"], source["rows"], strict=True)):
        assert a == b, f"corpus text {i} differs between compiled and Python source"


def test_a_changed_source_makes_the_whole_group_run_from_source(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = tmp_path / "_compiled.json"
    digests = _compiled.source_digests()
    manifest.write_text(json.dumps({"modules": digests}), encoding="utf-8")
    monkeypatch.setattr(_compiled, "MANIFEST", manifest)
    monkeypatch.delenv("RASD_NATIVE", raising=False)
    assert _compiled.reason_for_source() is None
    manifest.write_text(json.dumps({"modules": {**digests, "worker.text.paragraphs": "0" * 64}}), encoding="utf-8")
    assert _compiled.reason_for_source() == "sources changed since the last build (run: make native)"
    manifest.write_text("{not json", encoding="utf-8")
    assert str(_compiled.reason_for_source()).startswith("unreadable build manifest: ")
    manifest.unlink()
    assert _compiled.reason_for_source() is None  # nothing built: plain imports find the sources
    monkeypatch.setenv("RASD_NATIVE", "0")
    assert _compiled.reason_for_source() == "RASD_NATIVE=0"


def test_source_first_finder_returns_the_python_file() -> None:
    finder = _compiled.SourceFirst(["worker.text.paragraphs"])
    spec = finder.find_spec("worker.text.paragraphs", None)
    assert spec is not None
    assert isinstance(spec.loader, importlib.machinery.SourceFileLoader)
    assert spec.origin == str(ROOT / "worker" / "text" / "paragraphs.py")
    assert finder.find_spec("worker.text.clean", None) is None


def test_a_process_told_to_use_the_sources_says_so() -> None:
    proc = subprocess.run([sys.executable, "-c", "import json; from worker import _compiled; "
                           "print(json.dumps(_compiled.describe()))"], cwd=ROOT, env={**os.environ, "RASD_NATIVE": "0"},
                          capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(proc.stdout) == {"compiled": 0, "of": 22, "source_reason": "RASD_NATIVE=0"}
