"""Per-generation columns: what a searcher needs besides the postings, written at index time, opened mapped.

A searcher used to compute on open (and on first need) each facet's values and documents,
every document's date and quantised field lengths, and the spelling vocabulary with its
bigram index: 7.4 s and 1.6 GB per process on 190,000 Reuters stories, most of it Python
objects. Here the indexer computes them once and writes them beside the segments as flat
arrays; a searcher maps the file (`load_columns`), so opening costs a header read, every
server worker shares the pages through the OS page cache, and a process holds in memory
only the pages its queries touch.

Two kinds of file sit in a generation's directory (flat, as `index.store.publish` and
`search.handle` expect; no Whoosh file pattern matches them):

    columns.<segment id>.bin   what was read out of one Whoosh segment: its dates, field
                               lengths, facet values with their documents, and words with
                               their document frequencies. Written once per segment: a
                               segment never changes (deletions live in the table of
                               contents), so an incremental build, which starts from hard
                               links to the live generation's files, reads these back and
                               only reads new segments out of Whoosh.
    columns.bin                the generation's arrays, merged from the segments' files
                               with the live-document mask of its deletions: numpy work and
                               one pass over the distinct values and words, no Whoosh reads.
                               Besides each facet's own tables it holds all of them joined,
                               grouped by document (`joint_facets`), for counting every facet
                               of a query in one pass; a file written before that table is
                               computed around by the searcher and rewritten by `write_columns`.

A file is written beside its final name and renamed into place, never rewritten: the
previous generation shares `columns.bin` through a hard link, so writing into it would
change a live generation. `columns.bin` names the segments (and their deletion counts) it
was merged from; a searcher that finds it does not match its Whoosh segments ignores it
and computes the same arrays in memory (`compute_columns`), which is also what an index
built before columns existed gets.

File format: `MAGIC`, the header's length (8 bytes, little-endian), a JSON header
{"format", "meta", "arrays": {name: [dtype, length, offset]}}, then each array's bytes at a
64-byte aligned offset from the first aligned position after the header.
"""
from __future__ import annotations

import bisect
import json
import mmap
import os
import re
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN

from index.analysis import fold
from index.schema import FacetValues

FORMAT = 1
MAGIC = b"NFCOLS\r\n"
GENERATION_FILE = "columns.bin"
SEGMENT_PREFIX, SEGMENT_SUFFIX = "columns.", ".bin"
VOCABULARY_FIELD = "exact"  # folded, unstemmed words: what people type (see `search.vocabulary`)
_ALIGN = 64
_CODE_POINTS = 0x110000  # a bigram's key is first * _CODE_POINTS + second
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Folded words joined by single spaces: `Bashar al-Assad` -> `bashar al assad`."""
    return " ".join(_WORD.findall(fold(text)))


def facet_fields(schema) -> list[str]:
    """Every multi-valued facet field of a schema, counted or not (`index.schema.FacetValues`)."""
    return [name for name, field_type in schema.items() if isinstance(field_type, FacetValues)]


def scored_fields(schema) -> list[str]:
    """The fields BM25F ranks by, whose field lengths ranking needs."""
    return [name for name, field_type in schema.items() if field_type.scorable]


class StringTable(Sequence[str]):
    """Strings as one UTF-8 blob and offsets: no Python object per string until one is read.

    Sorted tables (facet values by their folded form, the vocabulary) are searched with
    `bisect` through `__getitem__`; UTF-8 byte order is code point order, as `sorted` uses.
    """

    def __init__(self, blob: np.ndarray, ends: np.ndarray) -> None:
        self.blob, self.ends = blob, ends

    @staticmethod
    def encode(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(blob, ends) arrays of `strings`, to store as `name.blob` and `name.ends`."""
        encoded = [text.encode("utf-8") for text in strings]
        ends = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=ends[1:])
        return np.frombuffer(b"".join(encoded), dtype=np.uint8), ends

    def __len__(self) -> int:
        return len(self.ends) - 1

    def __getitem__(self, i):  # ints only: no slice of a table is ever taken
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.blob[self.ends[i] : self.ends[i + 1]].tobytes().decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        """Every string, from one copy of the blob (a scan decodes each string once, not through `__getitem__`)."""
        data, ends = self.blob.tobytes(), self.ends.tolist()
        return (data[a:b].decode("utf-8") for a, b in zip(ends, ends[1:], strict=False))

    def span(self, key: str) -> tuple[int, int]:
        """Positions [lo, hi) holding `key` in a sorted table."""
        return bisect.bisect_left(self, key), bisect.bisect_right(self, key)


