"""The engine's questions other than a search: one article, articles like it, a story, facet values, a spelling.

Kept apart from `search.searcher` because none of them is a search plan: each reads a
few stored documents or one cached structure of a generation and shapes it into a
record of `search.results`, whose `to_dict()` is the JSON the API sends. The `Searcher`
methods of the same names delegate here (and return that JSON), so the Python API is
unchanged; the web asks here for the records themselves. Each function takes the
`Searcher` whose index, admission gate and query resolution it uses.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from whoosh import query as wq

from index.analysis import STEMMED, terms
from index.article import MAX_ID_LENGTH
from index.schema import FACET_FIELDS
from index.settings import ENGINE_LIMITS
from search.query import MAX_QUERY_LENGTH, Highlight, QueryError, parse_query, whole_number
from search.results import Article, FacetValues, Hit, Mention, Similar, Story
from search.snippets import find_hits, lead_markup, whole_markup
from search.stories import MAX_VERSIONS, differences, story_index
from search.suggest import suggestion

if TYPE_CHECKING:
    from search.handle import Generation
    from search.searcher import Searcher

MAX_SIMILAR = 50
MAX_FACET_SIZE = ENGINE_LIMITS.max_facet_size  # values listed per facet beside the hits
SIMILAR_TERMS = 25  # key terms of an article that make its "more like this" query
SIMILAR_TEXT_CHARS = 50_000  # how much of a long article is read for its key terms
ARTICLE_HITS_PER_TERM = 1_000  # marks per query term in a whole article (a snippet keeps 50)
ARTICLE_CANDIDATES = 200_000  # candidate words examined in a whole article (a snippet: 20,000)


def described(fields: dict) -> dict:
    """What a hit and an article both say of a stored document, so the two cannot drift apart."""
    sources = fields.get("source") or []
    return {
        "id": fields.get("id", ""),
        "title": fields.get("title") or "",
        "date": fields.get("published"),
        "source": sources[0] if sources else None,
        "url": fields.get("url"),
        "actors": list(fields.get("actor") or []),
        "locations": list(fields.get("location") or []),
        "countries": list(fields.get("country") or []),
        "authors": list(fields.get("author") or []),
        "language": (fields.get("language") or [None])[0],
    }


def plain_markup(fields: dict) -> tuple[str, str]:
    """A hit's title and lead with nothing marked: similar articles have no query to show."""
    return whole_markup(fields.get("title"), Highlight()), lead_markup(fields.get("body"))


def _stored_fields(whoosh_searcher, docs: Iterable[int]) -> list[dict]:
    """The stored fields of documents, in the order given."""
    return [whoosh_searcher.stored_fields(int(doc)) for doc in docs]


def _document_number(whoosh_searcher, article_id: str) -> int | None:
    if not isinstance(article_id, str) or not article_id or len(article_id) > MAX_ID_LENGTH:
        return None
    return whoosh_searcher.document_number(id=article_id)


def article(searcher: Searcher, article_id: str, query: str | None = None) -> Article | None:
    """The stored article with its entities and mention spans, or None for an unknown id.

    With a `query` (same syntax as `search`), `hits` holds the spans of `body` where it
    matches, resolved as `search` resolves it (see `Searcher.article`); raises QueryError
    for a query `search` would refuse.
    """
    if query is not None and not isinstance(query, str):
        raise QueryError("the query must be text")
    expensive = query is not None and parse_query(query).expensive
    with searcher.gate.admit(expensive), searcher._handle.borrow() as (generation, whoosh_searcher):
        return _article_in(searcher, generation, whoosh_searcher, article_id, query)


def _article_in(searcher: Searcher, generation: Generation, whoosh_searcher, article_id: str,
                query: str | None) -> Article | None:
    docnum = _document_number(whoosh_searcher, article_id)
    if docnum is None:
        return None
    fields = whoosh_searcher.stored_fields(docnum)
    body = fields.get("body") or ""
    hits = None
    if query is not None:
        highlight = searcher._highlight(generation, whoosh_searcher, query)
        spans = find_hits(body, highlight, fields.get("mentions") or (), max_per_term=ARTICLE_HITS_PER_TERM,
                          max_candidates=ARTICLE_CANDIDATES) if highlight else []
        hits = [(start, end) for start, end, _ in spans]
    return Article(
        **described(fields),
        **story_index(generation.path, generation.facets.size).describe(docnum),
        body=body,
        actor_types=dict(fields.get("actor_types") or {}),
        places=list(fields.get("places") or []),
        divisions=list(fields.get("division") or []),
        mentioned_dates=list(fields.get("mentioned_dates") or []),
        mentions=[Mention(*m[:5]) for m in fields.get("mentions") or []],
        hits=hits,
    )


