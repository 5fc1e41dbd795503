"""A user's entities file merges with the shipped actors whatever the capitalisation.

README "Facets": a user entry for a shipped name adds its aliases to that actor. Names
are compared by `name_key` (case, accents, "al-" folded), so "Bashar Al-Assad" or
"ISLAMIC STATE" in the user's file is the shipped "Bashar al-Assad" / "Islamic State":
a shipped alias and the user's alias must give one facet value, not two. Built by the
real indexer, read back through the real `Searcher`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from index.build import build_index
from index.entities import extractor as extractor_module
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


@pytest.fixture()
def index_dir(tmp_path: Path, monkeypatch) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    entities = tmp_path / "entities.yaml"
    entities.write_text(ENTITIES, encoding="utf-8")
    monkeypatch.setenv("NEWSFACETS_ENTITIES", str(entities))
    extractor_module.default_extractor.cache_clear()
    try:
        report = build_index([corpus], tmp_path / "index", workers=1)
    finally:
        monkeypatch.delenv("NEWSFACETS_ENTITIES")
        extractor_module.default_extractor.cache_clear()
    assert report.status == "ok" and report.indexed == 4
    return tmp_path / "index"


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
