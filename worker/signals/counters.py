"""Per-(region, time bucket) story counters in Redis/Valkey, for the spike detector.

Each bucket holds three SETs: the story ids (``SADD`` makes re-runs and re-ingests idempotent, and
a story counts once however many articles it has), ``source<TAB>story`` pairs, so a story can be
removed exactly, and the bucket's source names, so the distinct sources of a window are a union of
a few short sets (a busy governorate's pairs run to thousands per hour, and the detector asks for
its sources on every evaluation). Removing a story rebuilds the names from the pairs left. Buckets are by
event time (the story's published time, clamped by the caller). Keys expire ``retention_days``
after their last write (relative TTL, so replaying old history still works); the detector's
baseline lives in the database, so Redis only needs the recent buckets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

import redis

from worker.keys import SIGNAL_PREFIX
from worker.settings import Settings

SEP = "\t"
# Names of a bucket's sources from the pairs left after a removal (atomic: an add cannot slip between).
_REBUILD_NAMES = """
local members = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[2])
for _, m in ipairs(members) do
  redis.call('SADD', KEYS[2], string.match(m, '^([^\t]*)'))
end
if #members > 0 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
return #members
"""
# One region's additions of a batch (a script per region keeps every key on the region's hash tag):
# KEYS = the bucket index, then (stories, pairs, names) of each bucket; ARGV = ttl, then per bucket:
# bucket, then stories, pairs and names, each a count followed by the members. Returns 1 when a
# story or a (source, story) pair was new. One call instead of ~40 pipelined commands per region.
_ADD_REGION = """
local ttl = ARGV[1]
local a, changed = 2, 0
local function add(key, n)
  local added = 0
  local i = a
  while i < a + n do
    local j = math.min(i + 499, a + n - 1)
    added = added + redis.call('SADD', key, unpack(ARGV, i, j))
    i = j + 1
  end
  a = a + n
  redis.call('EXPIRE', key, ttl)
  return added
end
for k = 2, #KEYS, 3 do
  local b = ARGV[a]
  a = a + 1
  local n = tonumber(ARGV[a]); a = a + 1
  if add(KEYS[k], n) > 0 then changed = 1 end
  n = tonumber(ARGV[a]); a = a + 1
  if add(KEYS[k + 1], n) > 0 then changed = 1 end
  n = tonumber(ARGV[a]); a = a + 1
  add(KEYS[k + 2], n)
  redis.call('ZADD', KEYS[1], b, b)
