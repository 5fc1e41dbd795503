"""Short forms join the full name seen in the same article; renamed groups have one value (issue 10)."""
from __future__ import annotations

import pytest


def test_short_forms_of_an_unknown_organisation_join_its_full_name(extractor):
    body = (
        "The Kurdistan Centre for Documentation of Violations said 12 people died. "
        "The London-based Centre said most were children. Kurdistan Centre figures are disputed. "
        "The Centre did not say who fired."
    )
    actors = extractor.extract("", body).actors
    assert "Kurdistan Centre for Documentation of Violations" in actors
    assert not {"Centre", "Kurdistan Centre", "London-based Centre"} & set(actors)


def test_a_short_form_shared_by_two_names_is_not_merged(extractor):
    body = ("The Northern Relief Committee met with the Southern Relief Committee in a school on Monday. "
            "The Committee said nothing.")
    actors = extractor.extract("", body).actors
    assert "Northern Relief Committee" in actors and "Southern Relief Committee" in actors
    assert "Committee" not in actors


def test_short_forms_of_a_known_organisation(extractor):
    body = ("The Syrian Observatory for Human Rights reported 20 deaths. The Britain-based Observatory said "
            "its count was rising, and the Syrian Observatory later raised it.")
    actors = extractor.extract("", body).actors
    assert "Syrian Observatory for Human Rights" in actors
    assert not [a for a in actors if a != "Syrian Observatory for Human Rights" and "Observatory" in a]


def test_a_surname_short_form_joins_the_person(extractor):
    body = "Monitor director Rami Abdel Rahman said 40 died. Abdel Rahman said most were civilians."
    result = extractor.extract("", body)
    persons = [a for a, t in result.actor_types.items() if t == "person"]
    assert len(persons) == 1 and persons[0].startswith("Rami Abd") and "Abdel Rahman" not in result.actors


@pytest.mark.parametrize(
    ("names", "value"),
    [
        (["Jabhat al-Nusra", "Jabhat Fateh al-Sham", "the Levant Liberation Committee", "HTS"], "Hayat Tahrir al-Sham"),
        (["the Islamic State of Iraq", "ISIS", "ISIL", "Daesh"], "Islamic State"),
    ],
)
def test_every_name_of_a_renamed_group_is_one_value(extractor, names, value):
    for name in names:
        result = extractor.extract("", f"Fighters of {name} attacked the checkpoint on Monday.")
        assert result.actors == (value,), name
