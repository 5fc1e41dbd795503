#!/usr/bin/env python3
"""Hostile requests against the real server: what each costs alone, and what an attack does to everyone else.

    python benchmarks/bench_hostile.py [--index DIR] [--clients 20] [--seconds 30] [--runs 2] [--no-write]

Starts `newsfacets serve` (one worker per core) on a free 127.0.0.1 port over the
Reuters-21578 index (built once into `var/bench/reuters-index` unless `--index` names
one). Only loopback is ever contacted, every loop is bounded in count and time, and
the run stops by itself.

1. Each request of `HOSTILE` (the worst finds of issue 13's probe, and ours) is sent
   alone; the server's CPU time for it (all its processes, from /proc) and its answer
   are recorded. Target: no request inside the limits costs more than 2 s of CPU.
2. A `POST` announcing a 1 GiB body, of which 1 KiB is sent: how fast the refusal comes.
3. `--clients` threads send the hostile requests back to back for `--seconds` while one
   normal client searches plain words and measures its latency. Targets: the normal
   client's p99 under 1 s and no failure; each worker's memory within 1.5x of idle.
   The attack is run `--runs` times on the same server, each with the machine's load
   average (/proc/loadavg) before and after it: on a machine shared with other work the
   figures move with that load, and one run alone says little.

Figures go to the `## Hostile requests` section of docs/RELIABILITY.md. `--quick`
(used by the test suite on a small index) makes the attack short and writes nothing.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import string
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from load import HOST, process_cpu_seconds, serving  # noqa: E402
from report import machine, write_section  # noqa: E402

RELIABILITY_MD = REPO / "docs" / "RELIABILITY.md"
REQUEST_TIMEOUT = 30.0
ONE_GIB = 1 << 30


def _search(q: str, **extra: object) -> str:
    return "/api/search?" + urlencode({"q": q, **extra})


_LETTERS = string.ascii_lowercase + "012345"
# (name, path): each inside the documented limits, or refused by them with a 400.
HOSTILE = [
    ("32 one-character wildcards", _search(" OR ".join(c + "*" for c in _LETTERS))),
    ("21 wildcards, per_page=100", _search(" OR ".join(c + "*" for c in _LETTERS[:21]), per_page=100)),
    ("32 wildcards, HTML page", "/search?" + urlencode({"q": " OR ".join(c + "*" for c in _LETTERS)})),
    ("8 wildcards, all required", _search(" ".join(c + "*" for c in "abcdefgh"))),
    ("499-word phrase of 'a'", _search('"' + " ".join(["a"] * 499) + '"')),
    ("'the' x 249 phrase", _search('"' + " ".join(["the"] * 249) + '"')),
    ("12 x 'said' phrase", _search('"' + " ".join(["said"] * 12) + '"')),
    ("10 phrases of 6 common words", _search(" ".join(
        f'"said {w} said {w} said {w}"' for w in ("the", "it", "would", "in", "to", "of", "a", "and", "for", "on")))),
    ("20 fuzzy words", _search(" ".join(w + "~2" for w in (
        "oill pricse markt compny bankk tradde dollr stcok yeer monht goverment minstry reprt exprt imprt "
        "shars profitt lossse ratse inflaton").split()))),
    ("26 facet wildcards", _search(" OR ".join(f"actor:{c}*" for c in string.ascii_lowercase))),
    ("30 misspelt words (fuzzy retry)", _search(" ".join(
        ("oill pricse markt compny bankk tradde dollr stcok yeer monht goverment minstry reprt exprt imprt "
         "shars profitt lossse ratse inflaton zqxw vbnm plok ijuh ygtf rdes wsaq mnbv cxzl kjhg").split()))),
]
# Article page with the wildcard query: its highlighting once cost 16.7 s.
ARTICLE_ATTACK = ("article page, 32 wildcards", " OR ".join(c + "*" for c in _LETTERS))
NORMAL = ["oil prices", "trade deficit", "interest rates", "crude oil", "bank of japan", "coffee", "wheat exports",
          "dollar", "merger talks", "opec"]


@dataclass
class Alone:
    name: str
    status: int
    cpu: float
    wall: float


@dataclass
class Attack:
    clients: int
    seconds: float
    normal: list[float] = field(default_factory=list)
    normal_failures: list[str] = field(default_factory=list)
    hostile: Counter = field(default_factory=Counter)
    closed: int = 0  # hostile answers after which the server closed the connection (503s from waitress's door)
    load: tuple[str, str] = ("", "")  # /proc/loadavg's 1-minute figure before and after
    idle_rss: dict[int, int] = field(default_factory=dict)
    peak_rss: dict[int, int] = field(default_factory=dict)
    after: list[float] = field(default_factory=list)

    def percentile(self, values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _get(connection: http.client.HTTPConnection, path: str) -> int:
    return _answer(connection, path)[0]


def _answer(connection: http.client.HTTPConnection, path: str) -> tuple[int, bool]:
    """(status, whether the server closed the connection after it)."""
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    if response.will_close:
        connection.close()
    return response.status, response.will_close


def load_average() -> str:
    """The machine's 1-minute load average, as /proc/loadavg says it ('?' where there is none)."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except (OSError, IndexError):
        return "?"


