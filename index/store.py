"""Where an index lives on disk, and how a new one replaces the old without readers noticing.

Layout of an index directory:

    CURRENT             name of the live generation (replaced atomically with os.replace)
    gen-<stamp>/        a complete Whoosh index; the live one and the one before it
    gen-<stamp>.tmp/    a generation being written; never read, removed by the next build
    build.lock          held (flock) by the one indexer allowed to run

Readers only ever open the generation CURRENT names, and a generation is complete
before CURRENT points at it, so a reader sees the old index or the new one, never a
half-built one. The kernel drops the flock when an indexer dies, even by SIGKILL, so a
lock can never go stale; leftover `.tmp` directories are swept by the next build.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

CURRENT = "CURRENT"
LOCK = "build.lock"
PREFIX = "gen-"
TEMP_SUFFIX = ".tmp"


class IndexProblem(Exception):
    """Base for index problems users can act on; the message is one line."""


class IndexMissing(IndexProblem):
    pass


class IndexUnreadable(IndexProblem):
    pass


class IndexBusy(IndexProblem):
    pass


def default_index_dir() -> Path:
    """The index directory a caller that names none uses ($NEWSFACETS_INDEX, else var/index)."""
    from index.settings import Settings

    return Settings.from_environment().index_dir


def current_generation(index_dir: str | Path) -> Path | None:
    """The live generation's directory, or None if no index was ever built here."""
    try:
        name = (Path(index_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise IndexUnreadable(f"index at {index_dir} is unreadable: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise IndexUnreadable(f"index at {index_dir} is unreadable: CURRENT is not text") from error
    if not name.startswith(PREFIX) or "/" in name or name.endswith(TEMP_SUFFIX):
        raise IndexUnreadable(f"index at {index_dir} is unreadable: CURRENT names {name!r}")
    return Path(index_dir) / name


def open_index(index_dir: str | Path) -> Index:
    """Open the live generation for reading."""
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexMissing(f"no index at {index_dir}: build one with `newsfacets index PATH --index {index_dir}`")
    try:
        return whoosh_index.open_dir(str(generation))
    except Exception as error:  # Whoosh raises many types for damaged files
        raise IndexUnreadable(f"index at {generation} is unreadable: {error}") from error


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Exclusive right to build in `index_dir`; refuses at once if another indexer holds it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise IndexBusy(f"another indexer (pid {holder}) is building {index_dir}; "
                            "try again when it is done") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()


def sweep_temporary(index_dir: Path) -> None:
    """Remove generations a killed build left half-written. Call with the build lock held."""
    for path in index_dir.glob(f"{PREFIX}*{TEMP_SUFFIX}"):
        shutil.rmtree(path, ignore_errors=True)


def new_temporary(index_dir: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{time.monotonic_ns() % 1_000_000:06d}"
    path = index_dir / f"{PREFIX}{stamp}{TEMP_SUFFIX}"
    path.mkdir(parents=True)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(index_dir: Path, temporary: Path) -> Path:
    """Make a finished temporary generation the live one, then drop all but the previous one."""
    for path in temporary.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    final = temporary.with_name(temporary.name[: -len(TEMP_SUFFIX)])
    temporary.rename(final)
    try:
        previous = current_generation(index_dir)
    except IndexUnreadable:
        previous = None  # a damaged pointer is exactly what this build replaces
    pointer = index_dir / (CURRENT + TEMP_SUFFIX)
    pointer.write_text(final.name + "\n", encoding="utf-8")
    with open(pointer, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(pointer, index_dir / CURRENT)
    _fsync_dir(index_dir)
    keep = {final.name, previous.name if previous else None}
    for path in index_dir.glob(f"{PREFIX}*"):
        if path.name not in keep and not path.name.endswith(TEMP_SUFFIX):
            shutil.rmtree(path, ignore_errors=True)
    return final