@dataclass(frozen=True)
class Columns:
    """A generation's (or one segment's) arrays and metadata, mapped from a file or computed in memory."""

    meta: dict
    arrays: Mapping[str, np.ndarray]
    mapping: mmap.mmap | None = None

    def table(self, name: str) -> StringTable:
        return StringTable(self.arrays[name + ".blob"], self.arrays[name + ".ends"])

    def prefetch(self) -> None:
        """Ask the kernel to read the file into the page cache now (a warm-up); maps nothing into this process."""
        if self.mapping is not None and hasattr(mmap, "MADV_WILLNEED"):
            self.mapping.madvise(mmap.MADV_WILLNEED)


def _with_table(arrays: dict[str, np.ndarray], name: str, strings: Sequence[str]) -> None:
    arrays[name + ".blob"], arrays[name + ".ends"] = StringTable.encode(strings)


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN


def save_file(path: Path, columns: Columns) -> None:
    """Write beside `path`, then rename over it: never into a file a reader (or a hard link) may hold."""
    placed: dict[str, tuple[str, int, int]] = {}
    offset = 0
    for name, array in columns.arrays.items():
        offset = _aligned(offset)
        placed[name] = (array.dtype.str, len(array), offset)
        offset += array.nbytes
    header = json.dumps({"format": FORMAT, "meta": columns.meta, "arrays": placed}).encode("utf-8")
    start = _aligned(len(MAGIC) + 8 + len(header))
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        handle.write(MAGIC + struct.pack("<Q", len(header)) + header)
        for name, array in columns.arrays.items():
            handle.seek(start + placed[name][2])
            handle.write(np.ascontiguousarray(array).tobytes())
        handle.truncate(start + offset)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def load_file(path: Path) -> Columns | None:
    """The columns of one file, mapped; None when it is missing, of another format, or cut short."""
    try:
        with open(path, "rb") as handle:
            mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (FileNotFoundError, ValueError):  # ValueError: an empty file cannot be mapped
        return None
    try:
        if mapping[: len(MAGIC)] != MAGIC:
            return None
        (length,) = struct.unpack_from("<Q", mapping, len(MAGIC))
        header = json.loads(mapping[len(MAGIC) + 8 : len(MAGIC) + 8 + length])
        if header.get("format") != FORMAT:
            return None
        start = _aligned(len(MAGIC) + 8 + length)
        arrays = {}
        for name, (dtype, count, offset) in header["arrays"].items():
            kind = np.dtype(dtype)
            if start + offset + count * kind.itemsize > len(mapping):
                return None
            arrays[name] = np.frombuffer(mapping, dtype=kind, count=count, offset=start + offset) if count \
                else np.zeros(0, dtype=kind)
        return Columns(header["meta"], arrays, mapping)
    except (struct.error, ValueError, KeyError, TypeError):  # a damaged header: derived data, so recomputed
        return None


# What one segment holds


def facet_documents(leaf, name: str) -> dict[str, np.ndarray]:
    """Live documents per value in one segment: from the facet's column (`index.schema.FacetValues`),
    one sequential pass, else from the postings (segments written before facets had a column)."""
    documents: dict[str, list[int]] = {}
    if leaf.has_column(name):
        deletions = leaf.has_deletions()
        for docnum, values in enumerate(leaf.column_reader(name)):
            if values and not (deletions and leaf.is_deleted(docnum)):
                for value in values:
                    documents.setdefault(value, []).append(docnum)
    else:
        for term in leaf.lexicon(name):
            value = term.decode("utf-8") if isinstance(term, bytes) else term
            ids = list(leaf.postings(name, value).all_ids())  # live documents only
            if ids:
                documents[value] = ids
    return {value: np.array(ids, dtype=np.int32) for value, ids in documents.items()}


