#!/usr/bin/env python3
"""Index Reuters-21578 end to end and write articles/s, time per stage, memory and size.

The SGML is first converted to JSONL (untimed: it stands for "a folder of articles");
the timed part is exactly what `newsfacets index` does: read, extract, analyse, write,
publish. Stage times for extract/analyse are summed over worker processes, so they can
exceed the wall time.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from report import machine, publish  # noqa: E402

from reuters import DEFAULT_SGML, build  # noqa: E402


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reuters", type=Path, default=DEFAULT_SGML)
    parser.add_argument("--limit", type=int, default=None, help="index only the first N stories")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--no-write", action="store_true", help="print figures, leave docs/BENCHMARKS.md alone")
    args = parser.parse_args()
    if not args.reuters.is_dir():
        print(f"error: Reuters-21578 not found at {args.reuters}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="newsfacets-bench-") as tmp:
        stories, report = build(args.reuters, Path(tmp) / "index", workers=args.workers, limit=args.limit)
        size = directory_size(report.generation)
    peak_mib = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ) / 1024
    rate = report.indexed / report.seconds
    workers = args.workers or os.cpu_count()
    stages = "\n".join(f"| {name} | {seconds:.1f} s |" for name, seconds in report.stages.items())
    body = f"""
`python benchmarks/bench_index.py` on {machine()}.

Reuters-21578, {stories} stories with a body, as JSONL; {workers} worker processes; full build
(read -> extract entities -> analyse -> write -> publish).

| measure | value |
| --- | --- |
| articles indexed | {report.indexed} (skipped {len(report.skipped)}) |
| wall time | {report.seconds:.1f} s |
| **throughput** | **{rate:.0f} articles/s** (target >= 300) |
| peak memory (largest process) | {peak_mib:.0f} MiB |
| index size | {size / 2**20:.1f} MiB |

Time per stage (extract and analyse summed over workers, so they may exceed wall time):

| stage | time |
| --- | --- |
{stages}
"""
    publish("Indexing", body, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
