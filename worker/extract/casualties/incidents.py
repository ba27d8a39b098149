"""Which top-level figures are one incident (repeats, parts, updates, other estimates) and which add up."""

from __future__ import annotations

from collections.abc import Sequence

from worker.extract.casualties import lexicon as lx
from worker.extract.casualties.context import Doc, Fig, clause_bounds, sentence_range
from worker.extract.casualties.current import locative as _locative
from worker.extract.casualties.current import names_known_event
from worker.extract.casualties.tables import (
    NOT_PEOPLE,
    PLACE_TYPES,
    RIGHT,
    SINGULAR,
    STRIKE,
    TRIG,
    VICTIM,
    WEAK,
    WHO,
)
from worker.extract.numbers import T_COMMA, T_STOP, T_WORD
from worker.models import Casualty


def eligible(c: Casualty) -> bool:
    return c.count is not None and not c.vague and not c.background and not c.perpetrator


# How strongly a sentence marks a separate incident: an unknown noun after في, a typed or fronted
# place ("بمدينة حمص", "وفي إدلب،"), or words saying so ("هجوم آخر").
_NO_CUE, _NEW_PLACE, _NAMED_PLACE, _OTHER_INCIDENT = 0, 1, 2, 3


def _distinct_cue(doc: Doc, fig: Fig, cache: dict[int, int], carried: int = _NO_CUE) -> int:
    """Whether the figure's sentence names another incident ("هجوم آخر") or a place not seen before it;
    a sentence naming no place takes ``carried``, the place cue of the text since the figure before."""
    hit = cache.get(fig.sent)
    if hit is None:
        hit = cache[fig.sent] = _distinct_cue_uncached(doc, fig.sent, fig.first)
    return carried if hit == _NO_CUE else hit


def _carried_places(doc: Doc, figs: list[Fig], places: Sequence[tuple[int, int, str, str]]) -> dict[int, int]:
    """Per figure (by id), _NEW_PLACE when the text between the previous figure's sentence and its own
    names, as where things happen, a gazetteer place not named before, and the figure's sentence names
    with ال the event told there ("وفي السياق، تجددت الاشتباكات شرقي مدينة تعز. … وأسفرت المواجهات عن
    مقتل 20"): the figure's incident is there. Not a place of its own sentence, so a repeated count
    stays one figure (rule 5)."""
    out: dict[int, int] = {}
    if not places:
        return out
    text = doc.text
    prev_end = -1
    prev_sent = -1
    new_place = False
    for f in figs:
        if f.sent != prev_sent:
            lo, hi = sentence_range(doc, f.sent, f.first)
            start = doc.starts[lo]
            new_place = prev_end >= 0 and names_known_event(doc, lo, hi) and any(
                prev_end <= s < start and _locative(text, s) and not _named_before(text, text[s:e], s)
                for s, e, _c, _a in places)
            prev_end = doc.ends[hi]
            prev_sent = f.sent
        if new_place:
            out[id(f)] = _NEW_PLACE
    return out


_INCIDENT_FIRST = frozenset(
    w for a, _ in lx.OTHER_INCIDENT_PAIRS for w in (a, "و" + a, "ال" + a, "وال" + a, "ب" + a, "بال" + a))
_PLACE_INTRO = frozenset(["في", "وفي", "ففي", "علي", "قرب", "وقرب", "بالقرب",
                          *(p + t for t in lx.PLACE_TYPES for p in ("ب", "و"))])
_CUE_INTRO = _INCIDENT_FIRST | _PLACE_INTRO


