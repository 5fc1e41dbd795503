"""Shared plumbing for the readers: size caps, encoding detection, Article assembly.

Every reader funnels its bytes through here so that the rules about bad input are
enforced once: caps keep memory bounded whatever the file size, decoding never
raises, and problems surface as `ReadError` with a one-line reason that `read_file`
turns into a `Skipped`.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import BinaryIO, TextIO

from index.article import Article, Skipped

# A body longer than this is truncated (and the article kept): no real news story is
# near 2 M characters, and the cap bounds the index and analysis cost of junk files.
MAX_BODY_CHARS = 2_000_000
MAX_TITLE_CHARS = 300
# Whole-file formats read at most this many bytes; enough for MAX_BODY_CHARS of
# non-ASCII text plus markup, and never the whole of a huge file.
MAX_TEXT_BYTES = 8 * 1024 * 1024
MAX_HTML_BYTES = 16 * 1024 * 1024
# A .json document must be parsed whole, so it is refused above this size (.jsonl streams).
MAX_JSON_BYTES = 64 * 1024 * 1024
# One JSONL line / CSV field longer than this is refused rather than buffered.
MAX_RECORD_CHARS = 32 * 1024 * 1024

_SNIFF_BYTES = 8192
_CHUNK = 1024 * 1024
_TEXT_CONTROL = set(b"\t\n\r\f\b\x1b")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


class ReadError(Exception):
    """Input that cannot be read; the message is the one-line reason shown to the user."""


def open_binary(path: Path) -> BinaryIO:
    """Open for reading, mapping OS errors to short reasons."""
    try:
        return open(path, "rb")
    except PermissionError:
        raise ReadError("permission denied") from None
    except IsADirectoryError:
        raise ReadError("is a directory") from None
    except FileNotFoundError:
        raise ReadError("no such file") from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None


def _check_head(head: bytes) -> str | None:
    """Reject binary data; return 'utf-16' when a UTF-16 BOM says so (its NULs are text)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if not head:
        return None
    # Like git: a NUL byte means binary; so does a head that is mostly control bytes.
    control = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROL)
    if 0 in head or control > len(head) * 0.3:
        raise ReadError("binary file")
    return None


def _decode(data: bytes, final: bool, forced: str | None) -> str:
    """Decode with the first encoding that fits: UTF-8 (BOM optional), cp1252, latin-1.

    `final=False` tolerates a multi-byte character cut by a read cap.
    """
    for encoding in ([forced] if forced else ["utf-8-sig", "cp1252"]):
        try:
            return codecs.getincrementaldecoder(encoding)("strict").decode(data, final)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_text(path: Path, max_bytes: int) -> tuple[str, bool]:
    """The decoded text of a whole-file format, at most `max_bytes` of it, and whether it was cut."""
    with open_binary(path) as fh:
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    truncated = len(data) > max_bytes
    data = data[:max_bytes]
    forced = _check_head(data[:_SNIFF_BYTES])
    text = _decode(data, not truncated, forced).replace("\x00", "")
    if not text.strip():
        raise ReadError("empty file")
    return text, truncated


def open_text(path: Path) -> TextIO:
    """A text stream for a line-based format, encoding chosen by scanning the whole file.

    The scan reads in chunks (constant memory) so that a cp1252 byte deep inside a
    large CSV still selects the right codec; `errors="replace"` is a last resort that
    keeps one odd byte from losing the file.
    """
    with open_binary(path) as fh:
        head = fh.read(_SNIFF_BYTES)
        forced = _check_head(head)
        encoding = forced or "utf-8-sig"
        utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        cp1252_ok = True
        has_text = bool(head.strip())
        chunk = head
        while chunk:
            if encoding == "utf-8-sig":
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    encoding = "cp1252"
            if encoding == "cp1252" and _CP1252_UNDEFINED.search(chunk):
                cp1252_ok = False
            if has_text and encoding == "cp1252" and not cp1252_ok:
                break
            chunk = fh.read(_CHUNK)
            has_text = has_text or bool(chunk.strip())
        if encoding == "utf-8-sig":
            try:
                utf8.decode(b"", True)
            except UnicodeDecodeError:
                encoding = "cp1252"
    if not has_text:
        raise ReadError("empty file")
    if encoding == "cp1252" and not cp1252_ok:
        encoding = "latin-1"
    try:
        return open(path, encoding=encoding, errors="replace", newline="")
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None


def short_title(text: str) -> str:
    """A headline-sized title from a longer line: its first sentence, cut at a word."""
    text = " ".join(text.split())
    sentence = re.match(r".+?[.!?](?=\s+[A-Z\"“‘']|$)", text)
    if sentence and len(sentence.group(0)) >= 20:
        text = sentence.group(0)
    if len(text) <= MAX_TITLE_CHARS:
        return text
    cut = text[:MAX_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def build_article(
    *,
    id: str,
    title: str | None,
    body: str | None,
    path: str,
    date: str | None = None,
    source: str | None = None,
    url: str | None = None,
    gold: dict[str, list[str]] | None = None,
) -> Article | Skipped:
    """Assemble an Article with the caps applied; no body text means Skipped.

    A missing title falls back to the body's first line, because every search result
    needs something to show as its headline.
    """
    body = (body or "").strip()
    if not body:
        return Skipped(path, "no body text")
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS]
    title = " ".join((title or "").split())
    if not title:
        title = short_title(body.split("\n", 1)[0])
    elif len(title) > MAX_TITLE_CHARS:
        title = short_title(title)
    source = " ".join((source or "").split())
    url = (url or "").strip()
    return Article(
        id=id,
        title=title,
        body=body,
        date=date,
        source=source or None,
        url=url or None,
        path=path,
        gold=gold or {},
    )
