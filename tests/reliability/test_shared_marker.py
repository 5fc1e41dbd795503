"""tests/conftest.py's rule for the research corpora, run on a tiny suite in a child pytest.

Without ../shared a test needing it skips with a clear message and the rest pass; under
NEWSFACETS_REQUIRE_SHARED=1 the same test fails; `-m "not shared"` leaves it out.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = '''
import pytest

def test_needs_the_seeds(seeds_dir):
    assert seeds_dir.name == "seeds"

@pytest.mark.shared
def test_marked_by_hand():
    pass

def test_plain():
    pass
'''


@pytest.fixture()
def suite(tmp_path: Path) -> Path:
    root = tmp_path / "suite"
    root.mkdir()
    shutil.copy(Path(__file__).parents[1] / "conftest.py", root / "conftest.py")
    (root / "test_tiny.py").write_text(SUITE, encoding="utf-8")
    return root


def run(suite: Path, shared: Path, *args: str, require: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSFACETS_REQUIRE_SHARED", "PYTEST_ADDOPTS")}
    env["NEWSFACETS_SHARED"] = str(shared)
    if require:
        env["NEWSFACETS_REQUIRE_SHARED"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "--strict-markers",
                           "-c", os.devnull, "--rootdir", str(suite), *args, str(suite)],
                          capture_output=True, text=True, env=env, cwd=suite, timeout=300)


def test_missing_corpus_skips_with_a_clear_message(suite, tmp_path):
    done = run(suite, tmp_path / "nowhere")
    assert done.returncode == 0, done.stdout
    assert "1 passed, 2 skipped" in done.stdout
    assert "shared corpus not found at" in done.stdout and "NEWSFACETS_SHARED" in done.stdout


def test_required_corpus_fails(suite, tmp_path):
    done = run(suite, tmp_path / "nowhere", require=True)
    assert done.returncode == 1
    assert "1 passed" in done.stdout and "2 errors" in done.stdout
    assert "NEWSFACETS_REQUIRE_SHARED=1" in done.stdout


def test_not_shared_deselects_them(suite, tmp_path):
    done = run(suite, tmp_path / "nowhere", "-m", "not shared", require=True)
    assert done.returncode == 0, done.stdout
    assert "1 passed, 2 deselected" in done.stdout


def test_present_corpus_runs_them(suite, tmp_path):
    (tmp_path / "shared" / "corpus" / "seeds").mkdir(parents=True)
    done = run(suite, tmp_path / "shared", require=True)
    assert done.returncode == 0, done.stdout
    assert "3 passed" in done.stdout