def _distinct_cue_uncached(doc: Doc, sent: int, around: int) -> int:
    lo, hi = sentence_range(doc, sent, around)
    offset = doc.starts[lo]
    folded = doc.folded
    kinds, norms = doc.kinds, doc.norms
    intro = _CUE_INTRO
    found = _NO_CUE
    known = False
    if not lx.ADDITION_WORDS.isdisjoint(norms[lo:hi + 1]) or _adds_an_item(norms, lo, hi):
        found = _NEW_PLACE
    for k in [k for k in range(lo, hi + 1) if norms[k] in intro]:
        w = norms[k]
        if w in _INCIDENT_FIRST:
            a = w[1:] if w.startswith("و") else w
            a = a[1:] if a.startswith("ب") else a
            a = a[2:] if a.startswith("ال") else a
            if (a, doc.w[k + 1]) in lx.OTHER_INCIDENT_PAIRS:
                return _OTHER_INCIDENT
            if w not in _PLACE_INTRO:
                continue
        typed = w not in ("في", "وفي", "ففي", "علي")
        if w == "علي" and norms[k + 1 if k + 1 <= hi else k] not in PLACE_TYPES:
            continue  # "على" introduces a place only with a place type: "على بلدة عيترون"
        p = k + 1
        if w == "بالقرب" and doc.w[p] == "من":
            p += 1
        while p <= hi and kinds[p] == T_WORD and norms[p] in PLACE_TYPES:
            p += 1
            typed = True
        x = doc.w[p]
        if x is None or len(x) < 3 or x in lx.NOT_PLACE or (x.startswith("ال") and x[2:] in lx.NOT_PLACE):
            continue
        # a definite noun is a place only after a place type or at the head of the clause ("وفي الرقة،")
        if x.startswith("ال") and not typed and not (k == lo or kinds[k - 1] in (T_COMMA, T_STOP)):
            # not a place of its own, but a place named before ("في السهل الغربي" after "بالسهل الغربي")
            # makes a place after it its wider region ("… في السهل الغربي، قرب حماة")
            known = known or (not _is_lexical(x) and folded.find(x[2:], 0, offset) != -1)
            continue
        if _is_lexical(x):
            continue
        core = x[2:] if x.startswith("ال") else x
        if folded.find(core, 0, offset) != -1:  # substring: clitics and ال need no handling
            known = True
        elif not known:  # a place after a known one is its wider region: "في مدينة عفرين في شمال سوريا"
            strong = typed or w in ("قرب", "وقرب", "بالقرب") or (
                w in ("وفي", "ففي") and (k == lo or kinds[k - 1] in (T_COMMA, T_STOP)))
            found = max(found, _NAMED_PLACE if strong else _NEW_PLACE)
    return found


_THIS_AND = frozenset(["وقد", "وكان", "وكانت", "وفي", "وعلي", "ومن"])


def _adds_an_item(norms: list[str], lo: int, hi: int) -> bool:
    """The sentence opens another item of the news: "هذا و…" ("هذا ولقي قياديان مصرعهما") or names the other
    side or front ("وعلى الطرف الآخر"، "على جبهة أخرى"); like "أيضا", its figure adds to the ones before."""
    if norms[lo] == "هذا" and lo < hi and (norms[lo + 1] in _THIS_AND or norms[lo + 1] in _LEXICAL):
        return True  # "هذا وقد …"، "هذا ولقي …", not "هذا وزير …"
    return any((norms[k], norms[k + 1]) in lx.OTHER_SIDE_PAIRS for k in range(lo, hi))


_LEXICAL = frozenset().union(TRIG, VICTIM, WHO, NOT_PEOPLE, SINGULAR, RIGHT, WEAK)


def _is_lexical(w: str) -> bool:
    return w in _LEXICAL


_ALT_FIRST = frozenset(a for a, _ in lx.ALT_SOURCE_PAIRS)


def _additive(doc: Doc, f: Fig) -> bool:
    """The count or the word after it adds the figure to the one before it ("ووفاة ثالث"، "و30 آخرين")."""
    norms, kinds = doc.norms, doc.kinds
    k = f.first
    end = min(f.last + 2, doc.n - 1)
    while k <= end and kinds[k] not in (T_COMMA, T_STOP):
        if norms[k] in lx.ADDITIVE_AFTER:
            return True
        k += 1
    return False


def _agent(doc: Doc, f: Fig, cache: dict[int, str]) -> str:
    """Who carried out the strike the figure's sentence tells of ("الغارات الروسية"، "قذائف أطلقتها فصائل
    مسلحة"); "" when it names none or several."""
    hit = cache.get(f.sent)
    if hit is None:
        hit = cache[f.sent] = _agent_uncached(doc, f.sent, f.first)
    return hit


