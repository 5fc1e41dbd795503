"""The load benchmark in short form (issue 5, "Load"): concurrent clients, zero errors.

`benchmarks/load.py` drives the real server with 50 clients for 60 s over Reuters and
reports latency; here the same client code runs 10 clients for 5 s over a small index,
and the only assertion is the one that must hold on any machine: nothing failed.
"""
from __future__ import annotations

import sys

from index.build import build_index
from hostile import REPO_ROOT, TRACEBACK, Server, write_served_corpus

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from load import run_load  # noqa: E402


def test_ten_clients_for_five_seconds_get_no_errors(tmp_path):
    corpus = write_served_corpus(tmp_path / "corpus", count=80)
    build_index([corpus], tmp_path / "index", workers=1)
    with Server(tmp_path / "index") as server:
        result = run_load(server.port, clients=10, seconds=5)
        log = server.log()
    assert result.errors == [], result.errors[:10]
    assert result.requests > 50, result.requests  # the clients really ran
    assert len(result.latencies) >= 6, sorted(result.latencies)  # most kinds of request were sent
    assert TRACEBACK not in log, log[-3000:]
