"""A known abbreviation of four to six letters written as house styles write it, only its first
letter a capital ("Isis", "Nato", "Unicef"), is that actor (issue 10); a given name, a word the text
also writes in lower case, a shorter abbreviation or the word before a surname is not.

The abbreviations come from a user's file of invented names, so a rule for a shipped one fails.
"""
from __future__ import annotations

import pytest
from entities_support import user_extractor

from index.entities import EntityExtractor

USER = """
- {name: Zorkan Liberation Army, type: armed_group, aliases: [ZORKA]}
- {name: Kelvan Relief Mission, type: organisation, aliases: [KERMIS]}
- {name: Torvan Aid Office, type: organisation, aliases: [TAO]}
- {name: Northern Hill Alliance, type: organisation, aliases: [NHAL]}
"""


@pytest.fixture(scope="module")
def extractor(tmp_path_factory) -> EntityExtractor:
    return user_extractor(tmp_path_factory, USER)


@pytest.mark.parametrize(("text", "actor"), [
    ("The village was controlled by Zorka until the spring.", "Zorkan Liberation Army"),
    ("Airstrikes hit Zorka targets near the river on Monday.", "Zorkan Liberation Army"),
    ("Kermis delivered flour to the camp, officials said.", "Kelvan Relief Mission"),
])
def test_a_title_case_abbreviation_is_its_actor(extractor, text: str, actor: str) -> None:
    assert actor in extractor.extract("", text).actors


@pytest.mark.parametrize(("text", "actor"), [
    ("Zorka Petrovic said the road was closed.", "Zorkan Liberation Army"),  # a name before a surname
    ("The Tao of the old monks was taught there.", "Torvan Aid Office"),  # three letters: a word
    ("Nhal said the harvest was poor. The nhal trees grow on the slopes.", "Northern Hill Alliance"),
])
def test_a_title_case_word_that_is_a_name_or_a_word_stays_as_it_was(extractor, text: str, actor: str) -> None:
    assert actor not in extractor.extract("", text).actors


def test_a_given_name_spelled_like_an_abbreviation_is_no_match(tmp_path) -> None:
    path = tmp_path / "entities.yaml"
    path.write_text("- {name: Mariam Aid Network, type: organisation, aliases: [MARIAM]}\n", encoding="utf-8")
    assert "Mariam Aid Network" not in EntityExtractor(path).extract("", "Mariam welcomed the guests.").actors
