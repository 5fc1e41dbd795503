"""Does this interpreter's Whoosh do what newsfacets relies on?  Run: python -W error whoosh_check.py

Standalone (needs only whoosh, no newsfacets imports), so it runs in a throwaway venv of
any Python: it imports every Whoosh module index/ and search/ use, builds a tiny index the
way index/build.py does (a worker's SegmentWriter handing its segment over with
`_finalize_segment`, one table of contents written with `_commit_toc`), searches it through
the query parser, and reads postings a block at a time through the `W3LeafMatcher`
internals search/matching.py uses (`_read_ids`, `_read_weights`, `_next_block`).
Prints "ok <python> <whoosh>" and exits 0, or raises.
"""
from __future__ import annotations

import sys
import tempfile
import warnings

# The modules index/ and search/ import (grep "from whoosh" index search).
import whoosh
from whoosh import index as whoosh_index
from whoosh import query
from whoosh.analysis import Analyzer, Filter, RegexTokenizer, SpaceSeparatedTokenizer, Token, Tokenizer  # noqa: F401
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.columns import VarBytesColumn
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import syntax  # noqa: F401
from whoosh.qparser.default import QueryParser
from whoosh.qparser.plugins import (  # noqa: F401
    FieldsPlugin,
    FuzzyTermPlugin,
    GroupPlugin,
    MultifieldPlugin,
    OperatorsPlugin,
    PhrasePlugin,
    PrefixPlugin,
    TaggingPlugin,
    WildcardPlugin,
)
from whoosh.writing import SegmentWriter


class FacetValues(KEYWORD):
    """As index/schema.py: a list of exact values, also kept in a per-document column."""

    def __init__(self) -> None:
        super().__init__(stored=True, lowercase=False, scorable=False, sortable=VarBytesColumn())
        self.analyzer = RegexTokenizer(r"[^\t]+")

    def to_column_value(self, values: list[str]) -> bytes:
        return "\t".join(values).encode("utf-8")

    def from_column_value(self, raw: bytes) -> list[str]:
        return raw.decode("utf-8").split("\t") if raw else []


def schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        body=TEXT(analyzer=SpaceSeparatedTokenizer(), stored=True, phrase=True),
        actor=FacetValues(),
        date=NUMERIC(int, bits=32, signed=False, sortable=True),
        published=STORED,
    )


def main() -> None:
    warnings.simplefilter("error")
    with tempfile.TemporaryDirectory() as directory:
        whoosh_index.create_in(directory, schema())
        # Two builds, each with a worker's segment handed over unfinished (index/build.py `_worker`)
        # and one table of contents written by the parent (`_commit`); the second, incremental,
        # deletes a document of the first generation's segment.
        for part, delete in ((0, []), (1, ["0-0"])):
            worker = SegmentWriter(whoosh_index.open_dir(directory), _lk=False, limitmb=16)
            for n in range(300):  # more than one postings block (128 per block)
                worker.add_document(id=f"{part}-{n}", body=f"ceasefire talks word{n % 7} part{part}",
                                    actor=["Syria", "Bashar al-Assad"], date=20200101 + n % 28, published="2020-01-01")
            segments = [worker._finalize_segment()]
            writer = SegmentWriter(whoosh_index.open_dir(directory))
            for doc in delete:
                writer.delete_by_term("id", doc)
            final = writer._merge_segments(None, False, True) + segments
            writer._close_segment()
            writer._commit_toc(final)
            writer._finish()

        ix = whoosh_index.open_dir(directory)
        with ix.searcher() as searcher:
            assert searcher.doc_count() == 599, searcher.doc_count()
            parsed = QueryParser("body", ix.schema).parse('ceasefire AND "talks word3"')
            hits = searcher.search(parsed, limit=None)
            assert len(hits) == 2 * len([n for n in range(300) if n % 7 == 3]), len(hits)
            assert searcher.search(query.Term("id", "0-0")).is_empty()
            # Postings a block at a time (search/matching.py `postings_of`).
            total = 0
            for leaf, _offset in searcher.leaf_searchers():
                reader = leaf.reader()
                matcher = reader.postings("body", "ceasefire")
                if type(matcher) is not W3LeafMatcher:  # the segment with a deletion wraps it
                    continue
                blocks = 0
                while matcher.is_active():
                    matcher._read_ids()
                    matcher._read_weights()
                    assert len(matcher._ids) == len(matcher._weights) > 0
                    total += len(matcher._ids)
                    blocks += 1
                    matcher._next_block()
                assert blocks > 1
            assert total == 300, total  # the segment without deletions
            assert list(searcher.reader().column_reader("date"))[:2] == [20200101, 20200102]
            for leaf, _offset in searcher.reader().leaf_readers():
                assert next(iter(leaf.column_reader("actor"))) == ["Syria", "Bashar al-Assad"]
    print("ok", sys.version.split()[0], whoosh.versionstring())


if __name__ == "__main__":
    main()
