"""Presenters: a page's state and the engine's answer -> everything its template draws.

Pure functions, no Flask state: `present_search`, `present_article` and `present_story`
each return the template's whole context, built from a `web.state.SearchState` and what
`web.service` answered; every link in it is that state changed (`state.url`,
`state.toggled`). Everything that turns index text into HTML lives here and ends in
bleach, so a template never marks untrusted text safe by itself: snippets keep only
`<mark>`, article bodies keep only `<p>`, `<mark>` and our own entity links.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import bleach
from markupsafe import Markup, escape

from search.results import RELAXED_NOTICE, SearchResult
from web.params import FILTER_FACETS, MAX_PAGE, SORTS
from web.state import SearchState

# The filters' names on the page, in the order of the sidebar (the chips follow it, then any other facet's).
FACET_LABELS = {"actor": "Actor", "country": "Country", "division": "Division", "location": "Location",
                "source": "Source"}
_CHIP_ORDER = (*(facet for facet in FACET_LABELS if facet in FILTER_FACETS),
               *(facet for facet in FILTER_FACETS if facet not in FACET_LABELS))
EXPANDED_FACET_SIZE = 50  # values shown for a facet whose "more" is open
# What an article id keeps unescaped in its page's path: what Flask's `path` converter keeps.
_PATH_SAFE = "!$&'()*+,/:;=@"
# Builds an entity's link: (facet, value) -> (href, label).
EntityLink = Callable[[str, str], tuple[str, str]]
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n")


# --- sanitising ------------------------------------------------------------------------

def clean_snippet(html: str | None) -> Markup:
    """A highlighted snippet or title from the search engine, marked safe for Jinja.

    The engine's last step for every snippet and title is `bleach.clean(tags={"mark"})`
    (search/snippets.py, property-tested there), so cleaning again here would only
    double the most expensive part of rendering a results page.
    """
    return Markup(html or "")


def _body_attribute(tag: str, name: str, value: str) -> bool:
    # Only our own entity links: same-site paths, our classes, a title.
    return tag == "a" and (name in ("class", "title") or (name == "href" and value.startswith("/search?")))


def _clean_body(html: str) -> Markup:
    return Markup(bleach.clean(html, tags={"p", "mark", "a"}, attributes=_body_attribute, strip=True))


def safe_url(url: str | None) -> str | None:
    """An article's own URL if it is plain http(s); anything else (javascript:, data:) is dropped."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


# --- article body ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str  # "mark" or the facet of an entity link
    value: str = ""


def _first_of_overlapping(spans: Iterable[_Span]) -> list[_Span]:
    """Spans in order; of overlapping ones the first (at a tie, the longest) wins."""
    kept: list[_Span] = []
    for span in sorted(spans, key=lambda span: (span.start, -span.end)):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def _is_span(start: Any, end: Any, length: int) -> bool:
    return type(start) is int and type(end) is int and 0 <= start < end <= length


def _mark_spans(hits: Iterable[Any], length: int) -> list[_Span]:
    """The engine's query hits (`Searcher.article`'s `[start, end]` spans), checked and in order."""
    return _first_of_overlapping(
        _Span(hit[0], hit[1], "mark") for hit in hits or ()
        if isinstance(hit, (list, tuple)) and len(hit) == 2 and _is_span(hit[0], hit[1], length))


def _entity_spans(mentions: Iterable[Any], length: int) -> list[_Span]:
    spans = []
    for mention in mentions or ():
        if isinstance(mention, dict):  # as `Searcher.article` gives them
            mention = [mention.get(key) for key in ("start", "end", "kind", "facet", "value")]
        try:
            start, end, _kind, facet, value = mention
        except (TypeError, ValueError):
            continue
        if _is_span(start, end, length) and facet in FILTER_FACETS:
            spans.append(_Span(start, end, facet, str(value)))
    return _first_of_overlapping(spans)


def _render_text(text: str, offset: int, entities: list[_Span], marks: list[_Span], link: EntityLink) -> str:
    """HTML for text[...] (absolute offsets from `offset`) with entity links and marks."""
    out: list[str] = []
    position = offset
    end_of_text = offset + len(text)

    def plain(start: int, end: int) -> None:
        # Marks inside plain text.
        cursor = start
        for mark in marks:
            if mark.end <= cursor or mark.start >= end:
                continue
            s, e = max(mark.start, cursor), min(mark.end, end)
            out.append(str(escape(text[cursor - offset:s - offset])))
            out.append(f"<mark>{escape(text[s - offset:e - offset])}</mark>")
            cursor = e
        out.append(str(escape(text[cursor - offset:end - offset])))

    for entity in entities:
        if entity.end <= offset or entity.start >= end_of_text:
            continue
        start, end = max(entity.start, offset), min(entity.end, end_of_text)
        plain(position, start)
        href, label = link(entity.kind, entity.value)
        out.append(f'<a class="entity entity-{entity.kind}" href="{escape(href)}" title="{escape(label)}">')
        plain(start, end)
        out.append("</a>")
        position = end
    plain(position, end_of_text)
    return "".join(out)


