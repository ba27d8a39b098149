"""Entity errors by class on the inner dev split, before and after the span corrections.

Trains the inner-split CRF and window network as ``bench/ner.py --dev --net`` does (or reads
``--model M.tsv``, with ``M.npz`` beside it when present), tags the dev sentences in blocks of 20 as
documents, and prints one JSON object: CoNLL scores and error counts per type and class
(``worker.extract.ner.conll.error_classes``) with the consistency step alone and with
``worker.extract.ner.spans.refine`` after it, and how many spans the corrections changed (exact
gold spans gained / lost). ``--show`` writes the changed spans to stderr to read (never commit
them: they are ANERcorp text).

``--rnn-seeds 1 2 …`` adds the shipped recurrent layer (scan, H = 256) trained with each seed in turn
and prints one object per seed (the corrections judged with the whole shipped combination).

Run: ``.venv/bin/python bench/ner_errors.py [../shared/data/anercorp/train.txt] [--model M.tsv]``
(about 5–10 minutes with training, ~3 more per recurrent seed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.extract.ner.conll import Sentence, error_classes, read, score, spans  # noqa: E402
from worker.extract.ner.consistency import propagate  # noqa: E402
from worker.extract.ner.resources import build_resources  # noqa: E402
from worker.extract.ner.spans import refine  # noqa: E402
from worker.extract.ner.tagger import Tagger, load_weights  # noqa: E402
from worker.extract.ner.window import WindowNet, load_net  # noqa: E402

BLOCK = 20


def counts(gold: list[list[str]], pred: list[list[str]]) -> dict[str, dict[str, int]]:
    c: Counter[tuple[str, str]] = Counter(e for g, p in zip(gold, pred, strict=True) for e in error_classes(g, p))
    out: dict[str, dict[str, int]] = {}
    for (t, cls), n in sorted(c.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
        out.setdefault(t, {})[cls] = n
    return out


def compare(tagger: Tagger, dev: list[Sentence], show: bool) -> dict[str, Any]:
    """Scores and error classes of ``dev`` with the consistency step alone and with the corrections."""
    gold: list[list[str]] = []
    before: list[list[str]] = []
    after: list[list[str]] = []
    for i in range(0, len(dev), BLOCK):
        block = dev[i : i + BLOCK]
        words = [[t for t, _ in s] for s in block]
        flat = [x for s in words for x in s]
        old = propagate(flat, tagger._labels(words))
        new = refine(flat, old)
        k = 0
        for s in block:
            gold.append([t for _, t in s])
            before.append(old[k : k + len(s)])
            after.append(new[k : k + len(s)])
            k += len(s)
    gained = lost = changed = 0
    for s, g, p0, p1 in zip(dev, gold, before, after, strict=True):
        gs, a0, a1 = spans(g), spans(p0), spans(p1)
        changed += len(a0 ^ a1)
        gained += len((a1 - a0) & gs)
        lost += len((a0 - a1) & gs)
        if show:
            for sign, diff in (("-", a0 - a1), ("+", a1 - a0)):
                for x, y, t in sorted(diff):
                    print(sign, t, " ".join(w for w, _ in s[x:y]), "(gold)" if (x, y, t) in gs else "", file=sys.stderr)
    return {"dev": len(dev), "doc_block": BLOCK,
            "scores_before": score(gold, before), "scores_after": score(gold, after),
            "errors_before": counts(gold, before), "errors_after": counts(gold, after),
            "refine": {"spans_changed": changed, "gold_spans_gained": gained, "gold_spans_lost": lost}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, nargs="?", default=ROOT.parent / "shared/data/anercorp/train.txt")
    ap.add_argument("--model", type=Path, help="a model.tsv trained on the inner split (skips training)")
    ap.add_argument("--show", action="store_true", help="changed spans to stderr")
    ap.add_argument("--rnn-seeds", type=int, nargs="+", help="add the shipped scan layer, trained with each seed")
    a = ap.parse_args()
    sents = read(a.path)
    first = sents[: int(len(sents) * 0.9)]
    inner = int(len(first) * 0.85)
    train, dev = first[:inner], first[inner:]
    res = build_resources()
    if a.model:
        labels, trans, state = load_weights(a.model)
        net = load_net(a.model.with_suffix(".npz"))
    else:
        from worker.extract.ner.net_train import SEED, fit_ensemble
        from worker.extract.ner.train import fit

        w = fit(train, res)
        labels, trans, state = w.labels, w.transitions, w.state
        net = WindowNet(fit_ensemble(train, res, w.labels, (SEED,)))
    tagger = Tagger(labels, trans, state, res, net=net)
    if not a.rnn_seeds:
        print(json.dumps(compare(tagger, dev, a.show), ensure_ascii=False))
        return
    from worker.extract.ner.recurrent import ScanNet
    from worker.extract.ner.rnn_train import fit_rnn

    for seed in a.rnn_seeds:
        scan = ScanNet(fit_rnn(train, res, labels, seed=seed, threads=1, cell="scan", hidden=256))
        tagger = Tagger(labels, trans, state, res, net=net, rnn=scan)
        print(json.dumps({"rnn_seed": seed, **compare(tagger, dev, a.show)}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
