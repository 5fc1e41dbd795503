"""The server under faults (issue 5): a rebuild while it serves, and a missing or damaged index.

All through the real `newsfacets serve` process over HTTP. During a rebuild every
answer must come from one complete index, the old or the new, with no failed request;
afterwards the new index is served without a restart. Without a readable index the API
answers 503 JSON and the pages a clear 503 page; nothing crashes, nothing leaks a traceback.
"""
from __future__ import annotations

import os
import threading
import time
from collections import Counter

import pytest
import requests
from hostile import TRACEBACK, Server, end_session, start_newsfacets, write_old_and_new_corpora

from index import store
from index.build import build_index

OLD, NEW = "alphaserve", "betaserve"
OLD_COUNT, NEW_COUNT = 120, 700
TIMEOUT = 10


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    return write_old_and_new_corpora(tmp_path_factory.mktemp("serving"), (OLD, OLD_COUNT), (NEW, NEW_COUNT), seed=11)


def test_rebuild_while_serving_answers_every_request_from_one_complete_index(tmp_path, corpora):
    old, new = corpora
    index_dir = tmp_path / "index"
    build_index([old], index_dir, workers=1)
    stop = threading.Event()
    failures: list[str] = []
    seen: Counter = Counter()
    lock = threading.Lock()

    def client(kind: str) -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                if kind == "api":
                    response = session.get(f"{server.url}/api/search", params={"q": "report"}, timeout=TIMEOUT)
                    if response.status_code != 200:
                        raise AssertionError(f"api {response.status_code}: {response.text[:200]}")
                    data = response.json()
                    markers = {hit["id"].split("-")[0] for hit in data["hits"]}
                    with lock:
                        seen[("api", data["total"], tuple(sorted(markers)))] += 1
                elif kind == "browse":
                    response = session.get(f"{server.url}/api/search", params={"per_page": 5}, timeout=TIMEOUT)
                    if response.status_code != 200:
                        raise AssertionError(f"browse {response.status_code}: {response.text[:200]}")
                    with lock:
                        seen[("browse", response.json()["total"], ())] += 1
                else:
                    response = session.get(f"{server.url}/search", params={"q": "report"}, timeout=TIMEOUT)
                    if response.status_code != 200 or TRACEBACK in response.text:
                        raise AssertionError(f"html {response.status_code}: {response.text[:200]}")
                    with lock:
                        seen[("html", OLD if OLD in response.text else NEW if NEW in response.text else "?", ())] += 1
            except Exception as error:  # noqa: BLE001 - every failure is recorded, none may happen
                with lock:
                    failures.append(f"{kind}: {error}")

    with Server(index_dir) as server:
        threads = [threading.Thread(target=client, args=(kind,)) for kind in ("api", "browse", "html", "api")]
        for thread in threads:
            thread.start()
        try:
            time.sleep(1.0)
            indexer = start_newsfacets("index", str(new), "--index", str(index_dir), "--workers", "2")
            try:
                _, stderr = indexer.communicate(timeout=180)
            finally:
                end_session(indexer)
            assert indexer.returncode == 0, stderr.decode()
            # The new index is served without a restart, within a short while.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with lock:
                    if any(key[0] == "browse" and key[1] == NEW_COUNT for key in seen):
                        break
                time.sleep(0.1)
            time.sleep(0.5)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
        log = server.log()

    assert not failures, failures[:5]
    totals = {key[1] for key in seen if key[0] == "browse"}
    assert totals <= {OLD_COUNT, NEW_COUNT}, seen
    assert NEW_COUNT in totals and OLD_COUNT in totals, seen
    for kind, total, markers in seen:
        if kind == "api":
            assert (total, markers) in {(OLD_COUNT, (OLD,)), (NEW_COUNT, (NEW,))}, (total, markers)
    assert {key[1] for key in seen if key[0] == "html"} <= {OLD, NEW}
    assert sum(seen.values()) > 20, seen
    assert TRACEBACK not in log, log[-3000:]


