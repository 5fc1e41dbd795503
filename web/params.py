"""The search parameters, described once: parsing, URL building and the OpenAPI document.

The HTML pages, the JSON API and `/api/openapi.json` all read `SEARCH_PARAMS` (the pages
and the API through `web.state.SearchState`), so a parameter cannot be accepted by one
and missing from another. Parsing is strict about
shape (types, bounds, how often a parameter repeats) and leaves meaning (query syntax,
whether a date exists) to the search engine, which answers with `search.QueryError`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from index.schema import FACET_FIELDS as FACETS
from index.settings import ENGINE_LIMITS, Limits
from search.searcher import SORTS
from search.stories import COLLAPSES

# Limits that protect the server; each is documented in the OpenAPI description. They are
# the engine's table, tightened where a public server should ask less of it; `tightened`
# refuses any looser value, so the web never accepts what the engine would refuse.
WEB_LIMITS: Limits = ENGINE_LIMITS.tightened(
    max_filter_values=20,  # repeats of one filter parameter
    max_prefix_length=100,
    max_facet_values=50,  # the `limit` of /api/facets/<name>
)
MAX_QUERY_LENGTH = WEB_LIMITS.max_query_length
# Largest request line and headers the HTTP server accepts (waitress answers 431 beyond it, before the app);
# long enough for 20 filters per facet.
MAX_REQUEST_HEADER_SIZE = 64 * 1024
MAX_VALUE_LENGTH = WEB_LIMITS.max_value_length
MAX_VALUES = WEB_LIMITS.max_filter_values
MAX_PREFIX_LENGTH = WEB_LIMITS.max_prefix_length
MAX_FACET_VALUES = WEB_LIMITS.max_facet_values
MAX_PAGE = WEB_LIMITS.max_page
MAX_PER_PAGE = WEB_LIMITS.max_per_page
MAX_FACET_SIZE = WEB_LIMITS.max_facet_size
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


class ParamError(ValueError):
    """A parameter the server will not accept; the message is one line for the user."""


@dataclass(frozen=True)
class Param:
    """One query-string parameter and the `Searcher.search` keyword it feeds."""

    name: str
    kind: str  # "string" | "integer" | "date"
    description: str
    keyword: str
    repeatable: bool = False
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    choices: tuple[str, ...] = ()

    def schema(self) -> dict:
        """JSON Schema of one value of this parameter."""
        schema: dict[str, Any] = {"type": "integer" if self.kind == "integer" else "string"}
        if self.kind == "date":
            schema["pattern"] = _DATE.pattern
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.default is not None:
            schema["default"] = self.default
        if self.repeatable:
            return {"type": "array", "items": schema, "maxItems": MAX_VALUES}
        return schema

    def parse(self, raw: list[str]) -> Any:
        """The value(s) of this parameter from the raw strings in the query string."""
        if self.repeatable:
            values = [value.strip() for value in raw if value.strip()]
            if len(values) > MAX_VALUES:
                raise ParamError(f"too many '{self.name}' values: at most {MAX_VALUES}")
            return [self._one(value) for value in values]
        if len(raw) > 1:
            raise ParamError(f"'{self.name}' given {len(raw)} times: give it once")
        value = raw[0].strip() if raw else ""
        return self._one(value) if value else self.default

    def _one(self, value: str) -> Any:
        if self.max_length is not None and len(value) > self.max_length:
            raise ParamError(f"'{self.name}' is too long: at most {self.max_length} characters")
        if "\x00" in value:
            raise ParamError(f"'{self.name}' contains a NUL character")
        if self.kind == "integer":
            if not re.fullmatch(r"[0-9]{1,9}", value):
                raise ParamError(f"'{self.name}' must be a whole number, not {value[:40]!r}")
            number = int(value)
            too_small = self.minimum is not None and number < self.minimum
            if too_small or (self.maximum is not None and number > self.maximum):
                raise ParamError(f"'{self.name}' must be between {self.minimum} and {self.maximum}")
            return number
        if self.kind == "date" and not _DATE.match(value):
            raise ParamError(f"'{self.name}' must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not {value[:40]!r}")
        if self.choices and value not in self.choices:
            raise ParamError(f"'{self.name}' must be one of {', '.join(self.choices)}")
        return value


def _filter(facet: str, what: str) -> Param:
    return Param(facet, "string", f"Only articles with this {what}; repeat for several (OR).", facet,
                 repeatable=True, default=[], max_length=MAX_VALUE_LENGTH)


def _exclude(facet: str, what: str) -> Param:
    return Param(f"not_{facet}", "string", f"Leave out articles with this {what}; repeat for several.",
                 f"not_{facet}", repeatable=True, default=[], max_length=MAX_VALUE_LENGTH)


# What the value of each facet's filter names, for the parameter descriptions.
_WHAT = {
    "actor": "actor (person, organisation, armed group or state)",
    "location": "location, as listed in the location facet",
    "country": "country",
    "division": "first-level division (governorate, province, state), as \"Idlib Governorate, Syria\": "
                "articles about any place inside it, or naming it",
    "source": "source",
    "author": "bylined author",
    "language": "language (ISO 639-1 code, as `en`)",
}
# Every facet the engine counts can filter and exclude a search, in the engine's order.
FILTER_FACETS: dict[str, str] = {facet: _WHAT.get(facet, facet) for facet in FACETS}

SEARCH_PARAMS: tuple[Param, ...] = (
    Param("q", "string", "Free-text query (see the query syntax in the README); empty browses everything, "
          "newest first. All words must match; if no article has every word of a plain query of three or more words, "
          "the answer lists articles with most of them and says `relaxed: true`.",
          "query", default="", max_length=MAX_QUERY_LENGTH),
    *(_filter(facet, what) for facet, what in FILTER_FACETS.items()),
    *(_exclude(facet, facet) for facet in FILTER_FACETS),
    Param("from", "date", "Earliest publication date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD.", "date_from"),
    Param("to", "date", "Latest publication date, inclusive (`to=2020` includes all of 2020).", "date_to"),
    Param("sort", "string", "Order of hits.", "sort", default="relevance", choices=SORTS),
    Param("collapse", "string", "`story`: one hit per story (its best-ranked version) and `total` counts stories; "
          "`none`: every article.", "collapse", default="story", choices=COLLAPSES),
    Param("page", "integer", "Page of hits, from 1.", "page", default=1, minimum=1, maximum=MAX_PAGE),
    Param("per_page", "integer", "Hits per page.", "per_page", default=10, minimum=1, maximum=MAX_PER_PAGE),
    Param("facet_size", "integer", "Values per facet (the date histogram always lists every period).", "facet_size",
          default=10, minimum=1, maximum=MAX_FACET_SIZE),
)
BY_NAME = {param.name: param for param in SEARCH_PARAMS}

FACET_PARAMS: tuple[Param, ...] = (
    Param("prefix", "string", "Only values starting with this text (case-insensitive).", "prefix",
          default="", max_length=MAX_PREFIX_LENGTH),
    Param("limit", "integer", "How many values at most.", "limit", default=10, minimum=1, maximum=MAX_FACET_VALUES),
)

ARTICLE_PARAMS: tuple[Param, ...] = (
    Param("q", "string", "A query, in the search syntax, to find in the article: the answer then has `hits`, "
          "the character spans of `body` it matches (phrases as one span, wildcard and fuzzy words expanded, "
          "facet terms through the entity mentions). Empty or absent: no `hits`.",
          "query", default="", max_length=MAX_QUERY_LENGTH),
)

# Parameters of the URL that only the HTML page reads (which facet lists are expanded).
PAGE_ONLY = ("more",)


def parse(args: MultiDict, params: tuple[Param, ...] = SEARCH_PARAMS,
          page_only: tuple[str, ...] = ()) -> dict[str, Any]:
    """Query-string arguments -> {parameter name: value}; raises ParamError.

    Unknown parameters are refused rather than ignored, so a typo (`actors=`) is
    reported instead of silently returning unfiltered results.
    """
    known = {param.name for param in params} | set(page_only)
    for name in args:
        if name not in known:
            raise ParamError(f"unknown parameter '{name[:40]}'")
    parsed = {param.name: param.parse(args.getlist(param.name)) for param in params}
    for name in page_only:
        values = args.getlist(name)
        if len(values) > MAX_VALUES:
            raise ParamError(f"too many '{name}' values: at most {MAX_VALUES}")
        parsed[name] = [value for value in values if value in FACETS]
    return parsed