end
redis.call('EXPIRE', KEYS[1], ttl)
return changed
"""
# One region's non-empty buckets in a range and their story counts, flattened {bucket, count, ...}.
# No KEYS: each key is built from ARGV[1], the region's prefix, whose hash tag keeps them on one node
# (as worker/dedup/assign.lua). ARGV = prefix, first bucket, last bucket.
_NONZERO = """
local out = {}
for _, b in ipairs(redis.call('ZRANGEBYSCORE', ARGV[1] .. 'buckets', ARGV[2], ARGV[3])) do
  local n = redis.call('SCARD', ARGV[1] .. b .. ':stories')
  if n > 0 then
    out[#out + 1] = tonumber(b)
    out[#out + 1] = n
  end
end
return out
"""
# One region's source names per bucket (ARGV = prefix, buckets...): a bucket written before the names
# sets existed has only pairs, whose names are read from them. One list per bucket, in order.
_NAMES_PER_BUCKET = """
local out = {}
for i = 2, #ARGV do
  local names = redis.call('SMEMBERS', ARGV[1] .. ARGV[i] .. ':source_names')
  if #names == 0 then
    local seen = {}
    for _, m in ipairs(redis.call('SMEMBERS', ARGV[1] .. ARGV[i] .. ':sources')) do
      local n = string.match(m, '^([^	]*)')
      if not seen[n] then
        seen[n] = true
        names[#names + 1] = n
      end
    end
  end
  out[#out + 1] = names
end
return out
"""
# Distinct source names over buckets; KEYS = names, pairs of each bucket. A bucket written before the
# names sets existed has only pairs: its names are read from them.
_SOURCE_NAMES = """
local names = {}
for i = 1, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    for _, n in ipairs(redis.call('SMEMBERS', KEYS[i])) do names[n] = true end
  else
    for _, m in ipairs(redis.call('SMEMBERS', KEYS[i + 1])) do names[string.match(m, '^([^\t]*)')] = true end
  end
end
local out = {}
for n in pairs(names) do out[#out + 1] = n end
return out
"""


def bucket_of(ts: datetime | float, bucket_seconds: int = 3600) -> int:
    """Bucket index of an event time (aware datetime or epoch seconds)."""
    seconds = ts.timestamp() if isinstance(ts, datetime) else float(ts)
    return math.floor(seconds / bucket_seconds)


def _s(value: bytes | str) -> str:
    """Members as text whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else value


def bucket_start(index: int, bucket_seconds: int = 3600) -> datetime:
    return datetime.fromtimestamp(index * bucket_seconds, tz=UTC)


class SignalCounters:
    """Adapter over a redis-py client; every method is one round trip (pipelined)."""

    def __init__(
        self,
        client: redis.Redis,
        bucket_seconds: int = 3600,
        retention_days: int = 30,
        prefix: str = SIGNAL_PREFIX,
    ) -> None:
        self.r = client
        self.bucket_seconds = bucket_seconds
        self.ttl = int(retention_days * 86400)
        self.prefix = prefix
        self._rebuild_names = client.register_script(_REBUILD_NAMES)
        self._source_names = client.register_script(_SOURCE_NAMES)
        self._add_region = client.register_script(_ADD_REGION)
        self._nonzero = client.register_script(_NONZERO)
        self._names_per_bucket = client.register_script(_NAMES_PER_BUCKET)

    @classmethod
    def from_settings(cls, client: redis.Redis, settings: Settings) -> SignalCounters:
        """The counters as configured (RASD_BUCKET_SECONDS, RASD_SIGNAL_RETENTION_DAYS)."""
        return cls(client, bucket_seconds=settings.bucket_seconds, retention_days=settings.signal_retention_days)

    # --- evaluation generations: let the live path skip evaluations another one already covered ---
    def bump_generation(self) -> int:
        """Call after counting a batch: the number every later evaluation is at or past."""
        return int(self.r.incr(f"{self.prefix}:generation"))

    def generation(self) -> int:
        return self._int(f"{self.prefix}:generation")

    def evaluated_generation(self, region_key: str) -> int:
        """Generation read by the region's last completed evaluation before it read any count."""
        return self._int(f"{self.prefix}:{{{region_key}}}:evaluated")

    def _int(self, key: str) -> int:
        value = self.r.get(key)
        return int(value) if value is not None else 0

    def mark_evaluated(self, region_key: str, generation: int) -> None:
        self.mark_evaluated_many([region_key], generation)

    def generations(self, region_keys: Sequence[str]) -> tuple[int, dict[str, int]]:
        """The current generation and each region's :meth:`evaluated_generation`, in one round trip."""
        pipe = self.r.pipeline(transaction=False)
        pipe.get(f"{self.prefix}:generation")
        for rk in region_keys:
            pipe.get(f"{self.prefix}:{{{rk}}}:evaluated")
        current, *evaluated = (int(v) if v is not None else 0 for v in pipe.execute())
        return current, dict(zip(region_keys, evaluated, strict=True))

    def mark_evaluated_many(self, region_keys: Iterable[str], generation: int) -> None:
        pipe = self.r.pipeline(transaction=False)
        for rk in region_keys:
            pipe.set(f"{self.prefix}:{{{rk}}}:evaluated", generation, ex=self.ttl)
        pipe.execute()

    def bucket_of(self, ts: datetime | float) -> int:
        return bucket_of(ts, self.bucket_seconds)

    def _region_prefix(self, region_key: str) -> str:
        return f"{self.prefix}:{{{region_key}}}:"

    def _stories_key(self, region_key: str, bucket: int) -> str:
        return f"{self.prefix}:{{{region_key}}}:{bucket}:stories"

    def _pairs_key(self, region_key: str, bucket: int) -> str:
        return f"{self.prefix}:{{{region_key}}}:{bucket}:sources"

    def _names_key(self, region_key: str, bucket: int) -> str:
        return f"{self.prefix}:{{{region_key}}}:{bucket}:source_names"

    def _index_key(self, region_key: str) -> str:
        """Sorted set of the region's buckets that ever held a story (score = bucket)."""
        return f"{self.prefix}:{{{region_key}}}:buckets"

    def add_story(self, region_keys: Iterable[str], story_id: str, source: str, event_ts: datetime | float) -> list[str]:
        """Count ``story_id`` (reported by ``source``) in each region's bucket; return regions that changed.

        Idempotent: adding the same (story, source) again changes nothing and returns ``[]``.
        """
        keys = list(dict.fromkeys(region_keys))
        changed = self.add_stories([(keys, story_id, source, event_ts)])
        return [rk for rk in keys if rk in changed]

    def add_stories(self, entries: Iterable[tuple[Sequence[str], str, str, datetime | float]]) -> set[str]:
        """:meth:`add_story` for many (region_keys, story_id, source, event_ts) in one round trip.

        Members are grouped per (region, bucket), and each region's buckets are written by one
        script call (:data:`_ADD_REGION`): a replay batch of 200 articles costs one command per
        region it touches instead of six per (region, bucket) (docs/alerting.md, replay cost).
        """
        grouped: dict[tuple[str, int], tuple[set[str], set[str], set[str]]] = {}
        for region_keys, story_id, source, event_ts in entries:
            b = self.bucket_of(event_ts)
            for rk in region_keys:
                stories, pairs, names = grouped.setdefault((rk, b), (set(), set(), set()))
                stories.add(story_id)
                pairs.add(f"{source}{SEP}{story_id}")
                names.add(source)
        if not grouped:
            return set()
        per_region: dict[str, tuple[list[str], list[str | int]]] = {}
        for (rk, b), (stories, pairs, names) in grouped.items():
            keys, args = per_region.setdefault(rk, ([self._index_key(rk)], [self.ttl]))
            keys += [self._stories_key(rk, b), self._pairs_key(rk, b), self._names_key(rk, b)]
            args.append(b)
            for members in (stories, pairs, names):
                args.append(len(members))
                args.extend(sorted(members))
        pipe = self.r.pipeline(transaction=False)
        for keys, args in per_region.values():
            self._add_region(keys=keys, args=args, client=pipe)
        return {rk for rk, changed in zip(per_region, pipe.execute(), strict=True) if changed}

    def remove_story(self, region_keys: Iterable[str], story_id: str, event_ts: datetime | float) -> list[str]:
        """Undo :meth:`add_story` for these regions (e.g. a re-process changed the story's regions)."""
        keys = list(dict.fromkeys(region_keys))
        if not keys:
            return []
        b = self.bucket_of(event_ts)
        pipe = self.r.pipeline(transaction=False)
        for rk in keys:
            pipe.smembers(self._pairs_key(rk, b))
        pairs = pipe.execute()
        suffix = f"{SEP}{story_id}"
        for rk, members in zip(keys, pairs, strict=True):
            pipe.srem(self._stories_key(rk, b), story_id)
            mine = [m for m in members if _s(m).endswith(suffix)]
            if mine:
                pipe.srem(self._pairs_key(rk, b), *mine)
        for rk in keys:
            self._rebuild_names(keys=[self._pairs_key(rk, b), self._names_key(rk, b)], args=[self.ttl], client=pipe)
        res = pipe.execute()
        changed, i = [], 0
        for rk, members in zip(keys, pairs, strict=True):
            removed = res[i]
            i += 1
            if any(_s(m).endswith(suffix) for m in members):
                i += 1
            if removed:
                changed.append(rk)
        return changed

    def counts(self, region_key: str, start_bucket: int, end_bucket: int) -> list[int]:
        """Stories per bucket for ``start_bucket..end_bucket`` inclusive (zeros where empty)."""
        if end_bucket < start_bucket:
            return []
        pipe = self.r.pipeline(transaction=False)
        for b in range(start_bucket, end_bucket + 1):
            pipe.scard(self._stories_key(region_key, b))
        return [int(x) for x in pipe.execute()]

    def nonzero_counts(self, region_key: str, start_bucket: int, end_bucket: int) -> dict[int, int]:
        """{bucket: stories} for the non-empty buckets in the range (two round trips, however long
        the range): what a long replay sweep needs without one SCARD per hour."""
        return self.nonzero_counts_many({region_key: (start_bucket, end_bucket)})[region_key]

    def nonzero_counts_many(self, ranges: dict[str, tuple[int, int]]) -> dict[str, dict[int, int]]:
        """:meth:`nonzero_counts` of many regions in one round trip (a script call per region, not a
        SCARD per bucket)."""
        wanted = {rk: r for rk, r in ranges.items() if r[1] >= r[0]}
        out: dict[str, dict[int, int]] = {rk: {} for rk in ranges}
        if not wanted:
            return out
        pipe = self.r.pipeline(transaction=False)
        for rk, (start, end) in wanted.items():
            self._nonzero(args=[self._region_prefix(rk), start, end], client=pipe)
        for rk, flat in zip(wanted, pipe.execute(), strict=True):
            out[rk] = {int(flat[i]): int(flat[i + 1]) for i in range(0, len(flat), 2)}
        return out

    def sources(self, region_key: str, buckets: Sequence[int] | range) -> int:
        """Distinct sources over the stories in ``buckets``."""
        return len(self.source_names(region_key, buckets))

    def sources_many(self, windows: Mapping[str, Sequence[int] | range]) -> dict[str, int]:
        """:meth:`sources` of many regions' windows in one round trip."""
        pipe = self.r.pipeline(transaction=False)
        asked = [rk for rk, buckets in windows.items() if len(buckets)]
        for rk in asked:
            self._source_names(keys=self._source_keys(rk, windows[rk]), client=pipe)
        found = dict(zip(asked, pipe.execute(), strict=True)) if asked else {}
        return {rk: len(found.get(rk) or []) for rk in windows}

    def source_masks_many(self, wanted: Mapping[str, Sequence[int]]) -> dict[str, dict[int, int]]:
        """Each bucket's sources as a bitmask (one bit per source name), for many regions in one
        round trip (a script call per region): a window's distinct sources are then the popcount of
        an OR, computed locally."""
        pipe = self.r.pipeline(transaction=False)
        asked = [rk for rk, buckets in wanted.items() if buckets]
        for rk in asked:
            self._names_per_bucket(args=[self._region_prefix(rk), *wanted[rk]], client=pipe)
        replies = dict(zip(asked, pipe.execute(), strict=True)) if asked else {}
        bit: dict[str, int] = {}
        out: dict[str, dict[int, int]] = {rk: {} for rk in wanted}
        for rk in asked:
            for b, names in zip(wanted[rk], replies[rk], strict=True):
                mask = 0
                for n in names:
                    mask |= 1 << bit.setdefault(_s(n), len(bit))
                out[rk][b] = mask
        return out

    def source_names(self, region_key: str, buckets: Sequence[int] | range) -> list[str]:
        if len(buckets) == 0:
            return []
        return sorted(_s(n) for n in self._source_names(keys=self._source_keys(region_key, buckets)))

    def _source_keys(self, region_key: str, buckets: Sequence[int] | range) -> list[str]:
        return [k for b in buckets for k in (self._names_key(region_key, b), self._pairs_key(region_key, b))]

    def story_ids(self, region_key: str, buckets: Sequence[int] | range) -> list[str]:
        """Story ids in ``buckets`` (sorted), for building the alert payload."""
        if len(buckets) == 0:
            return []
        members = self.r.sunion([self._stories_key(region_key, b) for b in buckets])
        return sorted(_s(m) for m in members)
