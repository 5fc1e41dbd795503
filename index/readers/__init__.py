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
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from index.article import Article, Skipped
from index.dates import find_date, parse_date
from index.readers._base import (
    MAX_BODY_CHARS,
    MAX_HTML_BYTES,
    MAX_TEXT_BYTES,
    ReadError,
    Window,
    page_article,
    read_text,
)
from index.readers.html import parse_html
from index.readers.records import csv_windows, jsonl_windows, read_csv, read_json, read_jsonl
from index.readers.reuters import iter_reuters_sgml
from index.readers.text import parse_text
from index.readers.web import feed_windows, read_feed, read_pdf, read_warc, warc_windows

__all__ = [
    "read_paths", "read_file", "read_unit", "Unit", "Window", "Pending", "parse_date", "find_date", "iter_reuters_sgml",
    "MAX_BODY_CHARS", "SUPPORTED_SUFFIXES",
]

Result = Iterator[Article | Skipped]


def _read_plain(path: Path, base_id: str) -> Result:
    text, _ = read_text(path, MAX_TEXT_BYTES)
    yield page_article(parse_text(text, markdown=path.suffix.lower() in {".md", ".markdown"}), base_id, str(path))


def _read_html(path: Path, base_id: str) -> Result:
    markup, _ = read_text(path, MAX_HTML_BYTES, markup=True)
    yield page_article(parse_html(markup), base_id, str(path))


# Called as reader(path, base_id), record formats also as reader(path, base_id, window).
_READERS: dict[str, Callable[..., Result]] = {
    ".txt": _read_plain, ".text": _read_plain, ".md": _read_plain, ".markdown": _read_plain,
    ".html": _read_html, ".htm": _read_html, ".xhtml": _read_html,
    ".json": read_json, ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".csv": read_csv,
    ".rss": read_feed, ".atom": read_feed, ".xml": read_feed,
    ".warc": read_warc, ".warc.gz": read_warc, ".pdf": read_pdf,
}
SUPPORTED_SUFFIXES = frozenset(_READERS)
# Record formats whose readers take a `Window`, and how to cut a file of each into windows.
_WINDOWED: dict[str, Callable[[Path], tuple[list[Window], list[Skipped]]]] = {
    ".jsonl": jsonl_windows, ".ndjson": jsonl_windows, ".csv": csv_windows,
    ".rss": feed_windows, ".atom": feed_windows, ".xml": feed_windows,
    ".warc": warc_windows, ".warc.gz": warc_windows,
}
# A record file at least this big is cut into windows parsed by several processes; a
# smaller one is read whole, as one task (scanning it first would cost more than it saves).
SPLIT_BYTES = 1024 * 1024


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


def _guarded(path: Path, items: Iterator) -> Iterator:
    """`items` with any failure turned into one `Skipped` for `path`: bad input never aborts an import."""
    try:
        yield from items
    except ReadError as exc:
        yield Skipped(str(path), str(exc))
    except MemoryError:
        yield Skipped(str(path), "out of memory reading file")
    except Exception as exc:  # noqa: BLE001 - bad input must never abort a whole import
        yield Skipped(str(path), f"unreadable ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})")


def read_file(path: Path, root: Path | None = None, window: Window | None = None) -> Result:
    """Articles in one file, or in `window` of a record file; `root` is the folder the user named, for relative ids."""
    path = Path(path)
    kind = suffix_of(path.name)
    reader = _READERS.get(kind)
    if reader is None:
        yield Skipped(str(path), f"unsupported file type {kind}")
        return
    base_id = _base_id(path, root)
    yield from _guarded(path, reader(path, base_id, window) if window is not None else reader(path, base_id))


# Files of whole-file formats (a page, a story, a PDF) read in one task, as a web archive's
# pages are (`web.WARC_PAGES_PER_WINDOW`): one file a task spends more on handing the task
# and its result between processes than a small file costs to parse.
FILES_PER_UNIT = 64


@dataclass(frozen=True)
class Unit:
    """One task of reading: a file, a window of a big record file, or a run of whole-file
    format files from one folder (`path` and then `more`, all with the same `root`)."""

    path: Path
    root: Path | None = None
    window: Window | None = None
    more: tuple[Path, ...] = ()


