"""What the HTML pages and the JSON API ask of the engine: one function per question.

A page and its JSON twin call the same function with the same arguments, so they cannot
disagree. Each answer is the engine's own result (`search.results.SearchResult`) or one
of the typed dicts below, which say once what the engine's dict-returning lookups
(`Searcher.article`, `similar`, `facet_values`) hold; `web.openapi` builds the response
schemas from these types and from the result classes, so the API description follows
the code.
"""
from __future__ import annotations

import re
from typing import Any, NotRequired, TypedDict

from flask import abort

from index.article import id_problem
from search.results import SearchResult
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
    """A node of the search result's `location_tree` (`search.results.location_tree`): a country, one
    of its first-level divisions, or a place in one, with the articles under it."""

    value: str
    count: int
    children: NotRequired[list[LocationNode]]


class Mention(TypedDict):
    """A recognised entity as a character span of an article's body."""

    start: int
    end: int
    kind: str
    facet: str
    value: str


class Article(TypedDict):
    """`Searcher.article()`: a stored article, its entities and, for a query, where it matches."""

    id: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    actors: list[str]
    locations: list[str]
    countries: list[str]
    authors: list[str]
    language: str | None
    story: str | None
    versions: int
    outlets: list[str]
    body: str
    divisions: list[str]  # the first-level divisions of its places, as the `division` facet has them
    actor_types: dict[str, str]
    places: list[dict[str, Any]]
    mentioned_dates: list[str]
    mentions: list[Mention]
    hits: NotRequired[list[tuple[int, int]]]


class Similar(TypedDict):
    """`/api/articles/<id>/similar`: search hits (`search.results.Hit.to_dict()`) like one article."""

    id: str
    similar: list[dict[str, Any]]


class FacetValues(TypedDict):
    """`/api/facets/<name>`: the values of one facet starting with a prefix (`Searcher.facet_values`)."""

    facet: str
    prefix: str
    values: list[Bucket]


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
    found = searcher().article(check_article_id(article_id), query or None)
    if found is None:
        abort(404)
    return found  # type: ignore[return-value]  # the engine's dict, described by `Article`


def similar(article_id: str, limit: int = SIMILAR_LIMIT, *, known: bool = False) -> list[dict[str, Any]]:
    """Articles like this one; a 404 for an unknown id, unless the caller has just fetched it (`known`)."""
    if not known:
        article(article_id)  # 404 for unknown ids, as for the article itself
    return list(searcher().similar(check_article_id(article_id), limit=limit))


def facet(name: str) -> str:
    """A facet named in a URL, or a 404 for one the index does not have (before its arguments are read)."""
    if name not in FACETS:
        abort(404)
    return name


def facet_values(name: str, prefix: str, limit: int) -> FacetValues:
    """Type-ahead values of one facet (`facet(name)` first, for a 404 rather than the engine's refusal)."""
    values = searcher().facet_values(name, prefix=prefix, limit=limit)
    return FacetValues(facet=name, prefix=prefix, values=list(values))  # type: ignore[arg-type]  # the engine's buckets


def story(story_id: str) -> dict[str, Any]:
    """A story's versions in time order (see `Searcher.story`), or a 404.

    A story id is the indexer's (`index.stories.story_id`): anything else is a 404
    before the index is asked.
    """
    if not STORY_ID.fullmatch(story_id):
        abort(404)
    found = searcher().story(story_id)
    if found is None:
        abort(404)
    return found
