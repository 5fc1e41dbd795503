"""A country name opening a sentence after a capitalised article is the country, as it is mid-sentence.

"Chad" or "Jordan" after a capitalised word the stoplist holds is taken for a surname
("Michael Jordan"); the capitalised "The" that opens a sentence is no first name, yet "The
United States was not a party..." once gave no country and no state actor at all.
"""
from __future__ import annotations

import pytest

from index.entities.extractor import extract


@pytest.mark.parametrize("country", ["United States", "United Kingdom", "Gambia", "United Arab Emirates",
                                     "Netherlands"])
@pytest.mark.parametrize("opening", ["{} was not a party to the talks.", "Talks ended. {} said it would not sign."])
def test_a_country_after_a_sentence_opening_article(country, opening):
    entities = extract("", opening.format(f"The {country}"))
    assert country in entities.countries


@pytest.mark.parametrize("text", ["Michael Jordan scored 30 points on Sunday.",
                                  "The guard Michael Jordan scored 30 points."])
def test_a_country_name_after_a_first_name_is_still_a_surname(text):
    assert extract("", text).countries == ()
