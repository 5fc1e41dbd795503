"""A relative called by the given name alone after a family noun ("his wife Asma", "Bashar al-Assad's
father and predecessor Hafez") is that given name with the named person's surname (issue 10).
Invented people, so a rule for the audit's family fails.
"""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "relative"), [
    ("The sanctions name the minister Tarek al-Vandawi and, for the first time, his wife Leila.",
     "Leila al-Vandawi"),
    ("Graves of Governor Samir Haddadin's father and predecessor Omar lie in the town.", "Omar Haddadin"),
    ("Judge Nadia Korvel said her brother Karim had been detained since May.", "Karim Korvel"),
])
def test_a_relative_by_given_name_takes_the_family_name(extractor, text: str, relative: str) -> None:
    assert relative in extractor.extract("", text).actors


@pytest.mark.parametrize(("text", "absent"), [
    # the relative's own full name is written: it stays as written
    ("The minister Tarek al-Vandawi said his wife Leila Haddad had left.", "Leila al-Vandawi"),
    # no person before "his": nobody to take a surname from
    ("The village elder said his son Omar had left.", "Omar Haddadin"),
    # not a given name: a month after the family noun
    ("Minister Tarek al-Vandawi met his son May at the airport.", "May al-Vandawi"),
])
def test_without_a_named_family_or_a_lone_given_name_nothing_is_composed(extractor, text: str,
                                                                         absent: str) -> None:
    result = extractor.extract("", text)
    assert absent not in result.actors
    assert not any(a.endswith(("al-Vandawi", "Haddadin")) and a.split()[0] in ("Leila", "Omar", "May")
                   for a in result.actors)


def test_a_full_name_after_the_family_noun_is_kept(extractor) -> None:
    text = "The minister Tarek al-Vandawi said his wife Leila Haddad had left."
    assert "Leila Haddad" in extractor.extract("", text).actors
