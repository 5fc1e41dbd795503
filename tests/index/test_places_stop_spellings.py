"""A stop word is no town under any spelling that keys like it (issue 10, wrong referents): the
stoplist holds written words ("bath", "bell"), while the lookup reads name keys, which fold doubled
letters ("Baath" is "bath", "Bel" is "bell"). So "the Baath regime" was Bath, England. Real gazetteer
and extractor; the test words are other stop words' spellings, so a rule for one word fails here.
"""
from __future__ import annotations

import pytest

from index.entities.places import fold, name_key


@pytest.mark.parametrize(("written", "stop_word"), [("Bel", "bell"), ("Baath", "bath")])
def test_the_spelling_keys_like_a_stop_word_and_is_not_one(gaz, written, stop_word):
    assert stop_word in gaz.stop and fold(written) not in gaz.stop
    assert name_key(written) == name_key(stop_word)
    assert any(e.kind == "city" for e in gaz.index[name_key(written)])  # a town the lookup would give


@pytest.mark.parametrize("written", ["Bel", "Baath"])
def test_a_spelling_of_a_stop_word_is_no_town(extractor, written):
    places = extractor.extract("", f"Protesters in {written} marched, British and United States officials said.").places
    assert not [p for p in places if p.geonameid is not None and p.value not in ("United Kingdom", "United States")]


def test_a_town_whose_key_is_no_stop_words_stays(extractor):
    places = extractor.extract("", "Protesters in Bursa marched, Turkish officials said.").places
    assert "Bursa, Turkey" in {p.value for p in places}
