"""The OpenAPI 3.1 description of the JSON API, generated from `web.params`.

Parameters come from the same `Param` records the server parses with, so the
document cannot promise a parameter, bound or default the server does not apply.
"""
from __future__ import annotations

from typing import Any

from index.article import MAX_ID_LENGTH
from web.params import ARTICLE_PARAMS, FACET_PARAMS, FACETS, MAX_QUERY_LENGTH, SEARCH_PARAMS, Param

_STRINGS = {"type": "array", "items": {"type": "string"}}
_BUCKETS = {"type": "array", "items": {"$ref": "#/components/schemas/Bucket"}}

SCHEMAS: dict[str, Any] = {
    "Bucket": {
        "type": "object",
        "required": ["value", "count"],
        "properties": {"value": {"type": "string"}, "count": {"type": "integer", "minimum": 0}},
    },
    "Hit": {
        "type": "object",
        "required": ["id", "title", "date", "source", "url", "score", "snippet", "actors", "locations", "countries"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string", "description": "Headline as plain text."},
            "title_html": {"type": "string", "description": "Headline with matched terms in <mark>; all else escaped text."},
            "date": {"type": ["string", "null"], "description": "Publication date, YYYY-MM-DD, or null when unknown."},
            "source": {"type": ["string", "null"]},
            "url": {"type": ["string", "null"]},
            "score": {"type": ["number", "null"]},
            "snippet": {"type": "string", "description": "Best passages; the only tag is <mark>."},
            "actors": _STRINGS,
            "locations": _STRINGS,
            "countries": _STRINGS,
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["query", "total", "page", "per_page", "took_ms", "suggestion", "fuzzy", "relaxed", "hits", "facets"],
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "took_ms": {"type": "number", "minimum": 0},
            "suggestion": {"type": ["string", "null"], "description": "A corrected query when this one found little."},
            "fuzzy": {"type": "boolean", "description": "True when nothing matched as typed and hits come from fuzzy matching."},
            "relaxed": {"type": "boolean", "description": (
                "True when no article has every word of a plain query (three or more words, no operators, "
                "fields, phrases, wildcards or fuzzy words): the hits then have any of its words, ranked by "
                "BM25F so articles with more of them come first; facets count these hits.")},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {
                "type": "object",
                "required": [*FACETS, "date"],
                "properties": {**{name: _BUCKETS for name in FACETS},
                               "date": {**_BUCKETS, "description": "Years, or months when the range spans a year or less."}},
            },
        },
    },
    "Article": {
        "type": "object",
        "required": ["id", "title", "body"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "body": {"type": "string", "description": "Plain text, not HTML."},
            "date": {"type": ["string", "null"]},
            "source": {"type": ["string", "null"]},
            "url": {"type": ["string", "null"]},
            "actors": _STRINGS,
            "locations": _STRINGS,
            "countries": _STRINGS,
            "mentions": {"type": "array", "description": "Recognised entities as character spans into body.",
                         "items": {"type": "object", "required": ["start", "end", "kind", "facet", "value"]}},
            "hits": {"type": "array", "description": "Only when `q` is given: where it matches, as [start, end) "
                     "character spans into body, in order and not overlapping.",
                     "items": {"type": "array", "items": {"type": "integer", "minimum": 0},
                               "minItems": 2, "maxItems": 2}},
        },
    },
    "Similar": {
        "type": "object",
        "required": ["id", "similar"],
        "properties": {"id": {"type": "string"}, "similar": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}},
    },
    "FacetValues": {
        "type": "object",
        "required": ["facet", "prefix", "values"],
        "properties": {"facet": {"type": "string", "enum": list(FACETS)}, "prefix": {"type": "string"}, "values": _BUCKETS},
    },
    "Error": {
        "type": "object",
        "required": ["error", "status"],
        "properties": {"error": {"type": "string"}, "status": {"type": "integer"}, "hint": {"type": "string"}},
    },
}


def _parameter(param: Param) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": param.name, "in": "query", "required": False,
                            "description": param.description, "schema": param.schema()}
    if param.repeatable:
        spec.update(style="form", explode=True)
    return spec


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(schema: str) -> dict[str, Any]:
    return {"description": "OK", "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": MAX_ID_LENGTH},
       "description": "Article id as listed in search hits."}
_UNAVAILABLE = _error("The index has not been built or is unreadable.")


def openapi_document(_server_url: str | None = None) -> dict[str, Any]:
    """The whole OpenAPI document.

    Its one server is `/`, relative to wherever the document was fetched: the `Host` a
    client sent is never echoed into it. The argument, once that host's URL, is ignored
    and kept only so existing callers keep working.
    """
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "newsfacets",
            "version": "1",
            "description": (
                "Full-text news search with facets by actor, location, country, source and date. "
                f"Limits: query at most {MAX_QUERY_LENGTH} characters; bounds on each parameter are in its schema; "
                "unknown parameters are refused with 400."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/search": {"get": {
                "operationId": "search",
                "summary": "Search articles, with facet counts",
                "parameters": [_parameter(param) for param in SEARCH_PARAMS],
                "responses": {"200": _ok("SearchResult"), "400": _error("A parameter or the query is malformed."),
                              "503": _UNAVAILABLE},
            }},
            "/api/articles/{id}": {"get": {
                "operationId": "article",
                "summary": "One article with its entities, and where a query matches it",
                "parameters": [_ID, *(_parameter(param) for param in ARTICLE_PARAMS)],
                "responses": {"200": _ok("Article"), "400": _error("Malformed id, parameter or query."),
                              "404": _error("No such article."), "503": _UNAVAILABLE},
            }},
            "/api/articles/{id}/similar": {"get": {
                "operationId": "similar",
                "summary": "Articles like this one",
                "parameters": [_ID],
                "responses": {"200": _ok("Similar"), "400": _error("Malformed id."),
                              "404": _error("No such article."), "503": _UNAVAILABLE},
            }},
            "/api/facets/{name}": {"get": {
                "operationId": "facetValues",
                "summary": "Values of one facet starting with a prefix, for type-ahead",
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string", "enum": list(FACETS)}},
                    *(_parameter(param) for param in FACET_PARAMS),
                ],
                "responses": {"200": _ok("FacetValues"), "400": _error("A parameter is malformed."),
                              "404": _error("No such facet."), "503": _UNAVAILABLE},
            }},
            "/api/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
        },
        "components": {"schemas": SCHEMAS},
    }
