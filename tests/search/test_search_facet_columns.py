"""Facet arrays are read from each segment's column (`index.columns.facet_documents`), and agree
with the postings they replace, deletions included."""
from __future__ import annotations

import json
from pathlib import Path

from whoosh import index as whoosh_index

from index.build import build_index
from index.columns import facet_documents
from index.schema import FACET_FIELDS
from index.store import current_generation

RECORDS = [
    {"id": f"r{n}", "title": f"Report {n}", "source": f"Wire {n % 3}",
     "body": text}
    for n, text in enumerate([
        "Israeli warplanes struck near Damascus; Bashar al-Assad's government protested.",
        "Turkey and Russia agreed a ceasefire in Idlib, Recep Tayyip Erdogan said in Moscow.",
        "The United Nations sent an aid convoy to Aleppo.",
        "Hezbollah fighters moved toward Homs, the Syrian Observatory for Human Rights said.",
        "Talks in Geneva ended without agreement.",
    ])
]


def write(folder: Path, records: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


def as_sets(found: dict) -> dict[str, set[int]]:
    return {value: set(ids.tolist()) for value, ids in found.items()}


def from_postings(leaf, name: str) -> dict[str, set[int]]:
    """Live documents per value, read the slow way: one posting list per value (Whoosh hides deleted ones)."""
    found = {}
    for term in leaf.lexicon(name):
        value = term.decode("utf-8")
        ids = set(leaf.postings(name, value).all_ids())
        if ids:
            found[value] = ids
    return found


def test_columns_agree_with_postings_with_deletions(tmp_path):
    corpus = write(tmp_path / "corpus", RECORDS)
    build_index([corpus], tmp_path / "ix", workers=2)
    write(tmp_path / "corpus", [r for r in RECORDS if r["id"] != "r0"])  # r0 deleted on the next build
    build_index([corpus], tmp_path / "ix", incremental=True, workers=1)
    reader = whoosh_index.open_dir(str(current_generation(tmp_path / "ix"))).reader()
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    assert any(leaf.has_deletions() for leaf in leaves)
    seen = set()
    for leaf in leaves:
        for name in FACET_FIELDS:
            assert leaf.has_column(name)
            from_column = as_sets(facet_documents(leaf, name))
            assert from_column == from_postings(leaf, name)
            seen.update(from_column)
    assert {"Bashar al-Assad", "Wire 0"} & seen == {"Wire 0"}  # r0's actor went with it
    assert "Recep Tayyip Erdogan" in seen
