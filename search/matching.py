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
  words over documents already known to contain it;
- top-k ranking that stops early (block-max): when the matches far outnumber the page,
  only the matches in blocks of `BLOCK_SIZE` consecutive documents whose score bound can
  still reach the page are scored, best bound first (`ArrayMatcher.ranked`). A block's
  bound is, summed over the query's terms, the term's BM25F at its largest weight in the
  block and its smallest field length per weight there (stored beside the mapped postings,
  `index.postings.block_bounds`, or taken from the postings read for rare terms); the
  scoring stops once no unscored block's bound reaches the k-th best score found, so the
  page is exactly the exhaustive one (`ranked(..., exhaustive=True)`), scores to the bit.

The block reader uses Whoosh 2.7's `W3LeafMatcher` internals (the version is pinned in
setup.cfg); any other matcher falls back to the public one-document-at-a-time API.
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher

from index.columns import Columns
from index.postings import BLOCK_SIZE, LENGTH_OF_BYTE, SegmentPostings, block_bounds, read_postings
from search import budget
from search.query import QueryError, shown_phrase

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults
# Articles x words one search may check positions for (phrases): about 1 s of Whoosh's matching.
MAX_POSITIONAL_WORK = 150_000
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
# Early-stopping top-k pays only when the matches are many, and many times the ranking asked for: it costs
# about 0.4 ms before it scores anything (bounds, block order), exhaustive ranking about 25 ns a match
# (measured over 19,043 news articles, too few for it to pay on any query).
MIN_PRUNED_CANDIDATES = 32_768
MIN_CANDIDATES_PER_RANK = 8
# A block's bound, computed in floating point, may fall this fraction short of a score it bounds (rounding).
BOUND_SLACK = 1e-9
# Blocks the early-stopping ranking scores at least per round (each round costs a few numpy calls).
MIN_BLOCKS_PER_ROUND = 8


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


def term_scores(boost: float, idf: float, weights: np.ndarray, length_bytes: np.ndarray, average: float) -> np.ndarray:
    """One term's BM25F contribution at these weights and field length bytes; the one formula both exhaustive
    scoring and the early-stopping ranking (its scores and its bounds) use, so their scores agree to the bit."""
    norm = K1 * ((1 - B) + B * LENGTH_OF_BYTE[length_bytes] / average)
    return boost * idf * (weights * (K1 + 1)) / (weights + norm)


def term_bound(boost: float, idf: float, max_weights: np.ndarray, min_length_per_weight: np.ndarray,
               average: float) -> np.ndarray:
    """The most a term can add to a document's score in blocks where its largest weight and smallest field length
    per weight are these: `term_scores` is (K1+1) / (1 + K1(1-B)/w + K1 B (L/w)/avg), rising with w and falling
    with L/w, so each taken at its extreme bounds every document of the block."""
    return boost * idf * (K1 + 1) / (1 + K1 * (1 - B) / max_weights + K1 * B * min_length_per_weight / average)


def _ranges(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """The positions first[i]..last[i] - 1 of every range, in order, as one array."""
    sizes = last - first
    return np.repeat(first - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))


def _least(values: np.ndarray, count: int) -> np.ndarray:
    """The `count` least of `values` (all of them if there are no more), in no order."""
    return np.partition(values, count - 1)[:count] if len(values) > count else values


