"""The division facet and the location tree (issue 10), on a real index the test writes.

A division filter must find the articles about any place inside the division and those
that name the division itself ("rural Idlib", "Idlib province"); the tree must count
articles (never an article twice) at every level, and keep the shape the web sidebar reads.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import records_index

from index.schema import PLACE_TREE_SEPARATOR
from newsfacets.cli import main
from search import Searcher
from search.facets import FacetField, PlaceTree

RECORDS = [
    {"id": "saraqib", "title": "Strikes on Saraqib", "date": "2019-05-01",
     "body": "Air strikes hit the town of Saraqib and the city of Idlib in Syria overnight, rescuers said."},
    {"id": "rural", "title": "Shelling in the countryside", "date": "2019-05-02",
     "body": "Shelling was reported across rural Idlib on Thursday, the monitor said."},
    {"id": "homs", "title": "Market reopens in Homs", "date": "2019-05-03",
     "body": "Traders reopened the old market in Homs, in western Syria, after repairs."},
    {"id": "chicago", "title": "Snow closes schools", "date": "2019-01-30",
     "body": "Schools in Chicago closed as temperatures fell, city officials in Illinois said."},
    {"id": "none", "title": "Bread prices", "date": "2019-02-01",
     "body": "The price of bread rose again this month, bakers said."},
]
IDLIB = "Idlib Governorate, Syria"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    return records_index(tmp_path_factory.mktemp("tree"), RECORDS)


@pytest.fixture(scope="module")
def searcher(index_dir: Path):
    with Searcher(index_dir) as s:
        yield s


def _ids(result) -> set[str]:
    return {hit.id for hit in result.hits}


def test_a_division_filter_finds_its_towns_and_the_division_named_alone(searcher):
    assert _ids(searcher.search("", division=[IDLIB], collapse="none")) == {"saraqib", "rural"}
    assert _ids(searcher.search("", division=["idlib governorate, syria"], collapse="none")) == {"saraqib", "rural"}
    assert _ids(searcher.search('division:"Homs Governorate, Syria"', collapse="none")) == {"homs"}
    assert _ids(searcher.search("", division=["Illinois, United States"], collapse="none")) == {"chicago"}
    assert "rural" not in _ids(searcher.search("", not_division=[IDLIB], collapse="none"))
    counts = {v["value"]: v["count"] for v in searcher.search("", collapse="none").facets["division"]}
    assert counts[IDLIB] == 2 and counts["Homs Governorate, Syria"] == 1


def test_the_article_gives_each_place_its_division_country_and_coordinates(searcher):
    article = searcher.article("saraqib")
    places = {p["value"]: p for p in article["places"]}
    saraqib = places["Saraqib, Syria"]
    assert saraqib["geonameid"] and saraqib["division"] == "Idlib Governorate" and saraqib["country"] == "Syria"
    assert 35 < saraqib["latitude"] < 37 and 36 < saraqib["longitude"] < 38
    assert article["divisions"] == [IDLIB]


def test_the_location_tree_counts_articles_at_every_level(searcher):
    tree = searcher.search("", collapse="none").location_tree
    by_country = {node["value"]: node for node in tree}
    syria = by_country["Syria"]
    assert syria["count"] == 3  # saraqib, rural, homs: each once, although "saraqib" names two Idlib places
    divisions = {node["value"]: node for node in syria["children"]}
    idlib = divisions[IDLIB]
    assert idlib["count"] == 2
    # the division named alone ("rural Idlib") is the division's node, not a place under it
    assert {child["value"]: child["count"] for child in idlib["children"]} == {"Saraqib, Syria": 1, "Idlib, Syria": 1}
    assert all("children" not in child for child in idlib["children"])
    assert by_country["United States"]["children"][0]["value"] == "Illinois, United States"
    assert [node["value"] for node in tree] == ["Syria", "United States"]  # by count, then name


def test_the_tree_follows_the_query_and_filters_and_is_in_the_json(searcher, index_dir, capsys):
    tree = searcher.search("market", collapse="none").location_tree
    assert [(n["value"], n["count"]) for n in tree] == [("Syria", 1)]
    assert tree[0]["children"][0]["value"] == "Homs Governorate, Syria"
    assert searcher.search("bread", collapse="none").location_tree == []
    assert searcher.search("", facet_size=0).location_tree == []
    code = main(["search", "--index", str(index_dir), "--division", IDLIB, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and [n["value"] for n in data["location_tree"]] == ["Syria"]
    assert {hit["id"] for hit in data["hits"]} == {"saraqib", "rural"}


def test_every_level_is_capped_at_the_facet_size():
    def path(*parts: str) -> str:
        return PLACE_TREE_SEPARATOR.join(parts)

    counts = {path("A"): 5, path("B"): 9, path("C"): 1}
    counts |= {path("B", f"d{n}"): n for n in range(1, 5)}
    counts |= {path("B", "d4", f"p{n}"): 1 for n in range(3)}
    counts[path("B", "d2", "tied")] = 1  # d2's only place: shown only once d2 is
    paths = FacetField("place_tree", {value: np.arange(n, dtype=np.int32) for value, n in counts.items()})
    tree = PlaceTree(paths).tree(paths.counts(np.ones(9, dtype=bool)), 2)
    assert [n["value"] for n in tree] == ["B", "A"]
    assert [n["value"] for n in tree[0]["children"]] == ["d4", "d3"]
    assert [n["value"] for n in tree[0]["children"][0]["children"]] == ["p0", "p1"]
    assert "children" not in tree[1] and "children" not in tree[0]["children"][1]
    two_documents = PlaceTree(paths).tree(paths.counts(np.arange(9) < 2), 3)
    assert [(n["value"], n["count"]) for n in two_documents] == [("A", 2), ("B", 2), ("C", 1)]
