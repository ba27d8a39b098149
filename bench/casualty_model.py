"""The learned current/background decision of the casualty extractor: figure labels, cross-validation, training.

Why: six rounds of hand rules fitted the sets they were tuned on; a decision learned from the rules'
own signals (worker/extract/casualties/features.py) is measured honestly by k-fold cross-validation
grouped by article. Texts are read from a path (they stay outside the repository); nothing here
writes text.

Labels. For every annotated article of the work set (dev … dev5, never the test set) and each kind
(killed, injured), the extractor's candidate figures (exact victim counts of the kind) are read with
the rules' flags; every assignment of current/background to them is run through incident resolution
and the totals. The assignments whose total equals the annotation are the valid ones; of those, the
ones closest to the rules (fewest flips) are kept. A figure is labelled when all kept assignments
agree on it and flipping it alone breaks the total (its flag matters); otherwise it is skipped. An
article with no valid assignment (a reading error no flag can fix) or more than ``--max-figures``
candidates gives no labels.

Commands (one JSON object on stdout each):

* ``labels``  label counts (figures labelled, skipped; articles unreachable, too large);
  ``--out PATH`` writes one row per labelled figure (docno, figure, kind, features, label) — no text
* ``cv``      k-fold cross-validation grouped by article (fold = sha1("fold:" + docno) mod k): per fold and
  pooled, killed/injured exact of the rules alone against rules + model at each override threshold
* ``train``   fits on all work labels and prints the weights

The decision: a logistic regression (L2, Newton's method, numpy) gives P(background) per candidate
figure; it overrides the rules' flag only when it is sure the other way (P >= t for a current figure,
P <= 1 - t for a background one), then incidents and totals are resolved as the extractor does.
Round 7 (docs/casualties.md) measured it against the rules alone; it did not beat them, so no model
ships and this tool is the record.

Run: .venv/bin/python bench/casualty_model.py [cv|labels|train] [ARTICLES.jsonl] [--folds 10] (cv by default)
(default articles: ../shared/data/ant-dev/middle-east-2018-02-to-05.jsonl).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._casualty_features import FEATURES, article_features, candidate
from bench.casualties_real import _DEFAULT_NOTES, _DEFAULT_TEXTS, _WORK, _read_notes, prepare
from worker.extract.casualties import extract_casualties, totals_and_approximate
from worker.extract.casualties.figures import read_figures
from worker.extract.casualties.incidents import resolve_incidents

KINDS = ("killed", "injured")
# Override thresholds tried in cross-validation; 0.8 (four to one sure) was the one fixed before looking.
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
L2 = 1.0


@dataclass
class Article:
    docno: str
    text: str
    reference: date | None
    places: list[tuple[int, int, str, str]]
    gold: dict[str, int | None]
    rows: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)


def _figure_labels(art: Article, kind: str, max_figures: int) -> tuple[str, list[tuple[list[float], int]]]:
    """(status, [(features, label)]) of the candidate figures of ``kind`` (module docstring)."""
    read = read_figures(art.text, reference=art.reference, places=art.places)
    if read is None:
        return "no_figures", []
    doc, figs = read
    rows = article_features(doc, figs)
    cands = [k for k, f in enumerate(figs) if candidate(f) and f.cas.kind == kind]
    if not cands:
        return "no_figures", []
    if len(cands) > max_figures:
        return "too_many", []
    base_sub = [f.cas.sub_of for f in figs]
    rule = sum(1 << j for j, k in enumerate(cands) if figs[k].cas.background)

    def total(mask: int) -> int | None:
        for j, k in enumerate(cands):
            figs[k].cas.background = bool(mask >> j & 1)
        for f, s in zip(figs, base_sub, strict=True):
            f.cas.sub_of = s
        resolve_incidents(doc, figs, art.places)
        return totals_and_approximate([f.cas for f in figs])[0][kind]

    valid = {m for m in range(1 << len(cands)) if total(m) == art.gold[kind]}
    if not valid:
        return "unreachable", []
    best = min(bin(m ^ rule).count("1") for m in valid)
    kept = [m for m in valid if bin(m ^ rule).count("1") == best]
    out: list[tuple[list[float], int]] = []
    for j, k in enumerate(cands):
        bits = {m >> j & 1 for m in kept}
        row = rows[k]
        if len(bits) == 1 and row is not None and all(m ^ (1 << j) not in valid for m in kept):
            out.append((row, bits.pop()))
    return "labelled", out


def load(path: Path, max_figures: int) -> list[Article]:
    notes = [a for a in _read_notes(_DEFAULT_NOTES) if a["split"] in _WORK]
    wanted = {a["docno"]: a for a in notes}
    arts: list[Article] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            a = wanted.get(row["docno"])
            if a is None:
                continue
            text, reference, places = prepare(row["title"], row["content"], row.get("published") or "")
            arts.append(Article(a["docno"], text, reference, places, {"killed": a["killed"], "injured": a["injured"]}))
    if len(arts) != len(wanted):
        sys.exit(f"casualty_model: {len(wanted) - len(arts)} annotated articles are not in {path}")
    arts.sort(key=lambda a: a.docno)
    for art in arts:
        for kind in KINDS:
            status, pairs = _figure_labels(art, kind, max_figures)
            art.status[kind] = status
            for row, label in pairs:
                art.rows.append(row)
                art.labels.append(label)
    return arts


def fit(rows: list[list[float]], labels: list[int], l2: float = L2) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (deterministic; the bias unpenalised)."""
    x = np.hstack([np.asarray(rows, dtype=float), np.ones((len(rows), 1))])
    y = np.asarray(labels, dtype=float)
    w = np.zeros(x.shape[1])
    reg = np.full(x.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -40, 40)))
        grad = x.T @ (p - y) + reg * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(reg) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w[:-1], float(w[-1])


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]
    bias: float
    threshold: float  # overrides the rules when P(the other label) >= threshold

    def p_background(self, row: list[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, row, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def model_of(weights: np.ndarray, bias: float, threshold: float) -> Model:
    return Model(tuple(float(v) for v in weights), bias, threshold)


def totals_with(art: Article, model: Model | None) -> dict[str, int | None]:
    """The article's totals as the extractor computes them, with the model's overrides (None: the rules)."""
    if model is None:
        return totals_and_approximate(extract_casualties(art.text, reference=art.reference, places=art.places))[0]
    read = read_figures(art.text, reference=art.reference, places=art.places)
    if read is None:
        return {kind: None for kind in KINDS}
    doc, figs = read
    for f, row in zip(figs, article_features(doc, figs), strict=True):
        if row is None:
            continue
        p = model.p_background(row)
        if f.cas.background and p <= 1.0 - model.threshold:
            f.cas.background = False
        elif not f.cas.background and p >= model.threshold:
            f.cas.background = True
    resolve_incidents(doc, figs, art.places)
    return totals_and_approximate([f.cas for f in figs])[0]


def fold_of(docno: str, k: int) -> int:
    return int(hashlib.sha1(f"fold:{docno}".encode()).hexdigest(), 16) % k


def exact(arts: list[Article], model: Model | None) -> dict[str, int]:
    ok = {kind: 0 for kind in KINDS}
    for art in arts:
        totals = totals_with(art, model)
        for kind in KINDS:
            ok[kind] += totals[kind] == art.gold[kind]
    return ok


def cross_validate(arts: list[Article], k: int, l2: float = L2) -> dict[str, Any]:
    folds: list[dict[str, Any]] = []
    pooled = {"rules": dict.fromkeys(KINDS, 0), **{str(t): dict.fromkeys(KINDS, 0) for t in THRESHOLDS}}
    for i in range(k):
        test = [a for a in arts if fold_of(a.docno, k) == i]
        train = [a for a in arts if fold_of(a.docno, k) != i]
        rows = [r for a in train for r in a.rows]
        labels = [y for a in train for y in a.labels]
        weights, bias = fit(rows, labels, l2)
        entry: dict[str, Any] = {"fold": i, "articles": len(test), "train_figures": len(rows)}
        base = exact(test, None)
        entry["rules"] = base
        for kind in KINDS:
            pooled["rules"][kind] += base[kind]
        for t in THRESHOLDS:
            got = exact(test, model_of(weights, bias, t))
            entry[str(t)] = got
            for kind in KINDS:
                pooled[str(t)][kind] += got[kind]
        folds.append(entry)
    n = len(arts)
    return {"articles": n, "folds": folds,
            "pooled": {name: {kind: round(v[kind] / n, 3) for kind in KINDS} for name, v in pooled.items()},
            "pooled_counts": pooled}


def label_stats(arts: list[Article]) -> dict[str, Any]:
    status: dict[str, int] = {}
    for art in arts:
        for kind in KINDS:
            key = f"{kind}:{art.status[kind]}"
            status[key] = status.get(key, 0) + 1
    return {"articles": len(arts), "figures_labelled": sum(len(a.labels) for a in arts),
            "background_labels": sum(sum(a.labels) for a in arts), "status": status}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", nargs="?", choices=("labels", "cv", "train"), default="cv",
                    help="cv (the default, what make bench runs), labels or train")
    ap.add_argument("jsonl", type=Path, nargs="?", default=_DEFAULT_TEXTS, help="articles (docno, title, content)")
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--max-figures", type=int, default=12)
    ap.add_argument("--l2", type=float, default=L2, help="the L2 penalty")
    ap.add_argument("--drop", default="", help="cv: comma-separated features left out (set to 0)")
    ap.add_argument("--out", type=Path, help="labels: write the labelled figures (no text) as JSON lines")
    args = ap.parse_args()
    if not args.jsonl.exists():
        sys.exit(f"casualty_model: no article file at {args.jsonl} (the texts stay outside the repository)")
    arts = load(args.jsonl, args.max_figures)
    result: dict[str, Any] = {"benchmark": "casualty_model", "command": args.command, **label_stats(arts)}
    if args.command == "labels" and args.out:
        with args.out.open("w", encoding="utf-8") as fh:
            for art in arts:
                for row, label in zip(art.rows, art.labels, strict=True):
                    fh.write(json.dumps({"docno": art.docno, "features": dict(zip(FEATURES, row, strict=True)),
                                         "label": label}) + "\n")
    elif args.command == "cv":
        if args.drop:
            drop = [FEATURES.index(name) for name in args.drop.split(",")]
            for art in arts:
                for row in art.rows:
                    for j in drop:
                        row[j] = 0.0
        result.update(cross_validate(arts, args.folds, args.l2))
    elif args.command == "train":
        weights, bias = fit([r for a in arts for r in a.rows], [y for a in arts for y in a.labels], args.l2)
        result["weights"] = dict(zip(FEATURES, (round(float(w), 3) for w in weights), strict=True))
        result["bias"] = round(bias, 3)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
