"""What the web hands over besides single pages: feeds, web archives and PDFs.

- `.rss`/`.atom`/`.xml`: feedparser; one article per entry, its full content when the
  feed carries it, else its summary. Ids are `<file>#<n>`, n the entry's position.
- `.warc`/`.warc.gz`: warcio; every HTML response record is a page read like an
  `.html` file, its target URI its URL and its capture day the date of last resort.
  Ids are `<file>#<n>`, n counting the archive's HTML pages. Other records (requests,
  images, scripts, revisits) are counted in one `Skipped` line per archive.
- `.pdf`: pypdf; one article per file, title from the document's metadata or its
  first line, text unwrapped like plain text.

As everywhere in `index.readers`, a bad entry, record or file is a `Skipped` with a
one-line reason, and what can still be read is read.
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import feedparser
import pypdf
from pypdf.errors import PdfReadError
from warcio.archiveiterator import ArchiveIterator

from index.article import Article, Skipped
from index.readers._base import (
    MAX_BODY_CHARS,
    MAX_HTML_BYTES,
    ReadError,
    Window,
    build_article,
    charset_name,
    decode_bytes,
    open_binary,
    page_article,
    windows_of,
)
from index.readers.html import parse_html
from index.readers.text import ParsedPage, parse_text, split_authors

Result = Iterator[Article | Skipped]

# pypdf logs every repair it makes to a damaged file; our one-line reason is what the user sees.
logging.getLogger("pypdf").setLevel(logging.ERROR)
# A feed is parsed whole; one larger than this is refused rather than loaded.
MAX_FEED_BYTES = 64 * 1024 * 1024
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_DRAIN_CHUNK = 1024 * 1024
# Pages parsed per task when one archive is shared out (a second or two of trafilatura),
# and feed entries likewise; a feed is parsed again by each of its windows, so they are few.
WARC_PAGES_PER_WINDOW = 64
FEED_ENTRIES_PER_WINDOW = 64
MAX_FEED_WINDOWS = 16


def _feed_date(entry: dict) -> str | None:
    """An entry's publication (else update) day as ISO, from feedparser's parsed UTC time."""
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


def _entry_html(entry: dict) -> str:
    """The entry's full content when the feed carries it (`content:encoded`, Atom content), else its summary."""
    contents = [c.get("value", "") for c in entry.get("content") or [] if c.get("value")]
    return max(contents, key=len) if contents else entry.get("summary", "")


def _parse_feed(path: Path):
    """The whole feed parsed by feedparser; ReadError when it is too big, empty or has no entries."""
    with open_binary(path) as fh:
        data = fh.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        raise ReadError(f"feed larger than {MAX_FEED_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise ReadError("empty file")
    feed = feedparser.parse(data)
    if not feed.entries:
        problem = feed.get("bozo_exception")
        reason = f" ({' '.join(str(problem).split())[:120]})" if problem else ""
        raise ReadError(f"not an RSS or Atom feed, or a feed without entries{reason}")
    return feed


def feed_windows(path: Path) -> tuple[list[Window], list[Skipped]]:
    """Windows over a feed's entries; each one parses the feed again but the pages of its own entries only."""
    return windows_of(len(_parse_feed(path).entries), FEED_ENTRIES_PER_WINDOW, MAX_FEED_WINDOWS), []


def read_feed(path: Path, base_id: str, window: Window | None = None) -> Result:
    """One article per RSS/Atom entry (those in `window`); an entry without text is skipped with its position."""
    feed = _parse_feed(path)
    channel = feed.get("feed", {})
    source = channel.get("title")
    language = channel.get("language")
    for number, entry in enumerate(feed.entries, start=1):
        if window is not None and window.before(number):
            continue
        if window is not None and window.after(number):
            break
        entry_id = f"{base_id}#{number}"
        where = f"{path}#{number}"
        markup = _entry_html(entry)
        page = (parse_html(f"<html><body><article>{markup}</article></body></html>", url=entry.get("link"))
                if markup else None)
        title = " ".join((entry.get("title") or "").split())
        if page is None or not page.body:
            if not title:
                yield Skipped(where, "feed entry has no title or text")
                continue
            page = ParsedPage(title, "", None, None, None)
        authors = split_authors([a.get("name", "") for a in entry.get("authors") or []] or [entry.get("author", "")])
        yield build_article(
            id=entry_id, title=title or page.title, body=page.body, path=where,
            date=_feed_date(entry) or page.date, source=source or page.source, url=entry.get("link") or page.url,
            authors=authors or page.authors, language=language or page.language,
        )


def _record_kind(record) -> str:
    """'page' for an HTML response, else a label for the summary ('request', 'image/png', ...)."""
    if record.rec_type not in {"response", "resource"}:
        return record.rec_type
    headers = record.http_headers
    content_type = ((headers.get_header("Content-Type") if headers else None)
                    or record.rec_headers.get_header("Content-Type") or "")
    mime = content_type.split(";")[0].strip().lower()
    if headers and not headers.get_statuscode().startswith("2"):
        return f"HTTP {headers.get_statuscode()}"
    return "page" if mime in _HTML_TYPES else (mime or "no content type")


def _http_charset(record) -> str | None:
    """The charset an HTTP response header declares, if any."""
    content_type = (record.http_headers.get_header("Content-Type") if record.http_headers else None) or ""
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return charset_name(value.strip(" \"'"))
    return None


def _drained_short(record) -> bool:
    """Read what is left of a record; True when the archive ended before its declared length."""
    while record.raw_stream.read(_DRAIN_CHUNK):
        pass
    return record.raw_stream.limit > 0


def _trailing_data(fh, iterator) -> bool:
    """True when bytes other than padding follow the last record warcio could parse (a cut-off record)."""
    try:
        end = iterator.get_record_offset() + iterator.get_record_length()
    except TypeError:  # no record was read at all
        end = 0
    fh.seek(end)
    return bool(fh.read(_DRAIN_CHUNK).strip())


@dataclass
class _Walk:
    """What a pass over a web archive found besides its pages: other records by kind, and damage."""

    pages: int
    others: Counter[str] = field(default_factory=Counter)
    damage: str | None = None

    def tail(self, path: Path) -> list[Skipped]:
        """The archive's file-level lines: its damage, then its records that are not pages."""
        lines = []
        if self.damage is not None:
            lines.append(Skipped(str(path), f"truncated or corrupt WARC record after {self.pages} pages "
                                            f"({self.damage}); the rest is unread"))
        if self.others:
            kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.others.items(), key=lambda kv: (-kv[1], kv[0])))
            count = sum(self.others.values())
            lines.append(Skipped(str(path), f"skipped {count} records that are not HTML pages: {kinds}"))
        return lines


