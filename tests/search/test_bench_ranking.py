"""Ranking quality on Cranfield (benchmarks/bench_ranking.py): the metrics, the readers and quality floors.

The floors are 90% of the figures docs/BENCHMARKS.md "## Ranking" reports, read from its
table, for the OR mode and the default AND mode alike, so a change that hurts ranking
(analysis, BM25F statistics, title handling, relaxing AND queries) fails here rather
than going unnoticed; and a figure the doc claims but the code no longer reaches fails too.
"""
from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT, shared_path

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

import bench_ranking  # noqa: E402

BENCHMARKS = REPO_ROOT / "docs" / "BENCHMARKS.md"
FLOOR = 0.9  # of each documented figure
CHECKED_MODES = ("OR of the query's words", "AND (default), text as typed")
METRICS = ("map", "p_at_10", "ndcg_at_10", "recall_at_100")  # the table's columns, in order


def documented_figures() -> dict[str, dict[str, float]]:
    """mode -> {metric: value, "empty": n} from the Ranking table of docs/BENCHMARKS.md."""
    section = BENCHMARKS.read_text(encoding="utf-8").split("## Ranking", 1)[1].split("\n## ", 1)[0]
    figures = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and all(re.fullmatch(r"\d+(\.\d+)?", c) for c in cells[1:]):
            figures[cells[0]] = {**dict(zip(METRICS, map(float, cells[1:5]), strict=True)), "empty": int(cells[5])}
    return figures


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


def test_documented_figures_are_read():
    figures = documented_figures()
    assert set(CHECKED_MODES) <= set(figures)
    assert figures["OR of the query's words"]["map"] == pytest.approx(0.307)  # the table as of this test
    assert figures["AND (default), text as typed"]["map"] == pytest.approx(0.278)


def test_ranking_quality_stays_above_the_floor(cranfield: Path, cranfield_index: Path):
    modes = {name: bench_ranking.MODES[name] for name in CHECKED_MODES}
    scores = bench_ranking.evaluate_modes(cranfield, cranfield_index, modes)
    documented = documented_figures()
    queries = len(bench_ranking.read_queries(cranfield))
    failures = []
    for mode in CHECKED_MODES:
        measured, claimed = scores[mode], documented[mode]
        assert measured.queries == queries
        for metric in METRICS:
            floor = FLOOR * claimed[metric]
            if not getattr(measured, metric) >= floor:
                failures.append(
                    f"{mode}: {metric} {getattr(measured, metric):.3f} < {floor:.3f} (90% of {claimed[metric]})")
        if measured.empty > claimed["empty"]:
            failures.append(f"{mode}: {measured.empty} queries with no hits, documented {claimed['empty']}")
    assert not failures, failures
