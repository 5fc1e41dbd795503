"""What a search returns: plain records whose `to_dict()` is the JSON of issue 3.

The Python API, the CLI (`--json`) and the HTTP API all print `to_dict()`, so the
three interfaces cannot disagree. Keys beyond issue 3's list: `title_html` in
each hit (the title with its matches marked, like `snippet`), `fuzzy` (true when
nothing matched as typed and the hits come from fuzzy matching of the unknown words)
`relaxed` (true when no article had all the words of a plain query of three or
more words, and the hits are articles with most of them; see `Searcher._match`),
`narrowed` (what the query's expansion budget cut, one line per wildcard or fuzzy word)
and `location_tree` (the matched articles' places as country > division > place, issue 10).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# What the CLI and the web page say when `relaxed` is true: one sentence, so they cannot drift apart.
RELAXED_NOTICE = "No article has all your words; showing articles with most of them."


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    title_html: str  # safe HTML: escaped text and <mark>
    date: str | None  # ISO publication date, None when the source did not say
    source: str | None
    url: str | None
    score: float | None  # BM25F; None when sorted by date
    snippet: str  # safe HTML: escaped text and <mark>
    actors: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)  # bylined people, in page order
    language: str | None = None  # ISO 639-1; None when neither the source nor the detector said
    story: str | None = None  # its story's id (issue 11); None when the index has no stories
    versions: int = 1  # articles in that story
    outlets: list[str] = field(default_factory=list)  # the story's outlets in time order, the first few

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "title_html": self.title_html,
            "date": self.date,
            "source": self.source,
            "url": self.url,
            "score": self.score,
            "snippet": self.snippet,
            "actors": list(self.actors),
            "locations": list(self.locations),
            "countries": list(self.countries),
            "authors": list(self.authors),
            "language": self.language,
            "story": self.story,
            "versions": self.versions,
            "outlets": list(self.outlets),
        }


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    suggestion: str | None
    fuzzy: bool
    hits: list[Hit]
    facets: dict[str, list[dict]]  # name -> [{"value", "count"}], by count then name
    relaxed: bool = False  # no article had all the words: hits have most of them
    # Wildcards or fuzzy words that matched more words than the query's expansion budget allows
    # (`search.query.MAX_TOTAL_EXPANSIONS`): one line each; the search used their most frequent words.
    narrowed: list[str] = field(default_factory=list)
    # Issue 11: `total` counts stories when collapsed ("story"), articles otherwise ("none"); both are here.
    stories: int | None = None
    articles: int | None = None
    collapse: str = "none"
    # The matched articles' places as country > division > place (`search.facets.PlaceTree`), for the sidebar
    # and the API.
    location_tree: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "stories": self.total if self.stories is None else self.stories,
            "articles": self.total if self.articles is None else self.articles,
            "collapse": self.collapse,
            "page": self.page,
            "per_page": self.per_page,
            "took_ms": self.took_ms,
            "suggestion": self.suggestion,
            "fuzzy": self.fuzzy,
            "relaxed": self.relaxed,
            "narrowed": list(self.narrowed),
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {name: [dict(v) for v in values] for name, values in self.facets.items()},
            "location_tree": self.location_tree,
        }


@dataclass(frozen=True)
class Mention:
    """A recognised entity as a character span `[start, end)` of an article's body."""

    start: int
    end: int
    kind: str
    facet: str
    value: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "kind": self.kind, "facet": self.facet, "value": self.value}


@dataclass(frozen=True)
class Article:
    """`Searcher.article()`: a stored article, its entities and, for a query, where it matches.

    The first fields are what a `Hit` says of the same document, so an article and its hit agree.
    """

    id: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    actors: list[str]
    locations: list[str]
    countries: list[str]
    authors: list[str]
    language: str | None
    story: str | None
    versions: int
    outlets: list[str]
    body: str  # plain text
    actor_types: dict[str, str]
    places: list[dict[str, Any]]
    divisions: list[str]  # the first-level divisions of its places, as the `division` facet has them
    mentioned_dates: list[str]
    mentions: list[Mention]
    # Only for a query: its `[start, end)` spans of `body`; None (and no `hits` key) without one.
    hits: list[tuple[int, int]] | None = field(default=None, metadata={"omitted_when_none": True})

    def to_dict(self) -> dict:
        found: dict[str, Any] = {
            "id": self.id, "title": self.title, "date": self.date, "source": self.source, "url": self.url,
            "actors": list(self.actors), "locations": list(self.locations), "countries": list(self.countries),
            "authors": list(self.authors), "language": self.language,
            "story": self.story, "versions": self.versions, "outlets": list(self.outlets),
            "body": self.body, "actor_types": dict(self.actor_types), "places": list(self.places),
            "divisions": list(self.divisions), "mentioned_dates": list(self.mentioned_dates),
            "mentions": [mention.to_dict() for mention in self.mentions],
        }
        if self.hits is not None:
            found["hits"] = [[start, end] for start, end in self.hits]
        return found


@dataclass(frozen=True)
class Similar:
    """`/api/articles/<id>/similar`: the hits most like one article, best first."""

    id: str
    similar: list[Hit]

    def to_dict(self) -> dict:
        return {"id": self.id, "similar": [hit.to_dict() for hit in self.similar]}


@dataclass(frozen=True)
class Story:
    """`Searcher.story()`: a story's versions in time order, the earliest first.

    Each version is described as a hit is (id, title, date, source, url, ...) and, after
    the first, says what it `adds` and `drops` against the earliest; `articles` counts
    every version, `versions` lists at most `search.stories.MAX_VERSIONS`.
    """

    id: str
    articles: int
    first_reported_by: dict[str, Any]  # {"id", "source", "date"} of the earliest version
    versions: list[dict[str, Any]]

    def to_dict(self) -> dict:
        return {"id": self.id, "articles": self.articles, "first_reported_by": dict(self.first_reported_by),
                "versions": [dict(version) for version in self.versions]}


@dataclass(frozen=True)
class FacetValues:
    """`/api/facets/<name>`: the values of one facet starting with a prefix, by count."""

    facet: str
    prefix: str
    values: list[dict[str, Any]]  # [{"value", "count"}]

    def to_dict(self) -> dict:
        return {"facet": self.facet, "prefix": self.prefix, "values": [dict(value) for value in self.values]}
