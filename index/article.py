"""The parsed article: the one record every reader produces and every later stage consumes.

Readers turn files into `Article`s; the analyser turns an `Article` into an index document.
Keeping it a frozen, plain record means each stage can be tested with hand-made articles.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Ids travel in URLs (/articles/<id>); the indexer skips longer ones so every indexed
# article can be fetched by id, and the engine and web refuse longer ones unread.
MAX_ID_LENGTH = 300


@dataclass(frozen=True)
class Article:
    """One news article as read from disk, before any analysis.

    `date` is the publication date as an ISO string (`YYYY-MM-DD`) or None when the
    source does not say; it is never guessed from file times. `gold` carries labels
    shipped with benchmark data (e.g. Reuters PLACES) so evaluation can compare
    against them; the entity extractor never reads it.
    """

    id: str
    title: str
    body: str
    date: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    gold: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Skipped:
    """A file (or a record inside one) that could not be read, with a one-line reason."""

    path: str
    reason: str
