"""Story assignment over a Redis/Valkey MinHash-LSH index (adapter).

Layout (all keys share the ``{rasd:dd-<minhash algorithm>}`` hash tag, :data:`worker.keys.DEDUP_PREFIX`,
so a Redis Cluster keeps them on one node and two rensa release lines never compare signatures):

* ``<p>:r:<slot>:<shard>``  hash: article id → "story:duplicate_of:similarity:published:" + 4-bit
                            signature (64 bytes). Also what makes ``assign`` idempotent.
* ``<p>:h:<slot>:<shard>``  hash: 8 bytes of content hash → first article id (exact duplicates).
* ``<p>:b:<slot>:<shard>``  hash: 5-byte band bucket → up to ``max_ids`` article ids.

Everything lives in sharded hashes per time slot (a quarter of the window) rather than one key per
article or bucket: a Redis key costs ~50-90 bytes, a field in a small (listpack) hash ~12. An
article's record and its buckets sit in the same slot and expire together, when the slot has left
the window (so an article is remembered for between 1 and 5/4 windows); memory stays bounded.
Fewer, longer slots mean fewer lookups per article: bands × (slots + 1) HGETs in the script.

The whole lookup + insert of a batch (up to SCRIPT_BATCH articles, in order) runs in one Lua script,
so of two racing copies the second always sees the first.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from worker.dedup.fingerprint import DEFAULT_BANDS, DEFAULT_ROWS, Fingerprint, fingerprint
from worker.keys import DEDUP_PREFIX
from worker.settings import Settings
from worker.text.clean import CleanResult

__all__ = ["SCRIPT_BATCH", "Decision", "DedupIndex"]

_SCRIPT = (Path(__file__).with_name("assign.lua")).read_text(encoding="utf-8")
# Articles per EVALSHA: overheads paid once, Redis held only briefly (docs/decisions/dedup-script-batch.md).
SCRIPT_BATCH = 25


@dataclass(frozen=True)
class Decision:
    story_id: int
    duplicate_of: int | None
    similarity: float
    repeated: bool = field(default=False, compare=False)  # this id had been assigned before


class DedupIndex:
    """Assigns each article to a story: the article id of the story's first article."""

    def __init__(
        self,
        client: redis.Redis,
        window_days: float = 7,
        num_perm: int = 128,
        bands: int = DEFAULT_BANDS,
        rows: int = DEFAULT_ROWS,
        threshold: float = 0.5,
        prefix: str = DEDUP_PREFIX,
        shards: int | None = None,
        slots: int = 4,
        max_ids: int = 2,
        window_seconds: float | None = None,
        expected_per_window: int = 20_000,
    ) -> None:
        self.client = client
        self.window_ms = int((window_seconds if window_seconds is not None else window_days * 86400) * 1000)
        if self.window_ms <= 0:
            raise ValueError("window must be positive")
        self.num_perm, self.bands, self.rows = num_perm, bands, rows
        self.threshold, self.prefix, self.slots = threshold, prefix, slots
        # Size the bucket hashes for ~128 fields each at the expected volume: small hashes stay
        # listpack-encoded (~12 bytes a field against ~44 in a hashtable) up to 4x that volume,
        # while few keys keep the fixed per-key overhead low.
        if shards is None:
            per_slot = max(1, expected_per_window // slots)
            shards = 1 << max(4, math.ceil(math.log2(max(1, per_slot * bands // 128))))
        self.shards = shards
        self.hshards = max(1, shards // bands)  # exact hashes: one field per article, not one per band
        self.slot_ms = max(1, self.window_ms // slots)
        self.max_ids = max_ids
        self._script = client.register_script(_SCRIPT)

    @classmethod
    def from_settings(cls, client: redis.Redis, settings: Settings) -> DedupIndex:
        """The index as configured (RASD_DEDUP_WINDOW_DAYS, _THRESHOLD, _NUM_PERM)."""
        return cls(client, window_days=settings.dedup_window_days, num_perm=settings.dedup_num_perm,
                   threshold=settings.dedup_threshold)

    def fingerprint(self, text: str | CleanResult) -> Fingerprint:
        return fingerprint(text, self.num_perm, self.bands, self.rows)

    @staticmethod
    def _shard(field: bytes, shards: int) -> int:
        return int.from_bytes(field[-4:], "little") % shards  # fields are hash bytes already

    def _args(self, items: Sequence[tuple[int, Fingerprint, float]], now: float) -> list[Any]:
        """EVALSHA arguments of assign.lua for a batch: a few packed strings, as redis-py encodes each
        argument in Python and that was most of the client's cost per article."""
        fps = [fp for _, fp, _ in items]
        width = len(fps[0].bands[0]) if fps[0].bands else 1
        nbands, siglen = len(fps[0].bands), len(fps[0].signature)
        for fp in fps:
            if len(fp.bands) != nbands or len(fp.signature) != siglen or any(len(k) != width for k in fp.bands):
                raise ValueError("fingerprints of different shapes in one batch")
        numbers = " ".join([
            repr(self.threshold), str(self.window_ms), str(int(now * 1000)), str(self.slot_ms), str(self.slots),
            str(self.max_ids),
            str(self.hshards),  # record shards: one field per article, like the exact hashes
            str(width), str(nbands), str(siglen),
        ])
        exact = [bytes.fromhex(fp.exact[:16]) for fp in fps]
        hshards, shards = self.hshards, self.shards
        band_shards = ",".join([str(int.from_bytes(key[-4:], "little") % shards) for fp in fps for key in fp.bands])
        return [self.prefix, numbers, ",".join([str(aid) for aid, _, _ in items]),
                ",".join([str(int(pub)) for _, _, pub in items]), b"".join(exact),
                ",".join([str(self._shard(e, hshards)) for e in exact]), b"".join([fp.signature for fp in fps]),
                band_shards, b"".join([key for fp in fps for key in fp.bands])]

    @staticmethod
    def _decisions(raw: Sequence[Any]) -> list[Decision]:
        out = []
        for i in range(0, len(raw), 4):
            story, dup, sim, repeated = raw[i:i + 4]
            dup_i = int(dup)
            out.append(Decision(int(story), None if dup_i < 0 else dup_i, float(sim), bool(int(repeated))))
        return out

    def assign(self, article_id: int, text: str | CleanResult, published_ts: float,
               now: float | None = None) -> Decision:
        """Story of one article (one round trip); the same id always gets the same answer within the window.

        ``text`` is the cleaned article (``clean_article(raw).text``, title included if you like, as
        long as every copy is treated alike), or ``clean_article``'s result itself, which saves
        normalising the text again; ``now`` defaults to the wall clock.
        """
        return self.assign_many([(article_id, text, published_ts)], now)[0]

    def assign_many(self, items: Iterable[tuple[int, str | CleanResult, float]],
                    now: float | None = None) -> list[Decision]:
        """Assign a batch in order, one round trip per SCRIPT_BATCH articles (copies inside the batch see
        each other)."""
        return self.assign_fingerprints([(aid, self.fingerprint(text), pub) for aid, text, pub in items], now)

    def assign_fingerprints(self, items: Iterable[tuple[int, Fingerprint, float]],
                            now: float | None = None) -> list[Decision]:
        """``assign_many`` for fingerprints computed elsewhere (e.g. to store the content hash too)."""
        return self._run(self._prepare(list(items), now))

    def assign_batches(self, batches: Iterable[Sequence[tuple[int, str | CleanResult, float]]],
                       now: float | None = None) -> Iterator[list[Decision]]:
        """``assign_many`` of each batch, in order, yielding each batch's decisions.

        Batch k+1 is taken from ``batches`` (so cleaned, if that iterable cleans lazily) and
        fingerprinted while a background thread waits for Redis to run batch k: redis-py releases
        the GIL in socket I/O, so client and server work overlap. Batch k+1 is sent only after batch
        k returned, so decisions are the same as calling ``assign_many`` on each batch in turn; a
        caller that stops early (closes the iterator) has nothing more sent.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dedup-assign") as pool:
            pending: Future[list[Decision]] | None = None
            for batch in batches:
                prepared = self._prepare([(aid, self.fingerprint(text), pub) for aid, text, pub in batch], now)
                if pending is not None:
                    yield pending.result()
                pending = pool.submit(self._run, prepared)
            if pending is not None:
                yield pending.result()

    def _prepare(self, batch: list[tuple[int, Fingerprint, float]], now: float | None) -> list[list[Any]]:
        ts = time.time() if now is None else now
        return [self._args(batch[i:i + SCRIPT_BATCH], ts) for i in range(0, len(batch), SCRIPT_BATCH)]

    def _run(self, prepared: list[list[Any]]) -> list[Decision]:
        # Script.__call__ sends EVALSHA and loads the script if the server does not have it cached.
        return [d for argv in prepared for d in self._decisions(self._script(keys=[], args=argv))]

    def record_key(self, article_id: int, now: float) -> str:
        """Key of the hash that holds the record of an article indexed at ``now``."""
        slot = int(now * 1000) // self.slot_ms
        return f"{self.prefix}:r:{slot}:{article_id % self.hshards}"

    def forget(self, article_id: int, now: float | None = None) -> None:
        """Drop an article's record (re-ingest with changed text); its bucket entries expire with the window."""
        slot = int((time.time() if now is None else now) * 1000) // self.slot_ms
        pipe = self.client.pipeline(transaction=False)
        for s in range(slot + 1, slot - self.slots - 1, -1):
            pipe.hdel(f"{self.prefix}:r:{s}:{article_id % self.hshards}", str(article_id))
        pipe.execute()
