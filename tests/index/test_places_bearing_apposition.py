"""A name set off by a comma before a bearing from a place (issue 10, missed locations): "Fish Lake,
10 km east of Basra", "Khan Tuman, 12 km (7 miles) south of Aleppo", "X, west of Homs". The name is a
place of the place's country, as when it stands right before the bearing. Real gazetteer and
extractor; the names are invented (none is in GeoNames), so a rule written for the audit's villages
would fail here.
"""
from __future__ import annotations

import pytest


def _values(extractor, body: str) -> set[str]:
    return {p.value for p in extractor.extract("", body).places}


@pytest.mark.parametrize("name", ["Zelbiyeh", "Tell Qarvoun"])
@pytest.mark.parametrize("distance", ["", "12 km ", "12 km (7 miles) ", "20 kilometres "])
def test_a_name_a_comma_and_a_distance_before_a_bearing_from_a_place_is_a_place(extractor, name, distance):
    assert f"{name}, Syria" in _values(extractor, f"Rebels took {name}, {distance}south of Aleppo, on Monday.")


@pytest.mark.parametrize("body", [
    "Rebels said on Monday, south of Aleppo, that all was calm in Syria.",  # a weekday, not a name
    "Rebels took Zelbiyeh; south of Aleppo, all was calm in Syria.",  # no apposition: a new clause
])
def test_no_apposition_no_place(extractor, body):
    values = _values(extractor, body)
    assert not any(v.startswith(("Monday", "Zelbiyeh")) for v in values)
