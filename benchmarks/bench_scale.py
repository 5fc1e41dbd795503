#!/usr/bin/env python3
"""Scale: Reuters-21578 copied x1 and x10 (x50 with --million), ours beside tantivy in one run.

    python benchmarks/bench_scale.py [--reuse] [--million] [--sizes 1,10] [--rounds 2]
                                     [--baseline CHECKOUT [--build-rate N]] [--build-only] [--quick]
                                     [--no-write]

On a shared machine, build the large size first in a low-priority run of its own, then
measure reusing it:

    nice -n 19 python benchmarks/bench_scale.py --build-only --reuse --sizes 10
    python benchmarks/bench_scale.py --reuse

Each size N is N copies of Reuters-21578: copy 0 is the collection as it is, every other
copy has each story's sentences shuffled (seeded by copy and story id, so the corpus is
the same on every run) and its id suffixed with the copy number, so no two stories are
identical and story collapsing has nothing to fold that the original would not. The
copies are written as one JSONL file and indexed by `index.build.build_index`, which is
what `newsfacets index` does. Tantivy indexes the same articles (title, body and our
facet values, read back from our index) with an English stemmer.

For each size, in fresh processes of their own, ours (`search.Searcher`) and tantivy
open the index and answer a first query (the open time), then answer the query mix
of benchmarks/bench_search.py (200 seeded queries of 1-3 words or a two-word phrase,
every second one with a facet filter; drawn once from the x1 index and used at every
size) once to warm up and once timed, and report their RSS after it; this runs `--rounds`
times per engine and size (default 2, the engines alternating which goes first) and the
round with the lower p95 is kept, which takes the worst of a shared machine's noise out.
Ours runs the full `Searcher.search` as the API calls it (page of 10, 10 values each of actor, location,
country and source, date counts, snippets); tantivy the same: a top-10 search with every
word required, terms aggregations of 10 values over the matches for the same four facet
fields, a month histogram of dates, and SnippetGenerator snippets of the page's bodies.

Data lives in var/bench/scale-xN/ (corpus.jsonl, index/, tantivy/, manifest.json).
`--reuse` keeps an index whose corpus hash matches the manifest, and reports the build
rate recorded by the run that built it, with that run's date, per wall second and per
CPU-second of the build and its workers (the one that stays meaningful at nice 19).
`--build-only` builds and measures nothing. Before measuring, whatever per-generation files
the current code maps and a reused index lacks (columns, postings) are written into it
(`index.columns.write_columns`), as an upgraded installation would.

`--baseline CHECKOUT` also measures an earlier commit's search (e.g. `git worktree add
/tmp/base HEAD~3`) on the same indexes in the same run, the machine's drift shared by
both: "ours / previous code" is a ratio that holds from one day to the next. With
`--build-rate N`, both codes also build x1's first N articles in turn (full builds in fresh
processes), for the build rate per CPU-second beside the previous code.
Figures go to the `## Scale` section of docs/BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

# Only the standard library at the top: a tantivy probe process must hold nothing of ours.
from report import machine, publish  # noqa: E402

TITLE = "Scale"
SEED = 21578
DATA = REPO / "var" / "bench"
QUICK_ARTICLES = 300
FACET_SIZE = 10
# Bumped when the tantivy schema or what it is fed changes, so --reuse rebuilds tantivy's index.
TANTIVY_VERSION = 2
# A sentence ends at . ! or ? followed by space and a capital, digit or quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
# Units tried in turn when shuffling a story into a copy that differs from the earlier ones.
_SPLITTERS = (_SENTENCE_END, re.compile(r"(?<=,)\s+"), re.compile(r"\s+"))
_SHUFFLE_TRIES = 8


# ---------------------------------------------------------------- corpus


def digest(text: str) -> bytes:
    """A short fingerprint: the copies remember what they produced without holding x50 bodies."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def shuffled_body(body: str, rng: random.Random, taken: set[bytes]) -> str:
    """`body` with its sentences in an order whose `digest` is not in `taken` (clauses, then
    words, when a story has too few sentences for that), joined by single spaces (paragraph
    breaks go); the body itself when nothing can differ."""
    for splitter in _SPLITTERS:
        units = [u for u in splitter.split(body) if u]
        if len(units) < 2:
            continue
        for _ in range(_SHUFFLE_TRIES):
            rng.shuffle(units)
            candidate = " ".join(units)
            if digest(candidate) not in taken:
                return candidate
    return body


