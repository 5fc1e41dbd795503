"""The article page shows who wrote it and in which language, each a link to that filter.

A real index of records written here (authors and language columns, one author name
carrying markup), served by the real waitress server and read over HTTP.
"""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from conftest import records_index
from web_support import serve

ARTICLES = [
    {"id": "bylined", "title": "Port strike spreads", "authors": ["Jane Doe", "Omar Haddad"], "language": "en",
     "body": "Dock workers walked out at three more terminals on Thursday, union officials said, as talks with "
             "the port authority stalled for a second week over pay and shift patterns."},
    {"id": "marked-up", "title": "Harvest festival returns", "author": 'Eve <script>window.__x=1</script> Ray',
     "body": "The harvest festival returned to the town square this weekend after a two-year pause, with "
             "farmers selling apples, pears and cider to crowds that organisers put at several thousand."},
    {"id": "anonymous", "title": "Grève au port",
     "body": "Les dockers ont cessé le travail jeudi dans trois terminaux, selon les syndicats, alors que les "
             "négociations avec l'autorité portuaire sont au point mort depuis une semaine."},
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    with serve(records_index(tmp_path_factory.mktemp("article-fields"), ARTICLES)) as url:
        yield url


def _links(page: str, css_class: str) -> list[tuple[str, str]]:
    """(href, text) of each <a class="css_class" ...>text</a> on the page."""
    found = re.findall(rf'<a class="{css_class}" href="([^"]*)"[^>]*>([^<]*)</a>', page)
    return [(html.unescape(href), html.unescape(text)) for href, text in found]


def test_authors_and_language_are_shown_as_filter_links(base_url):
    page = requests.get(f"{base_url}/articles/bylined", timeout=10).text
    authors = _links(page, "author")
    assert [text for _, text in authors] == ["Jane Doe", "Omar Haddad"]
    assert parse_qs(urlparse(authors[1][0]).query) == {"author": ["Omar Haddad"]}
    language = _links(page, "language")
    assert [text for _, text in language] == ["en"]
    assert parse_qs(urlparse(language[0][0]).query) == {"language": ["en"]}
    # The link leads to a page that finds this article by that filter.
    filtered = requests.get(f"{base_url}/api/search", params={"author": "Omar Haddad", "collapse": "none"},
                            timeout=10).json()
    assert [hit["id"] for hit in filtered["hits"]] == ["bylined"]


def test_an_author_name_with_markup_is_text(base_url):
    page = requests.get(f"{base_url}/articles/marked-up", timeout=10).text
    assert "<script>window.__x" not in page
    assert [text for _, text in _links(page, "author")] == ["Eve <script>window.__x=1</script> Ray"]


def test_no_byline_no_author_line_and_the_detected_language(base_url):
    page = requests.get(f"{base_url}/articles/anonymous", timeout=10).text
    assert 'class="article-authors"' not in page
    assert [text for _, text in _links(page, "language")] == ["fr"]
