"""The build on a Dask cluster: reading and indexing on the cluster's workers, publishing here.

`index.build.build_index(..., dask=ADDRESS)` comes here with the same `_Run` a local
build uses, so the rules for what gets indexed (skipped files, duplicate ids, unchanged
articles, the facet value cap) are the same code. Only where the work runs changes:

- reading: each file, or window of a big record file (`index.readers.read_unit`), is a
  task; this process applies the rules to their results in input order;
- indexing: each batch of articles is a task (`index.build.index_batch`) that writes a
  Whoosh segment of its own into the generation's temporary directory, which every
  machine must see at the same path (a shared file system), and returns the segment;
- this process lists the segments in one table of contents and publishes, exactly as a
  local build does.

A worker that dies (killed, out of memory, its machine gone) takes its running tasks
with it; the scheduler runs them again on other workers. That needs no `retries=`:
Dask's `retries` re-run a task that *raised*, and our tasks never raise for bad input,
while a task whose worker died is rescheduled by the scheduler itself, up to
`distributed.scheduler.allowed-failures` worker deaths (3 by default) before it fails
with `KilledWorker`, which fails the build with the live index unchanged. A dead
attempt's half-written segment is listed nowhere and Whoosh's commit deletes its files.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from distributed import Client, Future, KilledWorker, LocalCluster, as_completed, wait

from index.build import BuildFailed, _Run, index_batch
from index.readers import Unit, read_unit

LOCAL = "local"
# Articles per indexing task, hence per segment: big enough that a corpus makes few
# segments (each one costs a searcher), small enough that a lost task is cheap to redo.
ARTICLES_PER_TASK = 256
# Reading and indexing tasks queued per worker: keeps every worker busy, memory bounded.
TASKS_IN_FLIGHT_PER_WORKER = 4
CONNECT_SECONDS = 30


@contextmanager
def _client(address: str, workers: int) -> Iterator[Client]:
    """A client of the scheduler at `address`, or of a LocalCluster of `workers` processes for "local".

    The local cluster listens on the loopback interface only, with no dashboard: it is
    this build's, not a service. Its logs are silenced (a worker's shutdown chatter is no
    news to the user; what fails the build is said in one line).
    """
    cluster = None
    try:
        if address == LOCAL:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, silence_logs=logging.CRITICAL)
            client = Client(cluster)
        else:
            client = Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, RuntimeError) as error:  # RuntimeError: a local worker failed to start
        if cluster is not None:
            cluster.close()
        reason = " ".join(str(error).split())[:200]
        where = "start a local Dask cluster" if address == LOCAL else f"reach the Dask scheduler at {address}"
        raise BuildFailed(f"cannot {where}: {reason}") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def index_on_dask(run: _Run, directory: Path, address: str, workers: int) -> list:
    """Read and index every article on the cluster at `address`; returns the segments written."""
    with _client(address, workers) as client:
        slots = TASKS_IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info().get("workers", {})))
        segments: list = []
        indexing: set[Future] = set()

        def collect(done: set[Future]) -> None:
            for future in done:
                outcomes, segment = future.result()
                run.record(outcomes)
                if segment is not None:
                    segments.append(segment)

        def submit_read(unit: Unit) -> Future:
            return client.submit(read_unit, unit, pure=False)

        try:
            for batch in run.batches(submit_read, slots, ARTICLES_PER_TASK):
                indexing.add(client.submit(index_batch, str(directory), batch, run.entities, pure=False))
                if len(indexing) >= slots:
                    wait(indexing, return_when="FIRST_COMPLETED")
                done = {future for future in indexing if future.done()}
                indexing -= done
                collect(done)
            for future in as_completed(indexing):  # progress as each task ends, as a local build reports it
                indexing.discard(future)
                collect({future})
        except KilledWorker as error:
            raise BuildFailed(f"{error.allowed_failures + 1} Dask workers died running one task (the last at "
                              f"{error.last_worker.address}); the live index is unchanged") from None
        finally:
            client.cancel(list(indexing))
        return segments
