"""Ingest of real-web inputs (issue 9): unread types named, encodings, pages, feeds, archives, PDFs.

Every test writes its own files and, where the claim is about what a user can find,
indexes them with the real `newsfacets index` command or `build_index` and reads
them back through `search.Searcher`.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from index.build import build_index
from search import Searcher

NEWSFACETS = [sys.executable, "-m", "newsfacets.cli"]


def run_index(*args: str) -> subprocess.CompletedProcess:
    """`newsfacets index ARGS` in a child process, as a user runs it."""
    return subprocess.run([*NEWSFACETS, "index", *args], capture_output=True, text=True, env=dict(os.environ))


def test_unread_types_are_counted_and_named_in_the_summary(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "story.txt").write_text("Ceasefire holds in Idlib\n\nThe ceasefire held for a third day.\n")
    (corpus / "report.docx").write_bytes(b"PK\x03\x04 not read")
    (corpus / "sub" / "dump.gz").write_bytes(b"\x1f\x8b")
    (corpus / "sub" / "other.docx").write_bytes(b"PK")
    (corpus / "README").write_text("no extension")
    done = run_index(str(corpus), "--index", str(tmp_path / "ix"), "--workers", "1")
    assert done.returncode == 3, done.stdout + done.stderr
    output = done.stdout + done.stderr
    assert "indexed 1" in output
    assert "ignored 4 files: 2 .docx, 1 (no extension), 1 .gz (types not read)" in output
    assert "skipped 0" not in output
