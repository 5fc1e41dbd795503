"""`IndexHandle`: the open generation of an index directory, and Whoosh searchers lent from a small pool.

What `Searcher` needs beneath the search plan: which generation `CURRENT` names (one small
file read per call, so a rebuilt index is picked up without a restart), its columns (facet
arrays, dates, field lengths, vocabulary: written by the indexer and mapped, see
`index.columns`), each segment's mapped postings of its frequent terms (`index.postings`; a
segment without them is read through Whoosh), and a Whoosh searcher to read it with.

An index without valid columns (built before they existed) still opens: its columns are
computed in memory, once per process, as the indexer would write them. They are not
written into the generation then: a generation is never changed once live (`intact`
would take new files for damage and reopen it in every process), and a cache elsewhere
would need its own invalidation; `index.columns.write_columns` upgrades such an index
on purpose, and the next build writes them anyway.

Whoosh's segment files are read with plain reads, not through its memory maps: over a
map, Whoosh's compound-file storage copies each segment's postings and term index into a
`BytesIO` for every reader it opens (80 MB per searcher on the 19,000 Reuters stories,
and once more for the reader that opens a generation), memory no process shares. With
plain reads the bytes stay in the OS page cache, shared by every server worker; on the
Reuters query mix that is as fast or faster.

Whoosh's file reads are not thread-safe, so a searcher serves one thread at a time. One
per thread let a server worker with 8 threads grow to 2 GB under load when each one
copied its segments; the pool lends at most `MAX_SEARCHERS` per generation: Python runs one
thread at a time per process, so more than a few in use at once would only queue on the
interpreter. A thread that finds all of them lent waits for one (bounded by the request's
deadline, else `POOL_WAIT_SECONDS`).

When CURRENT names a new generation, the old pool retires: its idle searchers close at
once, lent ones when they come back, and the builder keeps the previous generation's
files on disk for that time.
"""
from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.columns import Columns, compute_columns, load_columns
from index.postings import SegmentPostings
from index.store import IndexUnreadable, current_generation, open_index
from search.budget import SearchBusy, deadline_in_force
from search.facets import FacetIndex
from search.matching import ArrayMatcher, FieldLengths
from search.vocabulary import Vocabulary

MAX_SEARCHERS = 2  # Whoosh searchers open at once per generation in one process
POOL_WAIT_SECONDS = 30.0  # longest wait for a free searcher when no deadline is in force


class _Pool:
    """Whoosh searchers on one generation, each lent to one thread at a time; at most `size` open."""

    def __init__(self, index, path: Path, size: int) -> None:
        self.index, self.path, self.size = index, path, size
        self._idle: list = []
        self._opened = 0
        self._retired = False
        self._condition = threading.Condition()

    def give(self, whoosh_searcher) -> None:
        """Take back a searcher `take` lent; closed if the pool has retired meanwhile."""
        with self._condition:
            if self._retired:
                self._opened -= 1
                whoosh_searcher.close()
            else:
                self._idle.append(whoosh_searcher)
            self._condition.notify()

    def take(self):
        """A searcher for this thread alone until `give`; waits while all are lent (see the module docstring)."""
        deadline = deadline_in_force.get()
        wait_until = deadline.expires if deadline is not None else time.monotonic() + POOL_WAIT_SECONDS
        with self._condition:
            while not self._idle and self._opened >= self.size:
                left = wait_until - time.monotonic()
                if left <= 0 or not self._condition.wait(timeout=left):
                    if not self._idle and self._opened >= self.size:
                        raise SearchBusy("the server is busy: every searcher of the index is in use; "
                                         "try again in a moment")
            if self._idle:
                return self._idle.pop()
            self._opened += 1
        try:
            return self.index.searcher()
        except Exception as error:  # its files were removed by a later build, or damaged
            with self._condition:
                self._opened -= 1
                self._condition.notify()
            raise IndexUnreadable(f"index at {self.path} is unreadable: {error}") from error

    def retire(self) -> None:
        """Close the idle searchers now and the lent ones when they come back."""
        with self._condition:
            self._retired = True
            for whoosh_searcher in self._idle:
                whoosh_searcher.close()
            self._opened -= len(self._idle)
            self._idle.clear()