def _agent_uncached(doc: Doc, sent: int, around: int) -> str:
    lo, hi = sentence_range(doc, sent, around)
    norms = doc.norms
    found: set[str] = set()
    air = False
    for k in range(lo, hi):
        w = norms[k]
        if w in _AIR_STRIKE:
            air = True
        if w in STRIKE:
            fillers = lx.STRIKE_FILLERS
        elif w in lx.FIRING_VERBS:
            fillers = lx.FIRING_GROUPS  # "استهداف مجموعات مسلحة": not "استهداف قوات النظام", the target
        else:
            continue
        p = k + 1
        while p < hi and p <= k + 3 and norms[p] in fillers:
            p += 1
        who = lx.AGENTS.get(norms[p])
        if who is not None:
            found.add(who)
    if not found and air:
        return _AIR
    return found.pop() if len(found) == 1 else ""


# an air raid whose attacker is not named is a state's: armed groups have no aircraft
_AIR = "air force"
_AIR_STRIKE = frozenset(["غاره", "غارات", "الغاره", "الغارات", "بغاره", "بغارات", "طائرات", "طيران"])
_GROUND_ONLY = frozenset(["rebels", "jihadists"])


def _other_agent(a: str, b: str) -> bool:
    if _AIR in (a, b):
        return (a if b == _AIR else b) in _GROUND_ONLY
    return bool(a) and bool(b) and a != b


def _earlier_report(doc: Doc, f: Fig) -> bool:
    """The figure's sentence opens with an earlier report ("وكانت مصادر محلية قالت إن 3 …"، "وكانت حصيلة سابقة
    قد أفادت بمقتل 16"): an earlier estimate of the toll told before it, not another incident."""
    lo, _hi = sentence_range(doc, f.sent, f.first)
    norms = doc.norms
    return norms[lo] in lx.PLUPERFECT_OPENERS and any(
        norms[k] in lx.REPORT_VERBS for k in range(lo + 1, min(f.first, lo + 6)))


def _other_side(a: Casualty, b: Casualty) -> bool:
    """``b`` cannot be part of ``a``: civilians are not among armed men or forces (nor the reverse),
    forces are not among armed men; armed men may be among forces (allied militias)."""
    sa = lx.SIDES.get(a.who or "")
    sb = lx.SIDES.get(b.who or "")
    return sa is not None and sb is not None and sa != sb and not (sa == "forces" and sb == "armed")


def _nationality(doc: Doc, f: Fig) -> str:
    """The nationality after a one-person figure ("جندي بريطاني"، "الجندي الأميركي"), "" when none."""
    if f.cas.count != 1 or f.last + 1 >= doc.n:
        return ""
    w = doc.norms[f.last + 1]
    w = w[2:] if w.startswith("ال") else w
    w = w[:-1] if w.endswith("ا") else w  # accusative "بريطانيا"
    return w if w in lx.NATIONALITIES else ""


def _two_people(doc: Doc, a: Fig, b: Fig) -> bool:
    """One person each, of different nationalities: not the same person told twice."""
    na, nb = _nationality(doc, a), _nationality(doc, b)
    return bool(na) and bool(nb) and na != nb


def _known_person(doc: Doc, f: Fig) -> bool:
    """A singular victim named with ال ("العميد"، "الجندي"): a person the text has told of already."""
    w = doc.norms[f.first]
    return f.first == f.last and w.startswith(("ال", "وال", "بال", "فال")) and w in SINGULAR


# Bodies, and where they are counted: a hospital or a morgue
_BODIES = frozenset(["جثه", "جثث", "جثامين", "جثمان", "جثتان", "جثتين"])
_MORGUE = frozenset(lx.expand(["مستشفي", "مستشفيات", "مشرحه", "ثلاجه", "ثلاجات"]))


