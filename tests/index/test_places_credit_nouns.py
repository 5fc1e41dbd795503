"""A noun that credits a report is no place (issue 10, junk locations): headlines close on their
source ("Air strikes kill dozens in rebel town: Monitor", "... kill 20, activists say"), and after a
settlement noun the credit read as the town's name. Real gazetteer and extractor; the credit words
tested are others than the audit's, so a rule written for one word fails here.
"""
from __future__ import annotations

import pytest

STORY = "Air strikes on Talbisseh in Homs province, Syria, killed 20 people."


def _values(extractor, headline: str) -> set[str]:
    # (FA-KES bodies open on their headline, as here)
    return {p.value for p in extractor.extract("", f"{headline} {STORY}").places}


@pytest.mark.parametrize("credit", ["Activists", "Observers", "Medics", "Rescuers", "Diplomats"])
def test_a_credit_closing_a_headline_after_a_settlement_noun_is_no_place(extractor, credit):
    values = _values(extractor, f"Air strikes kill dozens in rebel town {credit} on Wednesday")
    assert not any(v.startswith(credit) for v in values) and "Tallbisah, Syria" in values


@pytest.mark.parametrize("name", ["Zelbiyeh", "Qarvoun"])
def test_an_unlisted_town_in_the_same_place_stays(extractor, name):
    assert f"{name}, Syria" in _values(extractor, f"Air strikes kill dozens in rebel town {name} on Wednesday")