def facet_part(name: str, found: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One segment's (or any one part's) documents per value of a facet, as arrays: values sorted as written."""
    values = sorted(found)
    arrays: dict[str, np.ndarray] = {}
    _with_table(arrays, f"facet.{name}.values", values)
    _with_table(arrays, f"facet.{name}.normalised", [normalise(value) for value in values])
    arrays[f"facet.{name}.offsets"] = np.concatenate(([0], np.cumsum([len(found[v]) for v in values]))).astype(np.int64)
    arrays[f"facet.{name}.docs"] = (np.concatenate([found[v] for v in values]).astype(np.int32) if values
                                    else np.zeros(0, dtype=np.int32))
    return arrays


def _quantised_lengths(leaf, name: str, size: int) -> np.ndarray:
    """A field's length byte per document, as Whoosh stores it (`doc_field_length` decodes it)."""
    perdoc = leaf._perdoc  # noqa: SLF001 - Whoosh 2.7's per-document reader (pinned, as in search.matching)
    column = f"_{name}_len"
    if not size or not perdoc.has_column(column):
        return np.zeros(size, dtype=np.uint8)
    return np.fromiter(perdoc.column_reader(column, LENGTHS_COLUMN), dtype=np.uint8, count=size)


def segment_columns(leaf) -> Columns:
    """Read one Whoosh segment's columns (the slow part: Python walks over its columns and lexicon)."""
    size = leaf.doc_count_all()
    arrays: dict[str, np.ndarray] = {
        "dates": np.fromiter(leaf.column_reader("date"), dtype=np.int64, count=size)
        if size and leaf.has_column("date") else np.zeros(size, dtype=np.int64),
    }
    for name in scored_fields(leaf.schema):
        arrays[f"length.{name}"] = _quantised_lengths(leaf, name, size)
    for name in facet_fields(leaf.schema):
        arrays.update(facet_part(name, facet_documents(leaf, name)))
    words, frequencies = [], []
    if VOCABULARY_FIELD in leaf.schema:
        for text, info in leaf.iter_field(VOCABULARY_FIELD):
            words.append(text.decode("utf-8") if isinstance(text, bytes) else text)
            frequencies.append(info.doc_frequency())
    _with_table(arrays, "vocabulary.words", words)
    arrays["vocabulary.frequencies"] = np.array(frequencies, dtype=np.int64)
    return Columns({"documents": size}, arrays)


# The generation's arrays, merged from its segments'


def _fingerprint(reader) -> list:
    """What a generation's merged arrays depend on: its segments, their sizes and deletions, its fields.

    A segment's deletions only grow, so their count says which documents are deleted.
    """
    segments = [[leaf.segment().segment_id(), leaf.doc_count_all(), leaf.doc_count_all() - leaf.doc_count()]
                for leaf, _ in reader.leaf_readers()]
    return [segments, facet_fields(reader.schema), scored_fields(reader.schema)]


def merge_facet(name: str, parts: list[tuple[Columns, int]], live: np.ndarray, arrays: dict[str, np.ndarray]) -> None:
    """One facet over the generation: its values with a live document, in display order (by folded
    form, then as written), and its (document, value) pairs grouped by value and by document."""
    folded: dict[str, str] = {}
    for part, _ in parts:
        folded.update(zip(part.table(f"facet.{name}.values"), part.table(f"facet.{name}.normalised"), strict=True))
    keyed = sorted((key, value) for value, key in folded.items())
    ordinal = {value: i for i, (_, value) in enumerate(keyed)}
    docs, ords = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for part, offset in parts:
        local = np.array([ordinal[value] for value in part.table(f"facet.{name}.values")], dtype=np.int64)
        docs.append(part.arrays[f"facet.{name}.docs"].astype(np.int64) + offset)
        ords.append(np.repeat(local, np.diff(part.arrays[f"facet.{name}.offsets"])))
    doc, ord_ = np.concatenate(docs), np.concatenate(ords)
    keep = live[doc]
    doc, ord_ = doc[keep], ord_[keep]
    present = np.bincount(ord_, minlength=len(keyed)) > 0  # a value only deleted documents had is gone
    renumber = np.cumsum(present) - 1
    ord_ = renumber[ord_]
    kept = [keyed[i] for i in np.flatnonzero(present).tolist()]
    _with_table(arrays, f"facet.{name}.values", [value for _, value in kept])
    _with_table(arrays, f"facet.{name}.normalised", [key for key, _ in kept])
    by_value = sorted(range(len(kept)), key=lambda i: kept[i][1])
    arrays[f"facet.{name}.by_value"] = np.array(by_value, dtype=np.int32)  # ordinals in value order, for lookups
    order = np.lexsort((doc, ord_))
    totals = np.bincount(ord_, minlength=len(kept)).astype(np.int64)
    arrays[f"facet.{name}.totals"] = totals
    arrays[f"facet.{name}.offsets"] = np.concatenate(([0], np.cumsum(totals))).astype(np.int64)
    arrays[f"facet.{name}.docs"] = doc[order].astype(np.int32)
    arrays[f"facet.{name}.ords"] = ord_[order].astype(np.int32)
    by_doc = np.lexsort((ord_, doc))
    arrays[f"facet.{name}.doc_offsets"] = np.searchsorted(doc[by_doc], np.arange(len(live) + 1)).astype(np.int64)
    arrays[f"facet.{name}.doc_ords"] = ord_[by_doc].astype(np.int32)