def _bodies_at_hospital(doc: Doc, f: Fig) -> bool:
    """A count of bodies ("تسلم المستشفى 40 جثة"، "في المشرحة 11 جثة") in a sentence naming a hospital or a
    morgue, and not more of them ("آخرين"): the dead of a toll counted where they lie."""
    nouns = [VICTIM.get(doc.norms[k]) for k in (f.last, f.last + 1) if k < doc.n]
    if not any(hit is not None and hit[0] in _BODIES for hit in nouns) or _additive(doc, f):
        return False
    lo, hi = sentence_range(doc, f.sent, f.first)
    return not _MORGUE.isdisjoint(doc.norms[lo:hi + 1])


# One hospital taking in wounded: "تلقى المستشفى 65 مصابا"، "تم نقل 45 جريحا إلى أحد المستشفيات" (not
# "إلى المستشفيات": all of them, the toll itself)
_HOSPITAL = frozenset(lx.expand(["مستشفي"]))
_HOSPITALS = frozenset(lx.expand(["مستشفيات"]))
_TAKES_IN_REACH = 10  # tokens: "تسلم 40 جثة، معظمها مقطع الأوصال، و46 جريحا"
_TAKES_IN = frozenset(p + w for w in ("تسلم", "استلم", "استقبل", "استقبلت", "يستقبل", "تستقبل", "تلقي", "تلقت",
                                      "نقل", "نقلت", "نقلوا", "وصل", "وصلت", "ادخل", "ادخلت") for p in ("", "و"))


def _wounded_at_hospital(doc: Doc, f: Fig) -> bool:
    """A count of wounded that one hospital took in ("تلقى 65 مصابا", the verb before the count), and not
    more of them ("آخرين"): the hurt of a toll counted where some of them are treated, another count of
    the toll told before. "أصيب خمسة نقلوا إلى مستشفى" is the toll itself."""
    if f.cas.kind != lx.INJURED or _additive(doc, f):
        return False
    lo, hi = sentence_range(doc, f.sent, f.first)
    if _TAKES_IN.isdisjoint(doc.norms[max(lo, f.first - _TAKES_IN_REACH):f.first]):
        return False
    words = doc.norms[lo:hi + 1]
    return not _HOSPITAL.isdisjoint(words) or any(
        w in _HOSPITALS and words[k - 1] in lx.ONE_OF for k, w in enumerate(words) if k)


# The dead or the hurt as a group: "اثنان من الضحايا"، "ثلاثة من القتلى"، "5 من الجرحى" (not "من الجرحى"
# after a death word: wounded who died are more dead).
_GROUP_OF = {
    lx.KILLED: frozenset(["قتلي", "ضحايا", "شهداء"]),
    lx.INJURED: frozenset(["جرحي", "مصابين", "ضحايا"]),
}


def _partitive_host(doc: Doc, f: Fig, pool: list[Fig]) -> Fig | None:
    """A count followed by "من" and a group named with ال ("اثنان من الضحايا"، "اثنين من الجنود") is some of a
    group told before it: the largest earlier figure of its kind above the count and of no other side,
    None when there is none or the count adds to the group ("ثلاثة من الجنود الآخرين")."""
    k = f.last + 1
    if k + 1 >= doc.n or doc.norms[k] != "من" or _additive(doc, f):
        return None
    w = doc.norms[k + 1]
    who, victim = WHO.get(w), VICTIM.get(w)
    if not ((who is not None and who[1] == "ال") or (
            victim is not None and victim[1] == "ال" and victim[0] in _GROUP_OF.get(f.cas.kind, ()))):
        return None
    count = int(f.cas.count or 0)
    bigger = [a for a in pool if int(a.cas.count or 0) > count and not _other_side(a.cas, f.cas)]
    return max(bigger, key=lambda a: int(a.cas.count or 0)) if bigger else None


def _alt_source(doc: Doc, f: Fig) -> bool:
    """The figure's clause names another source ("بينما تحدثت مصادر أخرى عن 18")."""
    lo, hi = clause_bounds(doc, f.first)
    norms = doc.norms
    if _ALT_FIRST.isdisjoint(norms[lo:hi + 1]):
        return False
    return any((norms[k], norms[k + 1]) in lx.ALT_SOURCE_PAIRS for k in range(lo, hi))


