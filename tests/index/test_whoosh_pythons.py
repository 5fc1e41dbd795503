"""The pinned Whoosh, with warnings as errors, on this Python and on others.

`tests/whoosh_check.py` (standalone: needs only whoosh) imports every Whoosh module
index/ and search/ use and exercises the internals we rely on (a worker's
`_finalize_segment`, the parent's `_commit_toc`, `W3LeafMatcher._read_ids`,
`_read_weights`, `_next_block`). Run here in this interpreter, and in any interpreters
listed in NEWSFACETS_WHOOSH_PYTHONS (os.pathsep-separated python executables that have
whoosh installed, e.g. throwaway venvs of Python 3.12 and 3.13); those tests skip otherwise.

Two ways to import: from the installed .pyc files (what users get: pip compiles at
install time) and compiled from source (`-X pycache_prefix` to an empty folder), which
is where Whoosh 2.7.4's invalid escape sequences ("\\w" in plain strings) turn into
SyntaxError under `-W error` on Python 3.11 to 3.13.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CHECK = Path(__file__).parents[1] / "whoosh_check.py"
OTHER_PYTHONS = [p for p in os.environ.get("NEWSFACETS_WHOOSH_PYTHONS", "").split(os.pathsep) if p]


def run_check(python: str, tmp_path: Path, *, from_source: bool) -> subprocess.CompletedProcess:
    argv = [python, "-W", "error"]
    if from_source:
        argv += ["-X", f"pycache_prefix={tmp_path / 'pycache'}"]
    return subprocess.run([*argv, str(CHECK)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONWARNINGS")})


def _whoosh_version(python: str) -> str:
    done = subprocess.run([python, "-c", "import whoosh; print(whoosh.versionstring())"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_whoosh_internals_with_warnings_as_errors(tmp_path):
    done = run_check(sys.executable, tmp_path, from_source=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok ")


def test_whoosh_compiles_from_source_with_warnings_as_errors(tmp_path):
    """Why we pin whoosh-reloaded 2.7.5: Whoosh 2.7.4 fails exactly this (SyntaxError)."""
    assert _whoosh_version(sys.executable) == "2.7.5"
    done = run_check(sys.executable, tmp_path, from_source=True)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.skipif(not OTHER_PYTHONS,
                    reason="set NEWSFACETS_WHOOSH_PYTHONS to python executables with whoosh installed")
@pytest.mark.parametrize("python", OTHER_PYTHONS)
@pytest.mark.parametrize("from_source", [False, True], ids=["installed-pyc", "from-source"])
def test_whoosh_on_other_pythons(python, from_source, tmp_path):
    done = run_check(python, tmp_path, from_source=from_source)
    assert done.returncode == 0, f"whoosh {_whoosh_version(python)}: " + done.stderr[-2000:]
    assert done.stdout.startswith("ok ")
