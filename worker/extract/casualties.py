"""Casualty figures in Arabic news text, and the article totals defined by CASUALTY_CONVENTIONS.md.

Pure: tokens from :mod:`worker.extract.numbers`, word lists from :mod:`casualty_lexicon`.
Public: :func:`extract_casualties`, :func:`compute_totals`, :func:`totals_approximate` (both at
once: :func:`totals_and_approximate`), :func:`vague_bounds_from`.

Speed and bounded time
    Only sentences holding a casualty word are tokenized (one Aho-Corasick pass over the text
    finds the cue words), so most news costs a few tens of µs. Every pattern is a dictionary lookup over a
    bounded token window — no regex over the lexicon, nothing that can backtrack — and a text stops
    being examined after 1,000 numbers, 3,000 visited tokens or 300 figures (not a news article).

How a figure is found
    Every number (digits, words, duals, vague quantities) is tested in its token context:
    a victim noun right after it ("48 قتيلا", "تسع جثث", "14 حالة وفاة") → that kind; else a
    trigger reached by walking left over filler words ("مقتل ما لا يقل عن 20", "ارتفعت حصيلة
    القتلى في التفجير إلى 27"; "في X" phrases are skipped; up to three subject words may separate a
    *verb* trigger from a count that has an object after it: "نعت حركة الجهاد الإسلامي اثنين من
    قادتها"); else a verb after the counted people ("5 مدنيين قتلوا", "لقي 4 أشخاص حتفهم", "في
    عداد المفقودين"); else the kind of the figure it is coordinated with ("قتل 6 في سراقب و4 في
    أريحا"). Victim noun + "و" + the other victim noun, "بين قتيل وجريح", or two event words
    "مقتل وإصابة N" / "قُتل وأصيب" give ``killed_or_injured``. One person counts one: trigger +
    singular person noun ("مقتل طفل", "أصيب آخر", "اغتالوا مختاراً"), سقوط/سقط + قتيل, لقي + noun +
    حتفه, and a singular subject before a passive kill verb with no object ("جندياً استشهد",
    "المهاجم قُتل"). Numbers next to dates, years, ages, durations, money, percentages,
    vehicles/buildings/weapons or unit names are not figures; "واحدة" after a non-person noun is
    an adjective ("عائلة واحدة").

Flags
    approximate: نحو، قرابة، أكثر من، على الأقل … (numbers.py). vague: عشرات/مئات/آلاف/عدد من,
    count None and ``lower_bound`` from ``vague_bounds``. background: a cue (منذ بداية/اندلاع…،
    العام الماضي، أغسطس الماضي، خلال الحرب، في عام YYYY …) in the figure's clause, or in a
    sentence-initial clause just before it, or in a following clause that starts with منذ/خلال.
    perpetrator: a perpetrator noun in the counted phrase (الانتحاري، المهاجمين، منفذي، "الذين
    نفذوا"), not when it qualifies the attack ("هجوم انتحاري"). update: an update cue before the
    count (ارتفعت، ليصل، يرفع، إجمالي …), inherited by a figure coordinated right after an update.

who
    A short English label from the head noun after the count: civilians, people, children, women,
    soldiers, officers, police, fighters, journalists, medics, protesters, Palestinians,
    migrants, suspects, perpetrators. Fighters of a named group read "<group as written> fighters"
    ("عناصر من ميليشيا حزب الله" → "حزب الله fighters"); fighters of an army read "soldiers",
    of the police/security forces "police".

``sub_of`` — "already included in figure #i" (always the outermost figure)
    1. Explicit sub-counts (بين القتلى، بينهم، منهم، من بينهم … until the sentence ends or a new
       trigger; "3 منهم أطفال") point to the latest top-level figure (of the marker's kind when it
       names one); "9 من بين القتلى الـ30" points forward to the 30.
    2. Updates: an update figure absorbs earlier top-level figures of its kind that are not larger.
    3. Incident heuristic, per sentence, for the other top-level figures of one kind:
       a. several figures of one sentence that sum exactly to an earlier figure are its breakdown;
       b. a figure whose clause names another source ("مصادر أخرى") is another estimate of the
          same toll: the largest estimate is kept;
       c. a figure in a sentence with a *distinct-incident cue* — "هجوم آخر/حادث منفصل …", or a
          place after في (or بريف/بمدينة/على بلدة …) never mentioned earlier in the article — is a
          separate incident and is summed (rule 3);
       d. otherwise a figure not larger than an earlier one is part or repetition of it
          (seed: "نحو 48 … نعى سبعة … تسع جثث" → 7 and 9 are inside the 48);
       e. otherwise (larger, no cue) it restates the same incident with a bigger number and
          absorbs earlier figures with a compatible ``who``;
       f. figures in the same sentence are summed ("قتل 3 جنود و5 مدنيين" → 8); when one of them
          repeats an earlier figure exactly, the others are new groups, not parts.
    Known limit: a later, smaller figure of a different incident with no place/"another attack"
    cue is read as part of the earlier toll (undercount, never double count).
:func:`compute_totals` then sums the top-level figures; on hand-built lists it also applies rule 4
(an ``update`` supersedes earlier figures that are not larger) and collapses exact duplicates (same
count, ``who`` and span) — restatements at other places in the text must carry ``sub_of``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence

import ahocorasick

from worker.extract import casualty_lexicon as lx
from worker.extract.numbers import (
    NUM_WORDS as _NUM_WORDS,
)
from worker.extract.numbers import (
    T_COMMA,
    T_NUM,
    T_PCT,
    T_STOP,
    T_WORD,
    NumberMatch,
    Tokens,
    fold_same_length,
    numbers_from_tokens,
    tokenize,
)
from worker.models import Casualty

__all__ = ["compute_totals", "extract_casualties", "totals_and_approximate", "totals_approximate",
           "vague_bounds_from"]

_COUNTED = ("killed", "injured")

_TRIG = lx.expand(lx.LEFT_TRIGGERS)
_WEAK = lx.expand(lx.WEAK_TRIGGERS, definite=False)
_VICTIM = lx.expand(lx.VICTIM_NOUNS)
_RIGHT = lx.expand(lx.RIGHT_VERBS, definite=False)
_WHO = lx.expand(lx.WHO)
_SINGULAR = lx.expand(lx.SINGULAR_PEOPLE)
_SINGLE_VICTIM = lx.expand(lx.SINGULAR_VICTIMS, definite=False)
_PERP = lx.expand(lx.PERPETRATORS)
_NOT_PEOPLE = lx.expand(lx.NOT_PEOPLE)
_NOT_LEFT = lx.expand(lx.NOT_PEOPLE_LEFT)
_GROUP = lx.expand(lx.GROUP_NOUNS)
_PLACE_TYPES = lx.expand(lx.PLACE_TYPES)
_SUBM = lx.expand(lx.SUB_MARKERS, definite=False)


def _bases(table: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Form → base form of an expanded table: one dict lookup, no Python call (~140 per article)."""
    return {form: base for form, (base, _prefix) in table.items()}


