"""Faults around the index (issue 5, "Concurrency and faults"), at the store level.

The indexer is killed with SIGKILL at several points of a rebuild; after each kill the
live index must open and hold one complete corpus (the old or, past the swap, the new),
the lock must not be stale, and the next run must succeed and sweep the leftovers. A
second indexer started during a build must refuse. A damaged index must be reported
as such, never crash the reader. (The server's view of the same faults is tested in
test_reliability_serving.py.)
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from index import store
from index.build import build_index
from hostile import TRACEBACK, end_session, run_newsfacets, start_newsfacets, stored_documents, write_old_and_new_corpora

OLD, NEW = "alphagen", "betagen"
OLD_COUNT, NEW_COUNT = 60, 400


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    return write_old_and_new_corpora(tmp_path_factory.mktemp("faults"), (OLD, OLD_COUNT), (NEW, NEW_COUNT), seed=1)


def _live_corpus(index_dir: Path) -> tuple[str, int]:
    """Which corpus the live index holds, and how many articles; fails if it is mixed."""
    documents = stored_documents(index_dir)
    markers = {article_id.split("-")[0] for article_id in documents}
    assert len(markers) == 1, f"live index mixes corpora: {markers}"
    return markers.pop(), len(documents)


def _generations(index_dir: Path) -> list[str]:
    return sorted(path.name for path in index_dir.glob(f"{store.PREFIX}*"))


def _wait_for(condition, timeout: float, poll: float = 0.005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return False


def _temporaries(index_dir: Path) -> list[Path]:
    return list(index_dir.glob(f"{store.PREFIX}*{store.TEMP_SUFFIX}"))


def _written(index_dir: Path, pattern: str) -> bool:
    return any(path.match(pattern) for tmp in _temporaries(index_dir) for path in tmp.iterdir())


# Where to kill, each a condition on what the indexer has visibly done so far (Whoosh's
# file names): just started (imports, reading), new generation created, postings being
# written, segments being finalised, and a committed table of contents (publish next).
KILL_POINTS = {
    "startup": lambda index_dir: True,
    "generation-created": lambda index_dir: bool(_temporaries(index_dir)),
    "postings-written": lambda index_dir: _written(index_dir, "*.trm"),
    "segments-finalised": lambda index_dir: _written(index_dir, "*.col"),
    "committed": lambda index_dir: any(int(toc.stem.rsplit("_", 1)[1]) > 0
                                       for tmp in _temporaries(index_dir) for toc in tmp.glob("_MAIN_*.toc")),
}


def _lock_free(index_dir: Path) -> bool:
    try:
        with store.build_lock(index_dir):
            return True
    except store.IndexBusy:
        return False


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_leaves_a_complete_index_and_frees_the_lock(tmp_path, corpora, point):
    """SIGKILL to the indexer's own pid (as `kill -9 PID` or the OOM killer would), not its workers."""
    old, new = corpora
    index_dir = tmp_path / "index"
    build_index([old], index_dir, workers=1)
    before = store.current_generation(index_dir)
    indexer = start_newsfacets("index", str(new), "--index", str(index_dir), "--workers", "2")
    try:
        reached = _wait_for(lambda: KILL_POINTS[point](index_dir) or indexer.poll() is not None, timeout=120)
        if point == "startup":
            time.sleep(0.3)
        if indexer.poll() is not None and point == "committed":
            # Commit-to-publish is a few milliseconds of fsync; a fast disk may beat the 5 ms poll.
            pytest.skip("the build published before the poll saw its commit; nothing to kill")
        assert reached and indexer.poll() is None, f"indexer ended before reaching {point!r}"
        os.kill(indexer.pid, signal.SIGKILL)
        indexer.wait()
        swapped = store.current_generation(index_dir) != before
        # Killed before the swap, the old index is live; whatever happened, it is complete.
        marker, count = _live_corpus(index_dir)
        assert (marker, count) == ((NEW, NEW_COUNT) if swapped else (OLD, OLD_COUNT))
        if _temporaries(index_dir):
            assert not swapped
        # The dead indexer's workers go too, and the lock with them: a new build may start.
        assert _wait_for(lambda: _lock_free(index_dir), timeout=5, poll=0.1), "build lock still held after SIGKILL"
    finally:
        end_session(indexer)
    finished = run_newsfacets("index", str(new), "--index", str(index_dir), "--workers", "2", timeout=120)
    assert finished.returncode == 0, finished.output
    assert TRACEBACK not in finished.output
    assert _live_corpus(index_dir) == (NEW, NEW_COUNT)
    generations = _generations(index_dir)
    assert not _temporaries(index_dir), generations
    assert len(generations) <= 2, generations


