""""Did you mean", and the fuzzy retry of a query that found nothing.

Both rewrite the words of the user's query text in place, so operators, phrases
and field names stay as typed: the suggestion replaces words the index does not know
by its closest well-attested words (`search.vocabulary.Vocabulary.correct`), the fuzzy
retry marks them `word~` so the query parser expands them to every near spelling.
Words inside facet and date clauses (`actor:...`, `date:...`) are values, not words,
and are left alone.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from index.analysis import fold
from index.schema import FACET_FIELDS
from search import budget
from search.vocabulary import Vocabulary, correctable, max_edits

_VALUE_FIELDS = "|".join((*FACET_FIELDS, "date"))
_VALUE_CLAUSE = re.compile(rf'(?i)(?<![\w:])(?:{_VALUE_FIELDS}):(?:"[^"]*"?|[^\s()]*)')
_QUOTED = re.compile(r'"[^"]*"')
_WORD = re.compile(r"\w+")
_OPERATORS = frozenset({"AND", "OR", "NOT"})


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _words(text: str) -> Iterator[tuple[re.Match[str], bool]]:
    """Free-text words of a query, each with whether it is inside a quoted phrase."""
    values = _spans(_VALUE_CLAUSE, text)
    quoted = _spans(_QUOTED, text)
    for match in _WORD.finditer(text):
        following = text[match.end() : match.end() + 1]
        if match.group() in _OPERATORS or following in (":", "*", "~") or _inside(match.start(), values):
            continue
        yield match, _inside(match.start(), quoted)


def _rewrite(text: str, replace: Callable[[str, bool], str | None]) -> str | None:
    out = []
    position = 0
    changed = False
    for match, quoted in _words(text):
        budget.check()  # each replacement may look the word up in the vocabulary
        new = replace(fold(match.group()), quoted)
        if new is not None:
            out.append(text[position : match.start()] + new)
            position = match.end()
            changed = True
    if not changed:
        return None
    out.append(text[position:])
    return "".join(out)


def suggestion(text: str, vocabulary: Vocabulary) -> str | None:
    """The query with misspelt words corrected from the index's vocabulary, or None if none looks wrong."""
    return _rewrite(text, lambda word, _quoted: vocabulary.correct(word))


def fuzzy_query(text: str, vocabulary: Vocabulary) -> str | None:
    """The query with every unknown word outside phrases made fuzzy (`word~`), or None if there is none."""

    def fuzzy(word: str, quoted: bool) -> str | None:
        if quoted or not correctable(word) or vocabulary.frequency(word):
            return None
        return f"{word}~{max_edits(word)}"

    return _rewrite(text, fuzzy)