_TRIG_BASE = _bases(_TRIG)
_WEAK_BASE = _bases(_WEAK)
_VICTIM_BASE = _bases(_VICTIM)
_RIGHT_BASE = _bases(_RIGHT)
_WHO_BASE = _bases(_WHO)
_SINGULAR_BASE = _bases(_SINGULAR)
_SINGLE_VICTIM_BASE = _bases(_SINGLE_VICTIM)
_PERP_BASE = _bases(_PERP)
_GROUP_BASE = _bases(_GROUP)
_UPDATE = lx.UPDATE_CUES
_LEFT_SKIP = lx.LEFT_SKIP
_WHO_STOP = frozenset(["في", "علي", "جراء", "اثر", "خلال", "بعد", "قرب", "عند", "اثناء", "اليوم", "امس",
                       "بسبب", "بنيران", "برصاص", "بقصف", "بغاره", "الي", "حسب", "وفق", "وفقا", "كما",
                       "اضافه", "بينهم", "منهم", "ب", "عن", "مع", "داخل", "نتيجه", "تحت", "فوق"])
_MAX_LEFT = 7
_MAX_RIGHT = 6


_CASE_KINDS = {"وفاه": lx.KILLED, "اصابه": lx.INJURED, "اختطاف": lx.KIDNAPPED, "اعتقال": lx.ARRESTED,
               "اختفاء": lx.MISSING}
# Every form (with clitics) of a word that can start a figure: only sentences holding one are tokenized.
_CUE_SET: frozenset[str] = frozenset({
    *_TRIG, *_VICTIM, *_RIGHT, *_WEAK, *_SINGLE_VICTIM, *_SUBM, *_PERP, *_CASE_KINDS, "عداد", "الحياه",
    "حتفهم", "حتفه", "حتفها", "حتفهما", "حتفهن", "مصرعهم", "مصرعه", "مصرعها", "مصرعهما",
})
_MARKS_RE = re.compile("[\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")
# Tokens the main loop must visit besides numbers: triggers, sub-count markers, سقوط/وقوع.
_INTEREST: frozenset[str] = frozenset({*_TRIG, *_SUBM, "بين", "وبين", "ومن", *_WEAK})
_PAD = 16  # None padding after the token list so look-ahead/behind by a few tokens needs no bounds check
# A text with more figures or numbers than this is not a news article: stop there (bounded time).
_WEAK_CONFIRMED = frozenset(k for k, (_, c) in lx.WEAK_TRIGGERS.items() if c)
_MAX_FIGURES = 300
_MAX_NUMBERS = 1000
_MAX_VISITS = 3000  # numbers + trigger/marker tokens examined


_DIGITS = frozenset("0123456789")
_PROBE_PUNCT = ".،,:;!?؟؛()«»\"'-–—/[]{}…<>*_|#@+=~`^$&\t\r\u200f\u200e"


# Whitespace characters other than the space (those str.isspace / str.split know), minus the
# ones _PROBE_PUNCT already turns into spaces.
_OTHER_SPACES = tuple(
    ch for ch in "\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000" if ch not in _PROBE_PUNCT
)
_CUE_AUTOMATON = ahocorasick.Automaton()
for _w in _CUE_SET:
    if _w and len(_w.split()) == 1 and _w.split()[0] == _w:  # what str.split can yield: one word
        _CUE_AUTOMATON.add_word(f" {_w} ", len(_w))
_CUE_AUTOMATON.make_automaton()


def _cue_ranges(folded: str, marks: bool) -> list[tuple[int, int]]:
    """Character ranges of the sentences that contain a casualty word, merged, in order.

    Works on a probe copy with punctuation and whitespace turned into spaces (same length), scanned
    once by an Aho-Corasick automaton of the cue words; most news text has no casualty word and
    returns after that scan.
    """
    probe = folded
    for ch in _PROBE_PUNCT:
        if ch in probe:
            probe = probe.replace(ch, " ")
    if marks:
        probe = _MARKS_RE.sub("", probe)  # only for the yes/no test below
        return [(0, len(folded))] if not _CUE_SET.isdisjoint(probe.split()) else []
    # Whole-word cue occurrences, found by one Aho-Corasick pass over the probe with every
    # whitespace character made a space (so a key " word " hits exactly a word str.split would give).
    for ch in _OTHER_SPACES:
        if ch in probe:
            probe = probe.replace(ch, " ")
    found = list(_CUE_AUTOMATON.iter(f" {probe} "))
    if not found:
        return []
    # Sentence ends, as the regex ``[!?؟؛\n]|\.(?![0-9])`` would give them, found with str.find
    # (a regex scan costs ~25 ns per character here).
    ends: list[int] = []
    for ch in "!?\u061f\u061b\n":
        i = folded.find(ch)
        while i != -1:
            ends.append(i + 1)
            i = folded.find(ch, i + 1)
    i = folded.find(".")
    while i != -1:
        if folded[i + 1 : i + 2] not in _DIGITS:
            ends.append(i + 1)
        i = folded.find(".", i + 1)
    ends.sort()
    if not ends or ends[-1] != len(folded):
        ends.append(len(folded))
    # the sentence of each occurrence, by the offset of its first letter in ``probe``
    # (``end`` is the padded offset of the space after the word)
    hit = {bisect_right(ends, end - wlen - 1) for end, wlen in found}
    ranges: list[tuple[int, int]] = []
    for k in sorted(hit):
        start = ends[k - 1] if k else 0
        end = ends[k]
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges


