"""Facet counting over arrays, written at index time and mapped per open index (`index.columns`).

Whoosh's `groupedby` rebuilds its facet maps and walks every hit in Python on every
query. Here each facet field is a set of arrays of one index generation: its values (a
string table in display order), and its (document, value ordinal) pairs grouped by
ordinal; a query's matches arrive as a boolean document mask, and counting a facet is
one `np.bincount` over the pairs whose document is in the mask. Filters work the same
way: the documents of the chosen values are a slice of the pairs.

Rules (issue 3): several values of one facet are OR, facets are AND, exclusions remove
documents everywhere, and each facet is counted with every filter except its own, so
its counts show what adding a second value would bring. Dates are counted by year, or
by month when the date range in force spans a year or less; a date range is not a set
of values one adds to, so the date facet counts within it (drilling down from years to
the months of the chosen year).
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from index.analysis import fold
from index.columns import JOINT_PREFIX, Columns, StringTable, facet_part, joint_facets, merge_facet, normalise
from index.schema import FACET_FIELDS, PLACE_TREE_FIELD, PLACE_TREE_SEPARATOR
from search import budget
from search.query import MAX_EXPANSIONS, DateRange

# Counting reads the matched documents' own values below this share of the corpus matched (`FacetField.count`):
# on 190,000 Reuters stories that was 2-4x faster than a pass over every (document, value) pair up to half the
# corpus matched, and even at 80%.
BY_DOCUMENT_SHARE = 0.5

__all__ = ["FacetField", "FacetIndex", "Filters", "PlaceTree", "date_counts", "normalise", "top_counts"]


def top_counts(labels: Sequence[str], counts: np.ndarray, size: int) -> list[dict]:
    """The `size` labels with the highest non-zero counts, by count then label order."""
    nonzero = np.flatnonzero(counts)
    if not len(nonzero) or size <= 0:
        return []
    if len(nonzero) > size:  # only values counted at least as often as the size-th largest can be shown
        least = np.partition(counts[nonzero], len(nonzero) - size)[len(nonzero) - size]
        nonzero = nonzero[counts[nonzero] >= least]
    # `labels` are in display order, so the position breaks ties by name.
    order = nonzero[np.lexsort((nonzero, -counts[nonzero]))][:size]
    return [{"value": labels[i], "count": int(counts[i])} for i in order]


def values_of(doc_offsets: np.ndarray, doc_ords: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """The value ordinals documents carry, from pairs grouped by document (`doc_ords[doc_offsets[d]:doc_offsets[d + 1]]`
    are document d's): one gather, whose cost follows the documents asked for, not the corpus."""
    docs = docs[docs < len(doc_offsets) - 1]  # a field built from postings ends at its last document
    starts = doc_offsets[docs]
    lengths = doc_offsets[1:][docs] - starts
    before = np.cumsum(lengths) - lengths  # where each document's values go in the result
    at = np.repeat(starts - before, lengths)
    at += np.arange(len(at))  # in place and `take`: a fifth less than fancy indexing over fresh temporaries
    return np.take(doc_ords, at)


class FacetField:
    """One facet's values and the documents that carry each, as arrays (see `index.columns.merge_facet`)."""

    def __init__(self, name: str, postings: Mapping[str, np.ndarray] | Columns) -> None:
        """From a generation's columns, or from documents per value (computed here, in the same layout)."""
        if not isinstance(postings, Columns):
            size = 1 + max((int(ids.max()) for ids in postings.values() if len(ids)), default=-1)
            arrays: dict[str, np.ndarray] = {}
            merge_facet(name, [(Columns({}, facet_part(name, postings)), 0)], np.ones(size, dtype=bool), arrays)
            postings = Columns({}, arrays)
        self.name = name
        prefix = f"facet.{name}."
        self.values: StringTable = postings.table(prefix + "values")  # display order: folded, then as written
        self.normalised: StringTable = postings.table(prefix + "normalised")  # so sorted
        self._by_value = postings.arrays[prefix + "by_value"]  # ordinals in the order of their values
        self.totals = postings.arrays[prefix + "totals"]  # documents per value
        self.offsets = postings.arrays[prefix + "offsets"]
        self.docs = postings.arrays[prefix + "docs"]
        self.ords = postings.arrays[prefix + "ords"]
        self._doc_offsets = postings.arrays[prefix + "doc_offsets"]  # the same pairs grouped by document
        self._doc_ords = postings.arrays[prefix + "doc_ords"]

    def _ordinal(self, value: str) -> int | None:
        """The ordinal of exactly `value`: a binary search through the values in their own order."""
        at = bisect.bisect_left(self._by_value, value, key=lambda ordinal: self.values[int(ordinal)])
        if at < len(self._by_value) and self.values[int(self._by_value[at])] == value:
            return int(self._by_value[at])
        return None

    def _folded(self, key: str) -> list[int]:
        """Ordinals of the values whose folded form is `key` (adjacent: display order sorts by it)."""
        lo, hi = self.normalised.span(key)
        return list(range(lo, hi))

    def lookup(self, value: str) -> list[int]:
        """Ordinals a filter value stands for: the value itself, else values equal to it folded."""
        ordinal = self._ordinal(value)
        return [ordinal] if ordinal is not None else self._folded(normalise(value))

    def docs_of(self, ordinals: Iterable[int]) -> np.ndarray:
        parts = [self.docs[self.offsets[i] : self.offsets[i + 1]] for i in ordinals]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

    def mask_of(self, values: Iterable[str], size: int) -> np.ndarray:
        """Documents carrying any of `values` (matched case/accent-insensitively)."""
        mask = np.zeros(size, dtype=bool)
        mask[self.docs_of(i for value in values for i in self.lookup(value))] = True
        return mask

    def count(self, mask: np.ndarray, size: int, matched: np.ndarray | None = None) -> list[dict]:
        """The `size` values most carried by the masked documents (see `counts`)."""
        if not len(self.docs):
            return []
        return top_counts(self.values, self.counts(mask, matched), size)

    def counts(self, mask: np.ndarray, matched: np.ndarray | None = None) -> np.ndarray:
        """Masked documents per value ordinal.

        A query matching few documents reads only their values (pairs grouped by document),
        so its cost, and the pages it touches, follow the matches rather than the corpus;
        one matching many reads every pair once (`BY_DOCUMENT_SHARE`). `matched`, if given, is
        `np.flatnonzero(mask)`, found once for all the facets counted over one mask.
        """
        if matched is None:
            matched = np.flatnonzero(mask)
        if len(matched) <= BY_DOCUMENT_SHARE * len(mask):
            ords = values_of(self._doc_offsets, self._doc_ords, matched)
        else:
            ords = self.ords[mask[self.docs]]
        return np.bincount(ords, minlength=len(self.values))

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
            found = self._folded(key)
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


class PlaceTree:
    """The location facet as a tree (country > division > place), counted from the paths field
    (`index.schema.PLACE_TREE_FIELD`: a value per node, every prefix its own value).

    Each node's parent, shown name and rank among the names are found once per generation
    (the paths decoded once); a search counts the paths' ordinals and picks each level's
    nodes with a few array operations over the non-zero counts, so it never decodes a path,
    and no Python runs per node but the few it shows.
    """

    def __init__(self, paths: FacetField) -> None:
        self.paths = paths
        full = list(paths.values)
        ordinal = {path: i for i, path in enumerate(full)}
        # -1: a country (a root); -2: a path whose parent is not a value (never shown).
        self.parent = np.array([ordinal.get(path.rpartition(PLACE_TREE_SEPARATOR)[0], -2)
                                if PLACE_TREE_SEPARATOR in path else -1 for path in full], dtype=np.int64)
        self.names = [path.rpartition(PLACE_TREE_SEPARATOR)[2] for path in full]
        self.name_rank = np.empty(len(full), dtype=np.int64)  # ties of count are shown by name
        self.name_rank[sorted(range(len(full)), key=self.names.__getitem__)] = np.arange(len(full))

    def tree(self, counts: np.ndarray, size: int) -> list[dict]:
        """`[{"value": country, "count": n, "children": [{"value": division, ...,
        "children": [{"value": place, "count": n}]}]}]` from the paths' counts over the matched documents
        (`FacetField.counts` or `FacetIndex.counts`).

        Each count is the articles with any place under that node, never a sum that counts an
        article twice. Every level keeps its `size` largest nodes, by count then name, as the
        flat facets do. A place whose division is unknown is a leaf at the division level (no
        `children`); a division named in the text is a node of the second level only.
        """
        if not len(self.paths.docs) or size <= 0:
            return []
        carried = np.flatnonzero(counts)
        levels = []
        shown = np.array([-1], dtype=np.int64)  # the parents whose children the next level shows
        while len(shown):
            candidates = carried[np.isin(self.parent[carried], shown)]
            # By parent, then count (largest first), then name; the first `size` of each parent kept.
            ranked = candidates[np.lexsort((self.name_rank[candidates], -counts[candidates], self.parent[candidates]))]
            groups = self.parent[ranked]
            starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if len(ranked) else ranked
            place = np.arange(len(ranked)) - np.repeat(starts, np.diff(np.r_[starts, len(ranked)]))
            shown = ranked[place < size]
            levels.append(shown)
        nodes = {kid: {"value": self.names[kid], "count": count}
                 for kept in levels for kid, count in zip(kept.tolist(), counts[kept].tolist(), strict=True)}
        for kept in levels[1:]:
            for kid, parent in zip(kept.tolist(), self.parent[kept].tolist(), strict=True):
                nodes[parent].setdefault("children", []).append(nodes[kid])
        return [nodes[kid] for kid in levels[0].tolist()]


def date_counts(dates: np.ndarray, docs: np.ndarray, by_month: bool) -> list[dict]:
    """Publication dates of the documents (their numbers) by year (`2020`) or month (`2020-01`); unknown ones left out.

    Every period with an article is returned, not the `facet_size` busiest: the date facet is
    a histogram, and one with quiet years or months cut out would misstate the timeline. The
    count is bounded anyway: at most 13 months (a range of a year or less), or the years the
    corpus spans.
    """
    chosen = dates[docs]
    periods = chosen[chosen > 0] // (100 if by_month else 10000)
    if not len(periods):
        return []
    first = int(periods.min())  # a year's months or at most 10,000 years: a bincount, not a sort
    counts = np.bincount(periods - first)
    keys = np.flatnonzero(counts)
    counts = counts[keys]
    keys = keys + first
    labels = [f"{k // 100:04d}-{k % 100:02d}" if by_month else f"{k:04d}" for k in keys.tolist()]
    return top_counts(labels, counts, len(labels))


@dataclass(frozen=True)
class Filters:
    """The facet and date filters of one search."""

    include: Mapping[str, Sequence[str]] = field(default_factory=dict)  # OR within a facet, AND across
    exclude: Mapping[str, Sequence[str]] = field(default_factory=dict)
    dates: DateRange | None = None


class JointFacets:
    """Every facet field's (document, value) pairs in one table grouped by document (`index.columns.joint_facets`),
    so the facets counted over one mask cost one gather and one `np.bincount` together."""

    def __init__(self, names: Sequence[str], arrays: Mapping[str, np.ndarray]) -> None:
        self.names = list(names)
        self.bases = arrays[JOINT_PREFIX + "bases"].tolist()
        self.doc_offsets = arrays[JOINT_PREFIX + "doc_offsets"]
        self.doc_ords = arrays[JOINT_PREFIX + "doc_ords"]

    def counts(self, matched: np.ndarray) -> dict[str, np.ndarray]:
        """Each field's documents per value ordinal among `matched` (document numbers), as `FacetField.counts`."""
        every = np.bincount(values_of(self.doc_offsets, self.doc_ords, matched), minlength=self.bases[-1])
        return {name: every[self.bases[n] : self.bases[n + 1]] for n, name in enumerate(self.names)}


class FacetIndex:
    """Every facet of one index generation, its date column and its live documents."""

    def __init__(self, fields: Mapping[str, FacetField], dates: np.ndarray, live: np.ndarray,
                 columns: Columns | None = None) -> None:
        """`columns`, the generation's, give the joint table of its facet fields (`joint`)."""
        self.fields = dict(fields)
        self.dates = dates
        self.live = live
        self.size = len(live)
        self._columns = columns

    @classmethod
    def from_columns(cls, columns: Columns) -> FacetIndex:
        """Every facet field the columns have (`index.schema.FacetValues`), counted or not; a counted one
        or the location tree's paths the index lacks (built before that field existed) has no values."""
        fields = {name: FacetField(name, columns) for name in columns.meta["facets"]}
        fields.update({name: FacetField(name, {}) for name in (*FACET_FIELDS, PLACE_TREE_FIELD) if name not in fields})
        return cls(fields, columns.arrays["dates"], columns.arrays["live"], columns)

    @cached_property
    def joint(self) -> JointFacets | None:
        """The columns' joint table of their facet fields; columns written before it had one get it computed here,
        once (about 0.1 s and 12 MB per 190,000 Reuters stories); None without columns."""
        if self._columns is None:
            return None
        names, arrays = self._columns.meta["facets"], self._columns.arrays
        if JOINT_PREFIX + "doc_ords" not in arrays:
            arrays = joint_facets(arrays, names, self.size)
        return JointFacets(names, arrays)

    def counts(self, masks: Mapping[str, np.ndarray], known: Mapping[int, np.ndarray] | None = None
               ) -> dict[str, np.ndarray]:
        """Each named facet's documents per value ordinal under its own mask; `known` holds the documents
        (`np.flatnonzero`) of masks the caller has already found them for, by `id` of the mask.

        The facets sharing a mask (all but those with a filter of their own, and the location
        tree's paths) are counted together from the joint table when it matches few enough
        documents for reading their values to pay (`BY_DOCUMENT_SHARE`); any other one alone.
        """
        shared: dict[int, list[str]] = {}
        for name, mask in masks.items():
            shared.setdefault(id(mask), []).append(name)
        found: dict[str, np.ndarray] = {}
        for names in shared.values():
            mask = masks[names[0]]
            matched = known[id(mask)] if known and id(mask) in known else np.flatnonzero(mask)
            joint = self.joint if len(names) > 1 and len(matched) <= BY_DOCUMENT_SHARE * len(mask) else None
            together = joint.counts(matched) if joint is not None else {}
            found.update((name, together[name] if name in together else self.fields[name].counts(mask, matched))
                         for name in names)
        return found

    @cached_property
    def place_tree(self) -> PlaceTree:
        """The location tree's paths (an index built before the tree has an empty one), their parents
        found on first use: one pass over the paths, a few milliseconds per 10,000 of them."""
        return PlaceTree(self.fields[PLACE_TREE_FIELD])

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
