"""Shared plumbing for the readers: size caps, encoding detection, Article assembly.

Every reader funnels its bytes through here so that the rules about bad input are
enforced once: caps keep memory bounded whatever the file size, decoding never
raises, and problems surface as `ReadError` with a one-line reason that `read_file`
turns into a `Skipped`.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

import charset_normalizer
import py3langid

from index.article import Article, Skipped
from index.readers.text import MAX_TITLE_CHARS, ParsedPage, dateline_date, find_dateline, language_code, short_title

# A body longer than this is truncated (and the article kept): no real news story is
# near 2 M characters, and the cap bounds the index and analysis cost of junk files.
MAX_BODY_CHARS = 2_000_000
# Title-only input (one line, no body) with at least this many words is a story
# without line breaks and is indexed with that text as its body. Fewer words is a bare
# headline: skipped as "no body text", since a body that only repeats the title is not
# a story and would pad results with empty hits.
MIN_STORY_WORDS = 20
# Whole-file formats read at most this many bytes; enough for MAX_BODY_CHARS of
# non-ASCII text plus markup, and never the whole of a huge file.
MAX_TEXT_BYTES = 8 * 1024 * 1024
MAX_HTML_BYTES = 16 * 1024 * 1024
# A .json document must be parsed whole, so it is refused above this size (.jsonl streams).
MAX_JSON_BYTES = 64 * 1024 * 1024
# One JSONL line / CSV field longer than this is refused rather than buffered.
MAX_RECORD_CHARS = 32 * 1024 * 1024

# Invisible characters that are no spelling: a byte-order mark or zero-width no-break space
# anywhere, and a zero-width space beside a space, at an edge, or inside a word of a script that
# spaces its words (a CMS's hyphenation hint, which would split the word for search). A zero-width
# space between letters of a script written without spaces (Thai, Khmer) marks a word break, and
# the joiners (U+200C, U+200D) are spelling in Persian, Urdu, Indic scripts and emoji: both stay.
_INVISIBLE = re.compile(r"[\ufeff\u2060]|(?:(?<=\s)|^)\u200b+|\u200b+(?=\s|$)", re.MULTILINE)
_ZERO_WIDTH_SPACE = re.compile(r"(?<=(\w))\u200b+(?=(\w))")


def strip_invisible(text: str) -> str:
    """`text` without the invisible characters that are no spelling (see `_INVISIBLE`)."""
    if "\ufeff" not in text and "\u2060" not in text and "\u200b" not in text:
        return text
    text = _INVISIBLE.sub("", text)
    return _ZERO_WIDTH_SPACE.sub(lambda m: "" if _cased(m[1]) and _cased(m[2]) else m[0], text)


def _cased(letter: str) -> bool:
    """A letter of a script with upper and lower case (Latin, Greek, Cyrillic, Armenian...)."""
    return letter.lower() != letter.upper()


_SNIFF_BYTES = 8192
_CHUNK = 1024 * 1024
_TEXT_CONTROL = set(b"\t\n\r\f\b\x1b")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# A UTF-8 file may hold this many bad bytes (or 1 per 100 valid multi-byte characters)
# and still be read as UTF-8; see `_EncodingScan`.
FEW_BAD_UTF8_BYTES = 8


class ReadError(Exception):
    """Input that cannot be read; the message is the one-line reason shown to the user."""


@dataclass(frozen=True)
class Window:
    """Records `first`..`last` of one record file (numbered from 1 as in their ids: line,
    row, entry or page number), so that several processes can parse one big file.

    `offset` is a byte position where the record numbered `first` starts, for formats
    that can seek (web archives); 0 means read from the file's start, skipping the
    records before `first` without parsing them. File-level lines (a web archive's
    damage and its count of other records) belong to whoever scanned the whole file,
    so a windowed read never reports them.
    """

    first: int
    last: int
    offset: int = 0

    def before(self, number: int) -> bool:
        return number < self.first

    def after(self, number: int) -> bool:
        return number > self.last


def windows_of(total: int, size: int, max_windows: int) -> list[Window]:
    """`total` records cut into windows of at least `size`, at most `max_windows` of them.

    Formats whose windows skip from the file's start cost one cheap pass per window, so
    their number is capped; their size then grows with the file.
    """
    size = max(size, -(-total // max_windows))
    return [Window(first, min(first + size - 1, total)) for first in range(1, total + 1, size)]


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


class _EncodingScan:
    """Evidence for a file's encoding, gathered chunk by chunk in constant memory.

    UTF-8 is chosen unless the bytes are mostly not UTF-8: a file that is valid UTF-8
    apart from a few bad bytes (a truncated character, a stray cp1252 quote pasted in)
    is UTF-8 with those bytes replaced by U+FFFD, because decoding it all as cp1252
    would turn every accented letter into mojibake ("café" -> "cafÃ©") that search
    never matches. Real cp1252/latin-1 text almost never forms valid multi-byte UTF-8
    sequences (an accented letter is followed by ASCII, not by a continuation byte), so
    a file with invalid bytes and no (or few) valid sequences is legacy text, whose
    codec `encoding` picks from the declaration, the letters, or charset-normalizer.
    """

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self._started = False
        self._bom = False
        self.multibyte = 0  # valid UTF-8 characters of 2-4 bytes
        self.invalid = 0  # bytes that fit no UTF-8 sequence
        self.cp1252_undefined = False

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Take the next chunk; `final=False` leaves a character cut at the chunk's end pending."""
        if not self._started and chunk:
            self._started, self._bom = True, chunk.startswith(codecs.BOM_UTF8)
        self.cp1252_undefined = self.cp1252_undefined or bool(_CP1252_UNDEFINED.search(chunk))
        text = self._utf8.decode(chunk, final)
        if text.isascii():
            return
        non_ascii = len(text) - len(text.encode("ascii", "ignore"))
        # surrogateescape made each bad byte a lone surrogate, which the UTF-8 encoder drops.
        invalid = len(text) - len(text.encode("utf-8", "ignore").decode("utf-8"))
        self.invalid += invalid
        self.multibyte += non_ascii - invalid

    def is_utf8(self) -> bool:
        """UTF-8 by BOM, or bytes that are UTF-8 apart from a few (or rare) bad ones."""
        few = self.invalid <= FEW_BAD_UTF8_BYTES and self.multibyte >= self.invalid
        rare = self.invalid * 100 <= self.multibyte
        return self._bom or few or rare

    def encoding(self, sample: bytes, declared: str | None = None) -> str:
        """The codec to read the scanned bytes with (use errors="replace").

        In order: UTF-8 (BOM, or bytes that form UTF-8, which legacy text almost never
        does); the charset the file declares; Western text (cp1252, or latin-1 when it
        holds bytes cp1252 leaves undefined), recognised by its accented letters sitting
        among ASCII ones; else what charset-normalizer detects in `sample` (Arabic,
        Cyrillic, Greek, Japanese... whose every letter is a high byte).
        """
        # Declared UTF-8 with no multi-byte character is ASCII, the same text in any codec
        # tried below: answered here, without scanning its letters.
        if self.is_utf8() and (self.multibyte or self._bom or declared in (None, "utf-8")):
            return "utf-8-sig"
        if declared is not None and declared != "utf-8":
            return declared
        if _looks_western(sample):
            return "latin-1" if self.cp1252_undefined else "cp1252"
        detected = charset_normalizer.from_bytes(sample[:_DETECT_BYTES]).best()
        if detected is not None:
            return detected.encoding
        return "latin-1" if self.cp1252_undefined else "cp1252"


