"""The indexer end to end: real files in, a real Whoosh index on disk out."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index import store
from index.build import build_index
from index.store import IndexBusy, IndexMissing, build_lock, current_generation, open_index

NEWSFACETS = [sys.executable, "-m", "newsfacets.cli"]


def stored(index_dir: Path) -> dict[str, dict]:
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        return {fields["id"]: fields for fields in searcher.all_stored_fields()}


def run_index(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`newsfacets index ARGS` in a child process, as a user runs it."""
    return subprocess.run([*NEWSFACETS, "index", *args], capture_output=True, text=True, env={**os.environ, **env})


def write_articles(folder: Path, articles: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_seeds_index_with_stable_ids_titles_dates_and_facets(seeds_dir, tmp_path):
    report = build_index([seeds_dir], tmp_path / "ix", workers=2)
    assert report.status == "ok" and report.indexed == 5
    docs = stored(tmp_path / "ix")
    assert set(docs) == {p.stem for p in seeds_dir.glob("*.txt")}
    first = docs["000_10c9a217b4c4d965"]
    assert first["title"].startswith("Pro-Iran militias warn of forceful response")
    assert docs["001_88ebea6c751ab514"]["published"] == "2020-01-15"
    assert "advertisement" not in docs["001_88ebea6c751ab514"]["title"]
    assert "Israel" in first["actor"]
    assert any(value.startswith("Palmyra") for value in first["location"])
    assert "Syria" in first["country"]
    # A rebuild gives the same ids.
    build_index([seeds_dir], tmp_path / "ix", workers=1)
    assert set(stored(tmp_path / "ix")) == set(docs)


def test_incremental_adds_changes_and_removes(tmp_path):
    corpus = tmp_path / "corpus"
    write_articles(corpus, {
        "a.txt": "Ceasefire agreed in Idlib\n\nTurkey and Russia agreed a ceasefire in Idlib province.",
        "b.txt": "Aid convoy reaches Aleppo\n\nA United Nations convoy reached Aleppo on Monday.",
    })
    build_index([corpus], tmp_path / "ix", workers=1)
    before = current_generation(tmp_path / "ix")
    (corpus / "a.txt").write_text("Ceasefire collapses in Idlib\n\nFighting resumed in Idlib.", encoding="utf-8")
    (corpus / "b.txt").unlink()
    (corpus / "c.txt").write_text("Talks resume in Geneva\n\nDelegations met in Geneva.", encoding="utf-8")
    report = build_index([corpus], tmp_path / "ix", incremental=True, workers=1)
    assert (report.indexed, report.unchanged, report.removed) == (2, 0, 1)
    docs = stored(tmp_path / "ix")
    assert set(docs) == {"a", "c"}
    assert docs["a"]["title"] == "Ceasefire collapses in Idlib"
    # The previous generation shares files with the new one (hard links) yet still reads as it was.
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(before)).searcher() as old:
        assert {f["id"]: f["title"] for f in old.all_stored_fields()}["a"] == "Ceasefire agreed in Idlib"
        assert old.doc_count() == 2
    again = build_index([corpus], tmp_path / "ix", incremental=True, workers=1)
    assert (again.indexed, again.unchanged, again.removed) == (0, 2, 0)
    assert again.status == "ok"


def test_failed_build_keeps_the_live_index(tmp_path):
    corpus = tmp_path / "corpus"
    write_articles(corpus, {"a.txt": "Headline\n\nSome body text about Damascus."})
    build_index([corpus], tmp_path / "ix", workers=1)
    live = current_generation(tmp_path / "ix")
    empty = tmp_path / "empty"
    write_articles(empty, {"broken.txt": ""})
    report = build_index([empty], tmp_path / "ix", workers=1)
    assert report.status == "failed"
    assert current_generation(tmp_path / "ix") == live
    assert set(stored(tmp_path / "ix")) == {"a"}


def test_publish_keeps_previous_generation_and_sweeps_temporaries(tmp_path):
    corpus = tmp_path / "corpus"
    write_articles(corpus, {"a.txt": "Headline\n\nBody text about Homs."})
    index_dir = tmp_path / "ix"
    build_index([corpus], index_dir, workers=1)
    first = current_generation(index_dir)
    (index_dir / "gen-leftover.tmp").mkdir()
    build_index([corpus], index_dir, workers=1)
    second = current_generation(index_dir)
    build_index([corpus], index_dir, workers=1)
    third = current_generation(index_dir)
    assert len({first, second, third}) == 3
    names = {p.name for p in index_dir.iterdir() if p.name.startswith(store.PREFIX)}
    assert names == {second.name, third.name}


