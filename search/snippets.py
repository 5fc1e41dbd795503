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
from functools import lru_cache
from typing import Iterable, Sequence

import bleach

from index.analysis import STOP_WORDS, fold, stem
from search.query import Highlight

FRAGMENT_CHARS = 160  # characters per passage
MAX_FRAGMENTS = 3  # passages per snippet
MAX_CANDIDATES = 20_000  # candidate words examined per text
MAX_HITS_PER_TERM = 50  # hits kept per query term, so one common word cannot crowd out the others
ELLIPSIS = "…"
_WORD = re.compile(r"\w+")
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
    return "".join(f"[{re.escape(c + _FOLDS[c])}]" if c in _FOLDS else re.escape(c) for c in text)


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


@lru_cache(maxsize=512)
def _candidates(prefixes: frozenset[str]) -> re.Pattern[str] | None:
    if not prefixes:
        return None
    # Longest first so the alternation prefers the most specific prefix.
    alternation = "|".join(_accent_insensitive(p) for p in sorted(prefixes, key=lambda p: (-len(p), p)))
    return re.compile(rf"(?<!\w)(?:{alternation})\w*", re.IGNORECASE)


def _phrase_end(text: str, start: int, rest: Sequence[str]) -> int | None:
    """End of the phrase whose first word ends at `start`, if the next words are `rest`."""
    position = start
    window = text[start : start + 40 * len(rest) + 40]
    words = _WORD.finditer(window)
    for expected in rest:
        word = next(words, None)
        if word is None or fold(word.group()) != expected:
            return None
        position = start + word.end()
    return position


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
    snippet needs; a whole article (`Searcher.article`) asks for more.
    """
    hits: list[tuple[int, int, str]] = []
    per_term: dict[str, int] = {}

    def keep(start: int, end: int, key: str) -> None:
        if per_term.get(key, 0) < max_per_term:
            per_term[key] = per_term.get(key, 0) + 1
            hits.append((start, end, key))

    active = _prefixes(highlight)
    pattern = _candidates(frozenset(active))
    position = examined = 0
    while pattern is not None and examined < max_candidates:
        for match in pattern.finditer(text, position):
            examined += 1
            word = fold(match.group())
            for phrase in highlight.phrases:
                if phrase and phrase[0] == word:
                    end = _phrase_end(text, match.end(), phrase[1:])
                    if end is not None:
                        keep(match.start(), end, " ".join(phrase))
            if word in highlight.words:
                keep(match.start(), match.end(), word)
            elif highlight.stems and word not in STOP_WORDS and stem(word) in highlight.stems:
                keep(match.start(), match.end(), stem(word))
            full = {key for key, count in per_term.items() if count >= max_per_term}
            still = {prefix: keys for prefix, keys in active.items() if not keys <= full}
            if len(still) < len(active) or examined >= max_candidates:
                # Stop looking for terms we have enough of, so rarer ones deeper in are still found.
                active, position = still, match.end()
                pattern = _candidates(frozenset(active))
                break
        else:
            break
    if highlight.values:
        for mention in mentions:
            start, end, value = mention[0], mention[1], mention[4]
            if value in highlight.values and 0 <= start < end <= len(text):
                keep(start, end, value)
    hits.sort(key=lambda hit: (hit[0], -hit[1]))
    merged: list[tuple[int, int, str]] = []
    for hit in hits:
        if merged and hit[0] < merged[-1][1]:
            continue  # overlaps a longer or earlier hit (a phrase and its first word)
        merged.append(hit)
    return merged


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
    cleaned = [m if _RENDERED.fullmatch(m) else None for m in markups]
    rest = [m for m, done in zip(markups, cleaned) if done is None]
    if not rest:
        return cleaned
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
