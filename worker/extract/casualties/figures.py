"""Casualty figures of one text: every number or singular victim noun read in its token context."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from worker.extract.casualties import lexicon as lx
from worker.extract.casualties.context import Doc, Fig, cue_ranges, join_abbreviations
from worker.extract.casualties.current import classify_article, is_background
from worker.extract.casualties.incidents import resolve_incidents
from worker.extract.casualties.tables import (
    CASE_KINDS,
    COUNTED,
    GROUP,
    GROUP_BASE,
    HARMS,
    INTEREST,
    LEFT_SKIP,
    MARKS_RE,
    MAX_FIGURES,
    MAX_LEFT,
    MAX_NUMBERS,
    MAX_RIGHT,
    MAX_VISITS,
    NOT_LEFT,
    NOT_PEOPLE,
    PERP_BASE,
    PLACE_TYPES,
    RIGHT_BASE,
    SINGLE_VICTIM_BASE,
    SINGULAR_BASE,
    SUBM,
    TRIG,
    TRIG_BASE,
    UPDATE,
    VICTIM,
    VICTIM_BASE,
    WEAK_BASE,
    WEAK_CONFIRMED,
    WHO_BASE,
    WHO_STOP,
)
from worker.extract.numbers import NUM_WORDS as _NUM_WORDS
from worker.extract.numbers import (
    T_COMMA,
    T_NUM,
    T_PCT,
    T_WORD,
    NumberMatch,
    fold_same_length,
    numbers_from_tokens,
    tokenize,
)
from worker.models import Casualty


def extract_casualties(text: str, *, vague_bounds: Mapping[str, int] | None = None,
                       reference: date | None = None,
                       places: Sequence[tuple[int, int, str, str]] | None = None) -> list[Casualty]:
    """Casualty figures of ``text`` in text order; spans index ``text``.

    ``reference`` (the publication date) dates weekdays and month names: a figure dated more than
    a day before it is background. ``places`` (start, end, country, admin1 of the gazetteer places
    named in ``text``: ``entities.place_spans``) tell a figure in another place than the event's.
    """
    read = read_figures(text, vague_bounds=vague_bounds, reference=reference, places=places)
    if read is None:
        return []
    doc, figs = read
    resolve_incidents(doc, figs, places or ())
    return [f.cas for f in figs]


def read_figures(text: str, *, vague_bounds: Mapping[str, int] | None = None, reference: date | None = None,
                 places: Sequence[tuple[int, int, str, str]] | None = None) -> tuple[Doc, list[Fig]] | None:
    """The figures of ``text`` with the rules' current/background decision, before incidents are
    resolved (None when the text holds no casualty word); bench/casualty_model.py reads them here."""
    if not text:
        return None
    folded = join_abbreviations(fold_same_length(text))
    marks = MARKS_RE.search(folded) is not None
    ranges = cue_ranges(folded, marks)
    if not ranges:
        return None
    tokens = tokenize(text, ranges, folded=folded, marks=marks)
    doc = Doc(text, folded, tokens, reference)
    nums = numbers_from_tokens(text, tokens, vague_bounds, limit=MAX_NUMBERS)
    by_first = {m.first: m for m in nums}
    interest = INTEREST
    stops = [i for i, w in enumerate(doc.norms) if w in interest]
    visit = sorted({*by_first, *stops})[:MAX_VISITS]
    figs: list[Fig] = []
    sub_active = False
    sub_kind: str | None = None
    sub_sent = -1
    done = -1  # last token consumed by a figure
    for i in visit:
        if len(figs) >= MAX_FIGURES:
            break
        if i <= done:
            continue
        if sub_active and sub_sent != doc.sent[i]:
            sub_active = False
        m = by_first.get(i)
        if m is not None:
            fig = _analyze_number(doc, m, figs, sub_active, sub_kind)
            if fig is not None:
                before = _singular_before(doc, fig, figs)
                if before is not None:
                    figs.append(before)
                if figs and figs[-1].forward and figs[-1].sent == fig.sent and fig.cas.sub_of is None:
                    figs[-1].cas.sub_of = len(figs)
                    figs[-1].subject = True
                figs.append(fig)
                after = _singular_after_count(doc, fig, figs)
                if after is not None:
                    figs.append(after)
                    done = after.last
                    continue
            done = m.last
            continue
        if doc.kinds[i] != T_WORD:
            continue
        norm = doc.norms[i]
        is_bain = norm in ("بين", "وبين", "ومن") and (
            VICTIM_BASE.get(doc.w[i + 1] or "") is not None or doc.w[i + 1] in ("بين", "بينهم"))
        if is_bain and figs and figs[-1].forward and figs[-1].last == i - 2:
            continue  # "9 من بين القتلى الـ30": the total follows, handled by ``forward``
        is_breakdown = norm in lx.BREAKDOWN_PRONOUNS and bool(figs) and figs[-1].sent == doc.sent[i] \
            and figs[-1].last >= i - 4
        if norm in SUBM or is_bain or is_breakdown:
            sub_active, sub_sent = True, doc.sent[i]
            vb = VICTIM_BASE.get(doc.w[i + 1] or "") if is_bain else None
            sub_kind = lx.VICTIM_NOUNS[vb] if vb else None
            single = _singular_after(doc, i + (2 if is_bain else 1))
            if single is not None:
                fig = _singular_fig(doc, i + (2 if is_bain else 1), single, None, figs, True, sub_kind)
                if fig is not None:
                    figs.append(fig)
            continue
        trig = TRIG_BASE.get(norm)
        if trig is not None:
            sub_active = False
            if (trig in lx.SV_KILLED or trig in lx.SV_INJURED) and TRIG[norm][1] == "":
                fig = _subject_singular(doc, i, figs, lx.INJURED if trig in lx.SV_INJURED else lx.KILLED)
                if fig is not None and (not figs or figs[-1].last < fig.first):
                    figs.append(fig)
            fig = _trigger_singular(doc, i, lx.LEFT_TRIGGERS[trig], figs)
            if fig is not None:
                figs.append(fig)
                done = fig.last
        elif WEAK_BASE.get(norm) in WEAK_CONFIRMED:
            # "لقي سائق حتفه": one person
            single = _singular_after(doc, i + 1)
            wk, confirm = lx.WEAK_TRIGGERS[WEAK_BASE.get(norm) or ""]
            if single is not None and _confirmed(doc, i + 2, confirm):
                fig = _singular_fig(doc, i + 1, single, wk, figs, False, None)
                if fig is not None:
                    figs.append(fig)
                    done = i + 1
            elif single is None and doc.w[i + 1] in lx.ONE_DEATH_OBJECTS:
                fig = _one_met_death(doc, i, figs)
                if fig is not None:
                    figs.append(fig)
                    done = i + 1
        elif norm in lx.DUAL_VERBS:
            fig = _dual_subject(doc, i, done, lx.DUAL_VERBS[norm])
            if fig is not None:
                figs.append(fig)
        elif WEAK_BASE.get(norm) in ("سقوط", "وقوع", "سقط", "سقطت"):
            sv = SINGLE_VICTIM_BASE.get(doc.w[i + 1] or "")
            if sv is not None and not _combined_after(doc, i + 1):
                cas = _make(doc, i + 1, i + 1, lx.SINGULAR_VICTIMS[sv], 1, None)
                figs.append(Fig(cas, i + 1, i + 1, doc.sent[i]))
                done = i + 1
    classify_article(doc, figs, places or ())
    return doc, figs


# ---------------------------------------------------------------------------------------------
# Number analysis
# ---------------------------------------------------------------------------------------------
def _analyze_number(
    doc: Doc, m: NumberMatch, figs: list[Fig], in_sub: bool, sub_kind: str | None
) -> Fig | None:
    i0, i1 = m.first, m.last
    # "القضاء على عدد (12) عنصر": a count in brackets after عدد (army statements) reads as the bare count
    bracketed = doc.w[i0 - 2] == "عدد" and doc.norms[i0 - 1] == "(" and i1 + 1 < doc.n and doc.norms[i1 + 1] == ")"
    if bracketed:
        i1 += 1
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
    if nxt_w in ("حاله", "حالات") and doc.w[i1 + 2] in CASE_KINDS:
        kind = CASE_KINDS[doc.w[i1 + 2] or ""]
    elif nxt_w is not None and nxt_w in NOT_PEOPLE:
        return None
    if nxt_w in ("في", "ب") and doc.w[i1 + 2] in ("المئه", "المائه"):
        return None
    if prev_w is not None and prev_w in NOT_LEFT:
        return None
    if m.digits and value is not None and 1900 <= value <= 2100 and WHO_BASE.get(nxt_w or "") is None \
            and VICTIM_BASE.get(nxt_w or "") is None:
        return None
    if not m.dual and nxt_kind == T_NUM:
        return None  # "17 2018" style leftovers
    if value == 1 and doc.norms[i0] in ("واحد", "واحده", "وواحد", "وواحده") and prev_w is not None \
            and TRIG_BASE.get(prev_w) is None and who_label(prev_w) is None:
        return None  # "عائلة واحدة": an adjective, not a count
    if value in (1, 2) and not m.digits and figs and figs[-1].last == i0 - 1 and figs[-1].cas.count == value:
        return None  # "مقتل شخص واحد", "الجنديان الاثنان": the noun before it is the figure already
    if value == 2 and doc.norms[i0] in lx.WEEKDAY_TWO and (prev_w is None or who_label(prev_w) is None):
        return None  # "قُتل الإثنين 55": Monday, not "the two"
    if value == 1 and doc.norms[i0] == "احد" and nxt_w is None:
        return None  # "لا نأمر بقتل أحد.": anyone, no one counted; "أحد الجنود" names its people
    if value == 1 and doc.norms[i0] in lx.ONE_OF_GROUP and nxt_w is not None \
            and (VICTIM.get(nxt_w) or ("", ""))[1] in ("ال", "وال", "بال"):
        return None  # "أحد القتلى": one of a group counted elsewhere
    if VICTIM_BASE.get(nxt_w or "") in ("ضحيه", "ضحايا") and doc.w[i1 + 2] in HARMS:
        return None  # "إحدى ضحايا التحرش", "ضحايا الاحتيال": victims of a harm that kills no one

    update = False
    forward = False
    who: str | None = None
    perp = False
    left_start = i0 - 3 if bracketed else i0 - 1
    if m.dual:
        vb = VICTIM_BASE.get(doc.norms[i0])
        if vb is not None:
            kind = lx.VICTIM_NOUNS[vb]
        who = who_label(doc.norms[i0])
    if value == 2 and not m.digits and doc.norms[i0] in lx.TWO_AFTER_NOUN and prev_w is not None \
            and TRIG_BASE.get(prev_w) is None and WEAK_BASE.get(prev_w) is None:
        # "مقتل مقاتلين اثنين", "إصابة مصريين اثنين": the number word follows the counted noun
        who = who_label(prev_w)
        perp = PERP_BASE.get(prev_w) is not None
        left_start = i0 - 2
    if m.definite and prev_w is not None and (WHO_BASE.get(prev_w) or PERP_BASE.get(prev_w)):
        # "قتل المسلحين الثلاثة": the counted noun precedes the number
        who = who_label(prev_w)
        perp = PERP_BASE.get(prev_w) is not None
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
                forward = VICTIM.get(w or "") is not None
        hit = VICTIM.get(w or "")
        if hit is None and w is not None and WHO_BASE.get(w) is not None:
            # "4 من الجنود القتلى", "3 جنود قتلى": the victim noun qualifies the counted people
            after = VICTIM.get(doc.w[r + 1] or "")
            if after is not None and after[1] in ("", "ال"):
                hit = after
        if hit is not None and hit[1] in ("", "ال"):
            kind = lx.VICTIM_NOUNS[hit[0]]
            if kind in COUNTED and _combined_after(doc, r):
                kind = lx.COMBINED
    if kind == lx.INJURED and prev_w in lx.DIED_VERBS:
        kind = lx.KILLED  # "وتوفي 7 جرحى": wounded people who died
    # 2. trigger on the left
    vso = WHO_BASE.get(nxt_w or "") is not None or nxt_w == "من"
    left_kind, update, negated, weak = _left_trigger(doc, left_start, i1, vso)
    if negated:
        return None
    if kind is None or (weak and left_kind is not None):
        kind = left_kind
    if not update and kind in COUNTED and _rose_to(doc, i0):
        update = True  # "ارتفع عدد القتلى بعد وفاة الصحفي فلان إلى 10 قتلى"
    elif not update and figs and figs[-1].cas.update and figs[-1].sent == doc.sent[i0] and i0 - figs[-1].last <= 4:
        update = True  # "ارتفع عدد القتلى إلى 18 والمصابين إلى 41"
    elif kind == lx.KILLED and left_kind == lx.COMBINED:
        kind = lx.COMBINED
    if kind is not None and kind in COUNTED and _combined_after(doc, i1 + 1):
        kind = lx.COMBINED
    # 3. verb after the counted people; "بين قتيل وجريح" alone
    if kind is None:
        kind = _right_verb(doc, i1 + 1)
    if kind is None and _combined_after(doc, i1 + 1):
        kind = lx.COMBINED
    post_sub = doc.w[i1 + 1] in lx.SUB_MARKERS or (
        doc.w[i1 + 2] in lx.SUB_MARKERS and WHO_BASE.get(doc.w[i1 + 1] or "") is not None)
    if kind is None and post_sub and not in_sub:
        kind = _verb_after_breakdown(doc, i1 + 1)  # "13 مدنيا بينهم 4 أطفال وامرأتان لقوا مصرعهم"
        if kind is not None:
            post_sub = False
    # 4. coordination with the previous figure of the sentence, or an open sub-count list
    coord = _coordinated_with(doc, m, figs)
    if kind is None and coord is not None:
        kind = coord.cas.kind
    if (coord is not None and coord.cas.update and kind == coord.cas.kind) or (
            coord is not None and coord.cas.update and doc.w[i0 - 1] == "الي"):
        update = True
    sub_parent: int | None = None
    if in_sub or post_sub or (coord is not None and coord.cas.sub_of is not None):
        if coord is not None and coord.cas.sub_of is not None:
            sub_parent = coord.cas.sub_of
        else:
            sub_parent = _find_parent(figs, sub_kind or kind)
        own_kind = kind is not None
        if sub_parent is not None and kind is None:
            kind = sub_kind or figs[sub_parent].cas.kind
        if sub_parent is not None and post_sub and not in_sub:
            parent = _find_parent(figs, kind)
            # a vague toll holds no toll of its own that opens a breakdown ("عدد من الجرحى" … "عدد
            # الجرحى بلغ 10 منهم 8"), nor does a smaller toll ("جنديين" … "لقي أربعة بينهم امرأة");
            # a bare count ("حالة اثنين منهم") stays its part
            sub_parent = None if parent is None or (own_kind and (figs[parent].cas.vague or (
                int(value or 0) > int(figs[parent].cas.count or 0) and _opens_breakdown(doc, i1)))) else sub_parent
    if kind is None:
        return None

    if who is None or not perp:
        w_label, w_perp = _who_right(doc, r if r > i1 + 1 else i1 + 1)
        who = who or w_label
        perp = perp or w_perp
    if perp:
        who = "perpetrators"
    cas = _make(doc, i0, m.last, kind, None if m.vague else int(value or 0) or None, who)
    cas.approximate = m.approximate or _approx_right(doc, i1 + 1)
    if m.vague:
        cas.count, cas.vague, cas.lower_bound = None, True, m.lower_bound
    cas.update = update
    cas.running = update or _toll_before(doc, left_start)
    cas.perpetrator = perp
    cas.background = is_background(doc, i0)
    cas.sub_of = sub_parent
    fig = Fig(cas, i0, i1, doc.sent[i0])
    fig.subject = sub_parent is not None
    fig.forward = forward and sub_parent is None
    return fig


def _make(doc: Doc, i0: int, i1: int, kind: str, count: int | None, who: str | None) -> Casualty:
    s, e = doc.starts[i0], doc.ends[i1]
    return Casualty(kind, count, False, who, (s, e), doc.text[s:e])


def _left_trigger(doc: Doc, start: int, i1: int, vso: bool) -> tuple[str | None, bool, bool, bool]:
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
    toll = doc.w[start] in ("الي", "لتبلغ", "ليبلغ", "بلغت", "بلغ", "ل") and any(
        (doc.w[k] or "") in lx.TOLL_NOUNS or doc.w[k] == "عدد"
        for k in range(max(0, start - 12), start))
    limit = MAX_LEFT + (6 if toll else 0)
    while j >= 0 and steps < limit:
        if doc.kinds[j] != T_WORD:
            if doc.kinds[j] == T_COMMA and doc.norms[j] in _QUOTES:
                j -= 1  # "أسفرت عن مقتل "23 مقاتلا"": a quote mark between trigger and count
                steps += 1
                continue
            aside = _time_aside(doc, j) if toll else -1
            if aside >= 0:
                j = aside - 1  # "ارتفعت حصيلة القتلى، يوم الأحد، إلى 52": a day set off by commas
                steps += 1
                continue
            return none
        w = doc.norms[j]
        trig = TRIG_BASE.get(w)
        if trig is not None:
            if unknown and trig not in lx.TRIGGER_VERBS:
                return none
            if trig in lx.NEEDS_ALA and doc.w[j + 1] != "علي":
                return none
            if (trig in lx.EXECUTION_TRIGGERS and _sentenced(doc, j)) or _charged(doc, j) \
                    or (trig == "بحياه" and doc.w[j - 1] in lx.RISK_WORDS):
                return None, False, True, False  # "المخاطرة بحياة الطيارين": lives risked, not taken
            kind = lx.LEFT_TRIGGERS[trig]
            prev = doc.w[j - 1]
            if prev is not None:
                pt = TRIG_BASE.get(prev)
                if pt is not None and TRIG[w][1].startswith("و") and pt in lx.COMBINABLE \
                        and trig in lx.COMBINABLE and not _counted_before(doc, j - 1):
                    pk = lx.LEFT_TRIGGERS[pt]
                    if {pk, kind} == {lx.KILLED, lx.INJURED}:
                        kind = lx.COMBINED
                if prev in lx.NEGATIONS:
                    return None, False, True, False
            update = update or _update_before(doc, j)
            return kind, update, False, False
        vb = VICTIM.get(w)
        if vb is not None and (vb[1] in ("ال", "وال", "لل", "بال") or toll) and not unknown:
            if toll and _hedged(doc, j - 1):
                return None, False, True, False
            return lx.VICTIM_NOUNS[vb[0]], update or _update_before(doc, j), False, False
        weak = WEAK_BASE.get(w)
        if weak is not None:
            wkind, confirm = lx.WEAK_TRIGGERS[weak]
            if confirm and _confirmed(doc, i1 + 1, confirm, _MET_REACH if weak in lx.MET_VERBS else MAX_RIGHT):
                return wkind, update, False, True
            if weak in lx.DOCUMENT_VERBS and WHO_BASE.get(doc.w[i1 + 1] or "") is not None:
                return wkind, update, False, True
            return none
        if _hedged(doc, j):
            return None, False, True, False  # "قد يصل عدد القتلى إلى 180": a forecast, not a toll
        if w in UPDATE:
            update = True
        elif w in LEFT_SKIP or toll:
            pass
        elif doc.w[j - 1] == "في" and not unknown:
            j -= 1  # "قتل في هجوم اليوم 4 أشخاص"
            steps += 1
        elif not unknown and _fi_phrase(doc, j) >= 0:
            j = _fi_phrase(doc, j)  # "وقتل ليلا في مدينتي زملكا وعربين أكثر من 50 شخصا": one step
            steps += 1
        elif vso and unknown < 3:
            unknown += 1
        else:
            return none
        j -= 1
        steps += 1
    return none


_QUOTES = frozenset(['"', "\u00ab", "\u00bb"])
# "لقي اثنان من خبراء الصواريخ، أحدهما إيراني والآخر لبناني، مصرعهما": the people named between the verb
# of meeting death and its object may take a من phrase and a breakdown
_MET_REACH = 12
_COMMAS = frozenset(["،", ","])
_TIME_WORDS = frozenset([*(w for names in lx.WEEKDAYS for w in names), *lx.NOW_WORDS, "يوم", "مساء", "ليل"])


def _time_aside(doc: Doc, j: int) -> int:
    """The opening comma of a day set off by commas that closes at the comma ``j`` ("، يوم الأحد،"), or -1."""
    if doc.norms[j] not in _COMMAS:
        return -1
    for k in range(j - 1, max(-1, j - 4), -1):
        if doc.kinds[k] == T_COMMA:
            return k if k < j - 1 and doc.norms[k] in _COMMAS else -1
        if doc.norms[k] not in _TIME_WORDS:
            return -1
    return -1


def _charged(doc: Doc, j: int) -> bool:
    """The trigger at ``j`` names a charge or an attempt, not a death: "متهما بقتل"، "بتورطه في اغتيال"،
    "محاولة اغتيال"."""
    prev = doc.w[j - 1]
    if prev is not None and (prev in lx.ACCUSED or prev in lx.ATTEMPTS):
        return True
    # "بتورطه في اغتيال"، "اعتراف إسرائيلي بقتل 7": one word between the charge and "(ب)قتل"
    if prev == "في" or TRIG[doc.norms[j]][1].startswith("ب"):
        prev = doc.w[j - 2]
        return prev is not None and (prev in lx.ACCUSED or prev in lx.ATTEMPTS)
    return False


def _sentenced(doc: Doc, j: int) -> bool:
    """The execution noun at ``j`` is a court's sentence ("حكم بإعدام ستة"، "قضت المحكمة بالإعدام على 3"),
    not one carried out ("تنفيذ أحكام بإعدام 13")."""
    near = [doc.w[k] for k in range(max(0, j - 3), j)]
    return not lx.SENTENCING_WORDS.isdisjoint(near) and lx.CARRIED_OUT.isdisjoint(near)


def _counted_before(doc: Doc, j: int) -> bool:
    """A count right before the verb at ``j`` ("16 فلسطينيا قتلوا"): the verb belongs to that count. A
    verb in the plural ("9 أشخاص على الأقل قتلوا وأصيب 14") agrees with a subject told before it."""
    w = doc.w[j]
    if w is not None and w.endswith("وا"):
        return True
    return any(doc.kinds[k] == T_NUM or doc.w[k] in _NUM_WORDS for k in range(max(0, j - 3), j))


_ROSE = frozenset(["ارتفع", "ارتفعت", "وارتفع", "وارتفعت", "فارتفع", "فارتفعت", "لترتفع", "ليرتفع", "يرتفع", "ترتفع"])


def _rose_to(doc: Doc, i0: int) -> bool:
    """A count right after "إلى" whose clause opens, a few words before, with "ارتفع" (the toll rose to it)."""
    return doc.w[i0 - 1] == "الي" and _word_before(doc, i0 - 1, 12, _ROSE)


def _update_before(doc: Doc, j: int) -> bool:
    return _word_before(doc, j, 3, UPDATE)


def _word_before(doc: Doc, j: int, reach: int, words: frozenset[str]) -> bool:
    """One of ``words`` among the ``reach`` words left of token ``j``, with no non-word between."""
    for k in range(j - 1, max(-1, j - 1 - reach), -1):
        w = doc.w[k]
        if w is None:
            return False
        if w in words:
            return True
    return False


def _toll_before(doc: Doc, j: int) -> bool:
    """A toll noun in the few words left of the count, within its clause."""
    for k in range(j, max(-1, j - MAX_LEFT), -1):
        w = doc.w[k]
        if w is None:
            return False
        if w in lx.TOLL_NOUNS:
            return True
    return False


def _confirmed(doc: Doc, start: int, words: frozenset[str], reach: int = MAX_RIGHT) -> bool:
    for k in range(start, min(doc.n, start + reach)):
        w = doc.w[k]
        if w is None:
            if doc.kinds[k] == T_COMMA and doc.norms[k] not in _QUOTES:
                continue  # "توفي فلسطينيان، السبت، متأثرين بإصابتهما"
            return False
        if w in words or (w[:1] in "وف" and w[1:] in words):
            return True
    return False


def _combined_after(doc: Doc, r: int) -> bool:
    """True for "قتيلا وجريحا", "قتلى وجرحى", "بين قتيل وجريح" starting at token ``r`` or just after."""
    w = doc.w[r]
    if w is None:
        return False
    vb = VICTIM_BASE.get(w)
    if vb is not None:
        nxt = doc.w[r + 1]
        if nxt == "و":
            nxt = doc.w[r + 2]
        elif nxt is not None and nxt.startswith("و"):
            nxt = nxt[1:]
        else:
            nxt = None
        if nxt is not None:
            nb = VICTIM_BASE.get(nxt)
            if nb is not None and {lx.VICTIM_NOUNS[vb], lx.VICTIM_NOUNS[nb]} == {lx.KILLED, lx.INJURED}:
                # "3 قتلى وإصابة 8": the second noun has its own count, so the first count is killed only
                return not _own_count(doc, r + (3 if doc.w[r + 1] == "و" else 2))
        r += 1  # "خمسة ضحايا على الأقل ما بين قتيل وجريح": the noun, then its breakdown
    for k in range(r, min(doc.n, r + 4)):
        if doc.w[k] in ("بين",):
            return _combined_after(doc, k + 1)
        if doc.w[k] is None:
            return False
    return False


def _own_count(doc: Doc, k: int) -> bool:
    """A number (after "نحو", "أكثر من" …) starts at token ``k``."""
    for j in range(k, min(doc.n, k + 4)):  # the text may end there: "48 قتيلا وجرحى"
        if doc.kinds[j] == T_NUM or doc.w[j] in _NUM_WORDS:
            return True
        if doc.w[j] is None or doc.w[j] not in lx.LEFT_SKIP:
            return False
    return False


def _fi_phrase(doc: Doc, j: int) -> int:
    """Index of the "في" opening a short place phrase that ends at token ``j`` ("في مدينتي زملكا
    وعربين"), or -1 when the words before ``j`` are not such a phrase."""
    for k in range(j - 1, max(-1, j - 5), -1):
        if doc.kinds[k] != T_WORD:
            return -1
        w = doc.norms[k]
        if w in ("في", "وفي"):
            return k
        if TRIG_BASE.get(w) is not None or VICTIM.get(w) is not None or WEAK_BASE.get(w) is not None \
                or WHO_BASE.get(w) is not None:
            return -1
    return -1


def _right_verb(doc: Doc, start: int) -> str | None:
    # a relative clause on the counted people may sit before their predicate: "سبعة أشخاص ممن يتلقون
    # العلاج بالمستشفى مصابون"
    # so may a "من" phrase naming their group ("23 عنصرا من الجماعة المسلحة في الوادي قتلوا")
    reach = MAX_RIGHT + 3 if doc.w[start + 1] in lx.RELATIVE_PRONOUNS or doc.w[start + 1] == "من" else MAX_RIGHT
    k = start
    while k < min(doc.n, start + reach):
        w = doc.w[k]
        if w is None:
            if doc.norms[k] == "(" and k > start:
                # "6 أشخاص (عمال) أصيبوا": a word or two in brackets after the people
                close = next((j for j in range(k + 1, min(doc.n, k + 4)) if doc.norms[j] == ")"), -1)
                if close > 0 and all(doc.kinds[j] == T_WORD for j in range(k + 1, close)):
                    reach += close - k + 1
                    k = close + 1
                    continue
            return None
        if k == start + 1 and w in lx.SV_AFTER_COUNT and _singular_base(doc.w[start] or "") is not None:
            return lx.SV_AFTER_COUNT[w]  # "أكثر من 300 متظاهر أصيب": a singular noun, a singular verb
        if w == "عداد":  # "في عداد المفقودين/القتلى"
            vb = VICTIM_BASE.get(doc.w[k + 1] or "")
            return lx.VICTIM_NOUNS[vb] if vb is not None else None
        rv = RIGHT_BASE.get(w)
        if rv is not None:
            return lx.RIGHT_VERBS[rv]
        if TRIG_BASE.get(w) is not None:
            return None
        if _treated_for_gas(doc, k):
            return lx.INJURED
        k += 1
    return None


def _treated_for_gas(doc: Doc, k: int) -> bool:
    """People treated for a gas injury at ``k`` ("عولجوا بجلسات الأكسجين"، "تلقوا علاجا من أعراض الاختناق")."""
    w = doc.w[k]
    if w in lx.TREATED_VERBS:
        start = k + 1
    elif w in lx.RECEIVE_VERBS and doc.w[k + 1] in lx.TREATMENT_NOUNS:
        start = k + 2
    else:
        return False
    for j in range(start, min(doc.n, start + lx.GAS_SIGN_REACH)):
        nj = doc.w[j]
        if nj is None:
            return False
        if any(stem in nj for stem in lx.GAS_SIGN_STEMS):
            return True
    return False


_BREAKDOWN_REACH = 10  # tokens from the counted noun over "بينهم 4 أطفال وامرأتان" to the verb


def _verb_after_breakdown(doc: Doc, start: int) -> str | None:
    """The verb after a count's breakdown: "13 مدنيا بينهم 4 أطفال وامرأتان لقوا مصرعهم" → killed; the
    breakdown holds only numbers, people nouns and the marker."""
    for k in range(start, min(doc.n, start + _BREAKDOWN_REACH)):
        w = doc.w[k]
        if w is None:
            if doc.kinds[k] == T_NUM:
                continue
            return None
        rv = RIGHT_BASE.get(w)
        if rv is not None:
            return lx.RIGHT_VERBS[rv]
        if w in lx.SUB_MARKERS or w in _NUM_WORDS or WHO_BASE.get(w) is not None \
                or (w.startswith("و") and WHO_BASE.get(w[1:]) is not None):
            continue
        return None
    return None


def _hedged(doc: Doc, j: int) -> bool:
    """A "may" verb at or just before ``j`` ("قد يصل عدد القتلى"، "قد ترتفع الحصيلة")."""
    return any(doc.w[k] in lx.HEDGED_VERBS and doc.w[k - 1] in lx.HEDGES for k in range(max(1, j - 2), j + 1))


# "بينهم" opens a breakdown of the count before it ("أربعة بينهم امرأة"); "منهم" may make the count some
# of a group ("قتل ستة عناصر منهم")
_BREAKDOWN_OPENERS = frozenset(["بينهم", "بينهن", "بينهما", "بينها", "ضمنهم"])


def _opens_breakdown(doc: Doc, i1: int) -> bool:
    """The count at ``i1`` is followed, directly or after its people noun, by a word opening its breakdown."""
    return doc.w[i1 + 1] in _BREAKDOWN_OPENERS or (
        doc.w[i1 + 2] in _BREAKDOWN_OPENERS and WHO_BASE.get(doc.w[i1 + 1] or "") is not None)


def _coordinated_with(doc: Doc, m: NumberMatch, figs: list[Fig]) -> Fig | None:
    if not figs:
        return None
    prev = figs[-1]
    if prev.sent != doc.sent[m.first] or m.first - prev.last > 8:
        return None
    conj = doc.w[m.first - 1] == "و" or doc.norms[m.first].startswith("و")
    if not conj:
        return None
    for k in range(prev.last + 1, m.first):
        if k > prev.last + 1 and (doc.kinds[k] == T_NUM or doc.w[k] in _NUM_WORDS):
            return None  # "88 قرية و20 جبلا": the number before it was not a figure, nor is this one
        w = doc.w[k]
        if w is not None and (TRIG_BASE.get(w) is not None or WEAK_BASE.get(w) is not None):
            return None
    return prev


def _find_parent(figs: Sequence[Fig], kind: str | None) -> int | None:
    for idx in range(len(figs) - 1, -1, -1):
        c = figs[idx].cas
        if c.sub_of is None and (kind is None or c.kind == kind or c.kind == lx.COMBINED):
            return idx
    return None


def who_label(norm: str) -> str | None:
    b = WHO_BASE.get(norm)
    if b is not None:
        return lx.WHO[b]
    b = SINGULAR_BASE.get(norm)
    if b is not None:
        return lx.SINGULAR_PEOPLE[b]
    if PERP_BASE.get(norm) is not None:
        return "perpetrators"
    return None


def _who_right(doc: Doc, start: int) -> tuple[str | None, bool]:
    """(who label, perpetrator) from the counted phrase after a number."""
    label: str | None = None
    perp = False
    k = start
    end = min(doc.n, start + MAX_RIGHT)
    while k < end:
        w = doc.w[k]
        if w is None or w in WHO_STOP:
            break
        if PERP_BASE.get(w) is not None and doc.w[k - 1] not in lx.ATTACK_NOUNS:
            return "perpetrators", True
        if w == "الذين" and doc.w[k + 1] in ("نفذوا", "نفذ", "شنوا", "هاجموا"):
            return "perpetrators", True
        if label is None:
            b = WHO_BASE.get(w)
            if b is not None:
                label = lx.WHO[b]
                if label == "fighters":
                    label = _group_label(doc, k + 1) or label
                elif label == "police":
                    pass
                k += 1
                continue
        elif WHO_BASE.get(w) is None and w not in ("من", "و"):
            break
        k += 1
    return label, perp


def _group_label(doc: Doc, k: int) -> str | None:
    """'soldiers', 'police' or '<group> fighters' for "عناصر (من|في) الجيش/حزب الله …"."""
    w = doc.w[k]
    if w in ("من", "في", "ل", "تابعين", "تابعه"):
        k += 1
        w = doc.w[k]
    if w in ("قوات", "القوات") and doc.w[k + 1] in ("النظام", "الجيش", "الحكومه", "الحكوميه", "الامن"):
        return "soldiers" if doc.w[k + 1] != "الامن" else "police"
    if w is None:
        return None
    while WHO_BASE.get(w) is not None and GROUP_BASE.get(w) is None:  # "عنصرا وقياديا في ميليشيا …"
        k += 1
        w = doc.w[k]
        if w in ("من", "في"):
            k += 1
            w = doc.w[k]
        if w is None:
            return None
    g = GROUP_BASE.get(w)
    if g is None:
        return None
    if g in lx.GROUP_SKIP and "ال" in GROUP[w][1]:
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
        if tk != T_WORD or tn in WHO_STOP or tn in ("من", "و") or (
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


def _approx_right(doc: Doc, start: int) -> bool:
    for k in range(start, min(doc.n - 1, start + MAX_RIGHT)):
        w = doc.w[k]
        if w is None:
            return False
        if w == "علي" and doc.w[k + 1] == "الاقل":
            return True
    return False


def _singular_after(doc: Doc, k: int) -> str | None:
    w = doc.w[k]
    if w is None:
        return None
    return _singular_base(w)


def _singular_base(w: str) -> str | None:
    b = SINGULAR_BASE.get(w)
    if b is None and w.endswith("ا"):
        b = SINGULAR_BASE.get(w[:-1])  # accusative "مختاراً"
    return b


def _singular_before(doc: Doc, fig: Fig, figs: list[Fig]) -> Fig | None:
    """"ضابطا وثلاثة جنود قتلوا": an indefinite singular person noun coordinated before a count is one
    more of the count's kind (read after the count, whose kind the verb after it gives)."""
    if fig.subject or fig.cas.count is None or fig.cas.kind not in (lx.KILLED, lx.INJURED):
        return None
    k = fig.first - 1
    if doc.norms[fig.first].startswith("و"):
        pass
    elif doc.norms[k] == "و":
        k -= 1
    else:
        return None
    w = doc.w[k]
    if w is None or _definite(w) or (figs and figs[-1].last >= k):
        return None
    if k > 0 and (doc.kinds[k - 1] == T_NUM or doc.w[k - 1] in _NUM_WORDS):
        return None  # "15 طفلا وامرأتان": the noun a number counts
    return _coordinated_single(doc, k, w, fig, figs)


def _coordinated_single(doc: Doc, k: int, noun: str, fig: Fig, figs: list[Fig]) -> Fig | None:
    """The singular person ``noun`` at ``k`` coordinated with the count ``fig``: one more of its kind, in
    its time."""
    b = _singular_base(noun)
    if b is None:
        return None
    single = _singular_fig(doc, k, b, fig.cas.kind, figs, False, None)
    if single is not None:
        single.cas.background = fig.cas.background
    return single


def _singular_after_count(doc: Doc, fig: Fig, figs: list[Fig]) -> Fig | None:
    """"قتل 3 مدنيين وجندي": an indefinite singular person noun coordinated right after a count's
    noun is one more of the count's kind ("وجندي" as "جندي و3" is read by :func:`_singular_before`)."""
    if fig.subject or fig.cas.sub_of is not None or fig.cas.count is None \
            or fig.cas.kind not in (lx.KILLED, lx.INJURED):
        return None
    k = fig.last + 1
    if WHO_BASE.get(doc.w[k] or "") is not None:
        k += 1  # the noun the number counts
    w = doc.w[k]
    if w is None or not w.startswith("و") or len(w) < 3 or _definite(w[1:]):
        return None
    nxt = doc.w[k + 1]
    if (k + 1 < doc.n and doc.kinds[k + 1] == T_NUM) or (nxt is not None and nxt in _NUM_WORDS):
        return None  # "3 مدنيين وطفلا 5": not a lone noun
    return _coordinated_single(doc, k, w[1:], fig, figs)


def _trigger_singular(doc: Doc, i: int, kind: str, figs: list[Fig]) -> Fig | None:
    """"مقتل طفل", "إصابة شرطي", "مقتل الانتحاري", "مقتل وإصابة شخص": one person."""
    k = i + 1
    w = doc.w[k]
    if w is not None and w.startswith("و") and TRIG_BASE.get(w) is not None:
        ob = TRIG_BASE.get(w) or ""
        if {lx.LEFT_TRIGGERS[ob], kind} == {lx.KILLED, lx.INJURED} and ob in lx.COMBINABLE \
                and TRIG_BASE.get(doc.norms[i]) in lx.COMBINABLE:
            kind = lx.COMBINED
        k += 1
    b = _singular_after(doc, k)
    if b is None and doc.w[k] == "في" and TRIG_BASE.get(doc.norms[i]) in lx.TRIGGER_VERBS:
        k = _after_place_phrase(doc, k)  # "قتل في محافظة ديالى شرطي": a verb, a place, then the person
        b = _singular_after(doc, k) if k > 0 else None
        if b is None:
            return None
    if b is None:
        if doc.w[k] in lx.ONE_OF and who_label(doc.w[k + 1] or "") is not None:
            b = "شخص"  # "أصيب أحد المحتجين": one of a plural group
            k += 1
        else:
            return None
    if doc.w[i - 1] in lx.NEGATIONS or _charged(doc, i) or (
            TRIG_BASE.get(doc.norms[i]) in lx.EXECUTION_TRIGGERS and _sentenced(doc, i)):
        return None
    if _definite(doc.w[k] or "") and lx.SINGULAR_PEOPLE.get(b) not in ("perpetrators", "fighters") \
            and not any(f.cas.count == 1 and f.cas.kind == kind for f in figs):
        # "مقتل الجندي المخطوف": a person the reader knows from elsewhere, not news of a death; after
        # "مقتل جندي" in the title it is that figure told again (kept, so it links to it). A named
        # commander ("مقتل القيادي في الميليشيا فلان") is most often the news itself: kept.
        return None
    # "مقتل ضابط وجندي": coordinated singular nouns count one each
    last = _compound_title_end(doc, k)
    n = 1
    while n < 6:
        nxt = doc.w[last + 1]
        if nxt is None or not nxt.startswith("و") or _singular_base(nxt[1:]) is None:
            break
        last = _compound_title_end(doc, last + 1)
        n += 1
    fig = _singular_fig(doc, k, b, kind, figs, False, None)
    if fig is not None and n > 1:
        fig.cas.count = n
        fig.cas.span = (doc.starts[k], doc.ends[last])
        fig.cas.text = doc.text[fig.cas.span[0]:fig.cas.span[1]]
        fig.last = last
    return fig


def _one_met_death(doc: Doc, i: int, figs: list[Fig]) -> Fig | None:
    """"أفادت المصادر أن امرأة لقيت حتفها"، "ذكرت أن فلانة لقيت حتفها": a singular verb and pronoun of
    meeting death are one person's death, whoever its subject (a noun or a name of one or two words right
    after أن/إن); not a person told again ("أن الرجل لقي حتفه") nor one a figure already counts ("إن طفلا
    واحدا لقي حتفه")."""
    prev = doc.w[i - 1]
    if prev is None or not (doc.w[i - 2] in lx.THAT_WORDS or (doc.w[i - 3] in lx.THAT_WORDS and doc.w[i - 2] is not None)):
        return None  # the subject, one or two words, right after أن/إن
    if figs and figs[-1].last >= i - 2 and figs[-1].sent == doc.sent[i]:
        return None
    if _definite(prev) and _singular_base(prev) is not None:
        return None  # "أن الرجل لقي حتفه": a person told again
    cas = _make(doc, i, i + 1, lx.KILLED, 1, None)
    cas.background = is_background(doc, i)
    return Fig(cas, i, i + 1, doc.sent[i])


def _compound_title_end(doc: Doc, k: int) -> int:
    """The last token of the person noun at ``k``: "ضابط صف" (a non-commissioned officer) is one person
    ("إصابة ضابط صف وجندي" = 2)."""
    w = doc.w[k] or ""
    if _singular_base(w[1:] if w.startswith("و") else w) == "ضابط" and doc.w[k + 1] == "صف":
        return k + 1
    return k


def _after_place_phrase(doc: Doc, k: int) -> int:
    """Token after a short place phrase opened by "في" at ``k`` ("في محافظة ديالى"، "في مدينة حمص \""):
    a place type, one or two names, an optional quote mark; -1 when the words are not such a phrase."""
    if PLACE_TYPES.get(doc.w[k + 1] or "") is None:
        return -1
    j = k + 2
    for _ in range(2):
        w = doc.w[j]
        if w is None or TRIG_BASE.get(w) is not None or VICTIM.get(w) is not None or _singular_base(w) is not None:
            break
        j += 1
    if j == k + 2:
        return -1
    if doc.kinds[j] == T_COMMA and doc.norms[j] in _QUOTES:
        j += 1
    return j


def _definite(w: str) -> bool:
    """A definite noun ("الجندي", "والشاب"; not "والده", which is a word of its own)."""
    return w.startswith(("ال", "بال", "فال", "لل")) or (w.startswith("وال") and w not in lx.SINGULAR_PEOPLE)


def _dual_subject(doc: Doc, i: int, done: int, kind: str) -> Fig | None:
    """"فلسطينيين قتلا": an indefinite people noun in -ين (dual or plural) before a dual verb is two."""
    k = i - 1
    prev = doc.w[k]
    if prev is None or k <= done or not prev.endswith("ين") or prev.startswith(("ال", "وال", "بال", "لل")):
        return None
    if WHO_BASE.get(prev) is None or doc.kinds[k - 1] == T_NUM or doc.w[k - 1] in _NUM_WORDS:
        return None
    cas = _make(doc, k, k, kind, 2, who_label(prev))
    cas.background = is_background(doc, k)
    return Fig(cas, k, k, doc.sent[k])


def _subject_singular(doc: Doc, i: int, figs: list[Fig], kind: str) -> Fig | None:
    """"جندياً استشهد", "المهاجم قُتل", "رجلا آخر أصيب": a singular person noun as subject of a passive
    kill or wound verb.

    Only when the verb has no object after it (a number or a person noun would make it active). A
    wounded person must be the subject of the verb (accusative, or after أن/إن), not a person the
    verb describes ("تحدث شاب أصيب": a man who was wounded once) nor one told again ("الرجل أصيب").
    """
    k = i - 1
    if doc.w[k] in lx.OTHER_ONE:
        k -= 1
    prev = doc.w[k]
    if prev is None:
        return None
    b = _singular_base(prev)
    if b is None:
        return None
    if (kind == lx.INJURED and (_definite(prev) or not (prev.endswith("ا") or doc.w[k - 1] in lx.THAT_WORDS))) or (
            doc.kinds[k - 1] == T_NUM or doc.w[k - 1] in _NUM_WORDS):
        return None  # "تحدث شاب أصيب …": a person described; "300 متظاهر": a count's noun
    nxt = doc.w[i + 1]
    if i + 1 < doc.n and doc.kinds[i + 1] == T_NUM:
        return None
    if nxt is not None and (who_label(nxt) is not None or nxt in _NUM_WORDS):
        return None
    return _singular_fig(doc, k, b, kind, figs, False, None)


def _singular_fig(
    doc: Doc, k: int, base: str, kind: str | None, figs: list[Fig], sub: bool, sub_kind: str | None
) -> Fig | None:
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
    cas.background = is_background(doc, k)
    cas.approximate = False
    cas.sub_of = parent
    fig = Fig(cas, k, k, doc.sent[k])
    fig.subject = parent is not None
    return fig

