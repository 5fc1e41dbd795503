"""Page furniture: text around a story that is not the story, kept out of entity extraction.

Scraped news carries its site's furniture: a source name after the headline ("... kills three |
Jordan Times", "... - Reuters"), the headline repeated as the first line of the body, share and
link widgets ("Get short URL", "TimelineJS Embed", "Comment via Facebook"), bylines, and lists of
other stories' headlines under a heading ("Related News", "Read Also") at the end of the text. Names in
them are the publisher's or other stories', not this story's, so they must not become facet values.

Everything here keeps character offsets: the body is never shortened, furniture is overwritten
with spaces, so mention spans still point into the text the caller gave us.
"""
from __future__ import annotations

import re

# Web and page-widget vocabulary: a capitalised run holding one of these is a control or a
# label of the page, not a name ("Get short URL", "TimelineJS Embed", "SHARE", "Click Here").
FURNITURE_WORDS = frozenset(
    """url urls embed embedded share shares tweet retweet email e-mail print subscribe
    subscribers newsletter login logout signup sign-up click tap send permalink hashtag
    bookmark download upload widget iframe html http https www rss pdf jpeg jpg png gif
    cookie cookies javascript copyright related showcase category categories schedule photo photos
    caption captions thumbnail slideshow gallery""".split()
)
# "A | B", "A - B", "A — B": separators a site puts between a headline and its own name.
_TITLE_PARTS = re.compile(r"\s+[|\u2013\u2014-]+\s+|\s*\|\s*|^\s*[|\u2013\u2014-]+\s+|\s+[|\u2013\u2014-]+\s*$")
_URLISH = re.compile(r"^(?:https?://|www\.)\S+$|^\S+\.(?:com|org|net|co\.\w+|info|news)/?$", re.I)
_MAX_SOURCE_WORDS = 4


def _is_source_name(part: str) -> bool:
    """A short all-capitalised segment ("Jordan Times", "Reuters", "Al Jazeera English") or a web address."""
    words = part.split()
    if not words:
        return True
    if len(words) == 1 and _URLISH.match(words[0]):
        return True
    return len(words) <= _MAX_SOURCE_WORDS and all(w[0].isupper() or not w[0].isalpha() for w in words)


def headline(title: str) -> str:
    """The headline without the site's name: segments after the longest one that are short names go.

    "Car bomb kills three | Jordan Times" -> "Car bomb kills three". A title made only of short
    segments ("- The Media Line - https://...") is all furniture and becomes "".
    """
    parts = [p.strip() for p in _TITLE_PARTS.split(title)]
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return title.strip() if not (parts and _URLISH.match(parts[0])) else ""
    longest = max(range(len(parts)), key=lambda i: len(parts[i].split()))
    if len(parts[longest].split()) <= _MAX_SOURCE_WORDS and all(_is_source_name(p) for p in parts):
        return ""
    kept = [p for i, p in enumerate(parts) if i == longest or not _is_source_name(p)]
    return " - ".join(kept)


