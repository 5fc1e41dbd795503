"""A known organisation right after "on" is where something appeared or was said ("wrote on
Facebook", "a campaign on CNN"), not who acted (issue 10).

The organisations come from a user's file of invented names, so a rule for a shipped name fails.
"""
from __future__ import annotations

import pytest
from entities_support import user_extractor

from index.entities import EntityExtractor

USER = """
- {name: Zentrix, type: organisation, aliases: [Zentrix Social]}
- {name: Vorta Network, type: organisation, aliases: [VTN]}
- {name: Kelmar Brigade, type: armed_group}
- {name: The Daily Orvel, type: organisation}
"""


@pytest.fixture(scope="module")
def extractor(tmp_path_factory) -> EntityExtractor:
    return user_extractor(tmp_path_factory, USER)


@pytest.mark.parametrize(("text", "medium"), [
    ("The road is closed, she wrote on Zentrix. The army said nothing.", "Zentrix"),
    ("Activists appealed for help on Zentrix Social after the shelling.", "Zentrix"),
    ("They launched a campaign on VTN, officials said.", "Vorta Network"),
    ("The clip aired on the Vorta Network on Monday.", "Vorta Network"),
    ("The minister wrote on The Daily Orvel that the talks had failed.", "The Daily Orvel"),  # its name opens on The
])
def test_an_organisation_after_on_is_a_medium(extractor, text: str, medium: str) -> None:
    assert medium not in extractor.extract("", text).actors


@pytest.mark.parametrize(("text", "actor"), [
    ("Zentrix said on Monday that the road was closed.", "Zentrix"),
    ("The award went to the Vorta Network on Friday.", "Vorta Network"),
    ("The shelling blamed on Kelmar Brigade went on all night.", "Kelmar Brigade"),
    ("She joined the board after a vote on Zentrix's future.", "Zentrix"),
])
def test_an_organisation_elsewhere_or_an_armed_group_after_on_stays_an_actor(extractor, text: str,
                                                                          actor: str) -> None:
    assert actor in extractor.extract("", text).actors
