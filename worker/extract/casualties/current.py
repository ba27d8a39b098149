"""Current or background: which figures belong to the event the article reports now.

Rules and their reasons are in docs/casualties.md ("Current event"). Two passes: clause cues while
figures are read (:func:`is_background`), then :func:`classify_article` over all figures (text
zones, war-scale tolls, repeats of a background figure, continuations).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from itertools import pairwise

from worker.extract.casualties import lexicon as lx
from worker.extract.casualties.context import Doc, Fig, clause_bounds, line_of, sentence_range
from worker.extract.casualties.tables import HEADLINE_EVENT, PROBE_PUNCT, RIGHT, TRIG_BASE, VICTIM, WHO
from worker.extract.numbers import NUM_WORDS, T_COMMA, T_NUM, T_WORD

_BG_AFTER_FI = frozenset(b for a, b in lx.BACKGROUND_PAIRS if a == "في")
_BG_FIRST = frozenset(["منذ", "ومنذ", "عام", "العام", "سنه", "خلال", "وخلال", *lx.BACKGROUND_SINGLE,
                       *lx.WAR_NOUNS, *lx.SO_FAR_FIRST, *_BG_AFTER_FI,
                       *(a for a, _ in lx.BACKGROUND_PAIRS if a != "في")])
_WEEKDAYS = {w: d for d, names in enumerate(lx.WEEKDAYS) for w in names}
_MONTHS = lx.MONTHS
_PAST_ADJ = frozenset(["الماضي", "الماضيه", "المنصرم", "المنصرمه", "الفائت", "الفائته", "السابق", "السابقه"])
_FUTURE_ADJ = frozenset(["المقبل", "المقبله", "القادم", "القادمه"])


def _date_before(doc: Doc, k: int, month: int) -> bool:
    """A date whose month token is ``k``: True when it lies more than two days before the reference."""
    ref = doc.ref
    if ref is None:
        return False
    day = 0
    prev = k - 1
    if prev >= 0 and doc.w[prev] == "من":  # "التاسع من شباط"
        prev -= 1
        day = lx.ORDINAL_DAYS.get(doc.w[prev] or "", 0)
    elif prev >= 0 and doc.kinds[prev] == T_NUM and doc.norms[prev].isdigit():
        day = int(doc.norms[prev])
    year = 0
    for j in range(k + 1, min(doc.n, k + 4)):
        if doc.kinds[j] == T_NUM and doc.norms[j].isdigit() and len(doc.norms[j]) == 4:
            year = int(doc.norms[j])
            break
        if doc.kinds[j] != T_WORD or doc.norms[j] not in _MONTHS:
            break
    if year == 0:
        # no year: a month two or more after the publication month is last year's ("وفي نوفمبر" in March)
        future = doc.w[k + 1] in _FUTURE_ADJ or (doc.w[k + 1] in _MONTHS and doc.w[k + 2] in _FUTURE_ADJ)
        year = ref.year - 1 if month > ref.month + 1 and not future else ref.year
    if not 1 <= day <= 31:
        return (year, month) < (ref.year, ref.month)
    try:
        when = date(year, month, day)
    except ValueError:
        return False
    return when < ref - timedelta(days=2)


_APPROX_BEFORE = frozenset(p + w for w in ("نحو", "حوالي", "قرابه", "زهاء") for p in ("", "و", "ب"))


def _counts_people(doc: Doc, k: int) -> bool:
    """The 4-digit number at ``k`` is a count, not a year: "قرابة 2000 جريح", "أكثر من 1900 شخص"."""
    prev = doc.norms[k - 1] if k else ""
    if prev in _APPROX_BEFORE or (prev == "من" and k > 1 and doc.norms[k - 2] in ("اكثر", "اقل", "ازيد")):
        return True
    nxt = doc.w[k + 1] or ""
    return nxt in VICTIM or nxt in WHO or nxt in RIGHT


# "على مدار أسبوع من المواجهات", "طوال أيام": a span of time the toll ran over
_OVER_SPAN = frozenset(["مدار", "طوال", "طيله", "وطوال", "وطيله"])
_SAME = frozenset(["نفس", "ذات"])
_PERIODS = frozenset(["الفتره", "المده"])


def _cue_at(doc: Doc, k: int, lo: int, hi: int) -> bool:
    """Whether token ``k`` opens a background cue (a past or cumulative time, a war, an earlier event)."""
    kinds, norms = doc.kinds, doc.norms
    w = norms[k]
    nk = kinds[k + 1] if k + 1 <= hi else 0
    nn = norms[k + 1] if k + 1 <= hi else ""
    if kinds[k] == T_NUM:
        return bool(doc.ref is not None and w.isdigit() and len(w) == 4 and 1900 <= int(w) < doc.ref.year) \
            and not _counts_people(doc, k)
    if w in lx.BACKGROUND_SINGLE or w in lx.WAR_NOUNS:
        return True
    if w in _BG_AFTER_FI and k > lo and norms[k - 1] == "في":
        return True
    if w in ("منذ", "ومنذ"):
        return nn not in lx.MUNDHU_NOW
    if w in ("خلال", "وخلال"):
        return nn in lx.KHILAL_PERIOD or (nk == T_NUM and norms[k + 2] in lx.DURATION_NOUNS) \
            or (nn in _SAME and k + 2 <= hi and norms[k + 2] in _PERIODS)  # "خلال نفس الفترة": the period just told
    if (w, nn) in lx.SO_FAR_PAIRS:
        # "اندلعت مواجهات الاثنين وأدت حتى الآن إلى مقتل 41" (a Monday story): today's count so far
        return nn not in ("الان", "اللحظه") or day_of(doc, lo, hi) != 0
    if (w, nn) in lx.BACKGROUND_PAIRS:
        return True
    if w in ("عام", "العام", "سنه") and nk == T_NUM and nn.isdigit() and 1900 <= int(nn) <= 2100:
        return doc.ref is None or int(nn) < doc.ref.year
    day = _WEEKDAYS.get(w)
    if day is not None:
        if nn in _PAST_ADJ:
            return True
        ref = doc.ref
        return ref is not None and (ref.weekday() - day) % 7 >= 2
    month = _MONTHS.get(w)
    if month is not None:
        if nn in _PAST_ADJ:
            return True
        if month in (10, 11, 12, 1) and nn in ("الاول", "الثاني") and w in ("تشرين", "كانون"):
            month = {("تشرين", "الاول"): 10, ("تشرين", "الثاني"): 11, ("كانون", "الاول"): 12,
                     ("كانون", "الثاني"): 1}[(w, nn)]
        return _date_before(doc, k, month)
    # an accumulated or earlier span: "في خمسة أيام من الغارات", "ثلاثة أسابيع من القصف", "بعد يومين"
    if w in lx.SINGLE_DURATIONS and k > lo:
        j = k - 1
        while j > lo and norms[j] in lx.APPROX_SKIP:
            j -= 1
        return norms[j] in ("بعد", "قبل", "وبعد", "وقبل") or norms[j] in _OVER_SPAN
    if w in lx.YEAR_DURATIONS and k > lo and (kinds[k - 1] == T_NUM or norms[k - 1] in NUM_WORDS):
        return norms[k - 2] in ("قبل", "وقبل") if k - 2 >= lo else False
    if w not in lx.DURATION_NOUNS or k <= lo:
        return False
    if w in lx.DUAL_DURATIONS:
        j = k - 1
        while j > lo and norms[j] in lx.APPROX_SKIP:
            j -= 1  # "خلال نحو شهرين"
        before = norms[j]
        if w == "يومين" and before not in ("بعد", "قبل", "وبعد", "وقبل"):
            return False  # "خلال يومين" of fighting is still the current event
    elif norms[k - 1] in _OVER_SPAN:
        return True  # "طوال أيام من القصف": a toll accumulated over days
    elif kinds[k - 1] == T_NUM or norms[k - 1] in NUM_WORDS:
        j = k - 2
        while j > lo and norms[j] in lx.APPROX_SKIP:
            j -= 1  # "بعد نحو عشرة أيام من القصف"
        before = norms[j] if j >= lo else ""
    else:
        return False
    return before in lx.SPAN_OPENERS


_ANNIVERSARY = frozenset(lx.expand(["ذكري"]))


def _anniversary(doc: Doc, k: int, i: int) -> bool:
    """The year at ``k`` dates what an anniversary named after the figure at ``i`` remembers ("قتل 60
    خلال مظاهرات في الذكرى الـ70 للنكبة … عام 1948"), not the figure ("إحياء ذكرى مقتل ستة … عام
    1976" is that year's toll)."""
    return any(doc.norms[j] in _ANNIVERSARY for j in range(max(i + 1, k - 20), k))


def sentence_cues(doc: Doc, s: int, around: int) -> list[int]:
    """Background cue tokens of sentence ``s``, cached; cues inside a comparison ("أسوأ يوم منذ
    حرب 2014") are not cues."""
    hit = doc.cues.get(s)
    if hit is not None:
        return hit
    lo, hi = sentence_range(doc, s, around)
    norms, kinds = doc.norms, doc.kinds
    out: list[int] = []
    compare_clause = -1
    for k in range(lo, hi + 1):
        w = norms[k]
        if kinds[k] == T_WORD:
            if w in ("منذ", "ومنذ") and any(norms[j] in lx.SUPERLATIVES and norms[j + 1] != "من"
                                             for j in range(max(lo, k - 8), k)):
                compare_clause = doc.clause[k]
            if doc.clause[k] == compare_clause:
                continue
            if (w in _BG_FIRST or w in _WEEKDAYS or w in _MONTHS or w in lx.DURATION_NOUNS
                    or w in lx.SINGLE_DURATIONS or w in lx.YEAR_DURATIONS) \
                    and _cue_at(doc, k, lo, hi):
                out.append(k)
        elif kinds[k] == T_NUM and doc.ref is not None and doc.clause[k] != compare_clause \
                and _cue_at(doc, k, lo, hi):
            out.append(k)
    # "ويأتي الهجوم بعد يومين من مقتل 14": what follows بعد/غداة is an earlier event
    opener = next((k for k in range(lo, hi + 1) if norms[k] in lx.COMES_AFTER_OPENERS), -1)
    if opener >= 0:
        for k in range(opener + 1, min(hi + 1, opener + 16)):
            if norms[k] in lx.AFTER_WORDS:
                # "جاء القصف بعد غارة على قرية أخرى صباح الجمعة" (a Friday article): an earlier raid of today
                if not now_anchor(doc, k + 1, hi):
                    out.append(k)
                break
    out.sort()
    doc.cues[s] = out
    soft: list[int] = []
    if norms[lo] in lx.PLUPERFECT_OPENERS and lx.REPORT_VERBS.isdisjoint(norms[lo:hi + 1]):
        soft.append(lo)
    if norms[lo] in lx.ASIDE_OPENERS or (lo < hi and (norms[lo], norms[lo + 1]) in lx.ASIDE_PAIRS):
        soft.append(lo)  # "يذكر أن جنديا أعدم شابا …": an aside, not the news
    for k in range(lo, hi):
        if norms[k] in ("قبل", "وقبل") and norms[k + 1] in lx.AGO_PLURALS:
            soft.append(k + 1)  # "قتل جنديا قبل أيام": a few days ago, unless the sentence names today
        if norms[k] in lx.CAMPAIGN_NOUNS and norms[k + 1] in lx.ONGOING_ADJ \
                and (norms[k][:1] == "ب" or norms[k][:2] == "وب" or norms[k - 1] in lx.IN_CAMPAIGN):
            soft.append(k)
    doc.soft[s] = soft
    return out


def now_anchor(doc: Doc, lo: int, hi: int) -> bool:
    """The clause names today's time ("صباح اليوم", a weekday that is not an earlier one)."""
    for k in range(lo, hi + 1):
        w = doc.norms[k]
        if w in lx.NOW_WORDS:
            if w == "اليوم" and (doc.norms[k - 1] in ("ذلك", "ذات") or doc.w[k + 1] == "الذي"):
                continue  # "في ذلك اليوم", "اليوم الذي …": a day named by another event
            return True
        day = _WEEKDAYS.get(w)
        if day is not None and (k + 1 > hi or doc.norms[k + 1] not in _PAST_ADJ):
            ref = doc.ref
            if ref is None or (ref.weekday() - day) % 7 < 2:
                return True
    return False


def _recent_date(doc: Doc, s: int, around: int, cues: list[int]) -> bool:
    """The sentence dates its event by a weekday or month that is not an earlier one (not a cue)."""
    lo, hi = sentence_range(doc, s, around)
    return any((w in _WEEKDAYS or w in _MONTHS) and k not in cues
               for k, w in enumerate(doc.norms[lo:hi + 1], lo))


def is_background(doc: Doc, i: int) -> bool:
    """Background cue for the figure at token ``i`` (cached per clause: figures of one clause share it)."""
    return background_code(doc, i) != CLAUSE_NONE


# Which clause-level cue made a figure background (a feature of the current-event model, model.py).
CLAUSE_NONE = 0
CLAUSE_CUE = 1  # a cue in the figure's clause
CLAUSE_SCOPED = 2  # a cue earlier in the sentence
CLAUSE_SOFT = 3  # a soft cue (كان، قبل أيام، an ongoing campaign)
CLAUSE_TRAILING = 4  # a trailing adverbial clause

# Which article-level pass made a figure background (bits of ``Fig.why``; features of model.py).
WHY_HEADING = 1
WHY_WAR_SCALE = 2
WHY_REPEAT = 4
WHY_CONTINUATION = 8
WHY_COMPANION = 16
WHY_EARLIER = 32
WHY_YESTERDAY = 64
WHY_KNOWN_EVENT = 128
WHY_OTHER_PLACE = 256
WHY_DEEP = 512
WHY_INQUIRY = 1024


def background_code(doc: Doc, i: int) -> int:
    """Which clause cue makes the figure at token ``i`` background (``CLAUSE_*``; cached per clause)."""
    key = doc.clause[i]
    hit = doc.bg.get(key)
    if hit is None:
        lo, hi = clause_bounds(doc, i)
        if any(lo <= k <= hi and doc.norms[k] in _COMES_AFTER for k in sentence_cues(doc, doc.sent[i], i)):
            return _is_background_uncached(doc, i)  # depends on the figure's side of "بعد": not cached
        hit = doc.bg[key] = _is_background_uncached(doc, i)
    return hit


# "ويأتي مقتل الجندي بعد يوم من …": the after-word's cue dates what follows it, not the subject before it
_COMES_AFTER = lx.AFTER_WORDS - {"غداه"}


def _is_background_uncached(doc: Doc, i: int) -> int:
    lo, hi = clause_bounds(doc, i)
    if _compared_event(doc, i):
        return CLAUSE_CUE
    cues = sentence_cues(doc, doc.sent[i], i)
    after = next((k for k in cues if i < k <= hi and doc.norms[k] in _COMES_AFTER), hi + 1)
    # a year after the figure that dates what an anniversary remembers is not the figure's time
    if any(lo <= k <= hi and k < after and (k < i or not _anniversary(doc, k, i)) for k in cues):
        return CLAUSE_CUE
    # a cue earlier in the sentence scopes forward ("وفي فبراير الماضي، استهدفت …، مما أسفر عن
    # مقتل 100"), unless this clause names today's time
    if any(k < lo and not _descriptive(doc, k) for k in cues) and not now_anchor(doc, lo, hi):
        return CLAUSE_SCOPED
    # a soft cue before the figure or in its clause; "قبل أيام" anywhere in the sentence
    if any(k <= hi or doc.norms[k] in lx.AGO_PLURALS for k in doc.soft[doc.sent[i]]) \
            and not now_anchor(doc, lo, hi) \
            and not _recent_date(doc, doc.sent[i], i, cues):
        return CLAUSE_SOFT
    # a trailing adverbial clause: "…، منذ اندلاع الحرب", "…، في خمسة أيام من الغارات"
    if hi + 1 < doc.n and doc.kinds[hi] == T_COMMA and doc.sent[hi + 1] == doc.sent[i]:
        nlo, nhi = clause_bounds(doc, hi + 1)
        if doc.w[hi + 1] == "غداه":
            pass  # "…، غداة مقتل خمسة": the figure is the day after that event, not in its time
        elif doc.w[hi + 1] in lx.TRAILING_OPENERS:
            # "قتل 4، وذلك بعد أن أعلن مصدر سقوط اثنين": what follows the after-word is earlier, not the figure
            if any(nlo <= k <= nhi and doc.norms[k] not in _COMES_AFTER for k in cues):
                return CLAUSE_TRAILING
        elif _trailing_time(doc, nlo, nhi, cues) and not now_anchor(doc, lo, hi):
            return CLAUSE_TRAILING
        # a later clause that dates the chain to an earlier time ("…، في غارة …، الخميس الماضي."), unless the
        # sentence names today: a report dated today of an older death is its first report, the news
        if doc.w[hi + 1] != "غداه" and _closing_time(doc, nlo, cues) and not now_anchor(doc, lo, hi) \
                and day_of(doc, sentence_range(doc, doc.sent[i], i)[0], hi) != 0:
            return CLAUSE_TRAILING
    return CLAUSE_NONE


_CLOSING_REACH = 10  # clauses after the figure's to look through for the time of the chain


def _closing_time(doc: Doc, k: int, cues: list[int]) -> bool:
    """A later clause of the sentence, with no time in the clauses between, that is itself an earlier
    time or opens with في/خلال/منذ … and holds one ("… إثر مقتل القائد، في غارة استهدفته في المدينة،
    الخميس الماضي."): the time of the whole chain from the figure's clause on. An after-word's cue
    dates what follows it, not the figure ("…، وذلك بعد وفاة مدنيين")."""
    s = doc.sent[k]
    for _ in range(_CLOSING_REACH):
        clo, chi = clause_bounds(doc, k)
        own = [j for j in cues if clo <= j <= chi and doc.norms[j] not in _COMES_AFTER]
        if own and (own[0] == clo or doc.w[clo] in lx.TRAILING_OPENERS):
            return True
        if doc.kinds[chi] != T_COMMA or any(doc.norms[j] in _TIME_WORDS or j in cues for j in range(clo, chi + 1)):
            return False
        k = chi + 1
        if k >= doc.n or doc.sent[k] != s:
            return False
    return False


_WHEN = frozenset(["عندما", "حين", "حينما", "حينها", "يوم", "لما"])


def _compared_event(doc: Doc, i: int) -> bool:
    """The figure at ``i`` tells the event a superlative compares today's with ("أعنف حادث منذ 2013
    عندما … مما أدى لمقتل 27"): what follows the when-word after the comparison's منذ happened then."""
    slo, _ = sentence_range(doc, doc.sent[i], i)
    norms = doc.norms
    for k in range(slo, i):
        if norms[k] in ("منذ", "ومنذ") and any(norms[j] in lx.SUPERLATIVES and norms[j + 1] != "من"
                                               for j in range(max(slo, k - 8), k)):
            return any(norms[j] in _WHEN for j in range(k + 1, min(i, k + 8)))
    return False


def _descriptive(doc: Doc, k: int) -> bool:
    """The cue at ``k`` sits in a relative clause of habit that describes someone ("المرصد، الذي يتابع
    الحرب من مكتبه في الخارج، …"): it tells what the source does, not when the figure after it happened."""
    c = doc.clause[k]
    j = k
    while j > 0 and doc.clause[j - 1] == c:
        j -= 1
    if doc.kinds[j] == T_COMMA:
        j += 1
    return doc.norms[j] in _RELATIVE and j + 1 < k and doc.norms[j + 1][:1] == "ي"


def _trailing_time(doc: Doc, nlo: int, nhi: int, cues: list[int]) -> bool:
    """The clause after a figure's dates it: a bare time ("…، الأسبوع الماضي") or a coordinated
    figure whose time closes the sentence ("قتل 60، وأصيب 2400 الاثنين والثلاثاء الماضيين")."""
    if nlo in cues:
        return True
    w = doc.norms[nlo]
    coordinated = (w == "و" and nlo < nhi and doc.kinds[nlo + 1] == T_NUM) or (w[:1] == "و" and TRIG_BASE.get(w) is not None)
    return coordinated and any(nlo < k <= nhi and doc.norms[k] not in _COMES_AFTER for k in cues)


# ---------------------------------------------------------------------------------------------
# Article level
# ---------------------------------------------------------------------------------------------
_MAX_HEADING_WORDS = 15
_TOLL_KINDS = frozenset([lx.KILLED, lx.INJURED, lx.COMBINED])
_LINE_END = ".!?\u061f\u061b"


def _in_heading(doc: Doc, f: Fig) -> bool:
    """A short line after the title with no sentence end: a sub-heading, a teaser or a related link."""
    start = doc.starts[f.first]
    if start < doc.head_end or (doc.head_end == 0 and doc.text.find("\n") > start) \
            or doc.text.find("\n") == -1:
        return False
    a, b = line_of(doc.text, start)
    line = doc.text[a:b].rstrip().rstrip("\"\u00bb\u201d'")
    return bool(line) and line[-1] not in _LINE_END and len(line.split()) <= _MAX_HEADING_WORDS


def _names_disaster(doc: Doc, f: Fig) -> bool:
    lo, hi = sentence_range(doc, f.sent, f.first)
    return any(stem in w for w in doc.norms[lo:hi + 1] for stem in lx.DISASTER_STEMS)


def classify_article(doc: Doc, figs: list[Fig], places: Sequence[tuple[int, int, str, str]] = ()) -> None:
    """Background flags that need the whole article (docs/casualties.md, "Current event"); each
    figure's ``why`` records which passes made it background."""
    if not figs:
        return
    zone: list[Fig] = []
    story = bool(doc.head_end)  # a titled article: a lone sentence is no story to be a campaign's
    for f in figs:
        c = f.cas
        if c.background or c.count is None:
            continue
        if _in_heading(doc, f):
            zone.append(f)
        elif (c.count >= lx.WAR_SCALE or (story and c.kind == lx.KILLED and c.count >= lx.CAMPAIGN_KILLED)) \
                and c.kind in _TOLL_KINDS and not _names_disaster(doc, f):
            c.background = True
            f.why |= WHY_WAR_SCALE
    # a figure repeated elsewhere with a background cue is that background figure, unless this
    # mention dates it today or yesterday ("… خلال احتجاجات" then "قتلوا الاثنين": the event itself)
    bg_counts = {(f.cas.kind, f.cas.count) for f in figs
                 if f.cas.background and f.cas.count is not None and f.cas.count >= lx.MIN_REPEAT_COUNT}
    if bg_counts:
        for f in figs:
            if (f.cas.kind, f.cas.count) in bg_counts and not f.cas.background \
                    and day_of(doc, *_own_time_span(doc, f.first)) < 0:
                f.cas.background = True
                f.why |= WHY_REPEAT
    # the other kind told in one clause with a repeated or a campaign-scale figure ("40 قتيلا و65 جريحا"
    # under the title's "40 قتيلا … خلال 10 أيام"; "770 قتيلا و4050 جريحا") is of the same period
    repeated = {doc.clause[f.first] for f in figs if f.why & (WHY_REPEAT | WHY_WAR_SCALE)}
    for f in figs:
        if doc.clause[f.first] in repeated and not f.cas.background and f.cas.count is not None:
            f.cas.background = True
            f.why |= WHY_REPEAT
    for f in zone:
        f.cas.background = True
        f.why |= WHY_HEADING
    before = _flags(figs)
    _companions(doc, figs)
    before = _mark(figs, before, WHY_COMPANION)
    _earlier_context(doc, figs)
    before = _mark(figs, before, WHY_EARLIER)
    _continuations(doc, figs)  # after the passes that can make the continued sentence background
    before = _mark(figs, before, WHY_CONTINUATION)
    _yesterday_context(doc, figs)
    before = _mark(figs, before, WHY_YESTERDAY)
    _known_event_clauses(doc, figs)
    before = _mark(figs, before, WHY_KNOWN_EVENT)
    if places:
        _other_places(doc, figs, places)
        before = _mark(figs, before, WHY_OTHER_PLACE)
    _deep_tolls(doc, figs)
    before = _mark(figs, before, WHY_DEEP)
    _inquiry_story(doc, figs)
    _mark(figs, before, WHY_INQUIRY)
    _day_after_news(doc, figs)  # last: it reads whether any toll is left current
    _reaction_news(doc, figs)


_DAY_AFTER = frozenset(["غداه", "وغداه"])


def _own_time_span(doc: Doc, i: int) -> tuple[int, int]:
    """The figure's clause from its last after-word before it: "افتتح القمة الجمعة بعد مقتل 60" dates
    today's step, not the toll that came before it."""
    lo, hi = clause_bounds(doc, i)
    for k in range(i - 1, lo - 1, -1):
        if doc.norms[k] in _COMES_AFTER:
            return k + 1, hi
    return lo, hi


def _after_a_day(doc: Doc, lo: int, i: int) -> bool:
    """A day-after word between ``lo`` and the figure at ``i``: غداة, or بعد يوم (واحد) من."""
    w = doc.w  # padded past the end, unlike the token lists
    for k in range(max(lo, i - 16), i):
        if w[k] in _DAY_AFTER:
            return True
        if w[k] in ("بعد", "وبعد") and w[k + 1] == "يوم" and (
                w[k + 2] == "من" or (w[k + 2] == "واحد" and w[k + 3] == "من")):
            return True
    return False


def _day_after_news(doc: Doc, figs: list[Fig]) -> None:
    """A story with no toll of its own that tells today's step "the day after" a toll ("شن أردوغان هجوما
    الثلاثاء … غداة مقتل 61" in a Tuesday story) reacts to yesterday's event: that toll is its news (the
    conventions' reaction the day after). Only tolls no article pass made background are restored."""
    own = {f.cas.kind for f in figs if not f.cas.background and not f.cas.vague and f.cas.count is not None}
    for f in figs:
        c = f.cas
        if not c.background or f.why or c.count is None or c.kind not in _TOLL_KINDS or c.kind in own:
            continue
        slo, _ = sentence_range(doc, f.sent, f.first)
        if _after_a_day(doc, slo, f.first) and day_of(doc, slo, f.first) == 0:
            c.background = False


def _reaction_news(doc: Doc, figs: list[Fig]) -> None:
    """A story with no figure of its own whose headline tells violence and whose step "comes after" a
    toll ("وجاءت التصريحات بعد مقتل 60") reacts to that event: the toll is its news, when the after-word
    is the only cue of the toll's sentence."""
    if any(not f.cas.background for f in figs) or not headline_tells_violence(doc):
        return
    for f in figs:
        c = f.cas
        if f.why or c.count is None or c.kind not in _TOLL_KINDS:
            continue
        cues = sentence_cues(doc, f.sent, f.first)
        after = [k for k in cues if k < f.first and doc.norms[k] in lx.AFTER_WORDS]
        if after and all(k in after for k in cues) and not _then_opened(doc, after[0]):
            c.background = False


def _then_opened(doc: Doc, k: int) -> bool:
    """"…، وذلك بعد أن قالت دمشق …": the after-word closes a clause of the story's own, not its subject."""
    return any(doc.norms[j] == "وذلك" for j in range(max(0, k - 3), k))


# Characters into the text from which a first toll under a headline that tells no violence is context.
DEEP_TOLL_START = 2000


def headline_tells_violence(doc: Doc) -> bool:
    """Whether the title names a casualty, an attack, a battle or an accident."""
    head = doc.folded[:doc.head_end]
    for ch in PROBE_PUNCT:
        head = head.replace(ch, " ")
    words = head.split()
    return any(w in HEADLINE_EVENT for w in words) \
        or any(stem in w for w in words for stem in lx.DISASTER_STEMS)


def _deep_tolls(doc: Doc, figs: list[Fig]) -> None:
    """A story whose headline tells no violence and whose first current toll comes
    ``DEEP_TOLL_START`` characters in reports something else (a reaction, a trial, a feature):
    its tolls are earlier events cited for context, whatever their sentences say."""
    if not doc.head_end:
        return
    live = [f for f in figs if not f.cas.background and f.cas.kind in _TOLL_KINDS]
    if not live or min(doc.starts[f.first] for f in live) < DEEP_TOLL_START or headline_tells_violence(doc):
        return
    if any(day_of(doc, *sentence_range(doc, f.sent, f.first)) >= 0 for f in live):
        return  # a toll dated today or yesterday is the story's own news, however late it comes
    for f in live:
        f.cas.background = True


# An inquiry in the title ("يطالب بتحقيق مستقل في …"، "فيتو ضد تحقيق"، "التحقيق في مقطع فيديو"), not "تحقيق"
# as "achieving" ("لتحقيق السلام"): the definite noun, or an indefinite one followed by its subject or kind
_INQUIRY_DEF = frozenset(["التحقيق", "بالتحقيق", "للتحقيق", "والتحقيق"])
_INQUIRY = frozenset(["تحقيق", "بتحقيق", "لتحقيق", "تحقيقا", "وتحقيق"])
_INQUIRY_NEXT = frozenset(["في", "بشان", "حول", "مع", "مستقل", "دولي", "جديد", "اممي", "عاجل", "شامل", "شفاف"])


def _inquiry_title(doc: Doc) -> bool:
    """Whether the title names an inquiry asked for, opened or blocked."""
    head = doc.folded[:doc.head_end]
    for ch in PROBE_PUNCT:
        head = head.replace(ch, " ")
    words = head.split()
    return any(w in _INQUIRY_DEF or (w in _INQUIRY and k + 1 < len(words) and words[k + 1] in _INQUIRY_NEXT)
               for k, w in enumerate(words))


def _inquiry_story(doc: Doc, figs: list[Fig]) -> None:
    """A story whose title names no violence and asks for, opens or blocks an inquiry reacts to an
    event already reported: its tolls are that event's, unless a toll's sentence dates it today or
    yesterday. Cost: one pass over the title's words."""
    if any(not f.cas.background for f in figs) and _inquiry_title(doc) and not headline_tells_violence(doc):
        _undated_tolls_background(doc, figs)


def _undated_tolls_background(doc: Doc, figs: list[Fig]) -> None:
    live = [f for f in figs if not f.cas.background and f.cas.kind in _TOLL_KINDS]
    if any(day_of(doc, *sentence_range(doc, f.sent, f.first)) >= 0 for f in live):
        return  # a toll dated today or yesterday is the story's own news
    for f in live:
        f.cas.background = True


def _flags(figs: list[Fig]) -> list[bool]:
    return [f.cas.background for f in figs]


def _mark(figs: list[Fig], before: list[bool], bit: int) -> list[bool]:
    """Record ``bit`` on the figures a pass made background; the flags after it."""
    after = _flags(figs)
    for f, was, now in zip(figs, before, after, strict=True):
        if now and not was:
            f.why |= bit
    return after


def _continuations(doc: Doc, figs: list[Fig]) -> None:
    """"كما أصيب 1700": a sentence that continues a background one is background."""
    by_sent: dict[int, list[Fig]] = {}
    for f in figs:
        by_sent.setdefault(f.sent, []).append(f)
    prev_sent = -1
    prev_bg = False
    for f in figs:
        c = f.cas
        if f.sent != prev_sent:
            same = by_sent[f.sent]
            lo = sentence_range(doc, f.sent, f.first)[0]
            first = doc.norms[lo] if doc.kinds[lo] == T_WORD else ""
            if first in lx.CONTINUATIONS and prev_bg and not c.background \
                    and not now_anchor(doc, *clause_bounds(doc, f.first)):
                for g in same:
                    g.cas.background = True
            group = [g for g in same if g.cas.count is not None]
            if group:
                prev_bg = all(g.cas.background for g in group)
                prev_sent = f.sent


def _sentence_groups(figs: list[Fig]) -> list[list[Fig]]:
    groups: list[list[Fig]] = []
    for f in figs:
        if f.cas.count is None:
            continue
        if groups and groups[-1][0].sent == f.sent:
            groups[-1].append(f)
        else:
            groups.append([f])
    return groups


def _paragraph_breaks(doc: Doc, a: int, b: int) -> int:
    return doc.text.count("\n", a, b)


def _companions(doc: Doc, figs: list[Fig]) -> None:
    """A figure sentence right after a background one takes its time when it adds the other kind in
    the same paragraph ("… منذ اندلاع الاحتجاجات إلى 41. وأصيب نحو خمسة آلاف") or says أيضا in the
    next ("وأضاف أن الهجمات أسفرت أيضا عن إصابة 3607"), and names no time of its own."""
    groups = _sentence_groups(figs)
    for prev, group in pairwise(groups):
        if not all(f.cas.background for f in prev) or all(f.cas.background for f in group):
            continue
        lo, hi = sentence_range(doc, group[0].sent, group[0].first)
        if now_anchor(doc, lo, hi) or _recent_date(doc, group[0].sent, group[0].first, []):
            continue
        breaks = _paragraph_breaks(doc, doc.ends[prev[-1].last], doc.starts[group[0].first])
        also = not (lx.ALSO_WORDS.isdisjoint(doc.norms[lo:hi + 1]) and lx.ADDITION_WORDS.isdisjoint(doc.norms[lo:hi + 1]))
        other_kind = {f.cas.kind for f in prev}.isdisjoint(f.cas.kind for f in group)
        if (breaks == 0 and other_kind) or (breaks <= 1 and (also or _same_event(doc, prev[0], lo, hi))):
            for f in group:
                f.cas.background = True


def _same_event(doc: Doc, prev: Fig, lo: int, hi: int) -> bool:
    """The sentence names with ال an event noun that the sentence before named ("إحباط هجوم" → "إحباط
    الهجوم"): it tells more of that earlier event."""
    plo, phi = sentence_range(doc, prev.sent, prev.first)
    before = {w[2:] if w.startswith("ال") else w for w in doc.norms[plo:phi + 1]}
    return any(w.startswith("ال") and w[2:] in lx.EVENT_NOUNS and w[2:] in before for w in doc.norms[lo:hi + 1])


_PAST_ADJ_CTX = frozenset([*_PAST_ADJ])
_PERIOD_NOUNS = frozenset(["العام", "الشهر", "السنه", "عام"])
# "الأسبوع الماضي", "الصيف الماضي" in the text before: often the date of a thing the lead mentions in
# passing ("محاولة اغتيال … الأسبوع الماضي" over today's arrest), so a weak mark; none after خلال/مدار
_WEAK_PERIODS = frozenset(["الاسبوع", "الصيف", "الشتاء", "الربيع", "الخريف"])
_ACCUMULATING = frozenset(["خلال", "وخلال", "مدار", "طوال", "طيله"])
_CONTEXT_PUNCT = ("\u060c", ",", ".", "/", "(", ")", "\u061f", "?", "!", ":", "\u061b", "\"", "\u00ab", "\u00bb")
_ENDS = ".!?\u061f\u061b"


def _context_window(doc: Doc, s0: int) -> tuple[int, int]:
    """The text before a sentence that sets its time: the earlier sentences of its paragraph, or the
    last sentence of the paragraph before when it opens one (never the title)."""
    text = doc.text
    if s0 < doc.head_end:  # a title figure: the lead sentence dates its event
        a = doc.head_end + 1
        body = text[a:text.find("\n", a) if text.find("\n", a) != -1 else len(text)]
        cut = min((i for i in (body.find(ch) for ch in _ENDS) if i != -1), default=len(body))
        return a, a + cut
    para = text.rfind("\n", 0, s0) + 1
    if text[para:s0].strip():
        a, b = para, s0
    else:
        b = text.rfind("\n", 0, s0)
        if b <= 0:
            return s0, s0
        a = text.rfind("\n", 0, b) + 1
        body = text[a:b].rstrip()
        cut = max(body.rfind(ch, 0, len(body) - 1) for ch in _ENDS)
        a = a + cut + 1 if cut >= 0 else a
    return max(a, doc.head_end), b


def turns_topic(doc: Doc, lo: int, hi: int) -> bool:
    """The sentence opens by turning to another story ("من جهة أخرى،", "في سياق منفصل،", "ميدانيا،")."""
    for k in range(lo, min(hi, lo + 4)):
        if doc.norms[k] in lx.TOPIC_SHIFT_WORDS or (doc.norms[k], doc.norms[k + 1]) in lx.TOPIC_SHIFT_PAIRS:
            return True
    return False


_COMPARE_REACH = 10  # words back from منذ to a superlative ("أكبر عدد من القتلى في يوم واحد منذ")
_COMPARE_SPAN = 6  # words after منذ that name the comparison ("منذ حرب غزة عام 2014")


def _outside_comparisons(words: list[str]) -> list[int]:
    """Indices of ``words`` not inside a comparison: "أعنف يوم منذ حرب 2014" names no time of the story."""
    out: list[int] = []
    skip_to = -1
    for k, w in enumerate(words):
        if k <= skip_to:
            continue
        if w in ("منذ", "ومنذ") and any(x in lx.SUPERLATIVES for x in words[max(0, k - _COMPARE_REACH):k]):
            skip_to = k + _COMPARE_SPAN
            continue
        out.append(k)
    return out


def _is_year(w: str) -> bool:
    return len(w) == 4 and w.isdigit() and 1900 <= int(w) <= 2100


def _past_word(words: list[str], k: int, ref: date | None) -> int:
    """How word ``k`` dates the text: 2 for an earlier year, "العام الماضي", "قبل أسبوع" or "منذ بداية …";
    1 for a weaker mark ("الأحد الماضي", "فبراير الماضي", a weekday two to five days back, "منذ الأحد") that
    dates a figure only when its sentence refers back to a known event; 0 for none."""
    w = words[k]
    nxt = words[k + 1] if k + 1 < len(words) else ""
    if w.isdigit():
        return 2 if len(w) == 4 and ref is not None and 1900 <= int(w) < ref.year else 0
    if (w in _PERIOD_NOUNS and nxt in _PAST_ADJ_CTX) or (w in ("قبل", "وقبل") and nxt in lx.AGO_PERIODS):
        return 2
    if w in _WEAK_PERIODS and nxt in _PAST_ADJ_CTX:
        return 0 if k and words[k - 1] in _ACCUMULATING else 1
    if w in ("منذ", "ومنذ") and nxt in lx.SINCE_START:
        return 2  # "منذ بداية مسيرات العودة": what the paragraph counts next runs since then
    if w in ("منذ", "ومنذ") and nxt and nxt not in lx.MUNDHU_NOW:
        return 1  # "ومنذ بدء هجومها، …": what the paragraph tells next is accumulated
    day = _WEEKDAYS.get(w)
    if (day is not None or w in _MONTHS) and nxt in _PAST_ADJ_CTX:
        return 1
    if w in _MONTHS and ref is not None and _dated_weeks_before(words, k, ref):
        return 2
    if day is not None and ref is not None and nxt not in _FUTURE_ADJ and 2 <= (ref.weekday() - day) % 7 <= 5 \
            and (k == 0 or words[k - 1] not in ("غدا", "وغدا")):
        return 1  # six days back is more often tomorrow ("غدا (الثلاثاء)") than an unmarked past day
    return 0


_DATED_REACH = timedelta(days=7)
_IN_MONTH = frozenset(["في", "وفي", "خلال", "وخلال"])  # "في شباط": the whole month


def _dated_weeks_before(words: list[str], k: int, ref: date) -> bool:
    """Month word ``k`` names a day ("23 مارس"، "الثالث والعشرين من آذار") or, after في/خلال, a whole month
    ("في كانون الثاني وشباط" in a March article) that ended a week or more before ``ref``;
    not when the text tells a death of wounds ("توفي متأثرا بجراح أصيب بها في 13 أبريل"): that day
    is the wounding's, not the death's."""
    if any(x.startswith(("متاثر", "ومتاثر")) for x in words):
        return False
    prev = words[k - 1] if k else ""
    while prev in _MONTHS and k > 1:  # "آذار/مارس"
        k -= 1
        prev = words[k - 1]
    day = int(prev) if prev.isdigit() and 1 <= int(prev) <= 31 else 0
    if not day and prev != "من" and prev not in _IN_MONTH:
        return False
    month = _MONTHS[words[k]]
    nxt = next((x for x in words[k + 1:k + 3] if x not in _MONTHS), "")
    if nxt in _FUTURE_ADJ:
        return False
    year = int(nxt) if _is_year(nxt) else (ref.year - 1 if month > ref.month + 1 else ref.year)
    try:
        latest = date(year, month, day) if day else date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    except ValueError:
        return False
    return latest < ref - _DATED_REACH


_DEFINITE = ("ال", "وال", "بال", "فال", "لل", "كال", "وبال", "ولل")
# words that can open a mark of _past_word (besides 4-digit years): a cheap test before the scan
_PAST_FIRST = frozenset([*_PERIOD_NOUNS, *_WEAK_PERIODS, "قبل", "وقبل", "منذ", "ومنذ", *_WEEKDAYS, *_MONTHS])
_AFTER = frozenset(["بعد", "وبعد"])
_TIME_WORDS = frozenset([*lx.NOW_WORDS, *_WEEKDAYS, *_MONTHS])  # a figure sentence naming its own time


def names_known_event(doc: Doc, lo: int, hi: int) -> bool:
    """The sentence names an event with ال ("إثر الهجوم", "خلال المعارك"): one the text told before."""
    for w in doc.norms[lo:hi + 1]:
        for p in _DEFINITE:
            if w.startswith(p) and w[len(p):] in lx.EVENT_NOUNS:
                return True
    return False


_HEADING_REACH = 4  # paragraphs back to look for the sub-heading of a figure's section


def _section_heading(doc: Doc, a: int) -> str:
    """The sub-heading over the text at offset ``a``: the nearest of the few lines before it that is
    short and ends with no full stop ("ما الذي حدث يوم السبت؟"); "" when there is none."""
    text = doc.text
    end = text.rfind("\n", 0, a)
    for _ in range(_HEADING_REACH):
        if end <= doc.head_end:
            return ""
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        if line and len(line.split()) <= _MAX_HEADING_WORDS and line[-1] not in ".!\u061b":
            return doc.folded[start:end]
        end = start - 1
    return ""


def _after_span(words: list[str], ref: date | None) -> bool:
    """"جاءت الضربات بعد أسبوع من هجوم": the attack is a week old — unless the words name today or
    yesterday as the day ("سيطروا مساء الاثنين، بعد أسبوع من تسليم الحي")."""
    return any(w in _AFTER and words[k + 1] in lx.AGO_PERIODS for k, w in enumerate(words[:-1])) \
        and not _names_recent_day(words, ref)


def _names_recent_day(words: list[str], ref: date | None) -> bool:
    """The words name today's or yesterday's weekday ("مساء الاثنين" in a Tuesday article): a weak
    earlier mark beside it ("بعد أسبوع من …") dates something else, not the story."""
    if ref is None:
        return False
    for k, w in enumerate(words):
        day = _WEEKDAYS.get(w)
        if day is not None and (ref.weekday() - day) % 7 < 2 \
                and (k + 1 == len(words) or words[k + 1] not in _PAST_ADJ_CTX):
            return True
    return False


def _pluperfect_before(doc: Doc, a: int, b: int) -> bool:
    """The sentence right before (the last of ``a:b``) opens with كان and reports nothing ("وكانت
    الحكومة قد اتهمت الجماعة بشن هجوم"): it tells an earlier event, a weak mark for the text after it."""
    last = ""
    for piece in doc.folded[a:b].replace("\n", ".").split("."):
        if piece.strip():
            last = piece
    words = last.split()
    return bool(words) and words[0] in lx.PLUPERFECT_OPENERS and lx.REPORT_VERBS.isdisjoint(words)


def _quiet_story_dated_back(doc: Doc, words: list[str], ref: date | None) -> bool:
    """Under a headline that names no violence, the text before names an earlier weekday or month as the
    time of what it tells ("بسبب اندلاع أعمال العنف على حدود غزة الجمعة الماضي" in a Sunday reaction story,
    "في 15 ديسمبر الماضي"): the story reacts to that day, so a toll with no time of its own after it is
    that day's, cited. Not a
    weekday that starts a period ("منذ تكثيف القصف ليل الأحد") or names an event by its day ("هجوم
    السبت الماضي"): neither dates the text around it."""
    if not doc.head_end or headline_tells_violence(doc):
        return False  # a text with no title line is not judged
    for k, w in enumerate(words):
        if (w in _WEEKDAYS or w in _MONTHS) and _past_word(words, k, ref) == 1 \
                and _SINCE.isdisjoint(words[max(0, k - 5):k]) and lx.EVENT_NOUNS.isdisjoint(words[max(0, k - 2):k]):
            return True
    return False


_SINCE = frozenset(["منذ", "ومنذ"])


def _earlier_context(doc: Doc, figs: list[Fig]) -> None:
    """A figure sentence with no time of its own, after text that dates its story to an earlier year
    or period ("وسبق للجيش أن شن غارات في 16 فبراير 2015 …. وأسفرت الضربات عن مقتل 64"), is background."""
    ref = doc.ref
    for group in _sentence_groups(figs):
        if all(f.cas.background for f in group):
            continue
        lo, hi = sentence_range(doc, group[0].sent, group[0].first)
        if not _TIME_WORDS.isdisjoint(doc.norms[lo:hi + 1]) \
                or any(doc.kinds[k] == T_NUM and _is_year(doc.norms[k]) for k in range(lo, hi + 1)):
            continue
        if turns_topic(doc, lo, hi):
            continue
        a, b = _context_window(doc, doc.starts[lo])
        if b - a < 8 and not _is_year(doc.folded[a:b].strip()):
            continue  # too short to date anything, unless it is a timeline's year line ("2009")
        chunk = doc.folded[a:b] + " " + _section_heading(doc, a)
        for ch in _CONTEXT_PUNCT:
            chunk = chunk.replace(ch, " ")
        words = chunk.split()
        if not lx.NOW_WORDS.isdisjoint(words):
            continue
        has_after = not _AFTER.isdisjoint(words)
        pluperfect = _pluperfect_before(doc, a, b)
        if _PAST_FIRST.isdisjoint(words) and "19" not in chunk and "20" not in chunk and not has_after \
                and not pluperfect:
            continue  # no word that can date it, and no year
        mark = max((_past_word(words, k, ref) for k in _outside_comparisons(words)
                    if words[k] in _PAST_FIRST or words[k].isdigit()), default=0)
        if mark == 2 or ((mark == 1 or pluperfect or (has_after and _after_span(words, ref)))
                         and (names_known_event(doc, lo, hi) or (mark == 1 and _quiet_story_dated_back(doc, words, ref)))):
            for f in group:
                f.cas.background = True



_YESTERDAY = frozenset(["امس", "وامس", "البارحه"])
_NIGHT = frozenset(["ليل", "ليله", "وليل", "وليله"])


def day_of(doc: Doc, lo: int, hi: int) -> int:
    """Which day tokens ``lo..hi`` name: 0 today (اليوم، today's weekday), 1 yesterday (أمس, the
    weekday before), -1 neither; today wins when both are named ("ليل الأحد الاثنين")."""
    ref = doc.ref
    day = -1
    for k in range(lo, hi + 1):
        w = doc.norms[k]
        if w in _YESTERDAY:
            day = 1
        elif w == "اليوم" or w == "الليله":
            if doc.norms[k - 1] in ("ذلك", "ذات") or doc.w[k + 1] == "الذي":
                continue
            return 0
        else:
            wd = _WEEKDAYS.get(w)
            if wd is None or ref is None or doc.w[k + 1] in _PAST_ADJ:
                continue
            ago = (ref.weekday() - wd) % 7
            if ago == 0 or (ago == 1 and doc.norms[k - 1] in _NIGHT):
                return 0  # "ليل الاثنين" in a Tuesday article is last night: today's news
            if ago == 1:
                day = 1
    return day


def _yesterday_context(doc: Doc, figs: list[Fig]) -> None:
    """Once a counted figure is dated today, a later figure sentence dated yesterday tells an earlier
    incident for context ("قتل فلسطيني الاثنين … والأحد، قتل ثلاثة"): background."""
    today = False
    for group in _sentence_groups(figs):
        live = [f for f in group if not f.cas.background and not f.cas.vague and f.cas.kind in _TOLL_KINDS]
        if not live:
            continue
        lo, hi = sentence_range(doc, group[0].sent, group[0].first)
        day = day_of(doc, lo, hi)
        if day == 0:
            # a part of a vague toll ("العشرات بينهم ضابطان") dates no counted figure
            # a toll dated today that only rose ("ارتفعت الحصيلة الثلاثاء إلى 100") is yesterday's event
            # counted again: yesterday's first count of it tells the same event, not an earlier one
            today = today or any(f.cas.sub_of is None and not f.cas.update for f in live)
        elif day == 1 and today and "ايضا" not in doc.norms[lo:hi + 1]:
            # "أسفرت أيضا عن إصابة 1000": the event just told, whatever day a clause of it names
            for f in live:
                f.cas.background = True


_RELATIVE = frozenset(["الذي", "التي", "اللذين", "اللتين", "الذين"])


def _known_event_clauses(doc: Doc, figs: list[Fig]) -> None:
    """A toll in a relative clause on an event named with ال up to eight words before it, after the lead
    ("للتحقيق في الهجوم في دوما الذي قتل فيه نحو 40"، "القصف على مطار المدينة الشمالي الذي أوقع 7"),
    or in a reported clause whose subject is such an event in a story with no toll of its own before it
    ("ويقول نشطاء إن الهجوم أودى بحياة أكثر من 40"), tells an event the reader knows, not news:
    background, unless its sentence names today or yesterday or the article counts the same toll elsewhere."""
    end = lead_end(doc)
    own = False  # a current toll told before: the story's own event, which "the attack" may name
    for f in figs:
        c = f.cas
        if not (c.background or c.count is None or c.vague or doc.starts[f.first] < end) \
                and _told_event_toll(doc, f, own):
            slo, shi = sentence_range(doc, f.sent, f.first)
            # today's or yesterday's event (the story's own) named by its day, or the same toll counted
            if day_of(doc, slo, shi) < 0 and not any(w in lx.NOW_WORDS for w in doc.norms[slo:shi + 1]) \
                    and not any(g is not f and not g.cas.background and g.cas.kind == c.kind
                                and g.cas.count == c.count for g in figs):
                c.background = True
        own = own or (not c.background and c.count is not None and c.kind in _TOLL_KINDS)


def _told_event_toll(doc: Doc, f: Fig, own: bool) -> bool:
    """The figure's clause names an event with ال before a relative pronoun, or (with no toll of the story's
    own before it) as the subject of a reported clause."""
    lo = clause_bounds(doc, f.first)[0]
    rel = next((k for k in range(f.first - 1, max(lo - 1, f.first - 7), -1) if doc.norms[k] in _RELATIVE), -1)
    if rel >= 0 and (names_known_event(doc, max(lo, rel - 8), rel - 1) or _construct_event(doc, rel, lo)):
        return True
    return not own and _reported_known_event(doc, f.first, lo)


def _reported_known_event(doc: Doc, i: int, lo: int) -> bool:
    """A reported clause whose subject is an event named with ال, up to seven words before the toll in
    its clause ("ويقول نشطاء إن الهجوم أودى بحياة 40"): a toll of the event the text told before, as in a
    relative clause; not one that says أيضا ("وذكر أن الاشتباكات أسفرت أيضا عن إصابة 6": the event just told)."""
    for k in range(i - 1, max(lo, i - 8), -1):
        if doc.norms[k - 1] in lx.THAT_WORDS and names_known_event(doc, k, k):
            return lx.ALSO_WORDS.isdisjoint(doc.norms[k:i])
    return False


def _construct_event(doc: Doc, rel: int, lo: int) -> bool:
    """An event noun made definite by the name after it, before a relative pronoun ("هجوم دوما الذي"):
    الذي follows only a definite noun, so the event is one the reader knows."""
    for k in range(rel - 1, max(lo - 1, rel - 4), -1):  # a name of one or two words
        w = doc.norms[k]
        if k < rel - 1 and (w in lx.EVENT_NOUNS or (w[:1] in "وبل" and w[1:] in lx.EVENT_NOUNS)):
            return True
        if doc.kinds[k] != T_WORD or TRIG_BASE.get(w) is not None or w.startswith(_DEFINITE):
            return False
    return False


def lead_end(doc: Doc) -> int:
    """End offset of the lead: the title line and the first sentence of the body."""
    start = doc.head_end + 1 if doc.head_end else 0
    ends = [i for i in (doc.text.find(ch, start) for ch in ".!?\u061f\n") if i != -1]
    return min(ends) if ends else len(doc.text)


def _other_places(doc: Doc, figs: list[Fig], places: Sequence[tuple[int, int, str, str]]) -> None:
    """A toll whose sentence names only places outside the event's (the one country or admin1 the
    title and lead name) and no day of its own tells another event: background. A lead naming
    several regions, or a lead with its own toll, introduces separately reported incidents."""
    end = lead_end(doc)
    places = [p for p in places if locative(doc.text, p[0])]
    lead = {(c, a) for s, _e, c, a in places if s < end}
    if not lead or len({c for c, _a in lead}) > 1:
        return
    if any(doc.starts[f.first] < end and not f.cas.background and f.cas.count is not None for f in figs):
        return
    country = next(iter(lead))[0]
    counts: dict[str, int] = {}
    for p in places:
        counts[p[2]] = counts.get(p[2], 0) + 1
    if max(counts.values()) > counts[country]:
        return  # the lead's place is not the article's main country (an ambiguous name, a dateline)
    for group in _sentence_groups(figs):
        live = [f for f in group if not f.cas.background and f.cas.kind in _TOLL_KINDS]
        if not live:
            continue
        lo, hi = sentence_range(doc, group[0].sent, group[0].first)
        a, b = doc.starts[lo], doc.ends[hi]
        own = [(c, ad) for s, _e, c, ad in places if a <= s < b]
        if not own or any(c == country for c, _ad in own):
            continue
        if day_of(doc, lo, hi) >= 0 or any(w in lx.NOW_WORDS for w in doc.norms[lo:hi + 1]):
            continue  # its own today or yesterday: a separately reported current incident
        for f in live:
            f.cas.background = True


_LOCATIVE_WORDS = frozenset(["في", "قرب", "بالقرب", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي",
                             "غربي", "وسط", "ريف", "داخل"])


def locative(text: str, start: int) -> bool:
    """A place named as where something happens ("في حمص"، "بمدينة حمص"، "قرب درعا"), not as a
    headquarters, a dateline or an actor ("ومقره لندن"، "دبي (CNN)"، "أعلنت إسرائيل")."""
    if start >= 1 and text[start - 1] == "ب" and (start < 2 or not text[start - 2].isalpha()):
        return True  # "بحمص"
    words = text[max(0, start - 30):start].split()
    if not words:
        return False
    prev = words[-1]
    if prev.startswith(("ب", "وب")) and len(words) >= 1 and prev.lstrip("وب") in (
            "مدينة", "بلدة", "قرية", "محافظة", "منطقة", "مديرية", "ريف", "حي", "مخيم", "ناحية"):
        return True  # "بمدينة حمص"
    if prev in ("مدينة", "بلدة", "قرية", "محافظة", "منطقة", "مديرية", "حي", "مخيم", "ناحية") and len(words) >= 2:
        prev = words[-2]
    return prev in _LOCATIVE_WORDS or prev in ("وفي", "ففي")