def similar(searcher: Searcher, article_id: str, limit: int = 5) -> Similar:
    """Articles sharing the key terms of this one (tf-idf against the index), best first; none if unknown.

    Each is a search hit whose `title_html` is the plain title and whose `snippet` is the
    article's lead, escaped, with no marks.
    """
    whole_number("limit", limit, 1, MAX_SIMILAR)
    with searcher.gate.admit(False), searcher._handle.borrow() as (generation, whoosh_searcher):
        return Similar(id=article_id, similar=_similar_in(searcher, generation, whoosh_searcher, article_id, limit))


def _similar_in(searcher: Searcher, generation: Generation, whoosh_searcher, article_id: str,
                limit: int) -> list[Hit]:
    docnum = _document_number(whoosh_searcher, article_id)
    if docnum is None:
        return []
    fields = whoosh_searcher.stored_fields(docnum)
    text = f"{fields.get('title') or ''}\n{(fields.get('body') or '')[:SIMILAR_TEXT_CHARS]}"
    reader = whoosh_searcher.reader()
    documents = max(reader.doc_count(), 1)
    weights = {}
    for term, frequency in Counter(terms(STEMMED, text)).items():
        df = reader.doc_frequency("body", term)
        if 1 < df < documents:  # only here, or everywhere: says nothing about what is alike
            weights[term] = (1 + math.log(frequency)) * math.log(1 + documents / df)
    key_terms = sorted(weights, key=lambda t: (-weights[t], t))[:SIMILAR_TERMS]
    if not key_terms:
        return []
    top = weights[key_terms[0]]
    q = wq.Or([wq.Term("body", t, boost=weights[t] / top) for t in key_terms])
    matcher = generation.matcher(whoosh_searcher)
    mask = matcher.mask(q) & generation.facets.live
    mask[docnum] = False
    found: list[tuple[dict, float | None]] = [
        (whoosh_searcher.stored_fields(doc), round(score, 4)) for doc, score in matcher.top(q, mask, 0, limit)]
    # No query to show in them: the plain title and the article's lead (marking the key terms cost 25 ms).
    return searcher._hits(found, plain_markup)


def story(searcher: Searcher, story_id: str) -> Story | None:
    """A story's versions in time order, the earliest first ("first reported by"), or None for an unknown id."""
    if not isinstance(story_id, str) or len(story_id) > MAX_ID_LENGTH:
        return None
    with searcher._handle.borrow() as (generation, whoosh_searcher):
        stories = story_index(generation.path, generation.facets.size)
        ordinal = stories.by_id.get(story_id)
        if ordinal is None:
            return None
        docs = stories.members(ordinal, generation.facets.dates)
        stored = _stored_fields(whoosh_searcher, docs[:MAX_VERSIONS])
    if not stored:
        return None
    earliest = stored[0].get("body") or ""
    versions = [described(fields) for fields in stored]
    for version, fields in list(zip(versions, stored, strict=False))[1:]:
        version.update(differences(fields.get("body") or "", earliest))
    first = versions[0]
    return Story(id=story_id, articles=len(docs),
                 first_reported_by={"id": first["id"], "source": first["source"], "date": first["date"]},
                 versions=versions)


def facet_values(searcher: Searcher, name: str, prefix: str = "", limit: int = 10) -> FacetValues:
    """Type-ahead: values of a facet that start with `prefix`, or have a word that does, by count."""
    if name not in FACET_FIELDS:
        raise QueryError(f"unknown facet {str(name)[:40]!r}: use one of {', '.join(FACET_FIELDS)}")
    whole_number("limit", limit, 1, ENGINE_LIMITS.max_facet_values)
    prefix = prefix or ""
    if len(prefix) > ENGINE_LIMITS.max_prefix_length:
        raise QueryError(f"the prefix is too long: at most {ENGINE_LIMITS.max_prefix_length} characters")
    values = searcher._handle.current().facets.fields[name].starting_with(prefix, limit)
    return FacetValues(facet=name, prefix=prefix, values=values)


def suggest(searcher: Searcher, query: str) -> str | None:
    """The query with misspelt words replaced by the index's closest words, or None."""
    if not isinstance(query, str) or len(query) > MAX_QUERY_LENGTH:
        return None
    with searcher._handle.borrow() as (generation, whoosh_searcher):
        return suggestion(query, generation.vocabulary(whoosh_searcher))
