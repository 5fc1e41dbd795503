"""Work stops when the client hangs up (issue 13), end to end: `newsfacets serve`, a real socket, its CPU clock.

An expensive search is sent over a raw socket; once the worker has spent some CPU on it,
the test closes the socket. Waitress sees the hang-up (`channel_request_lookahead`), the
request's deadline polls `waitress.client_disconnected` inside the engine's loops
(`web.limits`, `search.budget`), and the search stops. The proof is the worker's own
CPU time from /proc: a request abandoned early costs it a fraction of what the same
request costs when its client waits for the answer. The time budget is set far above the
request's cost, so only the hang-up can stop it.
"""
from __future__ import annotations

import json
import os
import random
import socket
import time
from pathlib import Path

import pytest
from search_support import made_up_word
from test_serve_process import ServeProcess

from index.build import build_index

PREFIXES = ("kel", "mor", "tav", "pud")
WORDS_PER_PREFIX = 260
ARTICLES = 2000
# Words of each article from the vocabulary: enough that highlighting a page of hits is most of the request's
# cost, now that its postings are mapped arrays (`index.postings`), so the cost is one a hang-up can cut short.
WORDS_PER_ARTICLE = 600
ROUNDS = 4
# A costly search on this index: 256 wildcard expansions, a page of 100 highlighted hits.
TARGET = "/search?q=kel%2A+OR+mor%2A+OR+tav%2A+OR+pud%2A&per_page=100"
HANG_UP_AFTER_CPU = 0.02  # seconds of worker CPU on the request before the client goes
SETTLED_SECONDS = 0.5  # the worker is idle once its CPU clock has not moved for this long


@pytest.fixture(scope="module")
def costly_index(tmp_path_factory) -> Path:
    """ARTICLES generated articles, each of WORDS_PER_ARTICLE drawn from 1,040 made-up words under four prefixes."""
    root = tmp_path_factory.mktemp("disconnect")
    rng = random.Random(13)
    vocabulary = [made_up_word(prefix, n) for prefix in PREFIXES for n in range(WORDS_PER_PREFIX)]
    with open(root / "articles.jsonl", "w", encoding="utf-8") as handle:
        for number in range(ARTICLES):
            body = "The common report said " + " ".join(rng.choices(vocabulary, k=WORDS_PER_ARTICLE)) + "."
            handle.write(json.dumps({"id": f"a{number}", "title": f"Report {number}", "body": body,
                                     "date": "2020-01-01", "source": "Wire"}) + "\n")
    build_index([root / "articles.jsonl"], root / "index", workers=1)
    return root / "index"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _settled(pid: int) -> float:
    """The worker's CPU time once it has stopped working (bounded wait)."""
    last, since = _cpu_seconds(pid), time.monotonic()
    deadline = since + 30
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = _cpu_seconds(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= SETTLED_SECONDS:
            break
    return last


def _send(port: int) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=60)
    connection.sendall(f"GET {TARGET} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return connection


def _answered(port: int) -> int:
    """The status of the answer, read to its end."""
    with _send(port) as connection, connection.makefile("rb") as answer:
        status = int(answer.readline().split()[1])
        length = 0
        for line in iter(answer.readline, b"\r\n"):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        answer.read(length)
    return status


def test_a_search_stops_when_its_client_hangs_up(costly_index):
    with ServeProcess("--index", str(costly_index), "--workers", "1",
                      env={"NEWSFACETS_TIME_BUDGET": "60"}) as server:
        assert server.process is not None
        worker = server.process.pid  # one worker: `serve` serves in its own process
        _answered(server.port)  # warm: the generation, the vocabulary, the caches

        waited = []
        for _ in range(ROUNDS):
            before = _settled(worker)
            assert _answered(server.port) == 200
            waited.append(_settled(worker) - before)

        abandoned = []
        for _ in range(ROUNDS):
            before = _settled(worker)
            connection = _send(server.port)
            while _cpu_seconds(worker) - before < HANG_UP_AFTER_CPU:
                time.sleep(0.002)
            connection.close()
            abandoned.append(_settled(worker) - before)

        # The same search, abandoned once it had begun, cost the worker well under half as much.
        assert sum(abandoned) < 0.5 * sum(waited), (waited, abandoned)
        assert "Traceback" not in server.log()