def present_body(body: str, mentions: Iterable[Any], hits: Iterable[Any], link: EntityLink) -> Markup:
    """The article text as paragraphs, the query's hits in `<mark>`, entities as filter links.

    `hits` are the engine's `[start, end]` spans of the query in `body` (`Searcher.article`
    with a query: the web does no matching of its own, so the page marks exactly what
    the search matched). `link(facet, value) -> (href, label)` builds each entity's link.
    Mention and hit spans are character offsets into `body`; malformed ones are dropped.
    """
    body = body or ""
    entities = _entity_spans(mentions, len(body))
    marks = _mark_spans(hits, len(body))
    paragraphs: list[str] = []
    start = 0
    for match in [*_PARAGRAPH_BREAK.finditer(body), None]:
        end = match.start() if match else len(body)
        chunk = body[start:end]
        if chunk.strip():
            paragraphs.append(f"<p>{_render_text(chunk, start, entities, marks, link)}</p>")
        if match:
            start = match.end()
    return _clean_body("\n".join(paragraphs))


# --- facets ----------------------------------------------------------------------------

@dataclass
class FacetItem:
    facet: str  # the filter its links toggle
    value: str
    count: int | None
    selected: bool
    excluded: bool
    toggle_url: str  # add when unselected, remove when selected
    exclude_url: str  # exclude, or stop excluding
    children: list[FacetItem] = field(default_factory=list)

    @property
    def chosen_within(self) -> bool:
        """Whether this value or one below it is selected or excluded: its branch of a tree starts open."""
        return self.selected or self.excluded or any(child.chosen_within for child in self.children)


def _item(state: SearchState, facet: str, value: str, count: int | None) -> FacetItem:
    return FacetItem(facet, value, count, value in state.chosen(facet), value in state.excluded(facet),
                     state.toggled(facet, value).url(), state.toggled(f"not_{facet}", value).url())


def present_facet(state: SearchState, facet: str, buckets: list[dict], limit: int) -> list[FacetItem]:
    """The top `limit` values of a facet, after any selected or excluded value not among them.

    Chosen values always stay visible, so they can be removed, even when the engine's
    counts have pushed them out of the top list.
    """
    top = buckets[:limit]
    shown = {bucket["value"] for bucket in top}
    counts = {bucket["value"]: bucket["count"] for bucket in buckets}
    pinned = dict.fromkeys([*state.chosen(facet), *state.excluded(facet)])
    items = [_item(state, facet, value, counts.get(value)) for value in pinned if value not in shown]
    items.extend(_item(state, facet, bucket["value"], bucket["count"]) for bucket in top)
    return items


def location_country(value: str) -> str | None:
    """"Homs, Syria" -> "Syria": location values end with their country."""
    head, sep, tail = value.rpartition(", ")
    return tail if sep and head else None


def present_locations(state: SearchState, facets: dict[str, list[dict]], limit: int) -> list[FacetItem]:
    """Country items, each with the listed locations of that country as children.

    Locations whose country is not among the listed countries are listed under a
    country item without a count, so no value the engine returned is hidden.
    """
    countries = present_facet(state, "country", facets.get("country", []), limit)
    by_name = {item.value: item for item in countries}
    for location in present_facet(state, "location", facets.get("location", []), limit):
        country = location_country(location.value) or location.value
        parent = by_name.get(country)
        if parent is None:
            parent = _item(state, "country", country, None)
            by_name[country] = parent
            countries.append(parent)
        parent.children.append(location)
    return countries


# The filter of each level of the location tree: country > division > place.
TREE_FACETS = ("country", "division", "location")


def present_tree(state: SearchState, tree: list[dict], facets: dict[str, list[dict]], size: int) -> list[FacetItem]:
    """The search result's `location_tree` as items, each level cut to `size`, each node toggling its own filter.

    A country node filters `country=`, a place `location=`. A second-level node is a
    division (`division=`) when it has places below it, or is a value of the division
    facet (what the engine counted, and what the search filters on), since a division
    named only in the text is a leaf there too; a second-level leaf that is neither is a
    place whose division is unknown. A node shows the count its filter finds, its facet's
    count in `facets` where listed: the tree counts articles with a *place* in a country,
    the country facet also those naming only the country. Chosen values the tree does not
    hold (an excluded country is in no result) come first, as in every facet list, so
    they can be removed.
    """
    counts = {(facet, bucket["value"]): bucket["count"] for facet in TREE_FACETS for bucket in facets.get(facet, [])}
    known = {value for facet, value in counts if facet == "division"} | {*state.chosen("division"),
                                                                         *state.excluded("division")}

    def items(nodes: list[dict], depth: int) -> list[FacetItem]:
        made = []
        for node in nodes[:size]:
            below = node.get("children") or []
            facet = TREE_FACETS[depth] if depth != 1 or below or node["value"] in known else "location"
            item = _item(state, facet, node["value"], counts.get((facet, node["value"]), node["count"]))
            item.children = items(below, depth + 1)
            made.append(item)
        return made

    shown = items(tree, 0)
    present = {(item.facet, item.value) for item in _walk(shown)}
    pinned = [_item(state, facet, value, None) for facet in TREE_FACETS
              for value in dict.fromkeys([*state.chosen(facet), *state.excluded(facet)])
              if (facet, value) not in present]
    return pinned + shown


