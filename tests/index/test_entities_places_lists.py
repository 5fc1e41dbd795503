"""A list after a place preposition (issue 10, "Small places missing"): "battles raged in X and Y"
puts Y in the same place frame as X, so once X is a place, Y is judged as one under the same checks.

Real gazetteer and extractor. The names are invented (none is in GeoNames), so a rule written for
the villages of the audit would fail here.
"""
from __future__ import annotations

import pytest

from index.entities.places import name_key

INVENTED = ("Qarvoun", "Zelbiyeh", "Hadroush", "Tell Wazrin", "Kafr Moudeh")
PAIRS = list(zip(INVENTED, INVENTED[1:] + INVENTED[:1], strict=True))


def _places(extractor, body: str) -> set[str]:
    return {p.value for p in extractor.extract("", body).places}


def test_the_names_are_unknown_to_the_gazetteer(gaz):
    for name in INVENTED:
        assert name_key(name) not in gaz.index and not gaz.minor("Syria").by_key.get(name_key(name))


@pytest.mark.parametrize(("first", "second"), PAIRS)
@pytest.mark.parametrize("frame", [
    "Battles raged in {first} and {second} while jets struck Homs, Syria.",
    "Shells fell in {first}, {second} and Homs in Syria overnight.",
    "Fighting raged at Homs and {first}, and in {second} too, in Syria.",
])
def test_every_name_of_a_list_after_a_place_preposition(extractor, first, second, frame):
    places = _places(extractor, frame.format(first=first, second=second))
    assert {f"{first}, Syria", f"{second}, Syria"} <= places


@pytest.mark.parametrize("name", INVENTED)
def test_a_list_goes_on_only_from_a_place(extractor, name):
    # the first name after "in" is no place (a language), so the one after "and" has no place frame
    places = _places(extractor, f"The envoy spoke in Arabic and {name} answered him in Damascus, Syria.")
    assert f"{name}, Syria" not in places and "Damascus, Syria" in places


@pytest.mark.parametrize("name", INVENTED)
@pytest.mark.parametrize("bearing", ["east", "north-west", "southeast", "south-southwest", "east-northeast"])
def test_a_name_a_bearing_from_a_named_place(extractor, name, bearing):
    # "fighters captured the area of X east of Tabqa": the name is placed by its bearing from a place
    places = _places(extractor, f"Fighters captured the hills of {name} {bearing} of Homs in Syria.")
    assert f"{name}, Syria" in places


@pytest.mark.parametrize("bearing", ["south-southwest", "north-northeast", "west-northwest"])
def test_the_second_half_of_a_compound_bearing_is_no_bearing_of_its_own(extractor, bearing):
    # "120 kms south-southwest of Mossel Bay" once looked up a word starting at "southwest", inside
    # the token, and the story's extraction failed (the article went unindexed)
    entities = extractor.extract("", f"Drilling began 120 kms (75 miles) {bearing} of Port Dunmore, Namibia.")
    assert entities.countries == ("Namibia",)


@pytest.mark.parametrize("name", INVENTED)
def test_a_bearing_from_no_place_makes_no_place(extractor, name):
    places = _places(extractor, f"Jets struck Homs, Syria, and the rebels of {name} east of the river fled.")
    assert f"{name}, Syria" not in places
