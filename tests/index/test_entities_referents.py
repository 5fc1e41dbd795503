"""Wrong referents (issue 10): common words, namesakes abroad, half names and agencies are not places.

Each guard is tested on words the code never names.
"""
from __future__ import annotations

import pytest


def _values(result) -> list[str]:
    return [p.value for p in result.places]


@pytest.mark.parametrize("opener", ["More", "Most", "Many", "Several", "Both", "Every", "Just"])
def test_a_common_word_opening_a_sentence_is_no_town(extractor, opener):
    result = extractor.extract("", f"{opener} than 40 people were hurt in Syria, officials in Syria said.")
    assert _values(result) == [] or all(not v.startswith(opener) for v in _values(result))
    assert set(result.countries) == {"Syria"}


def test_a_word_the_text_writes_in_lower_case_is_no_town(extractor):
    body = "Florence said the deal was off. The deal, she said, had collapsed in Italy."
    assert not [v for v in _values(extractor.extract("", body)) if v.startswith("Deal")]


def test_a_local_quarter_is_not_a_namesake_abroad(extractor):
    # El Jadida is in Morocco, but here a neighbourhood of an Iraqi city is meant
    body = "Mortars hit the al-Jadida neighbourhood of Mosul, Iraqi police said, and the Iraqi army returned fire."
    values = _values(extractor.extract("", body))
    assert "Mosul, Iraq" in values
    assert not [v for v in values if v.endswith("Morocco")]


def test_a_place_starting_a_longer_unknown_name_is_not_taken(extractor):
    body = "Rebels shelled Homs Al Qadima and Hama Al Jadida, Syrian media said."
    values = _values(extractor.extract("", body))
    assert "Homs, Syria" not in values and "Hama, Syria" not in values


def test_an_agency_named_like_a_place_is_not_the_place(extractor):
    body = "According to the Petra news agency, the minister met the envoy in Amman."
    values = _values(extractor.extract("", body))
    assert not [v for v in values if v.startswith("Petra")]
    assert "Amman, Jordan" in values


@pytest.mark.parametrize("word", ["UN-led", "EU-led", "NATO-led", "AU-backed"])
def test_an_organisation_leading_is_not_a_state(extractor, word):
    result = extractor.extract("", f"The {word} mission reached the town on Monday.")
    assert not [t for t in result.actor_types.values() if t == "state"]
    assert result.countries == ()


@pytest.mark.parametrize(
    "body",
    ["The worst crisis since the Second Gulf War according to the agency.",
     "Jets flew under Operation Desert Lance, according to the ministry.",
     "It was the largest exodus since the Balkan Wars according to aid groups."],
)
def test_an_event_name_is_not_a_person(extractor, body):
    assert not extractor.extract("", body).actors


def test_a_place_before_are_after_in_is_no_team(extractor):
    result = extractor.extract("", "Talks in Ankara are a last effort to avoid a new offensive.")
    assert not result.actors and "Ankara" in [p.name for p in result.places]
