"""Warming a new index generation before requests need it (`Searcher.warm`, `newsfacets serve`).

After a rebuild the first request in each server process used to open the new generation
and build its lengths and vocabulary. These tests check that `warm()` does that work once,
through the same cache as `search()`, that it is safe to run beside searches during a
rebuild, and that a running `newsfacets serve` opens a rebuilt index with no request.
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from hostile import Server
from index.build import build_index
from index.store import IndexMissing, current_generation
from search import Searcher

WORDS = "harbour council drought railway ceasefire budget election bridge convoy harvest".split()


def write_corpus(folder: Path, marker: str, count: int) -> Path:
    """`count` small articles whose ids start with `marker` and whose titles all say "report"."""
    folder.mkdir(parents=True, exist_ok=True)
    records = [
        {"id": f"{marker}-{n}", "title": f"{marker.capitalize()} report {n}", "source": "Test Wire",
         "date": f"2021-{1 + n % 12:02d}-{1 + n % 28:02d}",
         "body": f"The {WORDS[n % len(WORDS)]} report from {marker} was read out. "
                 f"Officials discussed the {WORDS[(n * 3) % len(WORDS)]} at length."}
        for n in range(count)
    ]
    (folder / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> dict[str, tuple[Path, int]]:
    base = tmp_path_factory.mktemp("warm")
    return {"alpha": (write_corpus(base / "alpha", "alpha", 6), 6),
            "beta": (write_corpus(base / "beta", "beta", 9), 9)}


def test_warm_opens_a_new_generation_once_and_search_then_uses_it(tmp_path, corpora):
    index_dir = tmp_path / "index"
    with Searcher(index_dir) as searcher:
        with pytest.raises(IndexMissing):
            searcher.warm()
        build_index([corpora["alpha"][0]], index_dir, workers=1)
        first = current_generation(index_dir)
        assert searcher.generation is None  # nothing opened until asked
        assert searcher.warm() is True
        assert searcher.generation == first
        assert searcher.warm() is False  # nothing changed

        build_index([corpora["beta"][0]], index_dir, workers=1)
        second = current_generation(index_dir)
        assert second != first
        assert searcher.generation == first  # a rebuild alone opens nothing
        assert searcher.warm() is True
        assert searcher.generation == second
        result = searcher.search("report", per_page=20)
        assert result.total == corpora["beta"][1]
        assert {hit.id.split("-")[0] for hit in result.hits} == {"beta"}
        assert searcher.generation == second
        assert searcher.warm() is False  # the search found everything already built


def test_a_generation_opened_by_a_search_is_still_warmed_once(tmp_path, corpora):
    index_dir = tmp_path / "index"
    build_index([corpora["alpha"][0]], index_dir, workers=1)
    with Searcher(index_dir) as searcher:
        assert searcher.search("report").total == corpora["alpha"][1]
        assert searcher.generation == current_generation(index_dir)
        assert searcher.warm() is True  # the search left the vocabulary to build
        assert searcher.warm() is False
        assert searcher.search("reprot").suggestion == "report"


def test_concurrent_warm_and_search_during_rebuilds_see_only_complete_generations(tmp_path, corpora):
    index_dir = tmp_path / "index"
    build_index([corpora["alpha"][0]], index_dir, workers=1)
    expected = {marker: count for marker, (_, count) in corpora.items()}
    stop = threading.Event()
    errors: list[str] = []
    seen: set[str] = set()
    warmed = []

    with Searcher(index_dir) as searcher:
        def search_loop() -> None:
            while not stop.is_set():
                try:
                    result = searcher.search("report", per_page=20)
                    markers = {hit.id.split("-")[0] for hit in result.hits}
                    assert len(markers) == 1, markers
                    marker = markers.pop()
                    assert result.total == expected[marker], (marker, result.total)
                    seen.add(marker)
                except Exception as error:  # noqa: BLE001 - every failure is recorded, none may happen
                    errors.append(f"search: {error!r}")

        def warm_loop() -> None:
            while not stop.is_set():
                try:
                    warmed.append(searcher.warm())
                except Exception as error:  # noqa: BLE001
                    errors.append(f"warm: {error!r}")

        threads = [threading.Thread(target=search_loop) for _ in range(3)]
        threads += [threading.Thread(target=warm_loop) for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            for marker in ("beta", "alpha", "beta"):
                build_index([corpora[marker][0]], index_dir, workers=1)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        assert not errors, errors[:5]
        assert seen == {"alpha", "beta"}
        assert True in warmed and False in warmed
        # Each generation was warmed by exactly one call, however many threads raced for it.
        assert warmed.count(True) <= 4  # the first build and three rebuilds
        searcher.warm()
        assert searcher.generation == current_generation(index_dir)
        assert searcher.search("report").total == expected["beta"]


def _server_processes(pid: int) -> list[int]:
    """The worker processes of the `newsfacets serve` with this pid (itself when it has none)."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry))
    return children or [pid]


def _holds(pid: int, generation: Path) -> bool:
    """Whether the process has a file of `generation` open (a Whoosh searcher keeps its segment open)."""
    folder = Path(f"/proc/{pid}/fd")
    for fd in os.listdir(folder) if folder.is_dir() else ():
        try:
            if os.readlink(folder / fd).startswith(f"{generation}/"):
                return True
        except OSError:
            continue
    return False


def _wait_until_all_hold(server: Server, generation: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.process.poll() is None, server.log()
        if all(_holds(pid, generation) for pid in _server_processes(server.process.pid)):
            return
        time.sleep(0.2)
    raise AssertionError(f"not every server worker opened {generation.name} without a request:\n{server.log()}")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads open files from /proc")
def test_serve_opens_each_new_generation_without_a_request(tmp_path, corpora):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    with Server(index_dir) as server:  # started before any index exists: the warm thread must survive that
        build_index([corpora["alpha"][0]], index_dir, workers=1)
        _wait_until_all_hold(server, current_generation(index_dir))
        build_index([corpora["beta"][0]], index_dir, workers=1)
        _wait_until_all_hold(server, current_generation(index_dir))
        assert "Traceback" not in server.log()
