"""`index.segments`' shortcuts past Whoosh's writer: hand-built pickled positions, terms keyed by word until flushed."""
import random

import pytest
from whoosh import formats
from whoosh import index as whoosh_index

from index.schema import index_schema
from index.segments import SegmentBuilder, _encode_positions


def test_encoded_positions_are_whooshs_for_every_gap_size_and_list_length():
    """Gaps of each opcode size (one byte, two bytes, beyond), a first position of 0, lists up to and past
    pickle's 1000-item batches: byte for byte what `formats.Positions.encode` writes."""
    rng = random.Random(7)
    lists = [[0], [5], [0, 1], [3, 255, 256], [1, 300, 65535], [2, 65536], [10, 70_000, 200_000],
             sorted(rng.sample(range(5000), 1000)), sorted(rng.sample(range(5000), 1001)),
             sorted(rng.sample(range(100_000), 2500))]
    lists += [sorted(rng.sample(range(rng.choice([50, 600, 90_000])), rng.randint(2, 40))) for _ in range(500)]
    whoosh_format = formats.Positions()
    for places in lists:
        assert _encode_positions(places) == whoosh_format.encode(places), places


def test_text_that_cannot_be_written_fails_its_own_document_not_the_segment(tmp_path):
    """Plain fields' terms are encoded only when the segment is flushed; a lone surrogate in one document's
    text must still be refused with that document, and the others' terms be written."""
    whoosh_index.create_in(str(tmp_path), index_schema())
    writer = SegmentBuilder(whoosh_index.open_dir(str(tmp_path)), _lk=False)
    writer.add_document(id="kept-1", title="harbour strike", body="dockers strike at the harbour", exact="x")
    with pytest.raises(UnicodeEncodeError):
        writer.add_document(id="refused", title="strike", body="dockers \ud800 walk out", exact="y")
    writer.add_document(id="kept-2", title="ferry delay", body="ferries delayed by the harbour strike", exact="z")
    writer.commit()
    with whoosh_index.open_dir(str(tmp_path)).searcher() as searcher:
        assert {stored["id"] for stored in searcher.all_stored_fields()} == {"kept-1", "kept-2"}
        assert sorted(searcher.lexicon("body")) == sorted(w.encode() for w in
                                                          {"dockers", "strike", "at", "the", "harbour", "ferries",
                                                           "delayed", "by"})
