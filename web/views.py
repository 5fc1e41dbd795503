"""Search results and articles -> what the templates draw: pure functions, no Flask state.

Everything that turns index text into HTML lives here and ends in bleach, so a
template never marks untrusted text safe by itself: snippets keep only `<mark>`,
article bodies keep only `<p>`, `<mark>` and our own entity links.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import bleach
from markupsafe import Markup, escape

from web.params import FACETS, MAX_PAGE, search_url

FACET_LABELS = {"actor": "Actor", "location": "Location", "country": "Country", "source": "Source"}
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
        if _is_span(start, end, length) and facet in FACETS:
            spans.append(_Span(start, end, facet, str(value)))
    return _first_of_overlapping(spans)


def _render_text(text: str, offset: int, entities: list[_Span], marks: list[_Span], link) -> str:
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


def article_body(body: str, mentions: Iterable[Any], hits: Iterable[Any], link) -> Markup:
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

def _without(values: list[str], value: str) -> list[str]:
    return [v for v in values if v != value]


def toggled(values: list[str], value: str) -> list[str]:
    """`values` with `value` removed if present, else added: what clicking a chosen or unchosen value does."""
    return _without(values, value) if value in values else [*values, value]


@dataclass
class FacetItem:
    value: str
    count: int | None
    selected: bool
    excluded: bool
    toggle_url: str  # add when unselected, remove when selected
    exclude_url: str  # exclude, or stop excluding
    children: list[FacetItem] = field(default_factory=list)


def _item(state: Mapping[str, Any], facet: str, value: str, count: int | None) -> FacetItem:
    selected_values = list(state.get(facet) or [])
    excluded_values = list(state.get(f"not_{facet}") or [])
    excluded = value in excluded_values
    exclude_change = {f"not_{facet}": toggled(excluded_values, value)}
    if not excluded:  # excluding a selected value unselects it
        exclude_change[facet] = _without(selected_values, value)
    return FacetItem(value, count, value in selected_values, excluded,
                     search_url(state, **{facet: toggled(selected_values, value)}),
                     search_url(state, **exclude_change))


def facet_items(state: Mapping[str, Any], facet: str, buckets: list[dict], limit: int) -> list[FacetItem]:
    """The top `limit` values of a facet, after any selected or excluded value not among them.

    Chosen values always stay visible, so they can be removed, even when the engine's
    counts have pushed them out of the top list.
    """
    top = buckets[:limit]
    shown = {bucket["value"] for bucket in top}
    counts = {bucket["value"]: bucket["count"] for bucket in buckets}
    pinned = dict.fromkeys([*(state.get(facet) or []), *(state.get(f"not_{facet}") or [])])
    items = [_item(state, facet, value, counts.get(value)) for value in pinned if value not in shown]
    items.extend(_item(state, facet, bucket["value"], bucket["count"]) for bucket in top)
    return items


def location_country(value: str) -> str | None:
    """"Homs, Syria" -> "Syria": location values end with their country."""
    head, sep, tail = value.rpartition(", ")
    return tail if sep and head else None


def locations_by_country(state: Mapping[str, Any], facets: Mapping[str, list[dict]], limit: int) -> list[FacetItem]:
    """Country items, each with the listed locations of that country as children.

    Locations whose country is not among the listed countries are listed under a
    country item without a count, so no value the engine returned is hidden.
    """
    countries = facet_items(state, "country", facets.get("country", []), limit)
    by_name = {item.value: item for item in countries}
    for location in facet_items(state, "location", facets.get("location", []), limit):
        country = location_country(location.value) or location.value
        parent = by_name.get(country)
        if parent is None:
            parent = _item(state, "country", country, None)
            by_name[country] = parent
            countries.append(parent)
        parent.children.append(location)
    return countries


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


def histogram(state: Mapping[str, Any], buckets: list[dict]) -> list[Bar]:
    """Bars for the date facet in time order; clicking one sets from/to to its period."""
    ordered = sorted((b for b in buckets if b.get("value")), key=lambda b: b["value"])
    peak = max((b["count"] for b in ordered), default=0) or 1
    bars = []
    for i, bucket in enumerate(ordered):
        height = max(2.0, round(HISTOGRAM_HEIGHT * bucket["count"] / peak, 1)) if bucket["count"] else 0.0
        bars.append(Bar(
            value=bucket["value"], count=bucket["count"], x=i * BAR_PITCH + 1, y=HISTOGRAM_HEIGHT - height,
            width=BAR_PITCH - 2, height=height,
            in_range=_in_range(bucket["value"], state.get("from"), state.get("to")),
            url=search_url(state, **{"from": bucket["value"], "to": bucket["value"]}),
        ))
    return bars


# --- chips and pagination --------------------------------------------------------------

@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    remove_url: str
    negative: bool = False


def chips(state: Mapping[str, Any]) -> list[Chip]:
    """One removable chip per active filter, in the order of the sidebar."""
    found: list[Chip] = []
    for facet in ("actor", "country", "location", "source"):
        for value in state.get(facet) or []:
            found.append(Chip(FACET_LABELS[facet], value, search_url(state, **{facet: _without(state[facet], value)})))
        for value in state.get(f"not_{facet}") or []:
            found.append(Chip(f"Not {FACET_LABELS[facet].lower()}", value,
                              search_url(state, **{f"not_{facet}": _without(state[f"not_{facet}"], value)}),
                              negative=True))
    if state.get("from") or state.get("to"):
        label = f"{state.get('from') or '…'} – {state.get('to') or '…'}"
        found.append(Chip("Date", label, search_url(state, **{"from": None, "to": None})))
    return found


def clear_all_url(state: Mapping[str, Any]) -> str:
    """Drop every filter but keep the words and the sort order."""
    kept = {"q": state.get("q", ""), "sort": state.get("sort")}
    return search_url(kept)


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None for a gap
    url: str | None
    current: bool = False


def pagination(state: Mapping[str, Any], total: int, per_page: int, window: int = 2) -> dict[str, Any]:
    """Previous/next and a window of page numbers around the current one."""
    pages = min(MAX_PAGE, max(1, math.ceil(total / per_page)))
    current = min(int(state.get("page") or 1), pages)

    def url(number: int) -> str:
        return search_url(state, page=number)

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
