"""Mention replacement (Dai & Adel, COLING 2020): extra training sentences with other names (pure).

A tagger trained on 3,000 sentences memorises the names it saw; copies of the training sentences
whose entity mentions are swapped for other mentions of the same type make it read the context and
the word shape instead. Replacements come only from the sentences given, so a dev or test split's
names never enter training.
"""

from __future__ import annotations

import random

from worker.extract.ner.conll import Sentence, spans


def mentions(sentences: list[Sentence]) -> dict[str, list[tuple[str, ...]]]:
    """Every mention's tokens by type, in reading order (repeats kept: a frequent name is drawn more)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for s in sentences:
        for a, b, typ in sorted(spans([t for _, t in s])):
            out.setdefault(typ, []).append(tuple(w for w, _ in s[a:b]))
    return out


def labelled(tokens: tuple[str, ...], typ: str) -> Sentence:
    """A mention's own BIO labels: B- on its first token, I- on the rest."""
    return [(w, ("B-" if i == 0 else "I-") + typ) for i, w in enumerate(tokens)]


def replace_mentions(sentence: Sentence, pool: dict[str, list[tuple[str, ...]]], rng: random.Random,
                     p: float = 1.0) -> Sentence:
    """``sentence`` with each mention replaced, with probability ``p``, by one drawn from ``pool``."""
    out: Sentence = []
    i = 0
    for a, b, typ in sorted(spans([t for _, t in sentence])):
        out.extend(sentence[i:a])
        # the draw comes first so a sentence's later mentions see the same stream whatever p is
        pick = rng.choice(pool[typ]) if pool.get(typ) else None
        if pick is not None and rng.random() < p:
            out.extend(labelled(pick, typ))
        else:
            out.extend(sentence[a:b])
        i = b
    out.extend(sentence[i:])
    return out


def augment(sentences: list[Sentence], k: int = 1, p: float = 1.0, seed: int = 1) -> list[Sentence]:
    """``k`` rounds of mention-replaced copies of ``sentences`` (seeded); a copy that came out the
    same as its sentence (no mention, or none replaced by another) is left out."""
    pool = mentions(sentences)
    rng = random.Random(seed)
    out: list[Sentence] = []
    for _ in range(k):
        for s in sentences:
            if not any(t != "O" for _, t in s):
                continue
            new = replace_mentions(s, pool, rng, p)
            if new != s:
                out.append(new)
    return out
