"""Capitals, seats and countries that act are the state, not a place (issue 10, metonymy).

The capitals here (Ankara, Riyadh, Cairo, Baghdad, Amman, Beijing, Tokyo) appear in no rule of the
code: what decides is that GeoNames names them capitals, plus the words around them.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from index.entities import EntityExtractor


def _places(result) -> list[str]:
    return [p.name for p in result.places]


@pytest.mark.parametrize(
    ("body", "capital", "state"),
    [
        ("Ankara said on Monday that the border would stay shut.", "Ankara", "Turkey"),
        ("Riyadh has been waging a long campaign against the rebels.", "Riyadh", "Saudi Arabia"),
        ("The minister accused Cairo of blocking the aid convoys.", "Cairo", "Egypt"),
        ("Any attack on the port would be a red line for Beijing, the envoy said.", "Beijing", "China"),
        ("Officials said Tokyo also denied the report.", "Tokyo", "Japan"),
        ("Amman-backed tribes took the crossing.", "Amman", "Jordan"),
    ],
)
def test_a_capital_acting_is_its_state(extractor, body, capital, state):
    result = extractor.extract("", body)
    assert result.actor_types.get(state) == "state"
    assert capital not in _places(result)
    assert state in result.countries


@pytest.mark.parametrize(
    "body",
    ["Residents in Baghdad said the night was quiet.", "Shelling hit Baghdad on Monday.",
     "He flew from Baghdad to Amman."],
)
def test_a_capital_as_a_place_stays_a_place(extractor, body):
    result = extractor.extract("", body)
    assert "Baghdad" in _places(result)
    assert "Iraq" not in result.actor_types


def test_a_large_city_that_is_no_capital_never_speaks_for_a_state(extractor):
    result = extractor.extract("", "Istanbul said nothing, but Aleppo reported heavy rain.")
    assert "Turkey" not in result.actor_types and "Syria" not in result.actor_types


@pytest.mark.parametrize(
    ("body", "state"),
    [
        ("The ceasefire was brokered by Oman after weeks of talks.", "Oman"),
        ("Germany also called for restraint.", "Germany"),
        ("The UK-Norway-led mission left port.", "Norway"),
        ("The UK-Norway-led mission left port.", "United Kingdom"),
    ],
)
def test_states_acting(extractor, body, state):
    assert extractor.extract("", body).actor_types.get(state) == "state"


def test_a_demonym_adjective_gives_the_country_not_an_actor(extractor):
    body = "The drones crossed Lebanese airspace and struck near Iraqi bases."
    result = extractor.extract("", body)
    assert "Lebanon" in result.countries and "Iraq" in result.countries
    assert "Lebanon" not in result.actors and "Iraq" not in result.actors
    assert {m.value for m in result.mentions if m.kind == "demonym" and m.facet == "country"} >= {"Lebanon", "Iraq"}


def test_a_seat_of_government_is_its_state(tmp_path: Path):
    user = tmp_path / "entities.yaml"
    user.write_text("- {name: Zhongnanhai, type: state, seat_of: China}\n", encoding="utf-8")
    extractor = EntityExtractor(user)
    result = extractor.extract("", "Zhongnanhai denied the report, while the Kremlin declined to comment.")
    assert result.actor_types.get("China") == "state"
    assert result.actor_types.get("Russia") == "state"
    assert "Kremlin" not in result.actors and {"China", "Russia"} <= set(result.countries)


@pytest.mark.parametrize(
    ("body", "states"),
    [
        ("Norway, Chile and the Netherlands called for an urgent meeting.", {"Norway", "Chile", "Netherlands"}),
        ("Peru, a close partner of Quito, agreed to the text.", {"Peru"}),
        ("Kenya, which took in many of the wounded, later said tests showed chlorine.", {"Kenya"}),
    ],
)
def test_a_state_in_a_subject_list_or_before_an_apposition_acts(extractor, body, states):
    types = extractor.extract("", body).actor_types
    assert states <= {name for name, kind in types.items() if kind == "state"}, types


@pytest.mark.parametrize(
    ("body", "country"),
    [
        ("Air strikes on villages in northern Chad killed at least 12 civilians.", "Chad"),
        ("They fled to safer places in Mali, Niger or Chad, sources said.", "Chad"),
        ("The administration in north-eastern Chad again called for a court.", "Chad"),
    ],
)
def test_a_country_after_a_locative_through_a_direction_or_a_list_is_a_place(extractor, body, country):
    result = extractor.extract("", body)
    assert country not in result.actors and country in result.countries


# Capitals drawn from the gazetteer (every capital a bare name finds, one word, every 7th in name
# order), minus those the audited stories name: a rule written for a listed capital fails here.
_STORY_CAPITALS = frozenset({"Damascus", "Moscow", "Tehran", "Ankara", "Washington", "Riyadh", "Beijing", "Cairo",
                             "Baghdad", "Amman", "Beirut", "Kabul", "Manila", "Paris", "London", "Doha"})


@pytest.fixture(scope="module")
def capitals(extractor, gaz) -> list[tuple[str, str]]:
    """(capital as written, its state) for a spread of the world's capitals a story finds by name alone."""
    names = {e.place.geonameid: e.place.name for entries in gaz.index.values() for e in entries[:1]
             if e.place.geonameid in gaz.capitals}
    out = []
    for geonameid, name in sorted(names.items(), key=lambda item: item[1]):
        if " " in name or name in _STORY_CAPITALS:
            continue
        if [p.geonameid for p in extractor.extract("", f"Rain fell in {name}.").places] == [geonameid]:
            out.append((name, gaz.capitals[geonameid]))
    return out[::7]


def test_the_capitals_drawn_are_many(capitals):
    assert len(capitals) >= 8, capitals


@pytest.mark.parametrize(
    "template",
    [
        "{C} declined to endorse the plan.",
        "Officials said {C} has not intervened so far.",
        "Diplomats said {C} was standing ready to help.",
        "It would be a \"red line\" for {C}, he said.",
        "Zorvan, an old ally of {C}, was absent.",
        "The talks came amid growing support for {C} abroad.",
        "No permission came from the {C} government.",
        "The move marks {C}'s first military campaign abroad.",
        "{C} and its allies have expressed concern.",
        "The fund was frozen, with {C} designating 12 firms.",
    ],
)
def test_every_capital_in_a_frame_of_agency_is_its_state(extractor, capitals, template):
    for capital, state in capitals:
        result = extractor.extract("", template.replace("{C}", capital))
        assert result.actor_types.get(state) == "state", (capital, result.actor_types)
        assert capital not in _places(result), capital


def test_every_member_of_a_list_a_frame_opens_is_a_state(extractor, capitals):
    for (first, first_state), (second, second_state) in zip(capitals, capitals[1:], strict=False):
        types = extractor.extract("", f"The truce was brokered by {first} and {second} in May.").actor_types
        assert types.get(first_state) == types.get(second_state) == "state", (first, second, types)
        # a list that follows a place's preposition stays places
        result = extractor.extract("", f"Flights from {first} and {second} resumed.")
        assert {first, second} <= set(_places(result)), (first, second)


@pytest.mark.parametrize(
    "template",
    [
        "{C} has been shelled for weeks.",
        "{C} was being shelled on Monday.",
        "Rain fell on {C}'s old city.",
        "Traffic in {C} is improving, residents said.",
    ],
)
def test_a_capital_suffering_or_described_stays_a_place(extractor, capitals, template):
    for capital, state in capitals:
        result = extractor.extract("", template.replace("{C}", capital))
        assert capital in _places(result) and state not in result.actor_types, (capital, result.actor_types)
