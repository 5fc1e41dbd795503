"""An all-capital abbreviation that owns what follows ("UNESCO's Irina Bokova", "its director") is the
organisation that person or office belongs to, even when it is longer than five letters (issue 10).

The abbreviations are invented, of six to eight letters, so a rule for one listed acronym would fail.
"""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "acronym"), [
    ("The ministry counted the damage. ZORVACO's Teodor Halvorsen welcomed the news.", "ZORVACO"),
    ("Ferries stopped at noon. KELMUNDI's director said the port would reopen.", "KELMUNDI"),
    ("Prices rose again. VANTRA's spokesman blamed the drought.", "VANTRA"),
])
def test_a_long_abbreviation_owning_a_person_or_office_is_an_organisation(extractor, text: str,
                                                                         acronym: str) -> None:
    assert extractor.extract("", text).actor_types.get(acronym) == "organisation"


def test_a_long_capital_word_without_a_possessive_is_no_abbreviation(extractor) -> None:
    text = "Ferries stopped at noon. The KELMUNDI ferry sailed later."
    assert extractor.extract("", text).actor_types.get("KELMUNDI") != "organisation"
