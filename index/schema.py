"""The Whoosh schema, in two views of the same fields.

Text is analysed once, in the indexer's worker processes (see `index.document`), and
handed to Whoosh as space-separated terms; so the *index* schema's text fields split
on spaces and nothing more, which keeps the single writer process cheap. The *query*
schema has the same fields with the real analyzers, so the query parser turns the
user's words into exactly the terms the indexer stored.
"""
from __future__ import annotations

from whoosh.analysis import Analyzer, RegexTokenizer, SpaceSeparatedTokenizer
from whoosh.columns import VarBytesColumn
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from index.analysis import EXACT, STEMMED

# Multi-valued facet fields. Values are indexed verbatim (case kept), one term each. Each one is
# counted, filtered (`--language en`, `language=en`, `language:en`) and excluded the same way.
# `division` holds the first-level divisions of an article's places as "Homs Governorate, Syria"
# (the division's `Place.value`), a division named in the text included.
FACET_FIELDS = ("actor", "location", "country", "source", "author", "language", "division")
FACET_SEPARATOR = "\t"
# Title counts double against body in BM25F.
TITLE_BOOST = 2.0
# Bumped whenever the analysed form of a document changes, so `--incremental` re-analyses everything.
DOCUMENT_VERSION = "4"
# The location tree (country > division > place) is counted from one hidden facet field whose
# values are paths joined by the unit separator, every prefix its own value ("Syria", "Syria" US
# "Homs Governorate, Syria", ...), so each node's count is a number of articles, as every facet's is.
PLACE_TREE_FIELD = "place_tree"
PLACE_TREE_SEPARATOR = "\x1f"


class FacetValues(KEYWORD):
    """A list of values, each one exact term (values may contain spaces and commas).

    Each document's values are also kept in a column, read in one sequential pass when a
    searcher opens: far cheaper than reading a posting list per value, which is what makes
    opening a freshly built index of a million articles slow.
    """

    def __init__(self) -> None:
        super().__init__(stored=True, lowercase=False, scorable=False, sortable=VarBytesColumn())
        self.analyzer = RegexTokenizer(r"[^\t]+")

    def to_column_value(self, values: list[str]) -> bytes:
        return FACET_SEPARATOR.join(values).encode("utf-8")

    def from_column_value(self, raw: bytes) -> list[str]:
        return raw.decode("utf-8").split(FACET_SEPARATOR) if raw else []


def _schema(text: Analyzer, exact: Analyzer) -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=text, stored=True, phrase=True, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=text, stored=True, phrase=True),
        # Title and body, folded but neither stemmed nor stop-worded: answers "exact phrases".
        exact=TEXT(analyzer=exact, phrase=True),
        actor=FacetValues(),
        location=FacetValues(),
        country=FacetValues(),
        source=FacetValues(),
        author=FacetValues(),  # the bylined people
        language=FacetValues(),  # ISO 639-1
        division=FacetValues(),
        place_tree=FacetValues(),
        # Publication date as an integer yyyymmdd, 0 when unknown; a column for fast sorting.
        date=NUMERIC(int, bits=32, signed=False, sortable=True),
        mentioned_dates=KEYWORD(stored=True, lowercase=False, scorable=False),
        published=STORED,  # ISO date string or None
        url=STORED,
        path=STORED,
        # [{"geonameid", "name", "country", "value", "division", "division_code", "latitude", "longitude"}]
        places=STORED,
        actor_types=STORED,  # {actor: person|organisation|armed_group|state}
        mentions=STORED,  # [[start, end, kind, facet, value]] spans into the body
        content_hash=ID(stored=True),
    )


def index_schema() -> Schema:
    """The schema the index is written with: text arrives pre-analysed."""
    return _schema(SpaceSeparatedTokenizer(), SpaceSeparatedTokenizer())


def query_schema() -> Schema:
    """The same fields with the real analyzers, for parsing queries and highlighting."""
    return _schema(STEMMED, EXACT)