def test_second_indexer_refuses_while_a_build_runs(tmp_path, corpora):
    old, new = corpora
    index_dir = tmp_path / "index"
    build_index([old], index_dir, workers=1)
    first = start_newsfacets("index", str(new), "--index", str(index_dir), "--workers", "2")
    try:
        assert _wait_for(lambda: any(index_dir.glob(f"*{store.TEMP_SUFFIX}")) or first.poll() is not None, timeout=30)
        assert first.poll() is None, "first indexer ended before the second could start"
        second = run_newsfacets("index", str(old), "--index", str(index_dir), "--workers", "1", timeout=60)
        if second.returncode == 0 and first.poll() is not None:
            pytest.skip("the first build finished before the second asked for the lock; nothing to refuse")
        assert second.returncode == 1, second.output
        assert TRACEBACK not in second.output
        message = second.stderr.strip()
        assert len(message.splitlines()) == 1, message
        assert "another indexer" in message and str(first.pid) in message, message
        stdout, stderr = first.communicate(timeout=120)
    finally:
        end_session(first)
    assert first.returncode == 0, stderr.decode()
    assert _live_corpus(index_dir) == (NEW, NEW_COUNT)


def test_incremental_build_killed_leaves_the_live_index_untouched(tmp_path, corpora):
    """--incremental copies the live generation first; killing it must not touch the original."""
    old, new = corpora
    index_dir = tmp_path / "index"
    build_index([old], index_dir, workers=1)
    live_before = store.current_generation(index_dir)
    files_before = {path.name: path.stat().st_size for path in live_before.iterdir()}
    indexer = start_newsfacets("index", str(old), str(new), "--index", str(index_dir), "--incremental", "--workers", "2")

    published_under_the_poll = False

    def writing_new_postings() -> bool:  # the copy of the live generation is done, new segments begun
        nonlocal published_under_the_poll
        try:
            return any(path.suffix == ".trm" and path.name not in files_before
                       for tmp in _temporaries(index_dir) for path in tmp.iterdir())
        except FileNotFoundError:  # the temporary generation was renamed live between glob and listing
            published_under_the_poll = True
            return False

    try:
        reached = _wait_for(lambda: writing_new_postings() or indexer.poll() is not None, timeout=120)
        if published_under_the_poll and indexer.poll() is not None:
            # As in the kill-point test: a fast build published between two polls; nothing to kill.
            pytest.skip("the incremental build published before the poll saw its new postings; nothing to kill")
        assert reached and indexer.poll() is None, "incremental build ended before new postings were written"
        os.kill(indexer.pid, signal.SIGKILL)
        indexer.wait()
    finally:
        end_session(indexer)
    assert store.current_generation(index_dir) == live_before
    assert {path.name: path.stat().st_size for path in live_before.iterdir()} == files_before
    assert _live_corpus(index_dir) == (OLD, OLD_COUNT)


# --- A damaged index is reported as unreadable, never half-read --------------------------


@pytest.fixture
def small_index(tmp_path, corpora):
    old, _ = corpora
    index_dir = tmp_path / "index"
    build_index([old], index_dir, workers=1)
    return index_dir


def test_no_current_pointer_means_missing(tmp_path):
    with pytest.raises(store.IndexMissing):
        store.open_index(tmp_path / "nothing-here")
    (tmp_path / "empty").mkdir()
    with pytest.raises(store.IndexMissing):
        store.open_index(tmp_path / "empty")


@pytest.mark.parametrize(
    "pointer",
    [b"", b"\n", b"../../etc\n", b"/etc/passwd\n", b"gen-20990101T000000-000000\n", b"gen-x.tmp\n", b"\xff\xfe\x00garbage", b"gen-" + b"a" * 5000],
    ids=["empty", "blank-line", "dotdot", "absolute", "no-such-generation", "temporary", "binary", "huge-name"],
)
def test_current_naming_garbage_is_unreadable(small_index, pointer):
    (small_index / store.CURRENT).write_bytes(pointer)
    with pytest.raises(store.IndexUnreadable) as raised:
        store.open_index(small_index)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete"])
def test_damaged_generation_files_are_unreadable(small_index, damage):
    """Each way of damaging the generation's files: opening or searching says "unreadable"."""
    generation = store.current_generation(small_index)
    for path in generation.iterdir():
        if damage == "truncate":
            os.truncate(path, path.stat().st_size // 3)
        elif damage == "garbage":
            path.write_bytes(os.urandom(max(path.stat().st_size, 64)))
        else:
            path.unlink()
    with pytest.raises(store.IndexUnreadable):
        ix = store.open_index(small_index)
        with ix.searcher() as searcher:  # reached only if opening did not notice the damage
            list(searcher.all_stored_fields())
