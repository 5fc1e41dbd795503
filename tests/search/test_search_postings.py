"""Mapped postings (`index.postings`): a rebuilt and an incremental index answer exactly as Whoosh's own postings do.

The index is real and big enough that common words pass `MIN_FREQUENCY` in a segment, so
both paths run: mapped arrays for frequent words, Whoosh for rare ones, in one query.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from index.build import build_index
from index.postings import MIN_FREQUENCY, PREFIX, SegmentPostings
from index.store import current_generation
from search import Searcher
from search.matching import postings_of

COMMON = "market report said officials city water prices rose fell the of in council workers strike".split()
RARE = [f"zq{n}word" for n in range(40)]
QUERIES = [
    "market", "prices rose", "water OR strike", "council -workers", '"report said"', '"prices rose"',
    '"the market report"', '"said said"', '"officials city water"', '"report said"~3', f'"market {RARE[0]}"',
    f"{RARE[1]} said", "said", '"fell in the"', "title:market", "market date:2021-03", "market language:en",
]


def _records(count: int, seed: int, first: int = 0) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for n in range(first, first + count):
        words = [rng.choice(COMMON) for _ in range(rng.randint(20, 60))] + [rng.choice(RARE)]
        rng.shuffle(words)
        records.append({"id": f"a{n}", "title": " ".join(rng.sample(COMMON, 3)), "body": " ".join(words) + ".",
                        "date": f"2021-0{1 + n % 9}-1{n % 10}"})
    return records


def _write(corpus: Path, records: list[dict]) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("postings")
    _write(root / "corpus", _records(400, seed=1))
    assert build_index([root / "corpus"], root / "index", workers=1).status == "ok"
    return root / "index"


def _answers(index: Path, mapped: bool) -> list:
    searcher = Searcher(index)
    searcher.search("market")
    if not mapped:
        searcher._handle.current().postings.clear()  # every segment read through Whoosh, as before the files existed
    answers = []
    for query in QUERIES:
        for collapse in ("story", "none"):
            result = searcher.search(query, collapse=collapse, per_page=50).to_dict()
            result.pop("took_ms")
            answers.append(result)
    return answers


def test_every_mapped_term_holds_exactly_whooshs_postings_and_positions(index_dir):
    generation = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            mapped = SegmentPostings.load(generation, leaf.segment().segment_id(), leaf.doc_count_all())
            assert mapped is not None
            terms = list(mapped.columns.table("exact.terms"))
            assert "said" in terms and not any(word in terms for word in RARE)  # rare words stay with Whoosh
            for term in terms:
                ids, weights = mapped.get("exact", term)
                expected_ids, expected_weights = postings_of(leaf, "exact", term)
                assert len(ids) >= MIN_FREQUENCY
                assert np.array_equal(ids, expected_ids) and np.array_equal(weights, expected_weights)
                owners, places = mapped.positions("exact", term)
                matcher = leaf.postings("exact", term)
                whoosh_positions = []
                while matcher.is_active():
                    whoosh_positions += [(matcher.id(), p) for p in matcher.value_as("positions")]
                    matcher.next()
                assert list(zip(owners.tolist(), places.tolist(), strict=True)) == whoosh_positions
            assert mapped.get("exact", RARE[0]) is None and mapped.positions("body", "said") is None


def test_searches_answer_the_same_with_and_without_mapped_postings(index_dir):
    assert list(current_generation(index_dir).glob(f"{PREFIX}*"))
    mapped, whoosh = _answers(index_dir, mapped=True), _answers(index_dir, mapped=False)
    assert mapped == whoosh
    assert all(answer["total"] > 0 for answer in mapped[:12])  # the queries find something to compare


def test_an_incremental_build_maps_its_new_segment_and_answers_the_same(index_dir, tmp_path):
    root = tmp_path
    _write(root / "corpus", _records(400, seed=1))
    assert build_index([root / "corpus"], root / "index", workers=1).status == "ok"
    before = {path.name for path in current_generation(root / "index").glob(f"{PREFIX}*")}
    _write(root / "corpus", _records(400, seed=1) + _records(150, seed=2, first=400))
    assert build_index([root / "corpus"], root / "index", incremental=True, workers=1).status == "ok"
    after = {path.name for path in current_generation(root / "index").glob(f"{PREFIX}*")}
    assert before < after  # the old segment's file is kept (linked), the new segment has its own
    assert _answers(root / "index", mapped=True) == _answers(root / "index", mapped=False)
    assert Searcher(root / "index").search("market", collapse="none").total > Searcher(index_dir).search(
        "market", collapse="none").total
