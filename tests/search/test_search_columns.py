"""Mapped columns (`index.columns`) answer exactly as the arrays computed from Whoosh do.

Each index is searched twice: as built (its `columns.bin` mapped) and as a copy without
any columns file, which `search.handle` computes in memory from the Whoosh segments, the
path an index built before columns existed takes. Hits, scores, totals, every facet's
counts, the date histogram and the spelling suggestion must be identical, on the sample
corpus and on a corpus changed, shrunk and grown over several incremental builds. The
columns themselves are checked against Whoosh (field lengths, facet values per stored
document, and BM25F scores as Whoosh's own scorer gives them), and an incremental build
must reuse the files of segments it kept.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.util.numeric import byte_to_length

from index.build import build_index
from index.columns import (
    GENERATION_FILE,
    JOINT_PREFIX,
    SEGMENT_PREFIX,
    Columns,
    compute_columns,
    facet_fields,
    load_columns,
    load_file,
    save_file,
    scored_fields,
    write_columns,
)
from index.schema import FACET_FIELDS
from index.store import CURRENT, current_generation
from search import Searcher
from search.facets import FacetIndex

TOPICS = ["harbour strike", "grain harvest", "railway budget", "ceasefire talks", "bridge collapse",
          "election count", "drought relief", "convoy attack"]
PLACES = ["Damascus", "Aleppo", "Homs", "Geneva", "Moscow", "Ankara"]
PEOPLE = ["Bashar al-Assad", "Recep Tayyip Erdogan", "Vladimir Putin", "Antonio Guterres"]


def _record(n: int, version: int = 0) -> dict:
    topic = TOPICS[n % len(TOPICS)]
    place, person = PLACES[(n * 5) % len(PLACES)], PEOPLE[(n * 3) % len(PEOPLE)]
    extra = f" Revised figures number {version} were published." if version else ""
    return {"id": f"story-{n}", "source": f"Wire {n % 3}", "date": f"{2019 + n % 3}-{1 + n % 12:02d}-{1 + n % 27:02d}",
            "title": f"{topic.capitalize()} in {place}",
            "body": f"{person} spoke about the {topic} in {place} on day {n}. Officials in {place} said the "
                    f"{topic} would continue, and {TOPICS[(n + 3) % len(TOPICS)]} was also discussed.{extra}"}


def _write(folder: Path, records: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


def _without_columns(index_dir: Path, into: Path) -> Path:
    """A copy of the live generation with no columns file, as an index built before columns existed."""
    generation = current_generation(index_dir)
    assert generation is not None
    into.mkdir(parents=True)
    shutil.copytree(generation, into / generation.name, ignore=shutil.ignore_patterns(SEGMENT_PREFIX + "*"))
    (into / CURRENT).write_text(generation.name + "\n", encoding="utf-8")
    return into


def _queries(searcher: Searcher) -> list[dict]:
    """Searches drawn from the index itself: its frequent words, a misspelling, a prefix, a phrase, facet filters."""
    everything = searcher.search("", per_page=5, collapse="none")
    vocabulary = searcher._handle.current().spelling
    frequent = sorted(((int(f), w) for w, f in zip(vocabulary.words, vocabulary.frequencies, strict=True)
                       if w.isalpha() and len(w) > 4), reverse=True)
    words = [w for _, w in frequent[:6]]
    misspelt = words[0][0] + words[0][2] + words[0][1] + words[0][3:]
    queries: list[dict] = [{"query": ""}, {"query": words[0]}, {"query": f"{words[1]} {words[2]}"},
                           {"query": f"{words[3]} OR {words[4]}", "sort": "newest"},
                           {"query": f'"{words[0]} {words[1]}"'}, {"query": words[5][:3] + "*"},
                           {"query": misspelt}, {"query": f"{words[0]} NOT {words[1]}", "page": 2, "per_page": 3},
                           {"query": words[1], "date_from": "2020", "date_to": "2020-06"}]
    for name in FACET_FIELDS:
        counted = everything.facets.get(name) or []
        if counted:
            queries.append({"query": words[0], name: [counted[0]["value"].upper()]})  # matched folded
            queries.append({"query": "", f"not_{name}": [counted[-1]["value"]], "collapse": "story"})
    return queries


def _answers(index_dir: Path, queries: list[dict]) -> list[dict]:
    with Searcher(index_dir) as searcher:
        answers = []
        for arguments in queries:
            found = searcher.search(**{"collapse": "none", "per_page": 20, **arguments}).to_dict()
            found.pop("took_ms")
            answers.append(found)
        return answers


def _assert_same_answers(index_dir: Path, tmp_path: Path) -> None:
    computed_dir = _without_columns(index_dir, tmp_path / "computed")
    with Searcher(index_dir) as mapped, Searcher(computed_dir) as computed:
        assert mapped._handle.current().columns.mapping is not None  # the mapped path really was taken
        assert computed._handle.current().columns.mapping is None
        queries = _queries(mapped)
    mapped_answers, computed_answers = _answers(index_dir, queries), _answers(computed_dir, queries)
    for arguments, one, other in zip(queries, mapped_answers, computed_answers, strict=True):
        assert one == other, arguments
    assert any(answer["suggestion"] for answer in mapped_answers)  # the misspelling was corrected
    assert sum(len(answer["hits"]) for answer in mapped_answers) > len(queries)
    assert all(answer["hits"][0]["score"] > 0 for answer in mapped_answers[1:3])  # ranked, so scores compared


def test_sample_index_answers_the_same_mapped_and_computed(sample_index, tmp_path):
    _assert_same_answers(sample_index, tmp_path)


def _assert_scores_as_whoosh(index_dir: Path) -> None:
    """BM25F over the mapped lengths and averages scores every document as Whoosh's own scorer does."""
    with Searcher(index_dir) as searcher, searcher._handle.borrow() as (generation, whoosh_searcher):
        matcher = generation.matcher(whoosh_searcher)
        for words in (["harbour"], ["grain", "talks"], ["officials", "damascus", "relief"]):
            q = wq.Or([wq.Term(name, word) for word in words for name in ("title", "body", "exact")])
            mask = matcher.mask(q) & generation.facets.live
            ours = dict(matcher.top(q, mask, 0, generation.facets.size))
            theirs = {hit.docnum: hit.score for hit in whoosh_searcher.search(q, limit=None)}
            assert ours.keys() == theirs.keys() and ours
            assert all(abs(ours[doc] - score) < 1e-9 for doc, score in theirs.items()), words


