"""A name said to lie somewhere, or a one-word member of a list of places after a locative, is a
place, not a person, however personal it looks or whatever speech verb follows it (issue 10):
'Salah al-Din is located west of the Old City', 'battles raged in Hardatain and Ratain said the
Observatory'. Invented names, so a rule for the audit's words fails.
"""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "place"), [
    ("Shelling hit the area again. Omar al-Qarni is located five km west of the old city.", "Omar al-Qarni"),
    ("The district was hit twice. Yusuf Bakar lies on the road to the airport.", "Yusuf Bakar"),
    ("The army took two villages while battles raged in Korbani and Tuvalim said the monitor.", "Tuvalim"),
    ("Fighting went on at Dabrin, Mesqalo said the group, which tracks the war.", "Mesqalo"),
])
def test_a_name_placed_by_its_context_is_no_actor(extractor, text: str, place: str) -> None:
    assert place not in extractor.extract("", text).actors


@pytest.mark.parametrize(("text", "person"), [
    ("Omar al-Qarni said the road to the airport was closed.", "Omar al-Qarni"),
    ("Omar al-Qarni is a doctor at the main hospital, where he said the wards were full.", "Omar al-Qarni"),
    ("Forces moved in Korbani and Zaher Haddad added that the road was cut.", "Zaher Haddad"),
])
def test_a_person_beside_the_same_words_stays_a_person(extractor, text: str, person: str) -> None:
    assert person in extractor.extract("", text).actors
