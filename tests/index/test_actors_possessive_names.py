"""A one-word known name whose possessive lost its apostrophe ("PKKs affiliate", "Al-Qaedas former
branch") is that actor, as a country's or a multi-word name's is (issue 10).

The names come from a user's file of invented groups, so a rule written for one shipped name fails.
"""
from __future__ import annotations

import pytest
from entities_support import user_extractor

from index.entities import EntityExtractor

USER = """
- {name: Velmoran Front, type: armed_group, aliases: [Velmoran]}
- {name: KRZ, type: armed_group, aliases: [Korzan Revolutionary Zone]}
- {name: al-Tamrir, type: armed_group}
- {name: QX, type: organisation}
"""


@pytest.fixture(scope="module")
def extractor(tmp_path_factory) -> EntityExtractor:
    return user_extractor(tmp_path_factory, USER)


@pytest.mark.parametrize(("text", "actor"), [
    ("The town is held by the KRZs local affiliate and its armed wing.", "KRZ"),
    ("Fighters of Al-Tamrirs former branch in the north shelled the road.", "al-Tamrir"),
    ("Residents fled after Velmorans fighters entered the valley.", "Velmoran Front"),
])
def test_a_one_word_name_with_an_apostrophe_less_possessive_is_that_actor(extractor, text: str, actor: str) -> None:
    result = extractor.extract("", text)
    assert actor in result.actors
    assert not any(a.endswith("s") and a.rstrip("s") in actor for a in result.actors if a != actor)


def test_a_two_letter_name_plus_s_is_left_alone(extractor) -> None:
    assert "QX" not in extractor.extract("", "The QXs were delivered to the depot on Monday.").actors


def test_a_stem_the_text_writes_in_lower_case_is_a_word_not_a_possessive(extractor) -> None:
    text = "Velmorans gathered at dawn. The velmoran herders said velmorans graze there."
    assert "Velmoran Front" not in extractor.extract("", text).actors
