"""Cheap requests first: waitress's task queue, reordered so an attack of expensive queries cannot starve the rest.

Under an attack, every waitress thread of a worker is busy and requests wait in its task
queue, first come first served; a plain search then waits behind every queued wildcard
request, even those the admission gate (`search.budget.AdmissionGate`) will refuse at once.
This dispatcher puts a request whose query has no wildcard, fuzzy word or phrase (the
expensive classes, told from the URL alone, `looks_expensive`) ahead of those that do,
after the cheap ones already waiting, so cheap requests stay in arrival order among
themselves. It only reorders the queue: every request is still served, and the gate and
the time budget still decide what an expensive one may cost.

waitress takes a dispatcher through `create_server(_dispatcher=...)`; this subclasses its
`ThreadedTaskDispatcher` (waitress 3.x: the queued task is the channel, whose first
request is the one to serve).
"""
from __future__ import annotations

from urllib.parse import unquote_plus

from waitress.task import ThreadedTaskDispatcher

# Characters that mark a wildcard, a fuzzy word or a phrase in a query string.
_EXPENSIVE_MARKS = ("*", "~", '"')


def looks_expensive(query_string: str) -> bool:
    """Whether a request's query string may hold an expensive query class (a guess that only orders the queue)."""
    text = unquote_plus(query_string or "")
    return any(mark in text for mark in _EXPENSIVE_MARKS)


def _is_cheap(task: object) -> bool:
    requests = getattr(task, "requests", None)
    request = requests[0] if requests else None
    return request is None or not looks_expensive(getattr(request, "query", "") or "")


class CheapFirstDispatcher(ThreadedTaskDispatcher):
    """`ThreadedTaskDispatcher` whose queue keeps cheap requests ahead of expensive ones (see the module)."""

    def add_task(self, task) -> None:
        if not _is_cheap(task):
            super().add_task(task)
            return
        with self.lock:
            position = 0
            for waiting in self.queue:  # the queue is short: at most a few per connection
                if not _is_cheap(waiting):
                    break
                position += 1
            self.queue.insert(position, task)
            self.queue_cv.notify()