def copies(records: list[dict], count: int) -> Iterator[dict]:
    """`count` copies of `records`: copy 0 as it is, the others shuffled with unique ids."""
    taken = {record["id"]: {digest(record["body"])} for record in records}
    for copy in range(count):
        for record in records:
            if copy == 0:
                yield record
                continue
            rng = random.Random(f"{SEED}:{copy}:{record['id']}")
            body = shuffled_body(record["body"], rng, taken[record["id"]])
            taken[record["id"]].add(digest(body))
            yield {**record, "id": f"{record['id']}-copy{copy}", "body": body}


def write_corpus(records: list[dict], count: int, out: Path) -> tuple[str, int, int]:
    """Write the copies as JSONL; returns (sha256 of the file, articles, distinct bodies)."""
    whole = hashlib.sha256()
    bodies: set[bytes] = set()
    articles = 0
    with out.open("wb") as handle:
        for record in copies(records, count):
            line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
            whole.update(line)
            handle.write(line)
            bodies.add(digest(record["body"]))
            articles += 1
    return whole.hexdigest(), articles, len(bodies)


def source_records(sgml_dir: Path, limit: int | None) -> list[dict]:
    """The Reuters stories as benchmarks/reuters.py exports them (no gold labels).

    Each record names its SGML file, so the folder is resolved first: a checkout beside a link
    to the shared data (a worktree in /tmp) then writes the same corpus, and `--reuse` keeps its
    indexes instead of rebuilding them over a different spelling of one path."""
    from reuters import export_jsonl

    with tempfile.TemporaryDirectory(prefix="newsfacets-scale-") as tmp:
        out = Path(tmp) / "reuters.jsonl"
        export_jsonl(sgml_dir.resolve(), out, limit)
        with out.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]


# ---------------------------------------------------------------- building


