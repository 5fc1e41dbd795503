"""`newsfacets search`: the console script's search subcommand, on real indexes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import records_index

from newsfacets.cli import main
from search.cli import terminal_text
from search.results import RELAXED_NOTICE

REPO = Path(__file__).resolve().parents[2]

RECORDS = [
    {"id": "c1", "title": "Ceasefire talks in Geneva", "date": "2016-02-10", "source": "Wire B",
     "body": "Diplomats met in Geneva to discuss a ceasefire for the north."},
    {"id": "c2", "title": "Aleppo siege <b>tightens</b>", "date": "2016-08-05", "source": "Wire A",
     "body": "Government forces tightened the siege of Aleppo. \x1b[31mRed\x1b[0m <script>alert(1)</script>"},
    {"id": "c3", "title": "Geneva talks resume", "date": "2017-02-28", "source": "Wire A",
     "body": "Negotiators returned to Geneva as the ceasefire held."},
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    return records_index(tmp_path_factory.mktemp("cli"), RECORDS)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["search", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_listing(capsys, index_dir):
    code, out, err = run(capsys, "geneva ceasefire", "--index", str(index_dir))
    assert code == 0 and err == ""
    assert out.splitlines()[0].startswith("2 results for 'geneva ceasefire'")
    assert "1. Ceasefire talks in *Geneva*" in out or "1. *Ceasefire* talks in *Geneva*" in out
    assert "2016-02-10 · Wire B" in out
    assert "Facets:" in out and "source: Wire A (1), Wire B (1)" in out


def test_json_is_the_api_json(capsys, index_dir):
    code, out, _ = run(capsys, "--json", "siege", "--source", "wire a", "--index", str(index_dir))
    data = json.loads(out)
    assert code == 0 and data["total"] == 1 and data["hits"][0]["id"] == "c2"
    assert {"query", "total", "page", "per_page", "took_ms", "suggestion", "hits", "facets"} <= set(data)


def test_filters_dates_sort_and_paging(capsys, index_dir):
    def ids(*argv):
        code, out, _ = run(capsys, "--json", *argv, "--index", str(index_dir))
        assert code == 0
        return [hit["id"] for hit in json.loads(out)["hits"]]

    assert ids("--sort", "oldest") == ["c1", "c2", "c3"]
    assert ids("--to", "2016") == ["c2", "c1"]
    assert ids("--from", "2016-03", "--to", "2016-12") == ["c2"]
    assert ids("--source", "Wire A", "--source", "Wire B", "--not-source", "Wire A") == ["c1"]
    assert ids("--per-page", "1", "--page", "2", "--sort", "newest") == ["c2"]
    assert ids("date:2017") == ["c3"]


def test_hostile_text_is_inert_in_the_terminal(capsys, index_dir):
    code, out, _ = run(capsys, "siege", "--index", str(index_dir))
    assert code == 0
    assert "\x1b" not in out  # no escape sequences from articles when not on a tty
    assert "<b>tightens</b>" in out  # shown as text, as written
    assert "*siege*" in out


def test_terminal_text():
    markup = "a <mark>b</mark> &lt;script&gt; &amp; c"
    assert terminal_text(markup, tty=False) == "a *b* <script> & c"
    assert terminal_text(markup, tty=True) == "a \x1b[1mb\x1b[0m <script> & c"


def test_suggestion_is_shown(capsys, index_dir):
    code, out, _ = run(capsys, "genva", "--index", str(index_dir))
    assert code == 0
    assert "Did you mean: geneva" in out and "close spellings" in out


def test_relaxed_search_says_so(capsys, index_dir):
    code, out, _ = run(capsys, "ceasefire aleppo siege", "--index", str(index_dir))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("3 results") and lines[1] == RELAXED_NOTICE
    _, strict, _ = run(capsys, "geneva ceasefire talks", "--index", str(index_dir))
    assert strict.splitlines()[0].startswith("2 results") and RELAXED_NOTICE not in strict
    _, as_json, _ = run(capsys, "--json", "ceasefire aleppo siege", "--index", str(index_dir))
    assert json.loads(as_json)["relaxed"] is True


@pytest.mark.parametrize("argv, message", [
    (["date:2016-13"], "no such month"),
    (["*eneva"], "wildcard"),
    (["--from", "someday"], "bad date"),
    (["--page", "0"], "page"),
    (["--per-page", "1000"], "per_page"),
])
def test_bad_queries_exit_2_with_one_line(capsys, index_dir, argv, message):
    code, out, err = run(capsys, *argv, "--index", str(index_dir))
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_index_exits_1(capsys, tmp_path):
    code, out, err = run(capsys, "geneva", "--index", str(tmp_path / "nothing"))
    assert code == 1 and out == ""
    assert "no index" in err and err.count("\n") == 1


def test_console_script_in_a_subprocess(index_dir):
    env = {**os.environ, "PYTHONPATH": str(REPO), "NEWSFACETS_INDEX": str(index_dir)}
    done = subprocess.run([sys.executable, "-m", "newsfacets.cli", "search", "aleppo", "--json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["hits"][0]["id"] == "c2"
    bad = subprocess.run([sys.executable, "-m", "newsfacets.cli", "search", "--sort", "sideways"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_sample_corpus(capsys, sample_index):
    """examples/corpus (the session's sample index): a word, a country filter and an exclusion."""
    code, out, _ = run(capsys, "--json", "palmyra", "--country", "syria", "--index", str(sample_index))
    data = json.loads(out)
    assert code == 0 and data["total"] >= 2
    ids = [hit["id"] for hit in data["hits"]]
    assert {"html/2015-05-21-palmyra-captured", "html/2016-03-27-palmyra-retaken"} <= set(ids)
    assert all("<mark>" in hit["snippet"] or "<mark>" in hit["title_html"] for hit in data["hits"])
    code, out, _ = run(capsys, "--json", "palmyra", "--country", "syria", "--not-actor", "Hezbollah",
                       "--index", str(sample_index))
    assert code == 0 and "html/2016-03-27-palmyra-retaken" not in [hit["id"] for hit in json.loads(out)["hits"]]
