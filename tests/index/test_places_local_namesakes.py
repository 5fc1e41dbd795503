"""A quarter a settlement noun names, whose name the gazetteer has only as towns abroad (issue 10,
missed locations): "the death toll in al-Faid neighborhood" (Fayid, Egypt), "the besieged town of
Madaya" (Madaya, Myanmar). The noun says the place is local, so the town abroad was turned down; the
name is the story's own place. Real gazetteer and extractor; the names tested are other towns' abroad,
so a rule written for the audit's quarters would fail here.
"""
from __future__ import annotations

import pytest

ABROAD = {"Kasba": "India", "Tayba": "Israel", "Karama": "United Arab Emirates"}


def _values(extractor, body: str) -> set[str]:
    return {p.value for p in extractor.extract("", body).places}


@pytest.mark.parametrize("name", sorted(ABROAD))
def test_the_names_are_towns_abroad_only(gaz, name):
    from index.entities.places import name_key
    entries = gaz.index[name_key(name)]
    assert entries and all(e.kind == "city" and e.place.country == ABROAD[name] for e in entries)


@pytest.mark.parametrize("name", sorted(ABROAD))
@pytest.mark.parametrize("frame", ["Shelling hit the {name} neighbourhood of Aleppo, Syria, on Monday.",
                                   "A girl shot in the besieged town of {name} was taken to Damascus, Syria."])
def test_a_settlement_noun_makes_a_name_known_abroad_a_place_of_the_story(extractor, name, frame):
    values = _values(extractor, frame.format(name=name))
    assert f"{name}, Syria" in values and not any(v.endswith(ABROAD[name]) for v in values)


def test_a_story_that_names_the_namesakes_country_keeps_out(extractor):
    values = _values(extractor, "Shelling hit the Kasba neighbourhood, officials in New Delhi and Aleppo, Syria, said.")
    assert "Kasba, Syria" not in values


def test_a_place_preposition_alone_makes_no_local_namesake(extractor):
    assert "Kasba, Syria" not in _values(extractor, "Fighting raged in Kasba, officials in Aleppo, Syria, said.")


def test_a_city_of_millions_is_never_a_local_quarter(extractor):
    assert "Cairo, Syria" not in _values(extractor, "Shelling hit the Cairo neighbourhood of Aleppo, Syria.")