def _workers(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def _rss(pid: int) -> int:
    """Resident memory of a process in bytes (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _article_id(port: int) -> str:
    """Any article's id (the newest), for the article-page attack."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    connection.request("GET", _search("", per_page=1))
    return json.loads(connection.getresponse().read())["hits"][0]["id"]


def time_alone(port: int, pid: int, requests: list[tuple[str, str]]) -> list[Alone]:
    """Each request alone, with the server's CPU seconds for it."""
    results = []
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    for name, path in requests:
        _get(connection, _search("warm", per_page=1))
        cpu = process_cpu_seconds(pid)
        began = time.perf_counter()
        status = _get(connection, path)
        wall = time.perf_counter() - began
        time.sleep(0.2)  # let the accounting catch up
        results.append(Alone(name, status, process_cpu_seconds(pid) - cpu, wall))
    connection.close()
    return results


def huge_body(port: int) -> tuple[int, float]:
    """(status, seconds) of a POST that announces 1 GiB and sends 1 KiB."""
    began = time.perf_counter()
    with socket.create_connection((HOST, port), timeout=REQUEST_TIMEOUT) as raw:
        raw.sendall(f"POST /api/search HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: {ONE_GIB}\r\n\r\n".encode()
                    + b"x" * 1024)
        answer = raw.recv(4096).decode("latin-1")
    status = int(answer.split()[1]) if answer.startswith("HTTP/") else 0
    return status, time.perf_counter() - began


def attack(port: int, pid: int, requests: list[tuple[str, str]], clients: int, seconds: float) -> Attack:
    """`clients` hostile threads for `seconds`, one normal client measuring; then the normal client alone."""
    result = Attack(clients, seconds)
    load_before = load_average()
    workers = _workers(pid)
    result.idle_rss = {worker: _rss(worker) for worker in workers}
    result.peak_rss = dict(result.idle_rss)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def hostile(number: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        position = number
        while time.monotonic() < stop_at:
            _, path = requests[position % len(requests)]
            position += 1
            closed = False
            try:
                code, closed = _answer(connection, path)
                status = str(code)
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                connection.close()
            with lock:
                result.hostile[status] += 1
                result.closed += closed
        connection.close()

    def normal(until: float, into: list[float]) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        position = 0
        while time.monotonic() < until:
            path = _search(NORMAL[position % len(NORMAL)])
            position += 1
            began = time.perf_counter()
            try:
                status = _get(connection, path)
                if status == 200:
                    into.append(time.perf_counter() - began)
                else:
                    result.normal_failures.append(f"{status} {path}")
            except (OSError, http.client.HTTPException) as error:
                result.normal_failures.append(f"{type(error).__name__} {path}")
                connection.close()
            time.sleep(0.05)  # a person, not a flood
        connection.close()

    threads = [threading.Thread(target=hostile, args=(n,), daemon=True) for n in range(clients)]
    threads.append(threading.Thread(target=normal, args=(stop_at, result.normal), daemon=True))
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads) and time.monotonic() < stop_at + REQUEST_TIMEOUT + 5:
        for worker in workers:
            result.peak_rss[worker] = max(result.peak_rss.get(worker, 0), _rss(worker))
        time.sleep(0.25)
    result.load = (load_before, load_average())
    normal(time.monotonic() + min(5.0, seconds), result.after)
    return result


def _attack_row(number: int, result: Attack, idle: dict[int, int]) -> str:
    """One run's line; memory is each worker's peak over `idle`, its size before the first run."""
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(result.hostile.items()))
    growth = max((result.peak_rss.get(w, 0) / max(size, 1) for w, size in idle.items()), default=0.0)
    return (f"| {number} | {result.load[0]} -> {result.load[1]} | {statuses} ({result.closed} at the door) "
            f"| {len(result.normal)} | **{result.percentile(result.normal, 0.5):.0f}** "
            f"| **{result.percentile(result.normal, 0.99):.0f}** | {len(result.normal_failures)} "
            f"| {result.percentile(result.after, 0.5):.0f} / {result.percentile(result.after, 0.99):.0f} "
            f"| x{growth:.2f} |")


