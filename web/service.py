"""What the HTML pages and the JSON API ask of the engine: one function per question.

A page and its JSON twin call the same function with the same arguments, so they cannot
disagree. Each answer is one of the engine's records (`search.results`: `SearchResult`,
and from `search.lookups` `Article`, `Similar`, `Story`, `FacetValues`); the API sends its
`to_dict()`, the pages present that same dict. `web.openapi` builds the response schemas
from these classes (and the typed dicts below, for the shapes inside their `list[dict]`s),
so the API description follows the code.
"""
from __future__ import annotations

import re
from typing import NotRequired, TypedDict

from flask import abort

from index.article import id_problem
from search import lookups
from search.results import Article, FacetValues, SearchResult, Similar, Story
from web import searcher
from web.params import FACETS, ParamError
from web.state import SearchState

SIMILAR_LIMIT = 5
STORY_ID = re.compile(r"s[0-9a-f]{12}")  # `index.stories.story_id`


class Bucket(TypedDict):
    """One value of a facet and how many articles have it."""

    value: str
    count: int


class LocationNode(TypedDict):
    """A node of the search result's `location_tree` (`search.facets.PlaceTree`): a country, one
    of its first-level divisions, or a place in one, with the articles under it."""

    value: str
    count: int
    children: NotRequired[list[LocationNode]]


def check_article_id(article_id: str) -> str:
    """An article id as given in a URL, refused if the indexer would have refused it (`index.article.id_problem`).

    One rule for both sides, so an id the index lists is never refused here and an id
    refused here is never in the index.
    """
    if id_problem(article_id) is not None:
        raise ParamError("not a valid article id")
    return article_id


def search(state: SearchState, facet_size: int | None = None) -> SearchResult:
    """The search a state describes; `facet_size` overrides the state's (the page asks for its longest list)."""
    keywords = state.search_keywords()
    if facet_size is not None:
        keywords["facet_size"] = facet_size
    return searcher().search(**keywords)


def article(article_id: str, query: str | None = None) -> Article:
    """The stored article, with `hits` for a non-empty `query` (see `Searcher.article`), or a 404."""
    found = lookups.article(searcher(), check_article_id(article_id), query or None)
    if found is None:
        abort(404)
    return found


def similar(article_id: str, limit: int = SIMILAR_LIMIT, *, known: bool = False) -> Similar:
    """Articles like this one; a 404 for an unknown id, unless the caller has just fetched it (`known`)."""
    if not known:
        article(article_id)  # 404 for unknown ids, as for the article itself
    return lookups.similar(searcher(), check_article_id(article_id), limit=limit)


def facet(name: str) -> str:
    """A facet named in a URL, or a 404 for one the index does not have (before its arguments are read)."""
    if name not in FACETS:
        abort(404)
    return name


def facet_values(name: str, prefix: str, limit: int) -> FacetValues:
    """Type-ahead values of one facet (`facet(name)` first, for a 404 rather than the engine's refusal)."""
    return lookups.facet_values(searcher(), name, prefix=prefix, limit=limit)


def story(story_id: str) -> Story:
    """A story's versions in time order (see `Searcher.story`), or a 404.

    A story id is the indexer's (`index.stories.story_id`): anything else is a 404
    before the index is asked.
    """
    if not STORY_ID.fullmatch(story_id):
        abort(404)
    found = lookups.story(searcher(), story_id)
    if found is None:
        abort(404)
    return found
