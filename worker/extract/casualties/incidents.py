"""Which top-level figures are one incident (repeats, parts, updates, other estimates) and which add up."""

from __future__ import annotations

from worker.extract.casualties import lexicon as lx
from worker.extract.casualties.context import Doc, Fig, clause_bounds, sentence_range
from worker.extract.casualties.tables import NOT_PEOPLE, PLACE_TYPES, RIGHT, SINGULAR, TRIG, VICTIM, WEAK, WHO
from worker.extract.numbers import T_COMMA, T_STOP, T_WORD
from worker.models import Casualty


def eligible(c: Casualty) -> bool:
    return c.count is not None and not c.vague and not c.background and not c.perpetrator


def _distinct_cue(doc: Doc, fig: Fig, cache: dict[int, bool]) -> bool:
    """True when the figure's sentence names another incident or a place not seen before it."""
    hit = cache.get(fig.sent)
    if hit is None:
        hit = cache[fig.sent] = _distinct_cue_uncached(doc, fig)
    return hit


_INCIDENT_FIRST = frozenset(
    w for a, _ in lx.OTHER_INCIDENT_PAIRS for w in (a, "و" + a, "ال" + a, "وال" + a, "ب" + a, "بال" + a))
_PLACE_INTRO = frozenset(["في", "وفي", "ففي", "علي", *(p + t for t in lx.PLACE_TYPES for p in ("ب", "و"))])
_CUE_INTRO = _INCIDENT_FIRST | _PLACE_INTRO


def _distinct_cue_uncached(doc: Doc, fig: Fig) -> bool:
    lo, hi = sentence_range(doc, fig.sent, fig.first)
    offset = doc.starts[lo]
    folded = doc.folded
    kinds, norms = doc.kinds, doc.norms
    intro = _CUE_INTRO
    for k in [k for k in range(lo, hi + 1) if norms[k] in intro]:
        w = norms[k]
        if w in _INCIDENT_FIRST:
            a = w[1:] if w.startswith("و") else w
            a = a[1:] if a.startswith("ب") else a
            a = a[2:] if a.startswith("ال") else a
            if (a, doc.w[k + 1]) in lx.OTHER_INCIDENT_PAIRS:
                return True
            if w not in _PLACE_INTRO:
                continue
        typed = w not in ("في", "وفي", "ففي", "علي")
        if w == "علي" and norms[k + 1 if k + 1 <= hi else k] not in PLACE_TYPES:
            continue  # "على" introduces a place only with a place type: "على بلدة عيترون"
        p = k + 1
        while p <= hi and kinds[p] == T_WORD and norms[p] in PLACE_TYPES:
            p += 1
            typed = True
        x = doc.w[p]
        if x is None or len(x) < 3 or x in lx.NOT_PLACE or (x.startswith("ال") and x[2:] in lx.NOT_PLACE):
            continue
        # a definite noun is a place only after a place type or at the head of the clause ("وفي الرقة،")
        if x.startswith("ال") and not typed and not (k == lo or kinds[k - 1] in (T_COMMA, T_STOP)):
            continue
        if _is_lexical(x):
            continue
        core = x[2:] if x.startswith("ال") else x
        if folded.find(core, 0, offset) == -1:  # substring: clitics and ال need no handling
            return True
    return False


_LEXICAL = frozenset().union(TRIG, VICTIM, WHO, NOT_PEOPLE, SINGULAR, RIGHT, WEAK)


def _is_lexical(w: str) -> bool:
    return w in _LEXICAL


_ALT_FIRST = frozenset(a for a, _ in lx.ALT_SOURCE_PAIRS)


def _alt_source(doc: Doc, f: Fig) -> bool:
    """The figure's clause names another source ("بينما تحدثت مصادر أخرى عن 18")."""
    lo, hi = clause_bounds(doc, f.first)
    norms = doc.norms
    if _ALT_FIRST.isdisjoint(norms[lo:hi + 1]):
        return False
    return any((norms[k], norms[k + 1]) in lx.ALT_SOURCE_PAIRS for k in range(lo, hi))


def resolve_incidents(doc: Doc, figs: list[Fig]) -> None:
    if len(figs) < 2:
        return
    index = {id(f): k for k, f in enumerate(figs)}
    seen: dict[int, bool] = {}
    # top-level eligible figures per kind, per sentence in text order; resolving one kind only
    # links figures of that kind, so all kinds can be grouped in one pass beforehand
    by_kind: dict[str, dict[int, list[Fig]]] = {}
    for f in figs:
        if f.cas.sub_of is None and eligible(f.cas):
            by_kind.setdefault(f.cas.kind, {}).setdefault(f.sent, []).append(f)
    for groups in by_kind.values():
        anchors: list[Fig] = []
        for s, group in groups.items():
            prior = [a for a in anchors if a.sent != s]
            new_anchors: list[Fig] = []
            # a. breakdown of an earlier total
            if len(group) >= 2 and prior:
                total = sum(int(f.cas.count or 0) for f in group if not f.cas.update)
                target = next((a for a in prior if a.cas.count == total), None)
                if target is not None:
                    for f in group:
                        f.cas.sub_of = index[id(target)]
                    continue
            prior_counts = {a.cas.count for a in prior}
            repeat_in_group = any(f.cas.count in prior_counts for f in group if not f.cas.update)
            for f in group:
                c = f.cas
                count = int(c.count or 0)
                if c.update:
                    for pool in (anchors, new_anchors):
                        for a in list(pool):
                            if int(a.cas.count or 0) <= count and a is not f:
                                a.cas.sub_of = index[id(f)]
                                pool.remove(a)
                    new_anchors.append(f)
                    continue
                if (prior or new_anchors) and _alt_source(doc, f):
                    # "بينما تحدثت مصادر أخرى عن 18": another estimate of the same toll → keep the max
                    pool = prior + new_anchors
                    host = max(pool, key=lambda a: int(a.cas.count or 0))
                    if int(host.cas.count or 0) >= count:
                        c.sub_of = index[id(host)]
                        continue
                    for a in pool:
                        a.cas.sub_of = index[id(f)]
                        if a in anchors:
                            anchors.remove(a)
                        if a in new_anchors:
                            new_anchors.remove(a)
                        if a in prior:
                            prior.remove(a)
                    new_anchors.append(f)
                    continue
                if not prior:
                    new_anchors.append(f)
                    continue
                if _distinct_cue(doc, f, seen):
                    new_anchors.append(f)
                    continue
                equal = next((a for a in prior if a.cas.count == count), None)
                if equal is not None:
                    c.sub_of = index[id(equal)]
                    continue
                if repeat_in_group:
                    new_anchors.append(f)
                    continue
                bigger = [a for a in prior if int(a.cas.count or 0) >= count]
                if bigger:
                    host = max(bigger, key=lambda a: int(a.cas.count or 0))
                    c.sub_of = index[id(host)]
                    continue
                absorbed = [a for a in prior if a.cas.who is None or c.who is None or a.cas.who == c.who]
                for a in absorbed:
                    a.cas.sub_of = index[id(f)]
                    anchors.remove(a)
                    prior.remove(a)
                new_anchors.append(f)
            anchors.extend(new_anchors)
    # sub-counts of a figure that became part of another point to the outermost figure
    for f in figs:
        seen_idx: set[int] = set()
        while f.cas.sub_of is not None and figs[f.cas.sub_of].cas.sub_of is not None \
                and f.cas.sub_of not in seen_idx:
            seen_idx.add(f.cas.sub_of)
            f.cas.sub_of = figs[f.cas.sub_of].cas.sub_of

