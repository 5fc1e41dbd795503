"""The OpenAPI 3.1 description of the JSON API, generated from the code it describes.

Parameters come from the same `Param` records the server parses with (`web.params`),
and each answer's schema from the type that holds it: the records of `search.results`
(dataclass fields; a field marked `omitted_when_none` is optional) and the typed dicts
of `web.service` (the shapes inside the records' `list[dict]`s). So the document cannot promise a parameter, bound,
default or field the server does not have. What a type cannot say (a description, a
bound, a finer shape than the engine's `list[dict]`) is in `NOTES` and `REFINED`, keyed
by `Class.field`, and a test holds each key to a real field.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, NotRequired, TypedDict

from index.article import MAX_ID_LENGTH
from search.results import Article, FacetValues, SearchResult, Similar, Story
from search.stories import COLLAPSES
from web.params import (
    ARTICLE_PARAMS,
    FACET_PARAMS,
    FACETS,
    MAX_QUERY_LENGTH,
    MAX_REQUEST_HEADER_SIZE,
    SEARCH_PARAMS,
    Param,
)
from web.service import STORY_ID, Bucket, LocationNode


class Error(TypedDict):
    """Every refusal's JSON (`web.errors`): the reason in one line, the status, and sometimes what to do."""

    error: str
    status: int
    hint: NotRequired[str]


# The answers, by the component name their schema gets.
ANSWERS: tuple[type, ...] = (SearchResult, Article, Similar, Story, FacetValues, Error)
# A finer type for a field than its annotation gives (the engine's bare `list[dict]`s).
REFINED: dict[str, Any] = {
    "SearchResult.facets": dict[str, list[Bucket]],
    "SearchResult.location_tree": list[LocationNode],
    "FacetValues.values": list[Bucket],
    "Article.hits": list[tuple[int, int]],
}
# What a field's type cannot say: merged into its generated schema.
NOTES: dict[str, dict[str, Any]] = {
    "Bucket.count": {"minimum": 0},
    "LocationNode.count": {"minimum": 0, "description": "Articles with a place under this node."},
    "LocationNode.children": {"description": "Divisions of a country, places of a division; absent on a leaf."},
    "Hit.title": {"description": "Headline as plain text."},
    "Hit.title_html": {"description": "Headline with matched terms in <mark>; all else escaped text."},
    "Hit.date": {"description": "Publication date, YYYY-MM-DD, or null when unknown."},
    "Hit.snippet": {"description": "Best passages; the only tag is <mark>."},
    "Hit.language": {"description": "ISO 639-1 code, or null when unknown."},
    "SearchResult.total": {"minimum": 0, "description": "Stories when `collapse` is `story`, else articles."},
    "SearchResult.page": {"minimum": 1},
    "SearchResult.per_page": {"minimum": 1},
    "SearchResult.took_ms": {"minimum": 0},
    "SearchResult.suggestion": {"description": "A corrected query when this one found little."},
    "SearchResult.fuzzy": {"description": "True when nothing matched as typed and hits come from fuzzy matching."},
    "SearchResult.relaxed": {"description": (
        "True when no article has every word of a plain query (three or more words, no operators, "
        "fields, phrases, wildcards or fuzzy words): the hits then have any of its words, ranked by "
        "BM25F so articles with more of them come first; facets count these hits.")},
    "SearchResult.facets": {"required": [*FACETS, "date"], "description": (
        "Each facet's values by count; `date` lists years, or months when the range spans a year or less.")},
    "SearchResult.collapse": {"enum": list(COLLAPSES)},
    "SearchResult.location_tree": {"description": "The location facet as country > division > place."},
    "Article.body": {"description": "Plain text, not HTML."},
    "Article.mentions": {"description": "Recognised entities as character spans into body."},
    "Article.hits": {"description": "Only when `q` is given: where it matches, as [start, end) character spans "
                     "into body, in order and not overlapping."},
    "FacetValues.facet": {"enum": list(FACETS)},
    "Story.articles": {"minimum": 1, "description": "Every version; `versions` lists the first few."},
    "Story.first_reported_by": {"description": "The id, source and date of the earliest version."},
    "Story.versions": {"description": "In time order; each is described as a hit is and, after the first, "
                       "has `adds` and `drops`: the sentences it has that the earliest lacks, and the reverse."},
}
_SCALARS: dict[Any, dict[str, Any]] = {str: {"type": "string"}, bool: {"type": "boolean"},
                                       int: {"type": "integer"}, float: {"type": "number"},
                                       type(None): {"type": "null"}, Any: {}}


def _fields(cls: type) -> dict[str, tuple[Any, bool]]:
    """{field: (type, required)} of a dataclass (`to_dict()` gives every field) or a TypedDict."""
    hints = typing.get_type_hints(cls, include_extras=True)
    if dataclasses.is_dataclass(cls):
        return {item.name: (hints[item.name], not item.metadata.get("omitted_when_none", False))
                for item in dataclasses.fields(cls)}
    found = {}
    for name, hint in hints.items():
        optional = typing.get_origin(hint) is NotRequired
        found[name] = (typing.get_args(hint)[0] if optional else hint, not optional)
    return found


