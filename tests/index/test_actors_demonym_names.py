"""A known name written with its country where the name has the people's word ("Syria Democratic
Forces", "Free Syria Army") is that actor, not a state and a fragment (issue 10).

The names come from a user's file of invented groups, so a rule written for a shipped name fails.
"""
from __future__ import annotations

import pytest
from entities_support import user_extractor

from index.entities import EntityExtractor

USER = """
- {name: Norwegian Coastal Brigade, type: armed_group}
- {name: Free Chilean Legion, type: armed_group}
"""


@pytest.fixture(scope="module")
def extractor(tmp_path_factory) -> EntityExtractor:
    return user_extractor(tmp_path_factory, USER)


@pytest.mark.parametrize(("text", "actor"), [
    ("Fighters of the US-backed Norway Coastal Brigade entered the port on Monday.", "Norwegian Coastal Brigade"),
    ("Advances by the army and Free Chile Legion fighters expelled the militants.", "Free Chilean Legion"),
    ("The Norwegian Coastal Brigade said the port was calm.", "Norwegian Coastal Brigade"),
])
def test_a_known_name_written_with_its_country_is_that_actor(extractor, text: str, actor: str) -> None:
    result = extractor.extract("", text)
    assert actor in result.actors
    assert not any(a in ("Norway", "Chile") or "Brigade" in a and a != actor for a in result.actors)


def test_a_country_before_words_that_make_no_known_name_stays_as_written(extractor) -> None:
    result = extractor.extract("", "Trucks crossed the Norway Coastal Road on Monday.")
    assert "Norwegian Coastal Brigade" not in result.actors
    assert not any("Norwegian" in a for a in result.actors)
