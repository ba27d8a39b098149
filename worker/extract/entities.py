"""Named entities in Arabic news: places (LOC), actors (ORG), people (PER), dates (DATE) (pure).

One Aho-Corasick automaton (built once per process, lazily) holds every gazetteer name, actor,
person, title and place cue, with the clitics و ف ب ل ك (and لل) folded in, so a text is scanned
once; longest match wins and nothing matches inside a longer word. The same automaton holds the
escalation keywords (``worker.extract.keywords``), whose hits it leaves in ``Folded.memo``.

``normalized`` conventions:
* LOC → English name from the gazetteer ("Idlib", "Tripoli (Lebanon)"); a place found only
  from context ("بلدة X") keeps its Arabic surface form;
* ORG → English canonical name ("Hezbollah", "Turkish forces");
* PER → English canonical name for listed people ("Bashar al-Assad"), otherwise the Arabic
  name as written (title excluded);
* DATE → ISO 8601, see ``worker.extract.dates``.

``source``: "gazetteer" (a listed place or actor), "rule" (a title or cue word, dates), "tagger"
(a span of the statistical tagger, ``worker.extract.ner``, that no list or rule found). List and
rule entities win wherever they overlap a tagger span; a tagger LOC takes the gazetteer's geo when
its name is listed (an ambiguous name such as صور that had no locative cue), else ``geo`` is null.
Only the first ``MAX_TAG_CHARS`` characters are tagged.

``geo`` for LOC: ``{"lat", "lon", "admin1", "admin1_en", "country", "kind", "inferred"}``;
``inferred`` is True when the admin1 came from context ("بلدة X بريف إدلب"), and then lat/lon are
the admin1's. Spans exclude a leading clitic (بإدلب → إدلب) except the fused لل, which is kept.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from worker.extract import keywords
from worker.extract.dates import ANCHOR_WORDS, extract_dates
from worker.extract.gazetteer import Country, Gazetteer, Place, load
from worker.extract.gazetteer.matcher import Folded, MergedMatcher, fold, fold_key, select_longest
from worker.extract.lexicon import LEXICON_DIR
from worker.extract.ner import default_tagger
from worker.models import Entity, Region

_LEXICON = LEXICON_DIR

# English adjectives for the countries whose Arabic adjectives appear in countries.tsv.
_EN_ADJ = {
    "SY": "Syrian", "IQ": "Iraqi", "YE": "Yemeni", "LY": "Libyan", "LB": "Lebanese", "PS": "Palestinian",
    "IL": "Israeli", "JO": "Jordanian", "EG": "Egyptian", "SA": "Saudi", "AE": "Emirati", "QA": "Qatari",
    "KW": "Kuwaiti", "BH": "Bahraini", "OM": "Omani", "TR": "Turkish", "IR": "Iranian", "RU": "Russian",
    "US": "US", "GB": "British", "FR": "French", "DE": "German", "IT": "Italian", "ES": "Spanish",
    "NL": "Dutch", "PL": "Polish", "GR": "Greek", "UA": "Ukrainian", "AF": "Afghan", "PK": "Pakistani",
    "IN": "Indian", "CN": "Chinese", "JP": "Japanese", "CA": "Canadian", "MA": "Moroccan",
    "DZ": "Algerian", "TN": "Tunisian", "SD": "Sudanese", "SO": "Somali", "ET": "Ethiopian",
}
# (Arabic head noun, adjective gender "m"/"f", English suffix) → e.g. القوات التركية = "Turkish forces"
_STATE_HEADS: tuple[tuple[str, str, str], ...] = (
    ("الجيش", "m", "Army"), ("المدفعية", "f", "Army"), ("القوات", "f", "forces"), ("القوات المسلحة", "f", "Armed Forces"),
    ("الطائرات الحربية", "f", "Air Force"), ("الطيران", "m", "Air Force"), ("المقاتلات", "f", "Air Force"),
    ("الطيران الحربي", "m", "Air Force"), ("البحرية", "f", "Navy"), ("الدفاعات الجوية", "f", "Air Defence"),
    ("الخارجية", "f", "Foreign Ministry"), ("وزارة الخارجية", "f", "Foreign Ministry"),
    ("الدفاع", "f", "Defence Ministry"), ("وزارة الدفاع", "f", "Defence Ministry"),
    ("الداخلية", "f", "Interior Ministry"), ("وزارة الداخلية", "f", "Interior Ministry"),
    ("الحكومة", "f", "government"), ("الرئاسة", "f", "Presidency"), ("الشرطة", "f", "Police"),
    ("قوات الأمن", "f", "security forces"), ("المخابرات", "f", "intelligence"),
    ("الاستخبارات", "f", "intelligence"), ("السلطات", "f", "authorities"), ("البحرية", "f", "Navy"),
)
# Titles and roles that precede a person's name.
_TITLES = (
    "الرئيس", "رئيس", "رئيس الوزراء", "رئيس الحكومة", "رئيس الجمهورية", "رئيس الوزراء الإسرائيلي",
    "نائب الرئيس", "وزير", "وزيرة", "الوزير", "الوزيرة", "الرئيسة", "رئيسة", "وزير الخارجية", "وزير الدفاع", "وزير الداخلية", "وزير الصحة",
    "نائب وزير", "نائب وزير الخارجية", "نائب وزير الدفاع", "المبعوث", "المبعوث الخاص", "المبعوث الأممي",
    "المبعوث الرئاسي", "مبعوث", "المتحدث باسم", "المتحدثة باسم", "الناطق باسم", "الناطقة باسم",
    "المتحدث الرسمي باسم", "المتحدث العسكري باسم", "الأمين العام", "أمين عام", "زعيم", "قائد",
    "العميد", "اللواء", "العقيد", "العماد", "النقيب", "الفريق", "الجنرال", "المشير",
    "السفير", "السفيرة", "النائب", "السيناتور", "الملك", "الأمير", "ولي العهد", "الشيخ", "المستشار",
    "مستشار", "المرشد الأعلى", "المدير العام", "مدير", "رئيس هيئة الأركان", "رئيس الأركان", "القيادي",
    "الناشط", "الصحفي", "الصحافي", "مراسل", "السيد", "السيدة", "الدكتور",
)
# Words before a place that make an ambiguous name (صور، الباب، تدمر) a place.
_LOCATIVE = frozenset(fold_key(w) for w in (
    "في", "مدينة", "بلدة", "قرية", "مخيم", "حي", "منطقة", "محافظة", "ريف", "قرب", "جنوب", "شمال",
    "شرق", "غرب", "جنوبي", "شمالي", "شرقي", "غربي", "محيط", "نحو", "أطراف", "وسط", "داخل", "قضاء",
    "مديرية", "ناحية", "مدن", "بلدات", "ضواحي", "مدينتي", "بلدتي", "قريتي", "مدينتا", "ومدينة",
    "محور", "جبهة", "جبهات", "باتجاه", "مشارف", "بمحيط", "بمدينة", "ببلدة", "بقرية", "بريف", "بمنطقة",
    "ومدينتي", "ومحيط", "وريف",
))
# Phrases that contain a place-like word but name no place; matched (longest wins) and dropped.
_BLOCKERS = (
    "مسقط رأس", "مسقط رأسه", "مسقط رأسها", "الحد الأقصى", "صور الأقمار الصناعية", "صور الأقمار",
    "الباب العالي", "الباب المفتوح", "فتح الباب", "الأمر الواقع", "الضفة الأخرى", "ضفتي النهر",
)
_PLACE_NOUNS = frozenset(fold_key(w) for w in (
    "مدينة", "بلدة", "قرية", "محافظة", "مديرية", "ريف", "منطقة", "قضاء", "ناحية", "مدينتي", "محافظتي",
))
_PROCLITICS = frozenset({"و", "ف", "ب", "ل", "ك", "وب", "فب", "ول", "فل", "وك"})
# Cue nouns after which an unknown word is taken as a place; value = gazetteer kind.
_CUES: dict[str, str] = {
    "مدينة": "town", "بلدة": "town", "قرية": "town", "بلدتي": "town", "قريتي": "town", "مدينتي": "town",
    "مخيم": "camp", "حي": "neighbourhood", "ريف": "town", "محافظة": "admin1", "ناحية": "town",
    "قضاء": "district", "مديرية": "district", "منطقة": "town", "مطار": "town",
}
# Words that start two-word place names (كفر نبل، تل رفعت، دير حافر).
_MULTI = frozenset(fold_key(w) for w in (
    "كفر", "دير", "تل", "عين", "بيت", "خان", "جسر", "رأس", "راس", "أبو", "ابو", "بئر", "أم", "ام", "بني",
    "سيدي", "جبل", "وادي", "قصر", "خربة", "مزرعة", "معرة", "قلعة", "مرج", "باب", "برج", "دار", "عرب",
    "نهر", "حوش", "تلة", "سهل", "عبد", "بنت", "جب", "ظهر", "حمام", "الشيخ", "البو", "آل", "بير",
))
# Nouns governed by a bare title (رئيس حكومة، قائد فيلق، زعيم حزب): part of the title, never a name.
_GOVERNED = frozenset(fold_key(w) for w in (
    "حكومة", "وزارة", "هيئة", "مجلس", "حزب", "جيش", "قوات", "فيلق", "حركة", "جماعة", "تنظيم", "لواء",
    "كتائب", "سرايا", "جهاز", "شرطة", "أمن", "دائرة", "مكتب", "لجنة", "منظمة", "أركان", "تصريف", "إقليم",
    "بعثة", "وكالة", "مركز", "مؤسسة", "فرقة", "كتيبة", "غرفة", "عمليات", "قيادة", "مديرية", "إدارة",
    "وفد", "برلمان", "مجموعة", "فصيل", "ميليشيا", "شعبة", "قسم", "سلطة", "دولة", "رئاسة", "هيئة",
))
# Function words, time words and common nouns/adjectives that end a name or cannot be one.
_STOP = frozenset(fold_key(w) for w in (
    "في", "على", "من", "إلى", "الى", "عن", "مع", "أن", "إن", "أنه", "إنه", "أنها", "قال", "قالت", "أكد",
    "أكدت", "أعلن", "أعلنت", "ذكر", "ذكرت", "أفاد", "أفادت", "أشار", "أضاف", "خلال", "لدى", "عقب",
    "بعد", "قبل", "أمس", "اليوم", "يوم", "غدا", "الذي", "التي", "الذين", "هذا", "هذه", "ذلك", "تلك",
    "كان", "كانت", "قد", "لقد", "لم", "لن", "لا", "ما", "ثم", "أو", "أي", "كل", "بين", "حيث", "حول",
    "عند", "منذ", "حتى", "دون", "ضد", "عبر", "نحو", "تحت", "فوق", "أمام", "وراء", "إثر", "اثر", "جراء",
    "بسبب", "وسط", "داخل", "خارج", "قرب", "محيط", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي",
    "شرقي", "غربي", "الغربي", "الشرقي", "الشمالي", "الجنوبي", "الأسبوع", "الشهر", "العام", "الماضي",
    "الماضية", "المقبل", "الحالي", "السابق", "الأسبق", "الجديد", "صباح", "مساء", "ليل", "فجر", "ظهر",
    "عسكرية", "عسكري", "سكنية", "آمنة", "حدودية", "صناعية", "زراعية", "مجاورة", "أخرى", "عدة", "واحدة",
    "كبيرة", "صغيرة", "المدينة", "البلدة", "القرية", "المنطقة", "المحافظة", "سكني", "اللاجئين", "النازحين",
    "عدد", "بعض", "جميع", "نفسها", "نفسه", "ذاتها", "وفد", "بيان", "مؤتمر", "مصدر", "مصادر",
    "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "ضمن", "برئاسة", "خفض",
    "التصعيد", "إنه", "أيضا", "كذلك", "هو", "هي", "هم", "إذ", "إذا", "لكن", "غير", "سوى", "فقط",
))
_TITLE_WORDS = frozenset(w for t in _TITLES for w in fold_key(t).split())
# Qualifiers that may sit between a title and the name (المبعوث الرئاسي الروسي إلى سورية …).
_QUALIFIER_WORDS = frozenset(fold_key(w) for w in ("باسم", "إلى", "لدى", "لشؤون", "الخاص", "في", "العام"))
_CONNECTORS = frozenset({"عبد", "ابو", "بن", "ابن", "ام", "ال"})
_NASAB = frozenset({"بن", "ابن", "بنت"})  # "son/daughter of": what follows is a father's name
MAX_HITS = 2000  # dictionary hits per text (a 300-word article has ~50; 50 KB of news ~1,500)
MAX_MARKERS = 300  # titles and cue words followed up per text
MAX_TAG_CHARS = 10_000  # characters given to the tagger per text (a 250-word article has ~1,500)
MAX_TAGGED = 1000  # tagger entities kept per text (a 300-word article has ~10)
_TAG = "entities"  # this lexicon's hits in ``Folded.memo``
_Found = tuple[int, int, str, str, "dict[str, Any] | None", str]
_TAGGED_TYPES = frozenset({"PER", "ORG", "LOC"})  # MISC spans are not entities here
# The tagger learned Arabic news: a span without an Arabic letter (an English quote) is outside it.
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


@dataclass(frozen=True)
class _Actor:
    type: str  # ORG | PER
    canonical: str
    actor_type: str


@dataclass(frozen=True)
class _Marker:
    kind: str  # TITLE | CUE
    value: str


class _Lexicon:
    """Everything the extractor needs, built once."""

    def __init__(self) -> None:
        self.gaz: Gazetteer = load()
        entries: list[tuple[str, Any]] = []
        entries.extend(self.gaz.entries())
        explicit = _load_actors()
        seen = {fold_key(n) for n, _ in explicit}
        entries.extend(explicit)
        for c in self.gaz.countries.values():
            entries.extend(p for p in _state_actors(c) if fold_key(p[0]) not in seen)
        entries.extend((t, _Marker("TITLE", t)) for t in _TITLES)
        entries.extend((c, _Marker("CUE", k)) for c, k in _CUES.items())
        entries.extend((b, _Marker("BLOCK", b)) for b in _BLOCKERS)
        entries.extend((w, _Marker("DATE", w)) for w in ANCHOR_WORDS)  # one scan serves dates too
        # one automaton, one scan per text, for entities, dates and the escalation keywords
        self.matcher = MergedMatcher([(_TAG, entries, _digest, MAX_HITS),
                                      (keywords.TAG, keywords.entries(), None, keywords.MAX_HITS)])
        self.countries: dict[str, Country] = self.gaz.countries
        self._geo: dict[int, dict[str, Any]] = {}
        self.places_by_key: dict[str, list[Place]] = {}  # folded name → places, for tagger LOC spans
        for name, place in self.gaz.entries():
            self.places_by_key.setdefault(fold_key(name), []).append(place)

    def geo(self, place: Place) -> dict[str, Any]:
        """A fresh copy of the place's geo dict (built once per place)."""
        g = self._geo.get(id(place))
        if g is None:
            g = self._geo[id(place)] = _geo(place, self)
        return dict(g)


