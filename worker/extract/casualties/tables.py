"""Lookup tables derived once, at import, from the word lists of :mod:`.lexicon` (one dict lookup per token)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import ahocorasick

from worker.extract.casualties import lexicon as lx

COUNTED = ("killed", "injured")

TRIG = lx.expand(lx.LEFT_TRIGGERS)
WEAK = lx.expand(lx.WEAK_TRIGGERS, definite=False)
VICTIM = lx.expand(lx.VICTIM_NOUNS)
RIGHT = lx.expand(lx.RIGHT_VERBS, definite=False)
WHO = lx.expand(lx.WHO)
SINGULAR = lx.expand(lx.SINGULAR_PEOPLE)
SINGLE_VICTIM = lx.expand(lx.SINGULAR_VICTIMS, definite=False)
PERP = lx.expand(lx.PERPETRATORS)
NOT_PEOPLE = lx.expand(lx.NOT_PEOPLE)
NOT_LEFT = lx.expand(lx.NOT_PEOPLE_LEFT)
GROUP = lx.expand(lx.GROUP_NOUNS)
PLACE_TYPES = lx.expand(lx.PLACE_TYPES)
SUBM = lx.expand(lx.SUB_MARKERS, definite=False)
STRIKE = lx.expand(lx.STRIKE_NOUNS)
HARMS = frozenset(lx.expand(lx.NON_LETHAL_HARMS))


def bases(table: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Form → base form of an expanded table: one dict lookup, no Python call (~140 per article)."""
    return {form: base for form, (base, _prefix) in table.items()}


TRIG_BASE = bases(TRIG)
WEAK_BASE = bases(WEAK)
VICTIM_BASE = bases(VICTIM)
RIGHT_BASE = bases(RIGHT)
WHO_BASE = bases(WHO)
SINGULAR_BASE = bases(SINGULAR)
SINGLE_VICTIM_BASE = bases(SINGLE_VICTIM)
PERP_BASE = bases(PERP)
GROUP_BASE = bases(GROUP)
UPDATE = lx.UPDATE_CUES
LEFT_SKIP = lx.LEFT_SKIP
WHO_STOP = frozenset(["في", "علي", "جراء", "اثر", "خلال", "بعد", "قرب", "عند", "اثناء", "اليوم", "امس",
                       "بسبب", "بنيران", "برصاص", "بقصف", "بغاره", "الي", "حسب", "وفق", "وفقا", "كما",
                       "اضافه", "بينهم", "منهم", "ب", "عن", "مع", "داخل", "نتيجه", "تحت", "فوق"])
MAX_LEFT = 7
MAX_RIGHT = 6


CASE_KINDS = {"وفاه": lx.KILLED, "اصابه": lx.INJURED, "اختطاف": lx.KIDNAPPED, "اعتقال": lx.ARRESTED,
               "اختفاء": lx.MISSING,
               # "25 حالة اختناق": people treated for choking are wounded (the conventions' reading)
               "اختناق": lx.INJURED}
# Every form (with clitics) of a word that can start a figure: only sentences holding one are tokenized.
CUE_SET: frozenset[str] = frozenset({
    *TRIG, *VICTIM, *RIGHT, *WEAK, *SINGLE_VICTIM, *SUBM, *PERP, *CASE_KINDS, "عداد", "الحياه",
    "حتفهم", "حتفه", "حتفها", "حتفهما", "حتفهن", "مصرعهم", "مصرعه", "مصرعها", "مصرعهما",
    *lx.TREATED_VERBS, *lx.TREATMENT_NOUNS,
})
# Any form of a word by which a headline tells violence (the cues and lx.HEADLINE_EVENT_WORDS).
# (a treatment word alone tells no violence: "الرئيس يتلقى العلاج")
HEADLINE_EVENT: frozenset[str] = frozenset({*CUE_SET, *lx.expand(lx.HEADLINE_EVENT_WORDS)}) \
    - lx.TREATED_VERBS - lx.TREATMENT_NOUNS
MARKS_RE = re.compile("[\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")
# Tokens the main loop must visit besides numbers: triggers, sub-count markers, سقوط/وقوع.
INTEREST: frozenset[str] = frozenset({*TRIG, *SUBM, "بين", "وبين", "ومن", *WEAK, *lx.BREAKDOWN_PRONOUNS,
                                     *lx.DUAL_VERBS})
PAD = 16  # None padding after the token list so look-ahead/behind by a few tokens needs no bounds check
# A text with more figures or numbers than this is not a news article: stop there (bounded time).
WEAK_CONFIRMED = frozenset(k for k, (_, c) in lx.WEAK_TRIGGERS.items() if c)
MAX_FIGURES = 300
MAX_NUMBERS = 1000
MAX_VISITS = 3000  # numbers + trigger/marker tokens examined


DIGITS = frozenset("0123456789")
# digits too: a cue glued to its count ("مقتل38") is still a word (the tokenizer splits them)
PROBE_PUNCT = ".،,:;!?؟؛()«»\"'-–—/[]{}…<>*_|#@+=~`^$&\t\r\u200f\u200e0123456789"


# Whitespace characters other than the space (those str.isspace / str.split know), minus the
# ones PROBE_PUNCT already turns into spaces.
OTHER_SPACES = tuple(
    ch for ch in "\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000" if ch not in PROBE_PUNCT
)
CUE_AUTOMATON = ahocorasick.Automaton()
for _w in CUE_SET:
    if _w and len(_w.split()) == 1 and _w.split()[0] == _w:  # what str.split can yield: one word
        CUE_AUTOMATON.add_word(f" {_w} ", len(_w))
CUE_AUTOMATON.make_automaton()

