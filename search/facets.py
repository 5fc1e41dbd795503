"""Facet counting over arrays, built once per open index.

Whoosh's `groupedby` rebuilds its facet maps and walks every hit in Python on every
query. Here each facet field is read once per index generation into numpy arrays of
(document, value ordinal) pairs, grouped by ordinal; a query's matches arrive as a
boolean document mask, and counting a facet is one `np.bincount` over the pairs whose
document is in the mask. Filters work the same way: the documents of the chosen values
are a slice of the pairs.

Rules (issue 3): several values of one facet are OR, facets are AND, exclusions remove
documents everywhere, and each facet is counted with every filter except its own, so
its counts show what adding a second value would bring. Dates are counted by year, or
by month when the date range in force spans a year or less; a date range is not a set
of values one adds to, so the date facet counts within it (drilling down from years to
the months of the chosen year).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from index.analysis import fold
from index.schema import FACET_FIELDS
from search import budget
from search.matching import postings_of
from search.query import MAX_EXPANSIONS, DateRange

_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Folded words joined by single spaces: `Bashar al-Assad` -> `bashar al assad`."""
    return " ".join(_WORD.findall(fold(text)))


def top_counts(labels: Sequence[str], counts: np.ndarray, size: int) -> list[dict]:
    """The `size` labels with the highest non-zero counts, by count then label order."""
    nonzero = np.flatnonzero(counts)
    if not len(nonzero) or size <= 0:
        return []
    # `labels` are in display order, so the position breaks ties by name.
    order = nonzero[np.lexsort((nonzero, -counts[nonzero]))][:size]
    return [{"value": labels[i], "count": int(counts[i])} for i in order]


def _from_column(leaf, name: str) -> dict[str, np.ndarray]:
    """Documents per value, from the per-document column `index.schema.FacetValues` writes."""
    deletions = leaf.has_deletions()
    documents: dict[str, list[int]] = {}
    for docnum, values in enumerate(leaf.column_reader(name)):
        if values and not (deletions and leaf.is_deleted(docnum)):
            for value in values:
                documents.setdefault(value, []).append(docnum)
    return {value: np.array(ids, dtype=np.int32) for value, ids in documents.items()}


def _from_postings(leaf, name: str) -> dict[str, np.ndarray]:
    """Documents per value from the postings (segments written before facets had a column)."""
    found = {}
    for term in leaf.lexicon(name):
        value = term.decode("utf-8") if isinstance(term, bytes) else term
        ids, _ = postings_of(leaf, name, value)
        if len(ids):
            found[value] = ids
    return found


class FacetField:
    """One facet's values and the documents that carry each, as arrays."""

    def __init__(self, name: str, postings: Mapping[str, np.ndarray]) -> None:
        self.name = name
        keyed = sorted((normalise(value), value) for value in postings)  # display order
        self.values = [value for _, value in keyed]
        self.normalised = [key for key, _ in keyed]
        self.ordinal = {value: i for i, value in enumerate(self.values)}
        self.totals = np.array([len(postings[v]) for v in self.values], dtype=np.int64)  # documents per value
        self.offsets = np.concatenate(([0], np.cumsum(self.totals)))
        self.docs = (
            np.concatenate([postings[v] for v in self.values]).astype(np.int32)
            if self.values else np.zeros(0, dtype=np.int32)
        )
        self.ords = np.repeat(np.arange(len(self.values), dtype=np.int32), self.totals)
        self._by_normalised: dict[str, list[int]] = {}
        for i, key in enumerate(self.normalised):
            self._by_normalised.setdefault(key, []).append(i)

    @classmethod
    def from_reader(cls, reader, name: str) -> FacetField:
        """Segment by segment: from the facet's column where the segment has one (one
        sequential pass), else from its postings, one list per value."""
        parts: dict[str, list[np.ndarray]] = {}
        for leaf, offset in reader.leaf_readers():
            found = _from_column(leaf, name) if leaf.has_column(name) else _from_postings(leaf, name)
            for value, ids in found.items():
                parts.setdefault(value, []).append(ids + offset)
        return cls(name, {value: np.concatenate(ids) for value, ids in parts.items()})

    def lookup(self, value: str) -> list[int]:
        """Ordinals a filter value stands for: the value itself, else values equal to it folded."""
        if value in self.ordinal:
            return [self.ordinal[value]]
        return list(self._by_normalised.get(normalise(value), ()))

    def docs_of(self, ordinals: Iterable[int]) -> np.ndarray:
        parts = [self.docs[self.offsets[i] : self.offsets[i + 1]] for i in ordinals]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

    def mask_of(self, values: Iterable[str], size: int) -> np.ndarray:
        """Documents carrying any of `values` (matched case/accent-insensitively)."""
        mask = np.zeros(size, dtype=bool)
        mask[self.docs_of(i for value in values for i in self.lookup(value))] = True
        return mask

    def count(self, mask: np.ndarray, size: int) -> list[dict]:
        counts = np.bincount(self.ords[mask[self.docs]], minlength=len(self.values))
        return top_counts(self.values, counts, size)

    def match(self, text: str, is_pattern: bool) -> list[str]:
        """Values a query clause (`actor:assad`, `actor:"Bashar al-Assad"`, `location:hom*`) names.

        The whole value folded if one is equal, else every value containing the clause's
        words as whole words in a row; a `*` matches the rest of a word.
        """
        budget.check()  # a scan over every value of the facet
        if is_pattern:
            pieces = [normalise(piece) for piece in fold(text).split("*")]
            regex = re.compile(r"(?:^| )" + r"\w*".join(re.escape(p) for p in pieces) + r"\w*(?= |$)")
            found = [i for i, key in enumerate(self.normalised) if regex.search(key)]
        else:
            key = normalise(text)
            if not key:
                return []
            found = list(self._by_normalised.get(key, ()))
            if not found:
                needle = f" {key} "
                found = [i for i, other in enumerate(self.normalised) if needle in f" {other} "]
        found.sort(key=lambda i: -self.totals[i])  # most frequent first
        return [self.values[i] for i in found[:MAX_EXPANSIONS]]

    def starting_with(self, prefix: str, limit: int) -> list[dict]:
        """Type-ahead: values whose start, or the start of one of their words, is `prefix`.

        Values that start with it come first, then by number of articles, then by name.
        """
        key = normalise(prefix)
        if not key:
            return top_counts(self.values, self.totals, limit)
        inner = " " + key
        hits = []
        for i, other in enumerate(self.normalised):
            if other.startswith(key):
                hits.append((0, -int(self.totals[i]), i))
            elif inner in other:
                hits.append((1, -int(self.totals[i]), i))
        hits.sort()
        return [{"value": self.values[i], "count": -negative} for _, negative, i in hits[:limit]]


