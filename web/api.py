"""The JSON API: the same searches the pages show, as issue 3's JSON.

Each route reads its arguments, asks `web.service` (as the pages do, with the same
arguments) and returns the answer's JSON; `web.openapi` describes each answer from the
same types.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from web import service
from web.openapi import openapi_document
from web.params import ARTICLE_PARAMS, FACET_PARAMS, parse
from web.state import SearchState

blueprint = Blueprint("api", __name__, url_prefix="/api")


@blueprint.get("/search")
def search_json():
    return jsonify(service.search(SearchState.from_args(request.args, page=False)).to_dict())


@blueprint.get("/articles/<path:article_id>/similar")
def similar_json(article_id: str):
    return jsonify(service.similar(article_id).to_dict())


@blueprint.get("/articles/<path:article_id>")
def article_json(article_id: str):
    return jsonify(service.article(article_id, parse(request.args, ARTICLE_PARAMS)["q"]).to_dict())


@blueprint.get("/facets/<name>")
def facet_json(name: str):
    facet = service.facet(name)
    args = parse(request.args, FACET_PARAMS)
    return jsonify(service.facet_values(facet, args["prefix"], args["limit"]).to_dict())


@blueprint.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())
