"""The HTML pages: search with facets, and articles. Each page's state is its URL.

Each route goes one way: the query string -> `SearchState` -> `web.service` (which the
JSON API calls too) -> `web.presenters` -> the template.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from search import QueryError
from web import presenters, service
from web.params import ARTICLE_PARAMS, ParamError, parse
from web.state import SearchState

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
@blueprint.get("/search")
def search():
    try:
        state = SearchState.from_args(request.args)
    except ParamError as error:
        return _search_error(str(error), SearchState.typed(request.args), parsed=False)
    try:
        result = service.search(state, facet_size=presenters.fetch_size(state))
    except QueryError as error:
        return _search_error(str(error), state, parsed=True)
    return render_template("search.html", **presenters.present_search(state, result))


def _search_error(message: str, state: SearchState, *, parsed: bool):
    json_url = "/api/search?" + request.query_string.decode("latin-1")
    return render_template("search_error.html",
                           **presenters.present_search_error(message, state, parsed=parsed, json_url=json_url)), 400


@blueprint.get("/articles/<path:article_id>")
def article(article_id: str):
    """The article, with the engine's hits for `q` marked.

    The article is what was asked for, so a `q` the engine refuses (it was typed
    in the search box, and the search page said so) costs only the highlighting,
    with the reason in one line.
    """
    state = SearchState.typed(request.args)
    problem = None
    try:
        query = parse(request.args, ARTICLE_PARAMS)["q"]
        found = service.article(article_id, query)
    except (ParamError, QueryError) as error:
        query, problem = "", str(error)
        found = service.article(article_id)  # a malformed id still answers 400 here
    similar = service.similar(article_id, known=True).to_dict()["similar"]
    json_url = url_for("api.article_json", article_id=article_id, q=query or None)
    context = presenters.present_article(state, found.to_dict(), similar, problem, json_url)
    return render_template("article.html", **context)
