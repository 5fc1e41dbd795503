"""The state of a search page: one typed, frozen value, parsed once from the query string.

A request goes one way: its query string -> `SearchState` -> `web.service` -> the
engine's result -> `web.presenters` -> the template. The page's state *is* its URL, so
every link a page draws is the same state with something changed (`state.url(...)`,
`state.toggled(facet, value).url()`): a link keeps everything but what it changes, and
no part of the web builds a search URL by hand.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from web.params import (
    BY_NAME,
    MAX_QUERY_LENGTH,
    PAGE_ONLY,
    SEARCH_PARAMS,
    parse,
)

# The state's attribute for each scalar parameter whose name is no Python identifier or says
# less than the attribute (`from` is a keyword); every other parameter's attribute is its name.
_ATTRIBUTES = {"from": "date_from", "to": "date_to"}
# The repeatable filter parameters (`actor`, `not_actor`, ...), kept together in `filters`.
FILTER_PARAMS = tuple(param.name for param in SEARCH_PARAMS if param.repeatable)


def _frozen(filters: Mapping[str, Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({name: tuple(filters.get(name) or ()) for name in FILTER_PARAMS})


@dataclass(frozen=True)
class SearchState:
    """Everything a search page's URL says, validated (`web.params`) and with defaults filled in.

    `filters` maps each filter parameter (`actor`, `not_actor`, ...) to its values, so a
    facet added to `web.params.FILTER_FACETS` needs no new attribute here. Build one with
    `from_args`; the constructor trusts its arguments.
    """

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: str | None = None
    date_to: str | None = None
    sort: str = BY_NAME["sort"].default
    collapse: str = BY_NAME["collapse"].default
    page: int = BY_NAME["page"].default
    per_page: int = BY_NAME["per_page"].default
    facet_size: int = BY_NAME["facet_size"].default
    more: tuple[str, ...] = ()  # facets whose sidebar list is expanded (the HTML page only)

    def __post_init__(self) -> None:
        object.__setattr__(self, "filters", _frozen(self.filters))
        object.__setattr__(self, "more", tuple(self.more))

    # --- reading a request ---------------------------------------------------------------

    @classmethod
    def from_args(cls, args: MultiDict, *, page: bool = True) -> SearchState:
        """The state of a query string; raises `ParamError` (one line) for anything the server refuses.

        `page=False` reads the JSON API's arguments, which have no page-only parameters
        (`more`): the API refuses them as it refuses any unknown name.
        """
        parsed = parse(args, page_only=PAGE_ONLY if page else ())
        return cls._from_values(parsed)

    @classmethod
    def typed(cls, args: MultiDict) -> SearchState:
        """Only the words typed, for a page whose other parameters could not be read (or has none)."""
        return cls(q=args.get("q", "")[:MAX_QUERY_LENGTH])

    @classmethod
    def _from_values(cls, values: Mapping[str, Any]) -> SearchState:
        filters = {name: values.get(name) or () for name in FILTER_PARAMS}
        scalars = {_ATTRIBUTES.get(name, name): value for name, value in values.items()
                   if name not in FILTER_PARAMS and value is not None}
        return cls(filters=filters, **scalars)

    # --- reading the state ---------------------------------------------------------------

    def get(self, name: str) -> Any:
        """The value of the URL parameter `name` (`from`, `actor`, `more`, ...)."""
        if name in FILTER_PARAMS:
            return self.filters[name]
        return getattr(self, _ATTRIBUTES.get(name, name))

    def chosen(self, facet: str) -> tuple[str, ...]:
        """The values this search keeps (`facet=`)."""
        return self.filters.get(facet, ())

    def excluded(self, facet: str) -> tuple[str, ...]:
        """The values this search leaves out (`not_facet=`)."""
        return self.filters.get(f"not_{facet}", ())

    def search_keywords(self) -> dict[str, Any]:
        """The keyword arguments of `Searcher.search` for this state."""
        return {param.keyword: self.get(param.name) for param in SEARCH_PARAMS}

    # --- changed states and their URLs ---------------------------------------------------

    def changed(self, **changes: Any) -> SearchState:
        """This state with `changes` (by URL parameter name) applied.

        Changing anything but the page goes back to page 1, because the old page
        number means nothing in a different result list.
        """
        unknown = set(changes) - set(BY_NAME) - set(PAGE_ONLY)
        if unknown:
            raise TypeError(f"not a search parameter: {', '.join(sorted(unknown))}")
        filters = dict(self.filters)
        scalars: dict[str, Any] = {} if "page" in changes else {"page": 1}
        for name, value in changes.items():
            if name in FILTER_PARAMS:
                filters[name] = tuple(value or ())
            elif name in PAGE_ONLY:
                scalars[name] = tuple(value or ())
            else:
                param = BY_NAME[name]
                scalars[_ATTRIBUTES.get(name, name)] = param.default if value in (None, "") else value
        return replace(self, filters=filters, **scalars)

    def toggled(self, name: str, value: str) -> SearchState:
        """This state with `value` removed from the filter `name` if there, else added: a click on a facet value.

        `name` is a filter parameter: `actor` keeps articles with the value, `not_actor`
        leaves them out. Excluding a chosen value also unchooses it, so a search never
        asks for and against one value.
        """
        if name not in self.filters:
            raise TypeError(f"not a filter parameter: {name}")
        values = self.filters[name]
        if value in values:
            return self.changed(**{name: [v for v in values if v != value]})
        changes = {name: [*values, value]}
        if name.startswith("not_") and value in self.filters.get(name[4:], ()):
            changes[name[4:]] = [v for v in self.filters[name[4:]] if v != value]
        return self.changed(**changes)

    def pairs(self) -> list[tuple[str, Any]]:
        """(name, value) pairs of the URL, in the order of `web.params.SEARCH_PARAMS`, defaults left out."""
        found: list[tuple[str, Any]] = []
        for param in SEARCH_PARAMS:
            value = self.get(param.name)
            if param.repeatable:
                found.extend((param.name, item) for item in value)
            elif value not in (None, "") and value != param.default:
                found.append((param.name, value))
        found.extend((name, item) for name in PAGE_ONLY for item in self.get(name))
        return found

    def query_string(self, **changes: Any) -> str:
        """The URL query string of this state with `changes` applied (see `changed`: page 1 unless `page` is given)."""
        return urlencode(self.changed(**changes).pairs())

    def url(self, **changes: Any) -> str:
        """The search page's URL of this state with `changes` applied (see `changed`: page 1 unless `page` is given)."""
        return "/search?" + self.query_string(**changes)

