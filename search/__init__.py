"""The search engine: one `Searcher` behind the Python API, the CLI and the JSON API.

    from search import Searcher
    with Searcher("var/index") as searcher:
        result = searcher.search("damascus protests", country=["Syria"], sort="newest")
        print(result.to_dict())

Modules: `query` (syntax -> Whoosh query), `facets` (counting over arrays),
`snippets` (highlighting), `vocabulary` and `suggest` (wildcards, fuzzy matching,
"Did you mean"), `searcher` (the `Searcher`), `results` (the JSON), `cli`.
"""
from search.budget import SearchBusy, SearchTimeout
from search.query import QueryError
from search.results import Hit, SearchResult
from search.searcher import Searcher

__all__ = ["Searcher", "SearchResult", "Hit", "QueryError", "SearchTimeout", "SearchBusy"]
