"""Installs like a Python package: every import declared, the lock pins it, bundled data found from the package."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from worker.celery_app import load_beat_schedule
from worker.errors import ConfigError
from worker.keys import DEDUP_PREFIX, MINHASH_ALGORITHM
from worker.settings import Settings

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _third_party_imports() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "worker").rglob("*.py"):
        if "migrations" in path.parts:
            continue  # alembic's own scripts import only sqlalchemy/alembic, both declared
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in {"worker", "__future__"}}


# Training-only extras: imported inside the training functions, never when the worker runs.
TRAINING_EXTRAS = ("ner-train",)


def test_every_import_in_worker_is_a_declared_dependency() -> None:
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    declared |= {_name(r) for x in TRAINING_EXTRAS for r in PYPROJECT["project"]["optional-dependencies"][x]}
    dists = packages_distributions()
    undeclared = {}
    for module in _third_party_imports():
        names = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        if not names & declared:
            undeclared[module] = sorted(names)
    assert undeclared == {}


def test_training_extras_are_imported_only_inside_functions() -> None:
    training = {_name(r) for x in TRAINING_EXTRAS for r in PYPROJECT["project"]["optional-dependencies"][x]}
    assert training == {"torch"} and not training & {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    top_level = set()
    for path in (REPO / "worker").rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module level only
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            top_level.update((path.name, n.split(".")[0]) for n in names if n.split(".")[0] in training)
    assert top_level == set()


def test_benchmark_only_libraries_are_not_runtime_dependencies() -> None:
    runtime = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert "datasketch" not in runtime
    assert "datasketch" in {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["bench"]}


def test_constraints_pin_every_declared_dependency() -> None:
    pinned = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line):
            pinned[m.group(1).lower().replace("_", "-")] = m.group(2)
    extras = PYPROJECT["project"]["optional-dependencies"]
    wanted = {_name(r) for r in [*PYPROJECT["project"]["dependencies"], *extras["dev"], *extras["bench"]]}
    assert sorted(wanted - set(pinned)) == []
    assert pinned["rensa"].startswith("0.5.")


def test_dedup_keys_name_the_minhash_algorithm_in_use() -> None:
    from importlib.metadata import version

    major, minor = version("rensa").split(".")[:2]
    assert f"rensa{major}.{minor}" == MINHASH_ALGORITHM
    assert DEDUP_PREFIX == "{rasd:dd-" + MINHASH_ALGORITHM + "}"


def test_bundled_feed_list_and_beat_schedule_are_found_from_the_package() -> None:
    worker_dir = REPO / "worker"
    assert Settings().feeds_file == worker_dir / "schedules" / "feeds.yaml"
    schedule = load_beat_schedule(Settings())
    assert set(schedule) == {"poll_due", "dispatch_deliveries", "sample_queues", "housekeeping"}


def test_a_missing_or_empty_beat_schedule_is_an_error_not_a_smaller_schedule(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the beat schedule"):
        load_beat_schedule(Settings(), tmp_path / "absent.yaml")
    empty = tmp_path / "beat.yaml"
    empty.write_text("timezone: UTC\nbeat_schedule: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="has no entries"):
        load_beat_schedule(Settings(), empty)


def _settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url="", redis_url="", **kw)  # type: ignore[arg-type]


def test_first_start_imports_the_bundled_feed_list_silently(tmp_path: Path) -> None:
    from worker.services.setup import load_feed_file, prepare_storage
    from worker.store import feeds_repo
    from worker.store.db import make_engine

    s = _settings(tmp_path)
    assert prepare_storage(s) == []
    engine = make_engine(s.effective_database_url)
    with engine.connect() as conn:
        assert len(feeds_repo.list_feeds(conn)) == len(load_feed_file(s.feeds_file))
    engine.dispose()


def test_a_missing_or_empty_feed_list_is_said_at_start(tmp_path: Path) -> None:
    from worker.services.setup import prepare_storage

    missing = tmp_path / "nope.yaml"
    assert prepare_storage(_settings(tmp_path, feeds_file=missing)) == [
        f"feed list {missing} not found (RASD_FEEDS_FILE): no feed will be polled; add some with "
        "`rasd feeds add URL` or `rasd feeds import FILE.yaml`"]
    empty = tmp_path / "empty.yaml"
    empty.write_text("feeds: []\n", encoding="utf-8")
    assert prepare_storage(_settings(tmp_path, feeds_file=empty)) == [
        f"feed list {empty} is empty: no feed will be polled; add some with "
        "`rasd feeds add URL` or `rasd feeds import FILE.yaml`"]


def test_an_unreadable_feed_list_is_a_clear_error(tmp_path: Path) -> None:
    from worker.services.setup import load_feed_file

    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"cannot read the feed list {bad}"):
        load_feed_file(bad)
    bad.write_text("feeds: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a list of feeds"):
        load_feed_file(bad)
