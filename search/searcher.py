"""`Searcher`: the one search function behind the Python API, the CLI and the HTTP API.

Speed by design (issue 3): a query's matching documents are collected unscored, as a
numpy mask, from postings read a block at a time (`search.matching`); facets are counted over
that mask with arrays cached once per index generation (`search.facets`); only the
requested page is ranked (BM25F over arrays, `search.matching`)
or, for date order, picked with numpy from the date column; and only that page's
documents are read from storage and highlighted.

A `Searcher` is cheap to share: the per-generation state (facet arrays, vocabulary)
is shared by all threads, each call borrows a Whoosh searcher from a small pool (their
file reads are not thread-safe, and each costs memory; `search.handle`), and every call
checks `CURRENT` (one small file read) so a rebuilt index is picked up without a restart.
What one call may cost is bounded by `search.query`'s limits and `search.budget`.

Opening a generation and building what its first queries need takes about a second on
the 19,000 Reuters stories; `Searcher.warm()` does it ahead of the requests, and
`newsfacets serve` calls it from a background thread in each worker (`web.start_warming`).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from whoosh import query as wq

from index.article import MAX_VALUE_LENGTH  # characters of one filter value or prefix
from index.schema import FACET_FIELDS, PLACE_TREE_FIELD
from search import budget, lookups
from search.budget import AdmissionGate, SearchBusy
from search.facets import Filters, date_counts, top_counts
from search.handle import Generation, IndexHandle
from search.lookups import MAX_FACET_SIZE
from search.lookups import described as _described
from search.matching import ArrayMatcher
from search.query import (
    DateRange,
    Highlight,
    ParsedQuery,
    QueryError,
    Resolved,
    date_range,
    parse_query,
    resolve,
)
from search.query import whole_number as _check
from search.results import Hit, SearchResult
from search.snippets import clean_many, snippet_markup, whole_markup
from search.stories import COLLAPSES, StoryIndex, representatives, story_index
from search.suggest import fuzzy_query, suggestion

SORTS = ("relevance", "newest", "oldest")
MAX_PAGE = 1000
MAX_PER_PAGE = 100
MAX_FILTER_VALUES = 50  # values of one facet filter
SUGGEST_BELOW = 3  # offer "Did you mean" when a query finds fewer hits than this


@dataclass(frozen=True)
class _Match:
    """What one search matched (`Searcher._match`): the query in force, its documents, the facet masks."""

    resolved: Resolved
    mask: np.ndarray
    counted: dict[str, np.ndarray]
    relaxed: bool = False
    fuzzy: bool = False


class _LazyWords:
    """The vocabulary, built only when a query has a wildcard or fuzzy word (it takes a moment)."""

    def __init__(self, load) -> None:
        self._load = load

    def expand(self, pattern: str, limit: int) -> list[str]:
        return self._load().expand(pattern, limit)

    def near(self, word: str, maxdist: int, limit: int) -> list[str]:
        return self._load().near(word, maxdist, limit)


def _values(name: str, values: Iterable[str] | str | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    cleaned = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if len(cleaned) > MAX_FILTER_VALUES:
        raise QueryError(f"too many {name} values: at most {MAX_FILTER_VALUES}")
    for value in cleaned:
        if len(value) > MAX_VALUE_LENGTH:
            raise QueryError(f"a {name} value is too long: at most {MAX_VALUE_LENGTH} characters")
    return cleaned


_parse = lru_cache(maxsize=1024)(parse_query)

class Searcher:
    """Search one index directory; see the module docstring. Use as a context manager or call `close()`."""

    def __init__(self, index_dir: str | Path, *, gate: AdmissionGate | None = None) -> None:
        """`gate` holds back expensive queries (see `search.budget`); a server passes one per process.

        Without one (the Python API, the CLI), every query runs at once, as the caller asked.
        """
        self.index_dir = Path(index_dir)
        self.gate = gate or AdmissionGate.open()
        self._handle = IndexHandle(self.index_dir)

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def generation(self) -> Path | None:
        """The directory of the generation in use, or None before the first search (or after `close()`)."""
        generation = self._handle.generation
        return None if generation is None else generation.path

    def warm(self) -> bool:
        """Open the generation CURRENT names now, with all its first queries would build; True if that was news.

        Why: opening a generation (facet arrays) and building its field lengths and
        spelling vocabulary takes about a second on the 19,000 Reuters stories, more on
        bigger indexes, and otherwise the first requests after each rebuild pay for it,
        in every server process. Calling this from a background thread (as
        `newsfacets serve` does, every second) moves that cost off the requests.
        It works through the same per-generation cache and locks as `search`: a
        request that arrives mid-warm waits for the generation being opened and reuses
        it. Cheap when nothing changed (one read of CURRENT). Thread-safe. Returns
        False when the generation was already warmed; raises IndexMissing or
        IndexUnreadable as `search` does.
        """
        with self._handle.borrow() as (generation, whoosh_searcher):
            return generation.warm(whoosh_searcher)

    def close(self) -> None:
        self._handle.close()

    # ---------------------------------------------------------------- search

    def search(
        self,
        query: str | None = "",
        *,
        actor: Sequence[str] = (),
        location: Sequence[str] = (),
        country: Sequence[str] = (),
        source: Sequence[str] = (),
        author: Sequence[str] = (),
        language: Sequence[str] = (),
        division: Sequence[str] = (),
        not_actor: Sequence[str] = (),
        not_location: Sequence[str] = (),
        not_country: Sequence[str] = (),
        not_source: Sequence[str] = (),
        not_author: Sequence[str] = (),
        not_language: Sequence[str] = (),
        not_division: Sequence[str] = (),
        date_from: str | None = None,
        date_to: str | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 10,
        facet_size: int = 10,
        snippets: bool = True,
        collapse: str = "story",
    ) -> SearchResult:
        """One page of hits for `query` and the filters, with facet counts (see README for the syntax).

        Facet filters: several values of one facet are OR, facets are AND; `not_<facet>`
        values exclude articles. `division` ("Idlib Governorate, Syria") finds the articles
        about any place inside it and those naming the division itself ("rural Idlib");
        `language` takes ISO 639-1 codes ("en"), `author` bylined names. Values match
        case- and accent-insensitively. Dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`,
        inclusive (`date_to="2020"` includes all of 2020). `facet_size=0` skips facet
        counting (and the location tree) and `snippets=False` highlighting, for callers
        that only need the hits (the benchmark times each part). Raises QueryError (one
        line) for input we refuse, IndexMissing or IndexUnreadable (from `index.store`) when there is no usable index.

        `collapse="story"` (issue 11) shows one hit per story, its best-ranked version,
        and `total` counts stories; `collapse="none"` shows every article. Either way the
        result says both `stories` and `articles`, and facets count articles.

        Cost: the query's limits (`search.query`) are enforced before any work; a query
        with wildcards, fuzzy words or long phrases then waits for a slot of `gate`
        (`SearchBusy` when none comes free in time), and the deadline in force
        (`search.budget.within`, set per request by the web) stops the work with
        `SearchTimeout` once it is spent.
        """
        started = time.perf_counter()
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}")
        if collapse not in COLLAPSES:
            raise QueryError(f"collapse must be one of {', '.join(COLLAPSES)}")
        _check("page", page, 1, MAX_PAGE)
        _check("per_page", per_page, 1, MAX_PER_PAGE)
        _check("facet_size", facet_size, 0, MAX_FACET_SIZE)
        query = "" if query is None else query
        if not isinstance(query, str):
            raise QueryError("the query must be text")
        include = {"actor": actor, "location": location, "country": country, "source": source, "author": author,
                   "language": language, "division": division}
        exclude = {"actor": not_actor, "location": not_location, "country": not_country, "source": not_source,
                   "author": not_author, "language": not_language, "division": not_division}
        include = {name: _values(name, values) for name, values in include.items()}
        exclude = {name: _values(name, values) for name, values in exclude.items()}
        parsed = _parse(query)
        dates = date_range(date_from, date_to)
        in_force = parsed.dates & dates if parsed.dates else dates
        filters = Filters(include, exclude, in_force)
        with self.gate.admit(parsed.expensive):
            return self._search(query, parsed, filters, in_force, sort, page, per_page, facet_size, snippets, started,
                                collapse)

    def _search(self, query: str, parsed: ParsedQuery, filters: Filters, in_force: DateRange | None, sort: str,
                page: int, per_page: int, facet_size: int, snippets: bool, started: float,
                collapse: str) -> SearchResult:
        """`search` once its arguments are checked: match, rank, read and mark the page, count the facets."""
        with self._handle.borrow() as (generation, whoosh_searcher):
            return self._search_in(generation, whoosh_searcher, query, parsed, filters, in_force, sort, page,
                                   per_page, facet_size, snippets, started, collapse)

    def _search_in(self, generation: Generation, whoosh_searcher, query: str, parsed: ParsedQuery, filters: Filters,
                   in_force: DateRange | None, sort: str, page: int, per_page: int, facet_size: int, snippets: bool,
                   started: float, collapse: str = "none") -> SearchResult:
        matcher = generation.matcher(whoosh_searcher)
        found = self._match(matcher, generation, parsed, filters)
        resolved, total_mask, counted = found.resolved, found.mask, found.counted
        matched = np.flatnonzero(total_mask)  # found once for the story count, the facets and the dates
        total = articles = len(matched)
        stories = story_index(generation.path, generation.facets.size)
        story_count = stories.count(matched)
        grouped = stories if collapse == "story" else None
        suggested = None
        if (found.relaxed or found.fuzzy or total < SUGGEST_BELOW) and parsed.text:  # as typed, it found little
            suggested = suggestion(parsed.text, generation.vocabulary(whoosh_searcher))

        ranked = self._rank(matcher, generation, resolved, total_mask, matched, sort, page, per_page, grouped)
        if grouped is not None:
            total = story_count
        highlight = resolved.highlight if snippets else Highlight()

        def markup(fields: dict) -> tuple[str, str]:
            budget.check()  # highlighting a page of long hits can be most of a cheap search's cost
            body = snippet_markup(fields.get("body"), highlight, fields.get("mentions") or ()) if snippets else ""
            return whole_markup(fields.get("title"), highlight), body

        hits = self._hits([(whoosh_searcher.stored_fields(doc), score) for doc, score in ranked], markup)
        hits = [replace(hit, **stories.describe(doc)) for hit, (doc, _) in zip(hits, ranked, strict=False)]
        facets, tree = self._facets(generation, counted, matched, in_force, facet_size)
        took = round((time.perf_counter() - started) * 1000, 2)
        return SearchResult(query, total, page, per_page, took, suggested, found.fuzzy, hits,
                            facets, found.relaxed, list(resolved.narrowed), stories=story_count, articles=articles,
                            collapse=collapse, location_tree=tree)

    def _match(self, matcher: ArrayMatcher, generation: Generation, parsed: ParsedQuery, filters: Filters) -> _Match:
        """What a query matches under the filters: as typed, else relaxed, else fuzzy.

        The order: all the words as typed; if that finds nothing and the query is plain
        words long enough to relax (`ParsedQuery.words`), articles with any of those
        words, ranked by BM25F, which puts those with more of the words (and the rarer
        ones) first; if still nothing, near spellings of the unknown words. Relaxing
        comes before fuzzy because it keeps the user's own words, and the "Did you mean"
        suggestion still offers the corrected spelling. Facets are counted over the
        same documents as the hits, whichever step found them.

        No minimum number of matching words: on Cranfield (benchmarks/bench_ranking.py)
        requiring a third of the words cut MAP from 0.278 to 0.230 and half of them to
        0.173, because documents with a few rare words of the question are often the
        relevant ones.
        """
        resolved = self._resolve(matcher, generation, parsed)
        mask, counted = self._select(matcher, generation, resolved, filters)
        if resolved.query is None or mask.any():
            return _Match(resolved, mask, counted)
        if parsed.words:
            relaxed = self._resolve(matcher, generation, replace(parsed, query=wq.Or(list(parsed.words))))
            relaxed_mask, relaxed_counted = self._select(matcher, generation, relaxed, filters)
            if relaxed_mask.any():
                return _Match(relaxed, relaxed_mask, relaxed_counted, relaxed=True)
        retry = fuzzy_query(parsed.text, generation.vocabulary(matcher.searcher))
        if retry is not None:
            try:
                with self.gate.admit(True):  # fuzzy words are an expensive class, however the query was typed
                    fuzzy = self._resolve(matcher, generation, _parse(retry))
                    fuzzy_mask, fuzzy_counted = self._select(matcher, generation, fuzzy, filters)
            except SearchBusy:
                # The retry is a courtesy: while expensive queries fill the gate, a query that was
                # cheap as typed gets its own answer (nothing, and "Did you mean") rather than a 503.
                return _Match(resolved, mask, counted)
            if fuzzy_mask.any():
                return _Match(fuzzy, fuzzy_mask, fuzzy_counted, fuzzy=True)
        return _Match(resolved, mask, counted)

    @staticmethod
    def _resolve(matcher: ArrayMatcher, generation: Generation, parsed: ParsedQuery) -> Resolved:
        if parsed.query is None:
            return Resolved(None, Highlight(), False)
        fields = generation.facets.fields
        return resolve(
            parsed.query,
            _LazyWords(lambda: generation.vocabulary(matcher.searcher)),
            lambda name, text, is_pattern: fields[name].match(text, is_pattern),
        )

    @staticmethod
    def _select(matcher: ArrayMatcher, generation: Generation, resolved: Resolved, filters: Filters):
        """Documents matching the query and filters, and the masks each facet is counted over."""
        facets = generation.facets
        base = np.ones(facets.size, dtype=bool) if resolved.query is None else matcher.mask(resolved.query)
        return facets.select(base, filters)

    @staticmethod
    def _rank(
        matcher: ArrayMatcher, generation: Generation, resolved: Resolved, mask: np.ndarray, docs: np.ndarray,
        sort: str, page: int, per_page: int, stories: StoryIndex | None = None,
    ) -> list[tuple[int, float | None]]:
        """(document number, score) of the requested page of the masked documents (`docs`, as numbers);
        with `stories`, of the page of stories (each story's best-ranked document, see
        `search.stories.representatives`)."""
        start, stop, total = (page - 1) * per_page, page * per_page, len(docs)
        if start >= total:
            return []
        if sort == "relevance" and resolved.scored:
            if stories is None:
                shown = matcher.top(resolved.query, mask, start, stop, docs)
            else:
                shown = representatives(stories, lambda n: matcher.ranked(resolved.query, mask, n, docs), total,
                                        start, stop)
            return [(doc, round(score, 4)) for doc, score in shown]
        dates = generation.facets.dates[docs]
        newest = sort != "oldest"
        # Unknown dates (0) last either way; ties in document order.
        ordered = docs[np.lexsort((docs, -dates if newest else dates, dates == 0))]
        if stories is not None:
            ordered = stories.first_of_each(ordered)
        return [(int(doc), None) for doc in ordered[start:stop]]

    @staticmethod
    def _hits(found: list[tuple[dict, float | None]], markup: Callable[[dict], tuple[str, str]]) -> list[Hit]:
        """Hits for stored documents; `markup(fields)` gives each one's title and snippet, cleaned here in one pass."""
        cleaned = clean_many([piece for fields, _ in found for piece in markup(fields)])
        return [
            Hit(**_described(fields), title_html=cleaned[2 * n], score=score, snippet=cleaned[2 * n + 1])
            for n, (fields, score) in enumerate(found)
        ]

    @staticmethod
    def _facets(generation: Generation, counted: dict, matched: np.ndarray, in_force: DateRange | None,
                size: int) -> tuple[dict[str, list[dict]], list[dict]]:
        """The flat facets' counts and the location tree (counted over every filter, as the hits are);
        `matched` are the documents of `counted["date"]`, every filter applied."""
        if size == 0:
            return {name: [] for name in (*FACET_FIELDS, "date")}, []
        total = counted["date"]  # every filter applied
        facets = generation.facets
        counts = facets.counts({**{name: counted[name] for name in FACET_FIELDS}, PLACE_TREE_FIELD: total},
                               {id(total): matched})
        found = {name: top_counts(facets.fields[name].values, counts[name], size) for name in FACET_FIELDS}
        by_month = in_force is not None and in_force.spans_a_year_or_less()
        found["date"] = date_counts(facets.dates, matched, by_month)
        return found, facets.place_tree.tree(counts[PLACE_TREE_FIELD], size)

    # ------------------------------------------------------- other questions

    def article(self, article_id: str, query: str | None = None) -> dict | None:
        """The full stored article with its entities and mention spans, or None for an unknown id.

        With a `query` (a string, same syntax as `search`), the answer also has
        `"hits": [[start, end], ...]`: the character spans of `body` where that query
        matches, in order, not overlapping; `[]` for an empty query. This is the one
        place that answers "where does this query hit this article": the spans come from
        the snippet highlighter (`search.snippets.find_hits`) and the same query
        resolution as `search`, so stems, exact words, phrases (one span each), wildcard
        and fuzzy expansions, facet terms (through the entity mentions) and the fuzzy
        retry of a query that matches nothing are all marked as the results page marks
        them. Words the query excludes (`-word`, `NOT word`) are not hits. Raises
        QueryError for a query `search` would refuse. The record: `search.lookups.article`.
        """
        found = lookups.article(self, article_id, query)
        return None if found is None else found.to_dict()

    def _highlight(self, generation: Generation, whoosh_searcher, query: str) -> Highlight:
        """What `query` marks, resolved as `search` resolves it (`_match`), relaxed and fuzzy retries included.

        The same steps without filters (the article page knows only the words) keep an
        article opened from a relaxed or fuzzy result page marked.
        """
        return self._match(generation.matcher(whoosh_searcher), generation, _parse(query), Filters()).resolved.highlight

    def similar(self, article_id: str, limit: int = 5) -> list[dict]:
        """Articles sharing the key terms of this one, best first, as `Hit.to_dict()`s; [] if unknown
        (`search.lookups.similar`)."""
        return lookups.similar(self, article_id, limit).to_dict()["similar"]

    def story(self, story_id: str) -> dict | None:
        """A story's versions in time order, or None for an unknown id (`search.lookups.story`)."""
        found = lookups.story(self, story_id)
        return None if found is None else found.to_dict()

    def facet_values(self, name: str, prefix: str = "", limit: int = 10) -> list[dict]:
        """Type-ahead: [{"value", "count"}] of a facet starting with `prefix` (`search.lookups.facet_values`)."""
        return lookups.facet_values(self, name, prefix, limit).to_dict()["values"]

    def suggest(self, query: str) -> str | None:
        """The query with misspelt words replaced by the index's closest words, or None."""
        return lookups.suggest(self, query)
