"""Build or update an index: read files, analyse and write in parallel, publish one generation.

Whoosh writes postings in pure Python, so one writer process caps indexing speed no
matter how fast analysis is. So every worker process does the whole per-article job,
entity extraction, text analysis and writing, into a Whoosh segment of its own, and
the files are parsed in another set of processes (trafilatura costs more than indexing
a page). The parent only walks the paths, hands out files (and windows of big record
files, see `index.readers.read_unit`), applies the rules that need the whole input in
order (skipped, duplicate and unchanged articles: `_Run._articles`, the one place they
live), hands out batches, and at the end lists the workers' segments in one table of
contents (what Whoosh's own `MpWriter` does, minus its single-process analysis). Work
travels through bounded queues, so memory stays bounded however big the corpus.
`index.distributed` runs the same two kinds of work on a Dask cluster instead.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from index import store
from index.article import MAX_VALUE_LENGTH, Article, Skipped, id_problem
from index.columns import write_columns
from index.document import content_hash, to_document
from index.entities import Entities
from index.entities.extractor import EntityExtractor, default_extractor
from index.processes import die_with_parent
from index.readers import Pending, Unit, read_paths, read_unit
from index.schema import index_schema
from index.segments import SegmentBuilder
from index.stories import Readings, StoryReader, StoryReading, story_article, write_stories

BATCH_SIZE = 32
BATCHES_IN_FLIGHT_PER_WORKER = 4
# Files (or windows) being parsed at a time per parsing process: enough to keep each busy.
UNITS_IN_FLIGHT_PER_WORKER = 4
WRITER_MEMORY_MB = 128
DEAD_WORKER_POLL_SECONDS = 1.0


class BuildFailed(store.IndexProblem):
    """The build could not finish (a worker died); the live index is untouched."""


@dataclass
class BuildReport:
    """What a build did, for the closing summary and the exit code."""

    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(
        default_factory=lambda: {"parse": 0.0, "extract": 0.0, "analyse": 0.0, "write": 0.0})
    generation: Path | None = None
    # Facet values longer than MAX_VALUE_LENGTH left out of indexed articles, by facet.
    dropped_values: dict[str, int] = field(default_factory=dict)
    # Articles indexed for full-text search without facets, because the entity extractor failed on them.
    without_facets: list[Skipped] = field(default_factory=list)

    @property
    def status(self) -> str:
        """"ok", "partial" (some files skipped, or some articles indexed without facets) or "failed"
        (nothing could be indexed)."""
        if self.indexed + self.unchanged == 0:
            return "failed"
        return "partial" if self.skipped or self.without_facets else "ok"


@dataclass(frozen=True)
class _Outcome:
    """What a worker reports for one article (`error` set when it was skipped)."""

    article_id: str
    path: str
    error: str | None
    extract_seconds: float = 0.0
    analyse_seconds: float = 0.0
    write_seconds: float = 0.0
    dropped_values: tuple[tuple[str, int], ...] = ()
    unextracted: str | None = None  # why the article has no facets (the extractor failed), if it has none
    content_hash: str = ""
    reading: StoryReading | None = None  # what clustering reads of it (`index.stories.StoryReader`)


def _within_value_cap(article: Article, entities: Entities) -> tuple[Article, Entities, dict[str, int]]:
    """The article and entities without facet values longer than MAX_VALUE_LENGTH, and how
    many went, by facet: a value the engine refuses as a filter must not be listed as a link."""
    def fits(value: str | None) -> bool:
        return value is None or len(value) <= MAX_VALUE_LENGTH

    kept: dict[str, tuple] = {
        "actor": tuple(value for value in entities.actors if fits(value)),
        "location": tuple(place for place in entities.places if fits(place.value)),
        "country": tuple(value for value in entities.countries if fits(value)),
    }
    dropped = {"actor": len(entities.actors) - len(kept["actor"]),
               "location": len(entities.places) - len(kept["location"]),
               "country": len(entities.countries) - len(kept["country"]),
               "source": 0 if fits(article.source) else 1}
    dropped = {facet: count for facet, count in dropped.items() if count}
    if not dropped:
        return article, entities, {}
    if "source" in dropped:
        article = replace(article, source=None)
    entities = replace(
        entities, actors=kept["actor"], places=kept["location"], countries=kept["country"],
        actor_types={actor: kind for actor, kind in entities.actor_types.items() if fits(actor)},
        mentions=tuple(mention for mention in entities.mentions if fits(mention.value)),
    )
    return article, entities, dropped


def _index_article(writer: SegmentWriter, article: Article, extractor: EntityExtractor,
                   written: list[dict] | None = None) -> _Outcome:
    """Extract, analyse and write one article; never raises, so one bad article cannot stop a build.

    An extractor failure is a defect of ours, not of the article: the article is still indexed for
    full-text search, without facets, and the report names it, rather than losing the article; its
    stored content hash is left empty, so no later --incremental build takes it for unchanged.
    Each document written is appended to `written`, if given."""
    path = article.path or article.id
    unextracted = None
    try:
        started = time.perf_counter()
        try:
            entities = extractor.extract(article.title, article.body, article.date)  # the date picks time-bound aliases
        except Exception as error:  # noqa: BLE001 - reported: the article is indexed without facets
            entities, unextracted = Entities(), f"{type(error).__name__}: {error}"
        extracted = time.perf_counter()
        article, entities, dropped = _within_value_cap(article, entities)
        document = to_document(article, entities)
        if unextracted is not None:
            document["content_hash"] = ""  # matches no article
        analysed = time.perf_counter()
    except Exception as error:  # noqa: BLE001 - reported as a skipped article
        return _Outcome(article.id, path, f"could not analyse: {error}")
    try:
        writer.add_document(**document)
    except Exception as error:  # noqa: BLE001
        return _Outcome(article.id, path, f"could not write: {error}")
    if written is not None:
        written.append(document)
    return _Outcome(article.id, path, None, extracted - started, analysed - extracted, time.perf_counter() - analysed,
                    tuple(dropped.items()), unextracted, document["content_hash"])


def _index_articles(writer: SegmentWriter, articles: list[Article], extractor: EntityExtractor,
                    reader: StoryReader) -> list[_Outcome]:
    """Index a batch, and read each indexed article for clustering (`StoryReader`) as it will be stored."""
    documents: list[dict] = []
    outcomes = [_index_article(writer, article, extractor, documents) for article in articles]
    try:
        readings = iter(reader.read([story_article(stored_view(document)) for document in documents]))
    except Exception:  # noqa: BLE001 - not lost: without readings, clustering reads these articles from their
        return outcomes  # stored text, and any error of reading them is the build's there, as before readings
    return [outcome if outcome.error is not None else replace(outcome, reading=next(readings)) for outcome in outcomes]


def stored_view(document: dict) -> dict:
    """A document's fields as the index will return them stored (`SegmentBuilder.add_document`'s rule)."""
    return {name: document.get(f"_stored_{name}", value)
            for name, value in document.items() if not name.startswith("_")}


def _worker(directory: str, jobs: multiprocessing.Queue, results: multiprocessing.Queue, entities: Path | None,
            parent: int) -> None:
    """Worker process: index batches into a private segment until told to stop, then hand the segment back."""
    die_with_parent(parent)  # a killed indexer must not leave workers holding the build lock
    extractor = default_extractor(entities)  # loaded before the fork: shared, not rebuilt
    writer = SegmentBuilder(whoosh_index.open_dir(directory), _lk=False, limitmb=WRITER_MEMORY_MB)
    reader = StoryReader()
    while True:
        try:
            batch = jobs.get(timeout=DEAD_WORKER_POLL_SECONDS)
        except queue.Empty:
            if os.getppid() != parent:  # the indexer died before (or without) the signal
                os._exit(1)
            continue
        if batch is None:
            break
        results.put(_index_articles(writer, batch, extractor, reader))
    results.put(_hand_over(writer))


def _hand_over(writer: SegmentWriter):
    """The finished segment for the parent to list in its table of contents (None if empty).

    The segment's files are complete before this returns; files of a segment that never
    gets here (its writer died) are not listed, and Whoosh deletes them at the commit.
    """
    if writer._added:  # noqa: SLF001 - Whoosh's MpWriter uses the same segment hand-off
        return writer._finalize_segment()  # noqa: SLF001
    writer._close_segment()  # noqa: SLF001
    return None


def index_batch(directory: str, articles: list[Article], entities: Path | None) -> tuple[list[_Outcome], object]:
    """One task of a cluster build: index `articles` into a new segment of their own.

    A whole segment per task makes a task the unit of retry: if its worker dies, the
    task runs again elsewhere and writes a new segment, and the dead attempt's files,
    listed nowhere, are deleted at the commit.
    """
    extractor = default_extractor(entities)
    writer = SegmentBuilder(whoosh_index.open_dir(directory), _lk=False, limitmb=WRITER_MEMORY_MB)
    outcomes = _index_articles(writer, articles, extractor, StoryReader())
    return outcomes, _hand_over(writer)


def _link_or_copy(source: str, destination: str) -> None:
    """Start an incremental generation from the live one's files without copying them.

    Whoosh never rewrites a segment file (deletions are recorded in the table of
    contents, which each commit writes anew), so both generations can share the files
    through hard links; the live index stays untouched. Copy where links are impossible.
    """
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _existing_hashes(ix: whoosh_index.Index) -> dict[str, str]:
    with ix.searcher() as searcher:
        return {fields["id"]: fields.get("content_hash", "") for fields in searcher.all_stored_fields()}


def _commit(directory: Path, segments: list, delete: set[str]) -> None:
    """One table of contents: the existing segments (less deleted ids) plus the workers' new ones.

    Whoosh's commit then deletes every segment file the table does not list (a dead
    worker's half-written segment, a cluster task's lost attempt) and its temporary
    posting files, so nothing stray is published.
    """
    writer = SegmentWriter(whoosh_index.open_dir(str(directory)))
    try:
        for article_id in sorted(delete):
            writer.delete_by_term("id", article_id)
        final = writer._merge_segments(None, False, True) + segments  # noqa: SLF001 - as MpWriter does
        writer._close_segment()  # noqa: SLF001
        writer._commit_toc(final)  # noqa: SLF001
        writer._finish()  # noqa: SLF001
    except BaseException:
        writer.cancel()
        raise


class _Run:
    """One pass over the input: the rules for what gets indexed, and the parent's side of the worker protocol."""

    def __init__(self, paths, existing: dict[str, str], report: BuildReport, on_progress,
                 entities: Path | None) -> None:
        self.paths = paths
        self.existing = existing
        self.report = report
        self.on_progress = on_progress
        self.entities = entities
        self.seen: set[str] = set()  # every id read this run
        self.replaced: set[str] = set()  # ids re-indexed successfully whose old version must go
        self.readings: Readings = {}  # what the workers read of the articles for clustering
        self.feeder_error: BaseException | None = None

    def _articles(self, submit: Callable[[Unit], Pending], in_flight: int) -> Iterator[Article]:
        """Articles that need indexing, in input order; skipped and unchanged ones are counted here.

        `submit` runs `read_unit` in another process (or on a cluster); the time this
        process waits for parsed articles is the "parse" stage.
        """
        first_path: dict[str, str] = {}
        items = iter(read_paths(self.paths, submit, in_flight))
        while True:
            parse_started = time.perf_counter()
            item = next(items, None)
            self.report.stages["parse"] += time.perf_counter() - parse_started
            if item is None:
                return
            if isinstance(item, Skipped):
                self.report.skipped.append(item)
                continue
            problem = id_problem(item.id)
            if problem is not None:  # the web would refuse it: listed, it would lead nowhere
                self.report.skipped.append(Skipped(item.path or repr(item.id[:80]), problem))
                continue
            if item.id in first_path:
                reason = f"duplicate id {item.id!r} (first in {first_path[item.id]})"
                self.report.skipped.append(Skipped(item.path or item.id, reason))
                continue
            first_path[item.id] = item.path or item.id
            self.seen.add(item.id)
            if item.id in self.existing and self.existing[item.id] == content_hash(item):
                self.report.unchanged += 1
                continue
            yield item

    def batches(self, submit: Callable[[Unit], Pending], in_flight: int, size: int) -> Iterator[list[Article]]:
        """`_articles` in lists of `size`, the unit handed to an indexing worker."""
        batch: list[Article] = []
        for article in self._articles(submit, in_flight):
            batch.append(article)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _feed(self, jobs: multiprocessing.Queue, workers: int, parsers: ProcessPoolExecutor) -> None:
        try:
            in_flight = workers * UNITS_IN_FLIGHT_PER_WORKER
            for batch in self.batches(lambda unit: parsers.submit(read_unit, unit), in_flight, BATCH_SIZE):
                jobs.put(batch)
        except BrokenProcessPool:
            self.feeder_error = BuildFailed("a parsing worker died unexpectedly; the live index is unchanged")
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            self.feeder_error = error
        finally:
            for _ in range(workers):
                jobs.put(None)

    def index_in_workers(self, directory: Path, workers: int) -> list:
        """Run the workers over every article; returns the segments they wrote."""
        default_extractor(self.entities)  # load dictionaries once, before fork, so workers share them
        context = multiprocessing.get_context("fork")
        jobs = context.Queue(maxsize=workers * BATCHES_IN_FLIGHT_PER_WORKER)
        results = context.Queue()
        worker_args = (str(directory), jobs, results, self.entities, os.getpid())
        processes = [context.Process(target=_worker, args=worker_args, daemon=True) for _ in range(workers)]
        for process in processes:
            process.start()
        # Parsing a web page (trafilatura) costs more than indexing it, so files are parsed
        # in a pool as large as the workers' rather than in this process. With fork, the
        # pool starts all its processes at the first submit, which happens here, before
        # the feeder thread exists: no process inherits a running thread.
        parsers = ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent,
                                      initargs=(os.getpid(),))
        parsers.submit(int).result()
        feeder = threading.Thread(target=self._feed, args=(jobs, workers, parsers), daemon=True)
        feeder.start()
        segments: list = []
        finished = 0
        try:
            while finished < workers:
                try:
                    message = results.get(timeout=DEAD_WORKER_POLL_SECONDS)
                except queue.Empty:
                    if any(p.exitcode not in (None, 0) for p in processes):
                        raise BuildFailed("an indexing worker died unexpectedly; the live index is unchanged") from None
                    continue
                if isinstance(message, list):
                    self.record(message)
                else:
                    finished += 1
                    if message is not None:
                        segments.append(message)
        finally:
            for process in processes:
                if process.is_alive() and finished < workers:
                    process.kill()
                process.join()
            # The feeder may still wait on a parse; cancelled, it fails and ends.
            parsers.shutdown(wait=finished == workers, cancel_futures=True)
        feeder.join()
        if self.feeder_error is not None:
            raise self.feeder_error
        return segments

    def record(self, outcomes: list[_Outcome]) -> None:
        """Count what a worker did with a batch, and report progress."""
        report = self.report
        for outcome in outcomes:
            if outcome.error is not None:
                report.skipped.append(Skipped(outcome.path, outcome.error))
                continue
            report.indexed += 1
            report.stages["extract"] += outcome.extract_seconds
            report.stages["analyse"] += outcome.analyse_seconds
            report.stages["write"] += outcome.write_seconds
            for facet, count in outcome.dropped_values:
                report.dropped_values[facet] = report.dropped_values.get(facet, 0) + count
            if outcome.unextracted is not None:
                report.without_facets.append(Skipped(outcome.path, outcome.unextracted))
            if outcome.reading is not None:
                self.readings[(outcome.article_id, outcome.content_hash)] = outcome.reading
            if outcome.article_id in self.existing:
                self.replaced.add(outcome.article_id)
        if self.on_progress is not None:
            self.on_progress(report)