_QUOTE_MARKS = ('"', "\u00ab", "\u201c", ":")


def _quoted_repeats(doc: Doc, group: list[Fig], index: dict[int, int]) -> list[Fig]:
    """Figures of one sentence that repeat an earlier count of it inside a quote ("مقتل 52 …: "سقط
    نحو 52 شهيدا"") are that figure (rule 5); the rest of the group, in order."""
    kept: list[Fig] = []
    for f in group:
        same = next((g for g in kept if g.cas.count == f.cas.count and not f.cas.update
                     and any(q in doc.text[doc.ends[g.last]:doc.starts[f.first]] for q in _QUOTE_MARKS)), None)
        if same is not None:
            f.cas.sub_of = index[id(same)]
        else:
            kept.append(f)
    return kept


def resolve_incidents(doc: Doc, figs: list[Fig], places: Sequence[tuple[int, int, str, str]] = ()) -> None:
    if len(figs) < 2:
        return
    index = {id(f): k for k, f in enumerate(figs)}
    _attackers_with_victims(doc, figs)
    _told_parts(doc, figs)
    _parts_after_total(doc, figs, index)
    seen: dict[int, int] = {}
    # top-level eligible figures per kind, per sentence in text order; resolving one kind only
    # links figures of that kind, so all kinds can be grouped in one pass beforehand
    by_kind: dict[str, dict[int, list[Fig]]] = {}
    head = [f for f in figs if doc.starts[f.first] < doc.head_end and f.cas.sub_of is None and eligible(f.cas)]
    for f in figs:
        if f.cas.sub_of is None and eligible(f.cas) and doc.starts[f.first] >= doc.head_end:
            by_kind.setdefault(f.cas.kind, {}).setdefault(f.sent, []).append(f)
    parts: dict[int, int] = {}  # anchor → sum of the parts linked to it from other sentences
    carried = _carried_places(doc, figs, places)
    agents: dict[int, str] = {}
    for groups in by_kind.values():
        anchors: list[Fig] = []
        for s, group in groups.items():
            if len(group) >= 2:
                group = _quoted_repeats(doc, group, index)
            prior = [a for a in anchors if a.sent != s]
            new_anchors: list[Fig] = []
            # a. breakdown of an earlier total
            told = [f for f in group if not f.cas.update]  # an update in the sentence is no part of it
            if len(told) >= 2 and prior:
                total = sum(int(f.cas.count or 0) for f in told)
                target = next((a for a in prior if a.cas.count == total), None)
                if target is not None:
                    for f in told:
                        f.cas.sub_of = index[id(target)]
                    group = [f for f in group if f.cas.update]
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
                if (prior or new_anchors) and (_alt_source(doc, f) or _earlier_report(doc, f)):
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
                whole = _partitive_host(doc, f, prior + new_anchors)
                if whole is not None and (whole.sent == s or _distinct_cue(
                        doc, f, seen, carried.get(id(f), _NO_CUE)) < _OTHER_INCIDENT):
                    c.sub_of = index[id(whole)]  # "اثنان من الضحايا": some of the people told before
                    continue
                if prior and (_bodies_at_hospital(doc, f) or _wounded_at_hospital(doc, f)):
                    # "تسلم المستشفى 40 جثة": the toll's dead counted again, never another incident
                    c.sub_of = index[id(max(prior, key=lambda a: int(a.cas.count or 0)))]
                    continue
                if not prior:
                    new_anchors.append(f)
                    continue
                cue = _distinct_cue(doc, f, seen, carried.get(id(f), _NO_CUE))
                # rule 5: the same count again is the same figure unless the sentence names another
                # place or incident ("وفي إدلب قتل 3", "في هجوم آخر")
                equal = next((a for a in prior if a.cas.count == count and not _two_people(doc, a, f)), None)
                if equal is not None and count == 1 and _known_person(doc, f) and not _other_side(equal.cas, c):
                    c.sub_of = index[id(equal)]  # "ولقي العميد فلان مصرعه في …": the person told before
                    continue
                if equal is not None and cue < _NAMED_PLACE:
                    c.sub_of = index[id(equal)]
                    continue
                if count == 1 and any(_two_people(doc, a, f) for a in prior):
                    new_anchors.append(f)  # "جندي بريطاني … الجندي الأميركي": another person
                    continue
                host_parts = next((a for a in prior if parts.get(id(a), 0)
                                   and parts[id(a)] + count == a.cas.count), None)
                if host_parts is not None and cue < _OTHER_INCIDENT:
                    # the parts named one by one add up to the stated total ("25 … 18 … و7")
                    c.sub_of = index[id(host_parts)]
                    parts[id(host_parts)] += count
                    continue
                if cue:
                    new_anchors.append(f)
                    continue
                agent = _agent(doc, f, agents)
                bigger = [a for a in prior if int(a.cas.count or 0) >= count and not _other_side(a.cas, c)
                          and not _other_agent(_agent(doc, a, agents), agent)]
                if not bigger and any(int(a.cas.count or 0) >= count for a in prior):
                    new_anchors.append(f)  # another side's dead, not a part of the larger toll
                    continue
                if bigger:
                    host = max(bigger, key=lambda a: int(a.cas.count or 0))
                    c.sub_of = index[id(host)]
                    parts[id(host)] = parts.get(id(host), 0) + count
                    continue
                absorbed = [a for a in prior if (a.cas.who is None or c.who is None or a.cas.who == c.who)
                            and not _other_agent(_agent(doc, a, agents), agent)]
                for a in absorbed:
                    a.cas.sub_of = index[id(f)]
                    anchors.remove(a)
                    prior.remove(a)
                new_anchors.append(f)
            anchors.extend(new_anchors)
    if head:
        _resolve_title(doc, figs, head, index)
    # sub-counts of a figure that became part of another point to the outermost figure
    for f in figs:
        seen_idx: set[int] = set()
        while f.cas.sub_of is not None and figs[f.cas.sub_of].cas.sub_of is not None \
                and f.cas.sub_of not in seen_idx:
            seen_idx.add(f.cas.sub_of)
            f.cas.sub_of = figs[f.cas.sub_of].cas.sub_of



