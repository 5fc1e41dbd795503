"""Shared fixtures: where the repo and the shared research corpora are.

The corpora in ../shared are research-only and never copied into the repo. Tests that
need them skip with a clear message when they are missing, and fail instead when
NEWSFACETS_REQUIRE_SHARED=1 (as CI sets it), so a missing corpus can never pass CI.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_CORPUS = Path(os.environ.get("NEWSFACETS_SHARED", REPO_ROOT.parent / "shared")) / "corpus"


def shared_path(*parts: str) -> Path:
    """Path inside ../shared/corpus; skips (or fails under NEWSFACETS_REQUIRE_SHARED=1) if absent."""
    path = SHARED_CORPUS.joinpath(*parts)
    if not path.exists():
        message = f"shared corpus not found at {path}"
        if os.environ.get("NEWSFACETS_REQUIRE_SHARED") == "1":
            pytest.fail(message + " (NEWSFACETS_REQUIRE_SHARED=1)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return shared_path("seeds")


@pytest.fixture(scope="session")
def fakes_csv() -> Path:
    return shared_path("fakes", "FA-KES-Dataset.csv")


@pytest.fixture(scope="session")
def reuters_dir() -> Path:
    return shared_path("reuters21578")


@pytest.fixture(scope="session")
def conll_dir() -> Path:
    return shared_path("conll2003")
