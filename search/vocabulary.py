"""The index's own words: wildcard expansion, fuzzy matching and spelling suggestions.

The words of the `exact` field (folded, not stemmed: real words as people type them),
with each word's document frequency, are written per index generation by the indexer
(`index.columns`) and mapped: a sorted string table, searched by bisection, so no Python
object per word is made until a lookup reads it. Whoosh's own `terms_within` walks the
whole lexicon in Python for every fuzzy word; here a character-bigram index (also in the
columns) narrows a lookup to a few dozen candidates first, so fuzzy expansion and "Did
you mean" cost a millisecond or two.
"""
from __future__ import annotations

import bisect
import re

import numpy as np

from index.columns import Columns, StringTable, bigram_key, compute_columns

MIN_SUGGEST_LENGTH = 3  # shorter words are never "corrected"
MAX_CANDIDATES = 300  # words scored by edit distance per lookup, after the bigram filter


def correctable(word: str) -> bool:
    """Whether a word may be corrected or fuzzed: short words and numbers or codes are not misspellings."""
    return len(word) >= MIN_SUGGEST_LENGTH and word.isalpha()


def max_edits(word: str) -> int:
    """Edits a correction may make: one in a short word, where two would change most of it."""
    return 1 if len(word) <= 4 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap neighbours); `limit + 1` above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _bigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


class Vocabulary:
    """Sorted words with document frequencies and their bigram index, from a generation's columns; thread-safe."""

    def __init__(self, columns: Columns) -> None:
        self.words: StringTable = columns.table("vocabulary.words")
        self.frequencies = columns.arrays["vocabulary.frequencies"]
        self._lengths = columns.arrays["vocabulary.lengths"]
        self._bigrams = columns.arrays["vocabulary.bigrams"]  # sorted keys (`index.columns.bigram_key`)
        self._bigram_offsets = columns.arrays["vocabulary.bigram_offsets"]
        self._bigram_words = columns.arrays["vocabulary.bigram_words"]

    @classmethod
    def from_reader(cls, reader) -> Vocabulary:
        """Computed from an open reader, as the indexer computes it (`index.columns.compute_columns`)."""
        return cls(compute_columns(reader))

    def frequency(self, word: str) -> int:
        lo, hi = self.words.span(word)
        return int(self.frequencies[lo]) if hi > lo else 0

    def _most_frequent(self, positions: list[int] | np.ndarray, limit: int) -> list[str]:
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions) > limit:
            keep = np.argsort(-self.frequencies[positions], kind="stable")[:limit]
            positions = np.sort(positions[keep])
        return [self.words[i] for i in positions]

    def expand(self, pattern: str, limit: int) -> list[str]:
        """Words matching `pattern` (`*` = any characters), the `limit` most frequent."""
        prefix = pattern.split("*", 1)[0]
        start = bisect.bisect_left(self.words, prefix)
        stop = bisect.bisect_left(self.words, prefix + "\U0010ffff")
        if pattern == prefix + "*" or "*" not in pattern:
            positions = range(start, stop) if "*" in pattern else ([start] if self.frequency(pattern) else [])
            return self._most_frequent(list(positions), limit)
        regex = re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.S)
        positions = [i for i in range(start, stop) if regex.fullmatch(self.words[i])]
        return self._most_frequent(positions, limit)

    def _holders(self, gram: str) -> np.ndarray | None:
        """Positions of the words holding a bigram, or None if none does."""
        key = bigram_key(gram)
        at = int(np.searchsorted(self._bigrams, key))
        if at == len(self._bigrams) or self._bigrams[at] != key:
            return None
        return self._bigram_words[self._bigram_offsets[at] : self._bigram_offsets[at + 1]]

    def near(self, word: str, maxdist: int, limit: int) -> list[str]:
        """Words within `maxdist` edits of `word` (itself included if present), closest then most frequent first."""
        return [w for _, w in self._near(word, maxdist)[:limit]]

    def _near(self, word: str, maxdist: int) -> list[tuple[int, str]]:
        if not word or not self.words:
            return []
        grams = [found for found in map(self._holders, _bigrams(word)) if found is not None]
        if not grams:
            return []
        shared = np.bincount(np.concatenate(grams), minlength=len(self.words))
        # An edit changes at most two bigrams, so a word within maxdist shares this many.
        needed = max(1, len(word) + 1 - 2 * maxdist)
        candidates = np.flatnonzero((shared >= needed) & (np.abs(self._lengths - len(word)) <= maxdist))
        if len(candidates) > MAX_CANDIDATES:
            candidates = candidates[np.argsort(-shared[candidates], kind="stable")[:MAX_CANDIDATES]]
        found = []
        for i in candidates:
            distance = edit_distance(word, self.words[i], maxdist)
            if distance <= maxdist:
                found.append((distance, -int(self.frequencies[i]), self.words[i]))
        found.sort()
        return [(distance, w) for distance, _, w in found]

    def correct(self, word: str) -> str | None:
        """A better-attested spelling of `word`, or None if it looks right.

        A word is corrected when the index lacks it, or has it in one document while a
        word one or two edits away is in at least ten times as many.
        """
        if not correctable(word):
            return None
        frequency = self.frequency(word)
        if frequency > 1:
            return None
        for distance, candidate in self._near(word, max_edits(word)):
            if distance == 0 or not candidate.isalpha():
                continue
            if frequency == 0 or self.frequency(candidate) >= 10 * frequency:
                return candidate
            return None
        return None
