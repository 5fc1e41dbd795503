"""A bearing from a settlement a demonym places (issue 10, missed locations): "X east of the Syrian
capital", "Y north of the Iraqi city of Mosul". The name before the bearing is a place of that
people's country, even where the story's towns lie elsewhere. Real gazetteer and extractor; the names
are invented (none is in GeoNames), so a rule written for the audit's quarter would fail here.
"""
from __future__ import annotations

import pytest

NAMES = ("Zelbiyeh", "Hadroush", "Tell Qarvoun")


def _values(extractor, body: str) -> set[str]:
    return {p.value for p in extractor.extract("", body).places}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("settlement", "country"), [
    ("the Syrian capital", "Syria"), ("the Iraqi city of Mosul", "Iraq"), ("the Lebanese port", "Lebanon")])
def test_a_name_before_a_bearing_from_a_peoples_settlement_is_a_place_there(extractor, name, settlement, country):
    body = f"Reinforcements headed for {name} east of {settlement}, officials in Ankara and Istanbul said."
    assert f"{name}, {country}" in _values(extractor, body)


@pytest.mark.parametrize("after", ["the Syrian border", "the Syrian army", "the capital", "the Syrian opposition"])
def test_a_bearing_from_no_settlement_of_a_people_cues_nothing(extractor, after):
    body = f"Reinforcements headed for Zelbiyeh east of {after} lines, officials in Ankara and Istanbul said."
    assert not any(v.startswith("Zelbiyeh") for v in _values(extractor, body))