JOINT_PREFIX = "facets."  # every facet's pairs in one table (`joint_facets`)


def joint_facets(arrays: Mapping[str, np.ndarray], names: Sequence[str], size: int) -> dict[str, np.ndarray]:
    """Every facet's (document, value) pairs in one table grouped by document, as `facets.doc_offsets` and
    `facets.doc_ords`, each field's ordinals shifted past the fields before it (`facets.bases`, in `names` order).

    Why: a query counts all its facets over one mask; one gather of the matched documents' values and one
    `np.bincount` over this table cost less than a gather and a bincount per facet (190,000 Reuters stories
    carry 12 values of 8 facet fields each). Built from the fields' own tables grouped by document
    (`merge_facet`), so it holds exactly their pairs.
    """
    doc_offsets = [arrays[f"facet.{name}.doc_offsets"] for name in names]
    lengths = [np.diff(offsets) for offsets in doc_offsets]
    totals = np.sum(lengths, axis=0, dtype=np.int64) if names else np.zeros(size, dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(totals))).astype(np.int64)
    bases = np.zeros(len(names) + 1, dtype=np.int64)
    ords = np.zeros(int(offsets[-1]), dtype=np.int32)
    cursor = offsets[:-1].copy()  # where each document's values of the next field go
    for n, name in enumerate(names):
        own = arrays[f"facet.{name}.doc_ords"]
        owner = np.repeat(np.arange(size, dtype=np.int64), lengths[n])
        ords[cursor[owner] + np.arange(len(own)) - doc_offsets[n][owner]] = own + bases[n]
        cursor += lengths[n]
        bases[n + 1] = bases[n] + len(arrays[f"facet.{name}.values.ends"]) - 1
    return {f"{JOINT_PREFIX}bases": bases, f"{JOINT_PREFIX}doc_offsets": offsets, f"{JOINT_PREFIX}doc_ords": ords}


