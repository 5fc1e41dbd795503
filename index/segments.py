"""A worker's Whoosh segment, written term by term: the files Whoosh writes, at a fraction of its cost.

Whoosh's `SegmentWriter` spends most of a build's writing time on per-posting Python work:
each analysed field goes back through a tokenizer that makes a `Token` per word, each
posting becomes a tuple in a pool that is sorted as a whole, and the sorted stream is
written one posting at a time through three calls, each asking the document's field
length anew. The indexer's documents arrive analysed (space-separated terms, see
`index.schema`), so `SegmentBuilder` keeps Whoosh's codec, per-document writer and block
format and changes only how postings reach them:

- a text field with positions is split with its own tokenizer's pattern in one call and
  its terms' positions encoded by its own format (other fields go through Whoosh as before);
- postings are kept per term, already in document order (`_TermStore`), in flat arrays;
  past the memory limit the store is written out as a sorted run and merged at the end;
- each term is written a block at a time into Whoosh's postings writer, with the block
  statistics `W3PostingsWriter.add_posting` would have kept.

The segment's files are byte for byte the ones Whoosh's writer makes from the same
documents (tests/index/test_build_segments.py compares them), so every reader, merge and
query sees no difference. While writing, the builder also hands each text field's
frequent terms to `index.postings.PostingsTables` and saves the segment's mapped postings
file, which the publishing process would otherwise rebuild by decoding the segment again.
"""
from __future__ import annotations

import heapq
import itertools
import marshal
import pickle
import tempfile
from array import array
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
from whoosh import formats
from whoosh.analysis import RegexTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from index import postings
from index.columns import save_file

# Estimated bytes of memory per stored posting beyond its value's length (three list slots, an
# int, a float and a bytes object), and per term.
_POSTING_BYTES = 110
_TERM_BYTES = 300


def _plain_positions(field) -> bool:
    """Whether the field's postings can be made here: positions (Whoosh's `Positions` format
    exactly) of the matches of a bare `RegexTokenizer`, which is how pre-analysed text is indexed."""
    analyzer = field.analyzer if field.indexed else None
    return (isinstance(analyzer, RegexTokenizer) and type(analyzer) is RegexTokenizer  # a subclass may split otherwise
            and type(field.format) is formats.Positions and not analyzer.gaps and analyzer.expression.groups == 0)


def _encode_positions(places: list[int]) -> bytes:
    """`formats.Positions.encode`: the count, then the pickled gaps between positions."""
    if len(places) == 1:  # a new object each time: pickling a block shares repeated objects, not equal ones
        return _ONE + _pickled_one(places[0])
    return pack_uint(len(places)) + pickle.dumps([b - a for a, b in zip([0, *places], places, strict=False)], 2)


_ONE = pack_uint(1)


@lru_cache(maxsize=1 << 16)
def _pickled_one(position: int) -> bytes:
    """The pickled gaps of a word found once, at `position`: most postings, from a few thousand positions."""
    return pickle.dumps([position], 2)


# One term's postings in document order, flat: id, weight (as computed, before Whoosh's float32
# rounding), encoded value, id, weight, value... One list per term, extended per posting.
_Term = list


class _TermStore:
    """Postings by field and term, in memory up to `limit` bytes, then in sorted runs on disk."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.fields: dict[str, dict[bytes, _Term]] = {}
        self.size = 0
        self.runs: list = []

    def add(self, docnum: int, fieldname: str, items: list[tuple[bytes, float, bytes]]) -> None:
        terms = self.fields.setdefault(fieldname, {})
        size = self.size + _POSTING_BYTES * len(items)
        for tbytes, weight, vbytes in items:
            term = terms.get(tbytes)
            if term is None:
                terms[tbytes] = [docnum, weight, vbytes]
                size += _TERM_BYTES + len(vbytes)
            else:
                term += (docnum, weight, vbytes)
                size += len(vbytes)
        self.size = size

    def spill_if_full(self) -> None:
        if self.size > self.limit:
            self._spill()

    def _sorted(self) -> Iterator[tuple[str, bytes, _Term]]:
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for tbytes in sorted(terms):
                yield fieldname, tbytes, terms[tbytes]

    def _spill(self) -> None:
        run = tempfile.TemporaryFile(prefix="newsfacets-run-")  # unlinked: gone with the process
        for fieldname, tbytes, term in self._sorted():
            marshal.dump((fieldname, tbytes, term), run)
        run.seek(0)
        self.runs.append(run)
        self.fields, self.size = {}, 0

    @staticmethod
    def _read(run) -> Iterator[tuple]:
        while True:
            try:
                yield marshal.load(run)
            except EOFError:
                return

    def terms(self) -> Iterator[tuple[str, bytes, _Term]]:
        """Every (field, term, postings), sorted by field then term bytes, as Whoosh's pool sorts them."""
        if not self.runs:
            yield from self._sorted()
            return
        self._spill()
        merged = heapq.merge(*map(self._read, self.runs), key=lambda record: record[:2])  # ties: earlier run first
        for (fieldname, tbytes), records in itertools.groupby(merged, key=lambda record: record[:2]):
            yield fieldname, tbytes, list(itertools.chain.from_iterable(record[2] for record in records))

    def close(self) -> None:
        for run in self.runs:
            run.close()
        self.runs = []