# charset-normalizer reads at most this much of a file: enough text to tell scripts apart.
_DETECT_BYTES = 256 * 1024
# In Western-European text most letters are ASCII and accents are sprinkled among them;
# in a single-byte Arabic, Cyrillic or Greek file nearly every letter is a high byte.
WESTERN_MAX_HIGH_LETTERS = 0.3
_LETTER_BYTE = re.compile(rb"[A-Za-z\x80-\xff]")
_DECLARED = re.compile(
    rb"""<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)|<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# Declarations of Latin-1 mean cp1252 on the web (the WHATWG encoding standard).
_DECLARED_ALIASES = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}


def _looks_western(sample: bytes) -> bool:
    """True when high bytes are a minority of the letters: accents in a Latin-script text."""
    letters = _LETTER_BYTE.findall(sample[:_DETECT_BYTES])
    high = sum(1 for b in letters if b[0] >= 0x80)
    return bool(letters) and high <= len(letters) * WESTERN_MAX_HIGH_LETTERS


def declared_charset(head: bytes) -> str | None:
    """The codec a page or feed declares (`<meta charset>`, http-equiv, `<?xml encoding>`), if known."""
    match = _DECLARED.search(head)
    return charset_name((match.group(1) or match.group(2)).decode("ascii", "replace")) if match else None


def charset_name(declared: str) -> str | None:
    """The codec for a declared charset name ("windows-1256", "ISO-8859-1"), None if unknown or impossible."""
    try:
        name = codecs.lookup(declared.strip()).name
    except (LookupError, UnicodeDecodeError):
        return None  # an unknown or garbled name is no declaration
    if name in {"utf-16", "utf-16-le", "utf-16-be", "utf-32"}:
        return None  # bytes that got this far have no UTF-16 BOM, so the declaration is wrong
    return _DECLARED_ALIASES.get(name, name)


def _decode(data: bytes, final: bool, forced: str | None, declared: str | None) -> str:
    """Decode never raising: `forced` (UTF-16 by BOM) or the encoding `_EncodingScan` picks.

    `final=False` tolerates a multi-byte character cut by a read cap.
    """
    encoding = forced
    if encoding is None:
        scan = _EncodingScan()
        for start in range(0, len(data), _CHUNK):
            scan.feed(data[start:start + _CHUNK])
        scan.feed(b"", final)
        encoding = scan.encoding(data, declared)
    return codecs.getincrementaldecoder(encoding)("replace").decode(data, final)


def decode_bytes(data: bytes, *, complete: bool = True, markup: bool = False, declared: str | None = None) -> str:
    """Bytes of one document as text, never raising (see `_EncodingScan.encoding` for the order).

    `markup` (HTML, XML) means the bytes may declare their charset in their head;
    `declared` is a charset stated outside them (an HTTP Content-Type header), which
    the bytes' own declaration overrides. `complete=False` tolerates a multi-byte
    character cut by a read cap. Raises ReadError for binary data.
    """
    forced = _check_head(data[:_SNIFF_BYTES])
    if markup:
        declared = declared_charset(data[:_SNIFF_BYTES]) or declared
    return _decode(data, complete, forced, declared).replace("\x00", "")


def read_text(path: Path, max_bytes: int, markup: bool = False) -> tuple[str, bool]:
    """The decoded text of a whole-file format, at most `max_bytes` of it, and whether it was cut.

    `markup` (HTML, XML) means the file may declare its charset in its head.
    """
    with open_binary(path) as fh:
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    truncated = len(data) > max_bytes
    text = decode_bytes(data[:max_bytes], complete=not truncated, markup=markup)
    if not text.strip():
        raise ReadError("empty file")
    return text, truncated


def open_text(path: Path) -> TextIO:
    """A text stream for a line-based format, encoding chosen by scanning the whole file.

    The scan reads in chunks (constant memory) so that a cp1252 byte deep inside a
    large CSV still counts; `errors="replace"` keeps a few bad bytes in a UTF-8 file
    from losing it (see `_EncodingScan`).
    """
    with open_binary(path) as fh:
        head = fh.read(_SNIFF_BYTES)
        forced = _check_head(head)
        scan = _EncodingScan()
        has_text = False
        sample = head + fh.read(_DETECT_BYTES - len(head))
        chunk = sample
        while chunk:
            if not forced:
                scan.feed(chunk)
            has_text = has_text or bool(chunk.strip())
            chunk = fh.read(_CHUNK)
        scan.feed(b"", True)
    if not has_text:
        raise ReadError("empty file")
    try:
        return open(path, encoding=forced or scan.encoding(sample), errors="replace", newline="")
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None


def _is_text_not_headline(title: str) -> bool:
    """True for a title too long to be a headline: over MAX_TITLE_CHARS or MIN_STORY_WORDS words.

    Counting stops at MIN_STORY_WORDS, so a multi-megabyte line costs no more than a short one.
    """
    return len(title) > MAX_TITLE_CHARS or len(title.split(maxsplit=MIN_STORY_WORDS - 1)) >= MIN_STORY_WORDS


# Fewer letters than this say too little for a language detector to be trusted.
MIN_DETECT_LETTERS = 40
_DETECT_CHARS = 1000


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language `text` is written in, None when there is too little text.

    py3langid's model ships inside its wheel and loads once per process on first use,
    so detection works offline.
    """
    sample = text[:_DETECT_CHARS]
    if sum(c.isalpha() for c in sample) < MIN_DETECT_LETTERS:
        return None
    return language_code(py3langid.classify(sample)[0])


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
    authors: list[str] | tuple[str, ...] = (),
    language: str | None = None,
    fallback_date: str | None = None,
) -> Article | Skipped:
    """Assemble an Article with the caps applied; no body text means Skipped.

    A missing title falls back to the body's first line, because every search result
    needs something to show as its headline. A title with no body that is text rather
    than a headline (see `_is_text_not_headline`) becomes the body, so a story scraped
    without line breaks is kept; a bare headline alone is still "no body text".

    A wire dateline at the top of the body ("BEIRUT, Oct 2 (Reuters) -") gives the
    source when none is known and the date when none is stated (its year, if it
    omits one, from `fallback_date`, e.g. a web archive's capture date, which is
    itself the date of last resort). It stays in the body. `language` is the declared
    one; without it the text's language is detected.
    """
    body = strip_invisible(body or "").strip()
    title = " ".join(strip_invisible(title or "").split())
    authors = [name for name in (" ".join(strip_invisible(a).split()) for a in authors) if name]
    if not body and _is_text_not_headline(title):
        body, title = title, ""
    if not body:
        return Skipped(path, "no body text")
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS]
    if not title:
        title = short_title(body.split("\n", 1)[0])
    elif len(title) > MAX_TITLE_CHARS:
        title = short_title(title)
    dateline = find_dateline(body[:300])
    if dateline is not None:
        source = source or dateline.agency
        date = date or dateline_date(dateline, fallback_date)
    date = date or fallback_date
    source = " ".join(strip_invisible(source or "").split())
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
        authors=authors,
        language=language_code(language) or detect_language(f"{title}\n{body}"),
    )


def page_article(page: ParsedPage, article_id: str, path: str, fallback_date: str | None = None) -> Article | Skipped:
    """`build_article` from what a text or HTML page says of itself."""
    return build_article(id=article_id, title=page.title, body=page.body, date=page.date, source=page.source,
                         url=page.url, path=path, authors=page.authors, language=page.language,
                         fallback_date=fallback_date)