def _live_segment_files(generation: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in generation.glob(SEGMENT_PREFIX + "*") if p.name != GENERATION_FILE}


def test_incremental_builds_add_columns_for_new_segments_and_answer_the_same(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    records = {n: _record(n) for n in range(40)}
    build_index([_write(corpus, list(records.values()))], index_dir, workers=2)
    _assert_same_answers(index_dir, tmp_path / "round0")
    reused = 0
    for round_, (changed, removed, added) in enumerate([(range(0, 6), range(30, 34), range(40, 48)),
                                                        (range(10, 12), range(0, 3), range(48, 50)),
                                                        (range(40, 44), range(44, 46), ())], start=1):
        previous = current_generation(index_dir)
        assert previous is not None
        for n in changed:
            records[n] = _record(n, version=round_)
        for n in removed:
            records.pop(n, None)
        records.update({n: _record(n) for n in added})
        report = build_index([_write(corpus, list(records.values()))], index_dir, incremental=True, workers=1)
        assert report.removed == len(removed)
        generation = current_generation(index_dir)
        assert generation is not None and generation != previous
        before, after = _live_segment_files(previous), _live_segment_files(generation)
        kept = set(before) & set(after)
        assert all(before[name] == after[name] for name in kept)  # the same file, linked: never rewritten
        reused += len(kept)
        assert set(after) - set(before)  # the new articles' segment got its own columns
        assert (generation / GENERATION_FILE).stat().st_ino != (previous / GENERATION_FILE).stat().st_ino
        _assert_same_answers(index_dir, tmp_path / f"round{round_}")
        _assert_scores_as_whoosh(index_dir)
        with Searcher(index_dir) as searcher:
            assert searcher.search("", collapse="none").total == len(records)
    assert reused  # some round kept segments, and their columns with them


def test_columns_agree_with_whoosh(tmp_path):
    """Field lengths decode to Whoosh's own; facet values are those stored on the live documents."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    records = [_record(n) for n in range(12)]
    build_index([_write(corpus, records)], index_dir, workers=2)
    build_index([_write(corpus, records[2:])], index_dir, incremental=True, workers=1)  # two deleted
    with whoosh_index.open_dir(str(current_generation(index_dir))).searcher() as searcher:
        reader = searcher.reader()
        columns = load_columns(current_generation(index_dir), reader)
        assert columns is not None
        assert int(columns.arrays["live"].sum()) == len(records) - 2
        for name in scored_fields(reader.schema):
            lengths = columns.arrays[f"length.{name}"]
            for doc in range(reader.doc_count_all()):
                expected = reader.doc_field_length(doc, name, 0)
                assert (byte_to_length(int(lengths[doc])) if lengths[doc] else 0) == (expected or 0)
            assert columns.meta["averages"][name] == searcher.avg_field_length(name)
        stored: dict[str, dict[str, set[int]]] = {name: {} for name in facet_fields(reader.schema)}
        for doc in reader.all_doc_ids():
            fields = reader.stored_fields(doc)
            for name in stored:
                for value in fields.get(name) or []:
                    stored[name].setdefault(value, set()).add(doc)
        for name, expected_docs in stored.items():
            values = columns.table(f"facet.{name}.values")
            offsets, docs = columns.arrays[f"facet.{name}.offsets"], columns.arrays[f"facet.{name}.docs"]
            found = {values[i]: set(docs[offsets[i]:offsets[i + 1]].tolist()) for i in range(len(values))}
            assert found == expected_docs, name
        assert "Wire 0" in stored["source"]

        # Counting over few matches (their own values) and over many (every pair) agrees with the stored values.
        facets = FacetIndex.from_columns(columns)
        live = np.flatnonzero(columns.arrays["live"])
        for chosen in (live[:1], live[::3], live):
            mask = np.zeros(reader.doc_count_all(), dtype=bool)
            mask[chosen] = True
            for name, expected_docs in stored.items():
                expected = {value: len(docs & set(chosen.tolist())) for value, docs in expected_docs.items()}
                counted = {c["value"]: c["count"] for c in facets.fields[name].count(mask, 1000)}
                assert counted == {value: n for value, n in expected.items() if n}, (name, len(chosen))
            # All the facets over one mask at once (the joint table, for all but the whole corpus) count the same.
            together = facets.counts({name: mask for name in stored})
            for name, expected_docs in stored.items():
                values = facets.fields[name].values
                counted = {values[i]: int(n) for i, n in enumerate(together[name].tolist()) if n}
                assert counted == {value: n for value, docs in expected_docs.items()
                                   if (n := len(docs & set(chosen.tolist())))}, (name, len(chosen))


def test_columns_written_before_the_joint_facet_table_answer_the_same_and_are_upgraded(tmp_path):
    """A `columns.bin` without `facets.*` (written before the joint table) is computed around, then rewritten."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    build_index([_write(corpus, [_record(n) for n in range(30)])], index_dir, workers=1)
    generation = current_generation(index_dir)
    assert generation is not None
    with Searcher(index_dir) as searcher:
        queries = _queries(searcher)
    expected = _answers(index_dir, queries)
    full = load_file(generation / GENERATION_FILE)
    assert full is not None and JOINT_PREFIX + "doc_ords" in full.arrays
    kept = {name: np.array(array) for name, array in full.arrays.items() if not name.startswith(JOINT_PREFIX)}
    meta = dict(full.meta)
    del full
    save_file(generation / GENERATION_FILE, Columns(meta, kept))
    with Searcher(index_dir) as searcher:
        assert JOINT_PREFIX + "doc_ords" not in searcher._handle.current().columns.arrays
    assert _answers(index_dir, queries) == expected
    write_columns(generation)
    upgraded = load_file(generation / GENERATION_FILE)
    assert upgraded is not None
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        computed = compute_columns(reader)
    for name in (JOINT_PREFIX + "bases", JOINT_PREFIX + "doc_offsets", JOINT_PREFIX + "doc_ords"):
        assert np.array_equal(upgraded.arrays[name], computed.arrays[name]), name
    assert _answers(index_dir, queries) == expected


def test_write_columns_upgrades_an_existing_generation_and_stale_or_damaged_files_are_ignored(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    records = [_record(n) for n in range(10)]
    build_index([_write(corpus, records)], index_dir, workers=1)
    old = _without_columns(index_dir, tmp_path / "old")
    generation = current_generation(old)
    assert generation is not None
    reader = whoosh_index.open_dir(str(generation)).reader()
    assert load_columns(generation, reader) is None
    write_columns(generation)
    upgraded = load_columns(generation, reader)
    assert upgraded is not None and upgraded.mapping is not None
    computed = compute_columns(reader)
    assert upgraded.meta == json.loads(json.dumps(computed.meta))
    assert set(upgraded.arrays) == set(computed.arrays)
    for name, array in computed.arrays.items():
        assert np.array_equal(upgraded.arrays[name], array), name
    files = sorted(p.name for p in generation.iterdir())
    write_columns(generation)  # columns that match are left as they are
    assert sorted(p.name for p in generation.iterdir()) == files

    # Columns of another generation (other segments) and a cut-off file are not used.
    build_index([_write(corpus, records[:4])], index_dir, workers=1)
    other = current_generation(index_dir)
    assert other is not None
    shutil.copy(other / GENERATION_FILE, generation / GENERATION_FILE)
    assert load_columns(generation, reader) is None
    (generation / GENERATION_FILE).write_bytes((other / GENERATION_FILE).read_bytes()[:100])
    assert load_columns(generation, reader) is None
    with Searcher(old) as searcher:
        assert searcher.search("", collapse="none").total == len(records)
        assert searcher._handle.current().columns.mapping is None