def blank(text: str, start: int, end: int) -> str:
    """`text` with [start, end) overwritten by spaces (newlines kept), so offsets stay valid."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


_WORD = re.compile(r"\w+")


def strip_repeated_headline(body: str, head: str) -> str:
    """The body without the headline that scrapers often repeat at its top (blanked, offsets kept).

    The repeat is found word by word (punctuation between the words may differ) within the
    first stretch of the body; a headline of fewer than three words is too weak to look for.
    """
    words = _WORD.findall(head)
    if len(words) < 3:
        return body
    window = min(len(body), len(head) * 2 + 200)
    if body.find(words[0], 0, window) < 0:
        return body  # the usual case, decided without reading words
    seen = list(_WORD.finditer(body, 0, window))
    texts = [w.group() for w in seen]
    for i in range(len(seen) - len(words) + 1):
        if texts[i:i + len(words)] == words:
            return blank(body, seen[i].start(), seen[i + len(words) - 1].end())
    return body


# "By Jane Doe" opening a line, "By Jane Doe and John Roe | ...": a byline names the writer.
_NAME = r"[A-Z][\w'\u2019.-]+(?:[ \t]+[A-Z][\w'\u2019.-]+){1,3}"
_BYLINE = re.compile(
    r"(?m)^[ \t]*(?:By|BY|Written by|Reporting by|Edited by)[ \t]+" + _NAME
    + r"(?:[ \t]*(?:,|and)[ \t]*" + _NAME + r")*[ \t]*(?:[|,\u2013\u2014-][^\n]*)?$"
)


# "(Reporting by Tom Perry; Editing by Giles Elgood)", "Additional reporting by ...": credits in a story.
_CREDIT = re.compile(r"(?:(?:Additional )?[Rr]eporting|[Ww]riting|[Ee]diting|[Cc]ompiled|[Pp]hotos?)"
                     r" by\s+[^)\n.;]{0,80}")


# The editor's initials (and a count) signing off the story: "... Press TV reported. SSH 11".
_SIGN_OFF = re.compile(r"(?:^|(?<=[.!?\"\u201d]))\s+(?P<initials>[A-Z]{2,4}(?:/[A-Z]{2,4})*(?:\s+\d{1,3})?)\s*$")
# Substrings without which no credit can match: checked first, because the credit pattern tried
# at every position costs more than the rest of this module.
_CREDIT_MARKS = ("eporting by", "riting by", "diting by", "ompiled by", "hoto by", "hotos by")


def strip_bylines(body: str) -> str:
    """Byline lines, reporting credits and a closing sign-off blanked: the writers are the source's
    staff, not actors of the story."""
    found = [*_BYLINE.finditer(body)]
    if any(mark in body for mark in _CREDIT_MARKS):
        found += _CREDIT.finditer(body)
    sign_off = _SIGN_OFF.search(body, max(0, len(body) - 40))
    spans = [(f.start(), f.end()) for f in found]
    if sign_off:
        spans.append(sign_off.span("initials"))
    for start, end in sorted(spans, reverse=True):
        body = blank(body, start, end)
    return body


# A heading that opens a list of other stories' links, capitalised as a heading is ("Related News",
# "Read Also", "More Stories", "Category News", "You May Also Like", "Tags").
_LINK_LIST_HEADING = re.compile(
    r"\b(?:Related(?: (?:News|Stories|Articles|Posts|Content|Coverage|Links|Topics|Videos|Reading))?|"
    r"Read (?:Also|More|Next)|Also Read|See Also|Check Also|More (?:News|Stories|Videos)|"
    r"Latest (?:News|Stories|Headlines|Updates)|Category News|Top Stories|Most (?:Read|Popular|Viewed)|"
    r"Recommended(?: (?:Stories|Articles|for You))?|You (?:May|Might) Also Like|Further Reading|Topics?|Tags)\b"
)
# The words a heading opens with, looked for before the pattern is run.
_HEADING_WORDS = ("Related", "Read", "Also", "See", "Check", "More", "Latest", "Category", "Top", "Most",
                  "Recommended", "You", "Further", "Topic", "Tags")
_SENTENCE_END = re.compile(r"[.?!](?=\s|$)")
_HEADLINE_RUN_WORDS = 20  # words without a full stop: a run of headlines, not one sentence of prose
_TITLE_CASE_WORDS = 6


def _lists_headlines(text: str) -> bool:
    """What follows a heading reads as headlines: nothing (a dangling heading), or a capitalised
    stretch up to its first full stop that is separated by "|", in Title Case, or too long for a
    sentence (headlines pasted together lose their stops). "Related to the case, police ..." is prose."""
    text = text.lstrip(" \t:")
    if not text.strip():
        return True
    if not text[0].isupper():
        return False
    stop = _SENTENCE_END.search(text)
    stretch = text[:stop.start()] if stop else text
    words = [w for w in stretch.split() if w[0].isalpha()]
    capitalised = sum(1 for w in words if w[0].isupper())
    return "|" in stretch or len(words) >= _HEADLINE_RUN_WORDS \
        or len(words) >= _TITLE_CASE_WORDS and capitalised > 0.6 * len(words)


def strip_link_lists(body: str) -> str:
    """The body without a block of other stories' headlines (blanked, offsets kept): a link-list
    heading followed by headlines, from the heading to the end of its paragraph. Only where a list
    can be: in the second half of its paragraph (scrapers often run the footer into the last one),
    or as a paragraph of its own after the first; a heading near the top of a one-paragraph text is
    followed by the story itself."""
    if not any(word in body for word in _HEADING_WORDS):
        return body  # the usual case, decided without the pattern
    for heading in _LINK_LIST_HEADING.finditer(body):
        start = heading.start()
        paragraph_start = body.rfind("\n", 0, start) + 1
        paragraph_end = body.find("\n", start)
        paragraph_end = len(body) if paragraph_end < 0 else paragraph_end
        own_paragraph = paragraph_start == start and paragraph_start > 0
        if not (own_paragraph or start - paragraph_start >= paragraph_end - start):
            continue
        if _lists_headlines(body[heading.end():paragraph_end]):
            body = blank(body, start, paragraph_end)
    return body