def read_unit(unit: Unit) -> list[Article | Skipped | Unit]:
    """What one task of reading yields: the unit's articles and skipped items, in order.

    A whole record file of SPLIT_BYTES or more is not read but cut: the result is then
    its windows as units (to be read by other tasks, in that order), followed by the
    file-level lines the scan found. This runs in worker processes (or on a cluster),
    so that the process handing out the work never parses anything.
    """
    if unit.more:
        return [item for path in (unit.path, *unit.more) for item in read_file(path, unit.root)]
    kind = suffix_of(unit.path.name)
    if unit.window is None and kind in _WINDOWED:
        try:
            big = unit.path.stat().st_size >= SPLIT_BYTES
        except OSError:
            big = False  # read_file gives the reason
        if big:
            return list(_guarded(unit.path, _cut(unit, _WINDOWED[kind])))
    return list(read_file(unit.path, unit.root, unit.window))


Cutter = Callable[[Path], tuple[list[Window], list[Skipped]]]


def _cut(unit: Unit, windows_of: Cutter) -> Iterator[Unit | Article | Skipped]:
    """A big record file's windows and file-level lines; the file itself when it makes one window."""
    windows, tail = windows_of(unit.path)
    if len(windows) > 1:
        yield from (Unit(unit.path, unit.root, window) for window in windows)
        yield from tail
    else:
        yield from read_file(unit.path, unit.root)


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


def _files_unit(files: list[Path], root: Path | None) -> Unit:
    return Unit(files[0], root, more=tuple(files[1:]))


def _units(paths: Sequence[str | Path]) -> Iterator[Unit | Skipped]:
    """The tasks of reading `_files`, in its order: whole-file formats in runs of up to
    FILES_PER_UNIT files of one folder the user named, each record file a task of its own
    (a big one is cut into windows when read)."""
    run: list[Path] = []
    run_root: Path | None = None
    for item in _files(paths):
        if isinstance(item, Skipped) or suffix_of(item[0].name) in _WINDOWED:
            if run:
                yield _files_unit(run, run_root)
                run = []
            yield item if isinstance(item, Skipped) else Unit(*item)
            continue
        path, root = item
        if run and (len(run) == FILES_PER_UNIT or root != run_root):
            yield _files_unit(run, run_root)
            run = []
        run.append(path)
        run_root = root
    if run:
        yield _files_unit(run, run_root)


class Pending(Protocol):
    """A submitted unit's result: a concurrent.futures or a dask.distributed future."""

    def result(self) -> list[Article | Skipped | Unit]: ...


class _Done:
    """A unit read at once in this process (no pool): its result is already there."""

    def __init__(self, unit: Unit) -> None:
        self.items = read_unit(unit)

    def result(self) -> list[Article | Skipped | Unit]:
        return self.items


def read_paths(
    paths: Sequence[str | Path], submit: Callable[[Unit], Pending] | None = None, in_flight: int = 1,
) -> Result:
    """Every article under the given files/folders (folders recursive, sorted for determinism).

    A file reached twice (named twice, or via a symlink) is read once. Each folder
    named that holds files of types no reader reads ends with one `Skipped` for the
    folder that counts them by type. With `submit` (which runs `read_unit` elsewhere:
    a process pool, a cluster), up to `in_flight` units are read at a time and big
    record files are cut into windows read in parallel; results still come in the same
    order as when read here, one unit after another, which is what `submit=None` does.
    """
    submit = submit or _Done
    queue: list[Pending | Unit | Skipped] = []  # in input order: submitted, not yet submitted, or ready
    running = 0
    planned = _units(paths)

    def fill() -> None:
        nonlocal running
        for position, entry in enumerate(queue):
            if running >= in_flight:
                return
            if isinstance(entry, Unit):
                queue[position] = submit(entry)
                running += 1
        while running < in_flight:
            item = next(planned, None)
            if item is None:
                return
            if isinstance(item, Skipped):
                queue.append(item)
            else:
                queue.append(submit(item))
                running += 1

    fill()
    while queue:
        head = queue.pop(0)
        if isinstance(head, Skipped):
            yield head
            continue
        assert not isinstance(head, Unit)  # fill() submitted every unit at the head
        results = head.result()
        running -= 1
        if results and isinstance(results[0], Unit):  # a big file, cut: read its windows next
            queue[:0] = [item for item in results if not isinstance(item, Article)]
        else:
            yield from (item for item in results if not isinstance(item, Unit))  # only a cut file's result has units
        fill()
