"""The build on a real Dask cluster (issue 12, "Fan-out ingest on Dask").

A Dask build must give the index a local build gives (same stored documents, same
indexed facet values, same counts of skipped, duplicate and unchanged articles), and a
worker killed mid-build must cost nothing but time: its tasks run again elsewhere and
no file of a dead attempt is published. Real LocalClusters (worker processes with
nannies on the loopback interface), real indexes on disk; slow (a cluster takes seconds
to start), so marked `slow`.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import stored_documents, write_generated_articles
from whoosh import index as whoosh_index
from whoosh.index import TOC

from index import store
from index.build import BuildReport, build_index
from index.schema import FACET_FIELDS

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"
NEWSFACETS = [sys.executable, "-m", "newsfacets.cli"]


def _facet_terms(index_dir: Path) -> dict[str, dict[str, int]]:
    """Every indexed facet value of the live generation with its document count, by facet."""
    ix = store.open_index(index_dir)
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            return {facet: {term.decode("utf-8") if isinstance(term, bytes) else term: reader.doc_frequency(facet, term)
                            for term in reader.lexicon(facet)} for facet in FACET_FIELDS}
    finally:
        ix.close()


def _only_listed_files(generation: Path) -> None:
    """Nothing in a published generation but its table of contents, the segments it lists, and sidecars."""
    ix = whoosh_index.open_dir(str(generation))
    listed = {segment.segment_id() for segment in ix._segments()}  # noqa: SLF001
    ix.close()
    pattern = TOC._segment_pattern("MAIN")  # noqa: SLF001
    for path in generation.iterdir():
        assert not path.is_dir(), f"stray directory {path.name} published"
        match = pattern.match(path.name)
        assert match is None or match.group(1) in listed, f"file of an unlisted segment published: {path.name}"


def _corpus(root: Path) -> Path:
    """examples/corpus plus what exercises the rules: a duplicate id, an empty file, an unread type."""
    corpus = root / "corpus"
    subprocess.run(["cp", "-r", str(EXAMPLES), str(corpus)], check=True)
    (corpus / "extra").mkdir()
    first = next(p for p in sorted((corpus / "jsonl").glob("*.jsonl")))
    record = json.loads(first.read_text(encoding="utf-8").splitlines()[0])
    (corpus / "extra" / "again.json").write_text(json.dumps({**record, "title": "Another copy"}), encoding="utf-8")
    (corpus / "extra" / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "extra" / "notes.docx").write_bytes(b"PK")
    (corpus / "extra" / "council.txt").write_text("Statement\n\nThe Orontes Valley Council said the LVC convoy was "
                                                  "delayed near Hama.", encoding="utf-8")
    return corpus


def _entities(root: Path) -> Path:
    """A user's entities file, which only reaches the cluster's workers if passed to them."""
    path = root / "entities.yaml"
    path.write_text("- {name: Orontes Valley Council, type: organisation, aliases: [LVC]}\n", encoding="utf-8")
    return path


def _summary(report: BuildReport) -> tuple:
    return (report.indexed, report.unchanged, report.removed, sorted((s.path, s.reason) for s in report.skipped),
            report.dropped_values)


def test_dask_local_build_gives_the_local_build_full_and_incremental(tmp_path):
    """`newsfacets index --dask local` (its own LocalCluster) against the same build in local processes."""
    corpus, entities = _corpus(tmp_path), _entities(tmp_path)
    local_report = build_index([corpus], tmp_path / "local", workers=2, entities=entities)
    environment = {key: value for key, value in os.environ.items() if key != "NEWSFACETS_ENTITIES"}
    result = subprocess.run([*NEWSFACETS, "index", str(corpus), "--index", str(tmp_path / "dask"), "--dask", "local",
                             "--workers", "2", "--entities", str(entities)], capture_output=True, text=True,
                            timeout=300, env=environment)
    assert result.returncode == 3, result.stderr  # partial: the duplicate and the empty file are skipped
    assert "Traceback" not in result.stderr
    counts = f"indexed {local_report.indexed}, unchanged 0, removed 0, skipped {len(local_report.skipped)}"
    assert counts in result.stdout
    for skipped in local_report.skipped:
        assert f"skipped {skipped.path}: {skipped.reason}" in result.stdout
    assert any("duplicate id" in s.reason for s in local_report.skipped)
    assert stored_documents(tmp_path / "dask")["extra/council"]["actor"] == ["Orontes Valley Council"]
    assert stored_documents(tmp_path / "dask") == stored_documents(tmp_path / "local")
    assert _facet_terms(tmp_path / "dask") == _facet_terms(tmp_path / "local")
    _only_listed_files(store.current_generation(tmp_path / "dask"))

    # Incremental: one article changed, one file gone; unchanged ones are counted, not re-indexed.
    text = next(iter(sorted((corpus / "txt").glob("*.txt"))))
    text.write_text(text.read_text(encoding="utf-8") + "\n\nA late paragraph about the harbour.", encoding="utf-8")
    (corpus / "extra" / "again.json").unlink()
    (corpus / "md").joinpath(sorted(p.name for p in (corpus / "md").iterdir())[0]).unlink()
    local_again = build_index([corpus], tmp_path / "local", workers=2, incremental=True, entities=entities)
    dask_again = build_index([corpus], tmp_path / "dask", workers=2, incremental=True, dask="local", entities=entities)
    assert _summary(dask_again) == _summary(local_again)
    assert local_again.unchanged > 0 and local_again.removed == 1 and local_again.indexed == 1
    assert stored_documents(tmp_path / "dask") == stored_documents(tmp_path / "local")
    assert _facet_terms(tmp_path / "dask") == _facet_terms(tmp_path / "local")


@pytest.fixture
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local_cluster:
        yield local_cluster


def test_a_worker_killed_mid_build_costs_only_time(tmp_path, cluster):
    """SIGKILL one worker process once the first batch is in: its tasks are retried on the
    other (or its restarted self), the index is complete and correct, and no file of the
    dead attempt is published."""
    from distributed import Client

    from index.distributed import ARTICLES_PER_TASK

    count = ARTICLES_PER_TASK * 4
    corpus = write_generated_articles(tmp_path / "corpus" / "generated.jsonl", count, "killed", seed=3).parent
    with Client(cluster) as client:
        pids = client.run(os.getpid)  # by worker address
    assert len(pids) == 2
    progress: list[int] = []
    killed: list[int] = []

    def indexing(address: str) -> bool:
        worker = cluster.scheduler.workers.get(address)
        return worker is not None and any(str(task.key).startswith("index_batch") for task in worker.processing)

    def on_progress(report: BuildReport) -> None:
        progress.append(report.indexed)
        busy = [address for address in pids if indexing(address)]
        if not killed and busy:  # a worker in the middle of writing a segment
            os.kill(pids[busy[0]], signal.SIGKILL)
            killed.append(pids[busy[0]])

    report = build_index([corpus], tmp_path / "index", dask=cluster.scheduler_address, on_progress=on_progress)
    assert killed and progress[0] < count  # the worker died with work left to do
    assert report.indexed == count and not report.skipped
    assert progress == sorted(progress) and progress[-1] == count
    documents = stored_documents(tmp_path / "index")
    assert sorted(documents) == sorted(f"killed-{n}" for n in range(count))  # none lost
    ix = store.open_index(tmp_path / "index")
    assert ix.doc_count() == count  # and none twice (a retried task's segment listed once)
    ix.close()
    expected = {json.loads(line)["id"]: json.loads(line)["title"]
                for line in (corpus / "generated.jsonl").read_text(encoding="utf-8").splitlines()}
    assert {doc_id: fields["title"] for doc_id, fields in documents.items()} == expected
    _only_listed_files(report.generation)
    with Client(cluster) as client:
        assert killed[0] not in client.run(os.getpid).values()  # the nanny started a new worker process
        removals = [event for _, event in client.get_events("all") if event.get("action") == "remove-worker"]
    assert any(str(key).startswith("index_batch") for event in removals for key in event["processing-tasks"])


def test_a_dask_build_reports_progress_as_a_local_one_does(tmp_path, cluster):
    """Progress comes once per finished task, counts only grow, and the last report is the local build's."""
    from index.distributed import ARTICLES_PER_TASK

    count = ARTICLES_PER_TASK * 3
    corpus = write_generated_articles(tmp_path / "corpus" / "generated.jsonl", count, "progress", seed=5).parent
    seen: dict[str, list[tuple[int, int]]] = {"dask": [], "local": []}

    def recorder(name: str):
        return lambda report: seen[name].append((report.indexed, len(report.skipped)))

    dask_report = build_index([corpus], tmp_path / "dask", dask=cluster.scheduler_address,
                              on_progress=recorder("dask"))
    local_report = build_index([corpus], tmp_path / "local", workers=2, on_progress=recorder("local"))
    assert len(seen["dask"]) >= 3  # one report per task, not one at the end
    assert seen["dask"] == sorted(seen["dask"]) and seen["dask"][-1] == (count, 0)
    assert seen["dask"][-1] == seen["local"][-1] and _summary(dask_report) == _summary(local_report)