class SegmentBuilder(SegmentWriter):
    """Whoosh's segment writer for the indexer's pre-analysed documents (see the module's doc)."""

    def __init__(self, ix, limitmb: int = 128, **kwargs) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r} has vectors or a spelling field, which SegmentBuilder does not write")
        self.store = _TermStore(limitmb * 1024 * 1024)
        self.plain = {name for name, field in self.schema.items() if _plain_positions(field)}
        # Each document's field length as Whoosh's per-document reader returns it (quantised to a byte).
        self.lengths: dict[str, array] = {name: array("I") for name, field in self.schema.items() if field.scorable}

    @staticmethod
    def _positions(field, value: str, fieldboost: float) -> tuple[list[tuple[bytes, float, bytes]], int]:
        """What `field.index(value)` yields, as postings (term, weight, value), and the field's length,
        computed without a Token per word."""
        found: dict[str, list[int]] = {}
        words = field.analyzer.expression.findall(value)
        for position, word in enumerate(words):
            places = found.get(word)
            if places is None:
                found[word] = [position]
            else:
                places.append(position)
        boost = field.format.field_boost
        return [(word.encode("utf-8"), float(len(places)) * boost * fieldboost, _encode_positions(places))
                for word, places in found.items()], len(words)

    def add_document(self, **fields) -> None:
        """Whoosh 2.7's `SegmentWriter.add_document`, minus vectors and spelling (refused at creation),
        with a document's postings kept only once all its fields are written."""
        self._check_state()
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        posted: list[tuple[str, list[tuple[bytes, float, bytes]]]] = []
        lengths: dict[str, int] = {}
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    if fieldname in self.plain and isinstance(value, str):
                        found, length = self._positions(field, value, fieldboost)
                    else:
                        found = []
                        for tbytes, freq, weight, vbytes in field.index(value):
                            found.append((tbytes, weight * fieldboost, vbytes))
                            length += freq
                    posted.append((fieldname, found))
                    if not field.scorable:
                        length = 0
                    lengths[fieldname] = length
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                column = field.column_type
                if column and stored is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(stored))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        for fieldname, found in posted:
            self.store.add(docnum, fieldname, found)
        for fieldname, column in self.lengths.items():
            column.append(_read_length(lengths.get(fieldname, 0)))
        self.store.spill_if_full()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        tables = postings.PostingsTables(postings.text_fields(self.schema))
        fieldwriter, lastfield = self.fieldwriter, None
        for fieldname, tbytes, term in self.store.terms():
            if fieldname != lastfield:
                if lastfield is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(fieldname, self.schema[fieldname])
                lastfield = fieldname
            fieldwriter.start_term(tbytes)
            ids, weights, values = term[0::3], term[1::3], term[2::3]
            _write_blocks(fieldwriter._postwriter, ids, weights, values, self.lengths.get(fieldname))  # noqa: SLF001
            fieldwriter.finish_term()
            if tables.wants(fieldname, len(ids)):
                tables.add(fieldname, tbytes.decode("utf-8"), np.array(ids, dtype=np.int64),
                           np.array(weights, dtype=np.float32).astype(np.float64),  # as Whoosh's blocks hold them
                           postings.decode_positions(values) if fieldname in tables.positional else None)
        if lastfield is not None:
            fieldwriter.finish_field()
        fieldwriter.close()
        self._write_mapped_postings(tables)

    def _write_mapped_postings(self, tables: postings.PostingsTables) -> None:
        """The segment's mapped postings file (`index.postings`), beside its files; only for a file-based index."""
        folder = getattr(self.storage, "folder", None)
        if folder is not None and isinstance(self.codec, W3Codec):
            segment = self.get_segment()
            save_file(Path(folder) / postings.file_name(segment.segment_id()),
                               tables.columns(segment.doc_count_all()))

    def _close_segment(self) -> None:
        super()._close_segment()
        self.store.close()


def _read_length(length: int) -> int:
    """A field length as Whoosh's per-document reader gives it back: through its length byte, 0 as 0."""
    return byte_to_length(length_to_byte(length)) if length else 0


def _write_blocks(writer, ids: list[int], weights: list[float], values: list[bytes], lengths: array | None) -> None:
    """Fill Whoosh's postings writer with a term's postings, a block at a time, leaving the last
    block buffered for `finish_postings` (which inlines or writes it): the blocks and statistics
    `W3PostingsWriter.add_posting` makes posting by posting (Whoosh 2.7 internals, pinned)."""
    limit, count = writer._blocklimit, len(ids)  # noqa: SLF001
    for start in range(0, count, limit):
        stop = min(start + limit, count)
        block_ids = ids[start:stop] if count > limit else ids
        block_weights = weights[start:stop] if count > limit else weights
        writer._ids = array("I", block_ids)  # noqa: SLF001
        writer._weights = array("f", block_weights)  # noqa: SLF001
        writer._values = list(filter(None, values[start:stop]))  # noqa: SLF001 - empty values are not kept
        heaviest = max(block_weights)
        writer._maxweight = heaviest if heaviest > 0 else 0  # noqa: SLF001 - add_posting starts from int 0
        if lengths is not None:
            known = [length for length in map(lengths.__getitem__, block_ids) if length]
            writer._minlength = min(known) if known else None  # noqa: SLF001
            writer._maxlength = max(known) if known else 0  # noqa: SLF001
        if stop < count:
            writer._write_block()  # noqa: SLF001
