"""Cost of the entity tagger per article with and without the recurrent layer (one core, CPU time).

Times ``Tagger.spans`` over a corpus, cold (the word cache emptied before each pass: every word type
is new) and warm (the second pass of the same texts), for the shipped CRF + window network and for
the same plus a recurrent network (``--rnn model_rnn.npz``, or the package's when it ships one), in
interleaved rounds; prints one JSON object with medians (µs per article, tokens/s), the recurrence's
share and the longest sentence per article. Corpus: bench/extract.py's 300 news reports, or the
first ``--limit`` articles of a news .jsonl (title + content, cleaned as the pipeline does).

Run: ``.venv/bin/python bench/ner_speed.py [--jsonl ../shared/data/ant-dev/...jsonl] [--rnn PATH]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.extract.ner import default_tagger  # noqa: E402
from worker.extract.ner.features import TOKEN_RE  # noqa: E402
from worker.extract.ner.recurrent import RecurrentNet, load_rnn  # noqa: E402
from worker.extract.ner.resources import MODEL, NET  # noqa: E402
from worker.extract.ner.tagger import Tagger, load_weights  # noqa: E402
from worker.extract.ner.window import load_net  # noqa: E402


def corpus(jsonl: Path | None, limit: int) -> list[str]:
    if jsonl is None:
        from bench.extract import news_corpus

        return news_corpus()
    from worker.text.clean import clean_article

    rows = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").split("\n")[:limit] if x.strip()]
    return [clean_article(f"{x.get('title') or ''}\n{x.get('content') or ''}").text for x in rows]


def timed(tagger: Tagger, texts: list[str], cold: bool) -> float:
    """CPU seconds of one pass over ``texts`` (cold: the cache emptied first)."""
    if cold:
        tagger._reset()
    t0 = time.process_time()
    for t in texts:
        tagger.spans(t)
    return time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jsonl", type=Path, help="news .jsonl instead of bench/extract.py's reports")
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--rnn", type=Path, help="recurrent network .npz (default: the package's)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--max-types", type=int, help="word cache cap of the tagger with the recurrent layer "
                    "(default: the byte bound, fewer types than the window network's 20,000)")
    a = ap.parse_args()
    texts = corpus(a.jsonl, a.limit)
    tokens = sum(len(TOKEN_RE.findall(t)) for t in texts)
    base = default_tagger()
    rnn: RecurrentNet | None = load_rnn(a.rnn) if a.rnn else base.rnn
    if rnn is None:
        raise SystemExit("no recurrent network: pass --rnn PATH")
    labels, trans, state = load_weights(MODEL)
    taggers = {"crf_window": Tagger(labels, trans, state, base.res, net=load_net(NET)),
               "crf_window_rnn": Tagger(labels, trans, state, base.res, net=load_net(NET), rnn=rnn)}
    if a.max_types:
        taggers["crf_window_rnn"].max_types = a.max_types
        taggers["crf_window_rnn"]._reset()
    times: dict[str, dict[str, list[float]]] = {k: {"cold": [], "warm": []} for k in taggers}
    for _ in range(a.rounds):
        for name, tagger in taggers.items():
            times[name]["cold"].append(timed(tagger, texts, True))
            times[name]["warm"].append(timed(tagger, texts, False))
    out: dict[str, object] = {"articles": len(texts), "tokens": tokens, "rounds": a.rounds,
                              "rnn_hidden": rnn.hidden, "rnn_cache_types": taggers["crf_window_rnn"].max_types,
                              "load": round(os.getloadavg()[0], 2)}
    for name, t in times.items():
        for k, v in t.items():
            med = statistics.median(v)
            out[f"{name}_{k}_us_per_article"] = round(med / len(texts) * 1e6)
            out[f"{name}_{k}_tokens_per_s"] = round(tokens / med)
    for k in ("cold", "warm"):
        out[f"rnn_extra_{k}_us_per_article"] = (out[f"crf_window_rnn_{k}_us_per_article"]  # type: ignore[operator]
                                                - out[f"crf_window_{k}_us_per_article"])
    out["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