def current_generation(index_dir: Path) -> Path | None:
    """`index.store.current_generation`, imported here so the probes do not load our code."""
    from index.store import current_generation as live

    return live(index_dir)


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children (the build's forked workers)."""
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


# A build in a fresh process with one checkout's code: prints {"indexed", "seconds", "cpu_seconds"}.
_BUILD_PROBE = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from index.build import build_index
def cpu():
    return sum(resource.getrusage(w).ru_utime + resource.getrusage(w).ru_stime
               for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
started, spent = time.perf_counter(), cpu()
report = build_index([sys.argv[2]], sys.argv[3], workers=2)
print(json.dumps({"indexed": report.indexed, "seconds": time.perf_counter() - started, "cpu_seconds": cpu() - spent}))
"""


def build_rates(corpus: Path, articles: int, baseline: Path, rounds: int) -> dict:
    """Full builds of the corpus's first `articles` articles with this code and with `baseline`'s, in turn
    (`rounds` each, the faster per CPU-second kept), in fresh processes on an otherwise equal footing."""
    with tempfile.TemporaryDirectory(prefix="bench-scale-build-") as scratch:
        part = Path(scratch) / "part.jsonl"
        with open(corpus, encoding="utf-8") as source, open(part, "w", encoding="utf-8") as out:
            out.writelines(line for _, line in zip(range(articles), source, strict=False))
        done: dict[str, list[dict]] = {"ours": [], "baseline": []}
        for number in range(rounds):
            for engine in list(done)[:: 1 if number % 2 == 0 else -1]:
                checkout = REPO if engine == "ours" else baseline
                index_dir = Path(scratch) / f"{engine}-{number}"
                ran = subprocess.run([sys.executable, "-c", _BUILD_PROBE, str(checkout), str(part), str(index_dir)],
                                     capture_output=True, text=True, check=False)
                if ran.returncode != 0:
                    raise SystemExit(f"bench_scale: the {engine} build failed: {ran.stderr.strip()[-2000:]}")
                figures = json.loads(ran.stdout.splitlines()[-1])
                figures["per_cpu_s"] = figures["indexed"] / figures["cpu_seconds"]
                figures["per_s"] = figures["indexed"] / figures["seconds"]
                done[engine].append(figures)
                shutil.rmtree(index_dir)
    return {"articles": articles, "load": load_average(),
            **{engine: max(runs, key=lambda r: r["per_cpu_s"]) for engine, runs in done.items()}}


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False).stdout.strip()


def commit() -> str:
    """The checkout's commit, '+' when index/ or search/ differ from it (figures say which code ran)."""
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "index", "search")
    return git("rev-parse", "--short", "HEAD") + ("+" if dirty else "")


def directory_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@dataclass
class Size:
    """One corpus size's files: var/bench/scale-xN/."""

    label: str
    root: Path

    @property
    def corpus(self) -> Path:
        return self.root / "corpus.jsonl"

    @property
    def index(self) -> Path:
        return self.root / "index"

    @property
    def tantivy(self) -> Path:
        return self.root / "tantivy"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def manifest(self) -> dict:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def save(self, manifest: dict) -> None:
        self.manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def progress(label: str, articles: int):
    """A build_index callback printing the count every 5%, so a long low-priority build shows how far it got."""
    step = max(1, articles // 20)
    shown = [0]

    def show(report) -> None:
        if report.indexed >= shown[0] + step:
            shown[0] = report.indexed
            print(f"{label}: {report.indexed}/{articles} at {time.strftime('%H:%M:%S')} UTC",
                  file=sys.stderr, flush=True)
    return show


def prepare(size: Size, records: list[dict], count: int, reuse: bool, run: str) -> dict:
    """Write the size's corpus, and build our index and tantivy's unless `reuse` finds them
    built from this very corpus; returns the manifest (what was built, when, how fast)."""
    from index.build import build_index

    size.root.mkdir(parents=True, exist_ok=True)
    fresh = size.root / "corpus.jsonl.new"
    sha, articles, distinct = write_corpus(records, count, fresh)
    manifest = size.manifest()
    live = current_generation(size.index)
    if reuse and manifest.get("corpus_sha256") == sha and live is not None and manifest.get("generation") == live.name:
        fresh.unlink()
        print(f"{size.label}: reusing {live} (built {manifest['build']['date']})", file=sys.stderr)
    else:
        fresh.replace(size.corpus)
        if size.index.exists():
            shutil.rmtree(size.index)
        print(f"{size.label}: building {articles} articles (niceness {os.nice(0)})", file=sys.stderr)
        load_before = load_average()
        started, cpu = time.perf_counter(), cpu_seconds()
        report = build_index([size.corpus], size.index, on_progress=progress(size.label, articles))
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        live = current_generation(size.index)
        assert live is not None, "build_index published no generation"
        manifest = {
            "corpus_sha256": sha, "articles": articles, "distinct_bodies": distinct, "generation": live.name,
            "build": {
                "run": run, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": commit(),
                "indexed": report.indexed, "seconds": round(seconds, 1),
                "articles_per_s": round(report.indexed / seconds, 1), "niceness": os.nice(0),
                "cpu_seconds": round(cpu, 1), "articles_per_cpu_s": round(report.indexed / cpu, 2),
                "load": f"{load_before} -> {load_average()}",
            },
        }
        size.save(manifest)
        print(f"{size.label}: built in {seconds:.0f}s ({report.indexed / seconds:.0f} articles/s)", file=sys.stderr)
    wanted = {"generation": live.name, "version": TANTIVY_VERSION}
    if any(manifest.get("tantivy", {}).get(k) != v for k, v in wanted.items()) or not size.tantivy.is_dir():
        manifest["tantivy"] = {**wanted, **build_tantivy(size)}
        size.save(manifest)
    return manifest


def tantivy_schema():
    import tantivy
    from bench_search import FACETS

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    for name in FACETS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_unsigned_field("date", fast=True)
    return builder.build()


def build_tantivy(size: Size) -> dict:
    """Index our index's articles (stored title, body and facet values) with tantivy."""
    import tantivy
    from bench_search import FACETS
    from whoosh import index as whoosh_index

    if size.tantivy.exists():
        shutil.rmtree(size.tantivy)
    size.tantivy.mkdir()
    live = current_generation(size.index)
    index = tantivy.Index(tantivy_schema(), path=str(size.tantivy))
    writer = index.writer(heap_size=256 * 2**20, num_threads=os.cpu_count() or 1)
    count = 0
    started = time.perf_counter()
    with whoosh_index.open_dir(str(live)).searcher() as searcher:
        for stored in searcher.all_stored_fields():
            document = tantivy.Document(id=stored["id"], title=stored.get("title") or "", body=stored.get("body") or "")
            for name in FACETS:
                for value in stored.get(name) or []:
                    document.add_text(name, value)
            document.add_unsigned("date", int((stored.get("published") or "0").replace("-", "")[:8] or 0))
            writer.add_document(document)
            count += 1
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    print(f"{size.label}: tantivy indexed {count} articles in {seconds:.0f}s", file=sys.stderr)
    return {"articles": count, "seconds": round(seconds, 1), "articles_per_s": round(count / seconds, 1)}


# ---------------------------------------------------------------- measuring (in fresh processes)


def draw_mix(index_dir: Path, out: Path) -> None:
    """bench_search's seeded query mix, drawn from `index_dir`, kept as JSON for the probes
    with the facet names to count (so a tantivy probe needs nothing of ours)."""
    from bench_search import FACETS, query_mix

    from search import Searcher

    with Searcher(index_dir) as searcher:
        mix = query_mix(searcher, random.Random(SEED))
    out.write_text(json.dumps({"facets": FACETS, "queries": mix}), encoding="utf-8")


class Ours:
    """The full `Searcher.search`, as the web API calls it (it counts the facets it always does)."""

    module = "search"

    def __init__(self, index_dir: Path, facets: list[str]) -> None:
        from search import Searcher

        self.searcher = Searcher(index_dir)

    def search(self, query: str, filters: dict) -> int:
        return self.searcher.search(query, **filters).articles or 0


class Tantivy:
    """The same work in tantivy: every word required (as ours), title boosted x2, top 10 with
    their stored fields, counts of 10 values over the matches for our four facet fields and
    a month histogram of dates (what ours counts), snippets of the page's bodies."""

    module = "tantivy"

    def __init__(self, index_dir: Path, facets: list[str]) -> None:
        import tantivy

        self.tantivy = tantivy
        self.index = tantivy.Index.open(str(index_dir))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.aggregation: dict = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in facets}
        # Dates are yyyymmdd numbers: buckets of 100 are months.
        self.aggregation["date"] = {"histogram": {"field": "date", "interval": 100, "min_doc_count": 1}}

    def search(self, query: str, filters: dict) -> int:
        tantivy = self.tantivy
        text = self.index.parse_query(query, ["title", "body"], field_boosts={"title": 2.0},
                                      conjunction_by_default=True)
        clauses = [(tantivy.Occur.Must, text)] + [
            (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, name, value))
            for name, values in filters.items() for value in values
        ]
        whole = tantivy.Query.boolean_query(clauses) if len(clauses) > 1 else text
        result = self.searcher.search(whole, limit=10, count=True)
        self.searcher.aggregate(whole, self.aggregation)
        snippets = tantivy.SnippetGenerator.create(self.searcher, text, self.schema, "body")
        for _, address in result.hits:
            document = self.searcher.doc(address)
            document.get_first("title")
            snippets.snippet_from_doc(document).to_html()
        return result.count or 0


