"""benchmarks/bench_scale.py: the copies it indexes, and a real `--quick` run end to end.

No timing is asserted (speed is the benchmark's to report, beside tantivy): the tests check
that the copies are what the figures claim (copy 0 the collection itself, every other copy
a reshuffle of the same sentences under a new id, the same on every run), that a quick run
builds, measures and reports every figure for both engines, that `--reuse` keeps the
indexes and the build rate of the run that built them, and that `--report-only` renders
the kept figures.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

import bench_scale  # noqa: E402

SCRIPT = REPO_ROOT / "benchmarks" / "bench_scale.py"
ROWS = (
    "search p50 / p95 ms, ours", "search p50 / p95 ms, tantivy", "**p95 ours / tantivy**",
    "import + open + first query s, ours", "import + open + first query s, tantivy",
    "RSS after the mix MB, ours", "RSS after the mix MB, tantivy", "index on disk MB, ours / tantivy",
    "full build articles per s / per CPU-s, ours (date)", "tantivy indexing articles/s",
)
FIGURES = ("import_s", "open_s", "first_query_s", "p50_ms", "p95_ms", "rss_mb", "median_hits", "bytes")

RECORDS = [
    {"id": "a", "title": "Oil", "body": "Oil rose on Monday. Traders cited Gulf supply. Brent closed at 18 dlrs."},
    {"id": "b", "title": "Rates", "body": "The bank cut rates. Analysts had expected it."},
    {"id": "c", "title": "Short", "body": "Wheat exports fell."},  # one sentence: words are reshuffled instead
]


def sentences(body: str) -> Counter:
    return Counter(bench_scale._SENTENCE_END.split(body))


def test_copies_keep_copy_zero_and_reshuffle_the_others_under_new_ids():
    copies = list(bench_scale.copies(RECORDS, 4))
    assert copies[: len(RECORDS)] == RECORDS
    assert len({c["id"] for c in copies}) == len(copies)
    for record in RECORDS:
        versions = [c for c in copies if c["id"].split("-copy")[0] == record["id"]]
        assert len(versions) == 4
        assert len({v["body"] for v in versions}) == 4, f"{record['id']}: copies are not all different"
        assert all(Counter(v["body"].split()) == Counter(record["body"].split()) for v in versions)
        assert all(v["title"] == record["title"] for v in versions)
    multi = [c for c in copies if c["id"].startswith("a")]
    assert all(sentences(c["body"]) == sentences(RECORDS[0]["body"]) for c in multi)
    assert list(bench_scale.copies(RECORDS, 4)) == copies  # seeded: every run indexes the same corpus


def test_missing_corpus_is_one_line_error(tmp_path: Path):
    done = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--build-from", str(tmp_path / "none"),
                           "--data", str(tmp_path), "--no-write"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"bench_scale: no Reuters-21578 at {tmp_path / 'none'}"]


def test_report_without_figures_is_one_line_error(tmp_path: Path):
    done = subprocess.run([sys.executable, str(SCRIPT), "--report-only", "--data", str(tmp_path), "--no-write"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"bench_scale: no figures in {tmp_path / 'scale-results.json'}: run the benchmark first"]


def run_quick(reuters_dir: Path, data: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(SCRIPT), "--quick", "--rounds", "1", "--no-write", "--build-from", str(reuters_dir),
               "--data", str(data), *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.mark.slow
def test_quick_run_reports_every_figure_and_reuse_keeps_the_build(reuters_dir: Path, tmp_path: Path):
    first = run_quick(reuters_dir, tmp_path)
    results = json.loads((tmp_path / "scale-quick-results.json").read_text(encoding="utf-8"))
    measured = results
    assert list(measured["sizes"]) == ["x1", "x2"]
    for label, factor in (("x1", 1), ("x2", 2)):
        size = measured["sizes"][label]
        assert size["manifest"]["articles"] == factor * bench_scale.QUICK_ARTICLES
        assert size["manifest"]["tantivy"]["articles"] == size["manifest"]["build"]["indexed"]
        for engine in ("ours", "tantivy"):
            assert all(size[engine][name] >= 0 for name in FIGURES), (label, engine, size[engine])
            assert size[engine]["p95_ms"] >= size[engine]["p50_ms"] > 0
            assert size[engine]["bytes"] > 0 and size[engine]["rss_mb"] > 0
    assert "## Scale" not in first.stdout  # publish prints the body; the heading is write_section's
    lines = {line.split(" | ")[0].lstrip("| "): line for line in first.stdout.splitlines() if line.startswith("| ")}
    for row in ROWS:
        assert row in lines, f"no row {row!r} in:\n{first.stdout}"
        assert any(ch.isdigit() for ch in lines[row].split(" | ", 1)[1]), lines[row]
    assert "Targets (issue 12):" in first.stdout and "--million" in first.stdout

    again = run_quick(reuters_dir, tmp_path, "--reuse")
    assert again.stderr.count("reusing") == 2, again.stderr
    rerun = json.loads((tmp_path / "scale-quick-results.json").read_text(encoding="utf-8"))
    assert [s["manifest"]["build"] for s in rerun["sizes"].values()] == \
        [s["manifest"]["build"] for s in measured["sizes"].values()]
    assert rerun["run"] != measured["run"]

    reported = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--report-only", "--no-write",
                               "--data", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert reported.returncode == 0, reported.stderr
    assert reported.stdout.strip() == again.stdout.strip()  # the kept figures render as the run printed them