def best_ranked(candidates: np.ndarray, negated: np.ndarray, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """The `stop` candidates of least negated score, best first, ties (also at the cut-off) to the earliest
    document, so a page is the same whatever length of ranking, or set of candidates beyond it, it came from."""
    if stop < len(candidates):
        threshold = np.partition(negated, stop - 1)[stop - 1]  # `argpartition` alone picks tied ones at will
        better = np.flatnonzero(negated < threshold)
        tied = np.flatnonzero(negated == threshold)
        tied = tied[np.argsort(candidates[tied], kind="stable")][: stop - len(better)]
        keep = np.concatenate((better, tied))
    else:
        keep = np.arange(len(candidates))
    order = keep[np.lexsort((candidates[keep], negated[keep]))][:stop]
    return candidates[order], -negated[order]


@dataclass(frozen=True)
class _ScoredTerm:
    """One positive term of a query as BM25F weighs it: its postings over all segments, idf and field lengths."""

    fieldname: str
    text: str
    boost: float
    ids: np.ndarray
    weights: np.ndarray
    idf: float
    lengths: np.ndarray  # the field's length byte per document
    average: float


@dataclass
class _Pruning:
    """One query's early-stopping ranking so far (`ArrayMatcher._pruned`), kept for a longer ranking of the
    same matches (story collapsing asks again): its blocks by falling bound and the matches scored."""

    query: wq.Query
    mask: np.ndarray
    terms: list[_ScoredTerm]  # the query's, in the order scores sum them
    candidates: np.ndarray  # the matches, ascending
    bounds: np.ndarray  # the bounds of the blocks holding a match, falling
    starts: np.ndarray  # those blocks' first documents, in that order
    ends: np.ndarray  # and one past their last
    first: np.ndarray  # each block's first match, as a position in `candidates` (block order)
    last: np.ndarray  # and one past its last
    scores: np.ndarray  # every document's score, where its block is scored (`ArrayMatcher._score_blocks`)
    visited: int = 0  # blocks scored, from the first
    docs: np.ndarray = field(default_factory=lambda: _EMPTY[0])  # the matches scored
    negated: np.ndarray = field(default_factory=lambda: _EMPTY[1])  # and their negated scores


class ArrayMatcher:
    """Masks and BM25F scores for queries over one Whoosh searcher (all its segments); one per search."""

    max_positional_work = MAX_POSITIONAL_WORK
    min_pruned_candidates = MIN_PRUNED_CANDIDATES

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
        self._pruning: _Pruning | None = None  # `_pruned`'s last ranking
        self.positional_work = 0  # articles x words checked for phrases so far (`_charge_positions`)
        self.scored = 0  # documents the early-stopping ranking has scored (`_pruned`)
        # Each segment's first block number among all segments' blocks of BLOCK_SIZE documents.
        self._first_blocks = np.cumsum([0] + [-(-leaf.doc_count_all() // BLOCK_SIZE) for _, leaf, _ in self.leaves])

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
            for term in self._scored_terms(q):
                scores[term.ids] += term_scores(term.boost, term.idf, term.weights, term.lengths[term.ids],
                                                term.average)
            self._scores[q] = scores
        return self._scores[q]

    def _scored_terms(self, q: wq.Query) -> Iterator[_ScoredTerm]:
        """The query's positive terms that some document holds, in the order scores sum them, with what
        BM25F weighs them by."""
        documents = self.searcher.doc_count_all()
        for fieldname, text, boost in positive_terms(q):
            budget.check()
            ids, weights = self.postings(fieldname, text)
            if len(ids):
                idf = math.log(documents / (self.searcher.doc_frequency(fieldname, text) + 1)) + 1
                lengths, average = self.lengths.of(fieldname, self.searcher)
                yield _ScoredTerm(fieldname, text, boost, ids, weights, idf, lengths, average)

    def _block_range(self) -> tuple[np.ndarray, np.ndarray]:
        """(first document, one past the last) of every block, all segments' in document order: a segment's
        blocks are its BLOCK_SIZE documents at a time from its own first, as the postings files count them."""
        starts, ends = [], []
        for _, leaf, offset in self.leaves:
            size = leaf.doc_count_all()
            first = np.arange(0, size, BLOCK_SIZE, dtype=np.int64)
            starts.append(offset + first)
            ends.append(offset + np.minimum(first + BLOCK_SIZE, size))
        return np.concatenate(starts), np.concatenate(ends)

    def _term_bounds(self, term: _ScoredTerm) -> tuple[np.ndarray, np.ndarray]:
        """(block numbers among all segments' blocks, the term's bound in each): from the segments' bounds files,
        else (rare terms, segments without one) from the postings read, those segments' together."""
        blocks, found_bounds = [], []
        offsets = np.array([offset for _, _, offset in self.leaves], dtype=np.int64)
        unbounded = np.ones(len(term.ids), dtype=bool)
        cuts = np.searchsorted(term.ids, [*offsets.tolist(), self.size])
        for n_leaf, mapped in enumerate(self.mapped):
            stored = mapped.block_bounds(term.fieldname, term.text) if mapped is not None else None
            if stored is not None:
                blocks.append(stored[0] + self._first_blocks[n_leaf])
                found_bounds.append(stored[1:])
                unbounded[cuts[n_leaf] : cuts[n_leaf + 1]] = False
        ids, weights = term.ids[unbounded], term.weights[unbounded]
        segments = np.searchsorted(offsets, ids, side="right") - 1
        _, *computed = block_bounds(self._first_blocks[segments] + (ids - offsets[segments]) // BLOCK_SIZE, weights,
                                    LENGTH_OF_BYTE[term.lengths[ids]], np.array([0, len(ids)]))
        blocks.append(computed[0])
        found_bounds.append((computed[1], computed[2]))
        return np.concatenate(blocks), term_bound(term.boost, term.idf, np.concatenate([b[0] for b in found_bounds]),
                                                  np.concatenate([b[1] for b in found_bounds]), term.average)

    def _bounds(self, terms: list[_ScoredTerm], blocks: int) -> np.ndarray:
        """Every block's bound on the score of any document in it: its terms' bounds summed."""
        bounds = np.zeros(blocks, dtype=np.float64)
        for term in terms:
            found, term_bounds = self._term_bounds(term)
            bounds[found] += term_bounds
        return bounds

    def _score_blocks(self, state: _Pruning, count: int) -> np.ndarray:
        """Score the next `count` blocks of `state`: each term's postings in them added, term by term as
        `scores` adds them (so the sums agree to the bit), then their matches' scores kept; their negated scores."""
        chosen = slice(state.visited, state.visited + count)
        starts, ends = state.starts[chosen], state.ends[chosen]
        for term in state.terms:
            at = _ranges(np.searchsorted(term.ids, starts), np.searchsorted(term.ids, ends))
            if len(at):
                ids = term.ids[at]
                state.scores[ids] += term_scores(term.boost, term.idf, term.weights[at], term.lengths[ids],
                                                 term.average)
        found = state.candidates[_ranges(state.first[chosen], state.last[chosen])]
        negated = -state.scores[found]
        state.docs = np.concatenate((state.docs, found))
        state.negated = np.concatenate((state.negated, negated))
        state.visited += len(starts)
        self.scored += len(found)
        return negated

    def top(self, q: wq.Query, mask: np.ndarray, start: int, stop: int,
            docs: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(document, score) ranked start..stop among the masked documents, best first, ties in index order
        (`ranked`)."""
        found, scores = self.ranked(q, mask, stop, docs)
        return list(zip(found[start:].tolist(), scores[start:].tolist(), strict=True))

    def ranked(self, q: wq.Query, mask: np.ndarray, stop: int, docs: np.ndarray | None = None,
               exhaustive: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The `stop` best masked documents and their scores, best first, ties to the earliest document, as arrays
        (no Python object per hit).

        `docs`, if given, are the mask's documents (`np.flatnonzero(mask)`). Where the matches far
        outnumber `stop`, only the blocks that can reach the ranking are scored (`_pruned`); with
        `exhaustive`, or where that does not pay, every match is (`scores`). Either way what was
        scored is kept for the next call with the same query and mask: story collapsing asks for
        longer rankings of the same matches until the page holds enough stories.
        """
        if not exhaustive:
            found = self._pruned(q, mask, stop, docs)
            if found is not None:
                return found
        kept = self._candidates
        if kept is not None and kept[0] == q and kept[1] is mask:
            candidates, negated = kept[2], kept[3]
        else:
            candidates = np.flatnonzero(mask) if docs is None else docs
            negated = -self.scores(q)[candidates]
            self._candidates = (q, mask, candidates, negated)
        return best_ranked(candidates, negated, stop)

    def _pruned(self, q: wq.Query, mask: np.ndarray, stop: int,
                docs: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
        """`ranked` by blocks of falling bound, stopping once the next block's bound is below the `stop`-th best
        score found (no document left can reach the ranking, nor tie with it); None where it would not pay.

        Each round scores the blocks whose bound still reaches that score, at most three times as
        many as were scored before (the score rises as blocks are scored, so later blocks may drop
        out; each round costs some 20 numpy calls a term, so there are few).
        """
        state = self._pruning
        if stop < 1:
            return None
        if state is None or not (state.query == q and state.mask is mask):
            state = self._start_pruning(q, mask, stop, np.flatnonzero(mask) if docs is None else docs)
            if state is None:
                return None
            self._pruning = state
        best = _least(state.negated, stop)  # the `stop` best scores so far, negated
        while state.visited < len(state.bounds):
            if len(best) >= stop:
                kth = -best.max()
                reaching = int(np.searchsorted(-state.bounds, -kth / (1 + BOUND_SLACK), side="right"))
                if reaching <= state.visited:
                    break
                count = min(reaching - state.visited, max(3 * state.visited, MIN_BLOCKS_PER_ROUND))
            else:  # enough blocks to hold `stop` matches
                held = np.cumsum(state.last[state.visited :] - state.first[state.visited :])
                count = max(int(np.searchsorted(held, stop - len(state.docs))) + 1, MIN_BLOCKS_PER_ROUND)
            best = _least(np.concatenate((best, self._score_blocks(state, count))), stop)
        return best_ranked(state.docs, state.negated, stop)

    def _start_pruning(self, q: wq.Query, mask: np.ndarray, stop: int, candidates: np.ndarray) -> _Pruning | None:
        """The blocks holding a match, by falling bound; None where early stopping does not pay (few matches, or
        few per rank asked, no term to score by) or its bound is not safe (a negative boost)."""
        if len(candidates) < max(self.min_pruned_candidates, MIN_CANDIDATES_PER_RANK * stop):
            return None
        terms = list(self._scored_terms(q))
        if not terms or any(term.boost < 0 for term in terms):
            return None
        starts, ends = self._block_range()
        first, last = np.searchsorted(candidates, starts), np.searchsorted(candidates, ends)
        bounds = self._bounds(terms, len(starts))
        held = np.flatnonzero(last > first)
        order = held[np.argsort(-bounds[held], kind="stable")]
        return _Pruning(q, mask, terms, candidates, bounds[order], starts[order], ends[order], first[order],
                        last[order], np.zeros(self.size, dtype=np.float64))


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