class _Doc:
    """Token context for one text: sentence and clause index of every token."""

    __slots__ = ("bg", "clause", "ends", "folded", "kinds", "n", "norms", "sent", "starts", "text", "w")

    def __init__(self, text: str, folded: str, tokens: Tokens) -> None:
        self.text = text
        self.folded = folded
        self.kinds = tokens.kinds
        self.norms = tokens.norms
        self.starts = tokens.starts
        self.ends = tokens.ends
        self.n = len(tokens.kinds)
        self.bg: dict[int, bool] = {}
        self.w, self.sent, self.clause = _word_sentence_clause(tokens)


def _word_sentence_clause(tokens: Tokens) -> tuple[list[str | None], list[int], list[int]]:
    """Per token: the word (None for punctuation/numbers, and for ``_PAD`` indices past the end),
    and the sentence and clause index; a boundary token belongs to the sentence/clause it closes.

    One plain loop: cheaper than a comprehension plus two running sums over the tokens.
    """
    words: list[str | None] = []
    sent: list[int] = []
    clause: list[int] = []
    s = c = 0
    for kind, norm in zip(tokens.kinds, tokens.norms, strict=True):
        sent.append(s)
        clause.append(c)
        if kind == T_WORD:
            words.append(norm)
        else:
            words.append(None)
            if kind == T_STOP:
                s += 1
                c += 1
            elif kind == T_COMMA:
                c += 1
    words += [None] * _PAD
    return words, sent, clause


class _Fig:
    __slots__ = ("cas", "first", "forward", "last", "sent", "subject")

    def __init__(self, cas: Casualty, first: int, last: int, sent: int) -> None:
        self.cas = cas
        self.first = first
        self.last = last
        self.sent = sent
        self.subject = False  # explicit sub-count (kept out of incident resolution)
        self.forward = False  # part of the next figure of the sentence ("9 من بين القتلى الـ30")


def extract_casualties(text: str, *, vague_bounds: Mapping[str, int] | None = None) -> list[Casualty]:
    """Casualty figures of ``text`` in text order; spans index ``text``."""
    if not text:
        return []
    folded = fold_same_length(text)
    marks = _MARKS_RE.search(folded) is not None
    ranges = _cue_ranges(folded, marks)
    if not ranges:
        return []
    tokens = tokenize(text, ranges, folded=folded, marks=marks)
    doc = _Doc(text, folded, tokens)
    nums = numbers_from_tokens(text, tokens, vague_bounds, limit=_MAX_NUMBERS)
    by_first = {m.first: m for m in nums}
    interest = _INTEREST
    stops = [i for i, w in enumerate(doc.norms) if w in interest]
    visit = sorted({*by_first, *stops})[:_MAX_VISITS]
    figs: list[_Fig] = []
    sub_active = False
    sub_kind: str | None = None
    sub_sent = -1
    done = -1  # last token consumed by a figure
    for i in visit:
        if len(figs) >= _MAX_FIGURES:
            break
        if i <= done:
            continue
        if sub_active and sub_sent != doc.sent[i]:
            sub_active = False
        m = by_first.get(i)
        if m is not None:
            fig = _analyze_number(doc, m, figs, sub_active, sub_kind)
            if fig is not None:
                if figs and figs[-1].forward and figs[-1].sent == fig.sent and fig.cas.sub_of is None:
                    figs[-1].cas.sub_of = len(figs)
                    figs[-1].subject = True
                figs.append(fig)
            done = m.last
            continue
        if doc.kinds[i] != T_WORD:
            continue
        norm = doc.norms[i]
        is_bain = norm in ("بين", "وبين", "ومن") and (
            _VICTIM_BASE.get(doc.w[i + 1] or "") is not None or doc.w[i + 1] in ("بين", "بينهم"))
        if is_bain and figs and figs[-1].forward and figs[-1].last == i - 2:
            continue  # "9 من بين القتلى الـ30": the total follows, handled by ``forward``
        if norm in _SUBM or is_bain:
            sub_active, sub_sent = True, doc.sent[i]
            vb = _VICTIM_BASE.get(doc.w[i + 1] or "") if is_bain else None
            sub_kind = lx.VICTIM_NOUNS[vb] if vb else None
            single = _singular_after(doc, i + (2 if is_bain else 1))
            if single is not None:
                fig = _singular_fig(doc, i + (2 if is_bain else 1), single, None, figs, True, sub_kind)
                if fig is not None:
                    figs.append(fig)
            continue
        trig = _TRIG_BASE.get(norm)
        if trig is not None:
            sub_active = False
            if trig in lx.SV_KILLED and _TRIG[norm][1] == "":
                fig = _subject_singular(doc, i, figs)
                if fig is not None and (not figs or figs[-1].last < fig.first):
                    figs.append(fig)
            fig = _trigger_singular(doc, i, lx.LEFT_TRIGGERS[trig], figs)
            if fig is not None:
                figs.append(fig)
                done = fig.last
        elif _WEAK_BASE.get(norm) in _WEAK_CONFIRMED:
            # "لقي سائق حتفه": one person
            single = _singular_after(doc, i + 1)
            wk, confirm = lx.WEAK_TRIGGERS[_WEAK_BASE.get(norm) or ""]
            if single is not None and (doc.w[i + 2] in confirm or doc.w[i + 3] in confirm):
                fig = _singular_fig(doc, i + 1, single, wk, figs, False, None)
                if fig is not None:
                    figs.append(fig)
                    done = i + 1
        elif _WEAK_BASE.get(norm) in ("سقوط", "وقوع", "سقط", "سقطت"):
            sv = _SINGLE_VICTIM_BASE.get(doc.w[i + 1] or "")
            if sv is not None and not _combined_after(doc, i + 1):
                cas = _make(doc, i + 1, i + 1, lx.SINGULAR_VICTIMS[sv], 1, None)
                figs.append(_Fig(cas, i + 1, i + 1, doc.sent[i]))
                done = i + 1
    _resolve_incidents(doc, figs)
    return [f.cas for f in figs]