_PLACE, _ACTOR, _MARKER, _DATE = 0, 1, 2, 3


def _digest(payloads: tuple[Any, ...]) -> tuple[int, Any, int, str | None]:
    """Per key, once: (kind, value, needs a locative cue, date word). Places win over a same-spelled
    title (السفيرة); a date word may share its key with a place (آب the month, إب the city)."""
    date_word = next((p.value for p in payloads if isinstance(p, _Marker) and p.kind == "DATE"), None)
    places = tuple(p for p in payloads if isinstance(p, Place))
    if places:
        # 0: always a place; 1: after a locative cue; 2: only after a place noun (generated towns)
        cue = 0 if not all(p.ambiguous for p in places) else 1 if not all(p.noun_only for p in places) else 2
        return (_PLACE, places, cue, date_word)
    rest = [p for p in payloads if not (isinstance(p, _Marker) and p.kind == "DATE")]
    if not rest:
        return (_DATE, date_word, 0, date_word)
    first = rest[0]
    return (_ACTOR if isinstance(first, _Actor) else _MARKER, first, 0, date_word)


# actors.tsv: armed actors, state forces, officials; organisations.tsv: well-known organisations
# (bodies, media, companies, clubs, parties); people.tsv: well-known people. Same columns; a phrase in
# two files keeps the first one's entry.
_ACTOR_FILES: tuple[str, ...] = ("actors.tsv", "organisations.tsv", "people.tsv")


