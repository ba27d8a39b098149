"""Word clusters for the entity tagger, learned without labels from news text (deterministic).

Distributional clusters: each frequent word is described by the words seen just before and just
after it (positive PMI), reduced by a seeded randomized SVD and grouped by spherical k-means at two
granularities (coarse, fine). Same input → same file (one BLAS thread, fixed seeds, sorted output).

Usage: ``python tools/build_clusters.py ../shared/data/ant-dev/middle-east-2018-02-to-05.jsonl``
writes ``worker/extract/ner/clusters.tsv`` (words and cluster ids only, no sentences).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one thread: the same sums, the same clusters
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.extract.ner.features import TOKEN_RE  # noqa: E402
from worker.text.normalize import normalize  # noqa: E402

VOCAB, CONTEXTS, DIMS, MIN_COUNT = 30000, 1500, 80, 3
LEVELS = tuple(int(k) for k in os.environ.get("NER_LEVELS", "16,64,256,1024").split(","))  # k of each k-means, coarse to fine
WINDOW = int(os.environ.get("NER_WINDOW", "1"))  # neighbours on each side that describe a word


def _texts(path: Path) -> list[list[str]]:
    out: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        d = json.loads(line)
        for field in ("title", "summary", "content"):
            text = d.get(field) or ""
            if text:
                out.append(TOKEN_RE.findall(normalize(text)))
    return out


def _kmeans(x: np.ndarray, k: int, seed: int, iters: int = 20) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = x[rng.choice(len(x), size=k, replace=False)]
    labels = np.zeros(len(x), dtype=np.int64)
    for _ in range(iters):
        labels = np.argmax(x @ centres.T, axis=1)
        for j in range(k):
            members = x[labels == j]
            if len(members):
                c = members.sum(axis=0)
                centres[j] = c / (np.linalg.norm(c) or 1.0)
    return labels


def build(path: Path) -> list[tuple[Any, ...]]:
    docs = _texts(path)
    counts = Counter(w for d in docs for w in d)
    ranked = sorted((w for w, c in counts.items() if c >= MIN_COUNT), key=lambda w: (-counts[w], w))
    vocab = ranked[:VOCAB]
    ctx = {w: i for i, w in enumerate(ranked[:CONTEXTS])}
    row = {w: i for i, w in enumerate(vocab)}
    m = np.zeros((len(vocab), 2 * CONTEXTS), dtype=np.float32)
    for d in docs:
        for i, w in enumerate(d):
            r = row.get(w)
            if r is None:
                continue
            for k in range(1, WINDOW + 1):
                if i >= k and (c := ctx.get(d[i - k])) is not None:
                    m[r, c] += 1
                if i + k < len(d) and (c := ctx.get(d[i + k])) is not None:
                    m[r, CONTEXTS + c] += 1
    total = m.sum()
    pw = m.sum(axis=1, keepdims=True) / total
    pc = m.sum(axis=0, keepdims=True) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log((m / total) / (pw @ pc))
    ppmi = np.nan_to_num(np.maximum(pmi, 0), nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)
    rng = np.random.default_rng(17)
    q, _ = np.linalg.qr(ppmi @ rng.standard_normal((ppmi.shape[1], DIMS + 20)).astype(np.float32))
    u, s, _vt = np.linalg.svd(q.T @ ppmi, full_matrices=False)
    emb = (q @ u[:, :DIMS]) * np.sqrt(s[:DIMS])
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    levels = [_kmeans(emb, k, seed) for seed, k in enumerate(LEVELS, 1)]
    return sorted((w, *(int(lab[i]) for lab in levels)) for i, w in enumerate(vocab))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, help="news .jsonl (title/summary/content per line)")
    ap.add_argument("--out", type=Path, default=ROOT / "worker/extract/ner/clusters.tsv")
    a = ap.parse_args()
    rows = build(a.path)
    lines = [f"# word clusters (k = {LEVELS}, window {WINDOW}) from {a.path.name} by tools/build_clusters.py"]
    lines.extend("\t".join([w, *(f"{i}.{c}" for i, c in enumerate(ids))]) for w, *ids in rows)
    a.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps({"words": len(rows), "out": str(a.out)}))


if __name__ == "__main__":
    main()
