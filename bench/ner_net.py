"""Window-network variants on the inner dev split, several seeds, one JSON line per run (issue 17d).

The CRF is trained once on the inner train split (the first 85% of the first 90%, as
``bench/ner.py --dev``; ``--crf-cache`` keeps it between runs); then, for each seed, a window
network with the given variant (``--chars`` filters of the character CNN, ``--half`` the window's
half-width), and the CRF + network is scored (also at other ``--weights``) on the inner dev split after each of the last
``--last`` epochs and with the weights of the last 2..5 epochs averaged (checkpoint averaging),
tagged in blocks of 20 sentences as ``bench/ner.py`` does. torch runs ``--threads`` threads (1:
the machine is shared). The last line is the mean over the seeds of each snapshot.

Run: ``.venv/bin/python bench/ner_net.py ../shared/data/anercorp/train.txt --seeds 1 2 3 --chars 64``
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ner import DOC_BLOCK, tag_blocks  # noqa: E402
from worker.extract.ner.conll import read, score  # noqa: E402
from worker.extract.ner.net_train import EPOCHS, HALF, fit_net  # noqa: E402
from worker.extract.ner.resources import build_resources  # noqa: E402
from worker.extract.ner.tagger import Tagger  # noqa: E402
from worker.extract.ner.train import Weights, fit  # noqa: E402
from worker.extract.ner.window import WindowNet  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--chars", type=int, default=0, help="character CNN filters (0: none)")
    ap.add_argument("--half", type=int, default=HALF, help="window half-width (2: five words)")
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--last", type=int, default=3, help="score the last N epochs' weights")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--weights", type=float, nargs="*", default=[],
                    help="also score the last epoch with these weights of the network's scores")
    ap.add_argument("--crf-cache", type=Path, help="pickle of the inner-split CRF (written when absent)")
    a = ap.parse_args()
    import torch

    torch.set_num_threads(a.threads)
    sents = read(a.path)
    first = sents[: int(len(sents) * 0.9)]
    inner = int(len(first) * 0.85)
    train, dev = first[:inner], first[inner:]
    res = build_resources()
    if a.crf_cache and a.crf_cache.exists():
        w: Weights = pickle.loads(a.crf_cache.read_bytes())
    else:
        w = fit(train, res)
        if a.crf_cache:
            a.crf_cache.write_bytes(pickle.dumps(w))
    words = [[t for t, _ in s] for s in dev]
    gold = [[t for _, t in s] for s in dev]
    wanted = {f"e{e}" for e in range(a.epochs - a.last + 1, a.epochs + 1)}
    wanted |= {f"e{a.epochs}avg{k}" for k in range(2, 6)}
    table: dict[str, list[float]] = {}

    for seed in a.seeds:
        found: dict[str, Any] = {}

        def snapshot(name: str, arrays: dict[str, np.ndarray], found: dict[str, Any] = found) -> None:
            if name not in wanted:
                return
            for weight in [None, *(a.weights if name == f"e{a.epochs}" else [])]:
                key = name if weight is None else f"{name}w{weight}"
                net = WindowNet(arrays if weight is None else dict(arrays, weight=np.array(weight, np.float32)))
                tagger = Tagger(w.labels, w.transitions, w.state, res, net=net)
                s = score(gold, tag_blocks(tagger, words, DOC_BLOCK))
                found[key] = {t: round(s[t]["f1"], 4) for t in ("micro", "PER", "ORG", "LOC", "MISC")}
                table.setdefault(key, []).append(s["micro"]["f1"])

        t0, w0 = time.process_time(), time.perf_counter()
        fit_net(train, res, w.labels, a.epochs, seed, chars=a.chars, half=a.half, average=1,
                threads=a.threads, snapshot=snapshot)
        print(json.dumps({"seed": seed, "chars": a.chars, "half": a.half, "cpu_s": round(time.process_time() - t0),
                          "wall_s": round(time.perf_counter() - w0), **found}), flush=True)
    print(json.dumps({"chars": a.chars, "half": a.half, "seeds": a.seeds,
                      "mean_micro": {k: round(statistics.mean(v), 4) for k, v in sorted(table.items())}}))


if __name__ == "__main__":
    main()
