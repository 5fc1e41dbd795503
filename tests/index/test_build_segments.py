"""The indexer's segment writer: the same segment files as Whoosh's own writer, and the same mapped postings."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.writing import SegmentWriter

from index.article import Article
from index.columns import load_file
from index.document import to_document
from index.entities import Entities
from index.entities.model import Place
from index.postings import SegmentPostings, file_name, segment_postings
from index.schema import index_schema
from index.segments import SegmentBuilder

SEGMENT_ID = "fixedsegment0001"


class _FixedNameCodec(W3Codec):
    """Whoosh's codec with one segment name, so two writers' files can be compared by name."""

    def new_segment(self, storage, indexname):
        return W3Segment(self, indexname, segid=SEGMENT_ID)


def _documents(count: int, seed: int) -> list[dict]:
    """Documents as the indexer makes them, from made-up words with a long-tailed frequency (so terms
    span one posting, several blocks and the mapped-postings threshold), accents, repeats and facets."""
    rng = random.Random(seed)
    words = [f"w{n}" for n in range(400)] + ["caf\u00e9", "na\u00efve", "\u00fcber", "b\u00e6r"]
    weights = [1 / (rank + 1) for rank in range(len(words))]
    places = [Place(None, f"Town{n}", f"Land{n % 3}", f"Town{n}, Land{n % 3}", division=f"Shire{n % 4}")
              for n in range(6)]
    documents = []
    for number in range(count):
        body = " ".join(rng.choices(words, weights, k=rng.randint(0, 120)))
        title = " ".join(rng.choices(words, weights, k=rng.randint(1, 8))).title()
        article = Article(id=f"doc-{number}", title=title, body=body, source=rng.choice(["Outlet A", "Outlet B", None]),
                          date=f"20{10 + number % 10}-0{1 + number % 9}-1{number % 10}")
        entities = Entities(actors=tuple(rng.sample([f"Person {n}" for n in range(8)], rng.randint(0, 3))),
                            places=tuple(rng.sample(places, rng.randint(0, 2))),
                            countries=tuple(rng.sample(["Land0", "Land1", "Land2"], rng.randint(0, 2))),
                            mentioned_dates=("2011", "2012-03") if number % 7 == 0 else ())
        documents.append(to_document(article, entities))
    return documents


def _write(directory: Path, writer_class, documents: list[dict], **options) -> None:
    directory.mkdir(exist_ok=True)
    whoosh_index.create_in(str(directory), index_schema())
    writer = writer_class(whoosh_index.open_dir(str(directory)), _lk=False, codec=_FixedNameCodec(), compound=False,
                          **options)
    for document in documents:
        writer.add_document(**document)
    segment = writer._finalize_segment()
    writer._commit_toc([segment])


def _segment_files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in directory.iterdir() if path.name.startswith(f"MAIN_{SEGMENT_ID}")}


@pytest.mark.parametrize("limitmb", [128, 1], ids=["in memory", "spilled to runs"])
def test_builder_writes_the_files_whooshs_writer_writes(tmp_path, limitmb):
    documents = _documents(3000 if limitmb == 1 else 400, seed=limitmb)
    _write(tmp_path / "whoosh", SegmentWriter, documents)
    _write(tmp_path / "builder", SegmentBuilder, documents, limitmb=limitmb)
    expected, written = _segment_files(tmp_path / "whoosh"), _segment_files(tmp_path / "builder")
    assert len(expected) >= 5  # terms, postings, stored fields and columns
    assert written.keys() == expected.keys()
    for name, data in expected.items():
        assert written[name] == data, name
    with whoosh_index.open_dir(str(tmp_path / "builder")).reader() as reader:
        assert reader.doc_count_all() == len(documents)
        assert reader.field_length("body") == sum(len(d["body"].split()) for d in documents)


def test_builder_saves_the_mapped_postings_reading_the_segment_would_give(tmp_path):
    documents = _documents(400, seed=3)
    _write(tmp_path, SegmentBuilder, documents)
    saved = load_file(tmp_path / file_name(f"MAIN_{SEGMENT_ID}"))
    with whoosh_index.open_dir(str(tmp_path)).reader() as reader:
        (leaf, _), = reader.leaf_readers()
        read_back = segment_postings(leaf)
    assert saved is not None and read_back is not None
    assert saved.meta == read_back.meta and saved.arrays.keys() == read_back.arrays.keys()
    assert len(saved.arrays["exact.positions"]) > 1000  # frequent terms were mapped, positions included
    for name, array in read_back.arrays.items():
        assert saved.arrays[name].dtype == array.dtype, name
        assert np.array_equal(saved.arrays[name], array), name
    mapped = SegmentPostings(saved)
    with whoosh_index.open_dir(str(tmp_path)).reader() as reader:
        (leaf, _), = reader.leaf_readers()
        terms = list(saved.table("exact.terms"))
        assert len(terms) > 5
        for term in terms:  # positions as Whoosh's own reader decodes them
            expected = [(doc, place) for doc, places in leaf.postings("exact", term).items_as("positions")
                        for place in places]
            owners, places = mapped.positions("exact", term)
            assert list(zip(owners.tolist(), places.tolist(), strict=True)) == expected, term
        for field in ("title", "body", "exact"):
            assert len(saved.table(f"{field}.terms")) > 0, field
            for term in saved.table(f"{field}.terms"):  # documents and weights as Whoosh's matcher reads them
                matcher, expected = leaf.postings(field, term), []
                while matcher.is_active():
                    expected.append((matcher.id(), matcher.weight()))
                    matcher.next()
                docs, weights = mapped.get(field, term)
                assert list(zip(docs.tolist(), weights.tolist(), strict=True)) == expected, (field, term)


def test_a_document_that_fails_leaves_no_postings_behind(tmp_path):
    documents = _documents(30, seed=4)
    broken = dict(documents[10], date="not a number")  # refused after its actor, body and country fields
    _write(tmp_path / "whoosh", SegmentWriter, documents[:10] + documents[11:])
    (tmp_path / "builder").mkdir()
    whoosh_index.create_in(str(tmp_path / "builder"), index_schema())
    writer = SegmentBuilder(whoosh_index.open_dir(str(tmp_path / "builder")), _lk=False, codec=_FixedNameCodec(),
                            compound=False)
    for number, document in enumerate(documents):
        if number == 10:
            with pytest.raises(ValueError):
                writer.add_document(**broken)
            continue
        writer.add_document(**document)
    writer._commit_toc([writer._finalize_segment()])
    expected, written = _segment_files(tmp_path / "whoosh"), _segment_files(tmp_path / "builder")
    postings = [name for name in expected if name.endswith((".trm", ".pst"))]
    assert len(postings) == 2
    for name in postings:  # (Whoosh's own per-document columns keep a refused document's first values)
        assert written[name] == expected[name], name