def _named_before(text: str, name: str, end: int) -> bool:
    """``name`` occurs as a word (clitics allowed: "وتعز") before offset ``end`` ("تعزيزات" is not "تعز")."""
    i = text.find(name, 0, end)
    while i != -1:
        after = text[i + len(name):i + len(name) + 1]
        before = text[max(0, i - 2):i]
        if not after.isalpha() and (not before[-1:].isalpha() or (
                before[-1] in "وبلف" and not before[:1].isalpha())):
            return True
        i = text.find(name, i + 1, end)
    return False


def _told_parts(doc: Doc, figs: list[Fig]) -> None:
    """A figure told before a total that names it as a part is that part: "قتل طفل في غزة اليوم" then
    "وقتل أربعة فلسطينيين، بينهم طفل" is 4, not 5 (same kind, count and who, an explicit sub-count)."""
    for f in figs:
        p = f.cas.sub_of
        if not f.subject or p is None or f.cas.who is None or doc.starts[f.first] < doc.head_end:
            continue
        for g in figs:
            if g is f or g.sent >= f.sent:
                break
            c = g.cas
            if c.sub_of is None and eligible(c) and c.kind == f.cas.kind and c.count == f.cas.count \
                    and c.who == f.cas.who and doc.starts[g.first] >= doc.head_end and g is not figs[p]:
                c.sub_of = p


_ATTACK = frozenset(["هجوم", "بهجوم", "الهجوم", "هجمات", "اعتداء", "هجوما"])


