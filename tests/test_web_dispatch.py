"""The waitress dispatcher keeps plain searches ahead of queued wildcard ones (`web.dispatch`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from web.dispatch import CheapFirstDispatcher, looks_expensive


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