# ---------------------------------------------------------------------------------------------
# Number analysis
# ---------------------------------------------------------------------------------------------
def _analyze_number(
    doc: _Doc, m: NumberMatch, figs: list[_Fig], in_sub: bool, sub_kind: str | None
) -> _Fig | None:
    i0, i1 = m.first, m.last
    value = m.value
    if value is not None and (isinstance(value, float) or value <= 0):
        return None
    nxt_kind = doc.kinds[i1 + 1] if i1 + 1 < doc.n else None
    if nxt_kind == T_PCT:
        return None
    nxt_w = doc.w[i1 + 1]
    prev_w = doc.w[i0 - 1]
    kind: str | None = None
    # "14 حالة وفاة", "30 حالة إصابة"
    if nxt_w in ("حاله", "حالات") and doc.w[i1 + 2] in _CASE_KINDS:
        kind = _CASE_KINDS[doc.w[i1 + 2] or ""]
    elif nxt_w is not None and nxt_w in _NOT_PEOPLE:
        return None
    if nxt_w in ("في", "ب") and doc.w[i1 + 2] in ("المئه", "المائه"):
        return None
    if prev_w is not None and prev_w in _NOT_LEFT:
        return None
    if m.digits and value is not None and 1900 <= value <= 2100 and _WHO_BASE.get(nxt_w or "") is None \
            and _VICTIM_BASE.get(nxt_w or "") is None:
        return None
    if not m.dual and nxt_kind == T_NUM:
        return None  # "17 2018" style leftovers
    if value == 1 and doc.norms[i0] in ("واحد", "واحده", "وواحد", "وواحده") and prev_w is not None \
            and _TRIG_BASE.get(prev_w) is None and _who_label(prev_w) is None:
        return None  # "عائلة واحدة": an adjective, not a count

    update = False
    forward = False
    who: str | None = None
    perp = False
    left_start = i0 - 1
    if m.dual:
        vb = _VICTIM_BASE.get(doc.norms[i0])
        if vb is not None:
            kind = lx.VICTIM_NOUNS[vb]
        who = _who_label(doc.norms[i0])
    if m.definite and prev_w is not None and (_WHO_BASE.get(prev_w) or _PERP_BASE.get(prev_w)):
        # "قتل المسلحين الثلاثة": the counted noun precedes the number
        who = _who_label(prev_w)
        perp = _PERP_BASE.get(prev_w) is not None
        left_start = i0 - 2

    # 1. victim noun right after the number (or after "من")
    r = i1 + 1
    if kind is None:
        w = doc.w[r]
        if w == "من":
            r += 1
            w = doc.w[r]
            if w == "بين":  # "9 من بين القتلى الـ30": a part of the total that follows
                r += 1
                w = doc.w[r]
                forward = _VICTIM.get(w or "") is not None
        hit = _VICTIM.get(w or "")
        if hit is None and w is not None and _WHO_BASE.get(w) is not None:
            # "4 من الجنود القتلى", "3 جنود قتلى": the victim noun qualifies the counted people
            after = _VICTIM.get(doc.w[r + 1] or "")
            if after is not None and after[1] in ("", "ال"):
                hit = after
        if hit is not None and hit[1] in ("", "ال"):
            kind = lx.VICTIM_NOUNS[hit[0]]
            if kind in _COUNTED and _combined_after(doc, r):
                kind = lx.COMBINED
    # 2. trigger on the left
    vso = _WHO_BASE.get(nxt_w or "") is not None or nxt_w == "من"
    left_kind, update, negated, weak = _left_trigger(doc, left_start, i1, vso)
    if negated:
        return None
    if kind is None or (weak and left_kind is not None):
        kind = left_kind
    if not update and figs and figs[-1].cas.update and figs[-1].sent == doc.sent[i0] and i0 - figs[-1].last <= 4:
        update = True  # "ارتفع عدد القتلى إلى 18 والمصابين إلى 41"
    elif kind == lx.KILLED and left_kind == lx.COMBINED:
        kind = lx.COMBINED
    if kind is not None and kind in _COUNTED and _combined_after(doc, i1 + 1):
        kind = lx.COMBINED
    # 3. verb after the counted people; "بين قتيل وجريح" alone
    if kind is None:
        kind = _right_verb(doc, i1 + 1)
    if kind is None and _combined_after(doc, i1 + 1):
        kind = lx.COMBINED
    # 4. coordination with the previous figure of the sentence, or an open sub-count list
    coord = _coordinated_with(doc, m, figs)
    if kind is None and coord is not None:
        kind = coord.cas.kind
    if (coord is not None and coord.cas.update and kind == coord.cas.kind) or (
            coord is not None and coord.cas.update and doc.w[i0 - 1] == "الي"):
        update = True
    sub_parent: int | None = None
    post_sub = doc.w[i1 + 1] in lx.SUB_MARKERS or (
        doc.w[i1 + 2] in lx.SUB_MARKERS and _WHO_BASE.get(doc.w[i1 + 1] or "") is not None)
    if in_sub or post_sub or (coord is not None and coord.cas.sub_of is not None):
        if coord is not None and coord.cas.sub_of is not None:
            sub_parent = coord.cas.sub_of
        else:
            sub_parent = _find_parent(figs, sub_kind or kind)
        if sub_parent is not None and kind is None:
            kind = sub_kind or figs[sub_parent].cas.kind
        if sub_parent is not None and post_sub and not in_sub:
            sub_parent = None if _find_parent(figs, kind) is None else sub_parent
    if kind is None:
        return None

    if who is None or not perp:
        w_label, w_perp = _who_right(doc, r if r > i1 + 1 else i1 + 1)
        who = who or w_label
        perp = perp or w_perp
    if perp:
        who = "perpetrators"
    cas = _make(doc, i0, i1, kind, None if m.vague else int(value or 0) or None, who)
    cas.approximate = m.approximate or _approx_right(doc, i1 + 1)
    if m.vague:
        cas.count, cas.vague, cas.lower_bound = None, True, m.lower_bound
    cas.update = update
    cas.perpetrator = perp
    cas.background = _is_background(doc, i0)
    cas.sub_of = sub_parent
    fig = _Fig(cas, i0, i1, doc.sent[i0])
    fig.subject = sub_parent is not None
    fig.forward = forward and sub_parent is None
    return fig


