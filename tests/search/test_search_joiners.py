"""Zero-width joiners and points: spelling in Persian, Urdu, Arabic and Indic scripts that people
type or leave out.

The reader keeps U+200C / U+200D in the text (they change how the word is drawn); the analysis
drops them from the term, so a query typed with or without the joiner finds the same articles,
and the snippet still marks the word as the article spells it.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import records_index

from index.analysis import exact_terms, fold, stemmed_terms
from search.searcher import Searcher

ZWNJ, ZWJ = "\u200c", "\u200d"
# Invented words in real scripts: a Persian-looking compound with a non-joiner and a Devanagari
# conjunct with a joiner, each also typed without it.
PERSIAN = f"نوی{ZWNJ}سازان"
DEVANAGARI = f"क्{ZWJ}षेमवार"
VOWELLED = "مُسْتَرْزِق"  # Arabic written with its short-vowel points, typed without them

RECORDS = [
    {"id": "fa", "title": "گزارش", "date": "2024-03-01", "body": f"در شهر {PERSIAN} جلسه برگزار شد."},
    {"id": "hi", "title": "समाचार", "date": "2024-03-02", "body": f"{DEVANAGARI} को बैठक हुई।"},
    {"id": "ar", "title": "خبر", "date": "2024-03-04", "body": f"قال {VOWELLED} إن الاجتماع انتهى."},
    {"id": "en", "title": "Unrelated", "date": "2024-03-03", "body": "Nothing about either word here."},
]


def test_a_joiner_is_not_part_of_the_term():
    for word in (PERSIAN, DEVANAGARI):
        bare = word.replace(ZWNJ, "").replace(ZWJ, "")
        assert fold(word) == fold(bare)
        assert stemmed_terms(word) == stemmed_terms(bare) and exact_terms(word) == exact_terms(bare)
    assert fold(f"a{ZWNJ}b") == "ab"  # any word, not a listed one


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    index_dir: Path = records_index(tmp_path_factory.mktemp("joiners"), RECORDS)
    with Searcher(index_dir) as opened:
        yield opened


@pytest.mark.parametrize(("typed", "article"), [
    (PERSIAN, "fa"), (PERSIAN.replace(ZWNJ, ""), "fa"),
    (DEVANAGARI, "hi"), (DEVANAGARI.replace(ZWJ, ""), "hi"),
    (f'"{PERSIAN.replace(ZWNJ, "")}"', "fa"),  # the exact (phrase) field folds the same way
    ("مسترزق", "ar"),
])
def test_query_with_or_without_the_joiner_finds_the_article(searcher, typed, article):
    result = searcher.search(typed, collapse="none")
    assert [hit.id for hit in result.hits] == [article]
    # The snippet marks the word as the article spells it, joiner included.
    spelled = {"fa": PERSIAN, "hi": DEVANAGARI, "ar": VOWELLED}[article]
    assert f"<mark>{spelled}</mark>" in result.hits[0].snippet
