"""Ranking quality on Cranfield (benchmarks/bench_ranking.py): the metrics, the readers and a MAP floor.

The floor is about 80% of the measured MAP (0.307 for the OR mode, docs/BENCHMARKS.md
"## Ranking"), so a change that hurts ranking (analysis, BM25F statistics, title
handling) fails here rather than going unnoticed.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, shared_path

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

import bench_ranking  # noqa: E402

OR_MAP_FLOOR = 0.25
OR_NDCG_FLOOR = 0.30


@pytest.fixture(scope="module")
def cranfield() -> Path:
    return shared_path("cranfield")


@pytest.fixture(scope="module")
def cranfield_index(cranfield: Path, tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("cranfield") / "index"
    assert bench_ranking.build(cranfield, index_dir) > 1300
    return index_dir


def test_metrics_on_a_hand_worked_ranking():
    grades = {"a": 1, "b": 4, "c": 2}  # c is never retrieved
    ranked = ["a", "x", "b", "y"]
    assert bench_ranking.average_precision(ranked, grades) == pytest.approx((1 / 1 + 2 / 3) / 3)
    assert bench_ranking.precision_at(ranked, grades, k=2) == pytest.approx(0.5)
    assert bench_ranking.recall_at(ranked, grades, k=4) == pytest.approx(2 / 3)
    dcg = 4 / math.log2(2) + 1 / math.log2(4)
    ideal = 4 / math.log2(2) + 3 / math.log2(3) + 1 / math.log2(4)
    assert bench_ranking.ndcg_at(ranked, grades, k=4) == pytest.approx(dcg / ideal)
    assert bench_ranking.ndcg_at(["a", "c", "b"], grades, k=3) == pytest.approx(1.0)


def test_or_query_drops_stop_words_and_repeats():
    assert bench_ranking.or_query("What is the flow, and what is the FLOW past a plate?") == "flow OR past OR plate"
    assert bench_ranking.body_or_query("heat transfer") == "body:heat OR body:transfer"


def test_queries_are_numbered_by_order_as_the_judgements_count_them(cranfield: Path):
    queries = bench_ranking.read_queries(cranfield)
    qrels = bench_ranking.read_qrels(cranfield)
    assert list(queries) == list(range(1, len(queries) + 1))
    assert set(qrels) <= set(queries)
    assert all(text for text in queries.values())
    grades = {g for judged in qrels.values() for g in judged.values()}
    assert grades <= {1, 2, 3, 4}  # -1 (not relevant) is left out


def test_ranking_quality_stays_above_the_floor(cranfield: Path, cranfield_index: Path):
    modes = {name: bench_ranking.MODES[name] for name in ("OR of the query's words", "AND (default), text as typed")}
    scores = bench_ranking.evaluate_modes(cranfield, cranfield_index, modes)
    ranked = scores["OR of the query's words"]
    assert ranked.queries == len(bench_ranking.read_queries(cranfield))
    assert ranked.empty == 0
    assert ranked.map > OR_MAP_FLOOR
    assert ranked.ndcg_at_10 > OR_NDCG_FLOOR
    # Every metric is a mean of per-query fractions; the default AND mode must still produce valid figures.
    typed = scores["AND (default), text as typed"]
    assert 0.0 <= typed.map <= 1.0 and typed.empty <= typed.queries
