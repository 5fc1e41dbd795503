"""An abbreviation in brackets after the capitalised words it spells, none of them an organisation's
head, abbreviates a term, not an actor (issue 10): 'International Humanitarian Law (IHL)'. A body's
name before its acronym, or a known acronym, stays an actor. Invented words of the same shapes.
"""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "term"), [
    ("Growth in Gross Regional Output (GRO) slowed sharply this year.", "GRO"),
    ("Both sides breached the Maritime Transit Code (MTC) and the Coastal Fishing Rules (CFR) again.", "MTC"),
    ("Both sides breached the Maritime Transit Code (MTC) and the Coastal Fishing Rules (CFR) again.", "CFR"),
])
def test_a_bracketed_abbreviation_of_a_term_is_no_actor(extractor, text: str, term: str) -> None:
    assert term not in extractor.extract("", text).actors


@pytest.mark.parametrize(("text", "actor"), [
    ("The Kelvar Relief Union (KRU) said the road was closed.", "Kelvar Relief Union"),
    ("Fighters of the Zorvan Defence Force (ZDF) entered the town.", "Zorvan Defence Force"),
    ("Delegates from Harbour Traders (HTX) met on Monday, HTX said.", "HTX"),
])
def test_a_bodys_acronym_or_one_spelling_nothing_before_stays_an_actor(extractor, text: str, actor: str) -> None:
    assert actor in extractor.extract("", text).actors
