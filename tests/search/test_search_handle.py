"""The index handle lends a few Whoosh searchers to many threads (memory stays bounded) and retires old generations."""
from __future__ import annotations

import threading
from pathlib import Path

from index.build import build_index
from search import Searcher
from search.handle import MAX_SEARCHERS, IndexHandle


def _corpus(root: Path, marker: str, count: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text = f"{marker} report {n}\n\nOfficials in Homs said {marker} talks resumed.\n"
        (root / f"{marker}{n}.txt").write_text(text, encoding="utf-8")
    return root


def test_many_threads_share_at_most_max_searchers(tmp_path):
    index = tmp_path / "index"
    build_index([_corpus(tmp_path / "a", "alpha", 20)], index, workers=1)
    with Searcher(index) as searcher:
        errors: list[BaseException] = []

        def work() -> None:
            try:
                for _ in range(20):
                    assert searcher.search("alpha talks", collapse="none").total == 20
                    assert searcher.article("alpha3") is not None
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        pool = searcher._handle.current().pool
        assert 1 <= pool._opened <= MAX_SEARCHERS < 8


def test_a_new_generation_retires_the_old_pool_and_closes_its_searchers(tmp_path):
    index = tmp_path / "index"
    build_index([_corpus(tmp_path / "a", "alpha", 5)], index, workers=1)
    handle = IndexHandle(index)
    with handle.borrow() as (old, lent):
        build_index([_corpus(tmp_path / "b", "beta", 7)], index, workers=1)
        with handle.borrow() as (new, fresh):
            assert new is not old and fresh.doc_count() == 7
            assert lent.doc_count() == 5  # a lent searcher keeps working until it comes back
    assert old.pool._opened == 0 and old.pool._idle == []  # closed on return
    assert new.pool._opened == 1
    handle.close()
    assert new.pool._opened == 0
