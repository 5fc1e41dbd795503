"""A known name written with a lower-case article and nothing capitalised after it ("the
pro-government al-Watan newspaper said") is that actor (issue 10); an armed group's name before a
club's or paper's head noun ("members of al-Shabab team") is a namesake, and no mention of it counts.
Invented names, so a rule for a shipped one fails.
"""
from __future__ import annotations

import pytest
from entities_support import user_extractor

from index.entities import EntityExtractor

USER = """
- {name: Al-Karmal, type: organisation}
- {name: Zubra Brigade, type: armed_group, aliases: [al-Zubra]}
"""


@pytest.fixture(scope="module")
def extractor(tmp_path_factory) -> EntityExtractor:
    return user_extractor(tmp_path_factory, USER)


@pytest.mark.parametrize(("text", "actor"), [
    ("Troops advanced, the pro-government al-Karmal newspaper said on Monday.", "Al-Karmal"),
    ("The town was taken by fighters loyal to al-Zubra after a week.", "Zubra Brigade"),
])
def test_a_lone_lower_case_article_name_is_its_actor(extractor, text: str, actor: str) -> None:
    assert actor in extractor.extract("", text).actors


def test_an_armed_groups_namesake_club_is_no_mention_of_the_group(extractor) -> None:
    text = "Three players of al-Zubra team were killed, with al-Zubras coach and a civilian."
    assert "Zubra Brigade" not in extractor.extract("", text).actors
