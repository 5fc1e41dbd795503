"""A name a speaker goes by, introduced by a naming noun ("who uses the name X said"), is a person even
where the gazetteer holds a place of that name (issue 10, kunya names such as "Abu ..." / "Umm ...").

The names are gazetteer places that appear in none of the audit sets, and the naming nouns vary, so a
rule written for one visible name or one cue word would fail.
"""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "name"), [
    ("A local activist who uses the name Umm Ruwaba said on Monday that the market was shelled. "
     "She says nobody was warned.", "Umm Ruwaba"),
    ("A blogger writing under the pseudonym Tromso told reporters that the ferry had sunk.", "Tromso"),
    ("A smuggler known by the nickname Kandla said the border post was empty at night.", "Kandla"),
])
def test_a_name_a_speaker_goes_by_is_a_person_over_a_place(extractor, text: str, name: str) -> None:
    result = extractor.extract("", text)
    assert result.actor_types.get(name) == "person"
    assert name not in result.places


def test_a_place_the_name_introduces_without_speech_stays_no_actor(extractor) -> None:
    text = "Historians trace the name Tromso to an old word for a stream."
    assert "Tromso" not in extractor.extract("", text).actors
