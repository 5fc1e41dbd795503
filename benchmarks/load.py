#!/usr/bin/env python3
"""Load test: many concurrent clients against the real server, on loopback, for a fixed time.

    python benchmarks/load.py [--clients 50] [--seconds 60] [--index DIR] [--no-write]

Starts `newsfacets serve` on a free 127.0.0.1 port over the Reuters-21578 index (built
once into `var/bench/reuters-index` by bench_search's builder unless `--index` names
one), then runs `--clients` threads, each with its own keep-alive connection, issuing
requests back to back until `--seconds` have passed; the run then stops by itself and
the server is stopped. Only loopback is ever contacted.

The mix is what a person using the UI causes, discovered from the index over the API
at start: one- and two-word searches with words from real titles, quoted phrases,
searches filtered by a facet value, later result pages, the HTML search page, article
views (JSON and HTML), and facet type-ahead. Throughput, p50/p95/p99 latency (overall
and per kind) and the error count (any non-200 answer, timeout or broken connection)
go to the `## Load` section of docs/BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from report import machine, publish  # noqa: E402

HOST = "127.0.0.1"  # loopback only, whatever the options say
REQUEST_TIMEOUT = 30.0
FACETS = ("actor", "location", "country", "source")
# Share of each kind of request in the mix (sums to 1).
MIX = {
    "word": 0.25, "two words": 0.12, "phrase": 0.08, "filtered": 0.15, "next page": 0.05,
    "html search": 0.12, "article json": 0.06, "article html": 0.07, "type-ahead": 0.10,
}
_WORD = re.compile(r"[A-Za-z]{4,}")


@dataclass
class Vocabulary:
    """What the clients ask for, taken from the index through the API."""

    words: list[str]
    phrases: list[str]
    values: dict[str, list[str]]
    ids: list[str]


@dataclass
class LoadResult:
    clients: int
    seconds: float
    warmup: float = 0.0
    client_cpu: float = 0.0  # CPU seconds the load generator itself used while measuring
    server_cpu: float | None = None  # the same for the server process, when known
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(len(samples) for samples in self.latencies.values()) + len(self.errors)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentiles(self, kind: str | None = None) -> tuple[float, float, float]:
        """p50, p95, p99 in milliseconds, of one kind or of all requests."""
        samples = self.latencies[kind] if kind else [s for group in self.latencies.values() for s in group]
        if len(samples) < 2:
            return (samples[0] * 1000,) * 3 if samples else (0.0, 0.0, 0.0)
        cuts = statistics.quantiles(samples, n=100, method="inclusive")
        return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def _get_json(port: int, path: str) -> dict:
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
        return json.loads(body)
    finally:
        connection.close()


def discover(port: int, pages: int = 3) -> Vocabulary:
    """Words and phrases from real titles, facet values and ids, by browsing the index."""
    titles, ids = [], []
    for page in range(1, pages + 1):
        result = _get_json(port, "/api/search?" + urlencode({"per_page": 100, "page": page, "facet_size": 1}))
        titles += [hit.get("title") or "" for hit in result["hits"]]
        ids += [hit["id"] for hit in result["hits"]]
    facets = _get_json(port, "/api/search?per_page=1&facet_size=30")["facets"]
    words, phrases = set(), set()
    for title in titles:
        tokens = [token.lower() for token in _WORD.findall(title)]
        words.update(tokens)
        phrases.update(f'"{a} {b}"' for a, b in zip(tokens, tokens[1:]))
    values = {name: [entry["value"] for entry in facets.get(name, [])] for name in FACETS}
    if not words or not ids:
        raise RuntimeError("the index looks empty: nothing to load-test with")
    return Vocabulary(sorted(words), sorted(phrases), values, ids)


def next_request(rng: random.Random, vocabulary: Vocabulary) -> tuple[str, str]:
    """(kind, path) of one request drawn from the mix."""
    kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    word = rng.choice(vocabulary.words)
    if kind == "word":
        return kind, "/api/search?" + urlencode({"q": word})
    if kind == "two words":
        return kind, "/api/search?" + urlencode({"q": f"{word} {rng.choice(vocabulary.words)}"})
    if kind == "phrase":
        return kind, "/api/search?" + urlencode({"q": rng.choice(vocabulary.phrases or vocabulary.words)})
    if kind == "filtered":
        facet = rng.choice([name for name in FACETS if vocabulary.values[name]] or ["q"])
        params = {"q": word if rng.random() < 0.5 else ""}
        if facet != "q":
            params[facet] = rng.choice(vocabulary.values[facet])
        return kind, "/api/search?" + urlencode(params)
    if kind == "next page":
        return kind, "/api/search?" + urlencode({"q": "", "page": rng.randint(2, 5), "sort": rng.choice(["newest", "oldest"])})
    if kind == "html search":
        return kind, "/search?" + urlencode({"q": word})
    if kind == "article json":
        return kind, "/api/articles/" + quote(rng.choice(vocabulary.ids), safe="/")
    if kind == "article html":
        return kind, "/articles/" + quote(rng.choice(vocabulary.ids), safe="/")
    facet = rng.choice(FACETS)
    source = vocabulary.values[facet] or vocabulary.words
    prefix = rng.choice(source)[: rng.randint(1, 3)]
    return kind, f"/api/facets/{facet}?" + urlencode({"prefix": prefix})


def run_load(port: int, *, clients: int, seconds: float, warmup: float = 0.0, seed: int = 5) -> LoadResult:
    """Drive the server on 127.0.0.1:`port` with `clients` threads for `seconds`; stops by itself.

    Requests in the first `warmup` seconds are sent but not counted: they pay for the
    caches a long-running server has already built (facet ordinals, vocabulary).
    """
    vocabulary = discover(port)
    result = LoadResult(clients, seconds, warmup)
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = counted_from = 0.0

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        samples: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        start.wait()
        while time.monotonic() < deadline:
            kind, path = next_request(rng, vocabulary)
            if time.monotonic() < counted_from:
                kind = "warm-up"
            began = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    samples[kind].append(time.perf_counter() - began)
                else:
                    errors.append(f"{response.status} GET {path}")
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                errors.append(f"{type(error).__name__} GET {path}: {error}")
                connection.close()
        connection.close()
        samples.pop("warm-up", None)
        with lock:
            for kind, values in samples.items():
                result.latencies[kind].extend(values)
            result.errors.extend(errors)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    counted_from = time.monotonic() + warmup
    deadline = counted_from + seconds
    start.wait()
    time.sleep(warmup)
    cpu_from = time.process_time()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT + 5)
    result.seconds = time.monotonic() - counted_from
    result.client_cpu = time.process_time() - cpu_from
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        result.errors.append(f"{stuck} clients still waiting for an answer at the hard stop")
    return result


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live children (the server's workers), from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children")
    child_pids = children.read_text().split() if children.exists() else []
    return own + sum(process_cpu_seconds(int(child)) for child in child_pids)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def serving(index_dir: Path) -> Iterator[tuple[int, int]]:
    """`newsfacets serve` over `index_dir` on a free loopback port; yields (port, pid)."""
    port = _free_port()
    command = [sys.executable, "-m", "newsfacets.cli", "serve", "--host", HOST, "--port", str(port), "--index", str(index_dir)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    # The log goes to a file, not a pipe: waitress warns about its task queue under load,
    # and a pipe nobody reads fills up and then blocks the server mid-run.
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited: {log.read().decode(errors='replace')[-2000:]}")
            try:
                _get_json(port, "/api/search?per_page=1")
                break
            except (OSError, RuntimeError):
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not answer within 30 s") from None
                time.sleep(0.2)
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def report(result: LoadResult, documents: int) -> str:
    p50, p95, p99 = result.percentiles()
    rows = "\n".join(
        f"| {kind} | {len(result.latencies[kind])} | " + " | ".join(f"{v:.0f}" for v in result.percentiles(kind)) + " |"
        for kind in MIX if result.latencies.get(kind)
    )
    errors = "\n".join(f"    {line}" for line in sorted(set(result.errors))[:10])
    server_cpu = f", server {result.server_cpu:.1f} s (warm-up included)" if result.server_cpu is not None else ""
    return f"""`python benchmarks/load.py --clients {result.clients} --seconds {result.seconds:.0f} --warmup {result.warmup:.0f}` on {machine()}.

