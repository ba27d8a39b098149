"""The README is the contract with a new user: two commands, and every setting documented."""

from __future__ import annotations

from pathlib import Path

from worker.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_readme_lists_every_setting_with_its_default() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`RASD_{name.upper()}`" not in readme]
    assert missing == []


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "| run the whole test suite | `make test` |" in readme
    assert "| run the service (worker + beat + API on http://127.0.0.1:8080) | `make run` |" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text()