def _attackers_with_victims(doc: Doc, figs: list[Fig]) -> None:
    """Armed men counted in one clause with the forces they attacked ("مقتل 5 جنود و9 مسلحين إثر
    هجوم على حاجز") are the attackers: perpetrators, not victims (convention 9)."""
    for k, f in enumerate(figs):
        if f.cas.kind != lx.KILLED or lx.SIDES.get(f.cas.who or "") != "forces" or f.cas.background:
            continue
        lo, hi = sentence_range(doc, f.sent, f.first)
        if _ATTACK.isdisjoint(doc.norms[lo:hi + 1]):
            continue
        clause = doc.clause[f.first]
        a, b = k, k + 1  # the figures of its clause, before or after it ("مقتل 3 مسلحين وجندي" after an attack)
        while a > 0 and doc.clause[figs[a - 1].first] == clause:
            a -= 1
        while b < len(figs) and doc.clause[figs[b].first] == clause:
            b += 1
        for g in figs[a:b]:
            if g is not f and g.cas.kind == lx.KILLED and lx.SIDES.get(g.cas.who or "") == "armed":
                g.cas.perpetrator = True
    # the same count of the same kind told again is the same attackers ("قتل 43 مسلحا من المهاجمين"
    # then "تمكنت القوات من قتل 43 إرهابيا")
    attackers = {(f.cas.kind, f.cas.count) for f in figs if f.cas.perpetrator and (f.cas.count or 0) >= 2}
    for f in figs:
        if (f.cas.kind, f.cas.count) in attackers and lx.SIDES.get(f.cas.who or "") in ("armed", None):
            f.cas.perpetrator = True


def _parts_after_total(doc: Doc, figs: list[Fig], index: dict[int, int]) -> None:
    """The figures of one kind right after a total, in later sentences, that add up to it exactly are
    its parts, each in its own place ("قتل 20 … 12 في قرية الوادي … 8 في بلدة التلال" is 20): a place named for a
    part makes it no new incident when the parts sum to the total told first."""
    body = [f for f in figs if f.cas.sub_of is None and eligible(f.cas) and not f.cas.update
            and doc.starts[f.first] >= doc.head_end]
    for k, total in enumerate(body):
        want = int(total.cas.count or 0)
        run: list[Fig] = []
        acc = 0
        for f in body[k + 1:]:
            if f.cas.kind != total.cas.kind:
                continue
            count = int(f.cas.count or 0)
            if f.sent == total.sent or count >= want or (run and f.sent == run[-1].sent):
                break
            run.append(f)
            acc += count
            if acc >= want:
                break
        if len(run) >= 2 and acc == want:
            for f in run:
                f.cas.sub_of = index[id(total)]


def _resolve_title(doc: Doc, figs: list[Fig], head: list[Fig], index: dict[int, int]) -> None:
    """Title figures summarise the body (rule 5 across title and body, rule 2 for a title total).

    A body figure equal to a title figure is the same figure; a title total at least the body's
    other figures holds them as parts; a smaller title figure is part of the body's toll.
    """
    head_idx = {index[id(f)] for f in head}
    for kind in {f.cas.kind for f in head}:
        top = [f for f in head if f.cas.kind == kind and f.cas.sub_of is None]
        body = [f for f in figs if f.cas.kind == kind and eligible(f.cas) and f not in head
                and (f.cas.sub_of is None or f.cas.sub_of in head_idx)]
        if not body:
            continue
        rest: list[Fig] = []
        for f in top:
            equal = next((b for b in body if b.cas.count == f.cas.count and not _two_people(doc, f, b)), None)
            if equal is None:
                rest.append(f)
                continue
            body.remove(equal)
            if equal.cas.update:  # "ارتفعت الحصيلة إلى 43" in the body carries the title's 43
                f.cas.sub_of = index[id(equal)]
            else:
                equal.cas.sub_of = index[id(f)]
        body = [b for b in body if b.cas.sub_of is None]
        # "ووفاة ثالث", or a person of another nationality than the body's: added to the body's toll
        rest = [f for f in rest if not _additive(doc, f) and not any(_two_people(doc, f, b) for b in body)]
        if not rest or not body:
            continue
        body_total = sum(int(b.cas.count or 0) for b in body)
        title_total = sum(int(f.cas.count or 0) for f in rest)
        if title_total >= body_total:
            host = max(rest, key=lambda f: int(f.cas.count or 0))
            for b in body:
                b.cas.sub_of = index[id(host)]
        else:
            largest = max(body, key=lambda b: int(b.cas.count or 0))
            for f in rest:
                f.cas.sub_of = index[id(largest)]
