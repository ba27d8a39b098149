"""Statistical entity tagger (CRF over word features) trained on ANERcorp (CC BY-SA 4.0; see NOTICE).

``default_tagger()`` loads the shipped ``model.tsv`` (CRF), ``model.npz`` (window network),
``model_scan.npz`` (recurrent layer) and ``clusters.tsv`` once per process;
``worker.extract.entities`` merges its spans with the gazetteer's. Training: ``rasd ner train``.
"""

from __future__ import annotations

from functools import lru_cache

from worker.extract.ner.tagger import Span, Tagger, load_weights

__all__ = ["Span", "Tagger", "default_tagger"]


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    """The shipped model (FileNotFoundError names the file when the package lacks it)."""
    from worker.extract.ner.features import default_resources
    from worker.extract.ner.recurrent import load_rnn
    from worker.extract.ner.resources import MODEL, NET, SCAN
    from worker.extract.ner.window import load_net

    labels, trans, state = load_weights(MODEL)
    return Tagger(labels, trans, state, default_resources(), net=load_net(NET), rnn=load_rnn(SCAN))
