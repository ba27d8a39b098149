"""Gazetteer loader: Levant/Iraq/Yemen/Libya places and every country and capital (pure, data in TSV).

Why TSV: one line per place is easy to review and diff, and ``csv``-free splitting loads the
whole gazetteer in a few milliseconds. Files (UTF-8, ``#`` starts a comment line):

* ``places.tsv``: ``names_ar(|variants)  name_en  kind  admin1_en  country  lat  lon  flags``
* ``countries.tsv``: ``iso2  names_ar  name_en  lat  lon  capital_ar  capital_en  cap_lat  cap_lon  adjectives``

The first Arabic name of a row is its canonical Arabic name. Admin1 rows also answer to
"محافظة X". Flag ``a`` marks names that are common Arabic words (صور "pictures", الباب
"the door"); the entity extractor only accepts those after a locative cue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_DIR = Path(__file__).resolve().parent

# Capitals / countries whose Arabic name is also a common word or a person's name.
_AMBIGUOUS_COUNTRY_NAMES = frozenset({
    "مالي", "صوفيا", "ديلي", "روسو", "فيكتوريا", "سول", "جورج تاون", "لاباز", "مسقط", "كابل", "الرباط", "ماليه",
})


@dataclass(frozen=True)
class Place:
    """One gazetteer row: a place and the admin1 region and country it belongs to."""

    name_ar: str
    name_en: str
    kind: str  # admin1 | district | town | camp | neighbourhood | capital | country
    admin1_en: str | None
    country: str  # ISO 3166-1 alpha-2
    lat: float | None
    lon: float | None
    names: tuple[str, ...] = ()
    ambiguous: bool = False


@dataclass(frozen=True)
class Country:
    iso2: str
    name_ar: str
    name_en: str
    lat: float
    lon: float
    names: tuple[str, ...]
    capital: Place
    adjectives: tuple[tuple[str, str], ...] = ()  # (masculine, feminine) with the article


@dataclass(frozen=True)
class Gazetteer:
    places: tuple[Place, ...]
    countries: dict[str, Country]
    admin1: dict[tuple[str, str], Place] = field(default_factory=dict)  # (country, admin1_en) → row

    def admin1_of(self, place: Place) -> Place | None:
        if place.admin1_en is None:
            return None
        return self.admin1.get((place.country, place.admin1_en))

    def entries(self) -> list[tuple[str, Place]]:
        """Every (Arabic name, place) pair to put in a matcher; places first, then countries, capitals."""
        out: list[tuple[str, Place]] = []
        for p in self.places:
            out.extend((n, p) for n in p.names)
            if p.kind == "admin1":
                out.extend((f"محافظة {n}", _unambiguous(p)) for n in p.names)
        seen = {n for n, _ in out}
        for c in self.countries.values():
            as_place = country_place(c)
            out.extend((n, as_place) for n in c.names)
            out.extend((n, c.capital) for n in c.capital.names if n not in seen)
        return out


def _unambiguous(p: Place) -> Place:
    if not p.ambiguous:
        return p
    return Place(p.name_ar, p.name_en, p.kind, p.admin1_en, p.country, p.lat, p.lon, p.names, False)


def country_place(c: Country) -> Place:
    return Place(c.name_ar, c.name_en, "country", None, c.iso2, c.lat, c.lon, c.names,
                 any(n in _AMBIGUOUS_COUNTRY_NAMES for n in c.names))


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in (_DIR / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


def _f(s: str) -> float | None:
    return float(s) if s.strip() else None


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """Read both TSV files once per process."""
    places: list[Place] = []
    for r in _rows("places.tsv"):
        r += [""] * (8 - len(r))
        names = tuple(n.strip() for n in r[0].split("|") if n.strip())
        places.append(Place(names[0], r[1], r[2], r[3] or None, r[4], _f(r[5]), _f(r[6]), names, "a" in r[7]))
    countries: dict[str, Country] = {}
    for r in _rows("countries.tsv"):
        r += [""] * (10 - len(r))
        names = tuple(n for n in r[1].split("|") if n)
        cap_names = tuple(n for n in r[5].split("|") if n)
        ambiguous_cap = any(n in _AMBIGUOUS_COUNTRY_NAMES for n in cap_names)
        capital = Place(cap_names[0], r[6], "capital", None, r[0], _f(r[7]), _f(r[8]), cap_names, ambiguous_cap)
        adjs = tuple(
            (pair.split("|")[0], pair.split("|")[1]) for pair in r[9].split(";") if pair.count("|") == 1
        )
        countries[r[0]] = Country(r[0], names[0], r[2], float(r[3]), float(r[4]), names, capital, adjs)
    admin1: dict[tuple[str, str], Place] = {}
    for p in places:
        if p.admin1_en and p.admin1_en == p.name_en and p.kind in ("admin1", "capital"):
            admin1.setdefault((p.country, p.admin1_en), p)
    for p in places:  # regions without a row of their own (Amanat al-Asimah) take their first member
        if p.admin1_en and (p.country, p.admin1_en) not in admin1:
            admin1[(p.country, p.admin1_en)] = Place(
                p.name_ar, p.admin1_en, "admin1", p.admin1_en, p.country, p.lat, p.lon, p.names
            )
    return Gazetteer(tuple(places), countries, admin1)