def _walk(items: list[FacetItem]) -> Iterable[FacetItem]:
    for item in items:
        yield item
        yield from _walk(item.children)


def facet_sizes(state: SearchState) -> dict[str, int]:
    """Values the page shows per facet: `facet_size`, or more for a list whose "more" is open.

    Countries and their locations are one list in the sidebar, so opening it opens both.
    The date histogram is never cut: the engine returns every period.
    """
    opened = set(state.more) | ({"country"} if "location" in state.more else set())
    return {facet: max(state.facet_size, EXPANDED_FACET_SIZE) if facet in opened else state.facet_size
            for facet in FILTER_FACETS}


def fetch_size(state: SearchState) -> int:
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


# --- date histogram --------------------------------------------------------------------

@dataclass
class Bar:
    value: str
    count: int
    x: float
    y: float
    width: float
    height: float
    in_range: bool
    url: str


HISTOGRAM_HEIGHT = 60
BAR_PITCH = 12


def _in_range(value: str, date_from: str | None, date_to: str | None) -> bool:
    if not (date_from or date_to):
        return False
    low = date_from or "0000"
    high = (date_to or "9999") + "\uffff"  # "2020" includes "2020-05"
    return low[: len(value)] <= value <= high


def present_dates(state: SearchState, buckets: list[dict]) -> list[Bar]:
    """Bars for the date facet in time order; clicking one sets from/to to its period."""
    ordered = sorted((b for b in buckets if b.get("value")), key=lambda b: b["value"])
    peak = max((b["count"] for b in ordered), default=0) or 1
    bars = []
    for i, bucket in enumerate(ordered):
        height = max(2.0, round(HISTOGRAM_HEIGHT * bucket["count"] / peak, 1)) if bucket["count"] else 0.0
        bars.append(Bar(
            value=bucket["value"], count=bucket["count"], x=i * BAR_PITCH + 1, y=HISTOGRAM_HEIGHT - height,
            width=BAR_PITCH - 2, height=height,
            in_range=_in_range(bucket["value"], state.date_from, state.date_to),
            url=state.url(**{"from": bucket["value"], "to": bucket["value"]}),
        ))
    return bars


# --- chips and pagination --------------------------------------------------------------

@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    remove_url: str
    negative: bool = False


def present_chips(state: SearchState) -> list[Chip]:
    """One removable chip per active filter, in the order of the sidebar."""
    found: list[Chip] = []
    for facet in _CHIP_ORDER:
        label = FACET_LABELS.get(facet, facet.capitalize())
        found.extend(Chip(label, value, state.toggled(facet, value).url()) for value in state.chosen(facet))
        found.extend(Chip(f"Not {label.lower()}", value, state.toggled(f"not_{facet}", value).url(), negative=True)
                     for value in state.excluded(facet))
    if state.date_from or state.date_to:
        label = f"{state.date_from or '…'} – {state.date_to or '…'}"
        found.append(Chip("Date", label, state.url(**{"from": None, "to": None})))
    return found


def clear_all_url(state: SearchState) -> str:
    """Drop every filter but keep the words and the sort order."""
    return SearchState(q=state.q, sort=state.sort).url()


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None for a gap
    url: str | None
    current: bool = False


def present_pages(state: SearchState, total: int, window: int = 2) -> dict[str, Any]:
    """Previous/next and a window of page numbers around the current one."""
    pages = min(MAX_PAGE, max(1, math.ceil(total / state.per_page)))
    current = min(state.page, pages)

    def url(number: int) -> str:
        return state.url(page=number)

    numbers = sorted({1, pages, *range(max(1, current - window), min(pages, current + window) + 1)})
    links: list[PageLink] = []
    for previous, number in zip([0, *numbers], numbers, strict=False):
        if number - previous > 1:
            links.append(PageLink(None, None))
        links.append(PageLink(number, url(number), number == current))
    return {
        "pages": pages,
        "links": links if pages > 1 else [],
        "previous": url(current - 1) if current > 1 else None,
        "next": url(current + 1) if current < pages else None,
    }


# --- whole pages -----------------------------------------------------------------------

