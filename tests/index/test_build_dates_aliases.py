"""The indexer resolves time-bound aliases with the article's own publication date, not a date it mentions."""
from __future__ import annotations

import json

from index.build import build_index
from search import Searcher


def test_an_alias_means_who_held_it_on_the_publication_date(tmp_path):
    # Both bodies mention a year that would point the other way, so only the publication date decides.
    records = [
        {"id": "old", "title": "Talks in Damascus", "date": "1987-03-02",
         "body": "Assad met the envoy in Damascus on Monday. The treaty of 2005 was not discussed."},
        {"id": "new", "title": "Talks in Damascus", "date": "2015-03-02",
         "body": "Assad met the envoy in Damascus on Monday, recalling the war of 1973."},
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    build_index([tmp_path / "a.jsonl"], tmp_path / "index", workers=1)
    with Searcher(tmp_path / "index") as searcher:
        assert "Hafez al-Assad" in searcher.article("old")["actors"]
        assert "Bashar al-Assad" not in searcher.article("old")["actors"]
        assert "Bashar al-Assad" in searcher.article("new")["actors"]
