"""The parsed article: the one record every reader produces and every later stage consumes.

Readers turn files into `Article`s; the analyser turns an `Article` into an index document.
Keeping it a frozen, plain record means each stage can be tested with hand-made articles.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

# Ids travel in URLs (/articles/<id>); the indexer skips longer ones so every indexed
# article can be fetched by id, and the engine and web refuse longer ones unread.
MAX_ID_LENGTH = 300
# Characters of one facet value (actor, location, country, source) or filter value. The
# engine refuses longer filters, so the indexer drops longer values: every value a page
# lists can be clicked.
MAX_VALUE_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def id_problem(article_id: str) -> str | None:
    """Why an article id cannot be served at /articles/<id>, or None when it can.

    One rule for both sides: the indexer skips such ids (with this reason) and the web
    refuses them in URLs, so no listed article leads to an error page. Ids are looked up
    in the index and never touch the file system; refusing `..` segments, a leading `/`,
    backslashes and control characters, also percent-encoded (up to three times), keeps
    it that way whatever a future change does with them.
    """
    if not article_id:
        return "empty id"
    if len(article_id) > MAX_ID_LENGTH:
        return f"id longer than {MAX_ID_LENGTH} characters"
    decoded = article_id
    for _ in range(4):  # as given, then %2e%2e, %252e%252e, %25252e...
        if _CONTROL.search(decoded):
            return "id contains a control character"
        if "\\" in decoded:
            return "id contains a backslash"
        if decoded.startswith("/"):
            return "id starts with '/'"
        if ".." in decoded.split("/"):
            return "id contains a '..' path segment"
        decoded = unquote(decoded)
    return None


@dataclass(frozen=True)
class Article:
    """One news article as read from disk, before any analysis.

    `date` is the publication date as an ISO string (`YYYY-MM-DD`) or None when the
    source does not say; it is never guessed from file times. `gold` carries labels
    shipped with benchmark data (e.g. Reuters PLACES) so evaluation can compare
    against them; the entity extractor never reads it. `authors` are the bylined
    people, in page order; `language` is an ISO 639-1 code (declared by the source, else
    detected from the text), None when neither says.
    """

    id: str
    title: str
    body: str
    date: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    gold: dict[str, list[str]] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    language: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A file (or a record inside one) that could not be read, with a one-line reason."""

    path: str
    reason: str
