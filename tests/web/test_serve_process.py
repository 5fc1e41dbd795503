"""`newsfacets serve` as a process: a worker that cannot start, and stopping with requests in flight.

These run the real console script and judge it by what an operator sees: its exit
status, its last line of output, and whether a client that had begun a request when
SIGTERM arrived still got its whole answer.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from hostile import REPO_ROOT, TRACEBACK, child_env, free_port, newsfacets_command, run_newsfacets

START_WAIT = 30.0
# Without capabilities that bypass file permissions, so a mode-000 folder cannot be read by root either.
_DROP = "-dac_override,-dac_read_search"


class ServeProcess:
    """`newsfacets serve ARGS` on a free loopback port; `start()` waits until it listens.

    Unlike `hostile.Server`, the test chooses every flag and ends the process itself,
    so it can watch how `serve` stops.
    """

    def __init__(self, *args: str, host: str = "127.0.0.1", env: dict[str, str] | None = None,
                 prefix: tuple[str, ...] = ()) -> None:
        self.host = host
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        self.command = [*prefix, *newsfacets_command(), "serve", "--host", host, "--port", str(self.port), *args]
        self._env = child_env(**(env or {}))
        self._log = tempfile.TemporaryFile()
        self.process: subprocess.Popen | None = None

    def launch(self) -> "ServeProcess":
        self.process = subprocess.Popen(self.command, stdout=self._log, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
                                        env=self._env, start_new_session=True)
        return self

    def start(self) -> "ServeProcess":
        """Launch and wait until the port accepts connections."""
        self.launch()
        deadline = time.monotonic() + START_WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"serve did not listen within {START_WAIT} s:\n{self.log()}")

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"serve still running after {timeout} s:\n{self.log()[-3000:]}") from None

    def stop(self) -> None:
        """Kill whatever is left of the session (the test has judged it by now)."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def __enter__(self) -> "ServeProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def unreadable_prefix() -> tuple[str, ...]:
    """How to run a command for which mode 000 really means unreadable (root reads everything)."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: mode 000 cannot bite")
    return ("setpriv", f"--inh-caps={_DROP}", f"--bounding-set={_DROP}", "--")


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory) -> Path:
    """The shipped example corpus, indexed by the real command."""
    index_dir = tmp_path_factory.mktemp("serve-process") / "index"
    finished = run_newsfacets("index", str(REPO_ROOT / "examples" / "corpus"), "--index", str(index_dir), "--workers", "1")
    assert finished.returncode == 0, finished.output
    return index_dir


@pytest.fixture
def locked_index(tmp_path) -> Path:
    locked = tmp_path / "locked-index"
    locked.mkdir()
    locked.chmod(0)
    yield locked
    locked.chmod(0o755)


# --- A worker that cannot start -----------------------------------------------------------


def test_workers_that_cannot_start_stop_serve_with_the_reason(locked_index):
    """An index directory the server's user cannot read: every worker fails at start.

    `serve` must back off between restarts (not fork a hundred workers in two seconds),
    give up after a few, and say why in its last line, with exit status 1.
    """
    serve = ServeProcess("--index", str(locked_index), "--workers", "2", prefix=unreadable_prefix()).launch()
    try:
        returncode = serve.wait(timeout=40)
    finally:
        serve.stop()
    log = serve.log()
    lines = log.strip().splitlines()
    assert returncode == 1, log
    assert "cannot read the index directory" in lines[-1] and str(locked_index) in lines[-1], lines[-1]
    assert TRACEBACK not in log, log
    delays = [float(found) for found in re.findall(r"starting another in ([\d.]+) s", log)]
    assert 1 <= len(delays) < 10, log  # a handful of restarts, not a storm
    assert delays == sorted(delays) and delays[-1] >= 4 * delays[0], delays  # each pause longer than the last


def test_a_single_worker_that_cannot_start_says_why_at_once(locked_index):
    """With --workers 1 `serve` serves in-process: no restarts, the reason and exit 1 straight away."""
    started = time.monotonic()
    finished = run_newsfacets("serve", "--index", str(locked_index), "--workers", "1", "--port", str(free_port()),
                              timeout=30, prefix=unreadable_prefix())
    assert finished.returncode == 1, finished.output
    last = finished.output.strip().splitlines()[-1]
    assert last.startswith("newsfacets serve: cannot start:") and "permission denied" in last, last
    assert TRACEBACK not in finished.output
    assert time.monotonic() - started < 20


def test_a_missing_index_is_no_reason_to_stop(tmp_path):
    """The control: an index not built yet still starts the server, which says so per request."""
    with ServeProcess("--index", str(tmp_path / "not-built-yet"), "--workers", "2") as serve:
        with socket.create_connection(("127.0.0.1", serve.port), timeout=10) as client:
            client.sendall(b"GET /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            answer = _read_all(client)
        assert answer.startswith(b"HTTP/1.1 503"), answer[:200]
        time.sleep(1)
        assert serve.process.poll() is None, serve.log()


def _workers_of(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in children.read_text().split()} if children.exists() else set()


def test_a_worker_killed_while_serving_is_replaced(sample_index):
    """The other side of giving up: one death is a crash to recover from, not a start failure."""
    with ServeProcess("--index", str(sample_index), "--workers", "2") as serve:
        deadline = time.monotonic() + START_WAIT
        while len(workers := _workers_of(serve.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2, workers
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        while (len(now := _workers_of(serve.process.pid)) < 2 or victim in now) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(now) == 2 and victim not in now, now
        assert serve.process.poll() is None
        with socket.create_connection(("127.0.0.1", serve.port), timeout=10) as client:
            client.sendall(b"GET /api/search?q=the HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            assert _read_all(client).startswith(b"HTTP/1.1 200")
        assert f"worker {victim} stopped: worker exited (killed by SIGKILL)" in serve.log(), serve.log()


# --- SIGTERM drains requests in flight ----------------------------------------------------


def _read_all(client: socket.socket) -> bytes:
    chunks = []
    while chunk := client.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _begin_request(port: int) -> socket.socket:
    """A search whose request is all sent but its last line break: in flight, not finished."""
    client = socket.create_connection(("127.0.0.1", port), timeout=20)
    client.sendall(b"GET /api/search?q=the HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
    time.sleep(0.5)  # the server has read it by now
    return client


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_lets_a_request_in_flight_finish(sample_index, workers):
    """SIGTERM while a client is part-way through a request: it gets its whole answer, then `serve` exits 0."""
    with ServeProcess("--index", str(sample_index), "--workers", workers, "--drain-seconds", "10") as serve:
        client = _begin_request(serve.port)
        serve.process.send_signal(signal.SIGTERM)
        time.sleep(1.5)
        assert serve.process.poll() is None, "serve exited with a request in flight:\n" + serve.log()
        client.sendall(b"\r\n")
        answer = _read_all(client)
        client.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), answer[:300]
        assert json.loads(body)["total"] > 0
        finished = time.monotonic()
        assert serve.wait(timeout=8) == 0, serve.log()
        assert time.monotonic() - finished < 5
        assert TRACEBACK not in serve.log(), serve.log()


def test_sigterm_waits_no_longer_than_the_drain_timeout(sample_index):
    """A client that never finishes its request cannot keep the server up past --drain-seconds."""
    with ServeProcess("--index", str(sample_index), "--workers", "2", "--drain-seconds", "2") as serve:
        client = _begin_request(serve.port)
        signalled = time.monotonic()
        serve.process.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=10) == 0, serve.log()
        took = time.monotonic() - signalled
        client.close()
        assert 1.5 <= took < 6, took  # it did wait for the request, and no longer than the timeout allows
        assert TRACEBACK not in serve.log(), serve.log()


def test_an_idle_server_stops_at_once(sample_index):
    """Nothing in flight: SIGTERM ends `serve` in well under the drain timeout, with status 0."""
    with ServeProcess("--index", str(sample_index), "--workers", "2", "--drain-seconds", "10") as serve:
        with socket.create_connection(("127.0.0.1", serve.port), timeout=10) as idle:  # keep-alive, idle
            idle.sendall(b"GET /api/search?q=the HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert idle.recv(12).startswith(b"HTTP/1.1 200")
            signalled = time.monotonic()
            serve.process.send_signal(signal.SIGTERM)
            assert serve.wait(timeout=10) == 0, serve.log()
            assert time.monotonic() - signalled < 3