def _load_actors() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name in _ACTOR_FILES:
        for line in (_LEXICON / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            typ, canonical, actor_type, variants = line.split("\t")
            actor = _Actor(typ, canonical, actor_type)
            out.extend((v, actor) for v in variants.split("|") if v)
    return out


def _state_actors(c: Country) -> list[tuple[str, Any]]:
    adj_en = _EN_ADJ.get(c.iso2)
    if not adj_en or not c.adjectives:
        return []
    out: list[tuple[str, Any]] = []
    for head, gender, suffix in _STATE_HEADS:
        for masc, fem in c.adjectives:
            actor = _Actor("ORG", f"{adj_en} {suffix}", "state")
            out.append((f"{head} {masc if gender == 'm' else fem}", actor))
    return out


_LEX: _Lexicon | None = None


def lexicon() -> _Lexicon:
    """The process-wide automaton; built on first use (see bench/extract_entities.py for its cost)."""
    global _LEX
    if _LEX is None:
        _LEX = _Lexicon()
    return _LEX


def _prev_token(padded: str, word_start: int) -> str:
    """The word before folded offset ``word_start`` if only spaces separate them, else ''."""
    p = word_start  # padded index of the space before the word
    if p <= 0 or padded[p] != " ":
        return ""
    k = padded.rfind(" ", 0, p)
    return padded[k + 1 : p]


def _locative_before(folded: Folded, word_start: int, strict: bool = False) -> bool:
    """A locative word precedes; ``strict``: a place noun (مدينة، محافظة…), for names that are also
    month names ("في آب" is August, "محافظة إب" the city)."""
    tok = _prev_token(folded.padded, word_start)
    return bool(tok) and _in_with_proclitic(tok, _PLACE_NOUNS if strict else _LOCATIVE)


def _in_with_proclitic(tok: str, words: frozenset[str]) -> bool:
    """``tok`` (folded) is one of ``words``, bare or after a proclitic (بريف، وبلدة)."""
    return tok in words or any(len(tok) > n + 1 and tok[:n] in _PROCLITICS and tok[n:] in words for n in (1, 2))


def _is_locative_word(surface: str) -> bool:
    """One word that places a name ("بريف", "جنوب", "مدينة"), never a name itself: the tagger, trained
    on other news, sometimes tags it as a place of its own before the name it governs."""
    tok = fold_key(surface)
    return " " not in tok and _in_with_proclitic(tok, _LOCATIVE)


def _geo(place: Place, lex: _Lexicon, inferred: bool = False) -> dict[str, Any]:
    a1 = lex.gaz.admin1_of(place)
    return {
        "lat": place.lat,
        "lon": place.lon,
        "admin1": a1.name_ar if a1 else None,
        "admin1_en": place.admin1_en,
        "country": place.country,
        "kind": place.kind,
        "inferred": inferred,
    }


def _choose_place(places: tuple[Place, ...], votes: Counter[str]) -> Place:
    """Same name in several countries (طرابلس، أريحا): the country the rest of the text names most."""
    if len(places) == 1:
        return places[0]
    return max(places, key=lambda p: (votes[p.country], -places.index(p)))


def extract_entities(text: str, reference: date | None = None, *, tagger: bool = True) -> list[Entity]:
    """LOC/ORG/PER/DATE entities in text order, spans in ``text``'s own coordinates.

    At most ``MAX_HITS`` dictionary hits are considered per text (a 300-word article has ~50), so
    a pathological input (the same name 10,000 times) stays within the latency budget.
    ``tagger=False``: lists and rules only (what the gazetteer alone finds).
    """
    if not text:
        return []
    lex = lexicon()
    folded = fold(text)
    t = folded.text
    raw: list[tuple[int, int, Any]] = []
    append = raw.append
    anchors: list[tuple[int, str]] = []
    found = folded.memo.get(_TAG)
    if found is None:
        found = lex.matcher.scan(folded)[0]
    for start, end, clitic, (kind, value, cue, date_word) in found:
        if date_word is not None:
            anchors.append((start, date_word))
            if kind == _DATE:
                continue
        if kind == _ACTOR and value.type == "PER" and _prev_token(folded.padded, start - len(clitic)) in _NASAB:
            continue  # "صالح بن [عبدالعزيز آل الشيخ]": a listed name inside another man's lineage
        if not cue or _locative_before(folded, start - len(clitic), strict=date_word is not None or cue == 2):
            append((start, end, (kind, value)))
    chosen = select_longest(raw, len(t))
    # countries named by unambiguous places: only consulted for a name of several places (rare)
    votes: Counter[str] = Counter()
    if any(v[0] == _PLACE and len(v[1]) > 1 for _, _, v in chosen):
        votes.update(v[1][0].country for _, _, v in chosen if v[0] == _PLACE and len(v[1]) == 1)
    loc_at: dict[int, tuple[int, Place]] = {}
    by_start: dict[int, _Found] = {}
    occ = bytearray(len(t) + 1)
    markers: list[tuple[int, int, _Marker]] = []
    geo_of = lex.geo
    for s, e, (kind, v) in chosen:
        if kind == _PLACE:
            place = v[0] if len(v) == 1 else _choose_place(v, votes)
            loc_at[s] = (e, place)
            by_start[s] = (s, e, "LOC", place.name_en, geo_of(place), "gazetteer")
        elif kind == _ACTOR:
            by_start[s] = (s, e, v.type, v.canonical, None, "gazetteer")
        else:
            if len(markers) < MAX_MARKERS:
                markers.append((s, e, v))
            continue
        occ[s:e] = b"\x01" * (e - s)
    if markers:
        _resolve_markers(folded, markers, chosen, by_start, occ, loc_at, lex)
    ents: list[Entity] = []
    for s, e, typ, norm, geo, source in sorted(by_start.values()):
        os_, oe = folded.to_original(s, e)
        if not norm:  # unlisted person or place: the Arabic as written
            norm = _display_name(text[os_:oe])
        ents.append(Entity(typ, text[os_:oe], (os_, oe), norm, geo, source))
    dates = extract_dates(text, reference, anchors)
    if dates or tagger:
        taken = bytearray(len(text) + 1)
        for x in ents:
            taken[x.span[0] : x.span[1]] = b"\x01" * (x.span[1] - x.span[0])
        for d in dates:
            if taken.find(1, d.span[0], d.span[1]) == -1:
                ents.append(d)
                taken[d.span[0] : d.span[1]] = b"\x01" * (d.span[1] - d.span[0])
        if tagger:
            ents = _tagged(text, ents, taken, votes, lex)
        ents.sort(key=lambda x: x.span[0])
    return ents


_CLITIC_BEFORE_AL = re.compile(r"(?:[وف]?[بلك]|[وف])(?=ال)")


def _tagged(text: str, ents: list[Entity], taken: bytearray, votes: Counter[str], lex: _Lexicon) -> list[Entity]:
    """``ents`` plus the tagger spans that no list or rule entity overlaps (see the module docstring);
    a tagger PER that covers only rule-found people (a title's guess, "جان إيف") replaces them."""
    out = list(ents)
    rule_per = sorted((x.span[0], x.span[1], id(x)) for x in ents if x.type == "PER" and x.source == "rule")
    rule_starts = [r[0] for r in rule_per]
    gone: set[int] = set()
    added = 0
    for sp in default_tagger().spans(text[:MAX_TAG_CHARS]):
        if sp.type not in _TAGGED_TYPES:
            continue
        if added >= MAX_TAGGED:
            break
        s, e = sp.start, sp.end
        if _ARABIC_LETTER.search(text, s, e) is None or (sp.type == "LOC" and _is_locative_word(text[s:e])):
            continue
        if taken.find(1, s, e) != -1:
            if sp.type != "PER":
                continue
            inner = rule_per[bisect_left(rule_starts, s) : bisect_left(rule_starts, e)]
            if not inner or any(r[1] > e for r in inner) \
                    or taken.count(1, s, e) != sum(r[1] - r[0] for r in inner):
                continue
            gone.update(r[2] for r in inner)
        taken[s:e] = b"\x01" * (e - s)
        added += 1
        m = _CLITIC_BEFORE_AL.match(text, s, e)  # والولايات → الولايات, as the gazetteer spans read
        if m is not None:
            s = m.end()
        surface = text[s:e]
        geo: dict[str, Any] | None = None
        norm = _display_name(surface)
        if sp.type == "LOC":
            places = lex.places_by_key.get(fold_key(surface))
            if places:
                place = _choose_place(tuple(places), votes)
                geo = lex.geo(place)
                norm = place.name_en
        out.append(Entity(sp.type, surface, (s, e), norm, geo, "tagger"))
    return [x for x in out if id(x) not in gone] if gone else out


def _resolve_markers(
    folded: Folded,
    markers: list[tuple[int, int, _Marker]],
    chosen: list[tuple[int, int, Any]],
    by_start: dict[int, _Found],
    occ: bytearray,
    loc_at: dict[int, tuple[int, Place]],
    lex: _Lexicon,
) -> None:
    """People after titles and unlisted places after cue words, added to ``by_start`` in place."""
    t = folded.text
    spans = {s: (e, v[1]) for s, e, v in chosen}
    per_ends = {x[1] for x in by_start.values() if x[2] == "PER"}
    per_starts = {x[0] for x in by_start.values() if x[2] == "PER"}
    n = len(t)
    for s0, e, m in markers:
        nxt = e + 1 if e < n and t[e] == " " else e
        if m.kind == "CUE" and nxt in loc_at:
            continue  # "مدينة حمص": a listed place follows the cue
        if m.kind == "TITLE" and nxt in per_starts:
            continue  # "الرئيس بشار الأسد": a listed person follows the title
        if m.kind == "BLOCK":
            continue
        if m.kind == "TITLE":
            j = s0
            while j > 0 and t[j - 1] == " ":
                j -= 1
            if j in per_ends:
                continue  # "أحمد المسماري المتحدث باسم …": the name came first
            found = _title_person(folded, e, spans)
        else:
            found = _cue_place(folded, e, m.value, loc_at, lex)
        if found is None:
            continue
        fs, fe = found[0], found[1]
        if occ.find(1, fs, fe) != -1:
            inside = [by_start[k] for k in range(fs, fe) if k in by_start]
            # a title + first name absorbs a listed surname (ماهر الأسد is not Bashar al-Assad)
            if not inside or not all(x[2] == "PER" and fs < x[0] and x[1] <= fe for x in inside):
                continue
            if occ.find(1, fs, inside[0][0]) != -1:
                continue
            for x in inside:
                del by_start[x[0]]
        by_start[fs] = found
        occ[fs:fe] = b"\x01" * (fe - fs)
        if found[2] == "PER":
            per_ends.add(fe)


def _display_name(s: str) -> str:
    """Arabic name as written, without tashkeel/tatweel, single-spaced."""
    return " ".join(re.sub("[\u064b-\u065f\u0670\u0640]", "", s).split())


def _tokens(folded: Folded, pos: int, limit: int) -> list[tuple[int, int, str]]:
    """Up to ``limit`` word tokens from ``pos`` separated only by spaces (punctuation stops)."""
    t = folded.text
    stop = folded.stop_before(pos, pos + 16 * limit)
    out: list[tuple[int, int, str]] = []
    i = pos
    for w in t[pos:stop].split(" "):
        if w:
            out.append((i, i + len(w), w))
            if len(out) == limit:
                break
        i += len(w) + 1
    return out


def _strip_wa(tok: str) -> str:
    return tok[1:] if len(tok) > 2 and tok[0] in "وف" else tok


def _title_person(
    folded: Folded, pos: int, spans: dict[int, tuple[int, Any]]
) -> _Found | None:
    """Name tokens after a title: skip qualifiers (adjectives, "باسم الجيش", "إلى سورية"), take 1-3 words."""
    toks = _tokens(folded, pos, 12)
    i = 0
    skipped = 0
    while i < len(toks) and skipped < 6:
        s, _e, tok = toks[i]
        if s in spans:
            end, v = spans[s]
            if isinstance(v, _Actor) and v.type == "PER":
                return None  # a listed person: already an entity
            if isinstance(v, _Marker) and v.kind == "TITLE":
                i += 1  # a title inside the title chain (المبعوث الرئاسي)
                skipped += 1
                continue
            while i < len(toks) and toks[i][0] < end:
                i += 1
            skipped += 1
            continue
        if tok.startswith("ال") or tok in _QUALIFIER_WORDS or tok in _TITLE_WORDS or tok in _GOVERNED:
            if tok in _STOP:
                return None
            i += 1
            skipped += 1
            continue
        break
    name: list[tuple[int, int, str]] = []
    while i < len(toks) and len(name) < 3:
        if len(name) == 2 and not (toks[i][2].startswith("ال") or any(t[2] in _CONNECTORS for t in name)):
            break  # a third word only as a family name (فيصل المقداد) or after عبد/أبو/بن
        s, _e, tok = toks[i]
        base = _strip_wa(tok)
        if s in spans:
            end, v = spans[s]
            if name and tok.startswith("ال") and end == _e and isinstance(v, _Actor) and v.type == "PER":
                name.append(toks[i])  # family name shared with a listed person
            break
        if tok in _STOP or tok.isdigit() or len(tok) < 2:
            break
        if name and (base in _TITLE_WORDS or base in _STOP) and base != tok:
            break
        if tok in _TITLE_WORDS:
            break
        if not name and tok.startswith("ال"):
            break
        name.append(toks[i])
        i += 1
    while name and name[-1][2] in _CONNECTORS:
        name.pop()
    if not name:
        return None
    return (name[0][0], name[-1][1], "PER", "", None, "rule")


def _cue_place(
    folded: Folded, pos: int, kind: str, loc_at: dict[int, tuple[int, Place]], lex: _Lexicon
) -> _Found | None:
    """An unlisted place named after a cue (بلدة X), with its admin1 inferred from a nearby known place."""
    toks = _tokens(folded, pos, 8)
    if not toks:
        return None
    s, e, tok = toks[0]
    if s in loc_at or tok in _STOP or tok.isdigit() or len(tok) < 2 or tok in _TITLE_WORDS:
        return None
    end = e
    n = 1
    if tok in _MULTI and len(toks) > 1 and toks[1][2] not in _STOP and toks[1][0] not in loc_at:
        end = toks[1][1]
        n = 2
    geo: dict[str, Any] = {"lat": None, "lon": None, "admin1": None, "admin1_en": None, "country": None,
                           "kind": kind, "inferred": True}
    for ts, _te, _tok in toks[n : n + 4]:  # tokens stop at punctuation: same clause only
        hit = loc_at.get(ts) or loc_at.get(ts + 1) or loc_at.get(ts + 2)  # بإدلب، وبإدلب
        if hit is None:
            continue
        place = hit[1]
        a1 = lex.gaz.admin1_of(place)
        if a1 is not None:
            geo.update(lat=a1.lat, lon=a1.lon, admin1=a1.name_ar, admin1_en=a1.name_en, country=a1.country)
        else:
            geo.update(country=place.country)
        break
    return (s, end, "LOC", "", geo, "rule")


def regions_for(entities: list[Entity]) -> list[Region]:
    """Distinct districts, admin1 regions and countries named by list/rule LOC entities, in order of
    first mention (a district before its admin1 and country).

    A district counts only when the story names it (its row in places.tsv, e.g. عفرين): towns, camps
    and neighbourhoods count in their admin1, since the gazetteer does not say which district holds them.
    """
    lex = lexicon()
    out: dict[str, Region] = {}
    seen: set[tuple[str, Any, Any]] = set()
    for ent in entities:
        if ent.type != "LOC" or not ent.geo or not ent.geo.get("country") or ent.source == "tagger":
            continue  # regions (alerts) stay driven by the gazetteer and rules (docs/ner.md)
        cc = ent.geo["country"]
        a1_en = ent.geo.get("admin1_en")
        district = ent.normalized if ent.geo.get("kind") == "district" and not ent.geo.get("inferred") else None
        if (cc, a1_en, district) in seen:
            continue  # same regions as an earlier mention: nothing new
        seen.add((cc, a1_en, district))
        if district is not None:
            d = lex.gaz.districts.get((cc, district))
            if d is not None:
                key = f"{cc}:district:{d.name_en}"
                if key not in out:
                    out[key] = Region(d.name_ar, d.name_en, cc, "district", d.lat, d.lon)
        if a1_en:
            a1 = lex.gaz.admin1.get((cc, a1_en))
            if a1 is not None:
                key = f"{cc}:admin1:{a1.name_en}"  # Region.key, without building a Region to compare
                if key not in out:
                    out[key] = Region(a1.name_ar, a1.name_en, cc, "admin1", a1.lat, a1.lon)
        c = lex.countries.get(cc)
        if c is not None:
            key = f"{cc}:country:{c.name_en}"
            if key not in out:
                out[key] = Region(c.name_ar, c.name_en, cc, "country", c.lat, c.lon)
    return list(out.values())


def place_spans(entities: list[Entity]) -> list[tuple[int, int, str, str]]:
    """(start, end, country, admin1_en or "") of every list/rule LOC entity: the places the casualty
    stage compares with the article's event place (docs/casualties.md, "Other places")."""
    return [(e.span[0], e.span[1], e.geo["country"], e.geo.get("admin1_en") or "") for e in entities
            if e.type == "LOC" and e.geo and e.geo.get("country") and e.source != "tagger"]
