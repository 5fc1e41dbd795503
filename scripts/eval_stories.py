#!/usr/bin/env python
"""Pairwise precision and recall of "same story" (issue 11) over judged pairs.

Builds one real index of the seeds and FA-KES with the real indexer (or reads one given
with --index), takes each article's story from the generation's stories sidecar, and
scores the judged pairs in tests/data/stories/ (ids and labels only; the texts stay in
../shared): a judged-same pair in one story is a true positive, a judged-different pair
in one story a false positive.

    python scripts/eval_stories.py [--seeds DIR] [--fakes FILE] [--index DIR] [--reuters-index DIR]
                                   [--json] [--show-errors]

The FA-KES pairs are also scored in two halves with no article on both sides (`halves`):
rules are tuned on one and the other is reported as held out. The judged Reuters pairs
are scored together (precision and recall) and by how they were drawn: batches A-D from
pairs some version of the rules joined, batches E-H by rules that know nothing of ours
(titles naming one company, rare title words, corrections), so E-H alone is the fairer
estimate of recall.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.build import build_index  # noqa: E402
from index.store import current_generation  # noqa: E402
from index.stories import cluster, pairwise, read_articles  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
PAIRS = REPO / "tests" / "data" / "stories"
TARGETS = {"precision": 0.95, "recall": 0.85}


def judged(path: Path, batches: str | None = None) -> list[tuple[str, str, bool]]:
    """(id, id, same) rows of a judged-pairs file, only those of `batches` (letters of its `drawn` column)
    when given; lines starting with # are notes."""
    with open(path, encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return [(row["left"], row["right"], row["label"] == "same") for row in rows
                if batches is None or row.get("drawn", "") in batches]


def halves(pairs: list[tuple[str, str, bool]]) -> tuple[list, list]:
    """The judged pairs split in two with no article on both sides, to tune on one and report the other.

    Pairs that share an article (one event's versions) stay together: the split is by
    connected component, each sent to a half by the CRC-32 of its smallest id, so it
    does not move when pairs are added elsewhere.
    """
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _ in pairs:
        parent[root(a)] = root(b)
    smallest: dict[str, str] = {}
    for x in list(parent):
        r = root(x)
        smallest[r] = min(smallest.get(r, x), x)
    split: tuple[list, list] = ([], [])
    for pair in pairs:
        split[zlib.crc32(smallest[root(pair[0])].encode("utf-8")) % 2].append(pair)
    return split


def stories_of(index_dir: Path) -> dict[str, str]:
    """Article id -> story id, the live generation's articles clustered afresh by the current rules
    (its sidecar may predate them: an index given with --index is not rebuilt)."""
    generation = current_generation(index_dir)
    if generation is None:
        raise SystemExit(f"error: no index at {index_dir}")
    return cluster(article for _, article in read_articles(generation)).story_of()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=CORPUS / "seeds")
    parser.add_argument("--fakes", type=Path, default=CORPUS / "fakes" / "FA-KES-Dataset.csv")
    parser.add_argument("--index", type=Path, default=None, help="an index of both corpora (default: build one)")
    parser.add_argument("--reuters-index", type=Path, default=None,
                        help="an index of Reuters-21578 to score the judged Reuters pairs on too"
                             " (benchmarks/bench_search.py leaves one in var/bench/reuters-index)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-errors", action="store_true", help="list the judged pairs clustered wrongly")
    args = parser.parse_args(argv)
    for path in (args.seeds, args.fakes):
        if not path.exists():
            print(f"error: {path} not found", file=sys.stderr)
            return 1
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = args.index
        if index_dir is None:
            index_dir = Path(scratch) / "index"
            build_index([args.seeds, args.fakes], index_dir)
        stories = stories_of(index_dir)
    fakes = judged(PAIRS / "fakes_pairs.tsv")
    held_out, tuning = halves(fakes)  # the half with more misses at the start is the one to learn from
    sets = {"seeds": judged(PAIRS / "seeds_pairs.tsv"), "fakes": fakes}
    parts = {"fakes, tuning half": tuning, "fakes, held-out half": held_out}
    missing = sorted({i for pairs in sets.values() for a, b, _ in pairs for i in (a, b)} - set(stories))
    if missing:
        print(f"error: judged ids not in the index: {', '.join(missing[:5])}", file=sys.stderr)
        return 1
    report = {name: pairwise(stories, pairs) for name, pairs in {**sets, **parts}.items()}
    if args.reuters_index is not None:
        reuters = judged(PAIRS / "reuters_pairs.tsv")
        reuters_stories = stories_of(args.reuters_index)
        absent = sorted({i for a, b, _ in reuters for i in (a, b)} - set(reuters_stories))
        if absent:
            print(f"error: judged Reuters ids not in {args.reuters_index}: {', '.join(absent[:5])}", file=sys.stderr)
            return 1
        reuters_parts = {"reuters": reuters,
                         "reuters, drawn from joins (A-D)": judged(PAIRS / "reuters_pairs.tsv", "ABCD"),
                         "reuters, drawn blind (E-H)": judged(PAIRS / "reuters_pairs.tsv", "EFGH")}
        parts.update(reuters_parts)
        report.update({name: pairwise(reuters_stories, pairs) for name, pairs in reuters_parts.items()})
        report["reuters articles"] = len(reuters_stories)
        report["reuters stories"] = len(set(reuters_stories.values()))
    report["all"] = pairwise(stories, [p for pairs in sets.values() for p in pairs])
    report["articles"] = len(stories)
    report["stories"] = len(set(stories.values()))
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for name in [*sets, *parts]:
            r = report[name]
            print(f"{name}: P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} "
                  f"({r['pairs']} pairs: tp {r['tp']}, fp {r['fp']}, fn {r['fn']})")
        r = report["all"]
        met = all(r[k] >= v for k, v in TARGETS.items())
        print(f"all (seeds and fakes): P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}; "
              f"{report['articles']} articles in {report['stories']} stories; "
              f"targets P >= {TARGETS['precision']} R >= {TARGETS['recall']}: {'met' if met else 'not met'}")
        if "reuters articles" in report:
            print(f"reuters: {report['reuters articles']} articles in {report['reuters stories']} stories")
    if args.show_errors:
        checked = [(name, pairs, stories) for name, pairs in sets.items()]
        if args.reuters_index is not None:
            checked.append(("reuters", reuters, reuters_stories))
        for name, pairs, clustered in checked:
            for a, b, same in pairs:
                if (clustered[a] == clustered[b]) != same:
                    half = " (tuning)" if (a, b, same) in tuning else " (held out)" if name == "fakes" else ""
                    print(f"{name}{half}: {'missed' if same else 'wrongly joined'} {a} {b}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