def _schema(hint: Any, components: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of one annotation; records and typed dicts become components, by reference."""
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        alternatives = [_schema(arg, components) for arg in args]
        if all(set(alternative) == {"type"} for alternative in alternatives):
            return {"type": [alternative["type"] for alternative in alternatives]}
        return {"anyOf": alternatives}
    if origin is list:
        return {"type": "array", "items": _schema(args[0], components)}
    if origin is tuple:
        return {"type": "array", "items": _schema(args[0], components), "minItems": len(args), "maxItems": len(args)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema(args[1], components)}
    if dataclasses.is_dataclass(hint) or typing.is_typeddict(hint):
        return {"$ref": f"#/components/schemas/{_component(hint, components)}"}
    raise TypeError(f"no JSON Schema for {hint!r}")


def _component(cls: type, components: dict[str, Any]) -> str:
    """Add `cls`'s object schema to `components` (once; a type may contain itself) and return its name."""
    name = cls.__name__
    if name in components:
        return name
    components[name] = {}  # reserved first, so a recursive type refers to itself
    properties, required = {}, []
    for field, (hint, needed) in _fields(cls).items():
        key = f"{name}.{field}"
        properties[field] = {**_schema(REFINED.get(key, hint), components), **NOTES.get(key, {})}
        if needed:
            required.append(field)
    components[name] = {"type": "object", "required": required, "properties": properties}
    doc = (cls.__doc__ or "").strip()
    if doc and not dataclasses.is_dataclass(cls):
        components[name]["description"] = " ".join(doc.split("\n\n", 1)[0].split())
    return name


def response_schemas() -> dict[str, Any]:
    """Every component schema the answers need, the answers' own and those they contain."""
    components: dict[str, Any] = {}
    for answer in ANSWERS:
        _component(answer, components)
    return components


def _parameter(param: Param) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": param.name, "in": "query", "required": False,
                            "description": param.description, "schema": param.schema()}
    if param.repeatable:
        spec.update(style="form", explode=True)
    return spec


def _error(description: str) -> dict[str, Any]:
    return _json(description, {"$ref": f"#/components/schemas/{Error.__name__}"})


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ok(answer: type) -> dict[str, Any]:
    return _json("OK", {"$ref": f"#/components/schemas/{answer.__name__}"})


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": MAX_ID_LENGTH},
       "description": "Article id as listed in search hits."}
_UNAVAILABLE = _error("The index has not been built or is unreadable.")
# What the HTTP server itself answers, before the application, to a request line and headers over its limit.
_TOO_LARGE = {"description": f"The request line and headers exceed {MAX_REQUEST_HEADER_SIZE} bytes (refused by the "
                             "HTTP server, as plain text)",
              "content": {"text/plain": {"schema": {"type": "string"}}}}


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
                f"Full-text news search with facets by {', '.join(FACETS)} and date, and the places "
                "as a tree (country > division > place). "
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
                "responses": {"200": _ok(SearchResult), "400": _error("A parameter or the query is malformed."),
                              "431": _TOO_LARGE, "503": _UNAVAILABLE},
            }},
            "/api/articles/{id}": {"get": {
                "operationId": "article",
                "summary": "One article with its entities, and where a query matches it",
                "parameters": [_ID, *(_parameter(param) for param in ARTICLE_PARAMS)],
                "responses": {"200": _ok(Article), "400": _error("Malformed id, parameter or query."),
                              "404": _error("No such article."), "431": _TOO_LARGE, "503": _UNAVAILABLE},
            }},
            "/api/articles/{id}/similar": {"get": {
                "operationId": "similar",
                "summary": "Articles like this one",
                "parameters": [_ID],
                "responses": {"200": _ok(Similar), "400": _error("Malformed id."),
                              "404": _error("No such article."), "431": _TOO_LARGE, "503": _UNAVAILABLE},
            }},
            "/api/stories/{id}": {"get": {
                "operationId": "story",
                "summary": "One story's versions in time order, the earliest first",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": f"^{STORY_ID.pattern}$"}}],
                "responses": {"200": _ok(Story), "404": _error("No such story."), "431": _TOO_LARGE,
                              "503": _UNAVAILABLE},
            }},
            "/api/facets/{name}": {"get": {
                "operationId": "facetValues",
                "summary": "Values of one facet starting with a prefix, for type-ahead",
                "parameters": [
                    {"name": "name", "in": "path", "required": True,
                     "schema": {"type": "string", "enum": list(FACETS)}},
                    *(_parameter(param) for param in FACET_PARAMS),
                ],
                "responses": {"200": _ok(FacetValues), "400": _error("A parameter is malformed."),
                              "404": _error("No such facet."), "431": _TOO_LARGE, "503": _UNAVAILABLE},
            }},
            "/api/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": _json("OK", {"type": "object"}), "431": _TOO_LARGE},
            }},
        },
        "components": {"schemas": response_schemas()},
    }
