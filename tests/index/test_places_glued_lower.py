"""A name's later word written in lower case with the assimilated article glued on (issue 10, missed
locations): scraped text writes "Deir ezzor", "Dar essalaam", "Kafr ennabl" for "Deir ez-Zor", losing
the hyphen and the capital. The doubled consonant after the vowel says the word is an article and a
name, so the gazetteer lookup reads it as part of the name. Real gazetteer and extractor.
"""
from __future__ import annotations

import pytest


def _values(extractor, body: str) -> set[str]:
    return {p.value for p in extractor.extract("", body).places}


@pytest.mark.parametrize(("written", "value"), [
    ("Kafr ennabl in Idlib province", "Kafranbel, Syria"), ("Deir ezzor", "Deir ez-Zor, Syria"),
    ("Dar essalaam", "Dar es Salaam, Tanzania")])
def test_a_lower_case_glued_article_word_goes_on_the_name(extractor, written, value):
    assert value in _values(extractor, f"Shelling hit {written} on Monday, activists in Syria and Tanzania said.")


def test_the_glued_word_before_an_admin_word_names_the_division(extractor):
    values = _values(extractor, "Floods hit the Dar essalaam region, Tanzania officials said.")
    assert "Dar es Salaam Region, Tanzania" in values


@pytest.mark.parametrize("word", ["attack", "assault", "offensive", "ezor"])
def test_a_lower_case_word_after_a_place_stays_out_of_its_name(extractor, word):
    # English words with a doubled consonant after a vowel ("attack") make no gazetteer name; without
    # the doubled consonant ("ezor") a lower-case word is no part of a name at all
    mentions = extractor.extract("", f"The Aleppo {word} killed many in Syria.").places
    aleppo = [p for p in mentions if p.value == "Aleppo, Syria"]
    assert aleppo and all(p.value != f"Aleppo {word}" for p in mentions)


def test_a_glued_word_alone_is_no_place(extractor):
    assert not any(v.startswith("Ezzor") for v in _values(extractor, "Troops moved towards ezzor in Syria."))
