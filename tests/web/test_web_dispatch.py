"""Waitress's side of admission control (`web.dispatch`): cheap requests first, recent refusals repeated at the door."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests
from waitress import wasyncore

from web.dispatch import CheapFirstDispatcher, CostlyRecently, RememberCostly, looks_expensive


@dataclass
class _Request:
    query: str


@dataclass
class _Channel:
    """What waitress queues: a channel whose first request is the one to serve."""

    name: str
    requests: list = field(default_factory=list)


def _channel(name: str, query: str) -> _Channel:
    return _Channel(name, [_Request(query)])


def test_expensive_marks_are_read_from_the_url_encoded_query():
    assert looks_expensive("q=oil%2A") and looks_expensive("q=damscus~") and looks_expensive("q=%22oil+prices%22")
    assert not looks_expensive("q=oil+prices&country=Syria") and not looks_expensive("")


def test_cheap_requests_go_ahead_of_expensive_ones_and_keep_their_order():
    dispatcher = CheapFirstDispatcher()  # no threads started: only the queue is looked at
    for name, query in [("w1", "q=a%2A"), ("c1", "q=oil"), ("w2", "q=b%2A"), ("c2", "q=gas"), ("w3", "q=c~")]:
        dispatcher.add_task(_channel(name, query))
    assert [task.name for task in dispatcher.queue] == ["c1", "c2", "w1", "w2", "w3"]


def test_costly_targets_are_known_after_two_runs_and_forgotten_after_their_time_and_beyond_the_bound():
    now = [0.0]
    costly = CostlyRecently(seconds=10.0, size=2, runs=2, clock=lambda: now[0])
    costly.add("/api/search?q=a%2A")
    assert "/api/search?q=a%2A" not in costly  # one costly run may be the worker's (a cold start)
    costly.add("/api/search?q=a%2A")
    assert "/api/search?q=a%2A" in costly and "/api/search?q=b%2A" not in costly
    now[0] = 10.5
    assert "/api/search?q=a%2A" not in costly
    costly.add("/api/search?q=a%2A")
    assert "/api/search?q=a%2A" not in costly  # the runs before it have expired
    for target in ("/1", "/2", "/3"):
        costly.add(target)
        costly.add(target)
    assert "/1" not in costly and "/2" in costly and "/3" in costly


def _wsgi(status: str, headers: list[tuple[str, str]], cpu: float):
    """A WSGI app that answers `status` after burning `cpu` seconds of its thread's CPU."""
    def app(environ, start_response):
        started = time.thread_time()
        while time.thread_time() - started < cpu:
            sum(range(1000))
        start_response(status, headers)
        return [b""]
    return app


def _call(app, target: str, times: int = 2) -> None:
    for _ in range(times):
        app({"REQUEST_URI": target}, lambda status, headers, exc_info=None: None)


def test_a_target_is_remembered_when_refused_for_cost_or_costly_and_forgotten_when_cheap():
    costly = CostlyRecently()
    _call(RememberCostly(_wsgi("503 Service Unavailable", [("Retry-After", "1")], 0), costly), "/busy")
    _call(RememberCostly(_wsgi("503 Service Unavailable", [], 0), costly), "/no-index")  # says nothing of cost
    _call(RememberCostly(_wsgi("200 OK", [], 0.03), costly, cpu_seconds=0.01), "/slow")
    _call(RememberCostly(_wsgi("200 OK", [], 0), costly, cpu_seconds=0.01), "/quick")
    assert "/busy" in costly and "/slow" in costly
    assert "/no-index" not in costly and "/quick" not in costly
    _call(RememberCostly(_wsgi("200 OK", [], 0), costly, cpu_seconds=0.01), "/slow", times=1)  # cheap this time
    assert "/slow" not in costly


@pytest.fixture()
def served(sample_index):
    """The production server (`web.cli.make_server`) in a thread, with a count of the requests that reached Flask."""
    from web import create_app
    from web.cli import make_server

    app = create_app({"INDEX_DIR": str(sample_index)})
    reached: list[str] = []

    @app.before_request
    def count() -> None:
        from flask import request

        reached.append(request.full_path)

    server = make_server("127.0.0.1", 0, str(sample_index), app=app)
    stop = threading.Event()

    def run() -> None:  # server.run(), but it can be stopped between polls rather than closed under select()
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", app, reached
    finally:
        stop.set()
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)


def _hold_every_slot(gate) -> list[int]:
    return [gate.acquire() for _ in range(gate.slots)]


@pytest.mark.parametrize("path", ["/api/search", "/search"])
def test_a_target_the_gate_just_refused_is_refused_at_the_door_while_the_gate_is_full(served, path):
    base, app, reached = served
    gate = app.extensions["newsfacets.searcher"].gate
    params = {"q": "s* OR t*"}
    held = _hold_every_slot(gate)
    try:
        for _ in range(2):  # refused twice by the gate, in the app: now known to be costly
            first = requests.get(base + path, params=params, timeout=30)
            assert first.status_code == 503 and int(first.headers["Retry-After"]) >= 1
        through_app = len(reached)
        again = requests.get(base + path, params=params, timeout=30)
        assert again.status_code == 503 and int(again.headers["Retry-After"]) >= 1
        assert len(reached) == through_app  # answered without Flask
        assert again.headers["Cache-Control"] == "no-store" and again.headers["X-Content-Type-Options"] == "nosniff"
        message = "the server is busy with other expensive searches"
        assert message in first.text and message in again.text and "Traceback" not in again.text
        if path.startswith("/api/"):
            assert again.json()["status"] == 503 and again.json()["error"] == first.json()["error"]
        plain = requests.get(base + path, params={"q": "said"}, timeout=30)
        assert plain.status_code == 200  # plain searches never meet the door
    finally:
        for fd in held:
            os.close(fd)
    freed = requests.get(base + path, params=params, timeout=30)
    assert freed.status_code == 200  # the door only repeats the gate's answer while the gate is full
    assert len(reached) == through_app + 2