def entity_link(state: SearchState) -> EntityLink:
    """Links from an entity to the search filtered by it, keeping the words searched for."""
    words = SearchState(q=state.q)

    def link(facet: str, value: str) -> tuple[str, str]:
        return words.url(**{facet: [value]}), f"Search {facet}: {value}"
    return link


def article_url(article_id: str, state: SearchState) -> str:
    """An article's page, carrying the words searched for so the page marks them."""
    return f"/articles/{quote(article_id, safe=_PATH_SAFE)}" + (f"?{urlencode({'q': state.q})}" if state.q else "")


def present_search(state: SearchState, result: SearchResult) -> dict[str, Any]:
    """The search page's context: the state (its URL) and the engine's answer for it."""
    data = result.to_dict()
    limits = facet_sizes(state)
    facets = shown_facets(data["facets"], limits)
    link = entity_link(state)
    location_size = max(limits["location"], limits["country"])
    hits = [{
        **hit,
        "title_html": clean_snippet(hit.get("title_html")),
        "snippet_html": clean_snippet(hit.get("snippet")),
        "href": article_url(hit["id"], state),
        "entity_links": [(facet, value, link(facet, value)[0])
                         for facet, key in (("actor", "actors"), ("location", "locations"))
                         for value in (hit.get(key) or [])[:3]],
    } for hit in data["hits"]]
    return {
        "state": state,
        "result": data,
        "hits": hits,
        "facet_lists": {
            "actor": present_facet(state, "actor", facets.get("actor", []), limits["actor"]),
            # The tree when the index has one; an index built before it, today's countries with their places.
            "location": present_tree(state, data["location_tree"], data["facets"], location_size)
            if data["location_tree"] else present_locations(state, facets, location_size),
            "source": present_facet(state, "source", facets.get("source", []), limits["source"]),
        },
        "has_more": {facet: len(facets.get(facet, [])) >= state.facet_size for facet in FILTER_FACETS},
        "more_urls": {facet: state.url(page=state.page, more=toggled(state.more, facet)) for facet in FILTER_FACETS},
        "bars": present_dates(state, facets.get("date", [])),
        "date_base": state.query_string(**{"from": None, "to": None}),
        "chips": present_chips(state),
        "clear_all_url": clear_all_url(state),
        "pagination": present_pages(state, data["total"]),
        "sort_urls": {sort: state.url(sort=sort) for sort in SORTS},
        "every_version_url": state.url(collapse="none"),
        "by_story_url": state.url(collapse="story"),
        "relaxed_notice": RELAXED_NOTICE if data["relaxed"] else None,
        "suggestion_url": state.url(q=data["suggestion"]) if data["suggestion"] else None,
        # The twin asks for as many values as the longest list shown, so it holds every value on the page.
        "json_url": "/api/search?" + state.query_string(page=state.page, more=(), facet_size=fetch_size(state)),
        "hidden": hidden_fields(state),
    }


def hidden_fields(state: SearchState) -> list[tuple[str, Any]]:
    """The search box's hidden fields: every filter of the page, so new words keep them."""
    return state.changed(q="", more=()).pairs()


def present_search_error(message: str, state: SearchState, *, parsed: bool, json_url: str) -> dict[str, Any]:
    """The search page with the message in place of results, so the user can fix the query in place.

    A `parsed` state keeps its filters in the form when the query is fixed; otherwise
    only the words typed were readable.
    """
    return {"state": state, "error": message, "hidden": hidden_fields(state) if parsed else [], "json_url": json_url}


def present_article(state: SearchState, found: dict[str, Any], similar: list[dict[str, Any]], problem: str | None,
                    json_url: str) -> dict[str, Any]:
    """The article page's context: the article (`search.results.Article.to_dict()`) with the engine's hits
    marked, its entities as filters."""
    link = entity_link(state)
    return {
        "state": state,
        "article": found,
        "problem": problem,
        "body_html": present_body(found.get("body", ""), found.get("mentions") or [], found.get("hits") or [], link),
        "url": safe_url(found.get("url")),
        "similar": [dict(hit, href=article_url(hit["id"], state)) for hit in similar],
        "entity_url": lambda facet, value: link(facet, value)[0],
        "back_url": state.url(),
        "json_url": json_url,
    }


def present_story(story: dict[str, Any]) -> dict[str, Any]:
    """The story page's context: its versions in time order, each linking to its article."""
    versions = [dict(version, href=article_url(version["id"], SearchState())) for version in story["versions"]]
    return {"story": story, "versions": versions, "json_url": f"/api/stories/{story['id']}"}


def toggled(values: Iterable[str], value: str) -> tuple[str, ...]:
    """`values` with `value` removed if present, else added (which facet lists are open)."""
    values = tuple(values)
    return tuple(v for v in values if v != value) if value in values else (*values, value)
