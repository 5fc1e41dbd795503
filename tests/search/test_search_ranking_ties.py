"""Ties in the ranking go to the earliest documents, whatever length of ranking is asked for.

Story collapsing and paging ask `ArrayMatcher.ranked` for rankings of different lengths over the
same matches; a page must be the prefix of every longer ranking, or page 2 can repeat or skip an
article that tied with one on page 1.
"""
from __future__ import annotations

import json
from pathlib import Path

from whoosh import query as wq

from index.build import build_index
from search import Searcher

TIED = 40  # articles that score exactly alike for the query
WORDS = ["quay", "levee", "wharf", "jetty", "pier", "mole", "dock", "slip"]


def test_rankings_of_every_length_are_prefixes_of_one_order_ties_in_index_order(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [{"id": f"t{n:02d}", "title": "Bulletin", "date": "2021-03-04", "source": "Test Wire",
                "body": f"The {WORDS[n % len(WORDS)]} near the harbour reopened on Tuesday."} for n in range(TIED)]
    records.append({"id": "best", "title": "Harbour harbour", "date": "2021-03-04", "source": "Test Wire",
                    "body": "The harbour and the harbour gate reopened."})
    (corpus / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    build_index([corpus], tmp_path / "index", workers=1)
    with Searcher(tmp_path / "index") as searcher, searcher._handle.borrow() as (generation, whoosh_searcher):
        matcher = generation.matcher(whoosh_searcher)
        q = wq.Or([wq.Term(name, "harbour") for name in ("title", "body")])
        mask = matcher.mask(q) & generation.facets.live
        docs, scores = matcher.ranked(q, mask, len(records))
        assert len(docs) == len(records)
        tied = docs[1:]
        assert len(set(scores[1:].tolist())) == 1 and scores[0] > scores[1]  # one best, then all alike
        assert tied.tolist() == sorted(tied.tolist())  # ties in index order
        for stop in (1, 2, 3, 7, 10, 20, 33):
            fresh = generation.matcher(whoosh_searcher)  # no candidates kept from a longer call
            assert fresh.ranked(q, mask, stop)[0].tolist() == docs[:stop].tolist(), stop
            assert matcher.ranked(q, mask, stop)[0].tolist() == docs[:stop].tolist(), stop
