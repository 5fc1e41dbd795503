"""Localities named by the land around them (issue 10, missed locations): "the outskirts of X",
"the area of X", "the X area". Real gazetteer and extractor; the names are invented (none is in
GeoNames), so a rule written for the audit's villages would fail here.
"""
from __future__ import annotations

import pytest

from index.entities.places import name_key

INVENTED = ("Tell Qarvoun", "Zelbiyeh", "Hadroush", "Kafr Moudeh")


def _values(extractor, body: str) -> set[str]:
    return {p.value for p in extractor.extract("", body).places}


def test_the_names_are_unknown_to_the_gazetteer(gaz):
    for name in INVENTED:
        assert name_key(name) not in gaz.index and not gaz.villages("Syria", name_key(name))


@pytest.mark.parametrize("name", INVENTED)
@pytest.mark.parametrize("frame", [
    "Clashes went on near the outskirts of {name} in Hasakah province, Syria.",
    "Shelling hit the area of {name} near Hama, Syria, on Monday.",
    "Heavy fighting was reported in the {name} area of Homs province in Syria.",
])
def test_the_land_around_a_name_makes_it_a_place(extractor, name, frame):
    assert f"{name}, Syria" in _values(extractor, frame.format(name=name))


def test_a_two_word_name_before_area_needs_no_place_after_it(extractor):
    values = _values(extractor, "Fighting in Syria went on in the Tell Qarvoun area and around it.")
    assert "Tell Qarvoun, Syria" in values


@pytest.mark.parametrize("body", [
    "Growth in the Zelbiyeh area slowed, officials in Brussels said.",  # a bloc or field: no place follows
    "The area of Hadroush covers Iraq and its neighbours.",
    "the Kurdish area of Afrin in Syria",  # an adjective, not a name
])
def test_a_one_word_name_beside_area_without_a_place_after_it_stays_no_place(extractor, body):
    values = _values(extractor, body)
    assert not any(v.startswith(("Zelbiyeh", "Hadroush", "Kurdish")) for v in values)


def test_outskirts_without_of_or_a_capital_cue_nothing(extractor):
    values = _values(extractor, "On the outskirts, Zelbiyeh residents fled from Aleppo in Syria.")
    assert not any(v.startswith("Zelbiyeh") for v in values)


@pytest.mark.parametrize(("host", "country"), [("northern Iraq", "Iraq"), ("eastern Lebanon", "Lebanon")])
def test_a_country_right_after_the_name_is_its_country_though_the_story_leads_elsewhere(extractor, host, country):
    body = f"Radio in London and Manchester said the attack hit the Zelbiyeh area of {host}, British officials said."
    assert f"Zelbiyeh, {country}" in _values(extractor, body)