def date_counts(dates: np.ndarray, mask: np.ndarray, by_month: bool) -> list[dict]:
    """Publication dates of the masked documents by year (`2020`) or month (`2020-01`); unknown dates left out.

    Every period with an article is returned, not the `facet_size` busiest: the date facet is
    a histogram, and one with quiet years or months cut out would misstate the timeline. The
    count is bounded anyway: at most 13 months (a range of a year or less), or the years the
    corpus spans.
    """
    chosen = dates[mask]
    chosen = chosen[chosen > 0]
    keys, counts = np.unique(chosen // (100 if by_month else 10000), return_counts=True)
    labels = [f"{k // 100:04d}-{k % 100:02d}" if by_month else f"{k:04d}" for k in keys.tolist()]
    return top_counts(labels, counts, len(labels))


@dataclass(frozen=True)
class Filters:
    """The facet and date filters of one search."""

    include: Mapping[str, Sequence[str]] = field(default_factory=dict)  # OR within a facet, AND across
    exclude: Mapping[str, Sequence[str]] = field(default_factory=dict)
    dates: DateRange | None = None


class FacetIndex:
    """Every facet of one index generation, its date column and its live documents."""

    def __init__(self, fields: Mapping[str, FacetField], dates: np.ndarray, live: np.ndarray) -> None:
        self.fields = dict(fields)
        self.dates = dates
        self.live = live
        self.size = len(live)

    @classmethod
    def from_reader(cls, reader) -> FacetIndex:
        size = reader.doc_count_all()
        live = np.ones(size, dtype=bool)
        if reader.has_deletions():  # an incremental build leaves deleted documents in old segments
            live[:] = False
            live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        dates = np.zeros(size, dtype=np.int64)
        if size and reader.has_column("date"):
            dates = np.fromiter(reader.column_reader("date"), dtype=np.int64, count=size)
        fields = {name: FacetField.from_reader(reader, name) for name in FACET_FIELDS}
        return cls(fields, dates, live)

    def date_mask(self, dates: DateRange) -> np.ndarray:
        return (self.dates >= dates.lo) & (self.dates <= dates.hi)

    def select(self, base: np.ndarray, filters: Filters) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The documents passing every filter, and for each facet those passing all but its own (`date`: all)."""
        allowed = base & self.live
        for name, values in filters.exclude.items():
            if values:
                allowed &= ~self.fields[name].mask_of(values, self.size)
        if filters.dates is not None:
            allowed &= self.date_mask(filters.dates)
        own = {name: self.fields[name].mask_of(values, self.size) for name, values in filters.include.items() if values}
        total = allowed.copy()
        for mask in own.values():
            total &= mask
        counted = {"date": total}
        for name in FACET_FIELDS:
            if name not in own:
                counted[name] = total
                continue
            mask = allowed.copy()
            for other, other_mask in own.items():
                if other != name:
                    mask &= other_mask
            counted[name] = mask
        return total, counted
