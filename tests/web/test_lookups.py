"""The lookup records (`search.lookups`): each `to_dict()` is exactly what the HTTP API sends.

The records are read straight from the engine over the test index, the JSON over real
HTTP from the real waitress server on the same index, so a field renamed, dropped or
shaped differently on one side fails here.
"""
from __future__ import annotations

import json
from urllib.parse import quote
from urllib.request import urlopen

import pytest
from web_support import build_test_index, serve

from search import Searcher, lookups


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, examples_dir):
    return build_test_index(tmp_path_factory, examples_dir)


@pytest.fixture(scope="module")
def server(index_dir):
    with serve(index_dir) as url:
        yield url


@pytest.fixture(scope="module")
def engine(index_dir):
    with Searcher(index_dir) as searcher:
        yield searcher


def _get(url: str) -> dict:
    with urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def _an_article_with_a_story(engine) -> dict:
    for hit in engine.search("", per_page=100, collapse="none").hits:
        if hit.story is not None:
            return hit.to_dict()
    pytest.fail("the test index has no article in a story")


def test_article_record_is_the_api_json(engine, server):
    hit = _an_article_with_a_story(engine)
    for query in (None, hit["title"].split()[0]):
        record = lookups.article(engine, hit["id"], query)
        assert record is not None
        url = f"{server}/api/articles/{quote(hit['id'], safe='')}" + (f"?q={quote(query)}" if query else "")
        assert record.to_dict() == _get(url)
        assert ("hits" in record.to_dict()) is (query is not None)
    assert record.hits, "the first word of its own title must hit the article"


def test_similar_story_and_facet_records_are_the_api_json(engine, server):
    hit = _an_article_with_a_story(engine)
    similar = lookups.similar(engine, hit["id"], 5)
    assert similar.similar, "the test index has articles alike"
    assert similar.to_dict() == _get(f"{server}/api/articles/{quote(hit['id'], safe='')}/similar")

    story = lookups.story(engine, hit["story"])
    assert story is not None and story.articles >= 1
    assert story.to_dict() == _get(f"{server}/api/stories/{hit['story']}")

    country = hit["countries"][0] if hit["countries"] else "S"
    values = lookups.facet_values(engine, "country", country[:2], 10)
    assert values.values
    assert values.to_dict() == _get(f"{server}/api/facets/country?prefix={quote(country[:2])}&limit=10")


def test_the_searcher_api_still_answers_with_the_same_json(engine):
    hit = _an_article_with_a_story(engine)
    assert engine.article(hit["id"]) == lookups.article(engine, hit["id"]).to_dict()
    assert engine.story(hit["story"]) == lookups.story(engine, hit["story"]).to_dict()
    assert engine.similar(hit["id"]) == lookups.similar(engine, hit["id"], 5).to_dict()["similar"]
    assert lookups.article(engine, "no-such-article") is None and lookups.story(engine, "s000000000000") is None
