"""Arabic date expressions → ISO 8601 (pure).

Handles both month series (كانون الثاني … / يناير …, Maghreb forms too), doubled names
("أيلول/سبتمبر", "أيلول (سبتمبر)"), "شهر آب", "4 مايو لعام 2017", "من عام", weekday prefixes
("السبت 3 آذار"), ISO "2024-03-05", numeric "5/3/2024" (day first, as Arabic outlets write),
and Arabic-Indic digits. One compiled regex over the folded text (same folds as the matcher),
spans mapped back to the original text.

``normalized`` values:
* full date → "YYYY-MM-DD"; month and year → "YYYY-MM";
* day and month without a year → the reference year when ``reference`` is given (the previous
  year if that would put the date more than 31 days after the reference, since news reports the
  past), else the partial ISO form "--MM-DD" (month alone after "شهر" → "--MM");
* weekday words and أمس/اليوم/غدا/أول أمس are resolved only when ``reference`` is given
  (a bare weekday = the latest such day on or before the reference, "المقبل/القادم" = the next);
  without a reference they are skipped, because a bare weekday carries no date.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, timedelta

from worker.extract.gazetteer.matcher import PhraseMatcher, fold
from worker.models import Entity

_MONTHS: dict[str, int] = {
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7,
    "اب": 8, "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12,
    "يناير": 1, "جانفي": 1, "فبراير": 2, "فيفري": 2, "مارس": 3, "ابريل": 4, "افريل": 4,
    "مايو": 5, "ماي": 5, "مايس": 5, "يونيو": 6, "يونيه": 6, "جوان": 6, "يوليو": 7, "يوليه": 7,
    "يوليوز": 7, "جويليه": 7, "اغسطس": 8, "غشت": 8, "اوت": 8, "سبتمبر": 9, "شتنبر": 9,
    "اكتوبر": 10, "نوفمبر": 11, "نونبر": 11, "ديسمبر": 12, "دجنبر": 12,
}
_WEEKDAYS: dict[str, int] = {
    "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6,
}
_RELATIVE: dict[str, int] = {"امس": -1, "البارحه": -1, "اول امس": -2, "اليوم": 0, "غدا": 1}

_M = "|".join(sorted((re.escape(m).replace(r"\ ", r"\s+") for m in _MONTHS), key=len, reverse=True))
_W = "|".join(_WEEKDAYS)
_MONTH = rf"(?P<m1>{_M})(?:\s*[/(]\s*(?P<m2>{_M})\s*\)?)?"
_YEAR = r"(?:\s*[،,]?\s*(?:(?:من\s+)?(?:ل?عام|ل?سنه)\s+)?(?P<y>(?:19|20)\d\d)(?!\d))"
_PATTERN = re.compile(
    rf"""(?:(?<!\w)|(?<=(?<!\w)[وفب]))(?:
      (?P<iso>(?P<iy>(?:19|20)\d\d)-(?P<im>[01]?\d)-(?P<id>[0-3]?\d))(?!\d)
    | (?P<num>(?P<nd>[0-3]?\d)[/.](?P<nm>[01]?\d)[/.](?P<ny>(?:19|20)\d\d))(?!\d)
    | (?:(?:يوم\s+)?(?P<wd>{_W})\s*[،,]?\s*)?(?P<d>[0-3]?\d)\s*(?:من\s+)?(?:شهر\s+)?{_MONTH}{_YEAR}?(?!\w)
    | (?P<sh>شهر\s+)?{_MONTH.replace("m1", "mm1").replace("m2", "mm2")}{_YEAR.replace("<y>", "<my>")}(?!\w)
    | شهر\s+{_MONTH.replace("m1", "om1").replace("m2", "om2")}(?!\w)
    | (?:يوم\s+)?(?P<w>{_W})(?:\s+(?P<next>المقبل|القادم))?(?!\w)
    | (?P<rel>اول\s+امس|امس|البارحه|اليوم|غدا)(?!\w)
    )""",
    re.VERBOSE,
)


def _month(name: str) -> int:
    return _MONTHS[" ".join(name.split())]


def _with_year(day: int, month: int, reference: date | None) -> str | None:
    if reference is None:
        return f"--{month:02d}-{day:02d}" if _valid(2000, month, day) else None
    year = reference.year
    if _valid(year, month, day) and date(year, month, day) > reference + timedelta(days=31):
        year -= 1
    return date(year, month, day).isoformat() if _valid(year, month, day) else None


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _iso(y: int, m: int, d: int) -> str | None:
    return date(y, m, d).isoformat() if _valid(y, m, d) else None


def _weekday(wd: int, reference: date, forward: bool) -> str:
    if forward:
        delta = (wd - reference.weekday()) % 7 or 7
        return (reference + timedelta(days=delta)).isoformat()
    return (reference - timedelta(days=(reference.weekday() - wd) % 7)).isoformat()


def _normalize(m: re.Match[str], reference: date | None) -> str | None:
    g = m.groupdict()
    if g["iso"]:
        return _iso(int(g["iy"]), int(g["im"]), int(g["id"]))
    if g["num"]:
        return _iso(int(g["ny"]), int(g["nm"]), int(g["nd"]))
    if g["d"]:
        month, day = _month(g["m1"]), int(g["d"])
        if g["y"]:
            return _iso(int(g["y"]), month, day)
        return _with_year(day, month, reference)
    if g["mm1"]:
        return f"{int(g['my']):04d}-{_month(g['mm1']):02d}"
    if g["om1"]:
        month = _month(g["om1"])
        if reference is None:
            return f"--{month:02d}"
        year = reference.year - (1 if date(reference.year, month, 1) > reference + timedelta(days=31) else 0)
        return f"{year:04d}-{month:02d}"
    if reference is None:
        return None
    if g["w"]:
        return _weekday(_WEEKDAYS[g["w"]], reference, bool(g["next"]))
    if g["rel"]:
        return (reference + timedelta(days=_RELATIVE[" ".join(g["rel"].split())])).isoformat()
    return None


_DAY_BEFORE = re.compile(r"(?<!\d)\d{1,2}\s*(?:من\s+)?(?:شهر\s+)?$")
MAX_CANDIDATES = 1000  # places per text where a date is tried (bounds time on adversarial input)
# Words a date can start with (matching form); the big regex is tried only there and before numbers.
ANCHOR_WORDS: tuple[str, ...] = (*_MONTHS, *_WEEKDAYS, *_RELATIVE, "شهر", "يوم")
_ANCHORS: PhraseMatcher | None = None


def _anchors() -> PhraseMatcher:
    global _ANCHORS
    if _ANCHORS is None:
        _ANCHORS = PhraseMatcher((w, w) for w in ANCHOR_WORDS)
    return _ANCHORS


def extract_dates(
    text: str, reference: date | None = None, anchors: list[tuple[int, str]] | None = None
) -> list[Entity]:
    """DATE entities with ISO ``normalized`` values and spans in ``text``.

    ``anchors``: (matching-form start, word) of ``ANCHOR_WORDS`` already found by the caller's own
    scan (the entity extractor shares its single Aho-Corasick pass); found here when None.
    """
    folded = fold(text)
    t = folded.text
    if anchors is None:
        anchors = [(h[0], h[3][0]) for h in _anchors().hits(folded)]
    months = sorted(s for s, w in anchors if w in _MONTHS)
    starts: set[int] = set()
    # A number starts a date only a few words before a month name ("4 من شهر أيار") or before
    # - / . and another digit (2024-03-05, 5/3/2024). Found from those anchors, not by scanning every
    # character with a regex (docs/decisions/str-find-scans.md).
    for ms in months:
        d = _DAY_BEFORE.search(t, max(0, ms - 24), ms)
        if d is not None:
            starts.add(d.start())
    n = len(t)
    for sep in "-/.":
        i = t.find(sep)
        while i != -1:
            if 0 < i < n - 1 and t[i - 1].isdigit() and t[i + 1].isdigit():
                j = i - 1
                while j > 0 and t[j - 1].isdigit():
                    j -= 1
                starts.add(j)
            i = t.find(sep, i + 1)
    for s, word in anchors:
        if reference is not None or word in _MONTHS or word == "شهر":
            starts.add(s)
        elif (k := bisect_right(months, s)) < len(months) and months[k] - s <= 24:
            starts.add(s)  # "السبت 3 آذار": a weekday is kept when a month follows
    out: list[Entity] = []
    last_end = -1
    for pos in sorted(starts)[:MAX_CANDIDATES]:
        if pos < last_end:
            continue
        m = _PATTERN.match(t, pos)
        if m is None or m.end() == pos:
            continue
        last_end = m.end()
        iso = _normalize(m, reference)
        if iso is None:
            continue
        s, e = folded.to_original(m.start(), m.end())
        out.append(Entity("DATE", text[s:e], (s, e), iso, None))
    return out