def test_second_builder_is_refused(tmp_path):
    index_dir = tmp_path / "ix"
    with build_lock(index_dir):
        with pytest.raises(IndexBusy, match="another indexer"):
            build_index([tmp_path], index_dir, workers=1)


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissing, match="no index at"):
        open_index(tmp_path / "nothing")


def test_cli_reports_partial_with_reasons(tmp_path):
    corpus = tmp_path / "corpus"
    write_articles(corpus, {
        "good.txt": "Strike near Damascus\n\nMissiles hit a depot near Damascus airport.",
        "empty.txt": "",
        "feed.jsonl": json.dumps({"id": "j1", "title": "T", "body": "Body about Raqqa."}) + "\n{not json\n",
    })
    result = run_index(str(corpus), "--index", str(tmp_path / "ix"), "--workers", "1", PYTHONWARNINGS="ignore")
    assert result.returncode == 3, result.stderr
    assert "indexed 2" in result.stdout
    assert "empty.txt" in result.stdout and "feed.jsonl:2" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_fails_cleanly_on_missing_path(tmp_path):
    result = run_index(str(tmp_path / "nope"), "--index", str(tmp_path / "ix"))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: no such file or folder")
    assert "Traceback" not in result.stderr


def test_cli_refuses_a_broken_user_entities_file(tmp_path):
    corpus = tmp_path / "corpus"
    write_articles(corpus, {"a.txt": "Headline\n\nBody text about Homs."})
    entities = tmp_path / "entities.yaml"
    entities.write_text("- {name: Foo\n  bad: [", encoding="utf-8")
    result = run_index(str(corpus), "--index", str(tmp_path / "ix"), NEWSFACETS_ENTITIES=str(entities))
    assert result.returncode == 2  # refused before any work, as a bad --entities is
    assert result.stderr.strip().startswith(f"error: actor dictionary {entities} is not valid YAML")
    assert len(result.stderr.strip().splitlines()) == 1
    assert current_generation(tmp_path / "ix") is None


def test_user_entities_file_adds_aliases(tmp_path):
    corpus = tmp_path / "corpus"
    write_articles(corpus, {"a.txt": "Statement\n\nThe Orontes Valley Council said the LVC convoy was delayed."})
    entities = tmp_path / "entities.yaml"
    entities.write_text("- {name: Orontes Valley Council, type: organisation, aliases: [LVC]}\n", encoding="utf-8")
    result = run_index(str(corpus), "--index", str(tmp_path / "ix"), "--workers", "1",
                       NEWSFACETS_ENTITIES=str(entities))
    assert result.returncode == 0, result.stderr
    assert stored(tmp_path / "ix")["a"]["actor"] == ["Orontes Valley Council"]


REUTERS_COUNTRY = {"usa": "United States", "uk": "United Kingdom", "west-germany": "Germany", "japan": "Japan",
                   "canada": "Canada", "france": "France", "brazil": "Brazil", "australia": "Australia"}


def test_reuters_sample_indexes_with_dates_and_country_facets(reuters_dir, tmp_path):
    """Gold PLACES stay out of the index; the extracted country facet should still agree with them."""
    from index.readers import iter_reuters_sgml

    articles = [a for a, _ in zip(iter_reuters_sgml(reuters_dir / "reut2-000.sgm"), range(300), strict=False)]
    corpus = tmp_path / "reuters.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps({"id": article.id, "title": article.title, "body": article.body,
                                     "date": article.date, "source": article.source}) + "\n")
    report = build_index([corpus], tmp_path / "ix", workers=2)
    assert report.status == "ok" and report.indexed == len(articles)
    docs = stored(tmp_path / "ix")
    assert docs["reuters-1"]["title"] == "BAHIA COCOA REVIEW"
    assert docs["reuters-1"]["published"] == "1987-02-26"
    assert "Brazil" in docs["reuters-1"]["country"]
    assert all(doc["source"] == ["Reuters"] for doc in docs.values())
    gold = [(a.id, REUTERS_COUNTRY[p]) for a in articles for p in a.gold["places"] if p in REUTERS_COUNTRY]
    found = sum(country in docs[article_id]["country"] for article_id, country in gold)
    assert found / len(gold) > 0.85
    assert "gold" not in json.dumps(docs["reuters-1"])


