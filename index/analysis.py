"""Text analysis: word tokenisation composed into Whoosh analyzer pipelines.

One pipeline definition serves three places so they can never disagree: the indexer
(which pre-analyses text in worker processes), the query parser (which analyses the
user's words) and the snippet highlighter (which needs character offsets).

- `stemmed_analyzer`: fold accents and case, drop stop words, English Snowball stems;
  used for ranked full-text fields (`title`, `body`).
- `exact_analyzer`: fold accents and case only, stop words kept; used for the
  `exact` field that answers quoted phrases word for word.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import regex
from nltk.stem.snowball import EnglishStemmer
from whoosh.analysis import Analyzer, Filter, Token, Tokenizer

# Words so common they carry no meaning for ranking. Shipped here, not downloaded,
# because NLTK's stopwords corpus is not available offline.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves s t d ll m re ve""".split()
)

# A word is a run of Unicode word characters as the `regex` engine defines them (letters, marks,
# digits, connector punctuation): the engine and pattern NLTK's `RegexpTokenizer(r"\w+")` uses,
# compiled directly. NLTK wraps every match in a wall-clock timeout against hostile patterns;
# for this linear one it only quadrupled the cost of tokenising, and could fail a long article
# on a loaded machine.
_WORDS = regex.compile(r"\w+")
_STEMMER = EnglishStemmer()


# Zero-width (non-)joiners are spelling in Persian, Urdu and Indic scripts, and the reader keeps them
# in the text, but people type the same word with or without them: the term drops them.
_JOINERS = str.maketrans("", "", "\u200c\u200d")


@lru_cache(maxsize=500_000)
def fold(word: str) -> str:
    """Lower-case and strip accents and joiners, so `Café` and `cafe` are one term, and so are
    a Persian word written with its zero-width non-joiner and the same word typed without it."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_JOINERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    return _STEMMER.stem(word)


class WordTokenizer(Tokenizer):
    """Whoosh tokenizer of `_WORDS`, with character spans."""

    def __call__(  # noqa: PLR0913 - signature fixed by Whoosh
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans = (match.span() for match in _WORDS.finditer(value)) if tokenize else [(0, len(value))]
        for pos, (start, end) in enumerate(spans):
            token.text = value[start:end]
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class FoldFilter(Filter):
    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


class StopWordFilter(Filter):
    """Drops stop words and renumbers positions, so phrases match across them."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        pos = None
        for token in tokens:
            if token.text in STOP_WORDS:
                continue
            if token.positions:
                pos = 0 if pos is None else pos + 1
                token.pos = pos
            yield token


class StemFilter(Filter):
    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = stem(token.text)
            yield token


def stemmed_analyzer() -> Analyzer:
    return WordTokenizer() | FoldFilter() | StopWordFilter() | StemFilter()


def exact_analyzer() -> Analyzer:
    return WordTokenizer() | FoldFilter()


STEMMED = stemmed_analyzer()
EXACT = exact_analyzer()


def terms(analyzer: Analyzer, text: str) -> list[str]:
    """The analysed terms of `text`, in order, through a Whoosh pipeline."""
    return [token.text for token in analyzer(text)]


@lru_cache(maxsize=500_000)
def _analysed(word: str) -> tuple[str, str | None]:
    """A word's exact term (folded) and its stemmed term (None for a stop word)."""
    folded = fold(word)
    return folded, None if folded in STOP_WORDS else stem(folded)


def stemmed_terms(text: str) -> list[str]:
    """What `STEMMED` yields for `text`, as a list, without Whoosh's per-token objects.

    Tests check it against the analyzer pipeline so the two cannot drift apart.
    """
    return [stemmed for _, stemmed in map(_analysed, _WORDS.findall(text)) if stemmed is not None]


def exact_terms(text: str) -> list[str]:
    """What `EXACT` yields for `text`, as a list."""
    return [folded for folded, _ in map(_analysed, _WORDS.findall(text))]


def both_terms(text: str) -> tuple[list[str], list[str]]:
    """(`stemmed_terms(text)`, `exact_terms(text)`) from one tokenisation: the indexer's hot path,
    which needs both for every title and body."""
    analysed = list(map(_analysed, _WORDS.findall(text)))
    return [stemmed for _, stemmed in analysed if stemmed is not None], [folded for folded, _ in analysed]
