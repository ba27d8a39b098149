"""Dedup throughput and memory: clean + fingerprint + Redis LSH assign on ~300-word Arabic articles.

Prints one JSON object: per-stage cost, end-to-end articles/s (client CPU on one core, and wall;
batched round trips, with assign_many per batch and with assign_batches overlapping the client's
work with Redis's), Redis bytes per indexed article, rensa vs datasketch (speed and accuracy), and
the shingle-size measurement behind fingerprint.SHINGLE. Run: .venv/bin/python bench/dedup.py
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import redis  # noqa: E402
from datasketch import MinHash  # noqa: E402
from rensa import RMinHash  # noqa: E402

from bench._calibration import code_variant, reference_ms  # noqa: E402
from tests.unit.syndication import base_articles, different_event_pairs, sibling, syndicated  # noqa: E402
from worker.broker import EmbeddedValkey  # noqa: E402
from worker.dedup.fingerprint import (  # noqa: E402
    DEFAULT_BANDS,
    DEFAULT_ROWS,
    SEED,
    SHINGLE,
    Fingerprint,
    _digest,
    band_keys,
    candidate_probability,
    compact,
    fingerprint,
    shingles,
    similarity,
)
from worker.dedup.index import DedupIndex  # noqa: E402
from worker.text.clean import clean_article  # noqa: E402

BATCH = 100
ROUNDS = 5


def _corpus() -> tuple[list[str], list[str]]:
    """Unique stories (other events of every base kind/town) and syndicated copies of the bases."""
    bases = base_articles()
    unique = [sibling(a, s).text for a in bases for s in range(40)]  # 1200 distinct events
    copies = [syndicated(a, s) for a in bases for s in range(20)]  # 600 copies
    return unique, copies


def _timed(fn, items):  # type: ignore[no-untyped-def]
    """Median wall and CPU seconds of ROUNDS passes (the machine is shared: one pass is noise)."""
    walls, cpus = [], []
    for _ in range(ROUNDS):
        t0, c0 = time.perf_counter(), time.process_time()
        out = [fn(x) for x in items]
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return out, statistics.median(walls), statistics.median(cpus)


def _end_to_end(client: redis.Redis, everything: list[str], overlap: bool, reuse: bool) -> dict[str, float]:
    """raw text → clean → fingerprint → Lua assign, BATCH articles per round trip, one process.

    ``overlap``: DedupIndex.assign_batches, which cleans and fingerprints batch k+1 while Redis runs
    batch k; otherwise assign_many per batch (client and server time add up). ``reuse``: the index
    is given clean_article's result, whose matching form the fingerprint reuses; otherwise its
    ``.text`` (what worker/services/process.py passes today). Median of ROUNDS.
    """
    index = DedupIndex(client)
    now = time.time()

    def batches():  # type: ignore[no-untyped-def]
        for i in range(0, len(everything), BATCH):
            yield [(i + k + 1, clean_article(t) if reuse else clean_article(t).text, now)
                   for k, t in enumerate(everything[i:i + BATCH])]

    walls, cpus, luas, stories = [], [], [], set()
    for _ in range(ROUNDS):
        client.flushall(asynchronous=False)
        client.config_resetstat()
        t0, c0 = time.perf_counter(), time.process_time()
        if overlap:
            decisions = [d for ds in index.assign_batches(batches(), now=now) for d in ds]
        else:
            decisions = [d for batch in batches() for d in index.assign_many(batch, now=now)]
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        luas.append(float(client.info("commandstats")["cmdstat_evalsha"]["usec"]) / len(everything))
        stories.add(len({d.story_id for d in decisions}))
    n = len(everything)
    return {"articles_per_s_wall": round(n / statistics.median(walls), 1),
            "articles_per_s_cpu": round(n / statistics.median(cpus), 1),
            "server_lua_us_per_article": round(statistics.median(luas), 1),
            "stories_found": stories.pop() if len(stories) == 1 else -1}


def _minhash_comparison(texts: list[str]) -> dict[str, object]:
    sh = [shingles(t) for t in texts]
    res: dict[str, object] = {}
    t0 = time.process_time()
    for s in sh:
        RMinHash(128, SEED).update(s)
    res["rensa_us_per_article"] = round((time.process_time() - t0) / len(sh) * 1e6, 1)
    t0 = time.process_time()
    for s in sh:
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([x.encode() for x in s])
    res["datasketch_us_per_article"] = round((time.process_time() - t0) / len(sh) * 1e6, 1)
    # accuracy: estimated vs true Jaccard of shingle sets on pairs across the whole range of similarity
    errs: dict[str, list[float]] = {"rensa_32bit": [], "rensa_4bit_stored": [], "datasketch": []}
    pairs = [(sh[i], sh[i + 1]) for i in range(0, len(sh) - 1, 2)]
    for a, b in pairs:
        sa, sb = set(a), set(b)
        true = len(sa & sb) / len(sa | sb)
        ra, rb = RMinHash(128, SEED), RMinHash(128, SEED)
        ra.update(a)
        rb.update(b)
        errs["rensa_32bit"].append(ra.jaccard(rb) - true)
        errs["rensa_4bit_stored"].append(similarity(compact(list(ra.digest())), compact(list(rb.digest()))) - true)
        da, db = MinHash(num_perm=128, seed=1), MinHash(num_perm=128, seed=1)
        da.update_batch([x.encode() for x in a])
        db.update_batch([x.encode() for x in b])
        errs["datasketch"].append(da.jaccard(db) - true)
    res["pairs"] = len(pairs)
    res["true_jaccard_median"] = round(statistics.median(
        len(set(a) & set(b)) / len(set(a) | set(b)) for a, b in pairs), 3)
    for k, v in errs.items():
        res[f"{k}_rmse"] = round((sum(e * e for e in v) / len(v)) ** 0.5, 4)
        res[f"{k}_bias"] = round(sum(v) / len(v), 4)
    return res


def _shingle_sizes() -> dict[str, object]:
    bases = base_articles()
    pos = [(a.text, syndicated(a, s)) for a in bases for s in range(8)]
    neg = [(a, b) for _, a, b in different_event_pairs(per_article=8)]
    clean: dict[str, str] = {}

    def c(t: str) -> str:
        if t not in clean:
            clean[t] = clean_article(t).text
        return clean[t]

    out: dict[str, object] = {}
    for size in (2, 3, 4, 5, 6):
        def sim(a: str, b: str, size: int = size) -> tuple[float, bool]:
            da, db = _digest(c(a), 128, size), _digest(c(b), 128, size)
            shared = bool(set(band_keys(da)) & set(band_keys(db)))
            return similarity(compact(da), compact(db)), shared
        ps = [sim(a, b) for a, b in pos]
        ns = [sim(a, b) for a, b in neg]
        tp = sum(s >= 0.5 and k for s, k in ps)
        fp = sum(s >= 0.5 and k for s, k in ns)
        pv, nv = sorted(s for s, _ in ps), sorted(s for s, _ in ns)
        out[str(size)] = {
            "variant_min": round(pv[0], 3), "variant_p5": round(pv[len(pv) // 20], 3),
            "different_max": round(nv[-1], 3), "different_p99": round(nv[-(len(nv) // 100) - 1], 3),
            "recall": round(tp / len(ps), 4), "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        }
    return out


def _memory(client: redis.Redis, n: int = 20_000, window: float = 7 * 86400.0) -> dict[str, object]:
    """Bytes per indexed article at a realistic volume: n distinct articles spread over one window.

    Fingerprints are random (memory does not depend on the text, and fingerprinting 20k texts would
    dominate the run); every article opens its own story, the worst case for memory.
    """
    rnd = random.Random(5)
    index = DedupIndex(client, expected_per_window=n)
    client.flushall(asynchronous=False)
    base = int(client.info("memory")["used_memory"])
    start = time.time() - window * 0.999  # articles arrive across the whole window (all slots used)
    for i in range(0, n, 500):
        items = []
        for j in range(i, min(i + 500, n)):
            fp = Fingerprint(rnd.randbytes(32).hex(), rnd.randbytes(64),
                             [bytes([b]) + rnd.randbytes(4) for b in range(DEFAULT_BANDS)])
            items.append((1_000_000 + j, fp, start + window * j / n))
        now = start + window * i / n
        index.assign_fingerprints(items, now=now)
    used = int(client.info("memory")["used_memory"]) - base
    keys = [k for k in client.scan_iter(count=1000)]
    usage = sum(int(client.memory_usage(k, samples=0) or 0) for k in keys)
    records = sum(int(client.hlen(k)) for k in keys if b":r:" in k)
    encodings: dict[str, int] = {}
    for k in keys:
        if b":r:" not in k:
            enc = client.object("encoding", k)
            name = enc.decode() if isinstance(enc, bytes) else str(enc)
            encodings[name] = encodings.get(name, 0) + 1
    client.flushall(asynchronous=False)
    return {
        "indexed_articles": n, "records_live": records, "keys": len(keys),
        "bytes_per_article_used_memory": round(used / n, 1),
        "bytes_per_article_memory_usage_sum": round(usage / n, 1),
        "target_bytes_per_article": 400, "shards": index.shards, "slot_hash_encodings": encodings,
        "bands": DEFAULT_BANDS, "rows": DEFAULT_ROWS, "signature_bytes": 64,
    }


def main() -> None:
    started = time.perf_counter()
    unique, copies = _corpus()
    everything = unique + copies
    words = [len(t.split()) for t in everything]

    cleaned, clean_wall, clean_cpu = _timed(lambda t: clean_article(t).text, everything)
    _, fp_wall, fp_cpu = _timed(fingerprint, cleaned)
    results = [clean_article(t) for t in everything]
    _, fp_reuse_wall, fp_reuse_cpu = _timed(fingerprint, results)

    tmp = Path(tempfile.mkdtemp(prefix="rasd-bench-dedup-"))
    server = EmbeddedValkey(tmp, appendonly=False).start()
    try:
        client = redis.Redis.from_url(server.url)
        memory = _memory(client)
        e2e = {name: _end_to_end(client, everything, overlap, reuse) for name, overlap, reuse in (
            ("sequential", False, False), ("overlapped", True, False), ("overlapped_reuse", True, True))}
        index = DedupIndex(client)
        now = time.time()

        # Redis side alone (fingerprints precomputed): what the server spends per article
        client.flushall()
        fps = [(i + 1, cleaned[i]) for i in range(len(everything))]
        t0 = time.perf_counter()
        for i in range(0, len(fps), BATCH):
            index.assign_many([(aid, text, now) for aid, text in fps[i:i + BATCH]], now=now)
        assign_wall = time.perf_counter() - t0
        client.close()
    finally:
        server.stop()

    n = len(everything)
    result = {
        "benchmark": "dedup",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "code": code_variant(), "loadavg_1m": round(os.getloadavg()[0], 2),
                    # calibration: ~15-20 ms on a current desktop core
                    "reference_sum_range_1e6_ms": reference_ms()},
        "articles": n, "words_median": statistics.median(words),
        "per_article_us": {
            "clean_cpu": round(clean_cpu / n * 1e6, 1), "clean_wall": round(clean_wall / n * 1e6, 1),
            "fingerprint_cpu": round(fp_cpu / n * 1e6, 1), "fingerprint_wall": round(fp_wall / n * 1e6, 1),
            "fingerprint_of_clean_result_cpu": round(fp_reuse_cpu / n * 1e6, 1),
            "fingerprint_of_clean_result_wall": round(fp_reuse_wall / n * 1e6, 1),
            "assign_many_incl_fingerprint_wall": round(assign_wall / n * 1e6, 1),
        },
        "end_to_end": {
            **e2e, "rounds": ROUNDS,
            "batch": BATCH, "target_articles_per_s": 2000,
            "stories_expected": len(unique) + len(base_articles()),
        },
        "redis_memory": memory,
        "lsh": {"candidate_probability": {str(j): round(candidate_probability(j), 3)
                                          for j in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)}},
        "minhash_libraries": _minhash_comparison(cleaned[:400]),
        "shingle_size": {"chosen": SHINGLE, "by_size": _shingle_sizes()},
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
