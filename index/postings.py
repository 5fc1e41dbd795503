"""Mapped postings: a segment's frequent terms as flat arrays, so a query never decodes Whoosh's blocks for them.

Whoosh 2.7 stores a term's postings in blocks of up to 128 documents, each block a zlib'd
pickle of (ids, weights, positions). Reading a block for its ids and weights still
decompresses and unpickles its positions: about 80 microseconds per block in Python, so a
word in 10% of 190,000 stories (150 blocks) costs 12 ms before any matching, and the cost
grows with the corpus. Profiled over the benchmark's query mix, this decoding and Whoosh's
positional matching were most of a search's time.

So at index time, once per segment, the postings of every term a segment holds in at least
`MIN_FREQUENCY` documents are written beside the segment as arrays (`PostingsTables`): by the
worker that writes the segment, from the postings it has in hand (`index.segments`), or, for
a segment that has no file yet, read back out of Whoosh once (`write_postings`, called by
`index.columns.write_columns`):

    postings.<segment id>.bin   per text field: the terms (sorted), each term's slice of
                                `docs` (segment-local document numbers) and `weights` (as
                                Whoosh stores them), and for `POSITIONAL_FIELDS` each
                                posting's word positions; each array in the narrowest
                                dtype that holds it exactly (`narrowest`).

A searcher maps the file (`SegmentPostings.load`): a term is a binary search and two slices,
microseconds at any size. Rarer terms stay in Whoosh: they fill at most one block, so their
cost does not grow with the corpus either, and leaving them out keeps the file and the build
small (the long tail of rare words is most of the lexicon but few of its postings).

Beside it, `postings.<segment id>.bounds.bin` holds what bounds each frequent term's BM25F
score block by block, for top-k ranking to stop early (`search.matching`): for every
`BLOCK_SIZE` consecutive document numbers of the segment that hold the term, the block's
number, the term's largest weight there and its smallest field length per unit of weight
(`block_bounds`). BM25F grows with the weight and falls with length over weight, so the two
bound the score in the block at any average length. It is written by `write_postings` once
the segment's field lengths are on disk (a worker writing postings has not got them); a
segment without it has its bounds taken from the postings a query reads.

A file holds exactly what Whoosh's codec holds, deleted documents included (the caller masks
them out, as it does for Whoosh's own postings): it is written only for a segment without
deletions (every freshly written segment), and a segment never changes, so the file is valid
for as long as the segment is in the index. Any segment without a file (an index built before
this existed, a segment that had deletions when first seen) is read through Whoosh as before.
"""
from __future__ import annotations

import bisect
import itertools
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import TEXT
from whoosh.util.numeric import byte_to_length

from index.columns import Columns, StringTable, _quantised_lengths, load_file, save_file

PREFIX, SUFFIX = "postings.", ".bin"
BOUNDS_SUFFIX = ".bounds.bin"  # a segment's block bounds: "postings.<id>.bounds.bin", stale ones swept as postings
# Consecutive document numbers of a segment that share one bound per term: what top-k ranking skips or scores.
BLOCK_SIZE = 128
# A stored length byte's length, as Whoosh's `doc_field_length` decodes it (0: no length).
LENGTH_OF_BYTE = np.array([0.0] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float64)
# A term in fewer documents of a segment fills at most half a block: reading it from Whoosh is cheap.
MIN_FREQUENCY = 64
# Fields whose word positions are mapped too: the one quoted phrases search (`search.query`).
POSITIONAL_FIELDS = ("exact",)
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
_COUNT_BYTES = 4  # a `formats.Positions` value starts with its count of positions


def text_fields(schema) -> list[str]:
    """The fields queries read postings of: the text fields (title, body, exact)."""
    return [name for name, field_type in schema.items() if isinstance(field_type, TEXT)]


def file_name(segment_id: str) -> str:
    return f"{PREFIX}{segment_id}{SUFFIX}"


def bounds_file_name(segment_id: str) -> str:
    return f"{PREFIX}{segment_id}{BOUNDS_SUFFIX}"


