"""Highlighted snippets: the best passages of a text, with the query's matches in `<mark>`.

The index stores text pre-analysed (see `index.schema`), so Whoosh's highlighter,
which re-tokenises stored text with the index schema's space splitter, cannot be
used. Ours applies the same analysis as the indexer (`index.analysis.fold` and
`stem`, the building blocks of `STEMMED` and `EXACT`) to candidate words only:

1. A regular expression, built from the query's stems and words (accent-insensitive
   prefixes), finds candidate words anywhere in the text at C speed, so a 100K+
   character article costs a scan, not a tokenisation; each candidate is then
   confirmed by analysing it as the indexer would. Work is bounded (`MAX_CANDIDATES`
   words examined, `MAX_HITS_PER_TERM` kept per term), wherever in the text they are.
2. Windows of `FRAGMENT_CHARS` around the hits are scored by how many different query
   terms they show (then how many hits), and up to `MAX_FRAGMENTS` are chosen greedily,
   each preferring terms not yet shown.
3. Everything is escaped, hits are wrapped in `<mark>`, and `clean` (`bleach.clean` with
   only `<mark>` allowed) is the final guarantee that nothing else is markup. Markup built
   here is checked instead of re-parsed when it can be (see `clean`), with the same output.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import bleach
import regex

from index.analysis import STOP_WORDS, fold, stem
from search import budget
from search.query import Highlight

FRAGMENT_CHARS = 160  # characters per passage
MAX_FRAGMENTS = 3  # passages per snippet
MAX_CANDIDATES = 20_000  # candidate words examined per text
MAX_HITS_PER_TERM = 50  # hits kept per query term, so one common word cannot crowd out the others
ELLIPSIS = "…"
# Words as the analyzer reads them (`index.analysis`): the `regex` engine's \w, which keeps
# combining marks and zero-width joiners inside a word where Python's `re` would split it.
_WORD = regex.compile(r"\w+")
# What `fold` drops inside a word beyond accents on Latin letters: combining marks (Indic viramas,
# Arabic and Hebrew points) and joiners. A folded prefix matches the text with any of them between
# its characters.
_DROPPED_MARKS = r"[\p{Mn}\u200c\u200d]*"
_SPACE = re.compile(r"\s+")
ALLOWED_TAGS = frozenset({"mark"})
LEAD_CHARS = 200  # characters of an article's lead (`lead_markup`)


def _fold_table() -> dict[str, str]:
    """For each ASCII letter or digit, the characters that fold to it (é, É, ê... for e)."""
    table: dict[str, str] = {}
    for code in range(0x80, 0x2000):
        char = chr(code)
        folded = fold(char)
        if len(folded) == 1 and folded.isascii() and folded.isalnum():
            table[folded] = table.get(folded, "") + char
    return table


_FOLDS = _fold_table()


def _accent_insensitive(text: str) -> str:
    """A pattern for a folded prefix that matches the text as written: a Latin letter in any of its
    accented forms, and any other letter followed by the marks and joiners the fold removed."""
    return "".join(f"[{regex.escape(c + _FOLDS[c])}]" if c in _FOLDS
                   else regex.escape(c) if c.isascii() else regex.escape(c) + _DROPPED_MARKS for c in text)


def _stem_prefix(term: str) -> str:
    """A prefix every word with this stem starts with (stems may rewrite the end: happy -> happi)."""
    return term if len(term) <= 2 else term[: max(2, len(term) - 2)]


def _prefixes(highlight: Highlight) -> dict[str, frozenset[str]]:
    """Candidate prefix -> the terms (stems, words, phrases) a word starting with it may confirm."""
    keys: dict[str, set[str]] = {}
    for term in highlight.stems:
        keys.setdefault(_stem_prefix(term), set()).add(term)
    for word in highlight.words:
        keys.setdefault(word, set()).add(word)
    for phrase in highlight.phrases:
        if phrase:
            keys.setdefault(phrase[0], set()).add(" ".join(phrase))
    keys.pop("", None)
    return {prefix: frozenset(found) for prefix, found in keys.items()}


MAX_ALTERNATIVES = 48  # prefixes one candidate regex may hold; beyond it, words are scanned one by one


@lru_cache(maxsize=512)
def _candidates(prefixes: frozenset[str]) -> regex.Pattern[str]:
    """Words starting with any of `prefixes` (never empty: the caller stops when none is left)."""
    # Longest first so the alternation prefers the most specific prefix.
    alternation = "|".join(_accent_insensitive(p) for p in sorted(prefixes, key=lambda p: (-len(p), p)))
    return regex.compile(rf"(?<!\w)(?:{alternation})\w*", regex.IGNORECASE)


_folded = lru_cache(maxsize=65_536)(fold)
_stemmed = lru_cache(maxsize=65_536)(stem)


def _phrase_end(text: str, start: int, rest: Sequence[str]) -> int | None:
    """End of the phrase whose first word ends at `start`, if the next words are `rest`."""
    position = start
    window = text[start : start + 40 * len(rest) + 40]
    words = _WORD.finditer(window)
    for expected in rest:
        word = next(words, None)
        if word is None or _folded(word.group()) != expected:
            return None
        position = start + word.end()
    return position


class Highlighter:
    """Finds one query's matches in texts; built once per query (`highlighter`) and reused for every text.

    Its cost is bounded by the text, never by how many words the query expanded to: a
    query with a few distinct prefixes finds candidate words with one compiled regex (C
    speed, the common case); one with more than MAX_ALTERNATIVES (wildcards expanded
    to hundreds of words) scans the text's words once and looks each up in sets, instead
    of compiling a regex of hundreds of alternatives. Terms that have enough hits are
    dropped from the search as soon as they fill (`MAX_HITS_PER_TERM`), so rarer terms
    deeper in a long text are still found; with the regex that means recompiling a
    smaller one (at most once per term), with the scan, a set lookup.
    """

    def __init__(self, highlight: Highlight) -> None:
        self.highlight = highlight
        self.prefixes = _prefixes(highlight)
        self.first_words: dict[str, list[tuple[str, ...]]] = {}  # first word -> the phrases it starts
        for phrase in highlight.phrases:
            if phrase:
                self.first_words.setdefault(phrase[0], []).append(phrase)
        self.scan = len(self.prefixes) > MAX_ALTERNATIVES

    def _confirm(self, word: str) -> Iterable[tuple[str, tuple[str, ...] | None]]:
        """The terms a folded word confirms: (key, phrase to check or None)."""
        for phrase in self.first_words.get(word, ()):
            yield " ".join(phrase), phrase
        if word in self.highlight.words:
            yield word, None
        elif self.highlight.stems and word not in STOP_WORDS:
            stemmed = _stemmed(word)
            if stemmed in self.highlight.stems:
                yield stemmed, None

    def hits(
        self, text: str, mentions: Iterable[Sequence] = (), *,
        max_per_term: int = MAX_HITS_PER_TERM, max_candidates: int = MAX_CANDIDATES,
    ) -> list[tuple[int, int, str]]:
        """(start, end, term) of every match in `text`, in order, not overlapping (see `find_hits`)."""
        hits: list[tuple[int, int, str]] = []
        per_term: dict[str, int] = {}
        full: set[str] = set()

        def keep(start: int, end: int, key: str) -> bool:
            """Keep a hit; True when its term has just filled up."""
            count = per_term.get(key, 0)
            if count >= max_per_term:
                return False
            per_term[key] = count + 1
            hits.append((start, end, key))
            if count + 1 >= max_per_term:
                full.add(key)
                return True
            return False

        active = dict(self.prefixes)
        position = examined = 0
        while active and examined < max_candidates:
            finder = _WORD if self.scan else _candidates(frozenset(active))
            starts = _by_length(active) if self.scan else ()
            narrowed = False
            for match in finder.finditer(text, position):
                examined += 1
                if examined % 1024 == 0:
                    budget.check()
                word = _folded(match.group())
                if self.scan and not any(word[:length] in found for length, found in starts):
                    continue
                filled = False
                for key, phrase in self._confirm(word):
                    if key not in full:
                        end = match.end() if phrase is None else _phrase_end(text, match.end(), phrase[1:])
                        if end is not None:
                            filled |= keep(match.start(), end, key)
                if examined >= max_candidates:
                    break
                if filled:
                    # Stop looking for terms we have enough of, so rarer ones deeper in are still found.
                    active = {prefix: keys for prefix, keys in active.items() if not keys <= full}
                    if self.scan:
                        starts = _by_length(active)
                    else:
                        position, narrowed = match.end(), True
                        break
            if not narrowed:
                break
        if self.highlight.values:
            for mention in mentions:
                start, end, value = mention[0], mention[1], mention[4]
                if value in self.highlight.values and 0 <= start < end <= len(text):
                    keep(start, end, value)
        hits.sort(key=lambda hit: (hit[0], -hit[1]))
        merged: list[tuple[int, int, str]] = []
        for hit in hits:
            if merged and hit[0] < merged[-1][1]:
                continue  # overlaps a longer or earlier hit (a phrase and its first word)
            merged.append(hit)
        return merged


highlighter = lru_cache(maxsize=256)(Highlighter)


def _by_length(prefixes: dict[str, frozenset[str]]) -> list[tuple[int, set[str]]]:
    """The prefixes grouped by length, so a scanned word is checked with one slice and set lookup per length."""
    grouped: dict[int, set[str]] = {}
    for prefix in prefixes:
        grouped.setdefault(len(prefix), set()).add(prefix)
    return sorted(grouped.items())


def find_hits(
    text: str,
    highlight: Highlight,
    mentions: Iterable[Sequence] = (),
    *,
    max_per_term: int = MAX_HITS_PER_TERM,
    max_candidates: int = MAX_CANDIDATES,
) -> list[tuple[int, int, str]]:
    """(start, end, term) of every match of the query in `text`, in order, not overlapping.

    `mentions` are the stored entity spans `(start, end, kind, facet, value)`; those whose
    value the query named (`actor:"..."`) are hits too. The bounds default to what a
    snippet needs; a whole article (`Searcher.article`) asks for more. The query's
    `Highlighter` is built once and shared by every text it marks.
    """
    return highlighter(highlight).hits(text, mentions, max_per_term=max_per_term, max_candidates=max_candidates)


def _render(text: str, start: int, end: int, hits: Sequence[tuple[int, int, str]]) -> str:
    out = []
    position = start
    for hit_start, hit_end, _ in hits:
        if hit_start < start or hit_end > end:
            continue
        out.append(html.escape(_SPACE.sub(" ", text[position:hit_start])))
        out.append("<mark>" + html.escape(_SPACE.sub(" ", text[hit_start:hit_end])) + "</mark>")
        position = hit_end
    out.append(html.escape(_SPACE.sub(" ", text[position:end])))
    return "".join(out)


# Escaped text (as `html.escape` writes it) with balanced, unnested `<mark>`s: what `_render` builds.
# C0 control characters other than tab and newline are left to bleach, which rewrites them.
_TEXT = r"[^<>&\x00-\x08\x0b-\x1f]++|&(?:amp|lt|gt|quot|#x27);"  # each alternative is never empty
_RENDERED = re.compile(rf"(?:{_TEXT}|<mark>(?:{_TEXT})*+</mark>)*+")


def clean(markup: str) -> str:
    """Only `<mark>` survives; everything else that looks like markup is escaped.

    Markup that is already escaped text with balanced `<mark>`s and no control
    characters (what `_render` writes) is only checked, not re-parsed: `bleach.clean`
    returns such markup unchanged, so the answer is the same (a test compares the two)
    at a fraction of the cost. Anything else goes through bleach.
    """
    if _RENDERED.fullmatch(markup):
        return markup
    return bleach.clean(markup, tags=ALLOWED_TAGS, attributes={}, protocols=[], strip=False)


def clean_many(markups: list[str]) -> list[str]:
    """`clean` for many pieces; those that need bleach share one pass (most of its cost is per call).

    Rendered markup never contains a newline (whitespace is collapsed), so a newline
    separates the pieces; if bleach's output does not split back into as many pieces,
    each is cleaned on its own.
    """
    cleaned: list[str | None] = [m if _RENDERED.fullmatch(m) else None for m in markups]
    rest = [m for m, done in zip(markups, cleaned, strict=False) if done is None]
    if not rest:
        return markups
    if any("\n" in m for m in rest):
        parsed = [clean(m) for m in rest]
    else:
        parsed = clean("\n".join(rest)).split("\n")
        if len(parsed) != len(rest):
            parsed = [clean(m) for m in rest]
    found = iter(parsed)
    return [done if done is not None else next(found) for done in cleaned]


def _snap(text: str, start: int, end: int, first_hit: int, last_hit: int) -> tuple[int, int]:
    """Move a window's ends to word boundaries, never past the hits it must show."""
    if start > 0:
        space = text.find(" ", start, first_hit)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", last_hit, end)
        end = space if space != -1 else end
    return start, end