`newsfacets serve` (waitress) over the Reuters-21578 index ({documents} articles), driven from
the same machine over loopback by {result.clients} clients, each a thread with a keep-alive
connection sending its next request as soon as the last is answered (closed loop, no
think time), after a {result.warmup:.0f} s warm-up that is not counted. So the figures are the
server's capacity while it shares the 2 cores with the load generator (and with whatever
else runs on the machine). Mix: {", ".join(f"{kind} {share:.0%}" for kind, share in MIX.items())}.

- Requests: {result.requests} in {result.seconds:.1f} s = **{result.throughput:.1f} requests/s**
- Latency: p50 **{p50:.0f} ms**, p95 **{p95:.0f} ms**, p99 **{p99:.0f} ms** (target p99 < 500 ms)
- Errors: **{len(result.errors)}** (target 0)
- CPU while measuring: load generator {result.client_cpu:.1f} s{server_cpu} of {result.seconds:.0f} s wall

| Kind | Requests | p50 ms | p95 ms | p99 ms |
|---|---|---|---|---|
{rows}
{("First errors:" + chr(10) + chr(10) + errors) if errors else ""}
"""


def main() -> int:
    from reuters import DEFAULT_INDEX, DEFAULT_SGML, ensure_index

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before measuring (default: 5)")
    parser.add_argument("--index", type=Path, default=None, help="an existing index (default: the Reuters-21578 bench index)")
    parser.add_argument("--build-from", type=Path, default=DEFAULT_SGML, help="Reuters-21578 .sgm folder")
    parser.add_argument("--no-write", action="store_true", help="print figures, leave docs/BENCHMARKS.md alone")
    args = parser.parse_args()
    if not 1 <= args.clients <= 500 or not 0 < args.seconds <= 600:
        print("load: --clients must be 1-500 and --seconds 0-600", file=sys.stderr)
        return 1
    index_dir = args.index or DEFAULT_INDEX
    if not ensure_index(index_dir, args.build_from, "load"):
        return 1
    with serving(index_dir) as (port, pid):
        documents = _get_json(port, "/api/search?per_page=1&facet_size=1")["total"]
        cpu_before = process_cpu_seconds(pid)
        result = run_load(port, clients=args.clients, seconds=args.seconds, warmup=args.warmup)
        result.server_cpu = process_cpu_seconds(pid) - cpu_before
    text = report(result, documents)
    publish("Load", text, write=not args.no_write)
    return 0 if not result.errors else 2


if __name__ == "__main__":
    sys.exit(main())
