"""Train the entity tagger with CRFsuite and write the shipped weights file (I/O adapter).

The model file (``model.tsv``) is plain text: the CRF's label transitions and every state feature
weight, ``attribute<TAB>label<TAB>weight``, sorted, so a retrain from the same data and the same
shipped clusters gives the same bytes; ``worker.extract.ner.tagger`` decodes it without CRFsuite.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from worker.extract.ner.conll import Sentence
from worker.extract.ner.features import Resources, sequence_features, word_features

C1, C2, ITERATIONS = 0.05, 0.01, 150  # chosen by 5-fold CV inside the first 90% (docs/ner.md)
RNN_CELL, RNN_HIDDEN = "scan", 256  # the shipped recurrent layer (docs/ner.md, issue 17f)


def featurize(sentences: list[Sentence], res: Resources) -> list[list[list[str]]]:
    cache: dict[str, tuple[list[str], ...]] = {}

    def feats(w: str) -> tuple[list[str], ...]:
        f = cache.get(w)
        if f is None:
            f = cache[w] = word_features(w, res)
        return f

    return [sequence_features([t for t, _ in s], feats) for s in sentences]


@dataclass(frozen=True)
class Weights:
    """What CRFsuite learned: label transitions and state-feature weights."""

    labels: list[str]
    transitions: dict[tuple[str, str], float]
    state: dict[tuple[str, str], float]


def fit(sentences: list[Sentence], res: Resources, c1: float = C1, c2: float = C2,
        iterations: int = ITERATIONS) -> Weights:
    """Train a linear-chain CRF (L-BFGS, elastic net) and read its weights back."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, s in zip(featurize(sentences, res), sentences, strict=True):
        trainer.append(xseq, [t for _, t in s])
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations,
                        "feature.possible_transitions": True})
    with tempfile.TemporaryDirectory() as d:
        path = str(Path(d) / "m.crfsuite")
        trainer.train(path)
        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        info: Any = tagger.info()
        weights = Weights(sorted(tagger.labels()), dict(info.transitions), dict(info.state_features))
        tagger.close()
    return weights


def dump(model: Weights, path: Path, note: str) -> None:
    """Write the weights file (6 significant digits; zero weights dropped)."""
    lines = [f"# {note}", "# labels\t" + " ".join(model.labels)]
    lines.extend(f"T\t{a}\t{b}\t{w:.6g}" for (a, b), w in sorted(model.transitions.items()) if w)
    lines.extend(f"S\t{a}\t{y}\t{w:.6g}" for (a, y), w in sorted(model.state.items()) if w)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def scan_path(out: Path) -> Path:
    """Where the recurrent layer trained beside the CRF ``out`` goes (``model.tsv`` → ``model_scan.npz``)."""
    return out.with_name(out.stem + "_scan.npz")


def train_file(path: Path, out: Path, c1: float = C1, c2: float = C2, iterations: int = ITERATIONS,
               net: bool = True, rnn: bool = True) -> dict[str, Any]:
    """Train on every sentence of a CoNLL file and write ``out`` (the CRF) and, with ``net``, the window
    network beside it (``out`` with the suffix ``.npz``) and, with ``rnn`` too, the recurrent layer
    (:func:`scan_path`: the input-gated scan, H = 256); a summary for the CLI."""
    from worker.extract.ner.conll import read
    from worker.extract.ner.resources import build_resources

    sentences = read(path)
    if not sentences:
        raise ValueError(f"{path}: no sentences")
    if net:
        from worker.extract.ner.net_train import _require_torch

        _require_torch()  # before the CRF's minute, not after it
    res = build_resources()
    weights = fit(sentences, res, c1, c2, iterations)
    tokens = sum(map(len, sentences))
    dump(weights, out, f"entity tagger (CRF, c1={c1} c2={c2} {iterations} iterations) trained on "
                       f"{path.name}: {len(sentences)} sentences, {tokens} tokens. Licence CC BY-SA 4.0 (NOTICE)")
    summary: dict[str, Any] = {"sentences": len(sentences), "tokens": tokens,
                               "features": len({a for a, _ in weights.state}), "out": str(out),
                               "bytes": out.stat().st_size}
    if net:
        from worker.extract.ner.net_train import fit_net, save

        net_out = out.with_suffix(".npz")
        save(fit_net(sentences, res, weights.labels), net_out)
        summary.update(net_out=str(net_out), net_bytes=net_out.stat().st_size)
    if net and rnn:
        from worker.extract.ner.rnn_train import fit_rnn

        rnn_out = scan_path(out)
        save(fit_rnn(sentences, res, weights.labels, cell=RNN_CELL, hidden=RNN_HIDDEN, threads=1), rnn_out)
        summary.update(rnn_out=str(rnn_out), rnn_bytes=rnn_out.stat().st_size)
    return summary
