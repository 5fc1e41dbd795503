"""The search engine: one `Searcher` behind the Python API, the CLI and the JSON API.

    from search import Searcher
    with Searcher("var/index") as searcher:
        result = searcher.search("damascus protests", country=["Syria"], sort="newest")
        print(result.to_dict())

Modules: `query` (syntax -> Whoosh query), `facets` (counting over arrays),
`snippets` (highlighting), `vocabulary` and `suggest` (wildcards, fuzzy matching,
"Did you mean"), `searcher` (the `Searcher` and its search plan), `lookups` (one
article, similar articles, a story, facet values), `results` (the records whose
`to_dict()` is the JSON), `cli`. What a caller may catch is exported here: a refused
query or argument (`QueryError`), an overloaded or slow engine (`SearchBusy`,
`SearchTimeout`) and an index that is not there or is being replaced (`IndexMissing`,
`IndexBusy`, both `IndexProblem`).
"""
from index.store import IndexBusy, IndexMissing, IndexProblem
from search.budget import SearchBusy, SearchTimeout
from search.query import QueryError
from search.results import Article, FacetValues, Hit, Mention, SearchResult, Similar, Story
from search.searcher import Searcher

__all__ = [
    "Searcher",
    "SearchResult", "Hit", "Article", "Mention", "Similar", "Story", "FacetValues",
    "QueryError", "SearchTimeout", "SearchBusy", "IndexProblem", "IndexMissing", "IndexBusy",
]
