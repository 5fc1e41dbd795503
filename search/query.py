"""Query text -> Whoosh query, in two steps.

`parse_query` is pure: Whoosh's QueryParser over `index.schema.query_schema()` (the
real analyzers, so the user's words become exactly the terms the indexer stored),
with our plugins for the syntax users expect. It leaves placeholders for what needs
the index to answer: wildcard patterns, fuzzy words and facet-field values.

`resolve` turns those placeholders into plain terms against one open index (its
vocabulary and facet values), and collects what the snippet highlighter marks.

Syntax (README "Query syntax"): words (all must match, BM25F over title and body;
a plain query of `MIN_RELAXED_WORDS` or more words that matches nothing is retried as
"most of the words", see `ParsedQuery.words`),
`"exact phrase"` (matched word for word, unstemmed, on the `exact` field), `OR`,
`NOT word` / `-word`, `(groups)`, `field:value` for title, body, actor, location,
country and source (facet values matched case- and accent-insensitively, whole
value or whole words of it), `prefix*` and `mid*dle` (expanded over the index's own
words), `word~` / `word~2` (fuzzy), and `date:2020`, `date:2020-01..2020-03`,
`date:2020-05..`, `date:..2019-12-31`.

Limits that protect the server are the constants below.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from whoosh import query
from whoosh.qparser import syntax
from whoosh.qparser.default import QueryParser
from whoosh.qparser.plugins import (
    FieldsPlugin,
    FuzzyTermPlugin,
    GroupPlugin,
    MultifieldPlugin,
    OperatorsPlugin,
    PhrasePlugin,
    PrefixPlugin,
    TaggingPlugin,
    WildcardPlugin,
)
from whoosh.query import Query as WhooshQuery

from index.analysis import EXACT, STOP_WORDS, fold, stem, terms
from index.schema import FACET_FIELDS, query_schema
from index.settings import ENGINE_LIMITS

MAX_QUERY_LENGTH = ENGINE_LIMITS.max_query_length  # characters; longer queries are refused
MAX_CLAUSES = 64  # terms, patterns and phrase words in one query (counts every OR branch; a phrase, each word)
MAX_EXPANSIONS = 200  # words one wildcard, fuzzy word or facet value may expand to (most frequent kept)
# Words all the wildcards, fuzzy words and facet patterns of one query may expand to together,
# shared fairly among them (most frequent kept): the cost of a query grows with its expanded
# terms, so 32 one-letter wildcards must not mean 32 x MAX_EXPANSIONS terms.
MAX_TOTAL_EXPANSIONS = 256
MAX_PHRASE_WORDS = 12  # words in one quoted phrase: positional matching costs per word
MAX_COMMON_PHRASE_WORDS = 4  # words in a phrase made only of stop words (they are in nearly every article)
# A query with a wildcard, a fuzzy word or more phrase words than this is "expensive": it runs
# through the per-process admission gate (`search.budget.AdmissionGate`).
EXPENSIVE_PHRASE_WORDS = 6
MAX_FUZZY_DISTANCE = 2  # `word~3` and above are read as `word~2`
MIN_RELAXED_WORDS = 3  # content words a plain query needs before "all words" may relax to "most of them"
TEXT_FIELDS = ("title", "body")
QUERY_FIELDS = TEXT_FIELDS + FACET_FIELDS


class QueryError(ValueError):
    """A query or search argument we refuse; the message is one line meant for the user."""


def whole_number(name: str, value: int, low: int, high: int) -> int:
    """`value` if it is an int (not a bool) from `low` to `high`; else the one-line refusal every caller gives."""
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise QueryError(f"{name} must be a whole number from {low} to {high}")
    return value


# ---------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateRange:
    """Inclusive range of `yyyymmdd` numbers (the index's `date` column); `lo > hi` matches nothing."""

    lo: int
    hi: int

    def __and__(self, other: DateRange | None) -> DateRange:
        if other is None:
            return self
        return DateRange(max(self.lo, other.lo), min(self.hi, other.hi))

    def spans_a_year_or_less(self) -> bool:
        start = _to_date(self.lo)
        end = _to_date(self.hi)
        if start is None or end is None:
            return False
        try:
            year_later = start.replace(year=start.year + 1)
        except ValueError:  # 29 February
            year_later = start.replace(year=start.year + 1, day=28)
        return (end - start).days < (year_later - start).days


EVERY_DATE = DateRange(10000101, 99991231)
_DATE_TEXT = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _to_date(number: int) -> date | None:
    try:
        return date(number // 10000, number // 100 % 100, number % 100)
    except ValueError:
        return None


def date_bound(text: str, *, end: bool) -> int:
    """`2020` -> 20200101 (or 20201231 as an end), `2020-02` -> 20200201 / 20200229, `2020-02-03` -> 20200203."""
    match = _DATE_TEXT.fullmatch(text.strip())
    if not match:
        raise QueryError(f"bad date {text[:40]!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if end else 1)
    if not 1 <= month <= 12 or year < 1000:
        raise QueryError(f"bad date {text[:40]!r}: no such month")
    if match[3]:
        day = int(match[3])
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise QueryError(f"bad date {text[:40]!r}: no such day")
    else:
        day = calendar.monthrange(year, month)[1] if end else 1
    return year * 10000 + month * 100 + day


def date_range(date_from: str | date | None, date_to: str | date | None) -> DateRange | None:
    """The range the `from`/`to` arguments describe, or None when neither is given."""
    if not date_from and not date_to:
        return None
    lo = date_bound(str(date_from), end=False) if date_from else EVERY_DATE.lo
    hi = date_bound(str(date_to), end=True) if date_to else EVERY_DATE.hi
    if lo > hi:
        raise QueryError(f"the date range is empty: {date_from} is after {date_to}")
    return DateRange(lo, hi)


def _date_clause(value: str) -> DateRange:
    if not value:
        raise QueryError("date: needs a value such as 2020, 2020-05 or 2020-01..2020-03")
    if ".." in value:
        start, _, stop = value.partition("..")
        if not start and not stop:
            raise QueryError("date:.. needs at least one end, such as date:2020.. or date:..2020")
        lo = date_bound(start, end=False) if start else EVERY_DATE.lo
        hi = date_bound(stop, end=True) if stop else EVERY_DATE.hi
    else:
        lo, hi = date_bound(value, end=False), date_bound(value, end=True)
    if lo > hi:
        raise QueryError(f"the date range {value!r} is empty")
    return DateRange(lo, hi)


# --------------------------------------------------------------- placeholder queries


class WordPattern(query.Term):
    """`dam*scus`: a wildcard over the index's words, not analysed; `resolve` expands it."""


class FuzzyWord(query.Term):
    """`damscus~`: words within `maxdist` edits; `resolve` expands it."""

    def __init__(self, fieldname: str, text: str, maxdist: int) -> None:
        super().__init__(fieldname, text)
        self.maxdist = maxdist


# ------------------------------------------------------------------------- plugins


class _DatePlugin(TaggingPlugin):
    """`date:2020-01..2020-03` as a numeric range on the `date` column.

    Our own, because Whoosh's DateParserPlugin reads `date:2023-05-17` wrongly and
    knows nothing of `yyyymmdd` numbers.
    """

    priority = -10
    expr = r"(?i)(?<![\w:])date:(?P<value>[^\s()]*)"

    class DateNode(syntax.SyntaxNode):
        def __init__(self, dates: DateRange) -> None:
            self.dates = dates

        def r(self) -> str:
            return f"date:{self.dates.lo}..{self.dates.hi}"

        def query(self, parser) -> query.Query:
            return query.NumericRange("date", self.dates.lo, self.dates.hi)

    def create(self, parser, match):
        return self.DateNode(_date_clause(match.group("value")))


class _FieldsPlugin(FieldsPlugin):
    """`field:` for the fields users may name, case-insensitively; other `x:` stay words."""

    class FieldnameTagger(FieldsPlugin.FieldnameTagger):
        def create(self, parser, match):
            return syntax.FieldnameNode(match.group("text").lower(), match.group(0))

    def __init__(self) -> None:
        super().__init__(expr=r"(?i)(?<!\w)(?P<text>" + "|".join(QUERY_FIELDS) + r"):(?=\S)")


class _PatternNode(syntax.TextNode):
    def r(self) -> str:
        return f"Pattern {self.text!r}"

    def query(self, parser) -> query.Query:
        return WordPattern(self.fieldname, self.text)


class _WildcardPlugin(WildcardPlugin):
    """`*` only: `?` is left as punctuation so `what is jihad?` means what it says."""

    expr = r"(?P<text>[*])"

    def filters(self, parser):
        return [(self.do_patterns, 50)]

    def do_patterns(self, parser, group):
        group = self.do_wildcards(parser, group)
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.do_patterns(parser, node)
            elif isinstance(node, (self.WildcardNode, PrefixPlugin.PrefixNode)):
                text = node.text + ("*" if isinstance(node, PrefixPlugin.PrefixNode) else "")
                pattern = _PatternNode(text)
                pattern.startchar, pattern.endchar = node.startchar, node.endchar
                pattern.fieldname, pattern.boost = node.fieldname, node.boost
                group[i] = pattern
        return group


class _FuzzyPlugin(FuzzyTermPlugin):
    class FuzzyTermNode(FuzzyTermPlugin.FuzzyTermNode):
        def query(self, parser) -> query.Query:
            return FuzzyWord(self.fieldname, self.text, min(max(self.maxdist, 1), MAX_FUZZY_DISTANCE))


class _PhrasePlugin(PhrasePlugin):
    """Unfielded phrases go to the unstemmed `exact` field; a phrase in a facet field is one whole value."""

    class PhraseNode(PhrasePlugin.PhraseNode):
        def query(self, parser) -> query.Query | None:
            if self.fieldname in FACET_FIELDS:
                return query.Term(self.fieldname, self.text.strip()) if self.text.strip() else None
            if self.fieldname == "exact":
                words = terms(EXACT, self.text)
                if not words:
                    return None
                if len(words) == 1:
                    return query.Term("exact", words[0])
                return query.Phrase("exact", words)
            return super().query(parser)

    class PhraseTagger(PhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            return _PhrasePlugin.PhraseNode(match.group("text"), match.start("text"), 1)

    def __init__(self) -> None:
        super().__init__(expr=r'"(?P<text>[^"]*)"(~(?P<slop>[1-9][0-9]*))?')

    def filters(self, parser):
        return [(self.route_phrases, 105)]  # after fields (100), before multifield (110)

    def route_phrases(self, parser, group):
        for node in group:
            if isinstance(node, syntax.GroupNode):
                self.route_phrases(parser, node)
            elif isinstance(node, self.PhraseNode) and node.fieldname is None:
                node.fieldname = "exact"
        return group


def _operators() -> OperatorsPlugin:
    """AND, OR, NOT in capitals, and `-word` (a minus at the start of a word, not inside `al-Assad`)."""
    minus = OperatorsPlugin.OpTagger(r"(?<![^\s(])-(?=[\w\"(*])", syntax.NotGroup, syntax.PrefixOperator, memo="minus")
    return OperatorsPlugin(ops=[(minus, 0)], AndNot=None, AndMaybe=None, Require=None)


def _parser() -> QueryParser:
    schema = query_schema()
    for name in (*TEXT_FIELDS, "exact"):
        # `al-Assad` or `covid-19` typed as one word means those words together.
        schema[name].multitoken_query = "phrase"
    plugins = [
        _DatePlugin(), _FieldsPlugin(), _WildcardPlugin(), _PhrasePlugin(), GroupPlugin(),
        _operators(), _FuzzyPlugin(), MultifieldPlugin(list(TEXT_FIELDS)),
    ]
    return QueryParser(None, schema, plugins=plugins)


_PARSER = _parser()


# -------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed query: `query` None means "everything" (browse); `dates` are top-level date clauses."""

    text: str
    query: query.Query | None
    dates: DateRange | None = None
    plain: bool = False  # the syntax could not be read, so the words were searched as plain words
    # The word clauses of a query typed as plain words (no operators, fields, phrases, patterns or
    # fuzzy words) with at least MIN_RELAXED_WORDS content words; otherwise empty. Such a query is
    # a question in natural language, which rarely has every word in one article: `Searcher.search`
    # relaxes it to any of these clauses, ranked by BM25F, when all of them together match nothing.
    words: tuple[WhooshQuery, ...] = ()  # `query` is a field name here, so the class is aliased
    expensive: bool = False  # has a wildcard, a fuzzy word or long phrases (`_is_expensive`)


def _leaves(q: query.Query) -> Iterable[query.Query]:
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _leaves(child)


def _is_empty(q: query.Query | None) -> bool:
    return q is None or q == query.NullQuery


def _split_dates(q: query.Query) -> tuple[query.Query | None, DateRange | None]:
    """Pull top-level `date:` clauses out as a filter: they are the range in force, like --from/--to."""
    parts = list(q.subqueries) if isinstance(q, query.And) else [q]
    dates: DateRange | None = None
    rest = []
    for part in parts:
        if isinstance(part, query.NumericRange) and part.fieldname == "date":
            dates = DateRange(part.start, part.end) & dates
        else:
            rest.append(part)
    if not rest:
        return None, dates
    return (rest[0] if len(rest) == 1 else query.And(rest)), dates


_OPERATOR_WORD = re.compile(r"\b(?:AND|OR|NOT)\b")


def _word_clause(q: query.Query) -> int:
    """How many words `q` stands for if it is one typed word (or `a-b`) over title and body, else 0.

    The parser's MultifieldPlugin turns a word into `title:w OR body:w` (a hyphenated
    word into the same two phrases); anything else came from the user's syntax.
    """
    if not isinstance(q, query.Or) or sorted(sub.fieldname for sub in q.subqueries) != sorted(TEXT_FIELDS):
        return 0
    if all(type(sub) is query.Term for sub in q.subqueries) and len({sub.text for sub in q.subqueries}) == 1:
        return 1
    if all(type(sub) is query.Phrase for sub in q.subqueries) and len({tuple(sub.words) for sub in q.subqueries}) == 1:
        return len(set(q.subqueries[0].words))
    return 0


def _relaxable_words(text: str, q: query.Query | None) -> tuple[query.Query, ...]:
    """`ParsedQuery.words`: the word clauses of a plain query long enough to relax, else ()."""
    if q is None or _OPERATOR_WORD.search(text):  # `a AND b AND c` parses like `a b c` but says "all"
        return ()
    clauses = list(q.subqueries) if isinstance(q, query.And) else [q]
    counts = [_word_clause(clause) for clause in clauses]
    if not all(counts) or sum(counts) < MIN_RELAXED_WORDS:
        return ()
    return tuple(clauses)


def _plain_words(text: str) -> query.Query | None:
    """Every word of `text`, all required; for input whose syntax cannot be read."""
    words = terms(EXACT, text)[:MAX_CLAUSES]
    if not words:
        return None
    return _PARSER.parse(" ".join(words))


def _stop_words_only(text: str) -> query.Query | None:
    """`The Who`: every word is a stop word, so match them word for word on the unstemmed field."""
    words = terms(EXACT, text)[:MAX_CLAUSES]
    if not words:
        return None
    return query.And([query.Term("exact", w) for w in words]) if len(words) > 1 else query.Term("exact", words[0])


def parse_query(text: str) -> ParsedQuery:
    """Parse the user's query; raises QueryError for what we refuse (too long, bad date, leading `*`...)."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"the query is too long: at most {MAX_QUERY_LENGTH} characters")
    if not text.strip("* "):  # nothing, or a bare `*`: everything
        return ParsedQuery(text, None)
    plain = False
    try:
        q = _PARSER.parse(text)
        if any(getattr(leaf, "error", None) for leaf in _leaves(q)):
            raise ValueError("unreadable clause")  # Whoosh marks clauses it could not read instead of raising
    except QueryError:
        raise
    except Exception:  # noqa: BLE001 - whatever Whoosh cannot read, we search as words
        q, plain = _plain_words(text), True
    if _is_empty(q):
        q = _stop_words_only(text)
    if q is None:
        return ParsedQuery(text, None, plain=plain)
    leaves = list(_leaves(q))
    for leaf in leaves:
        if isinstance(leaf, query.Phrase):
            _check_phrase(leaf.words)
    clauses = sum(len(leaf.words) if isinstance(leaf, query.Phrase) else 1 for leaf in leaves)
    if clauses > MAX_CLAUSES:
        raise QueryError(f"the query has too many terms ({clauses}, counting each word of a phrase): "
                         f"at most {MAX_CLAUSES}")
    for leaf in leaves:
        if isinstance(leaf, WordPattern) and leaf.text.startswith("*"):
            raise QueryError(f"{leaf.text!r} starts with a wildcard: put at least one letter before the *")
    rest, dates = _split_dates(q)
    return ParsedQuery(text, rest, dates, plain, _relaxable_words(text, rest), _is_expensive(leaves))


def shown_phrase(words: Sequence[str], chars: int = 40) -> str:
    """A phrase as an error message quotes it: its words, cut after `chars` characters."""
    shown = " ".join(words)
    return shown if len(shown) <= chars else shown[:chars] + "…"


def _check_phrase(words: Sequence[str]) -> None:
    """Refuse phrases whose positional matching would cost too much (per word, and most for common words)."""
    shown = shown_phrase(words)
    if len(words) > MAX_PHRASE_WORDS:
        raise QueryError(f'the phrase "{shown}" has {len(words)} words: at most {MAX_PHRASE_WORDS}')
    if len(words) > MAX_COMMON_PHRASE_WORDS and all(word in STOP_WORDS for word in words):
        raise QueryError(f'the phrase "{shown}" is made only of common words: at most '
                         f"{MAX_COMMON_PHRASE_WORDS} of them, or add a rarer word")


def _is_expensive(leaves: Sequence[query.Query]) -> bool:
    """Wildcards, fuzzy words and long phrases: the query classes the admission gate holds back."""
    phrase_words = sum(len(leaf.words) for leaf in leaves if isinstance(leaf, query.Phrase))
    return phrase_words > EXPENSIVE_PHRASE_WORDS or any(isinstance(leaf, (WordPattern, FuzzyWord)) for leaf in leaves)


# ------------------------------------------------------------------------ resolving


class Words(Protocol):
    """The index's own vocabulary (see `search.vocabulary.Vocabulary`)."""

    def expand(self, pattern: str, limit: int) -> list[str]: ...

    def near(self, word: str, maxdist: int, limit: int) -> list[str]: ...


@dataclass(frozen=True)
class Highlight:
    """What the snippet highlighter marks: stems, exact words, exact phrases, facet values named in the query."""

    stems: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    values: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.stems or self.words or self.phrases or self.values)


@dataclass(frozen=True)
class Resolved:
    query: query.Query | None
    highlight: Highlight
    scored: bool  # has positive terms to rank by; otherwise relevance order falls back to newest
    # One line per wildcard, fuzzy word or facet pattern that matched more words than its share
    # of MAX_TOTAL_EXPANSIONS: the query ran with its most frequent ones, and the result says so.
    narrowed: tuple[str, ...] = ()


def _any_of(terms_: Iterable[query.Query]) -> query.Query:
    subqueries = list(terms_)
    if not subqueries:
        return query.NullQuery
    return subqueries[0] if len(subqueries) == 1 else query.Or(subqueries)


def _is_placeholder(node: query.Query) -> bool:
    """A clause `resolve` expands against the index: a wildcard, a fuzzy word or a facet value."""
    if isinstance(node, (WordPattern, FuzzyWord)):
        return True
    return isinstance(node, query.Term) and node.fieldname in FACET_FIELDS


def fair_shares(wanted: Sequence[int], budget: int) -> list[int]:
    """Split `budget` among claims of `wanted` each: none gets more than it wants, the rest share equally.

    Water-filling, smallest claim first, so a pattern that needs 3 words leaves the rest
    of its share to the others (32 one-letter wildcards under 256 get 8 each).
    """
    shares = [0] * len(wanted)
    left = budget
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    for position, i in enumerate(order):
        share = min(wanted[i], left // (len(order) - position))
        shares[i] = share
        left -= share
    return shares


def resolve(
    q: query.Query | None,
    words: Words,
    facet_values: Callable[[str, str, bool], list[str]],
) -> Resolved:
    """Expand placeholders against one index and collect the highlight terms of the positive clauses.

    `facet_values(field, text, is_pattern)` answers which real values of a facet a
    query's text names, most relevant first. All the placeholders of a query share
    MAX_TOTAL_EXPANSIONS (`fair_shares`); each keeps its most frequent expansions, and
    `Resolved.narrowed` says which were cut.
    """
    if q is None:
        return Resolved(None, Highlight(), False)
    stems: set[str] = set()
    exact: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    values: set[str] = set()
    positive = [False]

    def _limited(node: query.Query, limit: int) -> list[str]:
        if _is_facet(node):
            return facet_values(node.fieldname, node.text, isinstance(node, WordPattern))[:limit]
        if isinstance(node, WordPattern):
            return words.expand(fold(node.text), limit)
        return words.near(fold(node.text), node.maxdist, limit)

    # One claim per placeholder as typed: `oil*` is a title and a body clause with the same words.
    placeholders: dict[tuple, query.Query] = {}
    for leaf in _leaves(q):
        if _is_placeholder(leaf):
            placeholders.setdefault(_claim(leaf), leaf)
    found_for = {key: _limited(leaf, MAX_EXPANSIONS) for key, leaf in placeholders.items()}
    wanted = [len(found) for found in found_for.values()]
    shares = dict(zip(found_for, fair_shares(wanted, MAX_TOTAL_EXPANSIONS), strict=True))
    expansions: dict[tuple, list[str]] = {}
    narrowed = []
    for key, found in found_for.items():
        leaf, share = placeholders[key], shares[key]
        if share < len(found):
            more = " or more" if len(found) >= MAX_EXPANSIONS else ""
            narrowed.append(f"{_shown(leaf)} matches {len(found)}{more} {'values' if _is_facet(leaf) else 'words'}: "
                            f"searched the {share} {'closest' if isinstance(leaf, FuzzyWord) else 'most frequent'}")
            # A facet's values come most relevant first; words are asked again for the most frequent `share`.
            found = found[:share] if _is_facet(leaf) else _limited(leaf, share)
        expansions[key] = found

    def text_terms(fieldname: str, found: list[str], negated: bool) -> query.Query:
        if not negated:
            exact.update(found)
        stems_ = sorted({stem(w) for w in found if w not in STOP_WORDS})
        field = fieldname if fieldname in TEXT_FIELDS else "exact"
        found_terms = stems_ if field in TEXT_FIELDS else sorted(set(found))
        return _any_of(query.Term(field, t) for t in found_terms)

    def walk(node: query.Query, negated: bool) -> query.Query:
        if isinstance(node, query.Not):
            return query.Not(walk(node.query, not negated))
        if _is_placeholder(node):
            positive[0] |= not negated
            found = expansions[_claim(node)]
            if _is_facet(node):
                if not negated:
                    values.update(found)
                return _any_of(query.Term(node.fieldname, v) for v in found)
            return text_terms(node.fieldname, found, negated)
        if isinstance(node, query.Term):
            positive[0] |= not negated
            if not negated:
                (stems if node.fieldname in TEXT_FIELDS else exact).add(node.text)
            return node
        if isinstance(node, query.Phrase):
            positive[0] |= not negated
            if not negated:
                if node.fieldname == "exact":
                    phrases.append(tuple(node.words))
                else:
                    stems.update(node.words)
            return node
        if node.is_leaf():
            return node
        return node.apply(lambda child: walk(child, negated))

    resolved = walk(q, False).normalize()
    highlight = Highlight(frozenset(stems), frozenset(exact), tuple(phrases), frozenset(values))
    return Resolved(resolved, highlight, positive[0], tuple(narrowed))


def _is_facet(node: query.Query) -> bool:
    return node.fieldname in FACET_FIELDS


def _claim(node: query.Query) -> tuple:
    """What a placeholder expands by: its kind, text and distance, and its facet (text fields share words)."""
    return (type(node).__name__, node.fieldname if _is_facet(node) else "", node.text, getattr(node, "maxdist", 0))


def _shown(node: query.Query) -> str:
    """A placeholder as the user typed it, for `Resolved.narrowed`."""
    field = f"{node.fieldname}:" if _is_facet(node) else ""
    if isinstance(node, FuzzyWord):
        return f"{field}{node.text}~{node.maxdist}"
    return f"{field}{node.text}"


__all__ = [
    "MAX_QUERY_LENGTH", "MAX_CLAUSES", "MAX_EXPANSIONS", "MAX_TOTAL_EXPANSIONS", "MAX_PHRASE_WORDS",
    "MAX_FUZZY_DISTANCE", "MIN_RELAXED_WORDS", "QueryError", "DateRange",
    "ParsedQuery", "Resolved", "Highlight", "parse_query", "resolve", "date_range", "date_bound",
]
