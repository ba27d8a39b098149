"""Replay files into a fresh data dir and print every stored row (JSON lines), for before/after diffs.

Usage: python tools/replay_dump.py DATA_DIR FILE... > dump.jsonl

A restructuring that changes no behaviour gives the same dump before and after. Columns holding the
wall-clock time of the run (not event time) are left out, so two runs of the same code agree.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

WALL_CLOCK = {"created_at", "updated_at", "fetched_at", "processed_at", "first_seen_at", "last_seen_at",
              "claimed_at", "next_check_at", "last_fetch_at", "last_success_at", "next_attempt_at",
              "started_at", "finished_at", "delivered_at", "last_attempt_at", "expires_at", "first_seen"}


def main() -> int:
    data_dir, paths = Path(sys.argv[1]), sys.argv[2:]
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASD_")}
    env["RASD_DATA_DIR"] = str(data_dir)
    done = subprocess.run([sys.executable, "-m", "worker.cli", "replay", "--json", *paths], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return done.returncode
    engine = sa.create_engine(f"sqlite:///{data_dir / 'rasd.sqlite3'}")
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        for name in sorted(meta.tables):
            table = meta.tables[name]
            if name == "alembic_version":
                continue
            keys = [c for c in table.columns if c.name not in WALL_CLOCK]
            order = list(table.primary_key.columns) or keys
            for row in conn.execute(sa.select(*keys).order_by(*order)).mappings():
                print(json.dumps({"table": name, **{k: _plain(v) for k, v in row.items()}},
                                 ensure_ascii=False, sort_keys=True, default=str))
    engine.dispose()
    return 0


def _plain(value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):  # an alert's payload carries its wall-clock creation time
        return {k: _plain(v) for k, v in value.items() if k not in WALL_CLOCK}
    return value


if __name__ == "__main__":
    raise SystemExit(main())
