"""scripts/audit_entities.py: the judged audit on its committed labels.

The labels (tests/data/audit/labels.tsv, expected.tsv) were made by reading the articles
of the audit sample, for every triple the extractor produced (first at commit d1f1418). Measured
on 2026-12-02 (1,026 current triples, 75 articles: 45 FA-KES rows + the 30 bundled-corpus articles), as
docs/QUALITY.md "Judged audit" reports:

    precision  actor 0.858  location 0.842  country 0.967
    recall     actor 0.828 (197/238)  location 0.625 (70/112), over 31 articles

The floors below are about 90% of that, so a regression fails while ordinary changes do
not. A triple the extractor yields that nobody labelled is reported, never counted as
correct; label new ones with `python scripts/audit_entities.py --label-sheet FILE`.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "audit_entities.py"
AUDIT = REPO_ROOT / "tests" / "data" / "audit"

PRECISION_FLOOR = {"actor": 0.77, "location": 0.76, "country": 0.87}
RECALL_FLOOR = {"actor": 0.74, "location": 0.56}
MIN_LABELS = 300
MIN_EXPECTED_ARTICLES = 30


def _module():
    spec = importlib.util.spec_from_file_location("audit_entities", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


audit = _module()


@pytest.fixture(scope="module")
def sample(fakes_csv):
    return audit.load_sample(fakes_csv)


@pytest.fixture(scope="module")
def report(fakes_csv):
    done = subprocess.run([sys.executable, str(SCRIPT), "--json", "--fakes", str(fakes_csv)],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


# ---- the label files, without the corpus ------------------------------------------------------
def test_label_files_are_well_formed_tsv():
    labels = audit.read_tsv(AUDIT / "labels.tsv", audit.LABEL_COLUMNS)
    expected = audit.read_tsv(AUDIT / "expected.tsv", audit.EXPECTED_COLUMNS)
    assert len(labels) >= MIN_LABELS
    assert {r["label"] for r in labels} <= set(audit.LABEL_KINDS)
    assert {r["facet"] for r in labels} == set(audit.FACETS)
    assert all(r["value"] and r["article_id"] for r in labels + expected)
    assert len({(r["article_id"], r["facet"], r["value"]) for r in labels}) == len(labels)
    assert len({(r["article_id"], r["facet"], r["value"]) for r in expected}) == len(expected)
    assert {r["facet"] for r in expected} == {"actor", "location"}
    assert len({r["article_id"] for r in expected}) >= MIN_EXPECTED_ARTICLES
    for facet in audit.FACETS:  # each facet judged on a real number of triples
        assert sum(r["facet"] == facet for r in labels) >= 100


def test_no_article_text_in_the_label_files():
    """Ids, values, labels and short notes only: no field long enough to be quoted text."""
    for name in ("labels.tsv", "expected.tsv"):
        for line in (AUDIT / name).read_text(encoding="utf-8").splitlines():
            assert all(len(field) <= 120 for field in line.split("\t")), line


def test_score_never_counts_unlabelled_as_correct():
    current = {"a": [("actor", "X"), ("actor", "Y"), ("location", "P, Q")], "b": [("actor", "Z")]}
    labels = [
        {"article_id": "a", "facet": "actor", "value": "X", "label": "correct"},
        {"article_id": "b", "facet": "actor", "value": "Z", "label": "junk"},
        {"article_id": "b", "facet": "actor", "value": "Gone", "label": "correct"},
    ]
    expected = [{"article_id": "a", "facet": "location", "value": "P, Q"},
                {"article_id": "a", "facet": "location", "value": "R, Q"}]
    result = audit.score(current, labels, expected)
    actor = result["precision"]["actor"]
    assert actor["precision"] == 0.5  # X correct, Z junk; Y unlabelled is left out
    assert actor["precision_lower_bound"] == round(1 / 3, 4)
    assert actor["unlabelled"] == 1 and actor["unlabelled_examples"] == ["a | Y"]
    assert actor["stale_labels"] == 1  # "Gone" is no longer produced
    assert result["precision"]["location"]["precision"] is None
    assert result["recall"]["location"]["recall"] == 0.5


# ---- the audit on the corpus ------------------------------------------------------------------
def test_sample_is_deterministic(sample, fakes_csv):
    again = audit.load_sample(fakes_csv)
    assert [s.id for s in sample] == [s.id for s in again]
    fakes = [s for s in sample if s.origin == "fakes"]
    assert len(fakes) == audit.FAKES_SAMPLE and len(sample) - len(fakes) >= 30
    assert len({s.id for s in sample}) == len(sample)


def test_labels_refer_to_sampled_articles(sample):
    labels = audit.read_tsv(AUDIT / "labels.tsv", audit.LABEL_COLUMNS)
    expected = audit.read_tsv(AUDIT / "expected.tsv", audit.EXPECTED_COLUMNS)
    assert audit.check_labels(labels, expected, {s.id for s in sample}) == []


def test_audit_reports_every_facet_with_unlabelled_share(report):
    assert report["problems"] == []
    assert report["sample"]["fakes"] == audit.FAKES_SAMPLE
    for facet in audit.FACETS:
        p = report["precision"][facet]
        assert set(p["labels"]) == set(audit.LABEL_KINDS)
        assert sum(p["labels"].values()) == p["labelled"]
        assert p["labelled"] + p["unlabelled"] == p["triples"]
        assert 0 <= p["unlabelled_share"] <= 1
        assert isinstance(p["stale_labels"], int)


@pytest.mark.parametrize("facet", sorted(PRECISION_FLOOR))
def test_precision_floor(report, facet):
    p = report["precision"][facet]
    assert p["precision"] is not None and p["precision"] >= PRECISION_FLOOR[facet], p


@pytest.mark.parametrize("facet", sorted(RECALL_FLOOR))
def test_recall_floor(report, facet):
    r = report["recall"][facet]
    assert r["recall"] >= RECALL_FLOOR[facet], r["missed"]


def test_label_sheet_lists_only_unlabelled_triples(tmp_path):
    current = {"a": [("actor", "X"), ("country", "Syria")], "b": [("location", "Homs, Syria")]}
    labels = [{"article_id": "a", "facet": "actor", "value": "X", "label": "correct", "note": ""}]
    sheet = tmp_path / "sheet.tsv"
    audit.write_tsv(sheet, audit.LABEL_COLUMNS, audit.unlabelled_rows(current, labels))
    rows = audit.read_tsv(sheet, audit.LABEL_COLUMNS)
    assert [(r["article_id"], r["facet"], r["value"], r["label"]) for r in rows] == [
        ("a", "country", "Syria", ""), ("b", "location", "Homs, Syria", "")]
