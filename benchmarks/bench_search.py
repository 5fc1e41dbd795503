#!/usr/bin/env python3
"""Search latency on the Reuters-21578 index: ours in three depths, and naive Whoosh, in one run.

    python benchmarks/bench_search.py [--index DIR] [--build-from SGM_DIR] [--no-write]

Builds the index once (SGML -> JSONL -> `build_index`) into `var/bench/reuters-index`
unless `--index` names an existing one. A fixed, seeded mix of 200 queries (1-3 words of
middling frequency, or a two-word phrase, taken from one real article each; half with a
facet filter) is timed:

- search alone: ranking and the page's stored fields (`facet_size=0, snippets=False`);
- with facets: plus actor/location/country/source/date counts;
- with facets and snippets: the full `Searcher.search` as the API calls it;
- naive Whoosh: the same parsed queries through `searcher.search(q, groupedby=<the four
  facet fields and the date column, allow_overlap=True>, filter=...)` plus Whoosh's
  highlighter on the page's bodies.

Each of our modes runs the whole mix once to warm up (naive Whoosh a tenth of it), then
once timed. Figures go to the
`## Search` section of docs/BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from report import machine, publish  # noqa: E402
from whoosh import highlight, sorting  # noqa: E402
from whoosh import query as wq  # noqa: E402

from index.analysis import EXACT, STOP_WORDS, terms  # noqa: E402
from search import Searcher  # noqa: E402
from search.query import parse_query  # noqa: E402
from reuters import DEFAULT_INDEX, DEFAULT_SGML, ensure_index  # noqa: E402

QUERIES = 200
SEED = 21578
FACETS = ("actor", "location", "country", "source")


def query_mix(searcher: Searcher, rng: random.Random) -> list[tuple[str, dict]]:
    """(query, filter keywords) pairs: words of middling frequency and two-word phrases from one real
    article each, every second one filtered by a common facet value."""
    generation = searcher._handle.current()
    whoosh_searcher = generation.index.searcher()
    vocabulary = generation.vocabulary(whoosh_searcher)
    documents = generation.facets.size
    words = [
        w for w, df in zip(vocabulary.words, vocabulary.frequencies.tolist())
        if w.isalpha() and len(w) >= 3 and w not in STOP_WORDS and 5 <= df <= documents // 10
    ]
    top_values = {
        name: [v["value"] for v in searcher.search("", facet_size=20, per_page=1).facets[name]] for name in FACETS
    }
    common = set(words)
    mix = []
    for n in range(QUERIES):
        # Words of one real article, so multi-word queries find what people would look for.
        body = whoosh_searcher.stored_fields(rng.randrange(documents)).get("body") or ""
        tokens = [t for t in terms(EXACT, body[:3000]) if t.isalpha()]
        kind = rng.random()
        pairs = [i for i in range(len(tokens) - 1) if tokens[i] not in STOP_WORDS and tokens[i + 1] not in STOP_WORDS]
        if kind < 0.15 and pairs:
            start = rng.choice(pairs)
            query = '"' + " ".join(tokens[start : start + 2]) + '"'
        else:
            size = 1 if kind < 0.55 else 2 if kind < 0.85 else 3
            candidates = sorted({t for t in tokens if t in common})
            query = " ".join(rng.sample(candidates, min(size, len(candidates)))) or rng.choice(words)
        filters: dict = {}
        if n % 2:
            name = rng.choice([f for f in FACETS if top_values[f]])
            filters[name] = [rng.choice(top_values[name])]
        mix.append((query, filters))
    return mix


def naive(whoosh_searcher, query: str, filters: dict) -> None:
    """The same search as Whoosh's documentation would write it."""
    q = searcher_query(query)
    allow = wq.And([wq.Or([wq.Term(name, v) for v in values]) for name, values in filters.items()]) if filters else None
    groups = [sorting.FieldFacet(name, allow_overlap=True) for name in FACETS] + [sorting.FieldFacet("date")]
    results = whoosh_searcher.search(q or wq.Every(), limit=10, filter=allow, groupedby=groups, terms=True)
    for name in FACETS:
        results.groups(name)
    results.formatter = highlight.HtmlFormatter()
    for hit in results:
        hit.highlights("body", text=hit.get("body") or "")


_RESOLVED: dict[str, object] = {}


def searcher_query(query: str):
    return _RESOLVED[query]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def timed(run, mix, warm_up: int) -> list[float]:
    for query, filters in mix[:warm_up]:
        run(query, filters)
    samples = []
    for query, filters in mix:
        started = time.perf_counter()
        run(query, filters)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None, help="an existing index to reuse")
    parser.add_argument("--build-from", type=Path, default=DEFAULT_SGML, help="Reuters-21578 .sgm folder")
    parser.add_argument("--no-write", action="store_true", help="print figures, leave docs/BENCHMARKS.md alone")
    args = parser.parse_args()
    index_dir = args.index or DEFAULT_INDEX
    if not ensure_index(index_dir, args.build_from, "bench_search"):
        return 1

    with Searcher(index_dir) as searcher:
        mix = query_mix(searcher, random.Random(SEED))
        generation = searcher._handle.current()
        whoosh_searcher = generation.index.searcher()
        matcher = generation.matcher(whoosh_searcher)
        for query, _ in mix:
            _RESOLVED[query] = searcher._resolve(matcher, generation, parse_query(query)).query
        modes = {
            "search alone": lambda q, f: searcher.search(q, facet_size=0, snippets=False, **f),
            "with facets": lambda q, f: searcher.search(q, snippets=False, **f),
            "with facets and snippets": lambda q, f: searcher.search(q, **f),
            "naive Whoosh (groupedby + highlights)": lambda q, f: naive(whoosh_searcher, q, f),
        }
        # Naive Whoosh warms up on a tenth of the mix: a full pass would take minutes and it has no caches of ours.
        figures = {name: percentiles(timed(run, mix, QUERIES // 10 if "naive" in name else QUERIES))
                   for name, run in modes.items()}
        documents = int(generation.facets.live.sum())
        hits = [searcher.search(q, per_page=1, facet_size=0, snippets=False, **f).total for q, f in mix]

    ours = figures["with facets and snippets"]
    baseline = figures["naive Whoosh (groupedby + highlights)"]
    rows = "\n".join(f"| {name} | {p50:.1f} | {p95:.1f} | {p99:.1f} |" for name, (p50, p95, p99) in figures.items())
    body = f"""`python benchmarks/bench_search.py` on {machine()}.

Corpus: Reuters-21578, {documents} articles. Mix: {QUERIES} seeded queries (1-3 words of middling
frequency, or a two-word phrase, from one real article each; every second one filtered by a common
actor, location, country or source value); median {statistics.median(hits):.0f} hits per query. Page of 10 hits, 10 values per facet. Our modes warmed up with one pass of the mix, naive Whoosh with {QUERIES // 10} queries.

| mode | p50 ms | p95 ms | p99 ms |
|---|---|---|---|
{rows}

Naive / ours (facets and snippets) at p95: **{baseline[1] / ours[1]:.1f}x** (target >= 5x);
our p95 with facets and snippets: **{ours[1]:.1f} ms** (target <= 50 ms).
"""
    publish("Search", body, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