def _walk_warc(fh, walk: _Walk, read_pages: bool) -> Iterator[tuple[Any, bytes, int]]:
    """(record, content, offset) of each HTML page from the file position on; `walk` counts the rest.

    warcio stops quietly at a record cut off mid-way, so completeness is checked here:
    each record must be as long as it declares, and nothing but padding may follow the
    last one. Either failure ends the walk and is noted in `walk.damage`. Without
    `read_pages` the pages' content is skipped, not read (a scan for windows).
    """
    iterator = ArchiveIterator(fh)
    records = iter(iterator)
    while True:
        try:
            record = next(records, None)
            if record is None:
                walk.damage = "the last record is cut off" if _trailing_data(fh, iterator) else None
                return
            kind = _record_kind(record)
            data = record.content_stream().read(MAX_HTML_BYTES + 1) if kind == "page" and read_pages else b""
            if _drained_short(record):
                walk.damage = "a record is cut off"
                return
            offset = iterator.get_record_offset()
        except Exception as exc:  # noqa: BLE001 - warcio and zlib raise many kinds for damaged archives
            walk.damage = f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}"
            return
        if kind != "page":
            walk.others[kind] += 1
            continue
        walk.pages += 1
        yield record, data, offset


def warc_windows(path: Path) -> tuple[list[Window], list[Skipped]]:
    """Windows of WARC_PAGES_PER_WINDOW pages, each starting at its first page's byte offset, and
    the archive's file-level lines (found by this scan, which reads every record but parses none)."""
    walk = _Walk(0)
    windows: list[Window] = []
    with open_binary(path) as fh:
        for _record, _data, offset in _walk_warc(fh, walk, read_pages=False):
            if (walk.pages - 1) % WARC_PAGES_PER_WINDOW == 0:
                windows.append(Window(walk.pages, walk.pages + WARC_PAGES_PER_WINDOW - 1, offset))
    if windows:
        windows[-1] = replace(windows[-1], last=walk.pages)
    return windows, walk.tail(path)


def read_warc(path: Path, base_id: str, window: Window | None = None) -> Result:
    """Every HTML response in a web archive (or in `window`) as an article; other records
    counted; damage ends the read. A whole-archive read ends with its file-level lines."""
    walk = _Walk(0 if window is None else window.first - 1)
    with open_binary(path) as fh:
        if window is not None:
            fh.seek(window.offset)
        for record, data, _offset in _walk_warc(fh, walk, read_pages=True):
            if window is not None and window.after(walk.pages):
                return
            where = f"{path}#{walk.pages}"
            target = record.rec_headers.get_header("WARC-Target-URI")
            captured = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
            try:
                markup = decode_bytes(data[:MAX_HTML_BYTES], complete=len(data) <= MAX_HTML_BYTES,
                                      markup=True, declared=_http_charset(record))
            except ReadError as exc:
                yield Skipped(where, str(exc))
                continue
            yield page_article(parse_html(markup, url=target), f"{base_id}#{walk.pages}", where, fallback_date=captured)
    if window is None:
        yield from walk.tail(path)


def _pdf_date(reader: pypdf.PdfReader) -> str | None:
    try:
        created = reader.metadata.creation_date if reader.metadata else None
    except (ValueError, TypeError):  # a malformed date string in the document info
        return None
    return created.date().isoformat() if created else None


def read_pdf(path: Path, base_id: str) -> Result:
    """One article from a PDF's text; an encrypted PDF that needs a password is skipped."""
    with open_binary(path) as fh:
        try:
            reader = pypdf.PdfReader(fh)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ReadError("encrypted PDF (needs a password)")
            texts: list[str] = []
            size = 0
            for pdf_page in reader.pages:
                text = pdf_page.extract_text() or ""
                texts.append(text)
                size += len(text)
                if size > MAX_BODY_CHARS:
                    break
            info = reader.metadata
            title = " ".join(str(info.title or "").split()) if info else ""
            authors = split_authors([str(info.author)]) if info and info.author else []
            created = _pdf_date(reader)
        except (PdfReadError, ValueError, KeyError, OSError) as exc:
            raise ReadError(f"unreadable PDF ({' '.join(str(exc).split())[:160]})") from None
    text = "\n".join(texts).strip()
    if not text:
        raise ReadError("PDF has no text layer (scanned images need OCR)")
    if title and " ".join(text.split("\n", 1)[0].split()) == title:
        text = text.split("\n", 1)[1] if "\n" in text else ""  # the title printed as the first line
    page = parse_text(f"{title}\n\n{text}" if title else text)
    yield build_article(id=base_id, title=page.title, body=page.body, path=str(path), date=page.date,
                        source=page.source, url=page.url, authors=page.authors or authors, fallback_date=created)