def _assert_unavailable(server: Server, expect: str) -> None:
    for path in ("/api/search?q=report", "/api/articles/alphaserve-1", "/api/facets/source"):
        response = requests.get(server.url + path, timeout=TIMEOUT)
        assert response.status_code == 503, (path, response.status_code, response.text[:300])
        assert response.headers["Content-Type"].startswith("application/json")
        assert expect in response.json()["error"].lower()
    for path in ("/", "/search?q=report", "/articles/alphaserve-1"):
        response = requests.get(server.url + path, timeout=TIMEOUT)
        assert response.status_code == 503, (path, response.status_code)
        assert response.headers["Content-Type"].startswith("text/html")
        assert expect in response.text.lower()
        assert TRACEBACK not in response.text and "Exception" not in response.text


def test_missing_index_is_a_503_then_served_once_built(tmp_path, corpora):
    old, _ = corpora
    index_dir = tmp_path / "index"
    with Server(index_dir) as server:
        _assert_unavailable(server, "not been built")
        build_index([old], index_dir, workers=1)
        response = requests.get(server.url + "/api/search", timeout=TIMEOUT)
        assert response.status_code == 200
        assert response.json()["total"] == OLD_COUNT
        log = server.log()
    assert TRACEBACK not in log, log[-3000:]


def _damage(index_dir, how: str) -> None:
    generation = store.current_generation(index_dir)
    if how == "current-garbage":
        (index_dir / store.CURRENT).write_bytes(b"\xff\x00garbage")
    elif how == "current-missing-generation":
        (index_dir / store.CURRENT).write_text("gen-20990101T000000-000000\n")
    elif how == "current-dotdot":
        (index_dir / store.CURRENT).write_text("../../etc\n")
    elif how == "toc-truncated":
        for path in generation.glob("*.toc"):
            os.truncate(path, path.stat().st_size // 2)
    elif how == "segments-garbage":
        for path in generation.iterdir():
            if path.suffix != ".toc":
                path.write_bytes(os.urandom(max(path.stat().st_size, 64)))
    elif how == "segments-truncated":
        for path in generation.iterdir():
            if path.suffix != ".toc":
                os.truncate(path, path.stat().st_size // 3)
    elif how == "generation-deleted":
        for path in generation.iterdir():
            path.unlink()
    else:
        raise ValueError(how)


DAMAGES = ["current-garbage", "current-missing-generation", "current-dotdot", "toc-truncated",
           "segments-garbage", "segments-truncated", "generation-deleted"]


@pytest.mark.parametrize("how", DAMAGES)
def test_damaged_index_is_a_503_not_a_crash(tmp_path, corpora, how):
    old, _ = corpora
    index_dir = tmp_path / "index"
    build_index([old], index_dir, workers=1)
    _damage(index_dir, how)
    with Server(index_dir) as server:
        _assert_unavailable(server, "unreadable")
        # Rebuilt in place, the index is served again without a restart.
        build_index([old], index_dir, workers=1)
        assert requests.get(server.url + "/api/search", timeout=TIMEOUT).status_code == 200
        log = server.log()
    assert TRACEBACK not in log, log[-3000:]


@pytest.mark.parametrize("how", ["current-garbage", "segments-garbage"])
def test_index_damaged_while_serving_never_gives_a_5xx_other_than_503(tmp_path, corpora, how):
    """Damage under a running server: it may keep answering from what it has open, or say 503."""
    old, _ = corpora
    index_dir = tmp_path / "index"
    build_index([old], index_dir, workers=1)
    with Server(index_dir) as server:
        assert requests.get(server.url + "/api/search?q=report", timeout=TIMEOUT).status_code == 200
        _damage(index_dir, how)
        for path in ("/api/search?q=report", "/api/search?q=water&page=2", "/search?q=treaty",
                     "/api/articles/alphaserve-3"):
            response = requests.get(server.url + path, timeout=TIMEOUT)
            assert response.status_code in {200, 503}, (path, response.status_code, response.text[:300],
                                                        server.log()[-2500:])
            assert TRACEBACK not in response.text
        log = server.log()
    assert TRACEBACK not in log, log[-3000:]
