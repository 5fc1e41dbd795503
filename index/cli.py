"""`newsfacets index`: the command-line face of `index.build.build_index`.

Exit codes: 0 every article indexed; 3 partial (some files skipped, or some articles indexed
without facets, each listed); 1 nothing indexed, or the build could not run (busy, unreadable index); 2 a bad
--entities file (refused before any work).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from index.article import MAX_VALUE_LENGTH
from index.build import BuildReport, build_index
from index.entities.actors import DictionaryError
from index.settings import Settings
from index.store import IndexProblem

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="files or folders of articles (folders are read recursively)")
    parser.add_argument("--index", type=Path, default=None,
                        help="index directory (default: $NEWSFACETS_INDEX or var/index)")
    parser.add_argument("--incremental", action="store_true", help="add new and changed articles, remove deleted ones")
    parser.add_argument("--workers", type=int, default=None,
                        help="parsing and analysis processes, or --dask local's workers (default: all cores)")
    parser.add_argument("--entities", type=Path, default=None, metavar="FILE",
                        help="your entities YAML, added to ours (default: $NEWSFACETS_ENTITIES)")
    parser.add_argument("--dask", default=None, metavar="SCHEDULER_ADDRESS",
                        help="read and index on a Dask cluster sharing the paths and the index directory "
                             "(tcp://host:8786), or 'local' for one on this machine")


class _Progress:
    """A tqdm bar on a terminal; a plain line every few seconds otherwise (logs, CI)."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.bar = None
        self.last_line = time.monotonic()
        if stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(unit=" articles", file=stream, dynamic_ncols=True)

    def __call__(self, report: BuildReport) -> None:
        done = report.indexed + report.unchanged + len(report.skipped)
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
        elif time.monotonic() - self.last_line >= 5:
            self.last_line = time.monotonic()
            print(f"... {done} articles processed", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def summary(report: BuildReport) -> str:
    rate = report.indexed / report.seconds if report.seconds else 0.0
    lines = [
        f"indexed {report.indexed}, unchanged {report.unchanged}, removed {report.removed}, "
        f"skipped {len(report.skipped)} in {report.seconds:.1f}s ({rate:.0f} articles/s)"
    ]
    lines += [f"skipped {item.path}: {item.reason}" for item in report.skipped]
    lines += [f"indexed without facets {item.path}: the entity extractor failed ({item.reason}); "
              "it is searchable, but no facet finds it: please report this" for item in report.without_facets]
    if report.dropped_values:
        counts = ", ".join(f"{count} {facet}" for facet, count in sorted(report.dropped_values.items()))
        lines.append(f"left out facet values longer than {MAX_VALUE_LENGTH} characters (no filter could name them): "
                     f"{counts}")
    return "\n".join(lines)


def _entities_file(named: Path | None) -> Path | None | str:
    """The entities file to index with (the settings': --entities, else $NEWSFACETS_ENTITIES),
    loaded once here so that a missing or bad one is refused before any work; a str is the reason."""
    from index.entities.extractor import default_extractor

    if not named:
        return None
    path = Path(named).absolute()  # workers elsewhere (a cluster) resolve it the same way
    if not path.is_file():
        return f"entities file {named} {'is not a file' if path.exists() else 'does not exist'}"
    try:
        default_extractor(path)
    except DictionaryError as error:
        return str(error)
    return path


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_arguments(args)
    index_dir = settings.index_dir
    missing = [path for path in args.paths if not os.path.exists(path)]
    if missing:
        print(f"error: no such file or folder: {missing[0]}", file=sys.stderr)
        return EXIT_FAILED
    if args.workers is not None and args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return EXIT_FAILED
    entities = _entities_file(settings.entities_file)
    if isinstance(entities, str):
        print(f"error: {entities}", file=sys.stderr)
        return EXIT_USAGE
    progress = _Progress(sys.stderr)
    try:
        report = build_index(args.paths, index_dir, incremental=args.incremental, workers=args.workers,
                             on_progress=progress, entities=entities, dask=args.dask)
    except (IndexProblem, DictionaryError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted: the live index is unchanged", file=sys.stderr)
        return 130
    finally:
        progress.close()
    print(summary(report))
    if report.status == "failed":
        print(f"error: nothing could be indexed; the index at {index_dir} is unchanged", file=sys.stderr)
        return EXIT_FAILED
    print(f"index ready at {index_dir}")
    return EXIT_PARTIAL if report.status == "partial" else EXIT_OK
