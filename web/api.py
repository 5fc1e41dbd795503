"""The JSON API: the same searches the pages show, as issue 3's JSON.

Both this blueprint and `web.pages` call the helpers here, so a page and its JSON
twin come from one search call with the same arguments.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request

from index.article import id_problem
from web import searcher
from web.openapi import openapi_document
from web.params import ARTICLE_PARAMS, FACET_PARAMS, FACETS, ParamError, parse, search_keywords

blueprint = Blueprint("api", __name__, url_prefix="/api")

SIMILAR_LIMIT = 5


def check_article_id(article_id: str) -> str:
    """An article id as given in a URL, refused if the indexer would have refused it (`index.article.id_problem`).

    One rule for both sides, so an id the index lists is never refused here and an id
    refused here is never in the index.
    """
    if id_problem(article_id) is not None:
        raise ParamError("not a valid article id")
    return article_id


def run_search(state: dict[str, Any]) -> dict[str, Any]:
    """The JSON of one search (issue 3) for a parsed parameter state."""
    return searcher().search(**search_keywords(state)).to_dict()


def get_article(article_id: str, query: str | None = None) -> dict[str, Any]:
    """The stored article, with `hits` for a non-empty `query` (see `Searcher.article`), or a 404."""
    article = searcher().article(check_article_id(article_id), query or None)
    if article is None:
        abort(404)
    return article


def get_similar(article_id: str, limit: int = SIMILAR_LIMIT, *, known: bool = False) -> list[dict[str, Any]]:
    """Articles like this one; a 404 for an unknown id, unless the caller has just fetched it (`known`)."""
    if not known:
        get_article(article_id)  # 404 for unknown ids, as for the article itself
    return list(searcher().similar(check_article_id(article_id), limit=limit))


@blueprint.get("/search")
def search_json():
    return jsonify(run_search(parse(request.args)))


@blueprint.get("/articles/<path:article_id>/similar")
def similar_json(article_id: str):
    return jsonify({"id": article_id, "similar": get_similar(article_id)})


@blueprint.get("/articles/<path:article_id>")
def article_json(article_id: str):
    return jsonify(get_article(article_id, parse(request.args, ARTICLE_PARAMS)["q"]))


@blueprint.get("/facets/<name>")
def facet_json(name: str):
    if name not in FACETS:
        abort(404)
    args = parse(request.args, FACET_PARAMS)
    values = searcher().facet_values(name, prefix=args["prefix"], limit=args["limit"])
    return jsonify({"facet": name, "prefix": args["prefix"], "values": list(values)})


@blueprint.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())