def test_fakes_indexes_with_governorates_as_locations(fakes_csv, tmp_path):
    import csv

    report = build_index([fakes_csv], tmp_path / "ix", workers=2)
    # FA-KES repeats some unit_ids; the repeats are reported, the rest indexed.
    assert report.indexed > 780 and all("duplicate id" in s.reason for s in report.skipped)
    docs = stored(tmp_path / "ix")
    with fakes_csv.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = {row["unit_id"]: row for row in csv.DictReader(handle)}
    some = docs[next(iter(rows))]
    assert some["published"] and len(some["published"]) == 10
    hits = sum(
        any(rows[doc_id]["location"].split()[0].lower() in value.lower() for value in doc["location"])
        for doc_id, doc in docs.items()
    )
    assert hits / len(docs) > 0.7


def test_rebuild_script_is_the_same_command(tmp_path):
    corpus = tmp_path / "corpus"
    write_articles(corpus, {"a.txt": "Headline\n\nBody text about Hama."})
    script = Path(__file__).resolve().parents[2] / "scripts" / "rebuild_index.py"
    first = subprocess.run(
        [sys.executable, str(script), str(corpus), "--index", str(tmp_path / "ix"), "--workers", "1"],
        capture_output=True, text=True)
    again = subprocess.run([sys.executable, str(script), str(corpus), "--index", str(tmp_path / "ix"), "--incremental"],
                           capture_output=True, text=True)
    assert first.returncode == 0 and "indexed 1," in first.stdout, first.stderr
    assert again.returncode == 0 and "indexed 0, unchanged 1" in again.stdout, again.stderr


def test_progress_bar_on_a_terminal(tmp_path):
    """On a terminal the indexer shows a tqdm bar with a rate; the summary still goes to stdout."""
    import fcntl
    import pty
    import struct
    import termios

    corpus = tmp_path / "corpus"
    write_articles(corpus, {f"{n}.txt": f"Headline {n}\n\nBody text {n} about Idlib." for n in range(5)})
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a real terminal's size
    result = subprocess.run([*NEWSFACETS, "index", str(corpus), "--index", str(tmp_path / "ix"), "--workers", "1"],
                            stdout=subprocess.PIPE, stderr=terminal, text=True)
    os.close(terminal)
    shown = b""
    try:
        while chunk := os.read(controller, 65536):
            shown += chunk
    except OSError:  # the terminal closed: everything has been read
        pass
    os.close(controller)
    assert result.returncode == 0
    assert b"5 articles" in shown and b"articles/s" in shown
    assert "indexed 5," in result.stdout


def test_an_id_too_long_for_a_url_is_skipped_with_its_reason(tmp_path):
    from index.article import MAX_ID_LENGTH

    corpus = tmp_path / "corpus"
    records = [{"id": "x" * (MAX_ID_LENGTH + 1), "title": "T", "body": "Body about Homs."},
               {"id": "ok", "title": "T", "body": "Body about Hama."}]
    write_articles(corpus, {"feed.jsonl": "\n".join(json.dumps(r) for r in records) + "\n"})
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert report.indexed == 1 and set(stored(tmp_path / "ix")) == {"ok"}
    assert [s.reason for s in report.skipped] == [f"id longer than {MAX_ID_LENGTH} characters"]


def test_each_terms_length_statistics_are_those_of_the_documents_it_is_in(tmp_path):
    """BM25F's block bounds come from each posting's document length, which the workers keep as
    they add documents (`index.segments.SegmentBuilder`): the shortest and longest document a
    term's postings record must be those of the documents really holding it."""
    words = ["harbour", "council", "budget", "ferry", "vote", "mayor", "storm", "port", "union", "wages"]
    write_articles(tmp_path / "in", {
        f"story-{n:02d}.txt": f"Story {n} on the {words[n % 10]}\n\n" + " ".join(words[: 3 + n % 8] * (1 + n % 5))
        for n in range(40)})
    build_index([tmp_path / "in"], tmp_path / "ix", workers=2)
    with open_index(tmp_path / "ix").reader() as reader:
        checked = 0
        for field in ("title", "body", "exact"):
            for term in reader.lexicon(field):
                docs = reader.postings(field, term).all_ids()
                lengths = [reader.doc_field_length(doc, field) for doc in docs]
                info = reader.term_info(field, term)
                assert (info.min_length(), info.max_length()) == (min(lengths), max(lengths)), (field, term)
                checked += 1
    assert checked > 30
