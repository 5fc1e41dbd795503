"""Early-stopping top-k ranking (block-max, `ArrayMatcher.ranked`) gives exactly the exhaustive page.

Real indexes: three segments (two workers, then an incremental build that also changes
articles, so an old segment has deletions), a Zipf-like vocabulary so common words have
many matches with varied weights and lengths, and rare words read from Whoosh. Random
queries of every shape (And, Or, Not, phrases, fields, filters) are ranked both ways and
must agree in documents, order and scores to the last bit.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.util.numeric import length_to_byte

from index.build import build_index
from index.postings import BLOCK_SIZE, BOUNDS_SUFFIX, PREFIX, SegmentPostings
from index.store import current_generation
from search import Searcher
from search.facets import Filters
from search.matching import ArrayMatcher, term_bound, term_scores
from search.query import parse_query

# Common words first: word n is drawn with weight 1 / (n + 1).
WORDS = ("harbour tariff minister storm grain railway ferry copper senate drought festival bridge vaccine "
         "pension glacier lottery harvest tunnel orchestra satellite").split()
RARE = [f"qx{n}rare" for n in range(60)]
SOURCES = ("north", "south", "east")
# A word of a burst of news: in most articles once, many times in the articles of a few days (consecutive).
BURST, BURST_ARTICLES = "quay", range(1000, 1100)


def _records(count: int, seed: int, first: int = 0) -> list[dict]:
    rng = random.Random(seed)
    weights = [1 / (n + 1) for n in range(len(WORDS))]
    records = []
    for n in range(first, first + count):
        words = rng.choices(WORDS, weights, k=rng.choice((8, 30, 80, 250)))
        if rng.random() < 0.3:
            words.append(rng.choice(RARE))
        if n in BURST_ARTICLES:
            words += [BURST] * rng.randint(6, 20)
        elif rng.random() < 0.6:
            words.append(BURST)
        records.append({"id": f"a{n}", "title": " ".join(rng.choices(WORDS, weights, k=3)),
                        "body": " ".join(words) + ".", "source": SOURCES[n % 3],
                        "date": f"2022-0{1 + n % 9}-1{n % 10}"})
    return records


def _write(corpus: Path, records: list[dict]) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("topk")
    first = _records(1800, seed=7)
    _write(root / "corpus", first)
    assert build_index([root / "corpus"], root / "index", workers=2).status == "ok"
    changed = [dict(r, body=r["body"] + " harbour harbour") if n % 7 == 0 else r for n, r in enumerate(first)]
    _write(root / "corpus", changed + _records(700, seed=8, first=1800))
    assert build_index([root / "corpus"], root / "index", incremental=True, workers=1).status == "ok"
    return root / "index"


def _queries(rng: random.Random) -> list[str]:
    """Random queries of every shape, over common and rare words."""
    def word() -> str:
        return rng.choice([*WORDS[:6], BURST]) if rng.random() < 0.6 else rng.choice(WORDS + RARE[:10])
    shapes = [
        lambda: word(),
        lambda: f"{word()} {word()}",
        lambda: f"{word()} OR {word()} OR {word()}",
        lambda: f"{word()} -{word()}",
        lambda: f"({word()} OR {word()}) {word()}",
        lambda: f'"{word()} {word()}"',
        lambda: f"title:{word()} {word()}",
        lambda: f"{word()} date:2022-0{rng.randint(1, 9)}",
    ]
    return [rng.choice(shapes)() for _ in range(60)]


def _matches(searcher: Searcher, generation, whoosh_searcher, text: str, filters: Filters):
    """(query, mask) a search ranks, as `Searcher.search` finds them, over a fresh matcher."""
    matcher = generation.matcher(whoosh_searcher)
    found = searcher._match(matcher, generation, parse_query(text), filters)
    return matcher, found.resolved.query, found.mask


def test_the_index_has_segments_of_every_kind(index_dir):
    generation = current_generation(index_dir)
    searcher = Searcher(index_dir)
    with searcher._handle.borrow() as (_, whoosh_searcher):
        leaves = [leaf for leaf, _ in whoosh_searcher.leaf_searchers()]
        assert len(leaves) >= 3 and any(leaf.reader().has_deletions() for leaf in leaves)
        assert sum(leaf.doc_count_all() for leaf in leaves) > 16 * BLOCK_SIZE
        for leaf in leaves:
            reader = leaf.reader()
            mapped = SegmentPostings.load(generation, reader.segment().segment_id(), reader.doc_count_all())
            assert mapped is not None and mapped.block_bounds("body", WORDS[0]) is not None
            assert mapped.block_bounds("body", RARE[0]) is None  # rare words: bounded from Whoosh's postings
    assert list(generation.glob(f"{PREFIX}*{BOUNDS_SUFFIX}"))


def test_a_blocks_bound_holds_every_score_in_it_at_any_average_length(index_dir):
    generation = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(generation))
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            mapped = SegmentPostings.load(generation, leaf.segment().segment_id(), leaf.doc_count_all())
            length_bytes = np.array([length_to_byte(leaf.doc_field_length(n, "body", 0))
                                     for n in range(leaf.doc_count_all())], dtype=np.uint8)
            for word in mapped.columns.table("body.terms"):  # the segment's frequent (stemmed) words
                ids, weights = mapped.get("body", word)
                blocks, max_weights, per_weight = mapped.block_bounds("body", word)
                assert np.array_equal(blocks, np.unique(ids // BLOCK_SIZE))
                for average in (3.0, 60.0, 900.0):
                    scores = term_scores(1.0, 2.0, weights, length_bytes[ids], average)
                    best = np.maximum.reduceat(scores, np.searchsorted(ids // BLOCK_SIZE, blocks))
                    bound = term_bound(1.0, 2.0, max_weights, per_weight, average)
                    assert np.all(best <= bound * (1 + 1e-12))
                    assert np.median(best / bound) > 0.8  # and near it: the best document of a block comes close


@pytest.mark.parametrize(("seed", "files"), [(1, "postings and bounds"), (2, "postings and bounds"),
                                             (3, "postings only"), (4, "none")])
def test_random_queries_rank_exactly_as_the_exhaustive_ranking(index_dir, seed, files):
    """Bounds from the bounds files, or (segments written before them, or without mapped postings) from the
    postings a query reads."""
    rng = random.Random(seed)
    searcher = Searcher(index_dir)
    mapped = searcher._handle.current().postings
    if files == "postings only":
        mapped.update({segment: SegmentPostings(found.columns) for segment, found in mapped.items()})
    elif files == "none":
        mapped.clear()
    pruned_any = 0
    with searcher._handle.borrow() as (generation, whoosh_searcher):
        for text in _queries(rng):
            filters = Filters(include={"source": [rng.choice(SOURCES)]}) if rng.random() < 0.3 else Filters()
            stops = sorted(rng.sample([1, 3, 10, 20, 50, 200], 3))
            exhaustive, query, mask = _matches(searcher, generation, whoosh_searcher, text, filters)
            pruned, _, _ = _matches(searcher, generation, whoosh_searcher, text, filters)
            pruned.min_pruned_candidates = 0  # rank every query by blocks, however few its matches
            if query is None or not mask.any():
                continue
            for stop in stops:  # growing rankings of the same matches, as story collapsing asks for them
                expected = exhaustive.ranked(query, mask, stop, exhaustive=True)
                found = pruned.ranked(query, mask, stop)
                assert np.array_equal(found[0], expected[0]), (text, stop)
                assert found[1].tobytes() == expected[1].tobytes(), (text, stop)
            pruned_any += pruned.scored > 0
    assert pruned_any > 20  # the queries did go through the early-stopping ranking


def test_a_common_word_scores_fewer_documents_than_it_matches(index_dir):
    """Its best articles are the burst's, a few blocks: the other blocks' bounds fall short of them."""
    searcher = Searcher(index_dir)
    with searcher._handle.borrow() as (generation, whoosh_searcher):
        for filters in (Filters(), Filters(include={"source": ["north"]})):
            matcher, query, mask = _matches(searcher, generation, whoosh_searcher, BURST, filters)
            matcher.min_pruned_candidates = 0
            found, _ = matcher.ranked(query, mask, 10)
            assert len(found) == 10 and mask.sum() > 5 * len(BURST_ARTICLES)
            assert 0 < matcher.scored < mask.sum() / 2


def test_searches_answer_the_same_with_early_stopping(index_dir, monkeypatch):
    searcher = Searcher(index_dir)
    queries = [BURST, *WORDS[:5], f"{BURST} {WORDS[3]}", f"{WORDS[1]} OR {RARE[2]}", f"{WORDS[2]} -{WORDS[4]}"]

    def answers() -> list[dict]:
        found = []
        for text in queries:
            for collapse, page in (("story", 1), ("none", 1), ("none", 3)):
                result = searcher.search(text, collapse=collapse, page=page, per_page=20).to_dict()
                result.pop("took_ms")
                found.append(result)
        return found

    exhaustive = answers()  # these indexes are small: below MIN_PRUNED_CANDIDATES, every match is scored
    monkeypatch.setattr(ArrayMatcher, "min_pruned_candidates", 0)
    assert answers() == exhaustive
    assert all(answer["hits"] for answer in exhaustive)