def block_bounds(blocks: np.ndarray, weights: np.ndarray, lengths: np.ndarray,
                 offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each term's bounds per block holding it, for the terms whose postings (each one's block, `BLOCK_SIZE`
    document numbers of a segment, ascending; weights; their documents' field lengths) are `offsets[i]:offsets[i + 1]`:
    (each term's first entry, then the total; block numbers; largest weight; smallest length per weight)."""
    if not len(blocks):
        empty = np.zeros(0, dtype=np.float64)
        return np.zeros(len(offsets), dtype=np.int64), np.zeros(0, dtype=np.int64), empty, empty
    terms = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    starts = np.flatnonzero(np.concatenate(([True], (blocks[1:] != blocks[:-1]) | (terms[1:] != terms[:-1]))))
    per_weight = np.divide(lengths, weights, out=np.full(len(blocks), np.inf), where=weights > 0)
    return (np.searchsorted(starts, offsets).astype(np.int64), blocks[starts], np.maximum.reduceat(weights, starts),
            np.minimum.reduceat(per_weight, starts))


def segment_bounds(postings: SegmentPostings, leaf) -> Columns:
    """The block bounds (`block_bounds`) of every term of a segment's mapped postings, from its field lengths."""
    arrays: dict[str, np.ndarray] = {}
    size = leaf.doc_count_all()
    for name in postings.columns.meta["fields"]:
        if f"{name}.offsets" not in postings.columns.arrays:
            continue
        docs = postings.columns.arrays[f"{name}.docs"].astype(np.int64)
        lengths = LENGTH_OF_BYTE[_quantised_lengths(leaf, name, size)[docs]]
        firsts, blocks, weights, per_weight = block_bounds(
            docs // BLOCK_SIZE, postings.columns.arrays[f"{name}.weights"].astype(np.float64), lengths,
            postings.columns.arrays[f"{name}.offsets"])
        arrays[f"{name}.block_offsets"] = firsts
        arrays[f"{name}.blocks"] = narrowest(blocks)
        arrays[f"{name}.max_weights"] = narrowest(weights)
        arrays[f"{name}.min_length_per_weight"] = narrowest(per_weight)
    return Columns({"documents": size, "block_size": BLOCK_SIZE}, arrays)


def read_postings(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of one term in one segment, a block at a time, from Whoosh 2.7's leaf matcher."""
    ids, weights, _ = _read_blocks(matcher, positions=False)
    return ids, weights


def _read_blocks(matcher: W3LeafMatcher, positions: bool) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    """Ids, weights and (if asked) each posting's encoded value, block by block (Whoosh 2.7 internals, pinned)."""
    id_blocks: list[np.ndarray] = []
    weight_blocks: list[np.ndarray] = []
    values: list[bytes] = []
    while matcher.is_active():
        matcher._read_ids()  # noqa: SLF001
        matcher._read_weights()  # noqa: SLF001
        id_blocks.append(np.asarray(matcher._ids, dtype=np.int64))  # noqa: SLF001
        weight_blocks.append(np.asarray(matcher._weights, dtype=np.float64))  # noqa: SLF001
        if positions:
            matcher._read_values()  # noqa: SLF001
            values.extend(matcher._values)  # noqa: SLF001
        matcher._next_block()  # noqa: SLF001
    if not id_blocks:
        return _EMPTY[0], _EMPTY[1], values
    return np.concatenate(id_blocks), np.concatenate(weight_blocks), values


def decode_positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(positions per posting, all positions in order) of `formats.Positions` values: each a count,
    then the pickled gaps between positions (`Positions.decode_positions`, summed with numpy)."""
    gaps = [pickle.loads(value[_COUNT_BYTES:]) for value in values]  # noqa: S301 - the index's own values
    counts = np.fromiter(map(len, gaps), dtype=np.int64, count=len(gaps))
    summed = np.cumsum(np.fromiter(itertools.chain.from_iterable(gaps), dtype=np.int64, count=int(counts.sum())))
    ends = np.cumsum(counts)
    before = np.zeros(len(counts), dtype=np.int64)  # each posting's sum of the gaps of the postings before it
    nonempty = ends - counts > 0
    before[nonempty] = summed[(ends - counts)[nonempty] - 1]
    return counts, summed - np.repeat(before, counts)


def narrowest(values: np.ndarray) -> np.ndarray:
    """`values` in the smallest dtype that holds every one exactly (the file is mostly these arrays):
    term frequencies and positions nearly always fit 16 bits."""
    for dtype in (np.uint8, np.uint16, np.int32, np.float32):
        narrow = values.astype(dtype)
        if np.array_equal(narrow.astype(values.dtype), values):
            return narrow
    return values


class PostingsTables:
    """A segment's frequent terms, field by field in term order, gathered into the mapped file's arrays.

    Filled by reading a Whoosh segment (`segment_postings`) or by the writer that is writing
    one (`index.segments.SegmentBuilder`): either way the file is built by this one class.
    """

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        self.positional = set(POSITIONAL_FIELDS) & set(fields)
        self.found: dict[str, tuple[list[str], list[np.ndarray], list[np.ndarray], list[tuple]]] = {
            name: ([], [], [], []) for name in fields}

    def wants(self, fieldname: str, doc_frequency: int) -> bool:
        return doc_frequency >= MIN_FREQUENCY and fieldname in self.found

    def add(self, fieldname: str, term: str, ids: np.ndarray, weights: np.ndarray,
            positions: tuple[np.ndarray, np.ndarray] | None) -> None:
        """One term's document numbers, weights (as Whoosh stores them) and, in a positional field,
        its postings' word positions (`decode_positions`); terms of a field must come in sorted order."""
        terms, docs, found_weights, found_positions = self.found[fieldname]
        terms.append(term)  # each array narrowed now, so a big segment's tables fit in memory
        docs.append(narrowest(ids))
        found_weights.append(narrowest(weights))
        if positions is not None and fieldname in self.positional:
            counts, places = positions
            found_positions.append((narrowest(counts), narrowest(places)))

    def columns(self, documents: int) -> Columns:
        arrays: dict[str, np.ndarray] = {}
        for name, (terms, docs, weights, positions) in self.found.items():
            arrays[f"{name}.terms.blob"], arrays[f"{name}.terms.ends"] = StringTable.encode(terms)
            arrays[f"{name}.offsets"] = np.concatenate(([0], np.cumsum([len(d) for d in docs]))).astype(np.int64)
            all_docs = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
            all_weights = np.concatenate(weights) if weights else np.zeros(0, dtype=np.float64)
            arrays[f"{name}.docs"] = narrowest(all_docs)
            arrays[f"{name}.weights"] = narrowest(all_weights)
            if name in self.positional:  # posting i's are positions[position_offsets[i]:position_offsets[i + 1]]
                counts = [count for count, _ in positions]
                arrays[f"{name}.position_offsets"] = np.concatenate(([0], np.cumsum(np.concatenate(
                    counts), dtype=np.int64))).astype(np.int64) if counts else np.zeros(1, dtype=np.int64)
                arrays[f"{name}.positions"] = narrowest(np.concatenate(
                    [places for _, places in positions])) if positions else np.zeros(0, dtype=np.uint8)
        return Columns({"documents": documents, "min_frequency": MIN_FREQUENCY, "fields": self.fields}, arrays)


def segment_postings(leaf) -> Columns | None:
    """The frequent terms' postings of one segment as arrays, read back from Whoosh, or None for a
    segment with deletions."""
    if leaf.has_deletions():
        return None
    tables = PostingsTables(text_fields(leaf.schema))
    for name in tables.fields:
        for text, info in leaf.iter_field(name):
            if not tables.wants(name, info.doc_frequency()):
                continue
            term = text.decode("utf-8") if isinstance(text, bytes) else text
            matcher = leaf.postings(name, term)
            if type(matcher) is not W3LeafMatcher:  # another codec: this segment stays with Whoosh
                return None
            positional = name in tables.positional
            ids, weights, values = _read_blocks(matcher, positional)
            tables.add(name, term, ids, weights, decode_positions(values) if positional else None)
    return tables.columns(leaf.doc_count_all())


@dataclass(frozen=True)
class SegmentPostings:
    """One segment's mapped postings (`segment_postings`), opened by a searcher."""

    columns: Columns
    bounds: Columns | None = None  # the block bounds file (`segment_bounds`), if the segment has one

    @classmethod
    def load(cls, directory: str | os.PathLike, segment_id: str, documents: int) -> SegmentPostings | None:
        """The segment's file and its bounds, mapped, or None if it has none (or one for another segment size)."""
        columns = load_file(Path(directory) / file_name(segment_id))
        if columns is None or columns.meta.get("documents") != documents:
            return None
        bounds = load_file(Path(directory) / bounds_file_name(segment_id))
        if bounds is not None and bounds.meta != {"documents": documents, "block_size": BLOCK_SIZE}:
            bounds = None
        return cls(columns, bounds)

    def _term_number(self, fieldname: str, text: str) -> int | None:
        """A frequent term's place in its field's sorted terms; None when the file lacks it (ask Whoosh)."""
        if f"{fieldname}.offsets" not in self.columns.arrays:
            return None
        terms = self.columns.table(f"{fieldname}.terms")
        at = bisect.bisect_left(terms, text)
        if at == len(terms) or terms[at] != text:
            return None
        return at

    def _slice(self, fieldname: str, text: str) -> tuple[int, int] | None:
        """Where a frequent term's postings lie in the field's arrays; None when the file lacks it (ask Whoosh)."""
        at = self._term_number(fieldname, text)
        if at is None:
            return None
        start, stop = self.columns.arrays[f"{fieldname}.offsets"][at : at + 2].tolist()
        return start, stop

    def block_bounds(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(block numbers, largest weight, smallest length per weight) of a frequent term (`block_bounds`); None
        when the segment has no bounds file or the term is not in it: bound it from the postings read."""
        if self.bounds is None or f"{fieldname}.block_offsets" not in self.bounds.arrays:
            return None
        at = self._term_number(fieldname, text)
        if at is None:
            return None
        arrays = self.bounds.arrays
        where = slice(*arrays[f"{fieldname}.block_offsets"][at : at + 2].tolist())
        return (arrays[f"{fieldname}.blocks"][where].astype(np.int64),
                arrays[f"{fieldname}.max_weights"][where].astype(np.float64),
                arrays[f"{fieldname}.min_length_per_weight"][where].astype(np.float64))

    def get(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(document numbers, weights as float64) of a frequent term; None when the term is not in the file
        (rarer than `MIN_FREQUENCY` here, or absent, or a field the file lacks): ask Whoosh."""
        where = self._slice(fieldname, text)
        if where is None:
            return None
        arrays = self.columns.arrays
        return (arrays[f"{fieldname}.docs"][slice(*where)].astype(np.int64),
                arrays[f"{fieldname}.weights"][slice(*where)].astype(np.float64))

    def positions(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(document of each position, position) of a frequent term in a positional field; None: ask Whoosh."""
        where = self._slice(fieldname, text) if f"{fieldname}.positions" in self.columns.arrays else None
        if where is None:
            return None
        arrays = self.columns.arrays
        bounds = arrays[f"{fieldname}.position_offsets"][where[0] : where[1] + 1]
        places = arrays[f"{fieldname}.positions"][bounds[0] : bounds[-1]].astype(np.int64)
        owners = np.repeat(arrays[f"{fieldname}.docs"][slice(*where)].astype(np.int64), np.diff(bounds))
        return owners, places


def write_postings(directory: Path, leaves) -> set[str]:
    """Write the postings file and its bounds file of each segment in `leaves` that lacks them; the names of the
    files the index uses."""
    wanted = set()
    for leaf in leaves:
        segment_id = leaf.segment().segment_id()
        path = directory / file_name(segment_id)
        wanted |= {path.name, bounds_file_name(segment_id)}
        mapped = SegmentPostings.load(directory, segment_id, leaf.doc_count_all())
        if mapped is None:
            found = segment_postings(leaf)
            if found is None:
                continue
            save_file(path, found)
            mapped = SegmentPostings(found)
        if mapped.bounds is None:
            save_file(directory / bounds_file_name(segment_id), segment_bounds(mapped, leaf))
    return wanted
