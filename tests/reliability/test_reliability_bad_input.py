"""Hostile and broken files through the real `newsfacets index` (issue 5, "Bad input").

One indexing run over the generated corpus (tests/hostile.py) is shared by the checks:
each readable article is in the index, each other file is named in the summary with a
reason, the exit code says "partial", no traceback, and memory stays bounded.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from hostile import TRACEBACK, Finished, run_newsfacets, stored_documents, write_hostile_corpus, write_unreadable

EXIT_PARTIAL = 3
MAX_PEAK_RSS_MIB = 1024


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    corpus = write_hostile_corpus(root / "corpus")
    index_dir = root / "index"
    finished = run_newsfacets("index", str(corpus.root), "--index", str(index_dir), "--workers", "2", timeout=150)
    return corpus, index_dir, finished


def _skipped_lines(finished: Finished, *, ignore: str | None = None) -> dict[str, str]:
    """`skipped PATH: REASON` summary lines, by path (`ignore`: a path checked elsewhere)."""
    found = {}
    for line in finished.stdout.splitlines():
        match = re.match(r"skipped (.+?): (.+)$", line)
        if match and match.group(1) != ignore:
            found[match.group(1)] = match.group(2)
    return found


def _documents(corpus, index_dir) -> dict[str, dict]:
    """Stored documents, without the one-line article (it has its own test)."""
    documents = stored_documents(index_dir)
    documents.pop(corpus.one_line[1], None)
    return documents


def test_exit_code_says_partial_without_traceback(indexed):
    _, _, finished = indexed
    assert TRACEBACK not in finished.output
    assert finished.returncode == EXIT_PARTIAL, finished.output


def test_every_readable_article_is_indexed(indexed):
    corpus, index_dir, finished = indexed
    documents = _documents(corpus, index_dir)
    missing = sorted(set(corpus.articles) - set(documents))
    assert not missing, f"readable articles not indexed: {missing}\n{finished.stdout}"
    for article_id, marker in corpus.articles.items():
        text = (documents[article_id]["title"] + " " + documents[article_id]["body"]).lower()
        assert marker in text, f"{article_id}: marker {marker!r} not in its stored text"


def test_nothing_unreadable_reaches_the_index(indexed):
    corpus, index_dir, _ = indexed
    documents = _documents(corpus, index_dir)
    assert set(documents) == set(corpus.articles), f"unexpected documents: {sorted(set(documents) - set(corpus.articles))}"


def test_every_other_file_is_named_with_its_reason(indexed):
    corpus, _, finished = indexed
    reported = _skipped_lines(finished, ignore=str(corpus.root / corpus.one_line[0]))
    for name, words in corpus.skipped.items():
        lines = {path: reason for path, reason in reported.items() if path == str(corpus.root / name)}
        assert lines, f"{name} not reported as skipped:\n{finished.stdout}"
        reason = next(iter(lines.values())).lower()
        assert any(word in reason for word in words), f"{name}: reason {reason!r} should mention one of {words}"
    assert len(reported) == len(corpus.skipped), f"unexpected skips: {sorted(set(reported) - {str(corpus.root / n) for n in corpus.skipped})}"


def test_a_file_of_one_5_mb_line_is_indexed(indexed):
    """A story scraped without line breaks is still a story: its text is the body."""
    corpus, index_dir, finished = indexed
    name, article_id, marker = corpus.one_line
    assert str(corpus.root / name) not in _skipped_lines(finished), finished.stdout
    document = stored_documents(index_dir).get(article_id)
    assert document is not None
    assert marker in (document["title"] + document["body"]).lower()
    assert len(document["body"]) > 100_000


def test_legacy_encodings_are_decoded_not_mangled(indexed):
    _, index_dir, _ = indexed
    documents = stored_documents(index_dir)
    assert "Le café à Montréal coûte cher." in documents["latin1"]["body"]
    assert "\u201cthe \u20ac price\u201d" in documents["cp1252"]["body"]
    assert "Na\u00efve caf\u00e9" in documents["bad_utf8"]["body"]


def test_script_and_handlers_are_not_article_text(indexed):
    corpus, index_dir, _ = indexed
    scripted = stored_documents(index_dir)["scripted"]
    text = scripted["title"] + scripted["body"]
    for word in corpus.forbidden:
        assert word not in text
    assert "hostileonload" not in text and "hostilejsurl" not in text


def test_memory_stays_bounded_with_a_50_mb_article(indexed):
    _, _, finished = indexed
    assert finished.peak_rss_mib < MAX_PEAK_RSS_MIB, f"peak RSS {finished.peak_rss_mib:.0f} MiB"


def test_unreadable_file_and_folder_are_reported(tmp_path):
    """Permission denied on a file and on a folder: both named, the rest indexed.

    Root reads everything, so as root the indexer runs without the capabilities that
    bypass file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), via setpriv.
    """
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root and setpriv (util-linux) is missing: mode 000 cannot bite")
        drop = "-dac_override,-dac_read_search"
        prefix = ("setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}", "--")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "fine.txt").write_text("Permissions fine\n\nThis article is readable by everyone.\n", encoding="utf-8")
    secret, closed = write_unreadable(corpus)
    try:
        finished = run_newsfacets("index", str(corpus), "--index", str(tmp_path / "index"), "--workers", "2",
                                  timeout=60, prefix=prefix)
    finally:
        secret.chmod(0o644)
        closed.chmod(0o755)
    assert TRACEBACK not in finished.output
    assert finished.returncode == EXIT_PARTIAL, finished.output
    reported = _skipped_lines(finished)
    assert "permission" in reported.get(str(secret), "").lower(), finished.stdout
    assert "permission" in reported.get(str(closed), "").lower(), finished.stdout
    assert set(stored_documents(tmp_path / "index")) == {"fine"}