def _windows(hits: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of hits that fit in one passage, one per starting hit."""
    windows = []
    j = 0
    for i in range(len(hits)):
        j = max(j, i + 1)
        while j < len(hits) and hits[j][1] - hits[i][0] <= FRAGMENT_CHARS:
            j += 1
        windows.append((i, j))
    return windows


def _choose(hits: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Up to MAX_FRAGMENTS hit ranges, each round preferring terms not yet shown."""
    windows = _windows(hits)
    shown: set[str] = set()
    chosen: list[tuple[int, int]] = []
    used: set[int] = set()
    for _ in range(MAX_FRAGMENTS):
        best = None
        for i, j in windows:
            if any(k in used for k in range(i, j)):
                continue
            keys = {hits[k][2] for k in range(i, j)}
            score = (len(keys - shown), len(keys), j - i, -i)
            if best is None or score > best[0]:
                best = (score, i, j)
        if best is None:
            break
        _, i, j = best
        chosen.append((i, j))
        used.update(range(i, j))
        shown.update(hits[k][2] for k in range(i, j))
    return sorted(chosen)


def snippet_markup(text: str | None, highlight: Highlight, mentions: Iterable[Sequence] = ()) -> str:
    """The best passages of `text`, escaped, with `<mark>`; or its start if nothing matches. Not yet cleaned."""
    text = text or ""
    hits = find_hits(text, highlight, mentions) if highlight else []
    if not hits:
        return lead_markup(text, 2 * FRAGMENT_CHARS)
    parts = []
    last_end = 0
    for i, j in _choose(hits):
        first, last = hits[i][0], hits[j - 1][1]
        pad = max(0, FRAGMENT_CHARS - (last - first)) // 2
        start = max(0, first - pad)
        end = min(len(text), last + pad + max(0, pad - (first - start)))
        start, end = _snap(text, max(start, last_end), end, first, last)
        parts.append((start, end))
        last_end = end
    rendered = []
    for n, (start, end) in enumerate(parts):
        piece = _render(text, start, end, hits).strip()
        if start > 0 and (n == 0 or parts[n - 1][1] < start):
            piece = ELLIPSIS + " " + piece
        rendered.append(piece)
    tail = " " + ELLIPSIS if parts[-1][1] < len(text.rstrip()) else ""
    return " ".join(rendered) + tail


def lead_markup(text: str | None, chars: int = LEAD_CHARS) -> str:
    """The start of `text`, about `chars` long (cut at a space in its second half), escaped, no marks.

    For hits that answer no query (similar articles) and for a snippet where nothing
    matches. Not yet cleaned.
    """
    text = text or ""
    end = min(len(text), chars)
    if end < len(text):
        space = text.rfind(" ", chars // 2, end)
        end = space if space != -1 else end
    return _render(text, 0, end, []) + (ELLIPSIS if end < len(text) else "")


def whole_markup(text: str | None, highlight: Highlight) -> str:
    """All of a short text (a title), escaped, with `<mark>`. Not yet cleaned."""
    text = text or ""
    hits = find_hits(text, highlight) if highlight else []
    return _render(text, 0, len(text), hits)


def snippet(text: str | None, highlight: Highlight, mentions: Iterable[Sequence] = ()) -> str:
    """The best passages of `text` as safe HTML (text plus `<mark>`), or its start if nothing matches."""
    return clean(snippet_markup(text, highlight, mentions))


def highlight_whole(text: str | None, highlight: Highlight) -> str:
    """All of a short text (a title) as safe HTML, with its matches marked."""
    return clean(whole_markup(text, highlight))
