"""The Reuters-21578 importer, run as a real subprocess on the shared SGML files."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from index.article import Article
from index.readers import iter_reuters_sgml, read_paths
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "import_reuters21578.py"
# "<D>" is left out: Reuters marks company tickers as &lt;D> in the story text itself.
SGML_TAG = re.compile(r"</?(?:REUTERS|TEXT|TITLE|DATELINE|BODY|DATE|PLACES|PEOPLE|ORGS|TOPICS)\b[^>]*>")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def test_import_with_limit(reuters_dir, tmp_path):
    out = tmp_path / "reuters.jsonl"
    done = run(str(reuters_dir), str(out), "--limit", "300")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 300
    assert records[0]["id"] == "reuters-1"
    assert records[0]["title"] == "BAHIA COCOA REVIEW"
    assert records[0]["date"] == "1987-02-26"
    assert records[0]["body"].startswith("SALVADOR, Feb 26 - Showers continued")
    assert records[0]["gold_places"] == ["el-salvador", "usa", "uruguay"]
    assert len({r["id"] for r in records}) == 300
    for record in records:
        assert re.fullmatch(r"reuters-\d+", record["id"])
        assert re.fullmatch(r"1987-\d\d-\d\d", record["date"])
        assert record["source"] == "Reuters" and record["title"] and record["body"]
        assert all(isinstance(record[k], list) for k in ("gold_places", "gold_people", "gold_orgs"))
        assert not SGML_TAG.search(record["body"]) and "&lt;" not in record["body"]
        assert "&#3;" not in record["body"] and "\x03" not in record["body"]
        assert not record["body"].rstrip().lower().endswith("reuter")
    assert any(r["gold_people"] for r in records) and any(r["gold_orgs"] for r in records)
    # The JSONL reader restores gold labels from the gold_* fields.
    back = [a for a in read_paths([out]) if isinstance(a, Article)]
    assert len(back) == 300
    assert back[0].gold == {"places": ["el-salvador", "usa", "uruguay"], "people": [], "orgs": []}


def test_one_file_matches_published_count(reuters_dir):
    # reut2-000.sgm holds NEWIDs 1-1000; stories without a BODY (brief or unprocessed) are left out.
    stories = list(iter_reuters_sgml(reuters_dir / "reut2-000.sgm"))
    assert 900 < len(stories) < 1000
    assert all(1 <= int(s.id.split("-")[1]) <= 1000 for s in stories)


def test_bad_arguments_give_one_line_error(tmp_path):
    done = run(str(tmp_path / "missing"), str(tmp_path / "out.jsonl"))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no .sgm files" in done.stderr
    assert not (tmp_path / "out.jsonl").exists()
