"""`author` and `language` as facets and filters (issue 9), end to end on a real index.

The corpus is written by the test: HTML pages whose bylines come from JSON-LD and from a
`<meta name="author">`, a Markdown file with authors in its front matter, and text files
whose language nobody declares (the detector decides). Every interface is exercised: the
Python keywords, the query syntax, the CLI flags and the JSON of results and articles.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.build import build_index
from newsfacets.cli import main
from search import QueryError, Searcher

JSONLD_PAGE = """<!doctype html><html lang="en"><head><title>Port strike spreads | Harbour Times</title>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Port strike spreads",
 "datePublished": "2021-03-04", "author": [{"@type": "Person", "name": "Jane Doe"},
 {"@type": "Person", "name": "Omar Haddad"}]}</script></head>
<body><article><h1>Port strike spreads</h1>
<p>Dock workers walked out at three more terminals on Thursday, union officials said, as talks with
the port authority stalled for a second week over pay and shift patterns.</p>
<p>The strike has left dozens of container ships waiting offshore and traders warn of shortages.</p>
</article></body></html>"""

META_PAGE = """<!doctype html><html><head><title>Harvest festival returns</title>
<meta name="author" content="Jane Doe"><meta http-equiv="content-language" content="en"></head>
<body><article><h1>Harvest festival returns</h1>
<p>The harvest festival returned to the town square this weekend after a two-year pause, with
farmers selling apples, pears and cider to crowds that organisers put at several thousand.</p>
</article></body></html>"""

FRONT_MATTER = """---
title: "Ferry timetable changes"
date: 2021-05-02
authors:
  - Li Wei
---
The island ferry will run twice a day from June, the operator said, after a review of passenger
numbers over the winter showed that the early morning crossing was rarely full.
"""

FRENCH = ("Grève au port\n\nLes dockers ont cessé le travail jeudi dans trois terminaux, selon les syndicats, "
          "alors que les négociations avec l'autorité portuaire sont au point mort depuis une semaine.\n")
GERMAN = ("Streik im Hafen\n\nDie Hafenarbeiter haben am Donnerstag an drei weiteren Terminals die Arbeit "
          "niedergelegt, teilten die Gewerkschaften mit, weil die Gespräche über Löhne seit einer Woche stocken.\n")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("authors")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "strike.html").write_text(JSONLD_PAGE, encoding="utf-8")
    (corpus / "harvest.html").write_text(META_PAGE, encoding="utf-8")
    (corpus / "ferry.md").write_text(FRONT_MATTER, encoding="utf-8")
    (corpus / "greve.txt").write_text(FRENCH, encoding="utf-8")
    (corpus / "streik.txt").write_text(GERMAN, encoding="utf-8")
    report = build_index([corpus], root / "index", workers=1)
    assert report.skipped == []
    return root / "index"


@pytest.fixture(scope="module")
def searcher(index_dir: Path):
    with Searcher(index_dir) as s:
        yield s


def _titles(result) -> set[str]:
    return {hit.title for hit in result.hits}


def test_author_and_language_are_counted_as_facets(searcher):
    facets = searcher.search("", collapse="none").facets
    assert {"value": "Jane Doe", "count": 2} in facets["author"]
    assert {"value": "Omar Haddad", "count": 1} in facets["author"]
    assert {"value": "Li Wei", "count": 1} in facets["author"]
    languages = {v["value"]: v["count"] for v in facets["language"]}
    assert languages == {"en": 3, "fr": 1, "de": 1}


def test_python_keywords_filter_and_exclude(searcher):
    english = searcher.search("", language=["en"], collapse="none")
    assert english.total == 3 and "Grève au port" not in _titles(english)
    assert _titles(searcher.search("", language="fr", collapse="none")) == {"Grève au port"}
    assert _titles(searcher.search("", author=["jane doe"], collapse="none")) == {"Port strike spreads",
                                                                                   "Harvest festival returns"}
    assert searcher.search("", not_language=["en"], collapse="none").total == 2
    both = searcher.search("", language=["en"], not_author=["Omar Haddad"], collapse="none")
    assert _titles(both) == {"Harvest festival returns", "Ferry timetable changes"}
    # each facet is counted without its own filter: picking "fr" still shows what "en" would add
    counted = {v["value"]: v["count"] for v in searcher.search("", language=["fr"]).facets["language"]}
    assert counted["en"] == 3


def test_query_syntax_names_the_new_fields(searcher):
    assert _titles(searcher.search("language:de", collapse="none")) == {"Streik im Hafen"}
    assert _titles(searcher.search('author:"Li Wei"', collapse="none")) == {"Ferry timetable changes"}
    assert searcher.search("strike -author:Omar", collapse="none").total == 0


def test_hits_and_articles_carry_authors_and_language(searcher):
    hit = searcher.search("dock workers", collapse="none").hits[0]
    assert hit.title == "Port strike spreads"
    data = hit.to_dict()
    assert data["authors"] == ["Jane Doe", "Omar Haddad"] and data["language"] == "en"
    article = searcher.article(hit.id)
    assert article["authors"] == ["Jane Doe", "Omar Haddad"] and article["language"] == "en"
    french = searcher.search("language:fr", collapse="none").hits[0]
    assert french.authors == [] and searcher.article(french.id)["language"] == "fr"


def test_type_ahead_on_authors(searcher):
    assert [v["value"] for v in searcher.facet_values("author", "om")] == ["Omar Haddad"]
    with pytest.raises(QueryError, match="unknown facet"):
        searcher.facet_values("authors")


def test_cli_language_and_author_flags(index_dir: Path, capsys):
    code = main(["search", "--index", str(index_dir), "--language", "en", "--not-author", "Jane Doe", "--json",
                 "--no-collapse"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [hit["title"] for hit in out["hits"]] == ["Ferry timetable changes"]
    assert out["hits"][0]["authors"] == ["Li Wei"] and out["hits"][0]["language"] == "en"
    assert {"value": "Li Wei", "count": 1} in out["facets"]["author"]
    code = main(["search", "--index", str(index_dir), "--language", "de"])
    listing = capsys.readouterr().out
    assert code == 0 and "Streik im Hafen" in listing and "language: en (3), de (1), fr (1)" in listing