def report(alone: list[Alone], body: tuple[int, float], attacks: list[Attack], documents: str) -> str:
    rows = "\n".join(f"| {a.name} | {a.status} | {a.cpu:.2f} | {a.wall * 1000:.0f} |" for a in alone)
    worst = max(alone, key=lambda a: a.cpu)
    first = attacks[0]
    runs = "\n".join(_attack_row(n, result, first.idle_rss) for n, result in enumerate(attacks, start=1))
    failures = sorted({failure for result in attacks for failure in result.normal_failures})
    p99s = [result.percentile(result.normal, 0.99) for result in attacks]
    command = (f"python benchmarks/bench_hostile.py --clients {first.clients} --seconds {first.seconds:.0f} "
               f"--runs {len(attacks)}")
    return f"""`{command}` on {machine()}.

`newsfacets serve` (one worker per core, defaults: 2 s CPU budget per request, one expensive-query
slot per two cores shared by the workers, none waiting) over {documents}, driven over loopback from the same machine.

Each request alone (server CPU from /proc, all processes; 400 = refused by the query limits before any work):

| Request | Status | CPU s | Wall ms |
|---|---|---|---|
{rows}

- Most expensive alone: **{worst.cpu:.2f} s CPU** ({worst.name}); target under 2 s.
- `POST` announcing a 1 GiB body: answered **{body[0]}** after {body[1] * 1000:.0f} ms, with 1 KiB sent
  (nothing spooled).

Attacks: {first.clients} clients sending the requests above back to back for {first.seconds:.0f} s, one normal
client beside them (plain searches, one every 50 ms); each run on the same server, with the machine's 1-minute load
average before and after it ({os.cpu_count()} is every core busy; above that, other work waited for the CPU too).
"At the door": 503s written by waitress without the app (`web.dispatch`). Latencies in ms; memory is the largest
worker's peak over its size before the first run. Targets: p99 under 1 s, no failure, memory within x1.5.

| Run | Load average | Hostile answers | Normal answered | p50 | p99 | Failed | 5 s after: p50 / p99 | Memory |
|---|---|---|---|---|---|---|---|---|
{runs}

- Normal client's p99 under attack: **{max(p99s):.0f} ms** at worst over {len(attacks)} run(s); normal client
  failures **{sum(len(result.normal_failures) for result in attacks)}** in all runs.
{"- Normal client's failures: " + "; ".join(failures[:5]) if failures else ""}
"""


def main() -> int:
    from reuters import DEFAULT_INDEX, DEFAULT_SGML, ensure_index

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=2, help="attacks, one after the other on the same server")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a 5-second attack by 6 clients; writes nothing")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.seconds, args.runs, args.no_write = min(args.clients, 6), min(args.seconds, 5.0), 1, True
    index_dir = args.index or DEFAULT_INDEX
    if args.index is None and not ensure_index(index_dir, DEFAULT_SGML, "hostile"):
        return 2
    with serving(index_dir) as (port, pid):
        for path in [_search(q) for q in NORMAL] * 2:  # the caches a running server has
            _get(http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT), path)
        time.sleep(2)
        article = f"/articles/{quote(_article_id(port))}?" + urlencode({"q": ARTICLE_ATTACK[1]})
        requests = [*HOSTILE, (ARTICLE_ATTACK[0], article)]
        alone = time_alone(port, pid, requests)
        body = huge_body(port)
        attacks = [attack(port, pid, requests, args.clients, args.seconds) for _ in range(max(1, args.runs))]
        documents = "the Reuters-21578 index" if args.index is None else f"the index at {index_dir}"
        text = report(alone, body, attacks, documents)
    print(text)
    if not args.no_write:
        write_section("Hostile requests", text, RELIABILITY_MD)
    failed = any(result.normal_failures for result in attacks) or body[0] != 413 \
        or any(a.status not in (200, 400, 503) for a in alone) \
        or any(status not in ("200", "400", "503") for result in attacks for status in result.hostile)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
