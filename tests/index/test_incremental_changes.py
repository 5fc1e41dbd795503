"""An incremental build after an article's text changed: one copy, the new one, is searchable.

The existing incremental test reads the stored documents into a dict by id, which hides a
second (old) copy of a changed article. Here we count documents and search for the old
and the new wording, through the real indexer and the real `Searcher`, on a copy of some
of examples/corpus.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.build import build_index
from index.store import open_index
from search.searcher import Searcher

FILES = ("2014-10-07-kobani-siege.txt", "2017-04-07-shayrat-strike.txt", "2020-03-05-moscow-ceasefire-idlib.txt")
CHANGED = "txt/2014-10-07-kobani-siege"
OLD_WORD, NEW_WORD = "zanzibarite", "quetzalcoatlite"  # words no example article has


@pytest.fixture()
def corpus(tmp_path: Path, examples_dir: Path) -> Path:
    root = tmp_path / "corpus" / "txt"
    root.mkdir(parents=True)
    for name in FILES:
        shutil.copy(examples_dir / "txt" / name, root / name)
    article = root / FILES[0]
    article.write_text(article.read_text(encoding="utf-8") + f"\n\nA {OLD_WORD} correspondent reported.\n",
                       encoding="utf-8")
    return tmp_path / "corpus"


def _ids(index_dir: Path) -> list[str]:
    with open_index(index_dir).searcher() as whoosh_searcher:
        return sorted(fields["id"] for fields in whoosh_searcher.all_stored_fields())


def test_changed_article_is_replaced_not_duplicated(corpus: Path, tmp_path: Path):
    index_dir = tmp_path / "index"
    assert build_index([corpus], index_dir, workers=1).indexed == 3
    with Searcher(index_dir) as searcher:
        assert [hit.id for hit in searcher.search(OLD_WORD).hits] == [CHANGED]
        assert searcher.search(NEW_WORD).total == 0

    article = corpus / "txt" / FILES[0]
    article.write_text(article.read_text(encoding="utf-8").replace(OLD_WORD, NEW_WORD), encoding="utf-8")
    report = build_index([corpus], index_dir, incremental=True, workers=1)
    assert (report.indexed, report.unchanged, report.removed, report.status) == (1, 2, 0, "ok")

    with open_index(index_dir).searcher() as whoosh_searcher:
        assert whoosh_searcher.doc_count() == 3
    assert _ids(index_dir) == sorted(f"txt/{name[:-4]}" for name in FILES)  # each id once
    with Searcher(index_dir) as searcher:
        assert searcher.search(OLD_WORD).total == 0
        assert [hit.id for hit in searcher.search(NEW_WORD).hits] == [CHANGED]
        assert searcher.search("").total == 3
        sources = searcher.search("", facet_size=100).facets["source"]
        assert sum(v["count"] for v in sources) == 2  # facets count the changed article once


def test_unchanged_rebuild_keeps_the_count(corpus: Path, tmp_path: Path):
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, workers=1)
    report = build_index([corpus], index_dir, incremental=True, workers=1)
    assert (report.indexed, report.unchanged) == (0, 3)
    with open_index(index_dir).searcher() as whoosh_searcher:
        assert whoosh_searcher.doc_count() == 3
