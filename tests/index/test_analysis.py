"""Analysis: the fast indexer path and the Whoosh pipelines must give the same terms."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.tokenize import RegexpTokenizer

from index.analysis import EXACT, STEMMED, both_terms, exact_terms, fold, stemmed_terms, terms


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


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_one_tokenisation_gives_both_term_lists(text):
    assert both_terms(text) == (stemmed_terms(text), exact_terms(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8")) | st.from_regex(r"[\w\W]{0,40}", fullmatch=True))
def test_words_are_nltks_regexp_words(text):
    """The word pattern is compiled directly, and must split text exactly as NLTK's tokenizer of it did
    (marks, digits and connector punctuation included), so indexes built before and after agree."""
    words = RegexpTokenizer(r"\w+")
    assert exact_terms(text) == [fold(word) for word in words.tokenize(text)]
    assert [(t.startchar, t.endchar) for t in EXACT(text, chars=True)] == list(words.span_tokenize(text))


def test_a_combining_mark_stays_inside_its_word():
    # Python's own `re` would end a word at the combining diaeresis (it is not alphanumeric).
    assert exact_terms("nai\u0308ve snake_case") == ["naive", "snake_case"]