def build_index(
    paths: Sequence[str | Path],
    index_dir: str | Path,
    *,
    incremental: bool = False,
    workers: int | None = None,
    on_progress: Callable[[BuildReport], None] | None = None,
    entities: Path | None = None,
    dask: str | None = None,
) -> BuildReport:
    """Index the articles under `paths` into `index_dir` and make the result live.

    A full build starts from an empty generation; `incremental` starts from a copy of the
    live one and adds new and changed articles (by content hash) and removes articles
    whose files are gone. Either way the live index is untouched until the new
    generation is complete. Raises `store.IndexBusy` if another build holds the lock.

    `entities` is the user's entities YAML (None: $NEWSFACETS_ENTITIES, else none).
    `dask` runs reading and indexing on a Dask cluster (a scheduler address, or "local"
    for a cluster of `workers` processes on this machine; see `index.distributed`),
    whose workers must see `paths` and `index_dir` at the same paths as this process.
    """
    index_dir = Path(index_dir)
    workers = max(1, workers or os.cpu_count() or 1)
    report = BuildReport()
    started = time.perf_counter()
    with store.build_lock(index_dir):
        store.sweep_temporary(index_dir)
        temporary = store.new_temporary(index_dir)
        try:
            live = store.current_generation(index_dir) if incremental else None
            if live is not None:
                shutil.rmtree(temporary)
                shutil.copytree(live, temporary, copy_function=_link_or_copy)
                existing = _existing_hashes(whoosh_index.open_dir(str(temporary)))
            else:
                whoosh_index.create_in(str(temporary), index_schema())
                existing = {}
            run = _Run(paths, existing, report, on_progress, entities)
            if dask is None:
                segments = run.index_in_workers(temporary, workers)
            else:
                from index.distributed import index_on_dask  # dask is imported only for a cluster build

                segments = index_on_dask(run, temporary, dask, workers)
            if report.status == "failed":
                # Nothing readable: keep the live index rather than publish an empty one.
                shutil.rmtree(temporary, ignore_errors=True)
                report.seconds = time.perf_counter() - started
                return report
            write_started = time.perf_counter()
            gone = set(existing) - run.seen
            report.removed = len(gone)
            _commit(temporary, segments, delete=gone | run.replaced)
            report.stages["write"] += time.perf_counter() - write_started
            # The generation's sidecars, written once for either kind of build, before it goes live:
            write_stories(temporary, incremental_from=live, stages=report.stages, readings=run.readings)
            write_columns(temporary)  # what searchers map instead of computing on open
            report.generation = store.publish(index_dir, temporary)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    report.seconds = time.perf_counter() - started
    return report
