"""Analysis: the fast indexer path and the Whoosh pipelines must give the same terms."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from index.analysis import EXACT, STEMMED, exact_terms, fold, stemmed_terms, terms


def test_accents_and_case_fold():
    assert stemmed_terms("Café MILANO") == stemmed_terms("cafe milano") == ["cafe", "milano"]
    assert fold("Ḥamāh") == "hamah"


def test_stemming_and_stop_words():
    assert stemmed_terms("The strikes were striking") == ["strike", "strike"]
    assert exact_terms("The strikes were striking") == ["the", "strikes", "were", "striking"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fast_path_matches_the_whoosh_pipelines(text):
    assert stemmed_terms(text) == terms(STEMMED, text)
    assert exact_terms(text) == terms(EXACT, text)


def test_positions_renumber_across_stop_words():
    tokens = [(t.text, t.pos) for t in STEMMED("bank of england", positions=True)]
    assert tokens == [("bank", 0), ("england", 1)]