def _make(doc: _Doc, i0: int, i1: int, kind: str, count: int | None, who: str | None) -> Casualty:
    s, e = doc.starts[i0], doc.ends[i1]
    return Casualty(kind, count, False, who, (s, e), doc.text[s:e])


def _left_trigger(doc: _Doc, start: int, i1: int, vso: bool) -> tuple[str | None, bool, bool, bool]:
    """(kind, update, negated, weak) from the trigger left of a count.

    Walks left over filler words; "في X" phrases are skipped; with ``vso`` (an object phrase after
    the count) up to two subject words may sit between a *verb* trigger and the count.
    """
    none = (None, False, False, False)
    j = start
    steps = 0
    update = False
    unknown = 0
    # "ارتفعت حصيلة القتلى في التفجير إلى 27": after "إلى", skip a short phrase back to the toll
    toll = doc.w[start] in ("الي", "لتبلغ", "ليبلغ", "بلغت", "بلغ") and any(
        (doc.w[k] or "") in ("حصيله", "الحصيله", "عدد", "حصيلتها", "حصيلته")
        for k in range(max(0, start - 12), start))
    limit = _MAX_LEFT + (6 if toll else 0)
    while j >= 0 and steps < limit:
        if doc.kinds[j] != T_WORD:
            return none
        w = doc.norms[j]
        trig = _TRIG_BASE.get(w)
        if trig is not None:
            if unknown and trig not in lx.TRIGGER_VERBS:
                return none
            kind = lx.LEFT_TRIGGERS[trig]
            prev = doc.w[j - 1]
            if prev is not None:
                pt = _TRIG_BASE.get(prev)
                if pt is not None and _TRIG[w][1].startswith("و") and pt in lx.COMBINABLE \
                        and trig in lx.COMBINABLE:
                    pk = lx.LEFT_TRIGGERS[pt]
                    if {pk, kind} == {lx.KILLED, lx.INJURED}:
                        kind = lx.COMBINED
                if prev in lx.NEGATIONS:
                    return None, False, True, False
            update = update or _update_before(doc, j)
            return kind, update, False, False
        vb = _VICTIM.get(w)
        if vb is not None and (vb[1] in ("ال", "وال", "لل", "بال") or toll) and not unknown:
            return lx.VICTIM_NOUNS[vb[0]], update or _update_before(doc, j), False, False
        weak = _WEAK_BASE.get(w)
        if weak is not None:
            wkind, confirm = lx.WEAK_TRIGGERS[weak]
            if confirm and _confirmed(doc, i1 + 1, confirm):
                return wkind, update, False, True
            return none
        if w in _UPDATE:
            update = True
        elif w in _LEFT_SKIP or toll:
            pass
        elif doc.w[j - 1] == "في" and not unknown:
            j -= 1  # "قتل في هجوم اليوم 4 أشخاص"
            steps += 1
        elif vso and unknown < 3:
            unknown += 1
        else:
            return none
        j -= 1
        steps += 1
    return none


def _update_before(doc: _Doc, j: int) -> bool:
    for k in range(j - 1, max(-1, j - 4), -1):
        w = doc.w[k]
        if w is None:
            return False
        if w in _UPDATE:
            return True
    return False


def _confirmed(doc: _Doc, start: int, words: frozenset[str]) -> bool:
    for k in range(start, min(doc.n, start + _MAX_RIGHT)):
        w = doc.w[k]
        if w is None:
            return False
        if w in words or (w[:1] in "وف" and w[1:] in words):
            return True
    return False


def _combined_after(doc: _Doc, r: int) -> bool:
    """True for "قتيلا وجريحا", "قتلى وجرحى", "بين قتيل وجريح" starting at token ``r`` or just after."""
    w = doc.w[r]
    if w is None:
        return False
    vb = _VICTIM_BASE.get(w)
    if vb is not None:
        nxt = doc.w[r + 1]
        if nxt == "و":
            nxt = doc.w[r + 2]
        elif nxt is not None and nxt.startswith("و"):
            nxt = nxt[1:]
        else:
            nxt = None
        if nxt is not None:
            nb = _VICTIM_BASE.get(nxt)
            if nb is not None and {lx.VICTIM_NOUNS[vb], lx.VICTIM_NOUNS[nb]} == {lx.KILLED, lx.INJURED}:
                return True
        return False
    for k in range(r, min(doc.n, r + 4)):
        if doc.w[k] in ("بين",):
            return _combined_after(doc, k + 1)
        if doc.w[k] is None:
            return False
    return False