@dataclass
class Generation:
    """One opened index generation and its columns."""

    path: Path
    index: object
    columns: Columns
    facets: FacetIndex
    lengths: FieldLengths
    pool: _Pool
    spelling: Vocabulary
    files: tuple[tuple[str, int, int], ...] = ()  # (name, size, mtime) of its files when opened (`intact`)
    postings: dict[str, SegmentPostings] = field(default_factory=dict)  # mapped, by segment id (`index.postings`)
    _warmed: bool = False
    _warm_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, index_dir: Path, searchers: int = MAX_SEARCHERS) -> Generation:
        """The generation CURRENT names, labelled with the directory actually opened (CURRENT may move meanwhile)."""
        ix = open_index(index_dir)
        ix.storage.supports_mmap = False  # read before any reader opens a segment: see the module docstring
        path = Path(ix.storage.folder)
        files = _snapshot(path)  # before reading: a file changed meanwhile then shows as damage
        try:
            with ix.reader() as reader:
                columns = load_columns(path, reader) or compute_columns(reader)
                postings = {leaf.segment().segment_id(): SegmentPostings.load(path, leaf.segment().segment_id(),
                                                                              leaf.doc_count_all())
                            for leaf, _ in reader.leaf_readers()}
        except Exception as error:  # Whoosh raises many types for damaged files
            raise IndexUnreadable(f"index at {path} is unreadable: {error}") from error
        return cls(path, ix, columns, FacetIndex.from_columns(columns), FieldLengths(columns),
                   _Pool(ix, path, searchers), Vocabulary(columns), files,
                   {segment: found for segment, found in postings.items() if found is not None})

    def intact(self) -> bool:
        """Whether its files are as they were when opened: a generation is never rewritten, so a change is damage.

        A searcher reads its files through memory maps, so bytes changed under it would be
        read as the index (an article "not found", wrong counts) instead of failing; a few
        `stat` calls per request catch that, and the generation is then reopened (or reported).
        """
        return _snapshot(self.path) == self.files

    def matcher(self, whoosh_searcher) -> ArrayMatcher:
        """Matching and ranking for one search, over this generation's columns."""
        return ArrayMatcher(whoosh_searcher, self.facets.size, self.facets.dates, self.lengths, self.postings)

    def vocabulary(self, whoosh_searcher) -> Vocabulary:
        """The spelling vocabulary (from the columns, so there is nothing to build; the searcher is not needed)."""
        return self.spelling

    def warm(self, whoosh_searcher) -> bool:
        """Have the kernel read the columns into the page cache; False if an earlier call already did.

        Nothing is built any more (the columns are mapped), so a warm-up only saves the
        first queries their page faults; the pages go to the OS page cache, shared by every
        server worker, not into this process.
        """
        with self._warm_lock:
            if self._warmed:
                return False
            self.columns.prefetch()
            for mapped in self.postings.values():
                mapped.columns.prefetch()
            self._warmed = True
            return True


def _snapshot(path: Path) -> tuple[tuple[str, int, int], ...]:
    try:
        return tuple(sorted((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                            for entry in os.scandir(path) if entry.is_file()))
    except OSError:
        return ()


class IndexHandle:
    """The live generation of `index_dir` and searchers on it; thread-safe, cheap to call per request."""

    def __init__(self, index_dir: str | Path, searchers: int = MAX_SEARCHERS) -> None:
        self.index_dir = Path(index_dir)
        self.searchers = searchers
        self._lock = threading.Lock()
        self._generation: Generation | None = None

    @property
    def generation(self) -> Generation | None:
        """The generation in use, or None before the first call (or after `close()`)."""
        return self._generation

    def current(self) -> Generation:
        """The live generation, reopened when CURRENT names a new one (raises IndexMissing/IndexUnreadable)."""
        path = current_generation(self.index_dir)
        generation = self._generation
        if generation is not None and (path is None or path == generation.path) and generation.intact():
            return generation  # a vanished CURRENT leaves the open index serving
        with self._lock:
            # Read again: another thread may have opened a newer generation while this one waited,
            # and reopening the one read before would swap the newer one out for a moment.
            path = current_generation(self.index_dir)
            generation = self._generation
            if generation is None or (path is not None and path != generation.path) or not generation.intact():
                old, self._generation = generation, None
                if old is not None:
                    old.pool.retire()
                generation = Generation.open(self.index_dir, self.searchers)
                self._generation = generation
            return generation

    @contextlib.contextmanager
    def borrow(self) -> Iterator[tuple[Generation, object]]:
        """The live generation and a Whoosh searcher on it, for the block.

        If the generation we hold was replaced twice since it was opened, its files are
        gone and no new searcher opens on it: reopen whatever CURRENT names now, once.
        """
        generation = self.current()
        try:
            whoosh_searcher = generation.pool.take()
        except IndexUnreadable:
            with self._lock:
                if self._generation is generation:
                    self._generation = None
                    generation.pool.retire()
            generation = self.current()
            whoosh_searcher = generation.pool.take()
        try:
            yield generation, whoosh_searcher
        finally:
            generation.pool.give(whoosh_searcher)

    def close(self) -> None:
        with self._lock:
            if self._generation is not None:
                self._generation.pool.retire()
            self._generation = None
