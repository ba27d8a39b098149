"""Every Redis key name and Celery queue name Rasd uses, in one place (tasks, beat, status, metrics).

Changing a name here changes what a running deployment reads: a rename is a migration, not a tidy-up.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def _minhash_algorithm() -> str:
    """rensa's release line (major.minor): signatures of two lines must never be compared, so it is
    part of the dedup index's key prefix and a mixed-version rollout keeps two separate indexes."""
    try:
        major, minor = version("rensa").split(".")[:2]
    except (PackageNotFoundError, ValueError):
        return "rensa-unknown"
    return f"rensa{major}.{minor}"


MINHASH_ALGORITHM = _minhash_algorithm()
# One hash tag for all dedup keys so a Redis Cluster keeps them on one node (the Lua script needs that).
DEDUP_PREFIX = "{rasd:dd-" + MINHASH_ALGORITHM + "}"