def _right_verb(doc: _Doc, start: int) -> str | None:
    for k in range(start, min(doc.n, start + _MAX_RIGHT)):
        w = doc.w[k]
        if w is None:
            return None
        if w == "عداد":  # "في عداد المفقودين/القتلى"
            vb = _VICTIM_BASE.get(doc.w[k + 1] or "")
            return lx.VICTIM_NOUNS[vb] if vb is not None else None
        rv = _RIGHT_BASE.get(w)
        if rv is not None:
            return lx.RIGHT_VERBS[rv]
        if _TRIG_BASE.get(w) is not None:
            return None
    return None


def _coordinated_with(doc: _Doc, m: NumberMatch, figs: list[_Fig]) -> _Fig | None:
    if not figs:
        return None
    prev = figs[-1]
    if prev.sent != doc.sent[m.first] or m.first - prev.last > 8:
        return None
    conj = doc.w[m.first - 1] == "و" or doc.norms[m.first].startswith("و")
    if not conj:
        return None
    for k in range(prev.last + 1, m.first):
        w = doc.w[k]
        if w is not None and (_TRIG_BASE.get(w) is not None or _WEAK_BASE.get(w) is not None):
            return None
    return prev


def _find_parent(figs: Sequence[_Fig], kind: str | None) -> int | None:
    for idx in range(len(figs) - 1, -1, -1):
        c = figs[idx].cas
        if c.sub_of is None and (kind is None or c.kind == kind or c.kind == lx.COMBINED):
            return idx
    return None


def _who_label(norm: str) -> str | None:
    b = _WHO_BASE.get(norm)
    if b is not None:
        return lx.WHO[b]
    b = _SINGULAR_BASE.get(norm)
    if b is not None:
        return lx.SINGULAR_PEOPLE[b]
    if _PERP_BASE.get(norm) is not None:
        return "perpetrators"
    return None


def _who_right(doc: _Doc, start: int) -> tuple[str | None, bool]:
    """(who label, perpetrator) from the counted phrase after a number."""
    label: str | None = None
    perp = False
    k = start
    end = min(doc.n, start + _MAX_RIGHT)
    while k < end:
        w = doc.w[k]
        if w is None or w in _WHO_STOP:
            break
        if _PERP_BASE.get(w) is not None and doc.w[k - 1] not in lx.ATTACK_NOUNS:
            return "perpetrators", True
        if w == "الذين" and doc.w[k + 1] in ("نفذوا", "نفذ", "شنوا", "هاجموا"):
            return "perpetrators", True
        if label is None:
            b = _WHO_BASE.get(w)
            if b is not None:
                label = lx.WHO[b]
                if label == "fighters":
                    label = _group_label(doc, k + 1) or label
                elif label == "police":
                    pass
                k += 1
                continue
        elif _WHO_BASE.get(w) is None and w not in ("من", "و"):
            break
        k += 1
    return label, perp


def _group_label(doc: _Doc, k: int) -> str | None:
    """'soldiers', 'police' or '<group> fighters' for "عناصر (من|في) الجيش/حزب الله …"."""
    w = doc.w[k]
    if w in ("من", "في", "ل", "تابعين", "تابعه"):
        k += 1
        w = doc.w[k]
    if w in ("قوات", "القوات") and doc.w[k + 1] in ("النظام", "الجيش", "الحكومه", "الحكوميه", "الامن"):
        return "soldiers" if doc.w[k + 1] != "الامن" else "police"
    if w is None:
        return None
    while _WHO_BASE.get(w) is not None and _GROUP_BASE.get(w) is None:  # "عنصرا وقياديا في ميليشيا …"
        k += 1
        w = doc.w[k]
        if w in ("من", "في"):
            k += 1
            w = doc.w[k]
        if w is None:
            return None
    g = _GROUP_BASE.get(w)
    if g is None:
        return None
    if g in lx.GROUP_SKIP and "ال" in _GROUP[w][1]:
        return None  # "لعناصر الميليشيا": no name follows
    if w in lx.ARMY_WORDS or g in lx.ARMY_WORDS:
        return "soldiers"
    if w in lx.POLICE_WORDS or g in lx.POLICE_WORDS:
        return "police"
    if g in lx.GROUP_SKIP:
        k += 1
    words: list[int] = []
    while k < doc.n and len(words) < 3:
        tk, tn = doc.kinds[k], doc.norms[k]
        if tk == T_COMMA and tn in "«»\"()":
            k += 1
            continue
        if tk != T_WORD or tn in _WHO_STOP or tn in ("من", "و") or (
                words and tn.startswith("و") and len(tn) > 2):
            break
        words.append(k)
        k += 1
        if len(words) == 2:
            break
    if not words:
        return None
    s, e = doc.starts[words[0]], doc.ends[words[-1]]
    return f"{doc.text[s:e]} fighters"


def _approx_right(doc: _Doc, start: int) -> bool:
    for k in range(start, min(doc.n - 1, start + _MAX_RIGHT)):
        w = doc.w[k]
        if w is None:
            return False
        if w == "علي" and doc.w[k + 1] == "الاقل":
            return True
    return False


def _singular_after(doc: _Doc, k: int) -> str | None:
    w = doc.w[k]
    if w is None:
        return None
    b = _SINGULAR_BASE.get(w)
    if b is None and w.endswith("ا"):
        b = _SINGULAR_BASE.get(w[:-1])  # accusative "مختاراً"
    return b


