"""The index's own words: wildcard expansion, fuzzy matching and spelling suggestions.

Built once per index generation from the lexicon of the `exact` field (folded, not
stemmed: real words as people type them), with each word's document frequency.
Whoosh's own `terms_within` walks the whole lexicon in Python for every fuzzy word;
here a character-bigram index narrows a lookup to a few dozen candidates first, so
fuzzy expansion and "Did you mean" cost a millisecond or two.
"""
from __future__ import annotations

import bisect
import re
import threading

import numpy as np

MIN_SUGGEST_LENGTH = 3  # shorter words are never "corrected"
MAX_CANDIDATES = 300  # words scored by edit distance per lookup, after the bigram filter


def correctable(word: str) -> bool:
    """Whether a word may be corrected or fuzzed: short words and numbers or codes are not misspellings."""
    return len(word) >= MIN_SUGGEST_LENGTH and word.isalpha()


def max_edits(word: str) -> int:
    """Edits a correction may make: one in a short word, where two would change most of it."""
    return 1 if len(word) <= 4 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap neighbours); `limit + 1` when above `limit`."""
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
    """Sorted words with document frequencies; lookups are thread-safe."""

    def __init__(self, words: list[str], frequencies: list[int]) -> None:
        order = sorted(range(len(words)), key=words.__getitem__)
        self.words = [words[i] for i in order]
        self.frequencies = np.array([frequencies[i] for i in order], dtype=np.int64)
        self._position = {word: i for i, word in enumerate(self.words)}
        self._bigram_index: dict[str, np.ndarray] | None = None
        self._lengths: np.ndarray | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_reader(cls, reader, fieldname: str = "exact") -> Vocabulary:
        """Segment by segment: a multi-segment reader's merged term walk is ten times slower."""
        counts: dict[str, int] = {}
        for leaf, _ in reader.leaf_readers():
            for text, info in leaf.iter_field(fieldname):
                word = text.decode("utf-8") if isinstance(text, bytes) else text
                counts[word] = counts.get(word, 0) + info.doc_frequency()
        return cls(list(counts), list(counts.values()))

    def frequency(self, word: str) -> int:
        position = self._position.get(word)
        return 0 if position is None else int(self.frequencies[position])

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

    def _index(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        with self._lock:
            if self._bigram_index is None:
                postings: dict[str, list[int]] = {}
                for i, word in enumerate(self.words):
                    for gram in _bigrams(word):
                        postings.setdefault(gram, []).append(i)
                self._lengths = np.array([len(w) for w in self.words], dtype=np.int32)
                self._bigram_index = {gram: np.array(ids, dtype=np.int32) for gram, ids in postings.items()}
            return self._bigram_index, self._lengths

    def near(self, word: str, maxdist: int, limit: int) -> list[str]:
        """Words within `maxdist` edits of `word` (itself included if present), closest then most frequent first."""
        return [w for _, w in self._near(word, maxdist)[:limit]]

    def _near(self, word: str, maxdist: int) -> list[tuple[int, str]]:
        if not word or not self.words:
            return []
        index, lengths = self._index()
        grams = [index[g] for g in _bigrams(word) if g in index]
        if not grams:
            return []
        shared = np.bincount(np.concatenate(grams), minlength=len(self.words))
        # An edit changes at most two bigrams, so a word within maxdist shares this many.
        needed = max(1, len(word) + 1 - 2 * maxdist)
        candidates = np.flatnonzero((shared >= needed) & (np.abs(lengths - len(word)) <= maxdist))
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
