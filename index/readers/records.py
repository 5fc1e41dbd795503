"""Structured articles: JSON, JSON Lines and CSV records mapped onto `Article`.

Datasets name their columns differently (`title`, `headline`, `article_title`...),
so fields are matched case-insensitively against alias lists; unknown columns
(e.g. FA-KES `location`, `labels`) are ignored because they are not article
metadata. Columns named `gold_*` are the exception: they carry benchmark labels
into `Article.gold`. One bad record is one `Skipped`; the rest of the file is read.
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from index.article import Article, Skipped
from index.dates import parse_date
from index.readers._base import (
    MAX_JSON_BYTES,
    MAX_RECORD_CHARS,
    ReadError,
    Window,
    build_article,
    open_text,
    read_text,
    windows_of,
)
from index.readers.text import language_code

_ALIASES = {
    "title": ("title", "headline", "article_title", "heading"),
    "body": ("body", "content", "text", "article_content", "article_text", "article", "story",
             "full_text", "maintext"),
    "date": ("date", "published", "pub_date", "publication_date", "published_at", "publish_date",
             "date_published", "datepublished", "published_time", "pubdate", "timestamp"),
    "source": ("source", "outlet", "publisher", "site_name", "source_name", "site"),
    "url": ("url", "link", "canonical_url", "source_url", "article_url"),
    "id": ("id", "unit_id", "doc_id", "docid", "article_id", "_id", "uuid"),
    "authors": ("authors", "author", "byline", "creator", "creators", "writer", "writers"),
    "language": ("language", "lang", "inlanguage", "language_code", "locale"),
}
_GOLD_PREFIX = "gold_"
_BY = re.compile(r"^\s*by\s+", re.I)

csv.field_size_limit(MAX_RECORD_CHARS)
# Records per window when a big file is shared out. A window skips the records before it
# by reading them, so their number is capped (see `windows_of`).
RECORDS_PER_WINDOW = 512
MAX_RECORD_WINDOWS = 32


def _text(value: Any) -> str | None:
    """A field as text: strings as-is, numbers formatted, nested source objects by name."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping):  # e.g. NewsAPI's {"source": {"id": ..., "name": "BBC"}}
        return _text(value.get("name") or value.get("title"))
    return None


def _pick(fields: Mapping[str, Any], role: str) -> str | None:
    for alias in _ALIASES[role]:
        value = _text(fields.get(alias))
        if value:
            return value
    return None


def _authors(fields: Mapping[str, Any]) -> list[str]:
    """The record's authors: a list of names (or of {"name": ...} objects), or one string.

    A record's author field is structured data, not a byline, so a string is split only on
    ";" and line breaks: "Smith, John" is one name, and "Ali and Sons" may be an outlet's
    desk. A leading "By " is dropped as in bylines.
    """
    for alias in _ALIASES["authors"]:
        value = fields.get(alias)
        if not value:
            continue
        items = value if isinstance(value, list) else [value]
        parts = [part for item in items for part in re.split(r"[;\n]", _text(item) or "")]
        names = list(dict.fromkeys(" ".join(_BY.sub("", part).split()) for part in parts))
        return [name for name in names if name]
    return []


def _gold(fields: Mapping[str, Any]) -> dict[str, list[str]]:
    gold = {}
    for key, value in fields.items():
        if key.startswith(_GOLD_PREFIX) and len(key) > len(_GOLD_PREFIX):
            items = value if isinstance(value, list) else str(value or "").split(";")
            gold[key[len(_GOLD_PREFIX):]] = [str(v).strip() for v in items if str(v).strip()]
    return gold


def record_to_article(record: Mapping[str, Any], default_id: str, path: str) -> Article | Skipped:
    """One record (JSON object or CSV row) as an Article; `default_id` when it has no id."""
    fields = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
    return build_article(
        id=_pick(fields, "id") or default_id,
        title=_pick(fields, "title"),
        body=_pick(fields, "body"),
        date=parse_date(_pick(fields, "date") or ""),
        source=_pick(fields, "source"),
        url=_pick(fields, "url"),
        authors=_authors(fields),
        language=language_code(_pick(fields, "language")),
        path=path,
        gold=_gold(fields),
    )


