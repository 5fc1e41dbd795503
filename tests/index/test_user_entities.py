"""A user's entities file merges with the shipped actors whatever the capitalisation.

README "Facets": a user entry for a shipped name adds its aliases to that actor. Names
are compared by `name_key` (case, accents, "al-" folded), so "Bashar Al-Assad" or
"ISLAMIC STATE" in the user's file is the shipped "Bashar al-Assad" / "Islamic State":
a shipped alias and the user's alias must give one facet value, not two. Built by the
real indexer, read back through the real `Searcher`. The file reaches the indexer as
`build_index(entities=...)` and `newsfacets index --entities FILE`, and a missing or bad
one is refused before any work.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.build import build_index
from index.entities.actors import name_key
from index.store import open_index
from search.searcher import Searcher

ENTITIES = """\
- {name: Bashar Al-Assad, type: person, aliases: [Abu Hafez]}
- {name: ISLAMIC STATE, type: armed_group, aliases: [Tanzim al-Dawla]}
"""
ARTICLES = {
    "user-alias-person.txt": "Statement\n\nAbu Hafez addressed parliament in Damascus on Sunday.",
    "shipped-alias-person.txt": "Speech\n\nAssad addressed parliament in Damascus on Monday.",
    "user-alias-group.txt": "Claim\n\nTanzim al-Dawla fighters attacked a checkpoint near Raqqa on Friday.",
    "shipped-alias-group.txt": "Report\n\nDaesh fighters attacked a checkpoint near Raqqa on Saturday.",
}


def _corpus(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    entities = tmp_path / "entities.yaml"
    entities.write_text(ENTITIES, encoding="utf-8")
    return corpus, entities


@pytest.fixture()
def index_dir(tmp_path: Path, monkeypatch) -> Path:
    corpus, entities = _corpus(tmp_path)
    monkeypatch.delenv("NEWSFACETS_ENTITIES", raising=False)  # passed explicitly, as the CLI does
    report = build_index([corpus], tmp_path / "index", workers=2, entities=entities)
    assert report.status == "ok" and report.indexed == 4
    return tmp_path / "index"


def _newsfacets_index(*args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "NEWSFACETS_ENTITIES"}
    return subprocess.run([sys.executable, "-m", "newsfacets.cli", "index", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_entities_flag_reaches_the_workers(tmp_path: Path):
    corpus, entities = _corpus(tmp_path)
    result = _newsfacets_index(str(corpus), "--index", str(tmp_path / "index"), "--entities", str(entities),
                               "--workers", "2")
    assert result.returncode == 0, result.stderr
    actors = _actors(tmp_path / "index")
    for user_doc, shipped_doc, shipped in (("user-alias-person", "shipped-alias-person", "Bashar al-Assad"),
                                           ("user-alias-group", "shipped-alias-group", "Islamic State")):
        assert actors[user_doc] == actors[shipped_doc]  # the user's alias was known to the worker
        assert [name_key(actor) for actor in actors[user_doc]] == [name_key(shipped)]


@pytest.mark.parametrize("content, reason", [
    (None, "error: entities file {path} does not exist"),
    ("- {name: Foo\n  bad: [", "error: actor dictionary {path} is not valid YAML"),
    ("- {type: person}\n", "error: actor entry needs a 'name'"),
], ids=["missing", "not-yaml", "no-name"])
def test_a_missing_or_bad_entities_file_is_refused_before_any_work(tmp_path: Path, content, reason):
    corpus, _ = _corpus(tmp_path)
    path = tmp_path / "mine.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = _newsfacets_index(str(corpus), "--index", str(tmp_path / "index"), "--entities", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(reason.format(path=path)), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "index").exists()  # not even the lock: nothing was started


def _actors(index_dir: Path) -> dict[str, list[str]]:
    with open_index(index_dir).searcher() as whoosh_searcher:
        return {fields["id"]: fields["actor"] for fields in whoosh_searcher.all_stored_fields()}


@pytest.mark.parametrize("shipped, user_doc, shipped_doc, kind", [
    ("Bashar al-Assad", "user-alias-person", "shipped-alias-person", "person"),
    ("Islamic State", "user-alias-group", "shipped-alias-group", "armed_group"),
])
def test_user_entry_in_other_capitalisation_merges_with_the_shipped_actor(index_dir, shipped, user_doc, shipped_doc,
                                                                          kind):
    actors = _actors(index_dir)
    merged = [a for a in actors[user_doc] if name_key(a) == name_key(shipped)]
    assert len(merged) == 1, actors[user_doc]  # the user's alias found the actor
    value = merged[0]
    assert value in actors[shipped_doc], actors[shipped_doc]  # the shipped alias gives the same value
    assert not [a for a in actors[shipped_doc] + actors[user_doc] if name_key(a) == name_key(shipped) and a != value]
    with Searcher(index_dir) as searcher:
        facet = {v["value"]: v["count"] for v in searcher.search("", facet_size=100).facets["actor"]}
        assert facet[value] == 2
        assert searcher.search("", actor=[shipped], collapse="none").total == 2
        with open_index(index_dir).searcher() as whoosh_searcher:
            fields = [f for f in whoosh_searcher.all_stored_fields() if f["id"] in (user_doc, shipped_doc)]
            types = [f["actor_types"].get(value) for f in fields]
        assert types == [kind, kind]
