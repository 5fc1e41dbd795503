"""The local build's parsing processes (issue 9, "Speed"): files are parsed in worker
processes, not in the indexer, and a parsing process that dies fails the build with a
one-line reason and the live index unchanged, never a hang.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
from hostile import TRACEBACK, end_session, start_newsfacets, stored_documents, write_generated_articles

from index import store
from index.build import build_index

WORKERS = 2


def _pages(folder: Path, count: int) -> Path:
    """`count` small news pages, enough parsing (trafilatura) to keep the pool busy for seconds."""
    folder.mkdir(parents=True)
    for number in range(count):
        paragraphs = "".join(f"<p>Paragraph {n} of story {number}: the council met again on the harbour "
                             f"plan and the mayor answered questions about the budget.</p>" for n in range(8))
        (folder / f"page-{number:04d}.html").write_text(
            f"<html><head><title>Story {number}</title></head><body><nav>Home | World</nav>"
            f"<article><h1>Story {number} on the harbour</h1>{paragraphs}</article>"
            f"<footer>All rights reserved.</footer></body></html>", encoding="utf-8")
    return folder


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_a_parsing_process_killed_fails_the_build_in_one_line_and_keeps_the_live_index(tmp_path):
    old = write_generated_articles(tmp_path / "old" / "old.jsonl", 30, "oldgen", seed=5).parent
    index_dir = tmp_path / "index"
    build_index([old], index_dir, workers=1)
    live = store.current_generation(index_dir)
    indexer = start_newsfacets("index", str(_pages(tmp_path / "pages", 400)), "--index", str(index_dir),
                               "--workers", str(WORKERS))
    try:
        process = psutil.Process(indexer.pid)
        # Its children: WORKERS indexing processes, then (forked after them, so with higher
        # pids) WORKERS parsing processes.
        assert _wait_for(lambda: len(process.children()) == 2 * WORKERS, timeout=60), "the workers never started"
        time.sleep(0.5)  # parsing under way
        parser = max(child.pid for child in process.children())
        os.kill(parser, signal.SIGKILL)
        stdout, stderr = indexer.communicate(timeout=120)  # a hang fails here
    finally:
        end_session(indexer)
    text = (stdout + stderr).decode()
    assert indexer.returncode == 1, text
    assert TRACEBACK not in text
    errors = [line for line in text.splitlines() if line.startswith("error:")]
    assert errors == ["error: a parsing worker died unexpectedly; the live index is unchanged"], text
    assert store.current_generation(index_dir) == live
    assert {doc_id.split("-")[0] for doc_id in stored_documents(index_dir)} == {"oldgen"}
    assert not list(index_dir.glob(f"{store.PREFIX}*{store.TEMP_SUFFIX}"))  # its temporary generation is gone