def _trigger_singular(doc: _Doc, i: int, kind: str, figs: list[_Fig]) -> _Fig | None:
    """"مقتل طفل", "إصابة شرطي", "مقتل الانتحاري", "مقتل وإصابة شخص": one person."""
    k = i + 1
    w = doc.w[k]
    if w is not None and w.startswith("و") and _TRIG_BASE.get(w) is not None:
        ob = _TRIG_BASE.get(w) or ""
        if {lx.LEFT_TRIGGERS[ob], kind} == {lx.KILLED, lx.INJURED} and ob in lx.COMBINABLE \
                and _TRIG_BASE.get(doc.norms[i]) in lx.COMBINABLE:
            kind = lx.COMBINED
        k += 1
    b = _singular_after(doc, k)
    if b is None:
        return None
    if doc.w[i - 1] in lx.NEGATIONS:
        return None
    return _singular_fig(doc, k, b, kind, figs, False, None)


def _subject_singular(doc: _Doc, i: int, figs: list[_Fig]) -> _Fig | None:
    """"جندياً استشهد", "المهاجم قُتل": a singular person noun as subject of a passive kill verb.

    Only when the verb has no object after it (a number or a person noun would make it active).
    """
    prev = doc.w[i - 1]
    if prev is None:
        return None
    b = _SINGULAR_BASE.get(prev)
    if b is None and prev.endswith("ا"):
        b = _SINGULAR_BASE.get(prev[:-1])  # accusative "جندياً"
    if b is None:
        return None
    nxt = doc.w[i + 1]
    if i + 1 < doc.n and doc.kinds[i + 1] == T_NUM:
        return None
    if nxt is not None and (_who_label(nxt) is not None or nxt in _NUM_WORDS):
        return None
    return _singular_fig(doc, i - 1, b, lx.KILLED, figs, False, None)


def _singular_fig(
    doc: _Doc, k: int, base: str, kind: str | None, figs: list[_Fig], sub: bool, sub_kind: str | None
) -> _Fig | None:
    label = lx.SINGULAR_PEOPLE[base]
    parent: int | None = None
    if sub:
        parent = _find_parent(figs, sub_kind)
        if parent is None:
            return None
        kind = sub_kind or figs[parent].cas.kind
    if kind is None:
        return None
    perp = label == "perpetrators" and doc.w[k - 1] not in lx.ATTACK_NOUNS
    if label == "fighters":
        label = _group_label(doc, k + 1) or label
    cas = _make(doc, k, k, kind, 1, label)
    cas.perpetrator = perp
    cas.background = _is_background(doc, k)
    cas.approximate = False
    cas.sub_of = parent
    fig = _Fig(cas, k, k, doc.sent[k])
    fig.subject = parent is not None
    return fig


# ---------------------------------------------------------------------------------------------
# Background
# ---------------------------------------------------------------------------------------------
def _clause_bounds(doc: _Doc, i: int) -> tuple[int, int]:
    """First and last token of the clause around ``i``, at most 60 tokens each way."""
    c = doc.clause[i]
    lo = bisect_left(doc.clause, c)
    hi = bisect_right(doc.clause, c) - 1
    return (lo if lo > i - 60 else i - 60), (hi if hi < i + 60 else i + 60)


# Words that can open a background cue. Pairs opened by the very common "في" are keyed on their
# second word instead ("في حرب", "في عام"), so ordinary clauses fail the quick test below.
_BG_FIRST = frozenset(["منذ", "ومنذ", "عام", "العام", "سنه", "حرب", *lx.BACKGROUND_SINGLE,
                       *(a for a, _ in lx.BACKGROUND_PAIRS if a != "في")])
_MUNDHU_STEMS = ("اندلاع", "بدايه", "بدء", "انطلاق", "مطلع")  # "منذ اندلاعها"
_BG_AFTER_FI = frozenset(b for a, b in lx.BACKGROUND_PAIRS if a == "في")


def _has_bg_cue(doc: _Doc, lo: int, hi: int) -> bool:
    kinds, norms = doc.kinds, doc.norms
    if _BG_FIRST.isdisjoint(norms[lo:hi + 1]):
        return False
    for k in [k for k in range(lo, hi + 1) if norms[k] in _BG_FIRST]:
        w = norms[k]
        if w in lx.BACKGROUND_SINGLE:
            return True
        if w in _BG_AFTER_FI and k > lo and norms[k - 1] == "في":
            return True
        if k + 1 > hi:
            continue
        nk, nn = kinds[k + 1], norms[k + 1]
        if w in ("منذ", "ومنذ") and (nk == T_NUM or nn in lx.BACKGROUND_AFTER_MUNDHU
                                     or nn.startswith(_MUNDHU_STEMS)):
            return True
        if (w, nn) in lx.BACKGROUND_PAIRS:
            return True
        if w in ("عام", "العام", "سنه") and nk == T_NUM and nn.isdigit() and 1900 <= int(nn) <= 2100:
            return True
    return False


def _is_background(doc: _Doc, i: int) -> bool:
    """Background cue around token ``i`` (cached per clause: figures of one clause share it)."""
    key = doc.clause[i]
    hit = doc.bg.get(key)
    if hit is None:
        hit = doc.bg[key] = _is_background_uncached(doc, i)
    return hit


def _is_background_uncached(doc: _Doc, i: int) -> bool:
    lo, hi = _clause_bounds(doc, i)
    if _has_bg_cue(doc, lo, hi):
        return True
    # a fronted cue clause: "منذ بداية النزاع، قُتل …"
    if lo > 1 and doc.kinds[lo - 1] == T_COMMA and doc.sent[lo - 2] == doc.sent[i]:
        plo, phi = _clause_bounds(doc, lo - 2)
        if (plo == 0 or doc.kinds[plo - 1] == T_STOP) and _has_bg_cue(doc, plo, phi):
            return True
    # a trailing cue clause: "…، منذ اندلاع الحرب"
    if hi + 2 < doc.n and doc.kinds[hi + 1] == T_COMMA and doc.w[hi + 2] in ("منذ", "خلال", "طوال"):
        nlo, nhi = _clause_bounds(doc, hi + 2)
        if _has_bg_cue(doc, nlo, nhi):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Incidents
