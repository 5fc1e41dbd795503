"""Matching and ranking over arrays: which documents a query matches, and the top k by BM25F.

Whoosh's `Matcher.all_ids()` and its scoring collector walk postings one document at
a time in Python (30 ms for a word in 15,000 Reuters stories, twice: once to count,
once to rank). Here a term's postings are read a block (up to 128 documents) at a
time into numpy arrays of document numbers and weights:

- matching: And, Or and Not become `&`, `|` and `~` over boolean masks; only
  positional queries (phrases) still use Whoosh's matchers, and only when the phrase's
  words co-occur at all;
- ranking: Whoosh's own BM25F formula and statistics (idf `log(N/(df+1))+1`, the
  quantised field lengths, B=0.75, K1=1.2, field boosts in the weights), summed over the
  query's positive terms as Whoosh's And/Or matchers sum them, computed for all
  matches at once, and the top k picked with `argpartition`. A phrase is ranked by its
  words over documents already known to contain it.

The block reader uses Whoosh 2.7's `W3LeafMatcher` internals (the version is pinned in
setup.cfg); any other matcher falls back to the public one-document-at-a-time API.
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.util.numeric import byte_to_length

from index.columns import Columns
from index.postings import SegmentPostings, read_postings
from search import budget
from search.query import QueryError, shown_phrase

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults
# Articles x words one search may check positions for (phrases): about 1 s of Whoosh's matching.
MAX_POSITIONAL_WORK = 150_000
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
# A stored length byte's length, as Whoosh's `doc_field_length` decodes it (0: no length).
LENGTH_OF_BYTE = np.array([0.0] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float64)


def postings_of(reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers within one segment, weights) of a term's postings, read through Whoosh."""
    if (fieldname, text) not in reader:
        return _EMPTY
    matcher = reader.postings(fieldname, text)
    if type(matcher) is W3LeafMatcher:
        return read_postings(matcher)
    ids, weights = [], []  # e.g. wrapped to hide deleted documents: one document at a time
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


