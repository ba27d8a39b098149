"""Gazetteer data: coverage, consistency of admin1/country references, coordinates in range."""

from __future__ import annotations

from collections import Counter

from worker.extract.gazetteer import load
from worker.extract.gazetteer.matcher import fold_key

KINDS = {"admin1", "district", "town", "camp", "neighbourhood", "capital"}


def test_counts_cover_the_brief() -> None:
    g = load()
    assert len(g.countries) >= 195
    by_country = Counter(p.country for p in g.places)
    assert by_country["SY"] >= 150
    assert by_country["IQ"] >= 70
    assert by_country["YE"] >= 40
    assert by_country["LY"] >= 40
    assert by_country["LB"] >= 45
    assert by_country["PS"] >= 60
    assert sum(by_country[c] for c in ("SY", "IQ", "YE", "LY", "LB", "PS")) >= 400


def test_every_admin1_of_the_focus_countries_is_present() -> None:
    g = load()
    admin1 = {(c, a) for (c, a) in g.admin1}
    assert len({a for c, a in admin1 if c == "SY"}) == 14
    assert len({a for c, a in admin1 if c == "IQ"}) >= 19  # 18 governorates + Halabja + Kurdistan Region
    assert len({a for c, a in admin1 if c == "YE"}) >= 22
    assert len({a for c, a in admin1 if c == "LY"}) == 22
    assert len({a for c, a in admin1 if c == "LB"}) == 8
    ps = {a for c, a in admin1 if c == "PS"}
    assert ps == {"Gaza Strip", "West Bank", "Jerusalem"}  # governorates are districts inside the first two
    districts = {p.name_en: p.admin1_en for p in g.places if p.country == "PS" and p.kind == "district"}
    assert {d for d, a in districts.items() if a == "Gaza Strip"} == {
        "North Gaza", "Gaza City", "Deir al-Balah", "Khan Yunis", "Rafah"}
    assert {"Jenin", "Tubas", "Tulkarm", "Nablus", "Qalqilya", "Salfit", "Ramallah", "Ramallah and al-Bireh",
            "Jericho", "Bethlehem", "Hebron"} == {d for d, a in districts.items() if a == "West Bank"}


def test_rows_are_consistent() -> None:
    g = load()
    for p in g.places:
        assert p.kind in KINDS, p
        assert p.names and p.name_ar == p.names[0], p
        assert p.lat is not None and p.lon is not None, p
        assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180, p
        assert p.country in g.countries, p
        if p.noun_only:  # generated towns: admin1 only where GeoNames and the curated rows agree
            assert p.admin1_en is None or (p.country, p.admin1_en) in g.admin1, p
        elif p.country in ("SY", "IQ", "YE", "LY", "LB", "PS"):
            assert p.admin1_en is not None and (p.country, p.admin1_en) in g.admin1, p
            assert g.admin1_of(p) is not None
    for c in g.countries.values():
        assert len(c.iso2) == 2 and c.iso2.isupper()
        assert c.capital.kind == "capital" and c.capital.country == c.iso2


def test_focus_places_lie_in_their_region() -> None:
    boxes = {"SY": (32.3, 37.4, 35.6, 42.4), "IQ": (29.0, 37.4, 38.7, 48.6), "YE": (12.1, 19.0, 42.5, 54.6),
             "LY": (19.5, 33.2, 9.3, 25.2), "LB": (33.0, 34.7, 35.1, 36.7), "PS": (31.2, 32.6, 34.2, 35.6)}
    for p in load().places:
        if p.country in boxes:
            lat0, lat1, lon0, lon1 = boxes[p.country]
            assert lat0 <= (p.lat or 0) <= lat1 and lon0 <= (p.lon or 0) <= lon1, p


def test_brief_towns_are_listed() -> None:
    names = {fold_key(n) for p in load().places for n in p.names}
    for n in ("إدلب", "سراقب", "كفرنوران", "الأتارب", "سرمين", "آفس", "معرة النعمان", "أريحا", "جسر الشغور",
              "خان شيخون", "كفرنبل", "الدانا", "سرمدا", "الباب", "منبج", "عفرين", "تل رفعت", "اعزاز",
              "جرابلس", "دير الزور", "البوكمال", "الميادين", "الرقة", "تل أبيض", "رأس العين", "القامشلي",
              "الحسكة", "درعا", "بصرى الشام", "السويداء", "دوما", "حرستا", "الغوطة", "اليرموك", "حمص",
              "تلبيسة", "الرستن", "حماة", "مورك", "اللطامنة", "اللاذقية", "جبلة", "طرطوس", "تدمر", "الموصل",
              "تلعفر", "سنجار", "الفلوجة", "الرمادي", "تكريت", "سامراء", "كركوك", "بعقوبة", "صنعاء",
              "الحديدة", "تعز", "مأرب", "عدن", "صعدة", "طرابلس", "بنغازي", "سرت", "مصراتة", "درنة",
              "الضاحية الجنوبية", "صور", "النبطية", "بنت جبيل", "بعلبك", "خان يونس", "رفح", "جباليا",
              "مخيم جباليا", "بيت لاهيا", "دير البلح", "النصيرات", "جنين", "مخيم جنين", "نابلس", "طولكرم",
              "الخليل"):
        assert fold_key(n) in names, n


def test_countries_have_arabic_variants() -> None:
    c = load().countries
    assert {"سوريا", "سورية"} <= set(c["SY"].names)
    assert {"الولايات المتحدة", "أمريكا"} <= set(c["US"].names)
    assert c["US"].capital.names == ("واشنطن",)
    assert c["TR"].adjectives == (("التركي", "التركية"),)


def test_generated_towns_extend_the_curated_list_without_overlap() -> None:
    curated, full = load(generated=False), load()
    generated = full.places[len(curated.places):]
    assert full.places[: len(curated.places)] == curated.places
    per = Counter(p.country for p in generated)
    assert {c: per[c] >= 20 for c in ("SY", "IQ", "YE", "LY", "LB", "PS", "SD")} == dict.fromkeys(
        ("SY", "IQ", "YE", "LY", "LB", "PS", "SD"), True)
    assert all(p.kind == "town" and p.ambiguous and p.noun_only for p in generated)
    curated_names = {fold_key(n) for p in curated.places for n in p.names}
    curated_names |= {fold_key(n) for c in curated.countries.values() for n in (*c.names, *c.capital.names)}
    assert not [p for p in generated if curated_names & {fold_key(n) for n in p.names}]
    assert sum(1 for p in generated if p.admin1_en) >= 600
