"""The regions stories and alerts can be in (the gazetteer's districts, admin1 regions and countries), and the
resolution of what a user types in ``region=``: a region key, an English name or an Arabic name
(in any spelling the matching form folds: إدلب, ادلب, محافظة إدلب)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from worker.extract.gazetteer import load
from worker.text.normalize import normalize


@dataclass(frozen=True)
class RegionInfo:
    key: str
    name_ar: str
    name_en: str
    country: str
    level: str  # district | admin1 | country
    lat: float | None
    lon: float | None

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "name_ar": self.name_ar, "name_en": self.name_en, "country": self.country,
                "level": self.level, "lat": self.lat, "lon": self.lon}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, RegionInfo]:
    """Every region key the extractor can produce, with names and centre."""
    g = load()
    out: dict[str, RegionInfo] = {}
    for (country, name_en), p in sorted(g.admin1.items()):
        key = f"{country}:admin1:{name_en}"
        out[key] = RegionInfo(key, p.name_ar, p.name_en, country, "admin1", p.lat, p.lon)
    for (country, name_en), p in sorted(g.districts.items()):
        key = f"{country}:district:{name_en}"
        out[key] = RegionInfo(key, p.name_ar, p.name_en, country, "district", p.lat, p.lon)
    for iso2, c in sorted(g.countries.items()):
        key = f"{iso2}:country:{c.name_en}"
        out[key] = RegionInfo(key, c.name_ar, c.name_en, iso2, "country", c.lat, c.lon)
    return out


@lru_cache(maxsize=1)
def _names() -> dict[str, list[str]]:
    g = load()
    index: dict[str, list[str]] = {}

    def add(name: str, key: str) -> None:
        keys = index.setdefault(_fold(name), [])
        if key not in keys:
            keys.append(key)

    for key, info in catalogue().items():
        add(key, key)
        add(info.name_en, key)
        add(info.name_ar, key)
        if info.level == "admin1":
            place = g.admin1.get((info.country, info.name_en))
            for n in place.names if place else ():
                add(n, key)
                add(f"محافظة {n}", key)
        elif info.level == "district":
            for p in g.places:
                if p.kind == "district" and (p.country, p.name_en) == (info.country, info.name_en):
                    for n in p.names:
                        add(n, key)
        else:
            for n in g.countries[info.country].names:
                add(n, key)
    return index


def _fold(text: str) -> str:
    return " ".join(normalize(text).split())


def resolve(text: str) -> list[str]:
    """Region keys that ``text`` names (empty: none)."""
    return list(_names().get(_fold(text), []))


def info(key: str) -> RegionInfo | None:
    return catalogue().get(key)


@lru_cache(maxsize=1)
def district_parents() -> dict[str, str]:
    """District key → the key of the admin1 that holds it (places.tsv's admin1 column)."""
    return {f"{country}:district:{name_en}": f"{country}:admin1:{p.admin1_en}"
            for (country, name_en), p in load().districts.items()}


def from_stored(region: dict[str, Any]) -> dict[str, Any]:
    """A region as stored in a story, with its key and (when the story lacks them) the centre."""
    key = f"{region['country']}:{region['level']}:{region['name_en']}"
    known = catalogue().get(key)
    lat, lon = region.get("lat"), region.get("lon")
    if (lat is None or lon is None) and known is not None:
        lat, lon = known.lat, known.lon
    return {"key": key, "name_ar": region.get("name_ar"), "name_en": region.get("name_en"),
            "country": region.get("country"), "level": region.get("level"), "lat": lat, "lon": lon}
