"""Entity tagger accuracy on a CoNLL file (ANERcorp train split): held-out 10% and k-fold CV.

Trains on the first 90% of the sentences and scores the last 10% (entity level, exact span and
type, as conlleval), printing one JSON object: per-type and micro P/R/F1, tagging speed
(tokens/s, one core, CPU time) and training time. ``--dev`` scores the inner dev split instead:
train on the first 85% of the first 90%, score the rest of it (a contiguous block, so documents
rarely straddle; what tuning uses, the last 10% stays untouched). ``--cv K`` adds K-fold
cross-validation inside the first 90%; ``--grid`` tunes c1/c2 by that CV only.

ANERcorp marks no document boundaries; the tagger treats each text as one document (spans repeat
at their other mentions, ``worker.extract.ner.consistency``), so test sentences are tagged in
blocks of ``--doc-block`` (20) consecutive sentences, about one news article; ``--doc-block 1``
scores sentences alone.

``--net`` adds the window network (``worker.extract.ner.window``; training needs torch);
``--seeds 1 2`` trains one network per seed and merges them into one (an ensemble).
``--rnn`` adds a bidirectional recurrent layer (``worker.extract.ner.recurrent``; torch): ``--rnn-cell``
gru or scan, ``--rnn-hidden`` H per direction, seed ``--rnn-seed``.
``--augment K`` adds K rounds of mention-replaced copies of the training part only
(``bench._ner_augment``; each mention replaced with probability ``--augment-p``), for the
models named by ``--augment-for`` (crf, net, rnn; all three unless told).

Run: ``.venv/bin/python bench/ner.py [../shared/data/anercorp/train.txt] [--dev] [--net] [--cv 5]``
(about 2 minutes, 5–10 more with ``--net``; ``--cv 5`` about 6 more).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._ner_augment import augment  # noqa: E402
from worker.extract.ner.conll import Sentence, error_classes, read, score  # noqa: E402
from worker.extract.ner.features import Resources  # noqa: E402
from worker.extract.ner.resources import build_resources, list_memberships  # noqa: E402
from worker.extract.ner.tagger import Tagger  # noqa: E402
from worker.extract.ner.train import C1, C2, ITERATIONS, fit  # noqa: E402
from worker.extract.ner.window import WindowNet  # noqa: E402

DOC_BLOCK = 20


def tag_blocks(tagger: Tagger, words: list[list[str]], block: int) -> list[list[str]]:
    """Labels of ``words`` tagged ``block`` sentences at a time, each block one document."""
    out: list[list[str]] = []
    for i in range(0, len(words), block):
        out.extend(tagger.tag_tokens(words[i : i + block], document=True))
    return out


def run(train: list[Sentence], test: list[Sentence], res: Resources, c1: float, c2: float,
        iterations: int, block: int = DOC_BLOCK, net: bool = False,
        seeds: tuple[int, ...] | None = None, rnn_seed: int | None = None,
        rnn_options: dict[str, Any] | None = None, augmented: list[Sentence] | None = None,
        augmented_for: tuple[str, ...] = ("crf", "net", "rnn")) -> dict[str, Any]:
    """Train on ``train`` (each model in ``augmented_for`` on ``train + augmented``) and score ``test``."""
    def part(model: str) -> list[Sentence]:
        return train + augmented if augmented and model in augmented_for else train

    t0 = time.process_time()
    w = fit(part("crf"), res, c1, c2, iterations)
    train_s = time.process_time() - t0
    window = None
    net_s = 0.0
    if net:
        from worker.extract.ner.net_train import SEED, fit_ensemble

        t0, w0 = time.process_time(), time.perf_counter()
        window = WindowNet(fit_ensemble(part("net"), res, w.labels, seeds or (SEED,)))
        net_s, net_wall = time.process_time() - t0, time.perf_counter() - w0
    rnn = None
    if rnn_seed is not None:
        from worker.extract.ner.recurrent import RecurrentNet, ScanNet
        from worker.extract.ner.rnn_train import fit_rnn

        t0, w0 = time.process_time(), time.perf_counter()
        arrays = fit_rnn(part("rnn"), res, w.labels, seed=rnn_seed, threads=1, **(rnn_options or {}))
        rnn = ScanNet(arrays) if "lin" in arrays else RecurrentNet(arrays)
        rnn_s, rnn_wall = time.process_time() - t0, time.perf_counter() - w0
    tagger = Tagger(w.labels, w.transitions, w.state, res, net=window, rnn=rnn)
    words = [[t for t, _ in s] for s in test]
    tag_blocks(tagger, words, block)  # warm the per-word cache once, as a long-running worker has it
    speeds = []
    pred: list[list[str]] = []
    for _ in range(3):
        tagger._reset()
        t0 = time.process_time()
        pred = tag_blocks(tagger, words, block)
        speeds.append(sum(map(len, words)) / max(time.process_time() - t0, 1e-9))
    warm = []
    for _ in range(3):
        t0 = time.process_time()
        tag_blocks(tagger, words, block)
        warm.append(sum(map(len, words)) / max(time.process_time() - t0, 1e-9))
    gold = [[t for _, t in s] for s in test]
    out = score(gold, pred)
    # gold entities no predicted span overlaps: what training on unseen names should lower
    missed: dict[str, int] = {}
    for g, q in zip(gold, pred, strict=True):
        for typ, cls in error_classes(g, q):
            if cls == "missed":
                missed[typ] = missed.get(typ, 0) + 1
    extra = {"net_train_cpu_s": round(net_s, 1), "net_train_wall_s": round(net_wall, 1)} if net else {}
    if rnn is not None:
        extra.update(rnn_train_cpu_s=round(rnn_s, 1), rnn_train_wall_s=round(rnn_wall, 1))
    return {"scores": out, "missed": missed, "train_s": round(train_s, 1), **extra,
            "tokens_per_s_cold_cache": round(statistics.median(speeds)),
            "tokens_per_s_warm_cache": round(statistics.median(warm)),
            "features": len({a for a, _ in w.state})}


def cross_validate(sents: list[Sentence], k: int, res: Resources, c1: float, c2: float,
                   iterations: int, block: int = DOC_BLOCK) -> dict[str, Any]:
    folds = [sents[i::k] for i in range(k)]  # interleaved: every fold spans the whole file
    per: list[dict[str, Any]] = []
    for i in range(k):
        train = [s for j, f in enumerate(folds) if j != i for s in f]
        per.append(run(train, folds[i], res, c1, c2, iterations, block)["scores"])
    keys = per[0].keys()
    return {t: {m: round(statistics.mean(p[t][m] for p in per), 4) for m in ("p", "r", "f1")} for t in keys}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, nargs="?", default=ROOT.parent / "shared/data/anercorp/train.txt")
    ap.add_argument("--cv", type=int, default=0, help="K-fold CV inside the first 90%%")
    ap.add_argument("--dev", action="store_true", help="score the inner dev split, not the last 10%%")
    ap.add_argument("--doc-block", type=int, default=DOC_BLOCK, help="sentences per document when tagging")
    ap.add_argument("--grid", action="store_true", help="tune c1/c2 by CV only (no held-out score)")
    ap.add_argument("--c1", type=float, default=C1)
    ap.add_argument("--c2", type=float, default=C2)
    ap.add_argument("--iterations", type=int, default=ITERATIONS)
    ap.add_argument("--net", action="store_true", help="add the window network (torch: the ner-train extra)")
    ap.add_argument("--seeds", type=int, nargs="+", help="network seeds, several: their networks merged")
    ap.add_argument("--rnn", action="store_true", help="add the recurrent network (torch: the ner-train extra)")
    ap.add_argument("--rnn-seed", type=int, default=1, help="the recurrent network's seed")
    ap.add_argument("--rnn-cell", choices=("gru", "scan"), default="gru")
    ap.add_argument("--rnn-hidden", type=int, default=64, help="the recurrent layer's size per direction")
    ap.add_argument("--no-clusters", action="store_true", help="ablation: no word clusters")
    ap.add_argument("--no-lists", action="store_true", help="ablation: no gazetteer/actor/title/name lists")
    ap.add_argument("--contexts", type=Path, help="add context flags from this tools/build_contexts.py file (and ORGHEAD)")
    ap.add_argument("--no-names", action="store_true", help="ablation: no personal-name list (NAME flags)")
    ap.add_argument("--augment", type=int, default=0, help="K rounds of mention-replaced training copies")
    ap.add_argument("--augment-p", type=float, default=1.0, help="each mention's chance of replacement")
    ap.add_argument("--augment-seed", type=int, default=1)
    ap.add_argument("--augment-for", nargs="+", choices=("crf", "net", "rnn"), default=["crf", "net", "rnn"],
                    help="the models trained on the augmented copies too")
    a = ap.parse_args()
    sents = read(a.path)
    cut = int(len(sents) * 0.9)
    first, last = sents[:cut], sents[cut:]
    res = build_resources(contexts=a.contexts)
    if a.no_clusters or a.no_lists:
        res = Resources({} if a.no_clusters else res.clusters, {} if a.no_lists else list_memberships(a.contexts))
    if a.no_names:
        res = Resources(res.clusters, {w: f for w, fl in res.lists.items() if (f := tuple(x for x in fl if x != "NAME"))})
    if a.dev:
        inner = int(len(first) * 0.85)
        first, last = first[:inner], first[inner:]
    out: dict[str, Any] = {"file": a.path.name, "sentences": len(sents), "split": "dev" if a.dev else "heldout",
                           "train": len(first), "test": len(last), "c1": a.c1, "c2": a.c2,
                           "iterations": a.iterations, "doc_block": a.doc_block}
    extra = None
    if a.augment:  # the training part only: the scored sentences' names never enter training
        extra = augment(first, a.augment, a.augment_p, a.augment_seed)
        out["augment"] = {"k": a.augment, "p": a.augment_p, "seed": a.augment_seed, "added": len(extra),
                          "for": a.augment_for}
    if a.grid:
        k = a.cv or 5
        grid = {}
        for c1 in (0.0, 0.05, 0.2):
            for c2 in (0.01, 0.05, 0.2):
                grid[f"c1={c1},c2={c2}"] = cross_validate(first, k, res, c1, c2, a.iterations,
                                                          a.doc_block)["micro"]["f1"]
                print(json.dumps({f"c1={c1},c2={c2}": grid[f"c1={c1},c2={c2}"]}), file=sys.stderr)
        out["cv_grid_micro_f1"] = grid
        print(json.dumps(out, ensure_ascii=False))
        return
    if a.cv:
        out[f"cv{a.cv}"] = cross_validate(first, a.cv, res, a.c1, a.c2, a.iterations, a.doc_block)
    out["net"] = a.net
    out["rnn"] = a.rnn
    out["dev" if a.dev else "heldout"] = run(first, last, res, a.c1, a.c2, a.iterations, a.doc_block, a.net,
                                             tuple(a.seeds) if a.seeds else None, a.rnn_seed if a.rnn else None,
                                             {"cell": a.rnn_cell, "hidden": a.rnn_hidden}, extra,
                                             tuple(a.augment_for))
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
