"""Facet counts when filters combine, checked against counts worked out by hand.

The rule (README "Facets", search/facets.py): several values of one facet are OR,
facets are AND, exclusions remove documents everywhere, and each facet is counted over
the query and every filter *except its own*, so its counts say what choosing another
value of it would bring. A bug that counts a facet ignoring the *other* facets' filters
passes any test with one filter; these tests combine two (and an exclusion), on the
sample index built from examples/corpus, and recount from the stored documents.
"""
from __future__ import annotations

from collections import Counter

import pytest

from index.schema import FACET_FIELDS
from index.store import open_index
from search.searcher import MAX_FACET_SIZE, MAX_PER_PAGE


@pytest.fixture(scope="module")
def stored(sample_index) -> list[dict]:
    """Every stored document of the sample index (a list: a duplicate id would show)."""
    with open_index(sample_index).searcher() as whoosh_searcher:
        return list(whoosh_searcher.all_stored_fields())


def _folded(values) -> set[str]:
    return {v.casefold() for v in values}


def _passes(doc: dict, include: dict[str, list[str]], exclude: dict[str, list[str]], skip: str | None) -> bool:
    """The filters by hand: OR within a facet, AND across facets, exclusions always; `skip` a facet's own filter."""
    for name, values in exclude.items():
        if _folded(doc.get(name) or ()) & _folded(values):
            return False
    for name, values in include.items():
        if name != skip and not _folded(doc.get(name) or ()) & _folded(values):
            return False
    return True


def _by_hand(docs: list[dict], include, exclude) -> tuple[set[str], dict[str, Counter]]:
    matched = {doc["id"] for doc in docs if _passes(doc, include, exclude, skip=None)}
    counts = {}
    for name in FACET_FIELDS:
        counter: Counter = Counter()
        for doc in docs:
            if _passes(doc, include, exclude, skip=name):
                counter.update(set(doc.get(name) or ()))
        counts[name] = counter
    counts["date"] = Counter(doc["published"][:4] for doc in docs if doc["id"] in matched and doc.get("published"))
    return matched, counts


def _engine(searcher, query: str, include, exclude) -> tuple[set[str], int, dict[str, Counter]]:
    keywords = {**include, **{f"not_{name}": values for name, values in exclude.items()}}
    result = searcher.search(query, per_page=MAX_PER_PAGE, facet_size=MAX_FACET_SIZE, collapse="none", **keywords)
    facets = {name: Counter({v["value"]: v["count"] for v in values}) for name, values in result.facets.items()}
    return {hit.id for hit in result.hits}, result.total, facets


def _query_docs(searcher, stored: list[dict], query: str) -> list[dict]:
    """The stored documents the query alone matches (the engine's matching is tested elsewhere)."""
    if not query:
        return stored
    result = searcher.search(query, per_page=MAX_PER_PAGE, facet_size=0, snippets=False, collapse="none")
    assert 0 < result.total < len(stored) and result.total <= MAX_PER_PAGE
    ids = {hit.id for hit in result.hits}
    return [doc for doc in stored if doc["id"] in ids]


CASES = [
    # (query, include, exclude): two facets filtered, and each one cuts the other's counts.
    ("", {"actor": ["Islamic State"], "country": ["Turkey"]}, {}),
    ("", {"actor": ["Bashar al-Assad", "Vladimir Putin"], "country": ["Russia"]}, {}),
    ("", {"actor": ["islamic state"], "country": ["iraq"], "source": ["Levant Wire", "Desk Report"]}, {}),
    ("", {"actor": ["United States"], "country": ["Russia"]}, {"source": ["Levant Wire"]}),
    ("syrian", {"actor": ["Syria"], "country": ["Russia", "Turkey"]}, {"actor": ["Hezbollah"]}),
]


@pytest.mark.parametrize("query, include, exclude", CASES)
def test_two_facet_filters_count_as_worked_out_by_hand(searcher, stored, query, include, exclude):
    docs = _query_docs(searcher, stored, query)
    expected_ids, expected = _by_hand(docs, include, exclude)
    ids, total, facets = _engine(searcher, query, include, exclude)
    assert 0 < len(expected_ids) < len(docs)  # the filters really cut
    assert total == len(expected_ids) and ids == expected_ids
    for name in (*FACET_FIELDS, "date"):
        assert facets[name] == expected[name], name


def test_the_cases_really_combine(stored):
    """Guard for the cases above: in each, counting a facet with only its own filter dropped
    differs from counting it with no filter but the query (so the other facets' filters show)."""
    for query, include, exclude in CASES:
        if query:
            continue
        for name in include:
            kept = [d for d in stored if _passes(d, include, exclude, skip=name)]
            dropped = [d for d in stored if _passes(d, {}, exclude, skip=None)]
            others_kept = Counter(v for d in kept for v in set(d.get(name) or ()))
            others_dropped = Counter(v for d in dropped for v in set(d.get(name) or ()))
            assert others_kept != others_dropped, (include, name)


def test_no_duplicate_documents_in_the_sample(stored):
    assert len({doc["id"] for doc in stored}) == len(stored)
