"""The Searcher on real indexes of the shared corpora: the five seed articles and FA-KES."""
from __future__ import annotations

import re

import pytest

from index.build import build_index
from search import Searcher
from search_support import only_marks


@pytest.fixture(scope="module")
def seeds(seeds_dir, tmp_path_factory):
    index = tmp_path_factory.mktemp("seeds") / "index"
    report = build_index([seeds_dir], index, workers=1)
    assert report.indexed == 5
    with Searcher(index) as searcher:
        yield searcher


@pytest.fixture(scope="module")
def fakes(fakes_csv, tmp_path_factory):
    index = tmp_path_factory.mktemp("fakes") / "index"
    report = build_index([fakes_csv], index, workers=2)
    assert report.indexed > 700
    with Searcher(index) as searcher:
        yield searcher


def test_seeds_queries_filters_and_snippets(seeds):
    everything = seeds.search("", per_page=10)
    assert everything.articles == 5  # `total` counts stories (issue 11)
    palmyra = seeds.search("palmyra")
    assert palmyra.total >= 1
    for hit in palmyra.hits:
        assert "<mark>Palmyra</mark>" in hit.snippet + hit.title_html
    syria = [v for v in everything.facets["country"] if v["value"] == "Syria"]
    assert syria and seeds.search("", country=["syria"]).articles == syria[0]["count"]
    assert seeds.search('"air strike" OR airstrike').total >= 1
    assert seeds.suggest("palmyar") == "palmyra"


def test_seeds_article_similar_and_typeahead(seeds):
    first = seeds.search("").hits[0]
    article = seeds.article(first.id)
    assert article["title"] == first.title and article["body"]
    for mention in article["mentions"]:
        assert article["body"][mention["start"]:mention["end"]].strip()
    similar = seeds.similar(first.id, limit=4)
    assert similar and first.id not in {s["id"] for s in similar}
    actors = seeds.facet_values("actor", "assa")
    assert any(v["value"] == "Bashar al-Assad" for v in actors)


@pytest.mark.slow
def test_fakes_facets_filters_and_dates(fakes):
    everything = fakes.search("", facet_size=100)
    assert everything.hits[0].date >= everything.hits[-1].date  # newest first
    years = {v["value"] for v in everything.facets["date"]}
    assert years and all(re.fullmatch(r"\d{4}", y) for y in years)
    top_actor = everything.facets["actor"][0]
    assert fakes.search("", actor=[top_actor["value"]]).articles == top_actor["count"]  # facets count articles
    year = everything.facets["date"][0]
    by_year = fakes.search("", date_from=year["value"], date_to=year["value"], facet_size=12)
    assert by_year.articles == year["count"]
    assert all(re.fullmatch(rf"{year['value']}-\d\d", v["value"]) for v in by_year.facets["date"])
    assert sum(v["count"] for v in by_year.facets["date"]) == year["count"]


@pytest.mark.slow
def test_fakes_query_forms_and_safety(fakes):
    for query in ("chemical attack", '"chemical attack"', "airstrike OR airstrikes", "aleppo -russia",
                  "reb*", "aleppo~", "damascus date:2016", "<script>alert(1)</script>"):
        result = fakes.search(query, per_page=20)
        for hit in result.hits:
            assert only_marks(hit.snippet) and only_marks(hit.title_html)
    phrase = fakes.search('"chemical attack"', per_page=20)
    words = fakes.search("chemical attack")
    assert 0 < phrase.total <= words.total
    assert all("<mark>chemical attack</mark>" in h.snippet.lower() + h.title_html.lower() for h in phrase.hits)
    misspelt = fakes.search("chemcial")
    assert misspelt.suggestion == "chemical" and misspelt.total > 0 and misspelt.fuzzy