ENGINES = {"ours": Ours, "tantivy": Tantivy}


def probe(engine: str, index_dir: Path, mix_file: Path) -> dict:
    """In this (fresh) process: import, open, first query, the mix once warm-up and once timed, RSS."""
    import psutil

    spec = json.loads(mix_file.read_text(encoding="utf-8"))
    mix = spec["queries"]
    started = time.perf_counter()
    importlib.import_module(ENGINES[engine].module)
    imported = time.perf_counter()
    searcher = ENGINES[engine](index_dir, spec["facets"])
    opened = time.perf_counter()
    searcher.search(*mix[0])
    first = time.perf_counter()
    hits = [searcher.search(query, filters) for query, filters in mix]
    samples = []
    for query, filters in mix:
        before = time.perf_counter()
        searcher.search(query, filters)
        samples.append((time.perf_counter() - before) * 1000)
    return {"import_s": imported - started, "open_s": opened - imported, "first_query_s": first - opened,
            "samples_ms": samples, "rss_mb": psutil.Process().memory_info().rss / 2**20,
            "median_hits": statistics.median(hits)}


def measure(engine: str, index_dir: Path, mix_file: Path, baseline: Path | None = None) -> dict:
    """`probe` in a new Python process, so open time and memory are a fresh server's; p50/p95
    computed as bench_search does. Engine "baseline" is ours as the checkout `baseline` has it
    (its own copy of this script, so its own `search` package), on the same index."""
    from bench_search import percentiles

    script = (baseline / "benchmarks" / "bench_scale.py") if engine == "baseline" and baseline else Path(__file__)
    probed = "ours" if engine == "baseline" else engine
    command = [sys.executable, str(script.resolve()), "--probe", probed, str(index_dir), str(mix_file)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench_scale: the {engine} probe of {index_dir} failed: {done.stderr.strip()[-2000:]}")
    figures = json.loads(done.stdout.splitlines()[-1])
    figures["p50_ms"], figures["p95_ms"], _ = percentiles(figures.pop("samples_ms"))
    return figures


# ---------------------------------------------------------------- report


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b else "-"


def table(result: dict) -> str:
    """One run's figures: a column per size, the last one's growth over the first."""
    labels = list(result["sizes"])
    sizes = [result["sizes"][label] for label in labels]
    first, last = sizes[0], sizes[-1]

    def row(name: str, cell, growth: str = "") -> str:
        return f"| {name} | " + " | ".join(cell(size) for size in sizes) + f" | {growth} |"

    def ms(engine: str):
        return lambda size: f"{size[engine]['p50_ms']:.1f} / {size[engine]['p95_ms']:.1f}"

    def seconds(engine: str):
        return lambda size: " + ".join(f"{size[engine][k]:.2f}" for k in ("import_s", "open_s", "first_query_s"))

    def pair(value):
        return lambda size: f"{value(size, 'ours'):.0f} / {value(size, 'tantivy'):.0f}"

    def build(size: dict) -> str:
        built = size["manifest"]["build"]
        return f"{built['articles_per_s']:.0f} / {built['articles_per_cpu_s']:.1f} ({built['date'][:10]})"

    def rate(size: dict, per: str) -> float:
        return size["manifest"]["build"][per]

    same_run = len({size["manifest"]["build"]["run"] for size in sizes}) == 1
    rows = [
        row("articles", lambda size: f"{size['manifest']['articles']:,}"),
        row("search p50 / p95 ms, ours", ms("ours"), f"p95 {ratio(last['ours']['p95_ms'], first['ours']['p95_ms'])}"),
        row("search p50 / p95 ms, tantivy", ms("tantivy"),
            f"p95 {ratio(last['tantivy']['p95_ms'], first['tantivy']['p95_ms'])}"),
        row("**p95 ours / tantivy**", lambda size: f"**{ratio(size['ours']['p95_ms'], size['tantivy']['p95_ms'])}**"),
        *([row(f"search p50 / p95 ms, previous code ({result['baseline']})", ms("baseline"),
               f"p95 {ratio(last['baseline']['p95_ms'], first['baseline']['p95_ms'])}"),
           row("**p95 ours / previous code**",
               lambda size: f"**{ratio(size['ours']['p95_ms'], size['baseline']['p95_ms'])}**"),
           row("import + open + first query s, previous code", seconds("baseline")),
           row("RSS after the mix MB, previous code", lambda size: f"{size['baseline']['rss_mb']:.0f}")]
          if result.get("baseline") else []),
        row("median hits, ours / tantivy", pair(lambda size, engine: size[engine]["median_hits"])),
        row("import + open + first query s, ours", seconds("ours")),
        row("import + open + first query s, tantivy", seconds("tantivy")),
        row("RSS after the mix MB, ours", lambda size: f"{size['ours']['rss_mb']:.0f}",
            ratio(last["ours"]["rss_mb"], first["ours"]["rss_mb"])),
        row("RSS after the mix MB, tantivy", lambda size: f"{size['tantivy']['rss_mb']:.0f}"),
        row("index on disk MB, ours / tantivy", pair(lambda size, engine: size[engine]["bytes"] / 2**20)),
        row("full build articles per s / per CPU-s, ours (date)", build,
            f"{ratio(rate(last, 'articles_per_s'), rate(first, 'articles_per_s'))} / "
            f"{ratio(rate(last, 'articles_per_cpu_s'), rate(first, 'articles_per_cpu_s'))}"
            f"{'' if same_run else ' (different runs)'}"),
        row("tantivy indexing articles/s", lambda size: f"{size['manifest']['tantivy']['articles_per_s']:.0f}"),
    ]
    header = "| | " + " | ".join(labels) + f" | {labels[-1]}/{labels[0]} |"
    return "\n".join([header, "|" + "---|" * (len(labels) + 2), *rows])


def builds(result: dict) -> str:
    """Where each build figure comes from: the run that built the index, not necessarily this one."""
    lines = []
    for label, size in result["sizes"].items():
        built = size["manifest"]["build"]
        lines.append(f"{label}: {built['indexed']:,} articles in {built['seconds']:.0f} s "
                     f"({built['cpu_seconds']:.0f} CPU-s with its workers) on {built['date']}, "
                     f"commit {built['commit']}, niceness {built['niceness']}, load {built['load']}")
    return "; ".join(lines)


# Issue 12's limits by size: p95 growth over x1's and RSS of one serving process (MB).
LIMITS = {"x10": (2.5, 500), "x50": (6.0, 1500)}


def targets(result: dict) -> str:
    """Issue 12's targets, as ratios of this run's figures, each at the size the issue sets it for."""
    sizes = result["sizes"]
    first = next(iter(sizes.values()))
    worst = max(size["ours"]["p95_ms"] / size["tantivy"]["p95_ms"] for size in sizes.values())
    opened = max(size["ours"]["open_s"] for size in sizes.values())
    first_query = max(size["ours"]["first_query_s"] for size in sizes.values())
    parts = [f"p95 ours/tantivy at most 5x at every size: {worst:.1f}x",
             f"searcher open at most 0.5 s: {opened:.2f} s (the first query after it: up to {first_query:.2f} s)"]
    for label, (growth_limit, rss_limit) in LIMITS.items():
        if label in sizes and label != next(iter(sizes)):
            size = sizes[label]
            growth = size["ours"]["p95_ms"] / first["ours"]["p95_ms"]
            # Per CPU-second: the large build runs at the lowest priority on a shared machine, so its wall
            # rate measures the other users as much as the indexer.
            build = size["manifest"]["build"]["articles_per_cpu_s"] / first["manifest"]["build"]["articles_per_cpu_s"]
            parts += [f"{label} p95 growth at most {growth_limit:g}x: {growth:.1f}x",
                      f"{label} RSS at most {rss_limit} MB: {size['ours']['rss_mb']:.0f} MB",
                      f"{label} build rate (per CPU-s) at least 90% of x1's: {build:.0%}"]
    return "; ".join(parts) + "."


def section(result: dict) -> str:
    """The `## Scale` body: the run's table, with its command, commit, machine and load."""
    from bench_search import QUERIES

    baseline = "" if not result.get("baseline") else f""" "Previous code" is commit {result['baseline']} \
(`--baseline`, a checkout of it) answering the same mix on the same indexes in the same run: it reads the \
generations' columns but not the files added since."""
    articles = {label: size["manifest"] for label, size in result["sizes"].items()}
    corpus = ", ".join(f"{label} {m['articles']:,} articles ({m['distinct_bodies']:,} distinct bodies)"
                       for label, m in articles.items())
    parts = [f"""Corpus: Reuters-21578 copied N times, copy 0 as it is and each other copy's sentences shuffled \
(seeded), ids unique per copy: {corpus}. Each engine runs in a fresh process per size: import, open, a first \
query, then the {QUERIES}-query mix of `bench_search.py` (drawn once from x1, the same queries at every size) \
once to warm up and once timed, then its RSS; {result['rounds']} rounds, engines alternating which goes first, \
the round with the lower p95 kept. Ours: the full `Searcher.search` (page of 10, four facets of 10 values, date \
counts, snippets, story collapse). Tantivy (`{result['tantivy']}`): every word required, title x2, top 10 with \
stored fields, terms aggregations of 10 values for the same four facet fields, a month histogram of dates, \
SnippetGenerator snippets of the 10 bodies; it indexes our stored title, body and facet values (no extraction)."""]
    parts.append(f"""`{result['command']}` at commit {result['commit']}, {result['date']}, on {result['machine']}; \
load average (1/5/15 min) {result['load'][0]} at start, {result['load'][1]} at end.{baseline}

{table(result)}

Targets (issue 12): {targets(result)}

Builds: {builds(result)}.""")
    rates = result.get("build_rates")
    if rates:
        ours, before = rates["ours"], rates["baseline"]
        parts.append(f"""Build rate beside the previous code ({result['baseline']}): full builds of x1's first \
{rates['articles']:,} articles, each code in turn in a fresh process (2 workers), the faster of {result['rounds']} \
kept: ours {ours['per_cpu_s']:.1f} articles per CPU-second ({ours['per_s']:.0f}/s), previous \
{before['per_cpu_s']:.1f} ({before['per_s']:.0f}/s): **{ours['per_cpu_s'] / before['per_cpu_s']:.2f}x** per \
CPU-second (target 1.5x); load {rates['load']} after.""")
    parts.append("Indexes are built once (the large one under `nice -n 19`) into `var/bench/scale-xN/` and reused: "
                 "`--reuse` keeps an index whose corpus hash matches its manifest, and its build rate is the one "
                 "recorded by the run that built it, with that run's date (above).")
    if "x50" not in result["sizes"]:
        labels = list(result["sizes"])
        first, last = result["sizes"][labels[0]], result["sizes"][labels[-1]]
        million = 50 * first["manifest"]["articles"]
        hours = million / first["manifest"]["build"]["articles_per_cpu_s"] / 3600
        disk = last["ours"]["bytes"] / last["manifest"]["articles"] * million / 2**30
        parts.append(f"""`--million` (x50, {million:,} articles) was not run: at {labels[0]}'s build rate per \
CPU-second it is a build of about {hours:.1f} CPU-hours ({hours / (os.cpu_count() or 1):.1f} hours on this machine's \
{os.cpu_count()} cores when idle) and about {disk:.1f} GB of our index (at {labels[-1]}'s bytes per article), plus \
tantivy's; run it with `nice -n 19 python benchmarks/bench_scale.py --million --reuse` on a quiet machine.""")
    return "\n\n".join(parts)


# ---------------------------------------------------------------- main


def read_results(path: Path) -> dict:
    """The kept figures of the last run; empty when none were kept yet (or only in an older layout)."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) and "sizes" in kept else {}


def copy_counts(text: str) -> tuple[int, ...]:
    """`--sizes 1,10` -> (1, 10); argparse turns the ValueError into a one-line usage error."""
    counts = tuple(int(part) for part in text.split(","))
    if not counts or min(counts) < 1:
        raise ValueError(text)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-from", type=Path, help="Reuters-21578 .sgm folder (default ../shared/corpus/...)")
    parser.add_argument("--data", type=Path, default=DATA, help="where the scale-xN folders live (default var/bench)")
    parser.add_argument("--reuse", action="store_true", help="keep indexes built from the same corpus")
    parser.add_argument("--million", action="store_true", help="also x50 (about a million articles)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ARTICLES} stories, x1 and x2: a smoke run")
    parser.add_argument("--build-only", action="store_true", help="build the corpora and indexes, measure nothing")
    parser.add_argument("--sizes", type=copy_counts, help="copy counts, e.g. 10 (default 1,10; with --million "
                        "1,10,50; with --quick 1,2): build the large one in its own `nice -n 19` run")
    parser.add_argument("--rounds", type=int, default=2, help="fresh processes per engine and size (best p95 kept)")
    parser.add_argument("--report-only", action="store_true",
                        help="write the section from the kept figures (var/bench/scale-results.json), measure nothing")
    parser.add_argument("--no-write", action="store_true", help="print figures, leave docs/BENCHMARKS.md alone")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="also measure an earlier commit's search on the same indexes (e.g. a git worktree)")
    parser.add_argument("--build-rate", type=int, metavar="N", help="with --baseline: also build x1's first N "
                        "articles with both codes (full builds, alternating) and compare articles per CPU-second")
    parser.add_argument("--probe", nargs=3, metavar=("ENGINE", "INDEX", "MIX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.probe:
        engine, index_dir, mix_file = args.probe
        print(json.dumps(probe(engine, Path(index_dir), Path(mix_file))))
        return 0
    prefix = "scale-quick-" if args.quick else "scale-"
    results_file = args.data / f"{prefix}results.json"
    if args.report_only:
        results = read_results(results_file)
        if not results:
            print(f"bench_scale: no figures in {results_file}: run the benchmark first", file=sys.stderr)
            return 1
        publish(TITLE, section(results), write=not args.no_write)
        return 0
    from reuters import DEFAULT_SGML

    args.build_from = args.build_from or DEFAULT_SGML
    if not args.build_from.is_dir():
        print(f"bench_scale: no Reuters-21578 at {args.build_from}", file=sys.stderr)
        return 1
    limit = QUICK_ARTICLES if args.quick else None
    factors = args.sizes or ((1, 2) if args.quick else (1, 10, 50) if args.million else (1, 10))
    run = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    load_start = load_average()
    args.data.mkdir(parents=True, exist_ok=True)
    records = source_records(args.build_from, limit)
    sizes = {f"x{factor}": Size(f"x{factor}", args.data / f"{prefix}x{factor}") for factor in factors}
    manifests = {label: prepare(size, records, factor, args.reuse, run)
                 for factor, (label, size) in zip(factors, sizes.items(), strict=True)}
    if args.build_only:
        for label, manifest in manifests.items():
            print(f"{label}: {json.dumps(manifest)}")
        return 0

    from index.columns import write_columns

    for size in sizes.values():  # what an index built before them lacks (columns, postings): written once
        write_columns(current_generation(size.index))
    mix_file = args.data / f"{prefix}mix.json"
    draw_mix(next(iter(sizes.values())).index, mix_file)
    figures = {}
    for label, size in sizes.items():
        live = current_generation(size.index)
        assert live is not None
        where = {"ours": size.index, "tantivy": size.tantivy, **({"baseline": size.index} if args.baseline else {})}
        rounds: dict[str, list[dict]] = {engine: [] for engine in where}
        for number in range(args.rounds):
            # Alternate which engine goes first, so neither always meets the same moment of the machine's load.
            for engine in list(where)[:: 1 if number % 2 == 0 else -1]:
                rounds[engine].append(measure(engine, where[engine], mix_file, args.baseline))
        figures[label] = {engine: {**min(done, key=lambda r: r["p95_ms"]), "bytes": directory_bytes(
            size.tantivy if engine == "tantivy" else live)} for engine, done in rounds.items()}
        figures[label]["manifest"] = size.manifest()
        print(f"{label}: {json.dumps(figures[label])}", file=sys.stderr)
    rates = None
    if args.build_rate and args.baseline:
        rates = build_rates(next(iter(sizes.values())).corpus, args.build_rate, args.baseline, args.rounds)
        print(f"build rate: {json.dumps(rates)}", file=sys.stderr)
    import tantivy

    results = {"build_rates": rates, "run": run, "commit": commit(),
               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "machine": machine(), "load": [load_start, load_average()],
               "tantivy": getattr(tantivy, "__version__", "?"), "rounds": args.rounds,
               "baseline": git("-C", str(args.baseline), "log", "-1", "--format=%h") if args.baseline else None,
               "command": " ".join(["python benchmarks/bench_scale.py", *sys.argv[1:]]), "sizes": figures}
    results_file.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    publish(TITLE, section(results), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
