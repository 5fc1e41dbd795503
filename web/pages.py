"""The HTML pages: search with facets, and articles. Each page's state is its URL."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for

from search import QueryError
from search.results import RELAXED_NOTICE
from web import views
from web.api import get_article, get_similar, run_search
from web.params import (
    ARTICLE_PARAMS,
    FACETS,
    MAX_QUERY_LENGTH,
    PAGE_ONLY,
    SORTS,
    ParamError,
    pairs,
    parse,
    query_string,
    search_url,
)

blueprint = Blueprint("pages", __name__)

EXPANDED_FACET_SIZE = 50  # values shown for a facet whose "more" is open


def _search_state() -> dict[str, Any]:
    return parse(request.args, page_only=PAGE_ONLY)


def _typed_state() -> dict[str, Any]:
    """Only the words typed, for a page whose other parameters could not be read (or has none)."""
    return {"q": request.args.get("q", "")[:MAX_QUERY_LENGTH]}


def _article_url(article_id: str, state: dict[str, Any]) -> str:
    """An article's page, carrying the words searched for so the page marks them."""
    return url_for("pages.article", article_id=article_id, q=state["q"] or None)


def _facet_link(state: dict[str, Any]) -> Callable[[str, str], tuple[str, str]]:
    """Links from an entity to the search filtered by it, keeping the words searched for."""
    def link(facet: str, value: str) -> tuple[str, str]:
        return search_url({"q": state.get("q", "")}, **{facet: [value]}), f"Search {facet}: {value}"
    return link


def facet_sizes(state: dict[str, Any]) -> dict[str, int]:
    """Values the page shows per facet: `facet_size`, or more for a list whose "more" is open.

    Countries and their locations are one list in the sidebar, so opening it opens both.
    The date histogram is never cut: the engine returns every period.
    """
    size = state["facet_size"]
    opened = set(state["more"]) | ({"country"} if "location" in state["more"] else set())
    return {facet: max(size, EXPANDED_FACET_SIZE) if facet in opened else size for facet in FACETS}


def fetch_size(state: dict[str, Any]) -> int:
    """The one `facet_size` the engine is asked for: enough for the largest list shown."""
    return max(facet_sizes(state).values())


def shown_facets(facets: dict[str, list[dict]], sizes: dict[str, int]) -> dict[str, list[dict]]:
    """Each facet's buckets cut to its own size.

    The engine counts every value of a facet whatever `facet_size` is and returns them
    in count order (`search.facets.top_counts`), so the first n of a longer list are
    exactly its answer for n: one search serves an expanded list and the others at
    their usual size, and only the expanded one grows.
    """
    return {name: buckets[:sizes[name]] if name in sizes else buckets for name, buckets in facets.items()}


def search_context(state: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """Everything the search template draws, from the parsed URL and the engine's JSON."""
    size = state["facet_size"]
    limits = facet_sizes(state)
    facets = shown_facets(result.get("facets", {}), limits)
    link = _facet_link(state)
    hits = []
    for hit in result.get("hits", []):
        hits.append({
            **hit,
            "title_html": views.clean_snippet(hit.get("title_html")),
            "snippet_html": views.clean_snippet(hit.get("snippet")),
            "href": _article_url(hit["id"], state),
            "entity_links": [(facet, value, link(facet, value)[0])
                             for facet, key in (("actor", "actors"), ("location", "locations"))
                             for value in (hit.get(key) or [])[:3]],
        })
    return {
        "state": state,
        "result": result,
        "hits": hits,
        "facet_lists": {
            "actor": views.facet_items(state, "actor", facets.get("actor", []), limits["actor"]),
            "location": views.locations_by_country(state, facets, max(limits["location"], limits["country"])),
            "source": views.facet_items(state, "source", facets.get("source", []), limits["source"]),
        },
        "has_more": {facet: len(facets.get(facet, [])) >= size for facet in FACETS},
        "more_urls": {facet: search_url(state, page=state["page"], more=views.toggled(state["more"], facet))
                      for facet in FACETS},
        "bars": views.histogram(state, facets.get("date", [])),
        "date_base": query_string(state, **{"from": None, "to": None}),
        "chips": views.chips(state),
        "clear_all_url": views.clear_all_url(state),
        "pagination": views.pagination(state, result.get("total", 0), state["per_page"]),
        "sort_urls": {sort: search_url(state, sort=sort) for sort in SORTS},
        "every_version_url": search_url(state, collapse="none"),
        "by_story_url": search_url(state, collapse="story"),
        "relaxed_notice": RELAXED_NOTICE if result.get("relaxed") else None,
        "suggestion_url": search_url(state, q=result["suggestion"]) if result.get("suggestion") else None,
        # The twin asks for as many values as the longest list shown, so it holds every value on the page.
        "json_url": "/api/search?" + urlencode(pairs(state, page=state["page"], more=[], facet_size=fetch_size(state))),
        "hidden": pairs(state, q="", more=[]),
    }


@blueprint.get("/")
@blueprint.get("/search")
def search():
    try:
        state = _search_state()
    except ParamError as error:
        return _search_error(str(error))
    try:
        result = run_search(dict(state, facet_size=fetch_size(state)))
    except QueryError as error:
        return _search_error(str(error), state)
    result = dict(result, per_page=state["per_page"])
    return render_template("search.html", **search_context(state, result))


def _search_error(message: str, state: dict[str, Any] | None = None):
    """The search page with the message in place of results, so the user can fix the query in place."""
    hidden = pairs(state, q="", more=[]) if state else []  # keep the filters when the query is fixed
    state = state or _typed_state()
    return render_template("search_error.html", state=state, error=message, hidden=hidden,
                           json_url="/api/search?" + request.query_string.decode("latin-1")), 400


@blueprint.get("/articles/<path:article_id>")
def article(article_id: str):
    """The article, with the engine's hits for `q` marked.

    The article is what was asked for, so a `q` the engine refuses (it was typed
    in the search box, and the search page said so) costs only the highlighting,
    with the reason in one line.
    """
    state = _typed_state()
    link = _facet_link(state)
    problem = None
    try:
        query = parse(request.args, ARTICLE_PARAMS)["q"]
        found = get_article(article_id, query)
    except (ParamError, QueryError) as error:
        query, problem = "", str(error)
        found = get_article(article_id)  # a malformed id still answers 400 here
    similar = get_similar(article_id, known=True)
    return render_template(
        "article.html",
        state=state,
        article=found,
        problem=problem,
        body_html=views.article_body(found.get("body", ""), found.get("mentions") or [], found.get("hits") or [],
                                     link),
        url=views.safe_url(found.get("url")),
        similar=[dict(hit, href=_article_url(hit["id"], state)) for hit in similar],
        entity_url=lambda facet, value: link(facet, value)[0],
        back_url=search_url(state),
        json_url=url_for("api.article_json", article_id=article_id, q=query or None),
    )