# ---------------------------------------------------------------------------------------------
def _eligible(c: Casualty) -> bool:
    return c.count is not None and not c.vague and not c.background and not c.perpetrator


def _sentence_range(doc: _Doc, sent: int, around: int) -> tuple[int, int]:
    """First and last token of sentence ``sent`` (``around`` is one of its tokens)."""
    return bisect_left(doc.sent, sent), bisect_right(doc.sent, sent) - 1


def _distinct_cue(doc: _Doc, fig: _Fig, cache: dict[int, bool]) -> bool:
    """True when the figure's sentence names another incident or a place not seen before it."""
    hit = cache.get(fig.sent)
    if hit is None:
        hit = cache[fig.sent] = _distinct_cue_uncached(doc, fig)
    return hit


_INCIDENT_FIRST = frozenset(
    w for a, _ in lx.OTHER_INCIDENT_PAIRS for w in (a, "و" + a, "ال" + a, "وال" + a, "ب" + a, "بال" + a))
_PLACE_INTRO = frozenset(["في", "وفي", "ففي", "علي", *(p + t for t in lx.PLACE_TYPES for p in ("ب", "و"))])
_CUE_INTRO = _INCIDENT_FIRST | _PLACE_INTRO


def _distinct_cue_uncached(doc: _Doc, fig: _Fig) -> bool:
    lo, hi = _sentence_range(doc, fig.sent, fig.first)
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
        if w == "علي" and norms[k + 1 if k + 1 <= hi else k] not in _PLACE_TYPES:
            continue  # "على" introduces a place only with a place type: "على بلدة عيترون"
        p = k + 1
        while p <= hi and kinds[p] == T_WORD and norms[p] in _PLACE_TYPES:
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


_LEXICAL = frozenset().union(_TRIG, _VICTIM, _WHO, _NOT_PEOPLE, _SINGULAR, _RIGHT, _WEAK)


def _is_lexical(w: str) -> bool:
    return w in _LEXICAL


_ALT_FIRST = frozenset(a for a, _ in lx.ALT_SOURCE_PAIRS)


def _alt_source(doc: _Doc, f: _Fig) -> bool:
    """The figure's clause names another source ("بينما تحدثت مصادر أخرى عن 18")."""
    lo, hi = _clause_bounds(doc, f.first)
    norms = doc.norms
    if _ALT_FIRST.isdisjoint(norms[lo:hi + 1]):
        return False
    return any((norms[k], norms[k + 1]) in lx.ALT_SOURCE_PAIRS for k in range(lo, hi))


def _resolve_incidents(doc: _Doc, figs: list[_Fig]) -> None:
    if len(figs) < 2:
        return
    index = {id(f): k for k, f in enumerate(figs)}
    seen: dict[int, bool] = {}
    # top-level eligible figures per kind, per sentence in text order; resolving one kind only
    # links figures of that kind, so all kinds can be grouped in one pass beforehand
    by_kind: dict[str, dict[int, list[_Fig]]] = {}
    for f in figs:
        if f.cas.sub_of is None and _eligible(f.cas):
            by_kind.setdefault(f.cas.kind, {}).setdefault(f.sent, []).append(f)
    for groups in by_kind.values():
        anchors: list[_Fig] = []
        for s, group in groups.items():
            prior = [a for a in anchors if a.sent != s]
            new_anchors: list[_Fig] = []
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


# ---------------------------------------------------------------------------------------------
# Totals
# ---------------------------------------------------------------------------------------------
def _counted(casualties: Sequence[Casualty], kind: str) -> list[Casualty]:
    """Figures of ``kind`` that enter the total (rules 1, 2, 4, 5, 7, 8, 9, 12)."""
    top = [c for c in casualties if c.kind == kind and c.sub_of is None and _eligible(c)]
    # rule 4: the latest update supersedes earlier figures of the kind that are not larger
    kept: list[Casualty] = []
    for c in top:
        if c.update:
            kept = [k for k in kept if int(k.count or 0) > int(c.count or 0)]
        kept.append(c)
    # rule 5: extract_casualties links restatements through sub_of; here only the same mention
    # listed twice (same count, who and span) collapses, so separate incidents with equal tolls
    # ("3 in Daraa … 3 in Idlib") still add up
    out: list[Casualty] = []
    keys: set[tuple[int, str | None, tuple[int, int]]] = set()
    for c in kept:
        key = (int(c.count or 0), c.who, c.span)
        if key in keys:
            continue
        keys.add(key)
        out.append(c)
    return out


def compute_totals(casualties: Sequence[Casualty]) -> dict[str, int | None]:
    """Article totals per CASUALTY_CONVENTIONS.md: ``{"killed": int|None, "injured": int|None}``."""
    return totals_and_approximate(casualties)[0]


def totals_approximate(casualties: Sequence[Casualty]) -> dict[str, bool]:
    """Whether each total rests on an approximate figure (نحو 48 → True)."""
    return totals_and_approximate(casualties)[1]


def totals_and_approximate(casualties: Sequence[Casualty]) -> tuple[dict[str, int | None], dict[str, bool]]:
    """:func:`compute_totals` and :func:`totals_approximate` from one selection of counted figures."""
    totals: dict[str, int | None] = {}
    approximate: dict[str, bool] = {}
    for kind in _COUNTED:
        counted = _counted(casualties, kind)
        totals[kind] = sum(int(c.count or 0) for c in counted) if counted else None
        approximate[kind] = any(c.approximate for c in counted)
    return totals, approximate


def vague_bounds_from(settings: object) -> dict[str, int]:
    """``vague_bounds`` for :func:`extract_casualties` from an object with ``vague_*`` attributes
    (``worker.settings.Settings``), without importing the settings module here."""
    return {key: int(getattr(settings, f"vague_{key}")) for key in ("tens", "dozens", "hundreds",
                                                                     "thousands", "few")}
