"""Build or update an index: read files, analyse in parallel, write one generation, publish it.

One process writes (Whoosh allows one writer); the per-article work (entity extraction
and text analysis, `index.document`) runs in a pool of worker processes. At most a few
hundred articles are in flight at once, so memory stays bounded however big the corpus.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from index import store
from index.article import Article, Skipped
from index.document import content_hash, to_document
from index.entities import extract
from index.entities.extractor import default_extractor
from index.readers import read_paths
from index.schema import index_schema

IN_FLIGHT_PER_WORKER = 64
CHUNK_SIZE = 8


@dataclass
class BuildReport:
    """What a build did, for the closing summary and the exit code."""

    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=lambda: {"parse": 0.0, "extract": 0.0, "analyse": 0.0, "write": 0.0})
    generation: Path | None = None

    @property
    def status(self) -> str:
        """"ok", "partial" (some files skipped) or "failed" (nothing could be indexed)."""
        if self.indexed + self.unchanged == 0:
            return "failed"
        return "partial" if self.skipped else "ok"


@dataclass(frozen=True)
class _Analysed:
    article_id: str
    path: str
    document: dict | None
    error: str | None
    extract_seconds: float
    analyse_seconds: float


def _analyse(article: Article) -> _Analysed:
    """Worker entry point: never raises, so one bad article cannot stop a build."""
    try:
        started = time.perf_counter()
        entities = extract(article.title, article.body)
        extracted = time.perf_counter()
        document = to_document(article, entities)
        done = time.perf_counter()
        return _Analysed(article.id, article.path or article.id, document, None, extracted - started, done - extracted)
    except Exception as error:  # noqa: BLE001 - reported as a skipped article
        return _Analysed(article.id, article.path or article.id, None, f"could not analyse: {error}", 0.0, 0.0)


class _Bounded:
    """Feeds an iterable to a pool while keeping at most `limit` items unconsumed."""

    def __init__(self, items: Iterable[Article], limit: int) -> None:
        self._items = items
        self._slots = threading.Semaphore(limit)

    def __iter__(self) -> Iterator[Article]:
        for item in self._items:
            self._slots.acquire()
            yield item

    def release(self) -> None:
        self._slots.release()


def _analysed(articles: Iterable[Article], workers: int) -> Iterator[_Analysed]:
    if workers <= 1:
        yield from map(_analyse, articles)
        return
    default_extractor()  # load dictionaries once, before fork, so workers share them
    bounded = _Bounded(articles, workers * IN_FLIGHT_PER_WORKER)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for result in pool.imap(_analyse, bounded, chunksize=CHUNK_SIZE):
            bounded.release()
            yield result


def _existing_hashes(ix: whoosh_index.Index) -> dict[str, str]:
    with ix.searcher() as searcher:
        return {fields["id"]: fields.get("content_hash", "") for fields in searcher.all_stored_fields()}


def build_index(
    paths: Sequence[str | Path],
    index_dir: str | Path,
    *,
    incremental: bool = False,
    workers: int | None = None,
    on_progress: Callable[[BuildReport], None] | None = None,
) -> BuildReport:
    """Index the articles under `paths` into `index_dir` and make the result live.

    A full build starts from an empty generation; `incremental` starts from a copy of the
    live one and adds new and changed articles (by content hash) and removes articles
    whose files are gone. Either way the live index is untouched until the new
    generation is complete. Raises `store.IndexBusy` if another build holds the lock.
    """
    index_dir = Path(index_dir)
    workers = workers or os.cpu_count() or 1
    report = BuildReport()
    started = time.perf_counter()
    with store.build_lock(index_dir):
        store.sweep_temporary(index_dir)
        temporary = store.new_temporary(index_dir)
        try:
            live = store.current_generation(index_dir) if incremental else None
            if live is not None:
                shutil.rmtree(temporary)
                shutil.copytree(live, temporary)
                ix = whoosh_index.open_dir(str(temporary))
                existing = _existing_hashes(ix)
            else:
                ix = whoosh_index.create_in(str(temporary), index_schema())
                existing = {}
            writer = ix.writer(limitmb=256)
            try:
                seen = _write_all(paths, writer, existing, workers, report, on_progress)
                for gone in sorted(set(existing) - seen):
                    writer.delete_by_term("id", gone)
                    report.removed += 1
            except BaseException:
                writer.cancel()
                raise
            if report.status == "failed":
                # Nothing readable: keep the live index rather than publish an empty one.
                writer.cancel()
                report.seconds = time.perf_counter() - started
                shutil.rmtree(temporary, ignore_errors=True)
                return report
            write_started = time.perf_counter()
            writer.commit()
            ix.close()
            report.stages["write"] += time.perf_counter() - write_started
            report.generation = store.publish(index_dir, temporary)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    report.seconds = time.perf_counter() - started
    return report


def _write_all(
    paths: Sequence[str | Path],
    writer,
    existing: dict[str, str],
    workers: int,
    report: BuildReport,
    on_progress: Callable[[BuildReport], None] | None,
) -> set[str]:
    """Read, analyse and write every article; returns the ids seen (for removals)."""
    seen: dict[str, str] = {}

    def to_analyse() -> Iterator[Article]:
        items = iter(read_paths(paths))
        while True:
            parse_started = time.perf_counter()
            item = next(items, None)
            report.stages["parse"] += time.perf_counter() - parse_started
            if item is None:
                return
            if isinstance(item, Skipped):
                report.skipped.append(item)
                continue
            if item.id in seen:
                report.skipped.append(Skipped(item.path or item.id, f"duplicate id {item.id!r} (first in {seen[item.id]})"))
                continue
            seen[item.id] = item.path or item.id
            if existing.get(item.id) == content_hash(item):
                report.unchanged += 1
                continue
            yield item

    for result in _analysed(to_analyse(), workers):
        if result.error is not None:
            report.skipped.append(Skipped(result.path, result.error))
        else:
            report.stages["extract"] += result.extract_seconds
            report.stages["analyse"] += result.analyse_seconds
            write_started = time.perf_counter()
            try:
                if result.article_id in existing:
                    writer.update_document(**result.document)
                else:
                    writer.add_document(**result.document)
                report.indexed += 1
            except Exception as error:  # noqa: BLE001 - one bad document must not stop the build
                report.skipped.append(Skipped(result.path, f"could not write: {error}"))
            report.stages["write"] += time.perf_counter() - write_started
        if on_progress is not None:
            on_progress(report)
    return set(seen)
