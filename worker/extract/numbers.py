"""Arabic numbers in running text: digits, number words, vague quantities and approximations.

Why a hand-written scanner: number words combine across tokens (ثلاثمائة وخمسة وعشرون, ثلاثة آلاف,
3 آلاف, أحد عشر) and carry clitics (و، ب، ل، ف، ال). We tokenize once with a linear regex (no nested
quantifiers, so no backtracking), fold each token to a *matching form* with a same-length
``str.translate`` (alef forms → ا, ى → ي, ة → ه, Arabic-Indic/Persian digits → ASCII) and look every
token up in dictionaries that already contain all prefixed variants — one hash lookup per token.
Tashkeel and tatweel are kept inside tokens for offsets and dropped from the token's lookup key, so
every span indexes the text the caller passed in.

Public API: :func:`tokenize`, :func:`find_numbers`, :func:`numbers_from_tokens`, :class:`NumberMatch`,
:class:`Tokens`, :data:`DEFAULT_VAGUE_BOUNDS`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from operator import attrgetter

__all__ = [
    "DEFAULT_VAGUE_BOUNDS",
    "DUAL_NOUNS",
    "NUM_WORDS",
    "NumberMatch",
    "Tokens",
    "find_numbers",
    "fold",
    "fold_same_length",
    "lookup_prefixed",
    "numbers_from_tokens",
    "tokenize",
]

# Conventional lower bounds for vague quantities (ACLED: tens=10, dozens=12, hundreds=100).
DEFAULT_VAGUE_BOUNDS: dict[str, int] = {
    "tens": 10,
    "dozens": 12,
    "hundreds": 100,
    "thousands": 1000,
    "few": 3,
}

# ---------------------------------------------------------------------------------------------
# Matching form (same length as the input, so offsets never move)
# ---------------------------------------------------------------------------------------------
_FOLD_TABLE: dict[int, str] = {
    **{ord(c): "ا" for c in "أإآٱٲٳ"},
    ord("ى"): "ي",
    ord("ی"): "ي",
    ord("ة"): "ه",
    ord("ۀ"): "ه",
    ord("ک"): "ك",
    **{0x0660 + d: str(d) for d in range(10)},
    **{0x06F0 + d: str(d) for d in range(10)},
}
_MARKS_RE = re.compile("[\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")


def fold(text: str) -> str:
    """Matching form of ``text`` without tashkeel/tatweel (lengths may differ; use for lexicon keys)."""
    return _MARKS_RE.sub("", fold_same_length(text))


# ---------------------------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------------------------
# Token kinds equal the regex group numbers, so no per-token mapping is needed.
T_WORD, T_NUM, T_STOP, T_COMMA, T_PCT = 1, 2, 3, 4, 5

_WORD = "\u0621-\u063a\u0640-\u065f\u0670-\u06d3\u06d6-\u06edA-Za-z"  # letters, marks included
_STOPS = ".!?\u061f\u061b\n"
_CLAUSE = "\u060c,:;()\u00ab\u00bb\"\\-\u2013\u2014"
_PCT = "%\u066a"
# The first character of a token decides its kind (the classes are disjoint). The pattern opens
# with the class of every first character, so sre skips spaces and other characters in C; an
# alternation of groups would be tried branch by branch at every position (about twice as slow).
# The lookbehind of each branch tests that first character; its empty group numbers the kind.
_TOKEN_RE = re.compile(
    f"[0-9{_WORD}{_STOPS}{_CLAUSE}{_PCT}](?:"
    f"(?<=[{_WORD}])()[{_WORD}]*"  # 1: a word
    f"|(?<=[0-9])()[0-9]*(?:[.,\u066b\u066c][0-9]+)*"  # 2: digits with separators (each followed by a digit)
    f"|(?<=[{_STOPS}])()[{_STOPS}]*"  # 3: sentence boundary
    f"|(?<=[{_CLAUSE}])()"  # 4: clause boundary
    "|())"  # 5: percent sign
)


@dataclass(slots=True)
class Tokens:
    """Tokens as parallel lists (cheaper than one object per token); spans index the original text.

    ``norms`` holds the matching form: folded letters and digits, tashkeel/tatweel removed.
    """

    kinds: list[int]
    starts: list[int]
    ends: list[int]
    norms: list[str]

    def __len__(self) -> int:
        return len(self.kinds)


# Every alternative of _TOKEN_RE is a group, so ``lastindex`` is never None.
_LASTINDEX = attrgetter("lastindex")
_START = re.Match.start
_END = re.Match.end
_GROUP = re.Match.group
_FOLD_PAIRS = [(chr(k), v) for k, v in _FOLD_TABLE.items()]


def fold_same_length(text: str) -> str:
    """Letter/digit folding that keeps every offset (tashkeel is left in place).

    A chain of ``str.replace`` over the few characters present is ~40x faster than
    ``str.translate`` with a dict on non-ASCII text.
    """
    for ch, rep in _FOLD_PAIRS:
        if ch in text:
            text = text.replace(ch, rep)
    return text


def tokenize(
    text: str, ranges: list[tuple[int, int]] | None = None, *, folded: str | None = None,
    marks: bool | None = None,
) -> Tokens:
    """Tokens of ``text`` (one linear regex pass), optionally only inside ``ranges``.

    Separate ranges are joined by an empty sentence-boundary token, so context never leaks across
    text that was skipped. ``marks``: whether ``folded`` holds tashkeel/tatweel, when the caller
    already knows (saves a scan).
    """
    if folded is None:
        folded = fold_same_length(text)
    kinds: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    norms: list[str] = []
    finditer = _TOKEN_RE.finditer
    for k, (a, b) in enumerate(ranges if ranges is not None else [(0, len(folded))]):
        if k:
            kinds.append(T_STOP)
            starts.append(a)
            ends.append(a)
            norms.append("")
        ms = list(finditer(folded, a, b))
        # map over the unbound C methods: no Python frame per token
        kinds += map(_LASTINDEX, ms)
        starts += map(_START, ms)
        ends += map(_END, ms)
        norms += map(_GROUP, ms)
    if marks is None:
        marks = _MARKS_RE.search(folded) is not None
    if marks:
        sub = _MARKS_RE.sub
        norms = [sub("", w) if kd == T_WORD else w for w, kd in zip(norms, kinds, strict=True)]
    return Tokens(kinds, starts, ends, norms)


# ---------------------------------------------------------------------------------------------
# Lexicon (matching forms)
# ---------------------------------------------------------------------------------------------
# Clitics a number word or noun may carry. "ال" variants are flagged: "السبعة" = "the seven".
PREFIXES: tuple[str, ...] = (
    "", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك",
    "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وبال",
)

_UNITS = {
    "واحد": 1, "واحده": 1, "احد": 1, "احدي": 1,
    "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2,
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6,
    "سبع": 7, "سبعه": 7, "ثمان": 8, "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9,
}
_TEN = {"عشر": 10, "عشره": 10}
_TENS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
}
_HUNDREDS: dict[str, int] = {"مئه": 100, "مائه": 100, "مئتان": 200, "مائتان": 200, "مئتين": 200,
                             "مائتين": 200, "مئتا": 200, "مائتا": 200, "مئتي": 200, "مائتي": 200}
for _stem, _v in (("ثلاث", 3), ("اربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7), ("ثمان", 8),
                  ("ثماني", 8), ("تسع", 9)):
    for _h in ("مئه", "مائه"):
        _HUNDREDS[_stem + _h] = _v * 100
_THOUSAND = {"الف": 1000, "الفا": 1000, "الفان": 2000, "الفين": 2000, "الفي": 2000}
_THOUSANDS_PL = {"الاف", "الوف"}  # plural: multiplier after 3–10, vague alone
_MILLION = {"مليون": 10**6, "مليونا": 10**6, "مليونان": 2 * 10**6, "مليونين": 2 * 10**6,
            "مليار": 10**9, "مليارا": 10**9}
_MILLIONS_PL = {"ملايين": 10**6, "مليارات": 10**9}
_VAGUE = {"عشرات": "tens", "مئات": "hundreds", "مءات": "hundreds", "بضع": "few", "بضعه": "few",
          "دزينه": "dozens", "دزينات": "dozens", "عده": "few"}
_VAGUE_NEEDS_MIN = {"عدد": "few", "العديد": "few"}  # only as "عدد من" / "العديد من"

# Dual nouns of people/bodies whose plural is broken (so the -ين form is unambiguous): = 2.
DUAL_NOUNS: dict[str, str] = {}
for _stem, _label in (
    ("قتيل", "killed"), ("جريح", "injured"), ("شهيد", "killed"), ("جندي", "soldiers"),
    ("طفل", "children"), ("طفلت", "children"), ("شخص", "people"), ("عنصر", "fighters"),
    ("ضابط", "officers"), ("رجل", "men"), ("امرات", "women"), ("شاب", "people"), ("فتات", "children"),
    ("جثت", "bodies"), ("شرطي", "police"), ("شقيق", "people"), ("مصاب", "injured"), ("اسير", "people"),
    ("قائد", "commanders"), ("صياد", "civilians"), ("راع", "civilians"), ("مزارع", "civilians"),
    ("راكب", "civilians"), ("سائق", "civilians"), ("طيار", "pilots"),
):
    DUAL_NOUNS[_stem + "ان"] = _label
    DUAL_NOUNS[_stem + "ين"] = _label
for _stem, _label in (("مصور", "journalists"), ("صحفي", "journalists"), ("مسعف", "medics"),
                      ("مدني", "civilians"), ("مواطن", "civilians"), ("مقاتل", "fighters"),
                      ("عسكري", "soldiers"), ("فلسطيني", "Palestinians"), ("مسلح", "fighters"),
                      ("اخر", "people"),  # "وأصيب آخران" = 2; "آخرين" is also "others", any number
                      # "ولقي قياديان في الجماعة مصرعهما": people named by their work or rank
                      ("قيادي", "commanders"), ("خبير", "people"), ("مستشار", "people"), ("ناشط", "people"),
                      ("موظف", "people"), ("عامل", "people"), ("حارس", "people"), ("طالب", "people"),
                      ("مهندس", "people"), ("معلم", "people")):
    DUAL_NOUNS[_stem + "ان"] = _label  # the -ين form of these is also the plural: not a dual
del DUAL_NOUNS["مصابين"]  # plural of مصاب as often as dual
del DUAL_NOUNS["مزارعين"]

# Category codes in the lookup table
C_UNIT, C_TEN, C_TENS, C_HUNDRED, C_THOUSAND, C_THOUSANDS_PL, C_MILLION, C_MILLIONS_PL = range(8)
C_VAGUE, C_VAGUE_MIN, C_DUAL = 8, 9, 10

_BASE: dict[str, tuple[int, int | str]] = {}
_BASE.update({k: (C_UNIT, v) for k, v in _UNITS.items()})
_BASE.update({k: (C_TEN, v) for k, v in _TEN.items()})
_BASE.update({k: (C_TENS, v) for k, v in _TENS.items()})
_BASE.update({k: (C_HUNDRED, v) for k, v in _HUNDREDS.items()})
_BASE.update({k: (C_THOUSAND, v) for k, v in _THOUSAND.items()})
_BASE.update({k: (C_THOUSANDS_PL, 1000) for k in _THOUSANDS_PL})
_BASE.update({k: (C_MILLION, v) for k, v in _MILLION.items()})
_BASE.update({k: (C_MILLIONS_PL, v) for k, v in _MILLIONS_PL.items()})
_BASE.update({k: (C_VAGUE, v) for k, v in _VAGUE.items()})
_BASE.update({k: (C_VAGUE_MIN, v) for k, v in _VAGUE_NEEDS_MIN.items()})
_BASE.update({k: (C_DUAL, v) for k, v in DUAL_NOUNS.items()})

# (category, payload, prefix) for every prefixed variant; unprefixed forms win on collisions
# (e.g. "الف" is "thousand", never "ال" + "ف").
_NUM_LEXICON: dict[str, tuple[int, int | str, str]] = {}
for _p in reversed(PREFIXES):
    for _w, (_c, _val) in _BASE.items():
        if "ال" in _p and (_w in ("احد", "احدي") or (_c == C_HUNDRED and _val == 100)):
            continue  # الأحد = Sunday; المئة = percent ("في المئة")
        if _p and _c == C_VAGUE_MIN:
            continue
        _NUM_LEXICON[_p + _w] = (_c, _val, _p)


NUM_WORDS: frozenset[str] = frozenset(_NUM_LEXICON)


def lookup_prefixed(norm: str, table: Mapping[str, object]) -> str | None:
    """Base form of ``norm`` in ``table`` after removing one clitic prefix (or None)."""
    if norm in table:
        return norm
    for p in PREFIXES[1:]:
        if norm.startswith(p) and norm[len(p):] in table:
            return norm[len(p):]
    return None


# Approximation markers (matching form), checked as the token sequence right before a number.
_APPROX_BEFORE: set[tuple[str, ...]] = {
    (w,) for w in ("نحو", "بنحو", "ونحو", "قرابه", "بقرابه", "حوالي", "بحوالي", "زهاء", "بزهاء",
                   "يناهز", "تناهز", "يقارب", "يقاربون", "قارب", "اكثر", "ازيد", "يربو", "حوالي")
} | {
    ("اكثر", "من"), ("ازيد", "من"), ("اقل", "من"), ("ما", "يقارب"), ("بما", "يقارب"), ("ما", "يناهز"),
    ("ما", "يزيد", "علي"), ("ما", "يزيد", "عن"), ("يزيد", "علي"), ("يزيد", "عن"), ("ما", "يربو", "علي"),
    ("ما", "لا", "يقل", "عن"), ("لا", "يقل", "عن"), ("بما", "لا", "يقل", "عن"), ("علي", "الاقل"),
    ("ما", "يفوق"), ("يفوق",), ("ما", "يتجاوز"), ("يتجاوز",), ("اكثر", "من", "نحو"),
}
_APPROX_BEFORE |= {("و" + seq[0], *seq[1:]) for seq in _APPROX_BEFORE}  # "وأكثر من"
_APPROX_MAX = 4
_APPROX_AFTER: tuple[str, str] = ("علي", "الاقل")


@dataclass(slots=True)
class NumberMatch:
    """A number found in text. ``value`` is None for vague quantities, which carry ``lower_bound``.

    ``first``/``last`` are token indices (inclusive) so callers can read the surrounding tokens;
    ``dual`` marks a dual noun (جنديين = 2) whose token is the counted noun itself; ``definite``
    marks an ال-prefixed number word ("الثلاثة") that follows its noun.
    """

    value: int | float | None
    start: int
    end: int
    text: str
    approximate: bool = False
    vague: bool = False
    lower_bound: int | None = None
    first: int = 0
    last: int = 0
    dual: bool = False
    definite: bool = False
    digits: bool = False


_GROUP_SEP = re.compile(r"[.,]")


def _parse_digits(s: str) -> int | float:
    """'1,200' / '1.200' / '١٬٢٠٠' → 1200; '1.5' / '1٫5' → 1.5."""
    if s.isdigit():  # no separator (most counts): skip the splitting below
        return int(s)
    s = s.replace("\u066c", ",").replace("\u066b", "#")
    if "#" in s:
        head, _, tail = s.partition("#")
        head = head.replace(",", "").replace(".", "")
        # A second decimal separator ("3٫53٫5", a typo or a version number) is dropped, not fatal.
        tail = tail.replace(",", "").replace(".", "").replace("#", "")
        return float(f"{head}.{tail}")
    groups = _GROUP_SEP.split(s)
    if len(groups) == 1:
        return int(s)
    if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
        return int("".join(groups))
    if len(groups) == 2 and "." in s:
        return float(s)
    return int(groups[-1])  # unrecognisable grouping: keep the last group (e.g. "1,2,3")


def _int_or_float(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def numbers_from_tokens(
    text: str, tokens: Tokens, vague_bounds: Mapping[str, int] | None = None, *, limit: int | None = None
) -> list[NumberMatch]:
    """Numbers in ``tokens`` (from :func:`tokenize` of ``text``), left to right, non-overlapping.

    ``limit`` stops after that many matches (bounded time on pathological input).
    """
    bounds = dict(DEFAULT_VAGUE_BOUNDS)
    if vague_bounds:
        bounds.update(vague_bounds)
    out: list[NumberMatch] = []
    lex = _NUM_LEXICON
    kinds, norms = tokens.kinds, tokens.norms
    candidates = [i for i, kd in enumerate(kinds) if kd == T_NUM or norms[i] in lex]  # no tuple per token
    done = -1
    for i in candidates:
        if i <= done:
            continue
        if kinds[i] == T_NUM:
            j, m = _digits_run(tokens, i)
        elif kinds[i] == T_WORD:
            j, m = _word_run(tokens, i, bounds)
        else:
            continue
        if m is None:
            continue
        m.first, m.last = i, j
        m.start, m.end = tokens.starts[i], tokens.ends[j]
        m.text = text[m.start:m.end]
        m.approximate = _approx_before(tokens, i) or _approx_after(tokens, j)
        out.append(m)
        done = j
        if limit is not None and len(out) >= limit:
            break
    return out


def find_numbers(text: str, *, vague_bounds: Mapping[str, int] | None = None) -> list[NumberMatch]:
    """Numbers in ``text``: digits, number words, compounds, duals and vague quantities."""
    return numbers_from_tokens(text, tokenize(text), vague_bounds)


def _next_word(tokens: Tokens, j: int) -> str | None:
    return tokens.norms[j] if j < len(tokens.kinds) and tokens.kinds[j] == T_WORD else None


_MAX_DIGITS_TOKEN = 24  # longer digit runs are ids, phone numbers or junk, never counts


def _digits_run(tokens: Tokens, i: int) -> tuple[int, NumberMatch | None]:
    if len(tokens.norms[i]) > _MAX_DIGITS_TOKEN:
        return i, None
    value: int | float = _parse_digits(tokens.norms[i])
    j = i
    nxt = _next_word(tokens, i + 1)
    if nxt is not None:
        info = _NUM_LEXICON.get(nxt)
        if info is not None and info[0] in (C_THOUSAND, C_THOUSANDS_PL, C_MILLION, C_MILLIONS_PL) \
                and info[2] == "":
            mult = 1000 if info[0] in (C_THOUSAND, C_THOUSANDS_PL) else (10**9 if "مليار" in nxt else 10**6)
            value = value * mult
            j = i + 1
    return j, NumberMatch(value if type(value) is int else _int_or_float(value), 0, 0, "", digits=True)


_ALLOWED_AFTER = {  # what may follow "و" inside one compound number
    "thousand": {C_UNIT, C_TEN, C_TENS, C_HUNDRED},
    "hundred": {C_UNIT, C_TEN, C_TENS},
    "unit": {C_TENS},
}


def _word_run(tokens: Tokens, i: int, bounds: Mapping[str, int]) -> tuple[int, NumberMatch | None]:
    lex = _NUM_LEXICON
    norms, kinds = tokens.norms, tokens.kinds
    cat, payload, prefix = lex[norms[i]]
    definite = "ال" in prefix
    n = len(kinds)
    if cat == C_DUAL:
        return i, NumberMatch(2, 0, 0, "", dual=True)
    if cat == C_VAGUE_MIN:
        if _next_word(tokens, i + 1) != "من":
            return i, None
        return i, NumberMatch(None, 0, 0, "", vague=True, lower_bound=bounds[str(payload)])
    if cat in (C_VAGUE, C_THOUSANDS_PL, C_MILLIONS_PL):
        key = str(payload) if cat == C_VAGUE else "thousands"
        lb = bounds[key] if cat != C_MILLIONS_PL else bounds["thousands"] * 1000
        j = i
        nxt = _next_word(tokens, i + 1)
        if nxt is not None and cat == C_VAGUE:
            ninfo = lex.get(nxt)
            if ninfo is not None and ninfo[0] in (C_THOUSANDS_PL, C_MILLIONS_PL) and "و" not in ninfo[2]:
                lb *= 1000 if ninfo[0] == C_THOUSANDS_PL else 10**6
                j = i + 1
        return j, NumberMatch(None, 0, 0, "", vague=True, lower_bound=lb, definite=definite)

    total = 0
    cur = 0
    last = ""
    if cat == C_UNIT:
        cur, last = int(payload), "unit"
    elif cat in (C_TEN, C_TENS):
        cur, last = int(payload), "tens"
    elif cat == C_HUNDRED:
        cur, last = int(payload), "hundred"
    elif cat in (C_THOUSAND, C_MILLION):
        total, last = int(payload), "thousand"
    j = i
    k = i + 1
    while k < n:
        if kinds[k] != T_WORD:
            break
        norm = norms[k]
        conj = False
        nk = k
        if norm == "و":
            nxt = _next_word(tokens, k + 1)
            if nxt is None:
                break
            norm, conj, nk = nxt, True, k + 1
        info = lex.get(norm)
        if info is None:
            break
        c2, v2, pre = info
        if pre == "و" and not conj:
            conj = True
        elif pre:
            break
        if not conj:
            if c2 == C_TEN and last == "unit" and cur < 10:
                cur += 10
                last = "teen"
            elif c2 == C_HUNDRED and v2 == 100 and last == "unit":
                cur *= 100
                last = "hundred"
            elif c2 in (C_THOUSAND, C_THOUSANDS_PL) and cur > 0 and last != "thousand":
                total += cur * 1000
                cur, last = 0, "thousand"
            elif c2 in (C_MILLION, C_MILLIONS_PL) and cur > 0 and last != "thousand":
                total += cur * (10**9 if "مليار" in norm else 10**6)
                cur, last = 0, "thousand"
            else:
                break
        else:
            allowed = _ALLOWED_AFTER.get(last, set())
            if c2 not in allowed:
                break
            if c2 == C_TENS and last == "unit" and (cur % 100) >= 10:
                break
            cur += int(v2)
            last = {C_UNIT: "unit", C_TEN: "tens", C_TENS: "tens", C_HUNDRED: "hundred"}[c2]
        j = nk
        k = nk + 1
    value = total + cur
    if value == 0:
        return i, None
    return j, NumberMatch(value, 0, 0, "", definite=definite)


_APPROX_LAST = frozenset(seq[-1] for seq in _APPROX_BEFORE)


def _approx_before(tokens: Tokens, i: int) -> bool:
    kinds, norms = tokens.kinds, tokens.norms
    if i == 0 or norms[i - 1] not in _APPROX_LAST:
        return False
    lo = max(0, i - _APPROX_MAX)
    words: list[str] = []
    for k in range(i - 1, lo - 1, -1):
        if kinds[k] != T_WORD:
            break
        words.insert(0, norms[k])
    return any(tuple(words[-size:]) in _APPROX_BEFORE for size in range(min(len(words), _APPROX_MAX), 0, -1))


def _approx_after(tokens: Tokens, j: int) -> bool:
    kinds, norms = tokens.kinds, tokens.norms
    if j + 2 < len(kinds) and kinds[j + 1] == T_WORD and kinds[j + 2] == T_WORD:
        return (norms[j + 1], norms[j + 2]) == _APPROX_AFTER
    return False