def bigram_index(words: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keys, offsets, word positions): the words holding each character bigram of `^word$`, keys sorted.

    A bigram's key is `ord(first) * 0x110000 + ord(second)`; built with numpy over all the
    words' code points at once (a Python loop over a million words takes seconds).
    """
    if not words:
        return np.zeros(0, dtype=np.int64), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    padded = "".join(f"^{word}$" for word in words)
    points = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    owner = np.repeat(np.arange(len(words), dtype=np.int64), [len(word) + 2 for word in words])
    within = owner[:-1] == owner[1:]
    keys = (points[:-1] * _CODE_POINTS + points[1:])[within]
    holders = owner[:-1][within]
    order = np.lexsort((holders, keys))
    keys, holders = keys[order], holders[order]
    first = np.ones(len(keys), dtype=bool)  # a bigram twice in one word counts once
    first[1:] = (keys[1:] != keys[:-1]) | (holders[1:] != holders[:-1])
    keys, holders = keys[first], holders[first]
    unique, starts = np.unique(keys, return_index=True)
    return unique, np.append(starts, len(keys)).astype(np.int64), holders.astype(np.int32)


def bigram_key(gram: str) -> int:
    return ord(gram[0]) * _CODE_POINTS + ord(gram[1])


def _merge_vocabulary(parts: list[tuple[Columns, int]], arrays: dict[str, np.ndarray]) -> None:
    """The words of every segment with their document frequencies summed (deleted documents
    included, as Whoosh's term statistics count them), sorted, and their bigram index."""
    counts: dict[str, int] = {}
    for part, _ in parts:
        for word, frequency in zip(part.table("vocabulary.words"), part.arrays["vocabulary.frequencies"].tolist(),
                                   strict=True):
            counts[word] = counts.get(word, 0) + frequency
    words = sorted(counts)
    _with_table(arrays, "vocabulary.words", words)
    arrays["vocabulary.frequencies"] = np.array([counts[word] for word in words], dtype=np.int64)
    arrays["vocabulary.lengths"] = np.array([len(word) for word in words], dtype=np.int32)
    keys, offsets, holders = bigram_index(words)
    arrays["vocabulary.bigrams"], arrays["vocabulary.bigram_offsets"], arrays["vocabulary.bigram_words"] = (
        keys, offsets, holders)


def _merge(reader, segment_of: Callable[[object], Columns]) -> Columns:
    """The generation's arrays from its segments' columns (`segment_of(leaf)`) and its deletions."""
    size = reader.doc_count_all()
    live = np.ones(size, dtype=bool)
    if reader.has_deletions():  # an incremental build leaves deleted documents in old segments
        live[:] = False
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
    parts = [(segment_of(leaf), offset) for leaf, offset in reader.leaf_readers()]
    arrays: dict[str, np.ndarray] = {"live": live}

    def joined(name: str, dtype) -> np.ndarray:
        return np.concatenate([np.zeros(0, dtype=dtype)] + [part.arrays[name] for part, _ in parts]).astype(dtype)

    arrays["dates"] = joined("dates", np.int64)
    averages = {}
    for name in scored_fields(reader.schema):
        arrays[f"length.{name}"] = joined(f"length.{name}", np.uint8)
        averages[name] = reader.field_length(name) / (size or 1) or 1.0  # Whoosh's avg_field_length, 0 as 1
    for name in facet_fields(reader.schema):
        merge_facet(name, parts, live, arrays)
    arrays.update(joint_facets(arrays, facet_fields(reader.schema), size))
    _merge_vocabulary(parts, arrays)
    meta = {"fingerprint": _fingerprint(reader), "documents": size, "averages": averages,
            "facets": facet_fields(reader.schema)}  # the facet fields it has arrays for
    return Columns(meta, arrays)


def compute_columns(reader) -> Columns:
    """A generation's columns computed in memory from an open reader (an index without a valid columns file)."""
    return _merge(reader, segment_columns)


def load_columns(generation_dir: str | os.PathLike, reader) -> Columns | None:
    """The generation's columns mapped from its `columns.bin`, or None if it has none matching `reader`'s segments."""
    columns = load_file(Path(generation_dir) / GENERATION_FILE)
    if columns is None or columns.meta.get("fingerprint") != json.loads(json.dumps(_fingerprint(reader))):
        return None
    return columns


def write_columns(generation_dir: str | os.PathLike) -> None:
    """Write the columns of a generation's segments that lack them, and its merged `columns.bin`.

    Works on a generation being built (before it is published) and on an existing one,
    e.g. one built before columns existed (or before the joint facet table); a generation
    whose columns already match its segments and have that table is left as it is. Each
    segment also gets its mapped postings (`index.postings`). Files of segments no longer in
    the index (merged away by Whoosh) are removed.
    """
    directory = Path(generation_dir)

    def segment_of(leaf) -> Columns:
        path = directory / f"{SEGMENT_PREFIX}{leaf.segment().segment_id()}{SEGMENT_SUFFIX}"
        stored = load_file(path)
        if stored is not None and stored.meta.get("documents") == leaf.doc_count_all():
            return stored
        computed = segment_columns(leaf)
        save_file(path, computed)
        return computed

    from index.postings import PREFIX, SUFFIX, write_postings  # it builds on this module's file format

    ix = whoosh_index.open_dir(str(directory))
    with ix.reader() as reader:
        found = load_columns(directory, reader)
        if found is None or f"{JOINT_PREFIX}doc_ords" not in found.arrays:  # none, or written before the joint table
            save_file(directory / GENERATION_FILE, _merge(reader, segment_of))
        wanted = {f"{SEGMENT_PREFIX}{leaf.segment().segment_id()}{SEGMENT_SUFFIX}" for leaf, _ in reader.leaf_readers()}
        wanted |= write_postings(directory, [leaf for leaf, _ in reader.leaf_readers()])
    stale = [*directory.glob(f"{SEGMENT_PREFIX}*{SEGMENT_SUFFIX}"), *directory.glob(f"{PREFIX}*{SUFFIX}")]
    for path in stale:
        if path.name != GENERATION_FILE and path.name not in wanted:
            path.unlink()