def _unwrap(document: Any) -> Any:
    """A list of records wrapped in an envelope ({"articles": [...]}) is that list."""
    if isinstance(document, dict):
        keys = {str(k).lower() for k in document}
        if not keys & set(_ALIASES["body"]):
            lists = [v for v in document.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
            if len(lists) == 1:
                return lists[0]
    return document


def read_json(path: Path, base_id: str) -> Iterator[Article | Skipped]:
    """One article object, or a list of them (ids `<base>#<n>` when records have none)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    if size > MAX_JSON_BYTES:
        raise ReadError(f"JSON file too large ({size // 2**20} MB > {MAX_JSON_BYTES // 2**20} MB); use .jsonl")
    text, _ = read_text(path, MAX_JSON_BYTES)
    try:
        document = _unwrap(json.loads(text))
    except json.JSONDecodeError as exc:
        raise ReadError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ReadError("invalid JSON: nested too deeply") from None
    if isinstance(document, dict):
        yield record_to_article(document, base_id, str(path))
    elif isinstance(document, list):
        for number, item in enumerate(document, start=1):
            where = f"{path}#{number}"
            if isinstance(item, dict):
                yield record_to_article(item, f"{base_id}#{number}", where)
            else:
                yield Skipped(where, "not a JSON object")
    else:
        raise ReadError("JSON is neither an object nor a list of objects")


def _jsonl_lines(fh) -> Iterator[tuple[int, str | None]]:
    """(line number, line) of each line; None for a line longer than MAX_RECORD_CHARS, discarded in pieces."""
    number = 0
    while True:
        line = fh.readline(MAX_RECORD_CHARS)
        if not line:
            return
        number += 1
        if len(line) >= MAX_RECORD_CHARS and not line.endswith("\n"):
            while line and not line.endswith("\n"):
                line = fh.readline(MAX_RECORD_CHARS)
            yield number, None
            continue
        yield number, line


def jsonl_windows(path: Path) -> tuple[list[Window], list[Skipped]]:
    """Windows over a JSONL file's lines (counted, not parsed)."""
    with open_text(path) as fh:
        total = sum(1 for _ in _jsonl_lines(fh))
    return windows_of(total, RECORDS_PER_WINDOW, MAX_RECORD_WINDOWS), []


def read_jsonl(path: Path, base_id: str, window: Window | None = None) -> Iterator[Article | Skipped]:
    """One object per line (those in `window`); a bad line is `Skipped('file.jsonl:LINE')` and reading goes on."""
    with open_text(path) as fh:
        for number, line in _jsonl_lines(fh):
            if window is not None and window.before(number):
                continue
            if window is not None and window.after(number):
                return
            where = f"{path}:{number}"
            if line is None:
                yield Skipped(where, f"line longer than {MAX_RECORD_CHARS // 2**20} MB")
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Skipped(where, f"invalid JSON: {exc.msg}")
                continue
            except RecursionError:
                yield Skipped(where, "invalid JSON: nested too deeply")
                continue
            if not isinstance(record, dict):
                yield Skipped(where, "not a JSON object")
                continue
            yield record_to_article(record, f"{base_id}#{number}", where)


def _csv_rows(path: Path) -> Iterator[tuple[int, dict | csv.Error, int]]:
    """(data row number, row, line number) of each row; a csv.Error in place of the row ends the file."""
    with open_text(path) as fh:
        first_line = fh.readline(65536)
        fh.seek(0)
        # The header row names the columns, so the delimiter is whichever candidate it uses most.
        delimiter = max(",;\t|", key=first_line.count)
        reader = csv.DictReader(fh, delimiter=delimiter if first_line.count(delimiter) else ",")
        try:
            header = [str(name or "").strip().lower() for name in (reader.fieldnames or [])]
        except csv.Error as exc:
            raise ReadError(f"bad CSV header: {exc}") from None
        if not set(header) & set(_ALIASES["body"]):
            raise ReadError("CSV has no body column (body/content/text/article_content)")
        number = 0
        while True:
            number += 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield number, exc, reader.line_num
                return
            yield number, row, reader.line_num


def csv_windows(path: Path) -> tuple[list[Window], list[Skipped]]:
    """Windows over a CSV file's data rows (split by the csv module, not turned into articles)."""
    total = sum(1 for _ in _csv_rows(path))
    return windows_of(total, RECORDS_PER_WINDOW, MAX_RECORD_WINDOWS), []


def read_csv(path: Path, base_id: str, window: Window | None = None) -> Iterator[Article | Skipped]:
    """A header row then one article per row (those in `window`); quoted fields may span lines."""
    for number, row, line in _csv_rows(path):
        if window is not None and window.before(number):
            continue
        if window is not None and window.after(number):
            return
        if isinstance(row, csv.Error):
            yield Skipped(f"{path}:{line}", f"bad CSV, rest of file not read: {row}")
            return
        yield record_to_article(row, f"{base_id}#{number}", f"{path}#{number}")
