"""scripts/eval_entities.py end to end on small slices of the shared corpora."""
from __future__ import annotations

import json
import subprocess
import sys

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

SCRIPT = REPO_ROOT / "scripts" / "eval_entities.py"


def run(*args: str) -> dict:
    done = subprocess.run([sys.executable, str(SCRIPT), *args, "--json"], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_conll_shape(conll_dir):
    out = run("--only", "conll", "--conll", str(conll_dir / "eng.testa"), "--limit", "20")
    assert set(out) == {"conll"}
    assert set(out["conll"]) == {"PER", "ORG", "LOC"}
    for scores in out["conll"].values():
        assert set(scores) == {"P", "R", "F1"} and all(0 <= v <= 1 for v in scores.values())
    assert out["conll"]["LOC"]["F1"] > 0.5


# Floors at ~90% of the figures in docs/QUALITY.md (CoNLL PER 0.81, ORG 0.66, LOC 0.86; Reuters
# country F1 0.82; FA-KES governorate recall 0.949), on the full CoNLL eng.testa and FA-KES.
FLOORS = {"PER": 0.73, "ORG": 0.59, "LOC": 0.77, "reuters F1": 0.74, "fakes recall": 0.85}


def test_conll_floors(conll_dir):
    out = run("--only", "conll", "--conll", str(conll_dir / "eng.testa"))["conll"]
    for kind in ("PER", "ORG", "LOC"):
        assert out[kind]["F1"] >= FLOORS[kind], (kind, out[kind])


def test_fakes_floor(fakes_csv):
    out = run("--only", "fakes", "--fakes", str(fakes_csv))["fakes"]
    assert out["docs"] == 804 and out["recall"] >= FLOORS["fakes recall"], out


def test_fakes_shape(fakes_csv):
    out = run("--only", "fakes", "--fakes", str(fakes_csv), "--limit", "40")
    assert set(out["fakes"]) == {"recall", "docs"} and out["fakes"]["docs"] == 40
    assert 0.5 < out["fakes"]["recall"] <= 1


def test_reuters_floor(reuters_dir):
    out = run("--only", "reuters", "--reuters", str(reuters_dir), "--limit", "300")
    scores = out["reuters"]
    assert set(scores) == {"P", "R", "F1", "docs"} and scores["docs"] == 300
    assert all(0 <= scores[k] <= 1 for k in ("P", "R", "F1"))
    assert scores["F1"] >= FLOORS["reuters F1"]


def test_missing_corpus_is_a_one_line_error(tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPT), "--only", "fakes", "--fakes", str(tmp_path / "nope.csv")],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not found" in done.stderr
