"""Input stage: files and folders -> `Article` / `Skipped`.

`read_paths` walks what the user named; `read_file` dispatches one file to its
format reader. Neither raises for bad input: every problem becomes a `Skipped`
with a one-line reason, and the other files (or records) are still read.

Ids: a record's own `id`/`unit_id`/`doc_id` when present; otherwise the path
relative to the folder the user named, without extension, with forward slashes
(`seeds/000_x.txt` read via `seeds` -> `000_x`); records in a JSON list, JSONL or
CSV without ids get `<that>#<n>` (list position, line number, data row number), and so
do feed entries and web-archive pages (entry position, page number; see `web`).
Limits (see `_base`): bodies are cut at MAX_BODY_CHARS characters; whole-file
formats never read past their byte cap.
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.pool import Pool
from pathlib import Path

from index.article import Article, Skipped
from index.dates import find_date, parse_date
from index.readers._base import (
    MAX_BODY_CHARS,
    MAX_HTML_BYTES,
    MAX_TEXT_BYTES,
    ReadError,
    page_article,
    read_text,
)
from index.readers.html import parse_html
from index.readers.records import read_csv, read_json, read_jsonl
from index.readers.reuters import iter_reuters_sgml
from index.readers.text import parse_text
from index.readers.web import read_feed, read_pdf, read_warc

__all__ = [
    "read_paths", "read_file", "parse_date", "find_date", "iter_reuters_sgml", "MAX_BODY_CHARS",
    "SUPPORTED_SUFFIXES",
]

Result = Iterator[Article | Skipped]


def _read_plain(path: Path, base_id: str) -> Result:
    text, _ = read_text(path, MAX_TEXT_BYTES)
    yield page_article(parse_text(text, markdown=path.suffix.lower() in {".md", ".markdown"}), base_id, str(path))


def _read_html(path: Path, base_id: str) -> Result:
    markup, _ = read_text(path, MAX_HTML_BYTES, markup=True)
    yield page_article(parse_html(markup), base_id, str(path))


_READERS: dict[str, Callable[[Path, str], Result]] = {
    ".txt": _read_plain, ".text": _read_plain, ".md": _read_plain, ".markdown": _read_plain,
    ".html": _read_html, ".htm": _read_html, ".xhtml": _read_html,
    ".json": read_json, ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".csv": read_csv,
    ".rss": read_feed, ".atom": read_feed, ".xml": read_feed,
    ".warc": read_warc, ".warc.gz": read_warc, ".pdf": read_pdf,
}
SUPPORTED_SUFFIXES = frozenset(_READERS)


def _base_id(path: Path, root: Path | None) -> str:
    relative = Path(path.name)
    if root is not None:
        try:
            relative = path.relative_to(root)
        except ValueError:
            pass
    kind = suffix_of(relative.name)
    name = relative.as_posix()
    return name[: -len(kind)] if kind.startswith(".") and name.lower().endswith(kind) else name


def read_file(path: Path, root: Path | None = None) -> Result:
    """Articles in one file; `root` is the folder the user named, for relative ids."""
    path = Path(path)
    kind = suffix_of(path.name)
    reader = _READERS.get(kind)
    if reader is None:
        yield Skipped(str(path), f"unsupported file type {kind}")
        return
    try:
        yield from reader(path, _base_id(path, root))
    except ReadError as exc:
        yield Skipped(str(path), str(exc))
    except MemoryError:
        yield Skipped(str(path), "out of memory reading file")
    except Exception as exc:  # noqa: BLE001 - bad input must never abort a whole import
        yield Skipped(str(path), f"unreadable ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})")


def suffix_of(name: str) -> str:
    """The file type as the readers know it: a compound suffix we read (`.warc.gz`) or the last one."""
    lowered = name.lower()
    compound = next((s for s in SUPPORTED_SUFFIXES if s.count(".") > 1 and lowered.endswith(s)), None)
    return compound or Path(lowered).suffix or "(no extension)"


def ignored_summary(counts: Counter[str]) -> str:
    """'ignored 3 files: 2 .docx, 1 .gz (types not read)': what a folder held that no reader reads."""
    total = sum(counts.values())
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"ignored {total} file{'s' if total != 1 else ''}: {kinds} (types not read)"


def _walk(folder: Path, seen_dirs: set[str], ignored: Counter[str]) -> Iterator[Path | Skipped]:
    """Supported files under `folder`, sorted, recursing once per real directory (no loops).

    Files of other types are tallied in `ignored` by type, so the caller can name them:
    a user must learn that their PDFs were not indexed, not see "skipped 0".
    """
    real = os.path.realpath(folder)
    if real in seen_dirs:
        return
    seen_dirs.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except PermissionError:
        yield Skipped(str(folder), "permission denied")
        return
    except OSError as exc:
        yield Skipped(str(folder), f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # hidden files and folders (.git, editor swap files) are not articles
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            yield from _walk(Path(entry.path), seen_dirs, ignored)
        elif suffix_of(entry.name) in SUPPORTED_SUFFIXES:
            if is_file:
                yield Path(entry.path)
            elif entry.is_symlink():
                yield Skipped(entry.path, "broken symbolic link")
        elif is_file:
            ignored[suffix_of(entry.name)] += 1


def _files(paths: Sequence[str | Path]) -> Iterator[tuple[Path, Path | None] | Skipped]:
    """The files to read as (file, folder the user named), in order, each once; problems as `Skipped`."""
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    for named in paths:
        named = Path(named)
        ignored: Counter[str] = Counter()
        if named.is_dir():
            found: Iterator[Path | Skipped] = _walk(named, seen_dirs, ignored)
            root: Path | None = named
        elif named.is_file():
            found, root = iter([named]), None
        elif named.exists():  # a FIFO or device would block or never end
            yield Skipped(str(named), "not a regular file")
            continue
        else:
            kind = "broken symbolic link" if named.is_symlink() else "no such file or folder"
            yield Skipped(str(named), kind)
            continue
        for item in found:
            if isinstance(item, Skipped):
                yield item
                continue
            real = os.path.realpath(item)
            if real in seen_files:
                continue
            seen_files.add(real)
            yield item, root
        if ignored:
            yield Skipped(str(named), ignored_summary(ignored))


# One file, one article: cheap to hand to another process whole. Record formats (JSONL,
# CSV, feeds, web archives) stream many articles from one file and are read in place.
PAGE_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf"})
# Files handed to the pool at a time: bounds the parsed articles waiting in memory.
POOL_WINDOW = 256


def _read_page(item: tuple[Path, Path | None]) -> list[Article | Skipped]:
    """`read_file` for one page file, as a list (run in a pool process)."""
    return list(read_file(*item))


def read_paths(paths: Sequence[str | Path], pool: Pool | None = None) -> Result:
    """Every article under the given files/folders (folders recursive, sorted for determinism).

    A file reached twice (named twice, or via a symlink) is read once. Each folder
    named that holds files of types no reader reads ends with one `Skipped` for the
    folder that counts them by type. With a `pool`, page files (one article each:
    HTML, text, PDF) are parsed in its processes, POOL_WINDOW files at a time, and the
    results still come in the same order as without one.
    """
    window: list[tuple[Path, Path | None]] = []

    def drain() -> Result:
        for results in pool.imap(_read_page, window, chunksize=4):
            yield from results
        window.clear()

    for item in _files(paths):
        if pool is not None and not isinstance(item, Skipped) and suffix_of(item[0].name) in PAGE_SUFFIXES:
            window.append(item)
            if len(window) == POOL_WINDOW:
                yield from drain()
            continue
        if window:
            yield from drain()
        if isinstance(item, Skipped):
            yield item
        else:
            yield from read_file(*item)
    if window:
        yield from drain()