def positive_terms(q: wq.Query) -> Iterator[tuple[str, str, float]]:
    """(field, text, boost) of every term that adds to a document's score (not under NOT)."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.Term):
        yield q.fieldname, q.text, q.boost
    elif isinstance(q, wq.Phrase):
        for word in q.words:
            yield q.fieldname, word, q.boost
    elif not q.is_leaf():
        for child in q.children():
            yield from positive_terms(child)


class ArrayMatcher:
    """Masks and BM25F scores for queries over one Whoosh searcher (all its segments); one per search."""

    max_positional_work = MAX_POSITIONAL_WORK

    def __init__(self, whoosh_searcher, size: int, dates: np.ndarray, lengths: FieldLengths,
                 mapped: Mapping[str, SegmentPostings] | None = None) -> None:
        self.searcher = whoosh_searcher
        self.leaves = [(leaf.reader(), leaf, offset) for leaf, offset in whoosh_searcher.leaf_searchers()]
        # Each segment's mapped postings of its frequent terms (`index.postings`), where it has them.
        self.mapped = [(mapped or {}).get(reader.segment().segment_id()) for reader, _, _ in self.leaves]
        self.size = size
        self.dates = dates
        self.lengths = lengths
        self._read: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}  # one search reads a term once
        self._scores: dict[wq.Query, np.ndarray] = {}  # `scores`, by query
        # `top`'s last candidates (query, mask, documents, their negated scores): a collapsed page asks again.
        self._candidates: tuple[wq.Query, np.ndarray, np.ndarray, np.ndarray] | None = None
        self.positional_work = 0  # articles x words checked for phrases so far (`_charge_positions`)

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of a term over all segments."""
        key = (fieldname, text)
        if key not in self._read:
            budget.check()
            parts = []
            for (reader, _, offset), mapped in zip(self.leaves, self.mapped, strict=True):
                ids, weights = (mapped and mapped.get(fieldname, text)) or postings_of(reader, fieldname, text)
                if len(ids):
                    parts.append((ids + offset, weights))
            if not parts:
                self._read[key] = _EMPTY
            elif len(parts) == 1:
                self._read[key] = parts[0]
            else:
                self._read[key] = (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))
        return self._read[key]

    def term(self, fieldname: str, text: str) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[self.postings(fieldname, text)[0]] = True
        return mask

    def _charge_positions(self, phrase: wq.Phrase, candidates: int) -> None:
        """Count a phrase's positional work (articles to check x words) against MAX_POSITIONAL_WORK, before doing it.

        Whoosh checks positions one article at a time in Python (about 7 microseconds per
        article and word), in a loop the time budget cannot interrupt, so the cost is known
        and refused up front: a phrase of common words in nearly every article is the one
        query shape whose cost the parser's limits cannot see.
        """
        self.positional_work += candidates * len(phrase.words)
        if self.positional_work > self.max_positional_work:
            raise QueryError(f'the phrase "{shown_phrase(phrase.words)}" is too common to match word by word '
                             f"({candidates} articles have all its words): add a rarer word to it")

    def _whoosh(self, q: wq.Query, leaves: list[int] | None = None) -> np.ndarray:
        """Whoosh's own matcher (positional queries) over all segments or the ones listed, checking the time
        budget as it goes (`search.budget`)."""
        mask = np.zeros(self.size, dtype=bool)
        for n_leaf, (_, leaf, offset) in enumerate(self.leaves):
            if leaves is not None and n_leaf not in leaves:
                continue
            matcher = q.matcher(leaf, leaf.boolean_context())
            found = []
            for n, doc in enumerate(matcher.all_ids()):
                found.append(doc)
                if n % 256 == 255:
                    budget.check()
            mask[np.array(found, dtype=np.int64) + offset] = True
        return mask

    def _mapped_phrase(self, phrase: wq.Phrase, n_leaf: int, candidates: np.ndarray) -> np.ndarray | None:
        """Documents of one segment holding `phrase` word for word, from its mapped positions (`index.postings`);
        None when the segment lacks them for a word (a rare word: Whoosh checks that segment, cheaply).

        Word i at position p of a document is keyed (document, p - i): the phrase is where every
        word has the same key. Only candidate documents (holding every word) are keyed.
        """
        mapped = self.mapped[n_leaf]
        if mapped is None:
            return None
        offset = self.leaves[n_leaf][2]
        keyed = []
        for i, word in enumerate(phrase.words):
            found = mapped.positions(phrase.fieldname, word)
            if found is None:
                return None
            owners, places = found
            keep = candidates[owners + offset]
            # Ascending and distinct: postings are in document order, a document's positions ascend.
            keyed.append(((owners[keep] + offset) << 32) + places[keep] + (len(phrase.words) - i))
        keyed.sort(key=len)  # the rarest word's keys are looked up in the others' (each as long or longer)
        common = keyed[0]
        for keys in keyed[1:]:
            if not len(common):
                break
            at = np.minimum(np.searchsorted(keys, common), len(keys) - 1)
            common = common[keys[at] == common]
            budget.check()
        mask = np.zeros(self.size, dtype=bool)
        mask[common >> 32] = True
        return mask

    def _phrase(self, phrase: wq.Phrase) -> np.ndarray:
        """Documents holding a phrase: its words' documents first, then their positions, mapped or by Whoosh."""
        candidates = np.ones(self.size, dtype=bool)
        for word in phrase.words:
            candidates &= self.term(phrase.fieldname, word)
        if not candidates.any():
            return candidates
        found = np.zeros(self.size, dtype=bool)
        unmapped = []
        adjacent = phrase.slop == 1  # mapped positions answer word-for-word phrases only
        for n_leaf in range(len(self.leaves)):
            mask = self._mapped_phrase(phrase, n_leaf, candidates) if adjacent else None
            if mask is None:
                unmapped.append(n_leaf)
            else:
                found |= mask
        if unmapped:
            within = np.zeros(self.size, dtype=bool)
            for n_leaf in unmapped:
                start = self.leaves[n_leaf][2]
                within[start : start + self.leaves[n_leaf][1].doc_count_all()] = True
            self._charge_positions(phrase, int((candidates & within).sum()))
            found |= candidates & self._whoosh(phrase, unmapped)
        return found

    def mask(self, q: wq.Query) -> np.ndarray:
        """Documents matching `q` (deleted ones included: the caller masks them out)."""
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, wq.And):
            result = np.ones(self.size, dtype=bool)
            for sub in q.subqueries:
                result &= self.mask(sub)
                if not result.any():
                    break
            return result
        if isinstance(q, wq.Or):
            result = np.zeros(self.size, dtype=bool)
            for sub in q.subqueries:
                result |= self.mask(sub)
            return result
        if isinstance(q, wq.Not):
            return ~self.mask(q.query)
        if isinstance(q, wq.NumericRange) and q.fieldname == "date":
            return (self.dates >= q.start) & (self.dates <= q.end)
        if q == wq.NullQuery:
            return np.zeros(self.size, dtype=bool)
        if isinstance(q, wq.Phrase):
            return self._phrase(q)
        return self._whoosh(q)

    def scores(self, q: wq.Query) -> np.ndarray:
        """Every document's BM25F score for `q`, computed once per search (a collapsed page asks `top` again
        for a longer ranking until it holds enough stories)."""
        if q not in self._scores:
            scores = np.zeros(self.size, dtype=np.float64)
            documents = self.searcher.doc_count_all()
            for fieldname, text, boost in positive_terms(q):
                budget.check()
                ids, weights = self.postings(fieldname, text)
                if not len(ids):
                    continue
                idf = math.log(documents / (self.searcher.doc_frequency(fieldname, text) + 1)) + 1
                lengths, average = self.lengths.of(fieldname, self.searcher)
                norm = K1 * ((1 - B) + B * LENGTH_OF_BYTE[lengths[ids]] / average)
                scores[ids] += boost * idf * (weights * (K1 + 1)) / (weights + norm)
            self._scores[q] = scores
        return self._scores[q]

    def top(self, q: wq.Query, mask: np.ndarray, start: int, stop: int,
            docs: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(document, score) ranked start..stop among the masked documents, best first, ties in index order
        (`ranked`)."""
        found, scores = self.ranked(q, mask, stop, docs)
        return list(zip(found[start:].tolist(), scores[start:].tolist(), strict=True))

    def ranked(self, q: wq.Query, mask: np.ndarray, stop: int,
               docs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The `stop` best masked documents and their scores, best first, as arrays (no Python object per hit).

        `docs`, if given, are the mask's documents (`np.flatnonzero(mask)`). The candidates and
        their scores are kept for the next call with the same query and mask: story collapsing
        asks for longer rankings of the same matches until the page holds enough stories.
        """
        kept = self._candidates
        if kept is not None and kept[0] == q and kept[1] is mask:
            candidates, negated = kept[2], kept[3]
        else:
            candidates = np.flatnonzero(mask) if docs is None else docs
            negated = -self.scores(q)[candidates]
            self._candidates = (q, mask, candidates, negated)
        if stop < len(candidates):
            # Ties at the cut-off go to the earliest documents (candidates ascend), so a page is the
            # same whatever length of ranking it came from: `argpartition` alone picks tied ones at will.
            threshold = np.partition(negated, stop - 1)[stop - 1]
            better = np.flatnonzero(negated < threshold)
            tied = np.flatnonzero(negated == threshold)[: stop - len(better)]
            keep = np.concatenate((better, tied))
        else:
            keep = np.arange(len(candidates))
        order = keep[np.lexsort((candidates[keep], negated[keep]))][:stop]
        return candidates[order], -negated[order]


class FieldLengths:
    """Per-document field lengths as Whoosh stores them (one quantised byte each) and their averages.

    From the generation's columns (`index.columns`): ranking decodes the bytes of the
    documents it scores (`LENGTH_OF_BYTE`), never a whole field. A field the columns lack
    (one BM25F does not rank by) has no lengths, as in Whoosh.
    """

    def __init__(self, columns: Columns) -> None:
        self._columns = columns

    def of(self, fieldname: str, searcher) -> tuple[np.ndarray, float]:
        """(length byte per document, average length) of a field."""
        found = self._columns.arrays.get(f"length.{fieldname}")
        if found is None:
            return np.zeros(searcher.doc_count_all(), dtype=np.uint8), searcher.avg_field_length(fieldname) or 1.0
        return found, self._columns.meta["averages"][fieldname]
