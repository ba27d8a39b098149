"""The region catalogue holds places.tsv's districts beside admin1s and countries, each district
inside exactly one admin1 of the catalogue."""

from __future__ import annotations

from worker.services.regions import catalogue, district_parents, info, resolve


def test_districts_are_regions_a_user_can_name() -> None:
    afrin = info("SY:district:Afrin")
    assert afrin is not None
    assert (afrin.name_ar, afrin.name_en, afrin.country, afrin.level) == ("عفرين", "Afrin", "SY", "district")
    assert resolve("عفرين") == ["SY:district:Afrin"]
    assert resolve("Afrin") == ["SY:district:Afrin"]
    assert resolve("كوباني") == ["SY:district:Kobani"]  # any of the row's names
    assert resolve("حلب") == ["SY:admin1:Aleppo"]


def test_every_district_has_one_admin1_of_the_catalogue() -> None:
    parents = district_parents()
    districts = [k for k, v in catalogue().items() if v.level == "district"]
    assert len(districts) == len(parents) >= 150
    assert parents["SY:district:Afrin"] == "SY:admin1:Aleppo"
    assert parents["PS:district:Rafah"] == "PS:admin1:Gaza Strip"
    assert all(catalogue()[parents[k]].level == "admin1" and parents[k].split(":")[0] == k.split(":")[0]
               for k in districts)
